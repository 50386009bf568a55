"""Putting a site's files in place: each atomically, none rewritten when unchanged.

Each file is written beside its target and renamed over it (:func:`packgen.atomic.write_atomic`:
fsync, rename), so a reader of the site sees the old page or the new one, never half of
one. A file whose bytes are already there is left alone, so an unchanged site keeps its
files' times and a web server's caches stay valid. A meeting's files that its new
publication no longer has are removed only after the new ones are in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from packgen.atomic import write_atomic
from packgen.errors import OutputError, Position, Problem


def write_files(folder: Path, files: Mapping[str, bytes], site: Path) -> list[Path]:
    """Write ``files`` (POSIX paths relative to ``folder``, a folder of ``site``: bytes);
    return those changed."""
    changed: list[Path] = []
    for name in sorted(files):
        target = folder / name
        data = files[name]
        real_folders(site, target.parent)
        if _holds(target, data):
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(_writer(data), target)
        except OSError as exc:
            raise OutputError([Problem(Position(target), f"cannot write: "
                                                         f"{exc.strerror or exc}")]) from None
        changed.append(target)
    return changed


def _writer(data: bytes) -> Callable[[BinaryIO], object]:
    return lambda stream: stream.write(data)


def _holds(target: Path, data: bytes) -> bool:
    # A link holding the same bytes is replaced all the same: what it points at is not
    # the site's, and may change or go at any time.
    try:
        return not target.is_symlink() and target.stat().st_size == len(data) \
            and target.read_bytes() == data
    except OSError:
        return False


def real_folders(site: Path, folder: Path) -> None:
    """Refuse ``folder`` unless it and every folder between it and ``site`` is a real
    folder (or not there yet): a link planted in the site would have packgen write, or
    remove files, wherever it points. ``site`` itself may be a link: whoever runs packgen
    named it."""
    here = folder
    while here != site and site in here.parents:
        if here.is_symlink():
            raise OutputError([Problem(Position(here), "a link inside the site's folder: "
                                       "packgen writes and removes files only in real "
                                       "folders there; remove the link")])
        here = here.parent


def remove_stale(folder: Path, keep: Iterable[str], site: Path) -> list[Path]:
    """Remove every file under ``folder`` (a folder of ``site``) not named in ``keep``
    (relative POSIX paths), then the folders left empty; return what was removed. Links
    are removed as links, never followed."""
    kept = set(keep)
    removed: list[Path] = []
    real_folders(site, folder)
    if not folder.is_dir():
        return removed
    for place, _, files in os.walk(folder, topdown=False):
        here = Path(place)
        for name in files:
            path = here / name
            if path.relative_to(folder).as_posix() not in kept:
                path.unlink()
                removed.append(path)
        if here != folder and not any(here.iterdir()):
            here.rmdir()
    return sorted(removed)


def withdraw(folder: Path, site: Path) -> None:
    """Remove a meeting's folder from the site: its files, then the folder, then its body's
    folder if that is left empty."""
    remove_stale(folder, (), site)
    for here in (folder, folder.parent):
        if here != site and here.is_dir() and not here.is_symlink() and \
                not any(here.iterdir()):
            here.rmdir()
