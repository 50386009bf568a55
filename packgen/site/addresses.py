"""Old addresses: rescheduled meetings' old pages, folders of meetings the site no longer
has, and other meetings' files at an address kept for one that failed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packgen.errors import ValidationError
from packgen.manifest import read_manifest
from packgen.messages import Words, load_messages
from packgen.site.common import (
    Json,
    MeetingOutcome,
    SiteOptions,
    old_manifest,
    page_common,
)
from packgen.site.moved import (
    moved_context,
    moved_pages,
    remove_moved,
    write_moved,
)
from packgen.site.pages import (
    edition_folder,
    render,
)
from packgen.site.places import Places
from packgen.site.style import House
from packgen.site.write import withdraw


def withdraw_unlisted(out: Path, pages: set[str]) -> int:
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


def clear_reserved(out: Path, outcomes: Sequence[MeetingOutcome], places: Places,
                    published: dict[str, Json]) -> int:
    """Withdraw another meeting's files from an address a meeting failed to build at: the
    meeting that had it moved away or was deleted, and what it published there (a report
    since made exempt, say) must not stay public because the address is kept for a meeting
    that has no files yet. Return how many folders went."""
    gone = 0
    for outcome in outcomes:
        if outcome.status != "failed" or not outcome.page:
            continue
        held = old_manifest(out, outcome.page)
        if held is not None and held["meeting"]["source"] != places.sources[outcome.file]:
            withdraw(out / outcome.page, out)
            published.pop(outcome.page, None)
            gone += 1
    return gone


def old_addresses(out: Path, places: Places, published: Mapping[str, Json]
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


def write_old_addresses(options: SiteOptions, look: House, env: Any,
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
            context = {**page_common(look, up), "words": words,
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


