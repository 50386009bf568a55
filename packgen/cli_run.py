"""Running a command over meetings: one meeting's outcome, printing it, the exit status.

Shared by the commands in :mod:`packgen.cli` and :mod:`packgen.cli_site`; only the command
line prints, so this is the one place that decides how a problem, a note or a summary looks.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn

import click

from packgen.errors import Problem, display_path


class Stopped(BaseException):  # noqa: N818 - like KeyboardInterrupt, which it stands for
    """A stop signal arrived: raised where the program is, so every ``finally`` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def quiet_pypdf() -> None:
    # pypdf logs what it tolerates in damaged files; the problems we report say what matters.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())
    logging.getLogger("pypdf").propagate = False


@dataclass(frozen=True)
class Outcome:
    """What happened to one meeting, ready to print (and to send back from a process)."""

    ok: bool
    said: str = ""
    problems: tuple[Problem, ...] = ()
    trace: str = ""
    written: tuple[Path, ...] = ()
    """What was written all the same when a problem stopped the rest."""
    notes: tuple[Problem, ...] = ()
    """Said after ``said``: what changed since an earlier manifest (``--against``)."""


def progress(step: str) -> None:
    click.echo(f"\r\x1b[K{step}", nl=False, err=True)


def run_all(meetings: tuple[Path, ...], work: Callable[[Path], Outcome], jobs: int,
            quiet: bool, modules: tuple[str, ...]) -> NoReturn:
    """Do the work for every meeting, print each outcome in order, exit 0 or 1.

    ``modules`` are what the work imports. Commands import them only when they run, so
    that ``--help`` and ``validate`` stay quick; with ``--jobs`` they are imported here,
    once, before the worker processes fork and share them.
    """
    _WORKED[0] = False  # a command run in-process after another: collection was on between
    work = partial(_collected_before, work)
    if jobs > 1 and len(meetings) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from packgen.forking import die_with_parent

        for module in modules:
            importlib.import_module(module)
        # Forked workers share what was imported above; Python 3.14 stopped making fork
        # the default on Linux. Elsewhere fork is unsafe, and each worker imports anew.
        context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
        # Not ``with``: stopped, it would wait for every worker to finish its meeting.
        pool = ProcessPoolExecutor(min(jobs, len(meetings)), mp_context=context,
                                   initializer=die_with_parent, initargs=(os.getpid(),))
        ok = [print_outcome(outcome, quiet) for outcome in pool.map(work, meetings)]
        pool.shutdown()
    else:
        ok = [print_outcome(work(meeting), quiet) for meeting in meetings]
    sys.exit(0 if all(ok) else 1)


_WORKED: list[bool] = [False]
"""Whether this process has worked on a meeting of this command: a worker forked by
``--jobs`` starts with its parent's False."""


def _collected_before(work: Callable[[Path], Outcome], meeting: Path) -> Outcome:
    """``work(meeting)``, after collecting what the meeting before it in this process left,
    when automatic collection is off (:func:`packgen.cli._no_collections`). Not after the
    last: the process ends then, and freezes rather than collects."""
    if _WORKED[0] and not gc.isenabled():
        gc.collect()
    _WORKED[0] = True
    return work(meeting)


def print_problems(problems: Sequence[Problem], trace: str = "") -> int:
    """Each problem on stderr (and as a GitHub annotation in Actions), after the trace
    ``--debug`` asked for; return how many are errors."""
    if trace:
        click.echo(trace, err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(github_annotation(problem))
    return sum(p.severity == "error" for p in problems)


def print_outcome(outcome: Outcome, quiet: bool) -> bool:
    errors = print_problems(outcome.problems, outcome.trace)
    if errors:
        noun = "problem" if errors == 1 else "problems"
        written = " and ".join(display_path(p) for p in outcome.written)
        click.echo(f"{errors} {noun}; " + (f"only {written} was written." if written else
                                           "nothing was written."), err=True)
    elif outcome.said and not quiet:
        click.echo(outcome.said)
    for note in outcome.notes:  # asked for (--against), so said even with --quiet
        click.echo(str(note))
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(github_annotation(note))
    return outcome.ok


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, shown on the pull request's lines."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = problem.position
    command = "notice" if problem.severity == "note" else problem.severity  # GitHub's word
    return (f"::{command} file={prop(display_path(where.file))},line={where.line},"
            f"col={where.column}::{data(problem.message)}")
