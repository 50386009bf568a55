"""The site's pipeline: discover, fingerprint, build what changed, write, then the pages
that list every meeting.

``discover -> digest -> build (in parallel) -> per meeting: manifest, change note, page,
calendar, written atomically, stale files removed -> bodies' pages, calendars and feeds,
index, stylesheet``. A meeting that fails keeps the files it had; the rest of the site is
built all the same, and its old manifest still lists it. This is the only module that
knows the order.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packgen.atom import body_feed, feed_entry
from packgen.changes import changes
from packgen.errors import OutputError, PackgenError, Position, Problem, ValidationError
from packgen.ical import calendar_entry, meeting_calendar
from packgen.manifest import manifest_bytes, read_manifest
from packgen.messages import Words, load_messages
from packgen.site.digest import inputs_digest
from packgen.site.discover import body_slug, meeting_files
from packgen.site.keep import damaged as damaged_files
from packgen.site.keep import kept_note, note_lines
from packgen.site.meeting import MeetingFiles, MeetingJob, build_meeting
from packgen.site.moved import (
    MARK,
    moved_context,
    moved_lines,
    moved_pages,
    remove_moved,
    same_place,
    write_moved,
)
from packgen.site.pages import (
    SiteLook,
    edition_folder,
    long_date,
    meeting_pages,
    meeting_row,
    render,
    site_environment,
    site_words,
    split_by_date,
)
from packgen.site.places import Places, place_meetings, published_meetings, site_sources
from packgen.site.style import House, house, stylesheet
from packgen.site.withdraw import newly_withheld
from packgen.site.write import remove_stale, withdraw, write_files

Json = dict[str, Any]

CHANGES = "changes.txt"
"""Beside a republished meeting's page: its change note, one line each, for its feed entry."""


@dataclass(frozen=True)
class SiteOptions:
    root: Path
    output: Path
    templates: Path | None = None
    base_url: str | None = None
    jobs: int = 1
    debug: bool = False


@dataclass(frozen=True)
class MeetingOutcome:
    file: Path
    page: str | None
    status: str
    """"built", "unchanged" or "failed"."""
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    """The change note since the manifest published before."""
    pages: int = 0
    trace: str = ""
    written: int = 0
    """Files written (those whose bytes were already there are not)."""
    removed: int = 0
    """Files of the meeting's folder its publication no longer has, removed."""
    withdrawn: bool = False
    """A failed meeting's folder removed, as it held what is now withheld."""


@dataclass
class SiteResult:
    meetings: list[MeetingOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """The site's own (a template's mistake, a file that could not be written)."""
    written: int = 0
    """The site's own files written: index, bodies' pages, calendars, feeds, stylesheet."""
    withdrawn: int = 0
    """Folders of meetings no longer under the root, removed."""

    @property
    def ok(self) -> bool:
        return not self.problems and all(m.status != "failed" for m in self.meetings)


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
        old = _old_manifest(out, page)
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
            current = _old_manifest(out, page)
            if current is not None and current["meeting"]["url"] == page:
                published[page] = current
    result.withdrawn += _clear_reserved(out, result.meetings, places, published)
    order = {file: n for n, file in enumerate(files)}
    result.meetings.sort(key=lambda m: order[m.file])
    moves = _moves(out, places, published)
    if None not in pages.values():  # else a meeting too broken to place may own a folder
        result.withdrawn = _withdraw_unlisted(
            out, {*(p for p in pages.values() if p), *published, *moves})
    try:
        _moved_pages(options, look, env, moves, published, None not in pages.values())
        result.written += len(_site_pages(options, look, env, published))
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


def _old_manifest(out: Path, page: str | None) -> Json | None:
    if page is None or not (out / page / "manifest.json").is_file():
        return None
    try:
        return read_manifest(out / page / "manifest.json")
    except ValidationError:  # not ours, or damaged: the meeting is built afresh
        return None


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


def _withdraw_unlisted(out: Path, pages: set[str]) -> int:
    """Remove the folders of meetings published before that no meeting under the root
    has now (deleted, or moved to another date): left, they would stay on the web
    server, unlinked but served, whatever they held. Only folders holding a manifest of
    ours, at a meeting's depth (``BODY/DATE/``), are touched. Return how many went."""
    gone = 0
    if not out.is_dir():
        return gone
    for manifest_file in sorted(out.glob("*/*/manifest.json")):
        folder = manifest_file.parent
        page = folder.relative_to(out).as_posix() + "/"
        if page in pages or folder.is_symlink() or folder.parent.is_symlink():
            continue
        try:
            read_manifest(manifest_file)
        except ValidationError:
            continue  # not ours
        withdraw(folder, out)
        gone += 1
    return gone


def _clear_reserved(out: Path, outcomes: Sequence[MeetingOutcome], places: Places,
                    published: dict[str, Json]) -> int:
    """Withdraw another meeting's files from an address a meeting failed to build at: the
    meeting that had it moved away or was deleted, and what it published there (a report
    since made exempt, say) must not stay public because the address is kept for a meeting
    that has no files yet. Return how many folders went."""
    gone = 0
    for outcome in outcomes:
        if outcome.status != "failed" or not outcome.page:
            continue
        held = _old_manifest(out, outcome.page)
        if held is not None and held["meeting"]["source"] != places.sources[outcome.file]:
            withdraw(out / outcome.page, out)
            published.pop(outcome.page, None)
            gone += 1
    return gone


def _moves(out: Path, places: Places, published: Mapping[str, Json]
           ) -> dict[str, tuple[str, str]]:
    """The old addresses of rescheduled meetings: old page -> (the meeting file, its
    page now), for every meeting published now at another page than it had, and every
    old address already on the site whose meeting is still published; never a page a
    meeting has now."""
    live = {data["meeting"]["source"]: page for page, data in published.items()}
    pages = {*published, *(p for p in places.pages.values() if p is not None)}
    olds = [(was, places.sources[file]) for file, was in places.was.items()]
    moves: dict[str, tuple[str, str]] = {}
    for old, source in [*olds, *moved_pages(out).items()]:
        now = live.get(source)
        if now is not None and old != now and old not in pages:
            moves.setdefault(old, (source, now))
    return moves


def _moved_pages(options: SiteOptions, look: House, env: Any,
                 moves: Mapping[str, tuple[str, str]], published: Mapping[str, Json],
                 tidy: bool) -> None:
    """Each old address's page, pointing where its meeting is now; old addresses whose
    meeting is gone are removed (when ``tidy``: every meeting could be placed)."""
    out = options.output
    for page, (source, now) in sorted(moves.items()):
        data = published[now]
        pages: dict[str, bytes] = {}
        for edition in (None, *data.get("editions", [])):
            folder = "" if edition is None else edition_folder(data, edition)
            language = look.language if edition is None else edition["language"]
            messages = load_messages(language, options.root, [])
            words = Words(messages)
            up = "../" * (page + folder).count("/")
            context = {**_common(look, up), "words": words,
                       **moved_context(page, data, messages, edition),
                       "page_lang": None if edition is None else language,
                       "editions": _moved_editions(data, edition, look.language)}
            context["crumbs"] = [{"href": up + "index.html", "text": words["site_meetings"]},
                                 {"href": f"{up}{now.split('/')[0]}/index.html",
                                  "text": context["body"]},
                                 {"href": "", "text": context["was"]}]
            pages[folder + "index.html"] = render(env, "moved.html", context)
        write_moved(out, page, pages, source, now)
    for page in moved_pages(out):
        if tidy and page not in moves:
            remove_moved(out, page)


def _moved_editions(data: Json, edition: Json | None, language: str) -> list[dict[str, str]]:
    """The links between an old address's pages in each language (as a meeting's pages
    link theirs)."""
    if edition is not None:
        return [{"href": "../index.html", "lang": language,
                 "text": Words(load_messages(language, None, []))["site_language"]}]
    return [{"href": edition_folder(data, other) + "index.html", "lang": other["language"],
             "text": Words(load_messages(other["language"], None, []))["site_language"]}
            for other in data.get("editions", [])]


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
        old = _old_manifest(options.output, was)
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
    old = _old_manifest(options.output, was)  # this meeting's, never another's at its page
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
    return {**meeting_pages(env, data, sizes, note, _common(look, "")["look"], options.root),
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
    pages = _meeting_pages(data, sizes, _change_note(options.output, data), options, look, env)
    written = write_files(folder, pages, options.output)
    # A run stopped between the manifest and the clean-up left files the manifest no
    # longer lists (a report since withheld, say): gone now.
    removed = remove_stale(folder, _listed(data), options.output)
    return MeetingOutcome(file, data["meeting"]["url"], "unchanged", written=len(written),
                          removed=len(removed))


def _fallback_page(data: Json) -> str:
    return f"{body_slug(data['meeting']['body'])}/{data['meeting']['date']}/"


def _common(look: House, root: str) -> dict[str, Any]:
    logo = f"logo{look.logo.suffix.lower()}" if look.logo is not None else None
    return {"look": SiteLook(look.name, logo, look.logo_alt, look.language), "root": root,
            "words": site_words(look.language)}


def _site_pages(options: SiteOptions, look: House, env: Any,
                published: Mapping[str, Json]) -> list[Path]:
    """The index, each body's page, calendar and feed, the stylesheet and the logo; return
    those written."""
    today = _today()
    bodies: dict[str, list[Json]] = {}
    for page, data in sorted(published.items()):  # each one's url is its page
        bodies.setdefault(page.split("/")[0], []).append(data)
    files: dict[str, bytes] = {"site.css": stylesheet(look.colours)}
    if look.logo is not None:
        files[f"logo{look.logo.suffix.lower()}"] = look.logo.read_bytes()
    names = []
    twice = _shared_names(bodies)
    for slug, manifests in sorted(bodies.items()):
        name = manifests[0]["meeting"]["body"]
        if name in twice:  # two organisations' "Cabinet": say whose each is
            name = f"{name} ({manifests[0]['meeting']['organisation']})"
        names.append({"href": f"{slug}/index.html", "text": name, "name": name})
        upcoming, past = split_by_date(manifests, today)
        files[f"{slug}/index.html"] = render(env, "body.html", {
            **_common(look, "../"), "body": name,
            "upcoming": [meeting_row(d, "../") for d in upcoming],
            "past": [meeting_row(d, "../") for d in past],
            "calendar": "meetings.ics", "feed": "feed.xml",
            "crumbs": [{"href": "../index.html", "text": site_words(look.language)[
                "site_meetings"]},
                       {"href": "", "text": name}]})
        files[f"{slug}/meetings.ics"] = meeting_calendar(
            [calendar_entry(d, look.name, options.base_url) for d in
             sorted(manifests, key=lambda d: d["meeting"]["url"])], name)
        newest = max(_generated(d) for d in manifests)
        files[f"{slug}/feed.xml"] = body_feed(
            [feed_entry(d, _change_note(options.output, d)) for d in manifests],
            title=name, path=f"{slug}/feed.xml",
            site=look.name, author=manifests[0]["meeting"]["organisation"], stamp=newest,
            base_url=options.base_url, page=f"{slug}/", language=look.language)
    upcoming, past = split_by_date(list(published.values()), today)
    files["index.html"] = render(env, "index.html", {
        **_common(look, ""), "bodies": [{"href": n["href"], "name": n["name"]} for n in
                                         sorted(names, key=lambda n: (n["name"].casefold(),
                                                                      n["href"]))],
        "upcoming": [meeting_row(d, "") for d in upcoming],
        "past": [meeting_row(d, "") for d in past],
        "crumbs": [{"href": "", "text": site_words(look.language)["site_meetings"]}]})
    written = write_files(options.output, files, options.output)
    _remove_bodies_gone(options.output, set(bodies))
    return written


BODY_FILES = {"index.html", "meetings.ics", "feed.xml"}


def _remove_bodies_gone(out: Path, bodies: set[str]) -> None:
    """A body's folder left with no meeting (its meetings gone, or the body renamed into
    another folder): its page, calendar and feed are removed, or they would list what is
    gone; the old pages of meetings that moved stay (``moved.json``)."""
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink()):
        rest = [folder / name for name in sorted({p.name for p in folder.iterdir()}
                                                 - BODY_FILES)]
        if folder.name in bodies or not all((p / MARK).is_file() and not p.is_symlink()
                                            and not (p / "manifest.json").exists()
                                            for p in rest):
            continue
        if rest:
            for name in sorted(BODY_FILES):
                (folder / name).unlink(missing_ok=True)
        else:
            withdraw(folder, out)


def _shared_names(bodies: Mapping[str, list[Json]]) -> set[str]:
    seen = [manifests[0]["meeting"]["body"] for manifests in bodies.values()]
    return {name for name in seen if seen.count(name) > 1}


def _change_note(out: Path, data: Json) -> list[str]:
    """The change note the meeting was last published with (none: first published)."""
    if "note" in data:
        return list(data["note"]["lines"]) if data["note"] else []
    return note_lines(out / data["meeting"]["url"] / CHANGES)


def _generated(data: Json) -> datetime.datetime:
    from packgen.ical import generated

    return generated(data)


def _today() -> datetime.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()


def site_problems(result: SiteResult) -> Iterable[Problem]:
    """Every problem of the run, meeting by meeting, then the site's."""
    for outcome in result.meetings:
        yield from outcome.problems
    yield from result.problems

