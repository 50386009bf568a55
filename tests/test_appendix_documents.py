"""A report's appendices written as Markdown or YAML: rendered, merged after the report,
bookmarked, counted, and kept out of a public pack with an exempt report."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packgen import build_pack, schema
from packgen.disclosure import pack_view
from packgen.errors import ValidationError
from packgen.layout import PUBLIC, Pack
from tests.conftest import MeetingFolder, basic_meeting, footer_number, page_texts, page_words

REPORT = """\
kind: report
title: Library hours
sections:
  - heading: Background
    body: Libraries open 42 hours a week.
appendices:
  - notes.md
  - {file: data.yaml, title: "Appendix B: the data"}
  - extra.pdf
"""

NOTES = "# Consultation notes\n\nResidents asked for MDMARKER Sunday opening.\n"
DATA = "kind: document\ntitle: The data\nbody: |\n  Visits rose by YAMLMARKER 8%.\n"


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: list[Any], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline, 0)
    return found


def library_meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "report.yaml").write_text(REPORT)
    (folder.folder / "notes.md").write_text(NOTES)
    (folder.folder / "data.yaml").write_text(DATA)
    folder.pdf("extra.pdf", 2)
    parks = folder.pdf("p.pdf", 1)
    return folder.write(basic_meeting([{"title": "Apologies"},
                                       {"title": "Libraries", "attachments": ["report.yaml"]},
                                       {"title": "Parks", "attachments": [parks]}]))


def test_markdown_yaml_and_pdf_appendices_follow_the_report(folder: MeetingFolder,
                                                            tmp_path: Path) -> None:
    out = build_pack(library_meeting(folder), tmp_path / "pack.pdf").output
    texts = page_texts(out)
    def page_of(marker: str) -> int:
        [page] = [n for n, text in enumerate(texts, start=1) if marker in text]
        return page

    report, notes, data, extra = (page_of(m) for m in ("Libraries open", "MDMARKER",
                                                       "YAMLMARKER", "extra-p1"))
    # Each on a right-hand (odd) page, straight after the one before with at most a filler.
    assert [report, notes, data, extra] == [3, 5, 7, 9]
    assert "intentionally left blank" in texts[5 - 2]
    assert page_of("extra-p2") == 10
    for number, (width, height, words) in enumerate(page_words(out), start=1):
        if number > 2:
            assert footer_number(width, height, words) == number
    agenda = texts[0]
    assert "Pages 3 - 10" in agenda and "Page 11" in agenda  # the appendices are counted
    assert "Consultation notes" in texts[notes - 1] and "The data" in texts[data - 1]
    assert "Agenda Item" not in texts[notes - 1] + texts[data - 1]
    assert outline(PdfReader(out))[2:6] == [
        (0, "2. Libraries", 3), (1, "Library hours", 3),
        (2, "Consultation notes", 5), (2, "Appendix B: the data", 7)]
    assert outline(PdfReader(out))[6] == (2, "Appendix 3", 9)


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("notes.md", "Only a paragraph, no heading.\n", 1,
     "expected a heading (# Title) to be the document's title"),
    ("data.yaml", "kind: document\ntitle: The data\nbdy: x\n", 3,
     'unknown key "bdy" (did you mean "body"?)'),
    ("data.yaml", "kind: report\ntitle: Nested\nappendices: [extra.pdf]\n", 3,
     "appendices: an appendix cannot have appendices of its own; list them among the "
     "appendices of the report that attaches this one"),
])
def test_a_bad_appendix_is_one_problem_in_its_own_file(folder: MeetingFolder, name: str,
                                                       text: str, line: int,
                                                       message: str) -> None:
    meeting = library_meeting(folder)
    (folder.folder / name).write_text(text)
    with pytest.raises(ValidationError) as caught:
        schema.validate(meeting)
    [problem] = caught.value.problems
    assert (problem.position.file.name, problem.position.line) == (name, line)
    assert problem.message == message


SECRET_REPORT = """\
kind: report
title: Contract award
appendices: [bidders.md]
"""
SECRET_NOTES = "# Bidders SECRETTITLE\n\nThe LEAKMARKER bid was lowest.\n"


def exempt_meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "secret.yaml").write_text(SECRET_REPORT)
    (folder.folder / "bidders.md").write_text(SECRET_NOTES)
    return folder.write(basic_meeting([
        {"title": "Libraries", "attachments": [folder.pdf("open.pdf", 1)]},
        {"title": "Contract", "exempt": 3, "attachments": ["secret.yaml"]}]))


def test_an_exempt_reports_rendered_appendix_never_reaches_the_public_pack(
        folder: MeetingFolder, tmp_path: Path) -> None:
    meeting_file = exempt_meeting(folder)
    public = build_pack(meeting_file, tmp_path / "public.pdf").output
    private = build_pack(meeting_file, tmp_path / "private.pdf", private=True).output
    for pack, present in ((public, False), (private, True)):
        expanded = tmp_path / f"{pack.stem}-qdf.pdf"
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pack), str(expanded)],
                       check=True)
        raw = expanded.read_bytes()
        text = subprocess.run(["pdftotext", str(pack), "-"], check=True, capture_output=True,
                              text=True).stdout
        assert ("LEAKMARKER" in text) == present, pack
        assert ("SECRETTITLE" in text) == present, pack
        # The title is a bookmark in the private pack, as plain text in the file.
        assert (b"SECRETTITLE" in raw) == present, pack
        assert b"LEAKMARKER" not in raw or present
        assert b"bidders" not in raw  # nor the file's name, in either pack
    # What the public pack's templates may see holds nothing of it either.
    meeting = schema.validate(meeting_file)
    assert "LEAKMARKER" not in repr(pack_view(meeting, PUBLIC))
    assert "SECRETTITLE" not in repr(pack_view(meeting, PUBLIC))
    assert "LEAKMARKER" in repr(pack_view(meeting, Pack(private=True)))


def test_a_rendered_appendix_public_and_exempt_at_once_is_refused(folder: MeetingFolder
                                                                  ) -> None:
    (folder.folder / "secret.yaml").write_text(SECRET_REPORT)
    (folder.folder / "bidders.md").write_text(SECRET_NOTES)
    (folder.folder / "open.yaml").write_text("kind: report\ntitle: Open\n"
                                             "appendices: [copy-of-bidders.md]\n")
    (folder.folder / "copy-of-bidders.md").write_text(SECRET_NOTES)
    meeting = folder.write(basic_meeting([
        {"title": "Libraries", "attachments": ["open.yaml"]},
        {"title": "Contract", "exempt": 3, "attachments": ["secret.yaml"]}]))
    with pytest.raises(ValidationError) as caught:
        schema.validate(meeting)
    said = sorted((p.position.file.name, p.message) for p in caught.value.problems)
    assert said == [
        ("open.yaml", '"copy-of-bidders.md" has the same content as "bidders.md", '
                      "which is attached to an exempt item; give the public and the exempt "
                      "version their own files"),
        ("secret.yaml", '"bidders.md" has the same content as "copy-of-bidders.md", '
                        "which is attached to a public item; give the public and the exempt "
                        "version their own files")]
