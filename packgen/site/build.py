"""The site's pipeline: discover, fingerprint, build what changed, write, then the pages
that list every meeting.

``discover -> digest -> build (in parallel) -> per meeting: manifest, change note, page,
calendar, written atomically, stale files removed -> bodies' pages, calendars and feeds,
index, stylesheet``. A meeting that fails keeps the files it had; the rest of the site is
built all the same, and its old manifest still lists it. This is the only module that
knows the order.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from packgen.changes import changes
from packgen.errors import OutputError, PackgenError, Position, Problem
from packgen.ical import calendar_entry, meeting_calendar
from packgen.manifest import manifest_bytes
from packgen.site.addresses import (
    clear_reserved,
    old_addresses,
    withdraw_unlisted,
    write_old_addresses,
)
from packgen.site.common import (
    CHANGES,
    Json,
    MeetingOutcome,
    SiteOptions,
    SiteResult,
    old_manifest,
    page_common,
)
from packgen.site.digest import inputs_digest
from packgen.site.discover import body_slug, meeting_files
from packgen.site.index import change_note, site_pages
from packgen.site.keep import damaged as damaged_files
from packgen.site.keep import kept_note
from packgen.site.meeting import MeetingFiles, MeetingJob, build_meeting
from packgen.site.moved import (
    moved_lines,
    same_place,
)
from packgen.site.pages import (
    edition_folder,
    long_date,
    meeting_pages,
    site_environment,
)
from packgen.site.places import place_meetings, published_meetings, site_sources
from packgen.site.style import House, house
from packgen.site.withdraw import newly_withheld
from packgen.site.write import remove_stale, withdraw, write_files


def build_site(options: SiteOptions) -> SiteResult:
    """Publish every meeting under ``options.root`` into ``options.output``."""
    try:
        return _build_site(options)
    except OSError as exc:  # a name the file system refuses, a full disk, a permission
        where = Path(os.fsdecode(exc.filename)) if exc.filename else options.output
        raise OutputError([Problem(Position(where), f"cannot write the site: "
                                   f"{exc.strerror or exc}")]) from None


def _build_site(options: SiteOptions) -> SiteResult:
    root, out = options.root, options.output
    refuse_overlap(root, out)
    look = house(root)
    env = site_environment(options.templates, root)
    files = meeting_files(root, out)
    places = place_meetings(files, published_meetings(out), root)
    pages = places.pages
    extra = _site_options(options, root)
    result = SiteResult()
    published: dict[str, Json] = {}  # page -> the manifest listing it now
    jobs: list[MeetingJob] = []
    repaired: dict[Path, list[str]] = {}  # meeting -> its published files found damaged
    for file in files:
        page = pages[file]
        old = old_manifest(out, page)
        digest = inputs_digest(file, root, options.templates, extra)
        damaged: list[str] = []
        if page is not None and old is not None and old.get("inputs_sha256") == digest \
                and old["meeting"]["url"] == page and _complete(out / page, old) \
                and old["meeting"]["source"] == places.sources[file]:
            damaged = damaged_files(out / page, old)
            if not damaged:
                published[page] = old
                try:
                    kept = _unchanged(file, out / page, old, options, look, env)
                except PackgenError as exc:
                    kept = MeetingOutcome(file, page, "failed", tuple(exc.problems))
                result.meetings.append(kept)
                continue
        if damaged:
            repaired[file] = damaged
        jobs.append(MeetingJob(file, page or "", digest, options.templates, options.debug))
    for built in _run(build_meeting, jobs, options.jobs):
        outcome = _publish(built, options, look, env, places.was.get(built.job.file))
        if built.job.file in repaired:
            outcome = replace(outcome, problems=(Problem(Position(built.job.file), (
                "published files differed from the manifest (damaged, or altered since): "
                + ", ".join(repaired[built.job.file]) + "; built again"), "warning"),
                *outcome.problems))
        result.meetings.append(outcome)
        # A meeting that failed where it moved to is still where it was.
        page = places.was.get(outcome.file) if outcome.status == "failed" else outcome.page
        if page is not None:
            current = old_manifest(out, page)
            if current is not None and current["meeting"]["url"] == page:
                published[page] = current
    result.withdrawn += clear_reserved(out, result.meetings, places, published)
    order = {file: n for n, file in enumerate(files)}
    result.meetings.sort(key=lambda m: order[m.file])
    moves = old_addresses(out, places, published)
    if None not in pages.values():  # else a meeting too broken to place may own a folder
        result.withdrawn = withdraw_unlisted(
            out, {*(p for p in pages.values() if p), *published, *moves})
    try:
        write_old_addresses(options, look, env, moves, published, None not in pages.values())
        result.written += len(site_pages(options, look, env, published))
    except PackgenError as exc:
        result.problems += exc.problems
    return result


def _site_options(options: SiteOptions, root: Path) -> list[str]:
    """What, besides a meeting's inputs, changes its files: the base URL (its calendar) and
    the site's own templates (its page)."""
    lines = [f"base-url {options.base_url or ''}",
             # Meetings in Wales gained a Welsh edition, and items their descriptions:
             # a site published before is rebuilt once to have them.
             "editions wales-cy, item descriptions"]
    for folder in (options.templates, root / "templates"):
        site = folder / "site" if folder is not None else None
        if site is not None and site.is_dir():
            for path in sorted(site.rglob("*.html")):
                lines.append(f"template {path.relative_to(site).as_posix()} "
                             f"{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return lines


def _written(data: Json) -> set[str]:
    """The files a published meeting must hold: its page's own and its manifest's, and
    its other editions' (``cy/``)."""
    found = {"index.html", "meeting.ics"}
    for one in (data, *data.get("editions", [])):
        found |= {edition_folder(data, one if one is not data else None) + "index.html",
                  *(p["file"] for p in one["packs"]),
                  *(d["file"] for d in one["documents"] if d["sha256"] is not None)}
    return found


def _complete(folder: Path, data: Json) -> bool:
    """Whether every file the manifest names is still in the meeting's folder."""
    return all((folder / name).is_file() for name in _written(data))


def _listed(data: Json) -> set[str]:
    """Every file a published meeting may hold: those, the manifest and its change note."""
    return {*_written(data), "manifest.json", CHANGES}


def refuse_overlap(root: Path, out: Path) -> None:
    """Refuse a site folder that is the root, holds it, or holds meeting files: cleaning
    the site removes every file a meeting's folder in it does not publish, and there those
    would be the officers' own files."""
    real_root, real_out = root.resolve(), out.resolve()
    if real_out == real_root or real_out in real_root.parents:
        raise OutputError([Problem(Position(out), "the site's folder holds the meetings' "
                                   "root: name a folder of its own (the default is "
                                   "build/site)")])
    if real_out.is_dir():
        for name in ("meeting.yaml", "packgen.yaml"):
            found = next(iter(real_out.rglob(name)), None)
            if found is not None:
                raise OutputError([Problem(Position(found), "a meeting's file inside the "
                                           "site's folder: name a folder of its own for "
                                           "the site (the default is build/site)")])


def _run(work: Callable[[MeetingJob], MeetingFiles], jobs: list[MeetingJob], count: int
         ) -> Iterator[MeetingFiles]:
    if count <= 1 or len(jobs) <= 1:
        yield from map(work, jobs)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import packgen.build  # noqa: F401 - imported once, before the workers fork and share it
    from packgen.forking import die_with_parent

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(min(count, len(jobs)), mp_context=context,
                             initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        yield from pool.map(work, jobs)


def _publish(built: MeetingFiles, options: SiteOptions, look: House, env: Any,
             was: str | None) -> MeetingOutcome:
    """Write one built meeting's files; a failed one keeps the files it had (at ``was``,
    its page before, which a rescheduled meeting moves from)."""
    job = built.job
    if built.manifest is None:
        said: tuple[Problem, ...] = ()
        old = old_manifest(options.output, was)
        withheld = newly_withheld(job.file, old) if old is not None else []
        if withheld and was is not None:  # its old files would keep public what is now withheld
            withdraw(options.output / was, options.output)
            said = (Problem(Position(job.file), "its published pages and files were removed "
                            "from the site, since they hold what is now withheld ("
                            + "; ".join(f'"{t}"' for t in withheld) + ") and the meeting "
                            "did not build; they return when it builds", "warning"),)
        return MeetingOutcome(job.file, job.page or None, "failed",
                              (*built.problems, *built.warnings, *said), trace=built.trace,
                              withdrawn=bool(withheld))
    new = built.manifest
    site_sources(new, job.file, options.root)
    page = job.page or _fallback_page(new)
    new["meeting"]["url"] = page
    folder = options.output / page
    old = old_manifest(options.output, was)  # this meeting's, never another's at its page
    fresh = [*moved_lines(old["meeting"], new["meeting"]),
             *changes(same_place(old, new), new)] if old is not None else []
    note = fresh or kept_note(old, new, folder / CHANGES)
    new["sequence"] = (old.get("sequence", 0) + (1 if fresh else 0)) if old is not None else 0
    if old is not None and not fresh and old.get("republished") == new["republished"]:
        # Nothing a reader sees changed (a new --base-url, a site template, packgen
        # upgraded): still the same publication, so its feed entry is not "updated".
        new["generated"] = old["generated"]
    new["note"] = {"sequence": new["sequence"], "lines": note} if note else None
    for edition in new.get("editions", []):
        edition["url"] = page + edition_folder(new, edition)
    files = dict(built.files)
    sizes = {name: len(data) for name, data in files.items()}
    try:
        files.update(_meeting_pages(new, sizes, note, options, look, env))
        files["manifest.json"] = manifest_bytes(new)
        if note:  # the feed's summary of this publication, read back on later runs
            files[CHANGES] = "".join(f"{line}\n" for line in note).encode("utf-8")
        written = write_files(folder, {k: v for k, v in files.items()
                                       if k != "manifest.json"}, options.output)
        # The manifest last: until it is in place, the next run rebuilds this meeting.
        written += write_files(folder, {"manifest.json": files["manifest.json"]},
                               options.output)
        removed = remove_stale(folder, files, options.output)
    except PackgenError as exc:
        return MeetingOutcome(job.file, page, "failed", (*exc.problems, *built.warnings))
    return MeetingOutcome(job.file, page, "built", built.warnings, tuple(fresh),
                          sum(p["pages"] for p in new["packs"]), written=len(written),
                          removed=len(removed))


def _meeting_pages(data: Json, sizes: Mapping[str, int], note: list[str],
                   options: SiteOptions, look: House, env: Any) -> dict[str, bytes]:
    """A meeting's pages (one per edition) and calendar, from its manifest and its files'
    sizes."""
    return {**meeting_pages(env, data, sizes, note, page_common(look, "")["look"], options.root),
            "meeting.ics": meeting_calendar(
                [calendar_entry(data, look.name, options.base_url)],
                f"{data['meeting']['body']}, {long_date(data['meeting']['date'])}")}


def _unchanged(file: Path, folder: Path, data: Json, options: SiteOptions, look: House,
               env: Any) -> MeetingOutcome:
    """An unchanged meeting, its packs and documents intact: its page and calendar are
    rendered again, and written only if their bytes differ (damaged, altered, a link put in
    their place), which the manifest cannot say."""
    sizes = {name: (folder / name).stat().st_size for name in _written(data)
             if name not in ("index.html", "meeting.ics")}
    pages = _meeting_pages(data, sizes, change_note(options.output, data), options, look, env)
    written = write_files(folder, pages, options.output)
    # A run stopped between the manifest and the clean-up left files the manifest no
    # longer lists (a report since withheld, say): gone now.
    removed = remove_stale(folder, _listed(data), options.output)
    return MeetingOutcome(file, data["meeting"]["url"], "unchanged", written=len(written),
                          removed=len(removed))


def _fallback_page(data: Json) -> str:
    return f"{body_slug(data['meeting']['body'])}/{data['meeting']['date']}/"


def site_problems(result: SiteResult) -> Iterable[Problem]:
    """Every problem of the run, meeting by meeting, then the site's."""
    for outcome in result.meetings:
        yield from outcome.problems
    yield from result.problems

