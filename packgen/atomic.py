"""Write files so that a failure part-way leaves whatever was there before, and nothing else.

Each file is prepared in full beside its target, then renamed over it. On Linux the
temporary file has no name at all while it is written (``O_TMPFILE``), so a process killed
then leaves nothing behind; it gets a name only for the moment between linking and
renaming. Where that is not possible it is named ``.TARGET.RANDOM.part``. Either way the
writer holds a lock on it, so a later write to the same target removes any such file whose
writer has died (a lock dies with its process, whatever killed it).

Who may read a file: a new public file gets ``0666`` less the umask, like any new file; a
new private one ``0600`` whatever the umask, and it is never wider while it is written. A
rebuild keeps the mode of the file it replaces (an officer may have tightened it), except
that a private file never keeps permissions for everyone else. A link in the target's place
is replaced by the file (the rename replaces the link, not what it points at), with the
mode of a new file: never the mode of the link's target.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no stale-file cleanup, the rest works
    fcntl = None  # type: ignore[assignment]

Write = Callable[[BinaryIO], object]
Companion = bytes | Callable[[int], bytes]
"""A companion file's bytes, or what makes them from the size of the target's (the HTML
agenda says how large its pack is)."""
STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name))


class Contents:
    """What to write at a target: the bytes (written to a stream), whether they are private,
    and other files that must appear with it (the HTML agenda beside its pack), each made
    once the target's bytes are written."""

    def __init__(self, write: Write, *, private: bool = False,
                 companions: Sequence[tuple[Path, Companion]] = ()) -> None:
        self.write = write
        self.private = private
        self.companions = tuple(companions)

    def __call__(self, stream: BinaryIO) -> object:
        return self.write(stream)


class PartlyWritten(Exception):  # noqa: N818 - it is what happened, not an error kind
    """Some files were renamed into place before one failed."""

    def __init__(self, written: Sequence[Path], failed: Path, error: OSError) -> None:
        super().__init__(str(error))
        self.written = tuple(written)
        self.failed = failed
        self.error = error


def write_atomic(write: Write, target: Path) -> None:
    """Write ``target`` (and any companions) beside, then rename: a failure before the
    renames leaves the old files intact, and no temporary file remains.

    Every file is prepared in full before any is renamed, so the only step that can fail
    between them is a rename (:class:`PartlyWritten` says what was written then).
    """
    contents = write if isinstance(write, Contents) else Contents(write)
    staged: list[_Staged] = []
    try:
        staged.append(_stage(target, contents.write, contents.private))
        size = os.fstat(staged[0].fd).st_size
        for path, data in contents.companions:
            made = data(size) if callable(data) else data
            staged.append(_stage(path, _put(made), contents.private))
        with _signals_held():
            for done, one in enumerate(staged):
                try:
                    one.rename()
                except OSError as exc:
                    if done:
                        raise PartlyWritten([s.target for s in staged[:done]], one.target,
                                            exc) from exc
                    raise
    finally:
        for one in staged:
            one.discard()


def _put(data: bytes) -> Write:
    return lambda stream: stream.write(data)


@dataclass
class _Staged:
    target: Path
    fd: int
    name: Path | None
    """The temporary file's name; None while it has none (``O_TMPFILE``)."""

    def rename(self) -> None:
        if self.name is None:
            name = _temp_name(self.target)
            # Linking the descriptor's /proc entry gives the nameless file a name; the
            # folder's descriptor makes os.link follow that entry (linkat), not link to it.
            folder = os.open(self.target.parent, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.link(f"/proc/self/fd/{self.fd}", name.name, dst_dir_fd=folder,
                        follow_symlinks=True)
            finally:
                os.close(folder)
            self.name = name
        os.replace(self.name, self.target)
        self.name = None

    def discard(self) -> None:
        if self.name is not None:
            self.name.unlink(missing_ok=True)
            self.name = None
        if self.fd >= 0:
            os.close(self.fd)  # also releases the lock
            self.fd = -1


def _stage(target: Path, write: Write, private: bool) -> _Staged:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    mode = _final_mode(target, private)
    staged = _open_temp(target)
    try:
        with os.fdopen(os.dup(staged.fd), "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.fchmod(staged.fd, mode)  # only now, when complete, readable by whoever may
    except BaseException:
        staged.discard()
        raise
    return staged


def _open_temp(target: Path) -> _Staged:
    flags = getattr(os, "O_TMPFILE", 0)
    if flags and os.path.isdir("/proc/self/fd"):
        try:
            fd = os.open(target.parent, flags | os.O_RDWR | os.O_CLOEXEC, 0o600)
        except OSError:  # a file system without it: fall back on a name
            pass
        else:
            staged = _Staged(target, fd, None)
            _lock(staged)
            return staged
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    staged = _Staged(target, fd, Path(name))
    _lock(staged)
    return staged


def _lock(staged: _Staged) -> None:
    if fcntl is not None:
        try:
            fcntl.flock(staged.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            staged.discard()
            raise


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")


def remove_stale(target: Path) -> None:
    """Remove temporary files of ``target`` left by writers that were killed."""
    if fcntl is None:
        return
    with contextlib.suppress(OSError):
        for leftover in target.parent.iterdir():
            name = leftover.name
            if name.startswith(f".{target.name}.") and name.endswith(".part"):
                _remove_if_abandoned(leftover)


def _remove_if_abandoned(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # its writer is alive
    else:
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _final_mode(target: Path, private: bool) -> int:
    # lstat: a link in the target's place is replaced by the file, never written through,
    # so the mode of whatever it points at (a private file, planted there) is not ours.
    try:
        found = os.lstat(target)
    except OSError:
        found = None
    if found is None or not stat.S_ISREG(found.st_mode):
        return 0o600 if private else 0o666 & ~_umask()
    existing = stat.S_IMODE(found.st_mode) & 0o777
    return existing & ~0o007 if private else existing


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back a stop signal while renaming, so that the files appear together or not."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    before = block(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, before)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
