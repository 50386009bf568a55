"""Watching a meeting's inputs and building again when one changes (``packgen build --watch``).

Polling, so no new dependency and the same on every system: each input (see
:mod:`packgen.inputs`) is looked at every :attr:`Timing.poll` seconds. A file's stamp is
its modification time, size and inode: editors save by writing in place or by writing a
new file and renaming it over the old one (a new inode, perhaps the same time and size).
A folder's stamp is the names in it, editors' scratch files left out, so that a template
added to ``templates/`` is seen while a swap file is not. A path that is not there has a
stamp too (none): creating it is a change.

Once something has changed, the watcher waits until nothing has for :attr:`Timing.settle`
seconds, so that a file saved in two writes, or twice in a second, is built once and
whole; a save is built well within a second of its last write.

The loop raises nothing of its own and prints nothing: what to do with a build, a change
and the start of waiting is the caller's (the command line prints; tests record). It ends
when ``stop`` says so, or when the caller's signal handler raises out of it (Ctrl-C).
"""

from __future__ import annotations

import math
import os
import stat
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packgen.inputs import Inputs, is_scratch

Stamp = tuple[int, int, int] | tuple[str, ...] | None
"""(mtime in ns, size, inode) for a file, the names in it for a folder, None: not there."""


@dataclass(frozen=True)
class Timing:
    poll: float = 0.1
    """Seconds between two looks at every input."""
    settle: float = 0.25
    """Seconds with no further change before building."""

    @property
    def quiet_polls(self) -> int:
        return max(1, math.ceil(self.settle / self.poll - 1e-9))


def stamp(path: Path, hidden: Collection[str] = ()) -> Stamp:
    """What a change to ``path`` changes; in a folder, names ``hidden`` (what the build
    writes there) are none."""
    try:
        found = os.stat(path)
        if stat.S_ISDIR(found.st_mode):
            return tuple(sorted(name for name in os.listdir(path)
                                if not is_scratch(name) and name not in hidden))
    except (OSError, ValueError):
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


def stamps(paths: Iterable[Path], hidden: Mapping[Path, Collection[str]] | None = None
           ) -> dict[Path, Stamp]:
    """Each path's stamp; ``hidden`` gives a folder the names to leave out."""
    hidden = hidden or {}
    return {path: stamp(path, hidden.get(path, ())) for path in paths}


def _hidden(listings: Iterable[Inputs]) -> dict[Path, frozenset[str]]:
    names: dict[Path, set[str]] = {}
    for listing in listings:
        for path in listing.hidden:
            names.setdefault(path.parent, set()).add(path.name)
    return {folder: frozenset(found) for folder, found in names.items()}


def watch(meetings: Sequence[Path], build: Callable[[Path], object],
          inputs: Callable[[Path], Inputs], *,
          changed: Callable[[tuple[Path, ...]], object] = lambda paths: None,
          waiting: Callable[[int], object] = lambda count: None,
          stop: Callable[[], bool] = lambda: False,
          sleep: Callable[[float], object] = time.sleep,
          timing: Timing = Timing()) -> None:
    """Build each of ``meetings``, then, each time inputs change, those whose inputs did.

    ``inputs`` lists a meeting's inputs; when the listing is not whole (the meeting does
    not validate), the last listing's files are kept too. Each meeting's inputs are
    stamped before it is built, so a save during a build brings another. ``changed``
    hears the changed paths before a round of builds; ``waiting`` the number of paths
    watched after each round; ``stop`` is asked before each look.
    """
    known: dict[Path, frozenset[Path]] = {meeting: frozenset() for meeting in meetings}
    listings: dict[Path, Inputs] = {}
    seen: dict[Path, Mapping[Path, Stamp]] = {}
    due = list(meetings)
    while True:
        for meeting in due:
            listings[meeting] = listed = inputs(meeting)
            known[meeting] = listed.paths if listed.whole else listed.paths | known[meeting]
            seen[meeting] = stamps(known[meeting], _hidden(listings.values()))
            build(meeting)
        waiting(len(frozenset().union(*known.values())))
        found = _changes(seen, _hidden(listings.values()), stop, sleep, timing)
        if found is None:
            return
        paths = tuple(sorted({path for changes in found.values() for path in changes}))
        changed(paths)
        due = [meeting for meeting in meetings if meeting in found]


def _changes(seen: Mapping[Path, Mapping[Path, Stamp]], hidden: Mapping[Path, Collection[str]],
             stop: Callable[[], bool], sleep: Callable[[float], object], timing: Timing
             ) -> dict[Path, tuple[Path, ...]] | None:
    """Wait for a change that has settled: each meeting with its changed paths; None when
    ``stop`` says so first."""
    paths = sorted({path for stamped in seen.values() for path in stamped})
    previous: dict[Path, Stamp] | None = None
    quiet = 0
    while not stop():
        sleep(timing.poll)
        now = stamps(paths, hidden)
        found = {meeting: differ for meeting, stamped in seen.items()
                 if (differ := tuple(p for p in stamped if now[p] != stamped[p]))}
        if not found:  # nothing, or a change undone
            previous, quiet = None, 0
            continue
        if now == previous:
            quiet += 1
        else:
            previous, quiet = now, 0
        if quiet >= timing.quiet_polls:
            return found
    return None
