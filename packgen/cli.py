"""The ``packgen`` command: parses options, calls the library, prints problems.

Exit status: 0 done; 1 the input is wrong (every problem listed, outputs that would be
written over an input or over each other among them); 2 usage; 128+N stopped by signal N
(SIGINT, SIGTERM, SIGHUP), after removing what was being written; with ``--watch``,
Ctrl-C (SIGINT) is the way to stop watching, and exits 0. Several
meetings build one after another, or in parallel processes with ``--jobs``; one
meeting's failure does not stop the others, and the exit status says whether any
failed. With ``GITHUB_ACTIONS=true`` every problem is also a GitHub annotation.
"""

from __future__ import annotations

import atexit
import datetime
import gc
import json
import os
import signal
import sys
import threading
import traceback
from functools import cache, partial
from pathlib import Path

import click

from packgen import __version__
from packgen.cli_build import (
    DEFAULT_CACHE,
    BuildOptions,
    cache_folder,
    publish_usage,
    start_typesetting,
)
from packgen.cli_build import build_one as _build_one
from packgen.cli_options import (
    debug_option,
    jobs_option,
    language_option,
    meeting_files,
    quiet_option,
    require_tagged_option,
    templates_option,
    trusted_option,
)
from packgen.cli_run import (
    Outcome,
    Stopped,
    github_annotation,
    print_outcome,
    quiet_pypdf,
    run_all,
    stop,
)
from packgen.cli_site import site_command
from packgen.collection import GC_THRESHOLDS
from packgen.errors import PackgenError, display_path

__all__ = ["github_annotation", "main"]

class _Commands(click.Group):
    """Turns a stop signal into :class:`Stopped`, and that into a line and an exit status."""

    def invoke(self, ctx: click.Context) -> object:
        stops = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name)]
        if threading.current_thread() is not threading.main_thread():
            return super().invoke(ctx)  # only the main thread may handle signals
        before = {signum: signal.signal(signum, stop) for signum in stops}
        try:
            return super().invoke(ctx)
        except Stopped as stopped:
            # Cleanup ran on the way out; pool workers are killed with this process
            # (see forking.die_with_parent) rather than waited for.
            click.echo(f"packgen: stopped by {signal.Signals(stopped.signum).name}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + stopped.signum)
        finally:
            for signum, handler in before.items():
                signal.signal(signum, handler)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packgen")
def main() -> None:
    """Assemble the public document pack for a council committee meeting."""
    quiet_pypdf()
    _fewer_collections(click.get_current_context())


def _fewer_collections(ctx: click.Context) -> None:
    # The command line owns the process, so it, not the library, decides; put back when
    # the command ends, for a process that runs commands in-process (tests, CliRunner).
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    ctx.call_on_close(lambda: gc.set_threshold(*before))
    _no_collection_at_exit()


def _no_collections() -> None:
    """For ``build`` and ``validate``: no automatic collection while a meeting is worked on.

    Next to nothing a build makes is garbage in a cycle until the build ends (a collection
    in the middle of a 10,000-page build freed 15 objects), yet each looked at tens of
    thousands of live ones: 60 ms of a 300-item agenda's 0.8 s, 120 ms of a 10,000-page
    build (measured with gc.callbacks). :func:`packgen.cli_run.run_all` collects between
    meetings. Not for ``--watch``, which waits for hours and whose in-process builds would
    leave each build's cycles behind; each rebuild it forks turns collection off for itself
    (:mod:`packgen.cli_watch`). The typesetting process, whose documents
    do leave cycles behind, collects as usual (:func:`packgen.serving.serve`). Put back when
    the command ends, for a process that runs commands in-process (tests, CliRunner)."""
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(_collections_again)


def _collections_again() -> None:
    # Everything made while collection was off is still young: the first young
    # collection would look at all of it (0.2 s after a 10,000-page build, as the process
    # ends). Frozen and thawed it is old at once, for the rare full collection.
    gc.freeze()
    gc.unfreeze()
    gc.enable()


@cache  # registered once, however many commands a process runs
def _no_collection_at_exit() -> None:
    """At exit, freeze what is left rather than collect it. A build leaves its readers and
    writer behind in reference cycles (hundreds of thousands of objects for a 10,000-page
    pack), which the interpreter's last collection walked and freed one by one: 0.3 s or
    more after the pack was written, memory the operating system frees at once. Files are
    closed, and finalizers registered with ``weakref.finalize`` still run, as before."""
    atexit.register(gc.freeze)


@main.command()
@meeting_files
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the pack (default build/<meeting folder>.pdf).")
@click.option("--private", is_flag=True,
              help="Build the private pack: exempt items too, marked NOT FOR PUBLICATION.")
@click.option("--supplement", type=click.IntRange(1, 99), metavar="N",
              help="Build supplementary pack N: the material marked supplement: N.")
@click.option("--draft", is_flag=True, help="Mark every page and the metadata DRAFT.")
@click.option("--html", is_flag=True,
              help="Also write the agenda as an accessible web page beside the pack.")
@language_option
@templates_option
@trusted_option
@require_tagged_option
@click.option("--cache", "cache", type=click.Path(file_okay=False, path_type=Path),
              show_default=str(DEFAULT_CACHE), metavar="DIR",
              help="Keep typeset pages here, so a rebuild typesets only what changed.")
@click.option("--no-cache", is_flag=True, help="Use no rebuild cache, and write none.")
@jobs_option
@click.option("--against", type=click.Path(dir_okay=False, path_type=Path),
              metavar="OLD_MANIFEST",
              help="Say what changed since this earlier manifest of the meeting: items, "
                   "documents, page ranges (notes after the pack is written).")
@click.option("--manifest", "manifest_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write the pack's manifest (JSON) to FILE.")
@click.option("--watch", is_flag=True,
              help="After building, build again each time an input of the meeting changes, "
                   "until Ctrl-C.")
@quiet_option
@debug_option
def build(meetings: tuple[Path, ...], output: Path | None, private: bool,
          supplement: int | None, draft: bool, html: bool, language: str | None,
          templates: Path | None, trusted_templates: bool, require_tagged: bool,
          cache: Path | None, no_cache: bool, jobs: int, against: Path | None,
          manifest_file: Path | None, watch: bool, quiet: bool, debug: bool) -> None:
    """Validate, render and write the document pack of each meeting (public by default).

    A report, minutes or Markdown file given instead of a meeting is built alone, in the
    house style, for checking before it goes on an agenda."""
    if not watch:  # the watcher runs for hours: it collects, its forked rebuilds do not
        _no_collections()
    if output is not None and len(meetings) > 1:
        raise click.UsageError("-o/--output names one file; give one meeting with it")
    if watch and jobs > 1:
        raise click.UsageError("--watch builds one meeting after another in one process, "
                               "which stays ready for the next change; leave out -j/--jobs")
    cache = cache_folder(cache, no_cache)
    # Forked before the checks below import the schema: see packgen.early.
    early = start_typesetting(meetings, templates, trusted_templates, cache, wanted=not watch)
    try:
        _refuse_clashes(meetings, output, private, supplement, html, language, against,
                        manifest_file, quiet)
    except BaseException:
        if early is not None:
            early.close()
        raise
    progress = not quiet and jobs == 1 and sys.stderr.isatty()
    options = BuildOptions(output, templates, private, supplement, draft, html, debug, progress,
                           trusted_templates, language, fork=len(meetings) == 1,
                           require_tagged=require_tagged,
                           cache=cache,
                           against=against, manifest=manifest_file)
    if watch:
        from packgen.cli_watch import watch_meetings

        watch_meetings(meetings, options, quiet, _build_one)
    # What a build imports, for --jobs workers to share (packgen.build alone is light).
    run_all(meetings, partial(_build_one, options, early=early), jobs, quiet,
            ("packgen.build", "packgen.prepare"))


def _refuse_clashes(meetings: tuple[Path, ...], output: Path | None, private: bool,
                    supplement: int | None, html: bool, language: str | None,
                    against: Path | None, manifest_file: Path | None, quiet: bool) -> None:
    """Stop (a usage error, or the clashing outputs said and exit 1) before anything is built
    when the options do not go together or the outputs would clash."""
    from packgen.alone import usage_problem

    if wrong := usage_problem(meetings, private, supplement, html):
        raise click.UsageError(wrong)
    if wrong := publish_usage(meetings, private, against, manifest_file):
        raise click.UsageError(wrong)
    from packgen.outputs import clashing_outputs, outputs_over_inputs

    clashes = clashing_outputs(meetings, output, private, supplement, html, language)
    if len(meetings) > 1:
        clashes += outputs_over_inputs(meetings, private, supplement, html, language)
    if manifest_file is not None:
        from packgen.layout import Pack
        from packgen.manifest import refuse_manifest_target
        from packgen.outputs import default_output

        pack = output or default_output(meetings[0], Pack(private, supplement), language)
        try:
            refuse_manifest_target(manifest_file, pack)
        except PackgenError as exc:
            clashes += exc.problems
    if clashes:
        print_outcome(Outcome(False, "", tuple(clashes)), quiet)
        sys.exit(1)


def _validate_one(templates: Path | None, debug: bool, published: datetime.date | None,
                  fork: bool, trusted: bool, language: str | None, require_tagged: bool,
                  meeting: Path) -> Outcome:
    from packgen.check import validate
    from packgen.publication import publication_warnings

    quiet_pypdf()
    try:
        checked = validate(meeting, templates, fork=fork, trusted_templates=trusted,
                           language=language, require_tagged=require_tagged)
        warnings = checked.warnings
        if published is not None:
            meeting_now = checked.meeting
            warnings += tuple(publication_warnings(
                meeting_now, published, meeting_now.jurisdiction.notice,
                template_dirs=meeting_now.template_dirs(templates)))
        return Outcome(True, f"{meeting}: ok", warnings)
    except PackgenError as exc:
        return Outcome(False, "", tuple(exc.problems), traceback.format_exc() if debug else "")


@main.command(name="validate")
@meeting_files
@language_option
@templates_option
@trusted_option
@click.option("--publish-date", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Warn if an agenda published then gives less notice than the "
                   "jurisdiction's law asks (England: five clear working days).")
@require_tagged_option
@jobs_option
@quiet_option
@debug_option
def validate_command(meetings: tuple[Path, ...], language: str | None, templates: Path | None,
                     trusted_templates: bool, publish_date: datetime.datetime | None,
                     require_tagged: bool, jobs: int, quiet: bool, debug: bool) -> None:
    """Check everything build would, without rendering anything."""
    _no_collections()
    published = publish_date.date() if publish_date else None
    work = partial(_validate_one, templates, debug, published, len(meetings) == 1,
                   trusted_templates, language, require_tagged)
    run_all(meetings, work, jobs, quiet, ("packgen.check", "packgen.pdf.sources"))


@main.command()
@click.argument("kind", type=click.Choice(["meeting", "config", "report", "minutes",
                                           "document", "manifest"]), default="meeting")
def schema(kind: str) -> None:
    """Print the JSON Schema of a meeting.yaml (or packgen.yaml, a document kind, or the
    manifest.json that packgen build --manifest and packgen site write).

    Editors with the YAML language server use it to check files as they are typed.
    """
    if kind == "manifest":
        from packgen.manifest_schema import SCHEMA

        click.echo(json.dumps(SCHEMA, indent=2, ensure_ascii=False))
        return
    from packgen.editor_schema import json_schema
    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder: Path) -> None:
    """Write a small working meeting folder and packgen.yaml into FOLDER (default here).

    It never overwrites a file; then build the example with
    packgen build FOLDER/first-meeting/meeting.yaml
    """
    from packgen.starter import write_starter
    try:
        written = write_starter(folder)
    except PackgenError as exc:
        print_outcome(Outcome(False, "", tuple(exc.problems)), quiet=False)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    meeting = display_path(folder / "first-meeting" / "meeting.yaml")
    click.echo(f"next: packgen build {meeting}")


main.add_command(site_command)
