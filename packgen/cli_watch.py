"""``packgen build --watch``: build, then build again each time an input changes.

Ctrl-C (SIGINT) is the way to stop watching, and exits 0, once what was being written is
removed. Each rebuild after the first runs in a child forked from the warm watcher, so a
child that dies (a SIGBUS when an attachment is copied over while it is read from its
memory map) is one problem line and the watcher goes on.
"""

from __future__ import annotations

import gc
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from packgen.cli_build import BuildOptions
from packgen.cli_run import Outcome, Stopped, print_outcome, stop
from packgen.errors import Problem, display_path

if TYPE_CHECKING:
    from packgen.inputs import Inputs

BuildOne = Callable[[BuildOptions, Path], Outcome]


def watch_meetings(meetings: tuple[Path, ...], options: BuildOptions, quiet: bool,
                   build_one: BuildOne) -> NoReturn:
    """Build, then build again on every change, printing as a build does; Ctrl-C ends it
    with exit status 0 (the way to stop watching), once what was being written is removed."""
    from packgen.forking import can_fork
    from packgen.inputs import meeting_inputs
    from packgen.layout import Pack
    from packgen.outputs import default_output, output_files
    from packgen.watch import watch

    started = False

    def inputs(meeting: Path) -> Inputs:
        # A pack is never its own input, whatever folder it is written to.
        target = options.output or default_output(
            meeting, Pack(options.private, options.supplement), options.language)
        written = [path for path, _ in output_files(target, options.html)]
        # Nor is the cache: each hit touches an entry, which would build again forever.
        return meeting_inputs(meeting, options.templates, options.language,
                              written + ([options.cache] if options.cache else []))

    def waiting(count: int) -> None:
        nonlocal started
        if not quiet and not started:
            click.echo(f"watching {count} files for changes; press Ctrl-C to stop", err=True)
        started = True

    def changed(paths: tuple[Path, ...]) -> None:
        if not quiet:
            shown = ", ".join(display_path(p) for p in paths[:3])
            more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
            click.echo(f"changed: {shown}{more}", err=True)

    built: set[Path] = set()

    def build(meeting: Path) -> None:
        # The first build warms this process (imports, fonts); each rebuild runs in a
        # child forked from it, so that one dying or growing does not touch the watcher.
        again = meeting in built and can_fork()
        built.add(meeting)
        print_outcome(_rebuild(build_one, options, meeting) if again
                      else build_one(options, meeting), quiet)

    try:
        watch(meetings, build, inputs, changed=changed, waiting=waiting)
    except Stopped as stopped:
        if stopped.signum != signal.SIGINT:
            raise
        if not quiet:
            click.echo("packgen: stopped watching", err=True)
    sys.exit(0)


def _rebuild(build_one: BuildOne, options: BuildOptions, meeting: Path) -> Outcome:
    """``build_one`` in a forked child; a child that dies is one problem line."""
    from packgen.errors import Position
    from packgen.forking import Died, call

    def work() -> Outcome:
        signal.signal(signal.SIGTERM, stop)  # the watcher stopping: clean up, then end
        # One build, then the process ends: no collection, as for `packgen build`
        # (packgen.cli._no_collections); its cycles go with it.
        gc.disable()
        return build_one(options, meeting)

    try:
        return call(work)
    except Died as died:
        how = (f"signal {signal.Signals(died.signum).name}" if died.signum is not None
               else f"exit status {died.status}")
        why = (": a file it was reading changed while it read it"
               if died.signum in (signal.SIGBUS, signal.SIGSEGV) else "")
        return Outcome(False, "", (Problem(Position(meeting), (
            f"the build stopped ({how}){why}; the last pack written stays, and the "
            "meeting builds again at the next change")),))
