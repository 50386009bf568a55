"""Message catalogues and the Welsh edition (--language cy)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import PackgenError, Problem
from packgen.settings_model import MINUTES_LABELS, REPORT_LABELS
from tests.conftest import (
    ROOT,
    BuildFn,
    MeetingFolder,
    basic_meeting,
    besides_untagged,
    page_texts,
)


def catalogue(language: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(
        (theme_dir() / "messages" / f"{language}.yaml").read_text(encoding="utf-8"))
    return data


def test_every_english_word_is_printed_somewhere() -> None:
    """A key no template or module names is a word nobody can see: dead, or misspelt."""
    sources = [*(theme_dir()).glob("*.html"), *(theme_dir() / "web").glob("*.html"),
               *(theme_dir() / "site").glob("*.html"), *(ROOT / "packgen").rglob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    unused = [key for key in catalogue("en-GB")
              if not re.search(rf'words\.{key}\b|["\']{key}["\']', text)]
    assert unused == []


def test_the_welsh_catalogue_has_every_word_with_its_placeholders() -> None:
    english, welsh = catalogue("en-GB"), catalogue("cy")
    assert list(welsh) == list(english)
    for key, word in english.items():
        if isinstance(word, dict):
            assert list(welsh[key]) == list(word), key  # type: ignore[call-overload]
            pairs = [(word[label], welsh[key][label]) for label in word]  # type: ignore[index]
        elif isinstance(word, list):
            assert len(welsh[key]) == len(word), key  # type: ignore[arg-type]
            continue
        elif key in ("date_format", "minutes_date", "clock"):
            continue  # patterns: any of their placeholders (test_catalogue_checks.py)
        else:
            pairs = [(word, welsh[key])]
        for mine, theirs in pairs:
            assert set(re.findall(r"\{\w+\}", str(mine))) == \
                set(re.findall(r"\{\w+\}", str(theirs))), key


def test_the_settings_defaults_are_the_english_catalogue() -> None:
    english = catalogue("en-GB")
    assert english["report"] == REPORT_LABELS
    assert english["minutes"] == MINUTES_LABELS


def _welsh_meeting(folder: MeetingFolder, welsh_pages: int = 2) -> Path:
    english = folder.pdf("report.pdf", ["english-p1", "english-p2"])
    welsh = folder.pdf("adroddiad.pdf", [f"cymraeg-p{i + 1}" for i in range(welsh_pages)])
    later = folder.pdf("later.pdf", 2)
    return folder.write(basic_meeting([
        {"title": "Apologies for absence", "title_cy": "Ymddiheuriadau am absenoldeb"},
        {"title": "Budget monitoring", "title_cy": "Monitro'r gyllideb",
         "description": "To note the forecast", "description_cy": "Nodi'r rhagolwg",
         "attachments": [{"file": english, "file_cy": welsh, "title": "Budget report",
                          "title_cy": "Adroddiad y gyllideb"}]},
        {"title": "Later item", "attachments": [later]},
    ], body_cy="Pwyllgor Prawf"))


def test_welsh_edition_prints_the_welsh_words_and_documents(folder: MeetingFolder) -> None:
    meeting = _welsh_meeting(folder)
    english = build_pack(meeting, folder.root / "en.pdf")
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy")
    pages = page_texts(welsh.output)
    front = pages[0]
    for word in ("Pecyn Dogfennau Cyhoeddus", "Pwyllgor Prawf", "Dyddiad", "Amser",
                 "Lleoliad", "AGENDA", "Eitem", "Busnes", "Dydd Mercher, 8 Gorffennaf 2026",
                 "4.00 yp", "YMDDIHEURIADAU AM ABSENOLDEB", "MONITRO'R GYLLIDEB",
                 "Nodi'r rhagolwg", "Tudalennau 3 - 4", "Gwybodaeth i aelodau'r cyhoedd"):
        assert word in front, word
    assert "Public Document Pack" not in front and "Budget" not in front
    # The Welsh document in place of the English, stamped in Welsh.
    assert "cymraeg-p1" in pages[2] and "english-p1" not in "".join(pages)
    assert "Tudalen 3" in pages[2] and "Eitem Agenda 2" in pages[2]
    assert "Page 3" not in pages[2]
    reader = PdfReader(welsh.output)
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert [e.title for e in reader.outline if not isinstance(e, list)][0] == "Agenda"
    assert reader.outline[2].title == "2. Monitro'r gyllideb"
    assert reader.outline[3][0].title == "Adroddiad y gyllideb"
    assert "pecyn dogfennau cyhoeddus" in str(reader.metadata.title)
    # The English pack is as it was: English words, the English document.
    english_pages = page_texts(english.output)
    assert "Public Document Pack" in english_pages[0] and "english-p1" in english_pages[2]
    assert "Page 3" in english_pages[2] and "Tudalen" not in "".join(english_pages)


def test_welsh_stamps_print_non_ascii_words(folder: MeetingFolder) -> None:
    meeting = _welsh_meeting(folder)
    (folder.root / "messages").mkdir()
    (folder.root / "messages" / "cy.yaml").write_text(
        'page_stamp: "Tudalen {page} ŵ"\nagenda_item_stamp: "Eitem {number} ŷ"\n',
        encoding="utf-8")
    (folder.root / "packgen.yaml").write_text("duplex: true\n")
    pages = page_texts(build_pack(meeting, folder.root / "cy.pdf", language="cy").output)
    assert "Tudalen 3 ŵ" in pages[2] and "Eitem 2 ŷ" in pages[2]


def test_same_page_counts_give_the_same_page_numbers(folder: MeetingFolder) -> None:
    meeting = _welsh_meeting(folder, welsh_pages=2)
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy")
    assert not [w for w in welsh.warnings if "pages" in w.message]
    front = page_texts(welsh.output)[0]
    assert "Tudalennau 3 - 4" in front and "Tudalennau 5 - 6" in front


def test_a_longer_welsh_document_moves_pages_with_a_warning(folder: MeetingFolder) -> None:
    meeting = _welsh_meeting(folder, welsh_pages=3)
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy")
    lines = meeting.read_text().splitlines()
    budget = lines.index("- title: Budget monitoring") + 1
    later = lines.index("- title: Later item") + 1
    assert [(w.severity, w.position.line, w.message) for w in moved(welsh.warnings)] == [
        ("warning", budget, "item 2's pages are 3 - 5 in the cy edition but 3 - 4 in the "
                            "en-GB pack: its cy documents have 3 pages, the en-GB 2"),
        ("warning", later, "item 3's pages are 7 - 8 in the cy edition but 5 - 6 in the "
                           "en-GB pack: item 2's cy documents have 3 pages, the en-GB 2")]
    front = page_texts(welsh.output)[0]
    assert "Tudalennau 3 - 5" in front and "Tudalennau 7 - 8" in front


def test_a_council_overrides_a_word_and_its_mistakes_are_problems(
        folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {"duplex": True})
    words = folder.root / "messages" / "en-GB.yaml"
    words.parent.mkdir()
    words.write_text("venue: Where\nfiller: Left blank on purpose\n")
    front = page_texts(build_pack(meeting, folder.root / "pack.pdf").output)[0]
    assert "Where" in front and "Venue" not in front and "Date" in front
    words.write_text('venu: Where\npage_stamp: "Folio"\nmonths: [Jan]\n')
    with pytest.raises(PackgenError) as caught:
        build_pack(meeting, folder.root / "pack.pdf")
    assert sorted((p.position.file, p.position.line, p.position.column, p.message)
                  for p in caught.value.problems) == [
        (words, 1, 1, 'unknown key "venu" (did you mean "venue"?)'),
        (words, 2, 13, 'page_stamp: expected text with {page} (where packgen puts it), '
                       'found "Folio"'),
        (words, 3, 9, "months: expected 12 names, found 1")]


def test_a_council_language_prints_english_where_it_has_no_word(
        folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}], language="ga"), {})
    words = folder.root / "messages" / "ga.yaml"
    words.parent.mkdir()
    words.write_text("date: Dáta\n")
    result = build_pack(meeting, folder.root / "pack.pdf")
    front = page_texts(result.output)[0]
    assert "Dáta" in front and "Venue" in front
    [warning] = moved(result.warnings)
    assert (warning.severity, warning.position.file) == ("warning", words)
    assert re.fullmatch(r"\d+ words are not translated and print in English \(en-GB\): "
                        r"pack_public, pack_private, .*", warning.message)
    assert " date," not in warning.message


def test_an_unknown_language_is_one_line_listing_the_languages(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]))
    done = run_cli("build", str(meeting), "--language", "fr")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        'meeting/meeting.yaml:1:1: error: --language: no message catalogue for the language '
        '"fr"; languages: cy, en-GB (a council adds one as messages/fr.yaml beside '
        "packgen.yaml)", "1 problem; nothing was written."]
    folder.write(basic_meeting([{"title": "Apologies"}], language="fr"))
    done = run_cli("validate", str(meeting))
    assert done.returncode == 1
    line = meeting.read_text().splitlines().index("language: fr") + 1
    assert done.stderr.splitlines()[0].startswith(
        f'meeting/meeting.yaml:{line}:11: error: language: no message catalogue for the '
        'language "fr"; languages: cy, en-GB')


def test_a_misspelt_translation_is_an_unknown_key_with_a_hint(folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies", "titel_cy": "Ymddiheuriadau",
                                           "number_cy": "1"}]))
    with pytest.raises(PackgenError) as caught:
        build_pack(meeting, folder.root / "pack.pdf", language="cy")
    assert sorted(p.message for p in caught.value.problems) == [
        'items[0]: unknown key "number_cy" (did you mean "number"?)',
        'items[0]: unknown key "titel_cy" (did you mean "title_cy"?)']


def test_the_welsh_edition_is_written_beside_the_english_pack(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    meeting = _welsh_meeting(folder)
    for options in ([], ["--language", "cy"], ["--html", "--language", "cy"]):
        done = run_cli("build", str(meeting), *options, cwd=folder.root)
        assert done.returncode == 0, done.stderr
    built = sorted(p.name for p in (folder.root / "build").iterdir()
                    if p.name != ".packgen-cache")
    assert built == ["meeting-cy.html", "meeting-cy.pdf", "meeting.pdf"]
    assert "Public Document Pack" in page_texts(folder.root / "build" / "meeting.pdf")[0]
    assert "Pecyn Dogfennau" in page_texts(folder.root / "build" / "meeting-cy.pdf")[0]
    html = (folder.root / "build" / "meeting-cy.html").read_text(encoding="utf-8")
    assert '<html lang="cy">' in html and "<dt>Dyddiad</dt>" in html and \
        "Y pecyn dogfennau cyhoeddus cyfan</a> (PDF, " in html


def test_a_longer_welsh_front_sheet_moves_every_page_with_a_warning(
        folder: MeetingFolder) -> None:
    notes = [{"title": f"Note {n}", "description_cy": "Nodi'r adroddiad.\n" * 12}
             for n in range(1, 13)]
    report = folder.pdf("report.pdf", 2)
    meeting = folder.write(basic_meeting([*notes, {"title": "Budget",
                                                   "attachments": [report]}]))
    welsh = build_pack(meeting, folder.root / "cy.pdf", language="cy")
    [warning] = moved(welsh.warnings)
    assert warning.message == ("item 13's pages are 7 - 8 in the cy edition but 3 - 4 in the "
                               "en-GB pack: the cy front sheet has 5 pages, the en-GB 1")
    pages = page_texts(welsh.output)
    assert "Tudalen 5" not in pages[4] and "Tudalen 7" in pages[6]
    assert "Page 3" in page_texts(build_pack(meeting, folder.root / "en.pdf").output)[2]


def test_welsh_minutes_add_no_english_word_to_a_resolution(folder: MeetingFolder) -> None:
    (folder.folder / "cofnodion.yaml").write_text(
        "kind: minutes\ndate: 2026-03-22\nminutes:\n  - title: Cofnodion\n"
        "    resolved: [cymeradwyo'r cofnodion]\n", encoding="utf-8")
    (folder.folder / "minutes.yaml").write_text(
        "kind: minutes\ndate: 2026-03-22\nminutes:\n  - title: Minutes\n"
        "    resolved: [the minutes be agreed]\n", encoding="utf-8")
    meeting = folder.write(basic_meeting([{"title": "Minutes", "attachments": [
        {"file": "minutes.yaml", "file_cy": "cofnodion.yaml"}]}]))
    welsh = "\n".join(page_texts(build_pack(meeting, folder.root / "cy.pdf",
                                            language="cy").output))
    assert "PENDERFYNWYD cymeradwyo'r cofnodion" in welsh
    assert "Cofnodion y cyfarfod a gynhaliwyd ar 22 Mawrth, 2026" in welsh
    english = "\n".join(page_texts(build_pack(meeting, folder.root / "en.pdf").output))
    assert "RESOLVED that the minutes be agreed" in english


def moved(warnings: tuple[Problem, ...]) -> list[Problem]:
    """The warnings other than the one that says England's law (and its notices) is not
    worded in Welsh, which every Welsh edition of these English meetings gives
    (tests/test_editions.py), and those naming their untagged PDFs."""
    return [w for w in besides_untagged(warnings) if "law is not worded" not in w.message]
