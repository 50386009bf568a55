"""A helper process forked from this one, talking over a pipe.

Used where a build or a check has two independent halves (see
:mod:`packgen.typesetting` and :mod:`packgen.check`). Only on Linux: elsewhere
fork is unsafe or missing, and the callers do the work in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


PR_SET_PDEATHSIG = 1
_STOPS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
          if hasattr(signal, name)}
T = TypeVar("T")


class Died(Exception):  # noqa: N818 - it is what happened to the child
    """A forked :func:`call` ended without an answer: killed by signal ``signum``, or
    exited with ``status`` (a bug in the work, its traceback printed)."""

    def __init__(self, signum: int | None, status: int | None) -> None:
        super().__init__(signum, status)
        self.signum = signum
        self.status = status


def can_fork() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork")


def fork(serve: Callable[[Connection], None], others: Iterable[Connection] = ()
         ) -> tuple[int, Connection]:
    """Run ``serve(connection)`` in a forked process; return its pid and our end of the pipe.

    ``others`` are this process's ends of pipes to helpers forked before: the new one
    closes its copies, or those helpers would never see their pipe close.
    """
    from multiprocessing import Pipe

    ours, theirs = Pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            # Stop signals are the parent's to act on: it ends its helpers itself.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            die_with_parent(parent)
            ours.close()
            for other in others:
                other.close()
            serve(theirs)
            status = 0
        finally:
            os._exit(status)  # never return into the caller's stack
    theirs.close()
    return pid, ours


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies, so that a helper never
    outlives a build that was killed (which no handler of the parent's can catch).

    Linux only; elsewhere the helper's pipe closing when the parent dies is the way out.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the kernel was told
        os._exit(1)


def stop(pid: int, connection: Connection, *, now: bool = False) -> None:
    """Tell a helper to stop (a None), close our end, and wait for it to end.

    ``now`` kills it instead, when the build is failing or stopping and whatever the
    helper is doing is not wanted.
    """
    if now:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):  # it has ended already
            connection.send(None)
    connection.close()
    os.waitpid(pid, 0)


def call(work: Callable[[], T]) -> T:
    """``work()`` run in a forked child, its (picklable) result sent back over a pipe.

    Whatever the child does to itself (a SIGBUS from a memory-mapped file cut short under
    it, memory it never gives back) ends with it. Raises :class:`Died` when the child ends
    without an answer. Whatever interrupts the wait (a stop signal raised out of it) sends
    the child SIGTERM, which ``work`` may turn into a clean exit, and waits for it: no
    child outlives the call.
    """
    def serve(connection: Connection) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        try:
            connection.send(work())
        except Exception:
            traceback.print_exc()  # a bug: shown, as a build in-process would show it
            sys.stderr.flush()
            raise

    sys.stdout.flush()
    sys.stderr.flush()
    # Stop signals are held until the wait below can answer them: one that arrived as
    # the fork returned would be raised in a finaliser there (a pipe end's __del__), and
    # Python drops exceptions raised in finalisers, leaving the watcher deaf to Ctrl-C.
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        pid, connection = fork(serve)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        raise
    answered = False
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # one held is raised here
        result: T = connection.recv()
        answered = True
    except EOFError:
        pass  # it died: its status says how
    except BaseException:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        raise
    finally:
        connection.close()
        _, status = os.waitpid(pid, 0)
    if answered:
        return result
    if os.WIFSIGNALED(status):
        raise Died(os.WTERMSIG(status), None)
    raise Died(None, os.waitstatus_to_exitcode(status))
