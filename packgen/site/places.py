"""Where on the site each meeting is published: its body's folder and its own.

A published address is a promise (it is in councillors' emails, residents' bookmarks and
calendars), so the meetings already on the site keep theirs, known from the manifests
there by the meeting file each was built from (``meeting.source``, relative to the root):
a meeting added later takes the next free ``-2``, ``-3`` even when its file sorts first.
A body is its organisation and its name; each has a folder of its own, kept once
published: the name's ASCII letters, else (a name in another script) ``body-`` and a short
hash of it; a second organisation's body of the same name is qualified by the
organisation's. Folder names are capped at a word, so a long name never makes a path the
file system refuses.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from packgen.errors import ValidationError
from packgen.manifest import read_manifest
from packgen.published import source_path
from packgen.schema import find_config

Json = dict[str, Any]

SLUG_LENGTH = 60
"""A folder's name from a body's or organisation's name, at most: cut at a word."""


@dataclass(frozen=True)
class Published:
    """A meeting on the site now, as its manifest there says."""

    url: str
    manifest: Json

    @property
    def slug(self) -> str:
        return self.url.split("/")[0]


@dataclass(frozen=True)
class Place:
    """What a meeting's YAML says of where it goes, read lightly before it is built."""

    organisation: str
    body: str
    date: str


@dataclass
class Places:
    pages: dict[Path, str | None] = field(default_factory=dict)
    """Each meeting's page relative to the site's root (``cabinet/2026-09-01/``); None
    when its YAML says no body and date and it was never published."""
    was: dict[Path, str] = field(default_factory=dict)
    """Each meeting's page on the site before this run, where it had one."""
    sources: dict[Path, str] = field(default_factory=dict)
    """Each meeting's ``meeting.source`` on the site: its file relative to the site's ROOT,
    which may hold several projects, each with its own ``packgen.yaml`` and so its own
    ``meeting.yaml`` at its top (:func:`site_sources`)."""


def published_meetings(site: Path) -> dict[str, Published]:
    """The meetings the site holds, by ``meeting.source``: every manifest of ours at a
    meeting's depth whose ``meeting.url`` is its own folder (any other was copied there)."""
    found: dict[str, Published] = {}
    if not site.is_dir():
        return found
    for file in sorted(site.glob("*/*/manifest.json")):
        if file.parent.is_symlink() or file.parent.parent.is_symlink():
            continue  # never ours: packgen writes only in real folders
        page = file.parent.relative_to(site).as_posix() + "/"
        try:
            data = read_manifest(file)
        except ValidationError:
            continue
        if data["meeting"]["url"] != page:
            continue
        source = data["meeting"]["source"]
        # Two folders of one meeting (a run stopped mid-move): the newer publication.
        if source not in found or (found[source].manifest["generated"], found[source].url) \
                < (data["generated"], page):
            found[source] = Published(page, data)
    return found


def place_meetings(files: Sequence[Path], published: Mapping[str, Published], root: Path
                   ) -> Places:
    """Every meeting's page: the one it has on the site if its body and date are still
    the same, else the next free one in its body's folder (files in path order)."""
    places = Places()
    read: dict[Path, Place | None] = {}
    for file in files:
        places.sources[file] = source_path(root, file)
        read[file] = read_place(file)
        before = published.get(places.sources[file])
        if before is not None:
            places.was[file] = before.url
    slugs = body_slugs(files, read, places, published)
    taken: set[str] = set()
    for file in files:  # first, those that stay where they are
        place, was = read[file], places.was.get(file)
        if place is None:
            places.pages[file] = was  # unreadable: it keeps its page, if it has one
        elif was is not None and _same_place(was, slugs[_key(place)], place.date):
            places.pages[file] = was
        if places.pages.get(file) is not None:
            taken.add(places.pages[file])  # type: ignore[arg-type]
    for file in files:
        place = read[file]
        if file in places.pages or place is None:
            places.pages.setdefault(file, None)
            continue
        base, n = f"{slugs[_key(place)]}/{place.date}", 1
        while (page := f"{base}{'' if n == 1 else f'-{n}'}/") in taken:
            n += 1
        places.pages[file] = page
        taken.add(page)
    return places


def _same_place(page: str, slug: str, date: str) -> bool:
    folder, day = page.rstrip("/").split("/")
    return folder == slug and re.fullmatch(re.escape(date) + r"(-[0-9]+)?", day) is not None


def _key(place: Place) -> tuple[str, str]:
    return place.organisation, place.body


def body_slugs(files: Sequence[Path], read: Mapping[Path, Place | None], places: Places,
               published: Mapping[str, Published]) -> dict[tuple[str, str], str]:
    """Each body's folder: the one its meetings were published in, if its name has not
    changed since; else a new one no other body has."""
    keys: dict[tuple[str, str], list[Path]] = {}
    for file in files:
        place = read[file]
        if place is not None:
            keys.setdefault(_key(place), []).append(file)
    slugs: dict[tuple[str, str], str] = {}
    for key, its in keys.items():  # first, the bodies already on the site
        kept = Counter(published[places.sources[f]].slug for f in its
                       if places.sources[f] in published
                       and published[places.sources[f]].manifest["meeting"]["body"] == key[1])
        for slug, _ in sorted(kept.items(), key=lambda pair: (-pair[1], pair[0])):
            if slug not in slugs.values():
                slugs[key] = slug
                break
    for key in keys:
        if key in slugs:
            continue
        for slug in _candidates(*key):
            if slug not in slugs.values():
                slugs[key] = slug
                break
    return slugs


def _candidates(organisation: str, body: str) -> Iterable[str]:
    own = slug(body, "body")
    yield own
    qualified = f"{slug(organisation, 'organisation')}-{own}"
    yield qualified
    n = 2
    while True:
        yield f"{qualified}-{n}"
        n += 1


def slug(name: str, kind: str = "body") -> str:
    """A folder's name for ``name``: "Children's Partnership Board" ->
    ``childrens-partnership-board`` (an apostrophe joins, it does not split); a name
    mostly in another script -> ``body-`` and 8 hex digits of its hash; at most
    :data:`SLUG_LENGTH` characters, cut at a word."""
    name = name.replace("'", "").replace("\u2019", "")
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    letters = sum(1 for c in name if c.isalpha())
    if letters and sum(1 for c in words if c.isalpha()) * 2 < letters or not words:
        return f"{kind}-{hashlib.sha256(name.strip().encode('utf-8')).hexdigest()[:8]}"
    if len(words) > SLUG_LENGTH:
        cut = words[:SLUG_LENGTH + 1]
        words = cut[:cut.rfind("-")] if "-" in cut else words[:SLUG_LENGTH]
    return words.strip("-")


def read_place(file: Path) -> Place | None:
    """The meeting's organisation, body and date, read lightly (the build validates
    properly and says what is wrong); None when the YAML does not say them plainly."""
    data = _yaml(file)
    if data is None:
        return None
    body, date = data.get("body"), data.get("date")
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            return None
    if not isinstance(body, str) or not body.strip() or not isinstance(date, datetime.date):
        return None
    organisation = data.get("organisation")
    if organisation is None:
        config = find_config(file)
        settings = _yaml(config) if config is not None else None
        organisation = settings.get("organisation") if settings is not None else None
    return Place(_text(organisation), body.strip(), date.isoformat())


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):  # one name per language: the first is as good a key
        return next((v.strip() for v in value.values() if isinstance(v, str)), "")
    return ""


def _yaml(file: Path) -> dict[Any, Any] | None:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def pack_name(page: str, supplement: int | None, language: str | None = None) -> str:
    """The pack's file on the site, named from its page, never from the meeting's folder
    (which may hold ``#``, ``?`` or spaces): ``cabinet-2026-09-01.pdf``,
    ``cabinet-2026-09-01-supplement-1.pdf``; another edition's ends ``-cy``."""
    stem = page.strip("/").replace("/", "-")
    if supplement is not None:
        stem += f"-supplement-{supplement}"
    return f"{stem}.pdf" if language is None else f"{stem}-{language}.pdf"


def site_sources(data: dict[str, Any], file: Path, root: Path) -> None:
    """Rebase a manifest's paths (the meeting's and its documents', each edition's too)
    from the meeting's own repository root (the folder of its ``packgen.yaml``) to the
    site's ROOT, as :attr:`Places.sources` names the meeting: two projects under one ROOT
    each have a ``meeting.yaml``, ROOT may be below ``packgen.yaml``, and a site keys
    pages, calendar UIDs and feed ids on these paths."""
    config = find_config(file)
    own_root = config.parent if config is not None else file.parent
    data["meeting"]["source"] = source_path(root, file)
    for part in (data, *data.get("editions", [])):
        for document in part.get("documents", []):
            document["source"] = source_path(root, own_root / document["source"])
