"""Measure packgen against qpdf on the same merge. A benchmark, not a test.

    python benchmarks/bench.py            # 1,000 pages, --jobs over ten meetings, validate
    python benchmarks/bench.py --large    # also the 10,000-page meeting

Generates (once, cached in benchmarks/cache/) meetings of 40 items whose reports
are PDFs of text and tables, builds each with `packgen build` in a fresh process
(process start to pack written), concatenates the same attachments with
`qpdf --empty --pages ... --` in the same run, and prints times, ratios, pages per
second and peak memory against the targets of issue 7.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
PACKGEN = [sys.executable, "-m", "packgen"]


def make_report(path: Path, pages: int, seed: int) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(60, 790, f"Report {seed}, page {page + 1}")
        c.setFont("Helvetica", 10)
        for line in range(30):
            c.drawString(60, 760 - line * 14, f"Paragraph {line}: the council's budget for "
                                              f"{2026 + line % 3} shows {seed * line} units.")
        for row in range(8):  # a table
            for col in range(4):
                x, y = 60 + col * 110, 300 - row * 18
                c.setStrokeColor(colors.grey)
                c.rect(x, y, 110, 18)
                c.drawString(x + 4, y + 5, f"{row * col + seed}")
        c.showPage()
    c.save()


def make_meeting(name: str, items: int, pages: int) -> Path:
    folder = CACHE / name
    meeting = folder / "meeting.yaml"
    if meeting.exists():
        return meeting
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["organisation: Benchmark Borough Council", "body: Full Council",
             "date: 2026-07-08", 'time: "18:00"', "venue: Council Chamber", "items:"]
    for i in range(items):
        make_report(folder / f"report-{i:02d}.pdf", pages, i)
        lines.append(f"  - title: Report {i}\n    attachments: [report-{i:02d}.pdf]")
    meeting.write_text("\n".join(lines) + "\n")
    return meeting


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one command, in a fresh process."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    wrapped = [gnu_time, "-f", "%M", *command] if os.path.exists(gnu_time) else command
    start = time.perf_counter()
    result = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    peak = float(result.stderr.strip().splitlines()[-1]) / 1024 if wrapped is not command else 0
    return seconds, peak


def best(command: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    results = [timed(command, cwd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def compare(meeting: Path, runs: int, target: float) -> bool:
    folder = meeting.parent
    pdfs = sorted(str(p) for p in folder.glob("report-*.pdf"))
    ours_command = [*PACKGEN, "build", "-q", str(meeting), "-o", str(folder / "out.pdf")]
    qpdf_command = ["qpdf", "--empty", "--pages", *pdfs, "--", str(folder / "qpdf.pdf")]
    # Alternate the two, so that a busy moment on the machine falls on both alike.
    ours_runs, qpdf_runs = [], []
    for _ in range(runs):
        ours_runs.append(timed(ours_command, folder))
        qpdf_runs.append(timed(qpdf_command, folder))
    ours, memory = min(r[0] for r in ours_runs), max(r[1] for r in ours_runs)
    theirs = min(r[0] for r in qpdf_runs)
    from pypdf import PdfReader
    pages = len(PdfReader(folder / "out.pdf").pages)
    ratio = ours / theirs
    ok = ratio <= target
    print(f"{folder.name}: {pages:,} pages  packgen {ours:.2f} s  qpdf {theirs:.2f} s  "
          f"ratio {ratio:.1f}x (target <= {target:g}x: {'met' if ok else 'MISSED'})  "
          f"{pages / ours:,.0f} pages/s  peak {memory:.0f} MiB")
    return ok


def copies(name: str, meeting: Path, count: int) -> list[Path]:
    """``count`` meetings like ``meeting``, each in its own folder with its own PDFs."""
    made = []
    for n in range(count):
        folder = CACHE / f"{name}-{n}"
        if not (folder / "meeting.yaml").exists():
            shutil.copytree(meeting.parent, folder,
                            ignore=shutil.ignore_patterns("out.pdf", "qpdf.pdf"))
        made.append(folder / "meeting.yaml")
    return made


def jobs(runs: int, meetings: list[Path], label: str, target: float | None) -> bool:
    args = [str(m) for m in meetings]
    one, _ = best([*PACKGEN, "build", "-q", "--jobs", "1", *args], CACHE, runs)
    two, _ = best([*PACKGEN, "build", "-q", "--jobs", "2", *args], CACHE, runs)
    speedup = one / two
    ok = target is None or speedup >= target
    verdict = f"target >= {target:g}x: {'met' if ok else 'MISSED'}" if target else "no target"
    print(f"{label}: one at a time {one:.2f} s, --jobs 2 {two:.2f} s, "
          f"{speedup:.2f}x faster ({verdict})")
    return ok


def validate(meeting: Path, runs: int) -> bool:
    seconds, _ = best([*PACKGEN, "validate", "-q", str(meeting)], meeting.parent, runs)
    ok = seconds < 0.5
    print(f"validate {meeting.parent.name}: {seconds:.2f} s "
          f"(target < 0.5 s: {'met' if ok else 'MISSED'})")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 10,000-page meeting")
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs")
    args = parser.parse_args()
    if not shutil.which("qpdf"):
        sys.exit("install qpdf (apt-get install qpdf): it is the floor we measure against")
    met = [compare(make_meeting("pages-1000", 40, 25), args.runs, 3.0)]
    if args.large:
        large = make_meeting("pages-10000", 40, 250)
        met.append(compare(large, max(1, args.runs - 2), 2.0))
        _, memory = timed([*PACKGEN, "build", "-q", str(large), "-o",
                           str(large.parent / "out.pdf")], large.parent)
        ok = memory <= 300
        print(f"peak memory at 10,000 pages: {memory:.0f} MiB (target <= 300 MiB: "
              f"{'met' if ok else 'MISSED'})")
        met.append(ok)
    # Ten meetings like the benchmark meeting; and, for the record, ten small ones, where the
    # ~0.6 s every process spends starting and importing is most of the time.
    met.append(jobs(min(args.runs, 3), copies("jobs", make_meeting("pages-1000", 40, 25), 10),
                    "ten 1,000-page meetings", 1.6))
    jobs(min(args.runs, 3), [make_meeting(f"small-{n}", 4, 25) for n in range(10)],
         "ten 100-page meetings", None)
    met.append(validate(make_meeting("pages-1000", 40, 25), args.runs))
    print(f"{sum(met)} of {len(met)} targets met")


if __name__ == "__main__":
    main()
