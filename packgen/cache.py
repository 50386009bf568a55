"""The rebuild cache: pages packgen typeset before, found again by what they were made from.

ReportLab's layout is the cost of our own pages; rendering a template is cheap. So a page
is stored under a digest of the rendered HTML (which already holds the YAML, Markdown,
templates and their context) and of everything else the typesetter reads: the stylesheet,
the bytes of its font files and of every image the HTML draws, the flags it is given,
``SOURCE_DATE_EPOCH``, and the versions of packgen (its source, not only its number),
ReportLab and Python. Whatever else changes, the key changes, and the entry is not found.

An entry is a file read as untrusted input, never unpickled: a header line (format,
checksum of the rest, length of its JSON), the JSON description of the result (the key
it was stored under among it), then the PDF bytes. Anything that does not check out (a
truncated, flipped, foreign or older entry) is passed over and the page typeset again; a
cache that cannot be written is simply not written. Beside a front sheet's pages it may
hold their page count alone, found without drawing them (a tiny entry under a key of its
own): what a rebuild's front sheet needs to know of a length it will not settle on.
Entries are written whole beside their name and renamed, so builds sharing the folder
never read half an entry. Folders the cache makes are private (0700) and its entries too
(0600); exempt pages (an exempt document, a private pack's front sheet) are never stored,
nor their counts (:mod:`packgen.typesetting`), and pruning removes only files named as the
cache names its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from packgen import __version__
from packgen.cacheentry import FORMAT, decode, decode_pages, encode, encode_pages
from packgen.rendered import Typeset

if TYPE_CHECKING:
    from packgen.theme import Stylesheet

ENTRY = ".entry"
KEEP_UNUSED = 30 * 24 * 3600
"""An entry no build has read or written for this long (seconds) is pruned."""
MAX_BYTES = 512 << 20
"""Beyond this, the least recently used entries are pruned."""
PRUNE_EVERY = 24 * 3600
"""How often (seconds) a build looks over the folder for entries to prune."""


class TypesetCache:
    """One cache folder, shared by any builds: entries by key, each a typeset document."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writable = True
        self._trusted: bool | None = None
        self.pending: dict[str, Typeset] = {}
        """What this build typeset, written by :meth:`save` once the build has succeeded: a
        build that fails writes nothing, the cache included."""
        self.pending_pages: dict[str, int] = {}
        """The page counts this build found, likewise."""

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{ENTRY}"

    def get(self, key: str) -> Typeset | None:
        """The entry stored under ``key``, or None if there is none that checks out."""
        if key in self.pending:
            return self.pending[key]
        data = self._read(key)
        found = decode(data, key) if data is not None else None
        if found is not None:
            self._used(key)
        return found

    def get_pages(self, key: str) -> int | None:
        """The page count kept for the pages ``key`` names (:meth:`keep_pages`), if any:
        a tiny entry of its own, beside theirs."""
        if key in self.pending_pages:
            return self.pending_pages[key]
        data = self._read(_pages_key(key))
        found = decode_pages(data, _pages_key(key)) if data is not None else None
        if found is not None:
            self._used(_pages_key(key))
        return found

    def _read(self, key: str) -> bytes | None:
        return _read_entry(self._path(key)) if self.trusted() else None

    def _used(self, key: str) -> None:
        with contextlib.suppress(OSError):  # marks it used, for pruning; read-only is fine
            os.utime(self._path(key), follow_symlinks=False)

    def keep(self, key: str, typeset: Typeset) -> None:
        """Hold ``typeset`` to be stored under ``key`` when the build has succeeded."""
        self.pending[key] = typeset

    def keep_pages(self, key: str, pages: int) -> None:
        """Hold the page count of the pages ``key`` names, found without making them."""
        self.pending_pages[key] = pages

    def save(self) -> None:
        """Store what the build typeset, then prune (see :meth:`prune`)."""
        for key, typeset in self.pending.items():
            self.put(key, typeset)
        for key, pages in self.pending_pages.items():
            self._write(_pages_key(key), encode_pages(_pages_key(key), pages))
        self.pending.clear()
        self.pending_pages.clear()
        self.prune()

    def put(self, key: str, typeset: Typeset) -> None:
        """Store ``typeset`` under ``key``, whole or not at all; never fails the build."""
        self._write(key, encode(key, typeset))

    def _write(self, key: str, entry: bytes) -> None:
        if not self.writable:
            return
        path = self._path(key)
        try:
            _private_folder(self.folder)
            if not self.trusted():
                raise PermissionError("not a folder of this user's alone")
            _private_folder(path.parent)
            if not _own_folder(path.parent):  # a link planted for a bucket: write nothing
                raise PermissionError("not a folder of the cache's")
            # 0600, and named so that pruning knows it for the cache's own
            fd, name = tempfile.mkstemp(prefix=".packgen-", suffix=".part", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as stream:
                    stream.write(entry)
                os.replace(name, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                raise
        except OSError:
            self.writable = False  # read-only, full, not ours: build on without it

    def trusted(self) -> bool:
        """Whether the folder is this user's alone (owned, and nobody else may write in
        it): entries are read and written only there. Judged once; a folder not there yet
        will be made so."""
        if self._trusted is None:
            try:
                info = os.stat(self.folder)
            except FileNotFoundError:
                return True
            except OSError:
                self._trusted = False
                return False
            getuid = getattr(os, "getuid", None)
            self._trusted = stat.S_ISDIR(info.st_mode) and not info.st_mode & 0o022 and (
                getuid is None or info.st_uid == getuid())
        return self._trusted

    def prune(self, now: float | None = None) -> None:
        """Remove entries not used for :data:`KEEP_UNUSED`, then the least recently used
        beyond :data:`MAX_BYTES`; at most once every :data:`PRUNE_EVERY` per folder."""
        if not self.writable or not self.trusted():
            return
        now = time.time() if now is None else now
        mark = self.folder / "pruned"
        try:
            if now - mark.stat(follow_symlinks=False).st_mtime < PRUNE_EVERY:
                return
        except OSError:
            pass
        try:
            os.close(os.open(mark, os.O_WRONLY | os.O_CREAT | _NOFOLLOW, 0o600))
            os.utime(mark, (now, now), follow_symlinks=False)
            entries = []
            for path in self.folder.glob(f"*/*{ENTRY}"):
                if not (_ours(path, _ENTRY_NAME) and _own_folder(path.parent)):
                    continue
                with contextlib.suppress(OSError):
                    info = path.stat()
                    entries.append((info.st_mtime, info.st_size, path))
            for part in self.folder.glob("*/.packgen-*.part"):  # left by a build that was killed
                if not (_ours(part, _PART_NAME) and _own_folder(part.parent)):
                    continue
                with contextlib.suppress(OSError):
                    if now - part.stat().st_mtime > 3600:
                        part.unlink()
            entries.sort()
            total = sum(size for _, size, _ in entries)
            for used, size, path in entries:
                if now - used < KEEP_UNUSED and total <= MAX_BYTES:
                    break
                with contextlib.suppress(OSError):
                    path.unlink()
                total -= size
        except OSError:
            return


MAX_ENTRY = 256 << 20
"""The largest entry read: a typeset document is a few MB; anything else is not ours."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes if it is a regular file of a sane size, not followed through a
    link (a link, a FIFO or a device planted in the folder is a miss, never a hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
            return None
        with os.fdopen(os.dup(fd), "rb") as stream:
            return stream.read(MAX_ENTRY + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _own_folder(folder: Path) -> bool:
    """A real folder (not a link to one elsewhere) of this user's."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return stat.S_ISDIR(info.st_mode) and (getuid is None or info.st_uid == getuid())


def _private_folder(folder: Path) -> None:
    """Make ``folder`` 0700 if it is not there; one that is (``--cache shared``, a folder
    others use too) is left as it is: its entries are 0600 all the same."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.entry")
_PART_NAME = re.compile(r"\.packgen-[a-z0-9_]{8}\.part")  # what put() stages an entry in
_BUCKET = re.compile(r"[0-9a-f]{2}")


def _ours(path: Path, name: re.Pattern[str]) -> bool:
    """Whether ``path`` is a file the cache made (``ab/<key>.entry``, a ``.part`` beside
    one): pruning touches nothing else, whatever folder ``--cache`` names."""
    return bool(name.fullmatch(path.name) and _BUCKET.fullmatch(path.parent.name)
                and (name is not _ENTRY_NAME or path.name.startswith(path.parent.name)))


def digest(parts: Iterable[bytes | str]) -> str:
    """One hex digest of several parts, each length-prefixed so no two splits collide."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


_SOURCE: str | None = None


def packgen_source() -> str:
    """A digest of packgen's own code, ReportLab's version and Python's: a change to any
    between two builds invalidates every entry, whatever ``__version__`` says (a checkout
    under development keeps its version number for many changes). The theme is not in it:
    its templates are in the HTML, its stylesheet and fonts in :func:`setup_digest`."""
    global _SOURCE  # noqa: PLW0603 - computed once a process
    if _SOURCE is None:
        package = Path(__file__).parent
        files = sorted(p for p in package.rglob("*") if p.is_file()
                       and p.suffix == ".py")
        import zlib

        import PIL
        import reportlab

        # Pillow re-encodes pictures and zlib compresses pages: their versions change bytes.
        _SOURCE = digest([FORMAT, __version__, reportlab.Version, sys.version, PIL.__version__,
                          zlib.ZLIB_RUNTIME_VERSION,
                          *(f"{p.relative_to(package)}" for p in files),
                          *(hashlib.sha256(p.read_bytes()).digest() for p in files)])
    return _SOURCE


def setup_digest(sheet: Stylesheet) -> str:
    """What every page a typesetter makes depends on besides its HTML: packgen's code and
    the versions (:func:`packgen_source`), the stylesheet, the bytes of its font files,
    and ``SOURCE_DATE_EPOCH`` (ReportLab's dates follow it)."""
    fonts = {family: {variant: hashlib.sha256(Path(file).read_bytes()).hexdigest()
                      for variant, file in sorted(files.items())}
             for family, files in sorted(sheet.fonts.items())}
    style = json.dumps({"page": sheet.page, "colours": sheet.colours, "styles": sheet.styles,
                        "fonts": fonts}, sort_keys=True, default=str)
    return digest([packgen_source(), style, os.environ.get("SOURCE_DATE_EPOCH", "")])


def _pages_key(key: str) -> str:
    """Where the page count of the pages ``key`` names is kept: never under their own key,
    so a count is never taken for the pages nor the pages for a count."""
    return digest(["pages", key])


def typeset_key(setup: str, html: str, images: Iterable[bytes], decorative: bool) -> str:
    """The key of the pages ``html`` gives with the typesetter ``setup`` describes, drawing
    ``images`` (the bytes of each image file it names, in order)."""
    return digest([setup, html, "decorative" if decorative else "",
                   *(hashlib.sha256(image).digest() for image in images)])


# -- the entry's format -----------------------------------------------------------------------
