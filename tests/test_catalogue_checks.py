"""A council's message catalogues (messages/LANGUAGE.yaml): every one checked in every
build, each word's placeholders and the agenda's column widths at the catalogue's line,
and a language named in another case the theme's."""

from __future__ import annotations

from pathlib import Path

import pytest

from packgen import build_pack
from packgen.errors import PackgenError
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, page_texts


def _catalogue(folder: MeetingFolder, name: str, text: str) -> Path:
    path = folder.root / "messages" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(meeting: Path, out: Path, language: str | None = None
              ) -> list[tuple[str, int, int, str]]:
    with pytest.raises(PackgenError) as caught:
        build_pack(meeting, out, language=language)
    return sorted((p.position.file.name, p.position.line, p.position.column, p.message)
                  for p in caught.value.problems)


def test_a_catalogue_spelt_in_another_case_is_the_themes_language(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """CY.yaml is cy's: the council's word over the theme's Welsh, in every run (the
    language was once chosen by a set's order, which differs between processes)."""
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "CY.yaml", "date: Pryd\n")
    for seed in ("1", "2", "3", "4"):
        done = run_cli("build", str(meeting), "--language", "CY", cwd=folder.root,
                       env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in (folder.root / "build").glob("*.pdf")) == ["meeting-cy.pdf"]
        front = page_texts(folder.root / "build" / "meeting-cy.pdf")[0]
        assert "Pryd" in front and "Pecyn Dogfennau Cyhoeddus" in front, seed
        assert "Dyddiad" not in front and "Venue" not in front


def test_two_files_for_one_language_are_a_problem(folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "CY.yaml", "date: Pryd\n")
    _catalogue(folder, "cy.yaml", "date: Dyddiad\n")
    assert _problems(meeting, folder.root / "pack.pdf") == [
        ("cy.yaml", 1, 1, 'the same language as messages/CY.yaml ("cy"): keep one file')]


def test_a_word_with_a_placeholder_packgen_does_not_fill_is_refused(
        folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "cy.yaml", 'pages_range: "Tudalennau {pages} {extra}"\n'
                                  'filler: "Gwag {page}"\n'
                                  "minutes:\n  substitute: \"(dirprwy: {name} {enw})\"\n")
    assert _problems(meeting, folder.root / "pack.pdf", "cy") == [
        ("cy.yaml", 1, 14, 'pages_range: unknown placeholder "{extra}": packgen fills '
                           "{pages}"),
        ("cy.yaml", 2, 9, 'filler: unknown placeholder "{page}": packgen fills no '
                          "placeholder"),
        ("cy.yaml", 4, 15, 'minutes.substitute: unknown placeholder "{enw}": packgen fills '
                           "{name}")]


def test_a_broken_catalogue_stops_every_build_whatever_its_language(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "cy.yaml", 'page_stamp: "Tudalen"\n')
    for command in (["validate", str(meeting)], ["build", str(meeting)]):
        done = run_cli(*command, cwd=folder.root)
        assert done.returncode == 1
        assert done.stderr.splitlines()[0] == (
            'messages/cy.yaml:1:13: error: page_stamp: expected text with {page} (where '
            'packgen puts it), found "Tudalen"')
    assert not (folder.root / "build").exists()


def test_column_widths_are_checked_at_the_catalogues_line(folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "cy.yaml", "column_item: wide\n")
    _catalogue(folder, "en-GB.yaml", "column_business: 80%\n")
    assert _problems(meeting, folder.root / "pack.pdf") == [
        ("cy.yaml", 1, 14, 'column_item: expected a percentage of the table\'s width such '
                           'as 20%, found "wide"'),
        ("en-GB.yaml", 1, 18, "column_business: the agenda's columns add up to more than "
                              "the table: 9% + 80% + 20% = 109%")]
    _catalogue(folder, "cy.yaml", "column_item: 12%\ncolumn_business: 60%\n")
    _catalogue(folder, "en-GB.yaml", "column_business: 70%\n")
    front = page_texts(build_pack(meeting, folder.root / "cy.pdf", language="cy").output)[0]
    assert "Busnes" in front


def test_a_councils_date_and_clock_take_any_of_their_placeholders(
        folder: MeetingFolder) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "en-GB.yaml", 'date_format: "{day} {month} {year}"\n'
                                     'clock: "{hour}:{minute}"\n')
    front = page_texts(build_pack(meeting, folder.root / "pack.pdf").output)[0]
    assert "8 July 2026" in front and "Wednesday" not in front and "4:00" in front
    _catalogue(folder, "en-GB.yaml", 'date_format: "{day} {mon}"\nclock: "{hour} {ampm}"\n'
                                     'minutes_date: "{date} {weekday"\n')
    problems = _problems(meeting, folder.root / "pack.pdf")
    assert [(line, message.split(";")[0]) for _, line, _, message in problems] == [
        (1, 'date_format: unknown placeholder "{mon}"'),
        (2, 'clock: unknown placeholder "{ampm}"'),
        (3, "minutes_date: a brace that opens no placeholder: write \"{{\" or \"}}\" for a "
            "brace itself")]
    assert problems[1][3].endswith("placeholders are {hour}, {minute}, {half}")


def test_a_placeholder_with_a_field_spec_or_stray_brace_is_refused_with_the_rest(
        folder: MeetingFolder) -> None:
    """Only a bare placeholder passes ("{date.year}" or "{hour!r}" would fail, or print,
    in the pack), a lone brace in a word is refused, and the columns are judged whatever
    else in the file is wrong: every problem at once."""
    meeting = folder.write(basic_meeting([{"title": "Apologies"}]), {})
    _catalogue(folder, "en-GB.yaml", 'minutes_date: "{date} {date.year}"\n'
                                     'clock: "{hour}.{minute} {half} {hour.x}"\n'
                                     'agenda: "AGENDA {"\n'
                                     'column_item: 50%\ncolumn_business: 60%\n')
    problems = _problems(meeting, folder.root / "pack.pdf")
    assert [(line, message.split(";")[0]) for _, line, _, message in problems] == [
        (1, 'minutes_date: unknown placeholder "{date.year}"'),
        (2, 'clock: unknown placeholder "{hour.x}"'),
        (3, 'agenda: a brace that opens no placeholder: write "{{" or "}}" for a brace '
            "itself"),
        (4, "column_item: the agenda's columns add up to more than the table: 50% + 60% + "
            "20% = 130%")]
