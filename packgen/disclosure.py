"""Keep exempt files apart from public ones: one file cannot be both.

A file attached (or appended to a report) in a public place and in an exempt place
would be published: the public side wins when the pack is built. Files are compared
by what they are, not by how they are named: the same path, another name for the same
file (a hard link, a symlink, a different case on a case-insensitive disk) and a copy
with the same bytes all count. Only files that could collide are read: a digest is
taken only of public and exempt files of the same size.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from packgen.errors import Position, Problem
from packgen.layout import Pack, agenda_items
from packgen.model import Attachment, Item, Meeting, Report

_HINT = "give the public and the exempt version their own files"


def documents(meeting: Meeting) -> Iterator[tuple[Attachment, bool]]:
    """Every document of the meeting, appendices included, with whether it is public."""
    for item in meeting.items:
        for attachment in item.attachments:
            public = item.is_public(attachment)
            yield attachment, public
            if isinstance(attachment.document, Report):
                for appendix in attachment.document.appendices:
                    yield appendix, public  # an appendix shares its report's exemption


def check_exempt_files(meeting: Meeting) -> list[Problem]:
    """A problem at every place that names a file both public and exempt."""
    entries = [(attachment, public, _identity(attachment.file))
               for attachment, public in documents(meeting)]
    problems: list[Problem] = []
    by_identity: dict[tuple[int, int] | Path, list[tuple[Attachment, bool]]] = {}
    for attachment, public, identity in entries:
        by_identity.setdefault(identity, []).append((attachment, public))
    for group in by_identity.values():
        problems += _mixed(meeting.root, group, "same")
    # Distinct files: compare the bytes of public and exempt files that share a size.
    sizes: dict[int, list[tuple[Attachment, bool]]] = {}
    for group in by_identity.values():
        attachment, public = group[0]
        if len({p for _, p in group}) == 1 and (size := _size(attachment.file)) is not None:
            sizes.setdefault(size, []).extend(group)
    for group in sizes.values():
        if len({p for _, p in group}) > 1:
            by_digest: dict[str, list[tuple[Attachment, bool]]] = {}
            for attachment, public in group:
                by_digest.setdefault(_digest(attachment.file), []).append((attachment, public))
            for same in by_digest.values():
                problems += _mixed(meeting.root, same, "copy")
    return problems


def _mixed(root: Path, group: list[tuple[Attachment, bool]], how: str) -> list[Problem]:
    """Problems for a group of places naming one file, if some are public and some exempt."""
    if len({public for _, public in group}) < 2:
        return []
    problems = []
    for attachment, public in group:
        others = [a for a, p in group if p != public]
        other = _name(root, others[0].file)
        side = "an exempt" if public else "a public"
        if how == "copy":
            said = f'has the same content as "{other}", which is attached to {side} item'
        elif others[0].file.absolute() == attachment.file.absolute():
            said = f"is also attached to {side} item"
        else:
            said = f'is the same file as "{other}" (a link to it), attached to {side} item'
        problems.append(Problem(attachment.pos,
                                f'"{attachment.file.name}" {said}; {_HINT}'))
    return problems


def _identity(path: Path) -> tuple[int, int] | Path:
    """The device and inode behind a name; the resolved path where the disk has none."""
    try:
        status = os.stat(path)
    except OSError:
        return path.resolve()
    if status.st_ino == 0:  # some file systems (and Windows before 3.12) give no inode
        return path.resolve()
    return (status.st_dev, status.st_ino)


def _size(path: Path) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return f"unreadable:{path.resolve()}"  # reported where the file is opened
    return digest.hexdigest()


def _name(root: Path, path: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.name


def pack_view(meeting: Meeting, pack: Pack) -> Meeting:
    """The meeting as one pack's templates may see it: only what the pack holds.

    Templates can be an officer's own, or a pull request's: whatever they print, in a
    public pack an exempt document is there only as the fact that it exists (its
    paragraph, its supplement), without its name, title, text, appendices or the reason
    it is exempt; and no pack sees another's late material, so the main pack cannot
    depend on its supplements. Items keep their numbers (see :func:`view_item`).
    """
    items = []
    for item in agenda_items(meeting, pack):
        attachments = tuple(a if pack.private or item.is_public(a) else _withheld(a, item.pos)
                            for a in item.in_pack(pack.supplement))
        items.append(replace(item, attachments=attachments,
                             reason=item.reason if pack.private else ""))
    return replace(meeting, items=tuple(items))


def view_item(view: Meeting, item: Item) -> Item:
    """``item`` as ``view`` holds it (item numbers are unique)."""
    return next(mine for mine in view.items if mine.number == item.number)


def _withheld(attachment: Attachment, pos: Position) -> Attachment:
    return Attachment(pos=pos, file=Path("withheld"), exempt=attachment.exempt,
                      confidential=attachment.confidential,
                      supplement=attachment.supplement)
