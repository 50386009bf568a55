"""The benchmark's generated meetings are meetings packgen accepts, and the de-duplication
meeting holds what its measure is about (benchmarks/meetings.py, at tiny sizes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tests.conftest import ROOT, BuildFn


def generators() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package: load the module by its path.
    spec = importlib.util.spec_from_file_location("meetings", ROOT / "benchmarks" / "meetings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("meetings", module)
    spec.loader.exec_module(module)
    return module


def generate(folder: Path) -> tuple[list[Path], Path]:
    """Every meeting of the benchmark, tiny; and the report the rebuild measure edits."""
    m = generators()
    rebuild, edited = m.rebuild_meeting(folder / "rebuild", reports=2, sections=1,
                                        documents=1, pdfs=1, pdf_pages=1)
    return [m.pages_meeting(folder / "pages", 2, 2),
            m.dedup_meeting(folder / "dedup", reports=3, report_pages=1, scan_pages=2,
                            scan_size=(40, 60)),
            m.agenda_meeting(folder / "agenda", items=12), rebuild], edited


def test_every_generated_meeting_validates_and_is_the_same_bytes_each_time(
        tmp_path: Path, run_cli: BuildFn) -> None:
    made, edited = generate(tmp_path / "a")
    result = run_cli("validate", *map(str, made))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok") == 4
    # The rebuild measure edits a sentence of this report: it must be there to edit.
    assert generators().EDIT_FROM in edited.read_text(encoding="utf-8")
    generate(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 15
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_dedup_meeting_shares_a_font_and_logo_and_attaches_a_scan_twice(
        tmp_path: Path) -> None:
    m = generators()
    meeting = m.dedup_meeting(tmp_path, reports=6, report_pages=2, scan_pages=2,
                              scan_size=(40, 60))
    names = [p.name for p in m.attachment_list(meeting)]
    assert names.count("scan-a.pdf") == 2 and names.count("scan-b.pdf") == 1
    assert [n for n in names if n.startswith("report")] == [f"report-{i:02d}.pdf"
                                                           for i in range(6)]
    programs, logos = set(), set()
    for i in range(6):
        for page in PdfReader(tmp_path / f"report-{i:02d}.pdf").pages:
            resources = page["/Resources"]
            assert isinstance(resources, DictionaryObject)
            # ReportLab's default Helvetica is not embedded: only the house font has a program.
            for font in resources["/Font"].values():
                if "/FontDescriptor" in font.get_object():
                    descriptor = font.get_object()["/FontDescriptor"]
                    programs.add(descriptor["/FontFile2"].get_object().get_data())
            for image in resources["/XObject"].values():
                logos.add(image.get_object().get_data())
    assert len(programs) == 1 and len(logos) == 1


def test_the_floor_script_sets_every_item_of_the_agenda(tmp_path: Path) -> None:
    """benchmarks/floor.py, the floor under the agenda's target, sets the whole agenda: a
    script that set less would make the floor look lower than it is."""
    import json
    import subprocess

    meeting = generators().agenda_meeting(tmp_path / "agenda", items=40)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(meeting),
                           str(tmp_path / "floor.pdf")], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    timings = json.loads(done.stdout)
    assert timings["ready"] > 0 and timings["layout"] > 0
    reader = PdfReader(tmp_path / "floor.pdf")
    assert len(reader.pages) == timings["pages"] >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    import yaml

    items = yaml.safe_load(meeting.read_text(encoding="utf-8"))["items"]
    assert len(items) == 40
    for item in items:
        assert " ".join(item["title"].split()) in text
        for key in ("presenter", "description"):
            if key in item:
                assert " ".join(item[key].split()) in text
