"""The command line's garbage collection: none while a meeting is built, what one meeting
left collected before the next starts, and collection back on when the command ends."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from packgen import cli
from packgen.cli_run import Outcome, run_all
from tests.conftest import EXAMPLE


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection this process makes meanwhile."""
    seen: list[int] = []

    def heard(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(heard)
    try:
        yield seen
    finally:
        gc.callbacks.remove(heard)


def test_a_build_collects_nothing_and_leaves_collection_on(
        tmp_path: Path, collections: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    during: list[list[int]] = []
    again = cli._collections_again

    def ended() -> None:  # the command's work is done: what was collected while it ran
        during.append(list(collections))
        again()

    def off() -> None:  # the command's work starts: what click and the runner did is not it
        collections.clear()
        turn_off()

    turn_off = cli._no_collections
    monkeypatch.setattr(cli, "_collections_again", ended)
    monkeypatch.setattr(cli, "_no_collections", off)
    assert gc.isenabled()
    result = CliRunner().invoke(cli.main, ["build", "--no-cache", str(EXAMPLE),
                                           "-o", str(tmp_path / "pack.pdf")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert during == [[]]  # the build's own process: its typesetting process collects
    assert gc.isenabled()
    # What the build made is old now, not young: the next young collection is cheap.
    assert gc.get_count()[0] < 1_000


def test_what_a_meeting_left_is_collected_before_the_next(collections: list[int]) -> None:
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    left: list[weakref.ref[Cycle]] = []
    alive_at_start: list[bool] = []

    def work(meeting: Path) -> Outcome:
        alive_at_start.append(any(ref() is not None for ref in left))
        left.append(weakref.ref(Cycle()))  # garbage, in a cycle, as a build leaves
        return Outcome(True)

    gc.disable()
    try:
        with pytest.raises(SystemExit) as stopped:
            run_all((Path("a.yaml"), Path("b.yaml"), Path("c.yaml")), work, 1, True, ())
    finally:
        gc.enable()
    assert stopped.value.code == 0
    assert alive_at_start == [False, False, False]
    assert collections.count(2) >= 2  # before the second and the third, not after the last
    assert left[-1]() is not None


def test_the_watcher_collects_while_it_waits_and_its_rebuilds_do_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--watch`` runs for hours: collection off for the whole command would keep every
    cycle its in-process builds and its polling leave. Each forked rebuild turns it off
    for itself, as a build does."""
    import signal

    import packgen.forking
    import packgen.watch
    from packgen.cli_run import Stopped

    seen: dict[str, bool] = {}

    def in_process(work: Any) -> Any:  # the forked child, run here to look inside it
        handler = signal.getsignal(signal.SIGTERM)
        try:
            outcome = work()
            seen["rebuild"] = gc.isenabled()
            return outcome
        finally:
            gc.enable()
            signal.signal(signal.SIGTERM, handler)

    def watch(meetings: Any, build: Any, inputs: Any, **_: Any) -> None:
        build(meetings[0])
        seen["waiting"] = gc.isenabled()
        build(meetings[0])  # again: a rebuild, in a forked child
        raise Stopped(signal.SIGINT)

    monkeypatch.setattr(packgen.watch, "watch", watch)
    monkeypatch.setattr(packgen.forking, "call", in_process)
    result = CliRunner().invoke(cli.main, ["build", "--watch", "--no-cache", str(EXAMPLE),
                                           "-o", str(tmp_path / "pack.pdf")])
    assert result.exit_code == 0, result.output
    assert seen == {"waiting": True, "rebuild": False}
    assert gc.isenabled()
