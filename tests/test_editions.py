"""Editions in another language (--language): the files' own words stay in their own
language, the edition's file is named by the language it is in, and the words a
jurisdiction has only in English are said."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from packgen import build_pack
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, page_texts

REPORT = """\
kind: report
title: Fees
date: 2026-07-08
contacts:
  - {name: Ana Souza, role: Libraries Manager, phone: 0115 000 1111}
summary: The fees rise.
background_papers: [Cabinet report, 2025]
"""

MINUTES = """\
kind: minutes
date: 2026-05-27
minutes:
  - title: Minutes
    resolved: [the minutes be agreed]
"""

COUNCIL_WORDS = {
    "phone_label": "Phone:", "date_format": "{day} {month} {year}",
    "report": {"labels": {"summary": "Executive summary"},
               "background_papers_statement": "Papers relied on:"},
    "minutes": {"labels": {"resolved": "AGREED"}},
}


def _meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "fees.yaml").write_text(REPORT, encoding="utf-8")
    (folder.folder / "minutes.yaml").write_text(MINUTES, encoding="utf-8")
    return folder.write(basic_meeting([
        {"title": "Minutes", "attachments": ["minutes.yaml"]},
        {"title": "Fees", "attachments": ["fees.yaml"]}]), COUNCIL_WORDS)


def test_the_councils_words_print_in_its_own_language_only(folder: MeetingFolder) -> None:
    meeting = _meeting(folder)
    english = "\n".join(page_texts(build_pack(meeting, folder.root / "en.pdf").output))
    for word in ("Phone: 0115 000 1111", "Executive summary", "Papers relied on:", "AGREED",
                 "8 July 2026"):
        assert word in english, word
    assert "Wednesday" not in english
    (folder.root / "messages").mkdir()
    (folder.root / "messages" / "cy.yaml").write_text("report:\n  summary: Crynodeb byr\n",
                                                      encoding="utf-8")
    welsh = "\n".join(page_texts(build_pack(meeting, folder.root / "cy.pdf",
                                            language="cy").output))
    for word in ("Ffôn: 0115 000 1111", "Crynodeb byr", "Mae'r dogfennau canlynol",
                 "PENDERFYNWYD", "Dydd Mercher, 8 Gorffennaf 2026"):
        assert word in welsh, word
    for word in ("Phone:", "Executive summary", "Papers relied on:", "AGREED"):
        assert word not in welsh, word
    # A word the files give in Welsh too is theirs in the Welsh edition.
    config = folder.root / "packgen.yaml"
    config.write_text(config.read_text() + "phone_label_cy: 'Rhif ffôn:'\n", encoding="utf-8")
    welsh = "\n".join(page_texts(build_pack(meeting, folder.root / "cy.pdf",
                                            language="cy").output))
    assert "Rhif ffôn: 0115 000 1111" in welsh and "Ffôn:" not in welsh


def test_the_minutes_bookmark_is_in_the_editions_language(folder: MeetingFolder) -> None:
    meeting = _meeting(folder)
    titles = {}
    for language in (None, "cy"):
        reader = PdfReader(build_pack(meeting, folder.root / f"{language}.pdf",
                                      language=language).output)
        titles[language] = [entry.title for entry in reader.outline[2]]
    assert titles[None] == ["Minutes of the meeting held on 27 May 2026"]
    assert titles["cy"] == ["Cofnodion y cyfarfod a gynhaliwyd ar 27 Mai 2026"]


def test_language_equal_to_the_files_own_builds_the_ordinary_pack(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {"phone_label": "Ph:"})
    for options in ([], ["--language", "en-gb"], ["--language", "EN-GB"]):
        done = run_cli("build", str(meeting), *options, cwd=folder.root,
                       env={"SOURCE_DATE_EPOCH": "1780000000"})
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in (folder.root / "build").iterdir()
                    if p.name != ".packgen-cache") == ["meeting.pdf"]
    done = run_cli("build", str(meeting), "--language", "CY", cwd=folder.root)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (folder.root / "build").iterdir()
                    if p.name != ".packgen-cache") == [
        "meeting-cy.pdf", "meeting.pdf"]


def test_a_welsh_draft_is_marked_in_welsh(folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy", draft=True).output
    assert str(PdfReader(welsh).metadata.title).endswith("— pecyn dogfennau cyhoeddus "
                                                         "(DRAFFT)")
    assert _last_line(welsh) == "DRAFFT"
    (folder.root / "messages").mkdir()
    (folder.root / "messages" / "cy.yaml").write_text("draft_watermark: DRAFFT ŵ\n",
                                                      encoding="utf-8")
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy", draft=True).output
    assert _last_line(welsh) == "DRAFFT ŵ"
    english = build_pack(meeting, folder.root / "en.pdf", draft=True).output
    assert str(PdfReader(english).metadata.title).endswith("public document pack (DRAFT)")
    assert _last_line(english) == "DRAFT"


def _last_line(pdf: Path) -> str:
    """The last text drawn on the first page: the watermark, across it at 45 degrees
    (poppler reads it a letter a line, pypdf as the string drawn)."""
    return PdfReader(pdf).pages[0].extract_text().splitlines()[-1]


def test_law_worded_only_in_english_is_said(folder: MeetingFolder) -> None:
    """England's file words its law in English only: a Welsh edition of an English
    council's exempt item prints it so, and says which wording it is; Wales's does not."""
    items = [{"title": "Land", "exempt": 3, "attachments": [folder.pdf("land.pdf", 1)]}]
    path = folder.write(basic_meeting(items))
    welsh = build_pack(path, folder.root / "cy.pdf", language="cy")
    [said] = [w for w in welsh.warnings if "law is not worded" in w.message]
    assert said.message.startswith("England's law is not worded in cy, so this edition prints "
                                   "it in English: ")
    assert {"exempt_item", "exclusion", "stamp_heading", "statute"} <= set(
        said.message.split(": ", 1)[1].split(", "))
    items[0]["exempt"] = 14
    path = folder.write(basic_meeting(items, jurisdiction="wales"))
    welsh = build_pack(path, folder.root / "cy.pdf", language="cy")
    assert not [w for w in welsh.warnings if "law is not worded" in w.message]
    assert not [w for w in build_pack(path, folder.root / "en.pdf").warnings
                if "law is not worded" in w.message]
