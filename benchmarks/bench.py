"""Measure packgen against its targets (issues 7 and 16). A benchmark, not a test.

    python benchmarks/bench.py                # everything but the 10,000 pages
    python benchmarks/bench.py --large        # also the 10,000-page meeting
    python benchmarks/bench.py --only dedup   # one measure (or several: --only a --only b)
    python benchmarks/bench.py --markdown     # also print the README's table

Generates (once, cached in benchmarks/cache/) the meetings of benchmarks/meetings.py, builds
each with `packgen build` in a fresh process (process start to pack written), comparing with
`qpdf --empty --pages ... --` on the same attachment list in the same run, alternating, best
of --runs; and prints a line per measure against its target. Packs, qpdf's merges and rebuild
caches go to a temporary folder, never into benchmarks/cache/.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import meetings

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
PACKGEN = [sys.executable, "-m", "packgen"]
GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Result:
    measure: str
    figure: str
    target: str
    met: bool | None  # None: for information, no target

    def line(self) -> str:
        verdict = "" if self.met is None else f" ({'met' if self.met else 'MISSED'})"
        return f"{self.measure}: {self.figure}; target {self.target}{verdict}"


class Unmeasurable(Exception):
    """The packgen under test cannot run this measure (an option it lacks)."""

    def __init__(self, measure: str, target: str, reason: str) -> None:
        super().__init__(reason)
        self.result = Result(measure, f"not measured: {reason}", target, False)


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB, of the largest process) of one fresh process."""
    start = time.perf_counter()
    result = subprocess.run([GNU_TIME, "-f", "%M", *command], cwd=cwd, capture_output=True,
                            text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return seconds, float(result.stderr.strip().splitlines()[-1]) / 1024


@functools.cache
def has_option(option: str) -> bool:
    """Whether this packgen's `build` takes ``option`` (the cache arrives with issue 16)."""
    help_text = subprocess.run([*PACKGEN, "build", "--help"], capture_output=True, text=True)
    return option in help_text.stdout.replace(",", " ").replace("/", " ").split()


def cold() -> list[str]:
    """The options of a build with no cache, as CI builds (and as every build was before)."""
    return ["--no-cache"] if has_option("--no-cache") else []


def build(meeting: Path, out: Path, *options: str) -> list[str]:
    return [*PACKGEN, "build", "-q", *options, str(meeting), "-o", str(out)]


def qpdf(meeting: Path, out: Path) -> list[str]:
    return ["qpdf", "--empty", "--pages", *map(str, meetings.attachment_list(meeting)), "--",
            str(out)]


def alternate(commands: list[list[str]], cwd: Path, runs: int) -> list[tuple[float, float]]:
    """Best time and largest peak of each command, run in turn so that a busy moment on the
    machine falls on all of them alike."""
    results: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, results, strict=True):
            taken.append(timed(command, cwd))
    return [(min(t for t, _ in r), max(m for _, m in r)) for r in results]


def pages(pdf: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(pdf).pages)


def warm_command(meeting: Path, work: Path, name: str) -> list[list[str]]:
    """The command of a warm build (its --cache folder filled by one build first), if this
    packgen has a cache; it writes NAME-warm.pdf, for :func:`warm_figure` to compare."""
    if not has_option("--cache"):
        return []
    command = build(meeting, work / f"{name}-warm.pdf", "--cache", str(work / f"{name}-cache"))
    subprocess.run(command, capture_output=True)
    return [command]


def warm_figure(measured: list[tuple[float, float]], work: Path, name: str) -> tuple[str, bool]:
    """The warm build's time, for information; false if its pack is not the cold one's."""
    if len(measured) < 2:
        return "", True
    same = (work / f"{name}-warm.pdf").read_bytes() == (work / f"{name}.pdf").read_bytes()
    return (f"; warm (`--cache`) {measured[-1][0]:.2f} s"
            f"{'' if same else ', but its pack differs from the cold build’s'}", same)


def compare(name: str, meeting: Path, work: Path, runs: int, target: float,
            memory_target: float | None) -> list[Result]:
    """A cold build against qpdf's merge; a warm one (with a cache) beside it, if it can."""
    out = work / f"{name}.pdf"
    commands = [build(meeting, out, *cold()), qpdf(meeting, work / f"{name}-qpdf.pdf"),
                *warm_command(meeting, work, name)]
    measured = alternate(commands, meeting.parent, runs)
    (ours, memory), (theirs, _) = measured[:2]
    count = pages(out)
    warm, same = warm_figure([measured[0], *measured[2:]], work, name)
    results = [Result(f"{count:,}-page pack, cold build", f"{ours:.2f} s against qpdf's "
                      f"{theirs:.2f} s: **{ours / theirs:.2f}×**, {count / ours:,.0f} pages/s"
                      f"{warm}", f"≤ {target:g}× qpdf", ours / theirs <= target and same)]
    if memory_target is not None:
        results.append(Result(f"peak memory, {count:,} pages", f"**{memory:.0f} MiB**",
                              f"≤ {memory_target:g} MiB", memory <= memory_target))
    return results


def pages_1000(work: Path, runs: int) -> list[Result]:
    meeting = meetings.pages_meeting(CACHE / "pages-1000", 40, 25)
    return compare("pages-1000", meeting, work, runs, 2.5, None)


def pages_10000(work: Path, runs: int) -> list[Result]:
    meeting = meetings.pages_meeting(CACHE / "pages-10000", 40, 250)
    return compare("pages-10000", meeting, work, max(1, runs - 2), 1.0, 150)


def dedup(work: Path, runs: int) -> list[Result]:
    """Issue 16's meeting of shared fonts, a shared logo and a scan attached twice."""
    meeting = meetings.dedup_meeting(CACHE / "dedup")
    ours, theirs = work / "dedup.pdf", work / "dedup-qpdf.pdf"
    (seconds, memory), (qpdf_seconds, _) = alternate(
        [build(meeting, ours, *cold()), qpdf(meeting, theirs)], meeting.parent, runs)
    size, qpdf_size = ours.stat().st_size / 1e6, theirs.stat().st_size / 1e6
    return [Result("de-duplication meeting, pack size",
                   f"{size:.1f} MB against qpdf's {qpdf_size:.1f} MB: **{size / qpdf_size:.3f}×**"
                   f" ({seconds:.2f} s, qpdf {qpdf_seconds:.2f} s)", "≤ 1.02× qpdf",
                   size / qpdf_size <= 1.02),
            Result("de-duplication meeting, peak memory", f"**{memory:.0f} MiB**", "≤ 100 MiB",
                   memory <= 100)]


def agenda(work: Path, runs: int) -> list[Result]:
    meeting = meetings.agenda_meeting(CACHE / "agenda-300")
    out = work / "agenda.pdf"
    measured = alternate([build(meeting, out, *cold()), *warm_command(meeting, work, "agenda")],
                         meeting.parent, runs)
    warm, same = warm_figure(measured, work, "agenda")
    return [Result(f"300-item agenda, {pages(out)} pages, cold build",
                   f"**{measured[0][0]:.2f} s**{warm}", "≤ 0.4 s",
                   measured[0][0] <= 0.4 and same), floor(meeting, work, runs)]


def floor(meeting: Path, work: Path, runs: int) -> Result:
    """ReportLab, as it comes, setting the same agenda's rows and nothing else
    (benchmarks/floor.py); best of ``runs`` fresh processes. For information: packgen's
    own start-up and layout are lighter than ReportLab's as it comes, so it is a yardstick
    for the target, not a strict bound."""
    import json

    best: tuple[float, dict[str, float]] | None = None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / "floor.py"), str(meeting),
                               str(work / "floor.pdf")], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed: floor.py\n{done.stderr}")
        if best is None or seconds < best[0]:
            best = (seconds, json.loads(done.stdout))
    assert best is not None
    seconds, split = best
    return Result("the same rows set by ReportLab alone (`floor.py`: no validation, "
                  "templates, tags or stamps)",
                  f"**{seconds:.2f} s**, {split['pages']:.0f} pages: ReportLab and the two "
                  f"faces loaded at {seconds - split['layout']:.2f} s, Platypus's layout "
                  f"{split['layout']:.2f} s", "none (a yardstick for the agenda's)",
                  None)


REBUILD, REBUILD_TARGET = "rebuild after editing one report", "≤ 0.6× the first build"


def rebuild(work: Path, runs: int) -> list[Result]:
    """First build into an empty cache folder, then the build after one report's sentence
    changed, with that folder; each run starts from the unedited report and no cache."""
    if not has_option("--cache"):
        raise Unmeasurable(REBUILD, REBUILD_TARGET, "this packgen's build has no --cache "
                           "option (issue 16's rebuild cache)")
    source, edited = meetings.rebuild_meeting(CACHE / "rebuild")
    # A copy to edit: an interrupted run must not leave the cached meeting edited.
    folder = work / "rebuild"
    shutil.copytree(source.parent, folder)
    meeting, report = folder / source.name, folder / edited.name
    original = report.read_text(encoding="utf-8")
    if meetings.EDIT_FROM not in original:
        sys.exit(f"{edited}: no sentence to edit; delete {source.parent} to generate it again")
    cache, out = work / "rebuild-cache", work / "rebuild.pdf"
    firsts, rebuilds = [], []
    for _ in range(runs):
        report.write_text(original, encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir()
        firsts.append(timed(build(meeting, out, "--cache", str(cache)), folder)[0])
        first_bytes = out.read_bytes()
        report.write_text(original.replace(meetings.EDIT_FROM, meetings.EDIT_TO),
                          encoding="utf-8")
        rebuilds.append(timed(build(meeting, out, "--cache", str(cache)), folder)[0])
        if out.read_bytes() == first_bytes:
            sys.exit("rebuild: the pack did not change after the edit")
    # The cache must not change the pack: the rebuilt one is the one a cold build writes.
    timed(build(meeting, work / "rebuild-cold.pdf", *cold()), folder)
    same = (work / "rebuild-cold.pdf").read_bytes() == out.read_bytes()
    first, again = min(firsts), min(rebuilds)
    return [Result(REBUILD, f"{pages(out):,} pages: {again:.2f} s against the first build's "
                   f"{first:.2f} s: **{again / first:.2f}×**"
                   f"{'' if same else ', but the rebuilt pack differs from a cold build’s'}",
                   REBUILD_TARGET, again / first <= 0.6 and same)]


def jobs(work: Path, runs: int) -> list[Result]:
    """Ten meetings at once, --jobs 2 against one at a time (issue 7); and ten small ones."""
    big = meetings.pages_meeting(CACHE / "pages-1000", 40, 25)
    results = []
    for label, found, target in (
            ("ten 1,000-page meetings", [copy(big, n) for n in range(10)], 1.6),
            ("ten 100-page meetings", [meetings.pages_meeting(CACHE / f"small-{n}", 4, 25)
                                       for n in range(10)], None)):
        args = [*cold(), *map(str, found)]
        # From the work folder: the packs go to its build/, not beside the meetings.
        (one, _), (two, _) = alternate(
            [[*PACKGEN, "build", "-q", "--jobs", n, *args] for n in ("1", "2")], work,
            min(runs, 3))
        results.append(Result(f"{label}, `--jobs 2` against one at a time",
                              f"{two:.2f} s against {one:.2f} s: **{one / two:.2f}×**",
                              f"≥ {target:g}×" if target else "none",
                              None if target is None else one / two >= target))
    return results


def copy(meeting: Path, n: int) -> Path:
    """The n-th copy of ``meeting``, in a folder of its own with its own PDFs."""
    folder = CACHE / f"jobs-{n}"
    if not (folder / "meeting.yaml").exists():
        shutil.copytree(meeting.parent, folder, dirs_exist_ok=True)
    return folder / "meeting.yaml"


def validate(work: Path, runs: int) -> list[Result]:
    meeting = meetings.pages_meeting(CACHE / "pages-1000", 40, 25)
    seconds = alternate([[*PACKGEN, "validate", "-q", str(meeting)]], work, runs)[0][0]
    return [Result("`packgen validate` of the 1,000-page meeting", f"**{seconds:.2f} s**",
                   "< 0.5 s", seconds < 0.5)]


MEASURES: dict[str, Callable[[Path, int], list[Result]]] = {
    "pages-1000": pages_1000, "pages-10000": pages_10000, "dedup": dedup, "agenda": agenda,
    "rebuild": rebuild, "jobs": jobs, "validate": validate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 10,000-page meeting")
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs")
    parser.add_argument("--only", action="append", choices=list(MEASURES),
                        help="run this measure only (repeatable)")
    parser.add_argument("--markdown", action="store_true", help="also print the README table")
    args = parser.parse_args()
    for tool in ("qpdf", GNU_TIME):
        if not shutil.which(tool):
            sys.exit(f"install {tool} (apt-get install qpdf time): the benchmark needs it")
    chosen = args.only or [m for m in MEASURES if args.large or m != "pages-10000"]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="packgen-bench-") as work:
        for name in chosen:
            try:
                found = MEASURES[name](Path(work), args.runs)
            except Unmeasurable as unmeasurable:
                found = [unmeasurable.result]
            for result in found:
                print(result.line(), flush=True)
            results += found
    scored = [r.met for r in results if r.met is not None]
    print(f"{sum(scored)} of {len(scored)} targets met")
    if args.markdown:
        print(f"\nMeasured in one run, {datetime.date.today().isoformat()}, best of {args.runs}"
              f" (`bench.py {' '.join(sys.argv[1:])}`):\n")
        print("| measure | figure | target | |\n| --- | --- | --- | --- |")
        for r in results:
            verdict = "" if r.met is None else "met" if r.met else "**MISSED**"
            print(f"| {r.measure} | {r.figure} | {r.target} | {verdict} |")


if __name__ == "__main__":
    main()
