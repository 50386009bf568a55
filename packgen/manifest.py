"""``manifest.json``: what one meeting's published packs hold, for people and programs.

Made from the packs' publications (:mod:`packgen.published`), so from the very layouts the
packs were written from; its shape is :mod:`packgen.manifest_schema`'s. An old manifest
(``packgen build --against``, a site's last publication) is read back here and checked
against that shape: a file that is not one of ours is one problem, never a traceback.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packgen import __version__
from packgen.atomic import write_atomic
from packgen.errors import OutputError, Position, Problem, ValidationError
from packgen.manifest_schema import MANIFEST_VERSION, problems
from packgen.model import Meeting
from packgen.published import Publication, every_document, source_path
from packgen.schema import find_config


def manifest(meeting: Meeting, publications: Sequence[Publication], *,
             inputs_sha256: str | None, url: str | None = None, sequence: int = 0,
             generated: datetime.datetime | None = None) -> dict[str, Any]:
    """The manifest of ``meeting``'s published packs: the main pack (if built), then its
    supplements, in that order.

    ``inputs_sha256``: the digest of the meeting's inputs (the site's), or None.
    ``url``: the meeting's page relative to the site's root, or None outside a site.
    ``sequence``: how many times it has been republished. ``generated``: when, by default
    ``SOURCE_DATE_EPOCH``, else now."""
    documents = every_document(publications)
    packs_of = [n for n, one in enumerate(publications) for _ in one.documents]
    pdfs = [pdf for one in publications for pdf in (
        one.document_pdfs if one.document_pdfs is not None else [None] * len(one.documents))]
    files = document_files([d.title for d in documents])
    republished = meeting.republished
    return {
        "manifest_version": MANIFEST_VERSION,
        "packgen_version": __version__,
        "generated": _utc(generated or _now()),
        "inputs_sha256": inputs_sha256,
        "sequence": sequence,
        "meeting": {
            "organisation": meeting.organisation, "body": meeting.body,
            "date": meeting.date.isoformat(), "time": meeting.time.strftime("%H:%M"),
            "end_time": None if meeting.end_time is None else meeting.end_time.strftime("%H:%M"),
            "venue": meeting.venue, "language": meeting.language,
            "jurisdiction": meeting.jurisdiction.name,
            "source": source_path(meeting.root, meeting.source), "url": url},
        "republished": None if republished is None else {
            "date": republished.date.isoformat(), "reason": republished.reason},
        "packs": [{"file": one.file, "supplement": one.supplement, "pages": one.pages,
                   "sha256": one.sha256} for one in publications],
        "items": [{"number": item.number, "title": item.title, "exempt": item.exempt,
                   "pack": n, "pages": [{"first": a, "last": b} for a, b in item.pages],
                   "description": item.description or None,
                   "presenter": item.presenter or None,
                   "language": item.language or None}
                  for n, one in enumerate(publications) for item in one.items],
        "documents": [{
            "title": d.title, "kind": d.kind, "item": d.item, "appendix_of": d.appendix_of,
            "pack": pack, "first_page": d.first_page, "last_page": d.last_page,
            "first_index": d.first_index, "last_index": d.last_index, "file": file,
            "sha256": None if pdf is None else _sha256(pdf),
            "source": d.source, "source_sha256": d.source_sha256,
            "language": None if d.language == meeting.language else d.language,
        } for d, pack, file, pdf in zip(documents, packs_of, files, pdfs, strict=True)],
        "editions": [],
    }


def edition(meeting: Meeting, publications: Sequence[Publication], *, folder: str,
            url: str | None) -> dict[str, Any]:
    """The meeting's edition in another language (``meeting`` as read in it: the Welsh
    edition of a meeting in Wales), for the main manifest's ``editions``: its packs, items
    and documents as :func:`manifest` gives them, its files under ``folder`` ("cy/") of the
    meeting's page, and its own page at ``url``."""
    data = manifest(meeting, publications, inputs_sha256=None)
    return {"language": meeting.language, "url": url,
            "meeting": {key: data["meeting"][key] for key in ("organisation", "body", "venue")},
            "packs": [{**p, "file": folder + p["file"]} for p in data["packs"]],
            "items": data["items"],
            "documents": [{**d, "file": folder + d["file"]} for d in data["documents"]]}


def document_files(titles: Sequence[str]) -> list[str]:
    """Each document's own PDF, relative to the meeting's page: ``documents/NN-slug.pdf``,
    NN its place among the meeting's documents (so never two alike), the slug from its
    title."""
    width = max(2, len(str(len(titles))))
    return [f"documents/{n:0{width}d}-{_slug(title)}.pdf" for n, title in
            enumerate(titles, 1)]


def _slug(title: str) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:60].rstrip("-") or "document"


def manifest_bytes(data: dict[str, Any]) -> bytes:
    """The manifest as written: UTF-8 JSON, keys in the schema's order, indented, one
    newline at the end; the same data, the same bytes."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(path: Path, data: dict[str, Any]) -> None:
    """Write the manifest atomically (a reader sees the old one or the new one)."""
    text = manifest_bytes(data)
    try:
        write_atomic(lambda stream: stream.write(text), path)
    except OSError as exc:
        raise OutputError([Problem(Position(path), f"cannot write the manifest: "
                                   f"{exc.strerror or exc}")]) from None


def read_manifest(path: Path) -> dict[str, Any]:
    """A manifest packgen wrote, checked against its schema; else one problem at ``path``."""
    try:
        if path.stat().st_size > MAX_MANIFEST:
            raise ValidationError([Problem(Position(path), "not a packgen manifest: larger "
                                           f"than {MAX_MANIFEST >> 20} MiB")])
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ValidationError([Problem(Position(path), f"cannot read the manifest: "
                                       f"{exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise ValidationError([Problem(Position(path), "not a packgen manifest: not UTF-8 "
                                       "text")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(Position(path, exc.lineno, exc.colno),
                                       f"not a packgen manifest: {exc.msg}")]) from None
    except RecursionError:  # nested deeper than Python's parser goes
        raise ValidationError([Problem(Position(path), "not a packgen manifest: nested too "
                                       "deeply")]) from None
    wrong = problems(data)
    version = data.get("manifest_version") if isinstance(data, dict) else None
    if type(version) is int and version != MANIFEST_VERSION:  # a later packgen's
        wrong = [f"manifest_version {version}: this packgen ({__version__}) reads version "
                 f"{MANIFEST_VERSION}"]
    if not wrong:
        wrong = _unreal_dates(data)
    if wrong:
        more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
        raise ValidationError([Problem(Position(path), f"not a packgen manifest: {wrong[0]}"
                                                       f"{more}")])
    assert isinstance(data, dict)
    return data


MAX_MANIFEST = 64 << 20
"""A manifest larger than this is not one packgen wrote (a 10,000-item meeting's is a few MB)."""


def _unreal_dates(data: dict[str, Any]) -> list[str]:
    """The dates and times the schema's patterns let through but no calendar has
    ("2026-02-30", "99:99"): pages and calendars made from them would fail."""
    meeting = data["meeting"]
    found = [("meeting.date", meeting.get("date"), datetime.date.fromisoformat),
             ("meeting.time", meeting.get("time"), datetime.time.fromisoformat),
             ("meeting.end_time", meeting.get("end_time"), datetime.time.fromisoformat)]
    if isinstance(data.get("republished"), dict):
        found.append(("republished.date", data["republished"].get("date"),
                      datetime.date.fromisoformat))
    wrong = []
    for name, value, parse in found:
        if isinstance(value, str):
            try:
                parse(value)
            except ValueError:
                wrong.append(f'{name}: "{value}" is not a real date or time')
    return wrong


def refuse_manifest_target(path: Path, pack: Path) -> None:
    """``--manifest FILE`` writes only a new file, or over a manifest: never over the pack
    it describes, nor over anything else (a meeting's YAML, a report, a PDF)."""
    if path.resolve() == pack.resolve():
        raise ValidationError([Problem(Position(path), "--manifest names the pack's own "
                                       "file; name a .json file beside it")])
    if path.exists() or path.is_symlink():
        try:
            read_manifest(path)
        except ValidationError:
            raise ValidationError([Problem(Position(path), "--manifest would be written over "
                                           "a file that is not a packgen manifest; name a "
                                           "new file")]) from None


def meeting_source(meeting_file: Path) -> str:
    """The meeting file as a manifest names it (``meeting.source``), worked out before the
    meeting is read: relative to the repository root, as :func:`packgen.schema.validate`
    finds it."""
    config = find_config(meeting_file)
    root = config.parent if config is not None else meeting_file.parent
    return source_path(root, meeting_file)


def refuse_foreign(old: dict[str, Any], path: Path, meeting_file: Path) -> None:
    """An old manifest of another meeting is a problem: its changes would be nonsense."""
    theirs, ours = old["meeting"]["source"], meeting_source(meeting_file)
    if theirs != ours:
        raise ValidationError([Problem(Position(path), f'the manifest of "{theirs}", not of '
                                                       f'"{ours}"')])


def _now() -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc)


def _utc(when: datetime.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
