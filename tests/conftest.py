"""Fixtures: meeting folders written from dicts, and generated PDFs whose pages print
their own marker, in any size, rotation or box origin."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject, RectangleObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

# Every pack a test builds gets its structure tree checked (tests/structure_check.py), and
# the packs that must pass PDF/UA-1 go through veraPDF (tests/test_pdfua.py).
# PACKGEN_CHECK_STRUCTURE=0 turns both off for one run (to time the rest, say).
CHECK_STRUCTURE = os.environ.get("PACKGEN_CHECK_STRUCTURE", "1") == "1"
STRUCTURE_COST = {"packs": 0, "pages": 0, "seconds": 0.0}

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "childrens-partnership-board" / "meeting.yaml"
CORPUS = ROOT.parent / "shared" / "corpus" / "pdfs"


def pytest_configure(config: pytest.Config) -> None:
    # Every front sheet a test lays out in this process (or a typesetting process forked
    # from it) is laid out both with and without drawing, and the page counts compared:
    # the length the page ranges settle on is found without drawing.
    import packgen.typeset

    packgen.typeset.CHECK_DRY = True
    config.addinivalue_line("markers", "unchecked_structure: a test that breaks a pack's "
                            "structure tree on purpose; the structure check leaves it alone")
    missing = [tool for tool in ("pdftotext", "pdffonts", "qpdf") if not shutil.which(tool)]
    if missing:
        pytest.exit(f"the tests read packs back with {', '.join(missing)}: "
                    "install poppler-utils and qpdf (apt-get install poppler-utils qpdf)", 2)


@dataclass(frozen=True)
class PageSpec:
    """One generated page: its marker text, size, rotation and box origin."""

    marker: str
    size: tuple[float, float] = A4
    rotate: int = 0
    origin: tuple[float, float] = (0, 0)
    crop_inset: float = 0


def make_pdf(path: Path, pages: Sequence[PageSpec | str],
             outline: Sequence[tuple[str, int]] = ()) -> Path:
    """Write a PDF whose every page prints its marker in the middle of the page."""
    specs = [PageSpec(p) if isinstance(p, str) else p for p in pages]
    c = canvas.Canvas(str(path), invariant=1)
    for spec in specs:
        c.setPageSize(spec.size)
        c.setFont("Helvetica", 14)
        c.drawCentredString(spec.size[0] / 2, spec.size[1] / 2, spec.marker)
        c.showPage()
    c.save()
    if any(s.rotate or s.origin != (0, 0) or s.crop_inset for s in specs) or outline:
        writer = PdfWriter(clone_from=PdfReader(path))
        for page, spec in zip(writer.pages, specs, strict=True):
            if spec.rotate:
                page[NameObject("/Rotate")] = NumberObject(spec.rotate)
            if spec.origin != (0, 0):
                ox, oy = spec.origin
                w, h = spec.size
                # Move the boxes and the content together so the marker stays visible.
                page.add_transformation((1, 0, 0, 1, ox, oy))
                page.mediabox = RectangleObject((ox, oy, ox + w, oy + h))
            if spec.crop_inset:
                box = page.mediabox
                i = spec.crop_inset
                page.cropbox = RectangleObject((float(box.left) + i, float(box.bottom) + i,
                                                float(box.right) - i, float(box.top) - i))
        for title, index in outline:
            writer.add_outline_item(title=title, page_number=index)
        with open(path, "wb") as stream:
            writer.write(stream)
    return path


class MeetingFolder:
    """A meeting folder under tmp_path, written from plain data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "meeting"
        self.folder.mkdir(parents=True)
        self.file = self.folder / "meeting.yaml"

    def write(self, meeting: dict[str, Any] | str, config: dict[str, Any] | str | None = None
              ) -> Path:
        self.file.write_text(meeting if isinstance(meeting, str) else
                             yaml.safe_dump(meeting, sort_keys=False, allow_unicode=True))
        if config is not None:
            (self.root / "packgen.yaml").write_text(
                config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
        return self.file

    def pdf(self, name: str, pages: Sequence[PageSpec | str] | int, **kwargs: Any) -> str:
        if isinstance(pages, int):
            pages = [f"{Path(name).stem}-p{i + 1}" for i in range(pages)]
        make_pdf(self.folder / name, pages, **kwargs)
        return name


UNTAGGED = "is not a tagged PDF; the pack cannot claim PDF/UA accessibility"
"""What the warning about an untagged attachment says: every PDF :func:`make_pdf` makes is."""


def besides_untagged(said: Iterable[Any]) -> list[Any]:
    """Warnings (or lines of output) other than those naming an untagged attachment, for
    tests about something else whose generated PDFs are untagged."""
    return [one for one in said if UNTAGGED not in str(one)]


def basic_meeting(items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"organisation": "Test Borough Council", "body": "Test Committee",
            "date": datetime.date(2026, 7, 8), "time": "16:00", "venue": "Town Hall", **extra,
            "items": items}


@pytest.fixture
def folder(tmp_path: Path) -> MeetingFolder:
    return MeetingFolder(tmp_path)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler reads it (layout kept)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """(width, height, words) per page, in displayed coordinates (y grows downwards)."""
    # poppler gives word boxes in displayed coordinates (the CropBox turned by /Rotate)
    # but the page's width and height unturned; turn them here.
    out = subprocess.run(["pdftotext", "-bbox", "-cropbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    rotations = [page.rotation % 180 for page in PdfReader(pdf).pages]
    pages = []
    found = re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S)
    for page, turned in zip(found, rotations, strict=True):
        words = [Word(m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4]))
                 for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                      r'yMax="([\d.]+)">([^<]*)</word>', page[3])]
        width, height = float(page[1]), float(page[2])
        pages.append((height, width, words) if turned else (width, height, words))
    return pages


def footer_number(width: float, height: float, words: list[Word]) -> int | None:
    """The N of an upright "Page N" centred in the bottom 15 mm of the displayed page.

    Words are matched by position (the number just right of "Page" on its baseline), not
    by poppler's reading order, which a document's own text at the foot can interleave.
    """
    for word in words:
        if word.text != "Page" or word.y0 < height - 43:
            continue
        for number in words:
            if number.text.isdigit() and abs(number.y0 - word.y0) < 0.5 \
                    and 0 < number.x0 - word.x1 < 5:
                if abs((word.x0 + number.x1) / 2 - width / 2) < 3:
                    return int(number.text)
    return None


BuildFn = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> BuildFn:
    """Run the installed ``packgen`` command the way a user would."""
    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        import os
        import sys
        full_env = {**os.environ, **(env or {})}
        # A time limit, so that a process left waiting on another fails the test, not CI.
        return subprocess.run([sys.executable, "-m", "packgen", *args], cwd=cwd or tmp_path,
                              capture_output=True, text=True, env=full_env, timeout=300)
    return run


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared PDF corpus is not beside this checkout")
    return CORPUS


written_by_library: list[list[Path]] = []


@pytest.fixture(autouse=True)
def every_pack_has_a_sound_structure(request: pytest.FixtureRequest) -> Iterator[None]:
    """The structure check on every pack the test wrote: through the library, or through the
    command line into its tmp_path (found by packgen's name in the PDF's /Producer).

    Mark a test ``@pytest.mark.unchecked_structure`` when it breaks a pack on purpose."""
    if not CHECK_STRUCTURE or request.node.get_closest_marker("unchecked_structure"):
        yield
        return
    written_by_library.clear()
    from tests.structure_baseline import INHERITED
    INHERITED.clear()
    # Asked for now, so that it is still there when this fixture's teardown reads it.
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    from tests.structure_check import check_structure, packgen_pdfs
    start = time.perf_counter()
    packs = {p for batch in written_by_library for p in batch if p.exists()}
    if folder is not None:
        packs.update(packgen_pdfs(folder))
    problems = []
    for pack in sorted(packs):
        reader = PdfReader(pack)
        STRUCTURE_COST["pages"] += len(reader.pages)
        problems += [f"{pack}: {problem}" for problem in
                     check_structure(reader, originals=INHERITED.get(pack.resolve()))]
    STRUCTURE_COST["packs"] += len(packs)
    STRUCTURE_COST["seconds"] += time.perf_counter() - start
    assert not problems, "structure check:\n" + "\n".join(problems)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CHECK_STRUCTURE:
        terminalreporter.write_line(
            f"structure check: {STRUCTURE_COST['packs']} packs, "
            f"{STRUCTURE_COST['pages']} pages in "
            f"{STRUCTURE_COST['seconds']:.1f} s")


@pytest.fixture(autouse=True)
def every_pack_passes_qpdf_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """qpdf --check on every pack a test writes through the library: no warning, no error.

    Packs built through the command line (a damaged file merged with ``merge_damaged``,
    say) are judged by their own tests."""
    from packgen import produce as build_module
    written: list[Path] = []
    original = build_module.write_atomic

    def recording(write: Callable[..., object], target: Path) -> None:
        original(write, target)
        if target.suffix == ".pdf":
            written.append(target)

    monkeypatch.setattr(build_module, "write_atomic", recording)
    if CHECK_STRUCTURE:
        written_by_library.append(written)
    yield
    for pack in written:
        if pack.exists():
            result = subprocess.run(["qpdf", "--check", str(pack)], capture_output=True,
                                    text=True)
            assert result.returncode == 0, f"qpdf --check {pack}: {result.stdout}"
