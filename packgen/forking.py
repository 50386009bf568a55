"""A helper process forked from this one, talking over a pipe.

Used where a build or a check has two independent halves (see
:mod:`packgen.typesetting` and :mod:`packgen.check`). Only on Linux: elsewhere
fork is unsafe or missing, and the callers do the work in-process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


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
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            ours.close()
            for other in others:
                other.close()
            serve(theirs)
            status = 0
        finally:
            os._exit(status)  # never return into the caller's stack
    theirs.close()
    return pid, ours


def stop(pid: int, connection: Connection) -> None:
    """Tell a helper to stop (a None), close our end, and wait for it to end."""
    try:
        connection.send(None)
    except OSError:
        pass  # it has ended already
    connection.close()
    os.waitpid(pid, 0)
