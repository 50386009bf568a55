"""What a rebuild of a meeting keeps, and what it must put right.

The change note belongs to a republication, not to the run that wrote it: a rebuild that
changes nothing a reader sees carries it over. A meeting whose inputs are unchanged is
skipped only if the packs and documents it published are still the bytes its manifest
names.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def kept_note(old: Json | None, new: Json, beside: Path) -> list[str]:
    """The change note of the last republication, when this rebuild changed nothing a
    reader sees and ``republished`` is as it was. ``beside``: the note's file, read for a
    manifest of a packgen before the note was kept in the manifest."""
    if old is None or old.get("republished") != new["republished"] or not old.get("sequence"):
        return []
    if "note" in old:
        kept = old["note"]
        return list(kept["lines"]) if kept and kept["sequence"] == old["sequence"] else []
    return note_lines(beside)


def note_lines(file: Path) -> list[str]:
    """The lines of a published ``changes.txt``; none unless it is a regular file of the
    site (a link put in its place could name any file on the machine, which the page would
    then show)."""
    try:
        if not stat.S_ISREG(file.lstat().st_mode):
            return []
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line.strip()]


def damaged(folder: Path, data: Json) -> list[str]:
    """The packs and documents whose bytes are not those the manifest's sha256 says (a
    partial restore of the site, a file truncated or edited by hand, a link put in its
    place): the meeting is built again to put them right. Its pages and calendar need no
    check here: they are written whenever their bytes differ."""
    hashed = [(p["file"], p["sha256"]) for p in data["packs"]] + [
        (d["file"], d["sha256"]) for d in data["documents"] if d["sha256"] is not None]
    return [name for name, sha256 in hashed if _sha256(folder / name) != sha256]


def _sha256(path: Path) -> str | None:
    if path.is_symlink():
        return None  # not the site's own file, whatever it holds now
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
