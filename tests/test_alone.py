"""``packgen build report.yaml``: a document built alone in the house style, for checking."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from packgen.builtin import theme_dir
from tests.conftest import (
    BuildFn,
    besides_untagged,
    footer_number,
    make_pdf,
    page_texts,
    page_words,
)
from tests.test_appendix_documents import DATA, NOTES, REPORT, outline

CONFIG = """\
organisation: Riverside City Council
style:
  fonts: {regular: fonts/house.ttf}
"""


def repository(root: Path) -> Path:
    """A repository with a house font and, in reports/, a report with three appendices."""
    (root / "fonts").mkdir()
    # A face the theme does not use for body text, so finding it proves the house style.
    shutil.copy(theme_dir() / "fonts" / "DejaVuSans-Oblique.ttf", root / "fonts" / "house.ttf")
    (root / "packgen.yaml").write_text(CONFIG)
    reports = root / "reports"
    reports.mkdir()
    (reports / "report.yaml").write_text(REPORT)
    (reports / "notes.md").write_text(NOTES)
    (reports / "data.yaml").write_text(DATA)
    make_pdf(reports / "extra.pdf", ["extra-p1", "extra-p2"])
    return reports / "report.yaml"


def test_a_report_builds_alone_in_the_house_style(tmp_path: Path, run_cli: BuildFn) -> None:
    report = repository(tmp_path)
    done = run_cli("build", str(report), env={"SOURCE_DATE_EPOCH": "1780000000"})
    assert done.returncode == 0, done.stderr
    out = tmp_path / "build" / "report.pdf"
    assert done.stdout.strip() == f"wrote {Path('build/report.pdf')} (8 pages)"
    texts = page_texts(out)
    # No front sheet: the report is page 1, each appendix on a right-hand page after it.
    assert "Library hours" in texts[0] and "Libraries open" in texts[0]
    assert ["MDMARKER" in t for t in texts].index(True) == 2
    assert ["YAMLMARKER" in t for t in texts].index(True) == 4
    assert ["extra-p1" in t for t in texts].index(True) == 6 and "extra-p2" in texts[7]
    assert "intentionally left blank" in texts[1]
    for number, (width, height, words) in enumerate(page_words(out), start=1):
        assert footer_number(width, height, words) == number
    joined = "".join(texts)
    assert "Agenda Item" not in joined and "Document Pack" not in joined
    assert "Riverside City Council" in texts[0]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    assert "DejaVuSans-Oblique" in fonts
    reader = PdfReader(out)
    assert outline(reader) == [(0, "Library hours", 1), (1, "Consultation notes", 3),
                               (1, "Appendix B: the data", 5), (1, "Appendix 3", 7)]
    assert reader.metadata is not None
    assert reader.metadata.title == "Library hours (draft for checking)"
    assert reader.metadata.author == "Riverside City Council"
    # No meeting gives the report's cover its body and date: each is a warning.
    assert [line.split(": warning: ")[1].split(":")[0]
            for line in besides_untagged(done.stderr.splitlines())
            if ": warning: " in line] == ["report_to", "date"]


def test_a_document_built_alone_is_the_same_bytes_twice(tmp_path: Path,
                                                        run_cli: BuildFn) -> None:
    report = repository(tmp_path)
    # Without the rebuild cache, or the second would reuse the first's pages.
    first = run_cli("build", "--no-cache", str(report), "-o", "one.pdf")
    second = run_cli("build", "--no-cache", str(report), "-o", "two.pdf")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()


def test_validate_reports_a_problem_in_the_document(tmp_path: Path, run_cli: BuildFn) -> None:
    report = repository(tmp_path)
    done = run_cli("validate", str(report))
    assert done.returncode == 0 and done.stdout.strip() == f"{report}: ok", done.stderr
    report.write_text(REPORT.replace("title:", "titel:", 1))
    done = run_cli("validate", str(report))
    assert done.returncode == 1
    shown = Path("reports/report.yaml")
    assert done.stderr.splitlines() == [
        f'{shown}:2:1: error: unknown key "titel" (did you mean "title"?)',
        "1 problem; nothing was written."]
    assert not (tmp_path / "build").exists()


def test_meetings_and_documents_mix_on_one_command_line(tmp_path: Path,
                                                        run_cli: BuildFn) -> None:
    report = repository(tmp_path)
    notes = report.parent / "notes.md"
    meeting = tmp_path / "m" / "meeting.yaml"
    meeting.parent.mkdir()
    meeting.write_text("body: Test Committee\ndate: 2026-07-08\ntime: \"16:00\"\n"
                       "venue: Town Hall\nitems:\n  - title: Libraries\n"
                       "    attachments: [../reports/report.yaml]\n")
    done = run_cli("build", str(meeting), str(notes))
    assert done.returncode == 0, done.stderr
    assert "Public Document Pack" in page_texts(tmp_path / "build" / "m.pdf")[0]
    [page] = page_texts(tmp_path / "build" / "notes.pdf")
    assert "Consultation notes" in page and "MDMARKER" in page and "Page 1" in page


def test_a_meeting_with_a_stray_kind_is_still_a_meeting(tmp_path: Path,
                                                        run_cli: BuildFn) -> None:
    meeting = tmp_path / "meeting.yaml"
    meeting.write_text("kind: report\norganisation: X\nbody: B\ndate: 2026-07-08\n"
                       "time: \"16:00\"\nvenue: V\nitems: [{title: A}]\n")
    done = run_cli("validate", str(meeting))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == 'meeting.yaml:1:1: error: unknown key "kind"'


def test_pack_options_with_a_document_are_usage_errors(tmp_path: Path,
                                                       run_cli: BuildFn) -> None:
    report = repository(tmp_path)
    for option in (["--private"], ["--supplement", "1"], ["--html"]):
        done = run_cli("build", str(report), *option)
        assert done.returncode == 2, option
        assert f"{option[0]} is for a meeting's pack" in done.stderr
        assert "is a document, built alone" in done.stderr
    assert not (tmp_path / "build").exists()
