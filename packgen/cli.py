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
import importlib
import json
import logging
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from packgen import __version__
from packgen.errors import PackgenError, PartlyWrittenError, Problem, display_path, one_line

if TYPE_CHECKING:
    from packgen.build import BuildResult
    from packgen.inputs import Inputs

meeting_files = click.argument(
    "meetings", nargs=-1, required=True, metavar="MEETING.yaml...",
    type=click.Path(dir_okay=False, path_type=Path))
templates_option = click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of template overrides, searched before the meeting's templates/.")
trusted_option = click.option(
    "--trusted-templates", is_flag=True,
    help="Render template overrides outside Jinja's sandbox (only for templates you trust).")
debug_option = click.option("--debug", is_flag=True, help="Show a traceback for problems.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
language_option = click.option(
    "--language", metavar="LANGUAGE", callback=lambda ctx, param, value: _language(value),
    help="Build the edition in this language (cy: Welsh): its message catalogue and each "
         "KEY_LANGUAGE value (title_cy ...); written as NAME-LANGUAGE.pdf.")
require_tagged_option = click.option(
    "--require-tagged", is_flag=True,
    help="Refuse a PDF attachment that is not tagged (or whose tags its maker doubts), "
         "rather than warn: for packs that must be accessible (PDF/UA).")
DEFAULT_CACHE = Path("build", ".packgen-cache")
"""Beside the default output, relative to the working directory."""
jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1,
                           show_default=True, help="Meetings to work on at once.")


def _language(value: str | None) -> str | None:
    # A language also names the edition's file: a tag, never a path.
    if value is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise click.BadParameter(f'expected a language tag such as cy or en-GB, found "{value}"')
    return value


class Stopped(BaseException):  # noqa: N818 - like KeyboardInterrupt, which it stands for
    """A stop signal arrived: raised where the program is, so every ``finally`` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


class _Commands(click.Group):
    """Turns a stop signal into :class:`Stopped`, and that into a line and an exit status."""

    def invoke(self, ctx: click.Context) -> object:
        stops = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name)]
        if threading.current_thread() is not threading.main_thread():
            return super().invoke(ctx)  # only the main thread may handle signals
        before = {signum: signal.signal(signum, _stop) for signum in stops}
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
    _quiet_pypdf()
    _fewer_collections(click.get_current_context())


GC_THRESHOLDS = (50_000, 20, 20)
"""A build allocates millions of small objects and frees nearly all of them by reference
counting; at the default 700 allocations a young collection took a tenth of a build's CPU
time, at 50,000 a thirtieth (measured with gc.callbacks), for a few MB of garbage held a
little longer."""


def _fewer_collections(ctx: click.Context) -> None:
    # The command line owns the process, so it, not the library, decides; put back when
    # the command ends, for a process that runs commands in-process (tests, CliRunner).
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    ctx.call_on_close(lambda: gc.set_threshold(*before))
    _no_collection_at_exit()


@cache  # registered once, however many commands a process runs
def _no_collection_at_exit() -> None:
    """At exit, freeze what is left rather than collect it. A build leaves its readers and
    writer behind in reference cycles (hundreds of thousands of objects for a 10,000-page
    pack), which the interpreter's last collection walked and freed one by one: 0.3 s or
    more after the pack was written, memory the operating system frees at once. Files are
    closed, and finalizers registered with ``weakref.finalize`` still run, as before."""
    atexit.register(gc.freeze)


def _quiet_pypdf() -> None:
    # pypdf logs what it tolerates in damaged files; the problems we report say what matters.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())
    logging.getLogger("pypdf").propagate = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one meeting, ready to print (and to send back from a process)."""

    ok: bool
    said: str = ""
    problems: tuple[Problem, ...] = ()
    trace: str = ""
    written: tuple[Path, ...] = ()
    """What was written all the same when a problem stopped the rest."""
    notes: tuple[Problem, ...] = ()
    """Said after ``said``: what changed since an earlier manifest (``--against``)."""


@dataclass(frozen=True)
class BuildOptions:
    output: Path | None = None
    templates: Path | None = None
    private: bool = False
    supplement: int | None = None
    draft: bool = False
    html: bool = False
    debug: bool = False
    progress: bool = False
    trusted_templates: bool = False
    language: str | None = None
    fork: bool = False
    """Typeset in a second process while this one reads the attachments: worth it for
    one meeting; with several, one process pays for ReportLab and the fonts once."""
    require_tagged: bool = False
    cache: Path | None = None
    """The rebuild cache's folder (see packgen.cache), shared by --jobs workers."""
    against: Path | None = None
    """An earlier manifest of the meeting: say what changed since (see packgen.changes)."""
    manifest: Path | None = None
    """Where to write the pack's manifest (see packgen.manifest)."""


def _build_one(options: BuildOptions, meeting: Path) -> Outcome:
    from packgen.build import build_pack

    _quiet_pypdf()  # also in a worker process
    try:
        old = _old_manifest(options.against, meeting) if options.against else None
        result = build_pack(meeting, options.output, options.templates, private=options.private,
                            supplement=options.supplement, draft=options.draft,
                            html=options.html, fork=options.fork,
                            trusted_templates=options.trusted_templates,
                            language=options.language,
                            require_tagged=options.require_tagged, cache=options.cache,
                            progress=_progress if options.progress else None,
                            publish=options.against is not None or options.manifest is not None)
        also = f" and {result.output.with_suffix('.html')}" if options.html else ""
        notes = _published(result, options, old) if result.publication is not None else ()
        if options.manifest is not None:
            also += f" and {options.manifest}"
        return Outcome(True, one_line(f"wrote {result.output} ({result.pages} pages){also}"),
                       result.warnings, notes=notes)
    except PackgenError as exc:
        return Outcome(False, "", tuple(exc.problems),
                       traceback.format_exc() if options.debug else "",
                       exc.written if isinstance(exc, PartlyWrittenError) else ())
    finally:
        if options.progress:
            click.echo("\r\x1b[K", nl=False, err=True)


def _old_manifest(path: Path, meeting: Path) -> dict[str, object]:
    """The earlier manifest, read before anything is built: a wrong one stops the build."""
    from packgen.manifest import read_manifest, refuse_foreign

    old = read_manifest(path)
    refuse_foreign(old, path, meeting)
    return old


def _published(result: BuildResult, options: BuildOptions, old: dict[str, object] | None
               ) -> tuple[Problem, ...]:
    """Write the new manifest (``--manifest``); the change note since ``old``, as notes."""
    from packgen.changes import changes, only_packs
    from packgen.errors import Position
    from packgen.manifest import manifest, write_manifest

    assert result.publication is not None  # asked for by the options that call this
    new = manifest(result.meeting, [result.publication], inputs_sha256=None)
    if options.manifest is not None:
        try:
            write_manifest(options.manifest, new)
        except PackgenError as exc:
            raise PartlyWrittenError([Problem(p.position, f"wrote {display_path(result.output)}"
                                              f"; {p.message}") for p in exc.problems],
                                     [result.output]) from None
    if old is None:
        return ()
    lines = changes(only_packs(old, {options.supplement}), new) or [
        f"nothing changed since {display_path(options.against or Path())}"]
    return tuple(Problem(Position(result.meeting.source), line, "note") for line in lines)


def _validate_one(templates: Path | None, debug: bool, published: datetime.date | None,
                  fork: bool, trusted: bool, language: str | None, require_tagged: bool,
                  meeting: Path) -> Outcome:
    from packgen.check import validate
    from packgen.publication import publication_warnings

    _quiet_pypdf()
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


def _progress(step: str) -> None:
    click.echo(f"\r\x1b[K{step}", nl=False, err=True)


def _run_all(meetings: tuple[Path, ...], work: Callable[[Path], Outcome], jobs: int,
             quiet: bool, modules: tuple[str, ...]) -> None:
    """Do the work for every meeting, print each outcome in order, exit 0 or 1.

    ``modules`` are what the work imports. Commands import them only when they run, so
    that ``--help`` and ``validate`` stay quick; with ``--jobs`` they are imported here,
    once, before the worker processes fork and share them.
    """
    if jobs > 1 and len(meetings) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from packgen.forking import die_with_parent

        for module in modules:
            importlib.import_module(module)
        # Forked workers share what was imported above; Python 3.14 stopped making fork
        # the default on Linux. Elsewhere fork is unsafe, and each worker imports anew.
        context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
        # Not ``with``: stopped, it would wait for every worker to finish its meeting.
        pool = ProcessPoolExecutor(min(jobs, len(meetings)), mp_context=context,
                                   initializer=die_with_parent, initargs=(os.getpid(),))
        ok = [_print(outcome, quiet) for outcome in pool.map(work, meetings)]
        pool.shutdown()
    else:
        ok = [_print(work(meeting), quiet) for meeting in meetings]
    sys.exit(0 if all(ok) else 1)


def _print(outcome: Outcome, quiet: bool) -> bool:
    if outcome.trace:
        click.echo(outcome.trace, err=True)
    for problem in outcome.problems:
        click.echo(str(problem), err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(github_annotation(problem))
    errors = sum(p.severity == "error" for p in outcome.problems)
    if errors:
        noun = "problem" if errors == 1 else "problems"
        written = " and ".join(display_path(p) for p in outcome.written)
        click.echo(f"{errors} {noun}; " + (f"only {written} was written." if written else
                                           "nothing was written."), err=True)
    elif outcome.said and not quiet:
        click.echo(outcome.said)
    for note in outcome.notes:  # asked for (--against), so said even with --quiet
        click.echo(str(note))
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(github_annotation(note))
    return outcome.ok


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, shown on the pull request's lines."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = problem.position
    command = "notice" if problem.severity == "note" else problem.severity  # GitHub's word
    return (f"::{command} file={prop(display_path(where.file))},line={where.line},"
            f"col={where.column}::{data(problem.message)}")


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
    if output is not None and len(meetings) > 1:
        raise click.UsageError("-o/--output names one file; give one meeting with it")
    if watch and jobs > 1:
        raise click.UsageError("--watch builds one meeting after another in one process, "
                               "which stays ready for the next change; leave out -j/--jobs")
    if cache is not None and no_cache:
        raise click.UsageError("--cache names a folder for the cache; --no-cache asks for none")
    from packgen.alone import usage_problem

    if wrong := usage_problem(meetings, private, supplement, html):
        raise click.UsageError(wrong)
    if wrong := _publish_usage(meetings, private, against, manifest_file):
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
        _print(Outcome(False, "", tuple(clashes)), quiet)
        sys.exit(1)
    progress = not quiet and jobs == 1 and sys.stderr.isatty()
    options = BuildOptions(output, templates, private, supplement, draft, html, debug, progress,
                           trusted_templates, language, fork=len(meetings) == 1,
                           require_tagged=require_tagged,
                           cache=None if no_cache else cache or DEFAULT_CACHE,
                           against=against, manifest=manifest_file)
    if watch:
        _watch(meetings, options, quiet)
    _run_all(meetings, partial(_build_one, options), jobs, quiet, ("packgen.build",))


def _publish_usage(meetings: tuple[Path, ...], private: bool, against: Path | None,
                   manifest: Path | None) -> str | None:
    """Why ``--against``/``--manifest`` cannot go with the other arguments, if they cannot."""
    if against is None and manifest is None:
        return None
    given = "--against" if against is not None else "--manifest"
    if len(meetings) > 1:
        return f"{given} is about one meeting's pack; give one meeting with it"
    if private:
        return f"{given}: a private pack is never published; leave out --private"
    from packgen.alone import is_document

    if is_document(meetings[0]):
        return f"{given}: a document built alone has no manifest; give its meeting"
    return None


def _watch(meetings: tuple[Path, ...], options: BuildOptions, quiet: bool) -> NoReturn:
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
        # child forked from it, so that one dying (a SIGBUS when an attachment is copied
        # over while it is read from its memory map) or growing does not touch the watcher.
        again = meeting in built and can_fork()
        built.add(meeting)
        _print(_rebuild(options, meeting) if again else _build_one(options, meeting), quiet)

    try:
        watch(meetings, build, inputs, changed=changed, waiting=waiting)
    except Stopped as stopped:
        if stopped.signum != signal.SIGINT:
            raise
        if not quiet:
            click.echo("packgen: stopped watching", err=True)
    sys.exit(0)


def _rebuild(options: BuildOptions, meeting: Path) -> Outcome:
    """:func:`_build_one` in a forked child; a child that dies is one problem line."""
    from packgen.errors import Position
    from packgen.forking import Died, call

    def work() -> Outcome:
        signal.signal(signal.SIGTERM, _stop)  # the watcher stopping: clean up, then end
        return _build_one(options, meeting)

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
    published = publish_date.date() if publish_date else None
    work = partial(_validate_one, templates, debug, published, len(meetings) == 1,
                   trusted_templates, language, require_tagged)
    _run_all(meetings, work, jobs, quiet, ("packgen.check", "packgen.pdf.sources"))


@main.command(name="site")
@click.argument("root", type=click.Path(file_okay=False, exists=True, path_type=Path),
                required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder (default build/site under ROOT).")
@click.option("--base-url", metavar="URL",
              help="Where the site is served (https://...): calendars then link each meeting.")
@templates_option
@jobs_option
@quiet_option
@debug_option
def site_command(root: Path | None, output: Path | None, base_url: str | None,
                 templates: Path | None, jobs: int, quiet: bool, debug: bool) -> None:
    """Publish every meeting under ROOT (default: the folder holding packgen.yaml) as a
    static website: pages, packs, each document's PDF, manifests, calendars, feeds."""
    from packgen.errors import Position
    from packgen.site.build import SiteOptions, build_site
    from packgen.site.discover import find_root

    if base_url is not None and not re.fullmatch(r"https?://[^\s]+", base_url):
        raise click.BadParameter("expected an absolute http(s) URL", param_hint="--base-url")
    found = root if root is not None else find_root(Path.cwd())
    if found is None:
        raise click.UsageError("no packgen.yaml here or above: give the ROOT folder")
    _quiet_pypdf()
    out = output if output is not None else found / "build" / "site"
    try:
        result = build_site(SiteOptions(found, out, templates, base_url, jobs, debug))
    except PackgenError as exc:  # the site's folder refused before anything was built
        _print(Outcome(False, "", tuple(exc.problems)), quiet)
        sys.exit(1)
    for one in result.meetings:
        if one.status == "failed":
            _print(Outcome(False, "", one.problems, one.trace), quiet)
            continue
        said = (f"wrote {display_path(out / (one.page or ''))} ({one.pages} pages)"
                if one.status == "built" else f"unchanged {display_path(out / (one.page or ''))}")
        _print(Outcome(True, said, one.problems), quiet)
        for line in one.notes:
            click.echo(str(Problem(Position(one.file), line, "note")))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    sys.exit(0 if result.ok else 1)


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
        _print(Outcome(False, "", tuple(exc.problems)), quiet=False)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    meeting = display_path(folder / "first-meeting" / "meeting.yaml")
    click.echo(f"next: packgen build {meeting}")
