"""Building one meeting for ``packgen build``: its options, the build, the manifest and
the change note (``--manifest``, ``--against``), and the rebuild cache's folder."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packgen.cli_run import Outcome, progress, quiet_pypdf
from packgen.errors import PackgenError, PartlyWrittenError, Problem, display_path, one_line

if TYPE_CHECKING:
    from packgen.build import BuildResult
    from packgen.early import EarlyTypesetting

DEFAULT_CACHE = Path("build", ".packgen-cache")
"""Beside the default output, relative to the working directory."""


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


def cache_folder(cache: Path | None, no_cache: bool) -> Path | None:
    """The rebuild cache's folder from ``--cache``/``--no-cache``: none, given, or default."""
    if cache is not None and no_cache:
        raise click.UsageError("--cache names a folder for the cache; --no-cache asks for none")
    return None if no_cache else cache or DEFAULT_CACHE


def build_one(options: BuildOptions, meeting: Path, early: EarlyTypesetting | None = None
              ) -> Outcome:
    """Build one meeting; ``early``: its typesetting process, forked already (see
    :func:`start_typesetting`), handed to the build or ended here."""
    from packgen.build import build_pack

    quiet_pypdf()  # also in a worker process
    try:
        old = _old_manifest(options.against, meeting) if options.against else None
        result = build_pack(meeting, options.output, options.templates, private=options.private,
                            supplement=options.supplement, draft=options.draft,
                            html=options.html, fork=options.fork,
                            trusted_templates=options.trusted_templates,
                            language=options.language,
                            require_tagged=options.require_tagged, cache=options.cache,
                            progress=progress if options.progress else None,
                            publish=options.against is not None or options.manifest is not None,
                            early=early)
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
        if early is not None:  # not handed on: an earlier manifest that could not be read
            early.close()
        if options.progress:
            click.echo("\r\x1b[K", nl=False, err=True)


def start_typesetting(meetings: tuple[Path, ...], templates: Path | None, trusted: bool,
                      cache: Path | None, wanted: bool = True) -> EarlyTypesetting | None:
    """For one meeting, its typesetting process: forked before the command line loaded
    (:mod:`packgen.launch`), or now; it imports ReportLab and registers the fonts while
    this process checks the command line and the meeting (:mod:`packgen.early`). For
    several, or when not ``wanted`` (``--watch``), none (one process typesets them all),
    and one forked ahead is ended."""
    from packgen.early import EarlyTypesetting, taken_ahead
    from packgen.forking import can_fork

    ahead = taken_ahead()
    if not wanted or len(meetings) != 1 or not can_fork():
        if ahead is not None:
            ahead.close()
        return None
    return (ahead or EarlyTypesetting()).configure(templates, trusted, cache)


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


def publish_usage(meetings: tuple[Path, ...], private: bool, against: Path | None,
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
