"""Settings instead of template overrides: the report cover, dates, the phone label and an
officer's style.yaml, read back from the pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from packgen import build_pack
from packgen.check import validate
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, page_texts, page_words

REPORT = {
    "kind": "report", "title": "Opening hours",
    "director": {"name": "Jan Nowak", "role": "Director of Communities"},
    "wards": "All",
    "contacts": [{"name": "Ana Souza", "phone": "0115 000 1111"}],
    "summary": "A summary.",
    "recommendations": ["Approve the hours."],
    "sections": [{"heading": "Background", "body": "Some background."},
                 {"heading": "Risks", "body": "Few risks."}],
    "background_papers": ["Consultation report"],
}


def build(folder: MeetingFolder, config: dict[str, Any] | None = None,
          document: dict[str, Any] | None = None, **meeting: Any) -> list[list[str]]:
    """Each page's lines, spaces squeezed."""
    (folder.folder / "r.yaml").write_text(yaml.safe_dump(document or REPORT, sort_keys=False))
    path = folder.write(basic_meeting([{"title": "R", "attachments": ["r.yaml"]}],
                                      contact={"name": "Sam Okafor", "phone": "0115 876 0000"},
                                      **meeting), config)
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()]
            for page in page_texts(out)]


def test_theme_defaults(folder: MeetingFolder) -> None:
    front, _, report = build(folder, {"organisation": "Test Borough Council"})[:3]
    assert "Date Wednesday, 8 July 2026" in front and "Tel: 0115 876 0000" in front
    assert "Date Wednesday, 8 July 2026" in report and "Tel: 0115 000 1111" in report
    assert "Relevant director Jan Nowak, Director of Communities" in report
    text = " ".join(report)
    assert "The following documents disclose facts or matters on which this report is based" \
        in text and "(section 100D of the Local Government Act 1972):" in text
    assert report.index("Recommendation") < report.index("1 Background")


def test_labels_rows_date_format_and_phone_label(folder: MeetingFolder) -> None:
    config = {"organisation": "Test Borough Council", "date_format": "{day} {month} {year}",
              "phone_label": "Telephone:",
              "report": {"cover": ["date", "report_to", "contacts"],
                         "labels": {"report_to": "Meeting", "contacts": "Officer"}}}
    # A report whose every part the cover shows: it has no summary or recommendations.
    short = {k: v for k, v in REPORT.items() if k not in ("summary", "recommendations")}
    front, _, report = build(folder, config, short,
                             report={"labels": {"date": "Meeting date"}})[:3]
    assert "Date 8 July 2026" in front and "Telephone: 0115 876 0000" in front
    # The meeting's labels are laid over the organisation's, label by label.
    assert report.index("Meeting date 8 July 2026") < report.index("Meeting Test Committee")
    assert "Officer Ana Souza" in report and "Telephone: 0115 000 1111" in report
    text = " ".join(report)
    for gone in ("Relevant director", "Wards affected", "Summary", "Wednesday"):
        assert gone not in text


def test_recommendations_after_a_named_section(folder: MeetingFolder) -> None:
    report = build(folder, {"organisation": "X",
                            "report": {"recommendations": {"after": "background"}}})[2]
    at = report.index("Recommendation")
    assert report.index("Summary") < report.index("1 Background") < at < report.index("2 Risks")
    assert report[at + 1] == "1 Approve the hours."


def test_recommendations_after_a_missing_section_is_a_problem(folder: MeetingFolder) -> None:
    with pytest.raises(ValidationError) as caught:
        build(folder, {"organisation": "X", "report": {"recommendations": {"after": "Money"}}})
    (problem,) = caught.value.problems
    assert str(problem).endswith(
        'r.yaml:1:1: error: recommendations: report.recommendations.after puts them after the '
        'section "Money", but this report has no section of that heading (its sections: '
        '"Background", "Risks")')


@pytest.mark.parametrize("settings, document", [
    ({"cover": ["director", "wards", "summary"]},
     {"kind": "report", "title": "Bare", "sections": [{"heading": "Intro", "body": "Text."}]}),
    ({"cover": []}, {"kind": "report", "title": "Bare", "sections": [
        {"heading": "Intro", "body": "Text."}]}),
    ({"cover": ["recommendations"], "recommendations": {"after": "Intro"}},
     {"kind": "report", "title": "Bare", "recommendations": ["Agree."],
      "sections": [{"heading": "Intro", "body": "Text."}]}),
])
def test_a_cover_with_no_row_to_print_is_no_table(folder: MeetingFolder, settings: Any,
                                                  document: dict[str, Any]) -> None:
    report = build(folder, {"organisation": "X", "report": settings}, document)[2]
    assert report[:4] == ["Agenda Item 1", "Test Borough Council", "Bare", "1 Intro"]
    assert ("Recommendation" in report) == ("recommendations" in document)


def test_a_cover_that_would_drop_the_summary_or_recommendations(folder: MeetingFolder) -> None:
    with pytest.raises(ValidationError) as caught:
        build(folder, {"organisation": "X", "report": {"cover": ["date", "report_to"]}})
    assert [str(p).split("meeting/")[-1] for p in caught.value.problems] == [
        'r.yaml:1:1: error: recommendations: report.cover leaves out "recommendations", so '
        "this report's recommendations would not be printed; add \"recommendations\" to "
        "report.cover or take it out of the report",
        'r.yaml:1:1: error: summary: report.cover leaves out "summary", so this report\'s '
        'summary would not be printed; add "summary" to report.cover or take it out of the '
        "report"]


def test_background_papers_statement_changed_or_none(folder: MeetingFolder) -> None:
    report = build(folder, {"organisation": "X", "report": {
        "background_papers_statement": "Papers relied on:"}})[2]
    assert report[report.index("Background papers") + 1] == "Papers relied on:"
    again = MeetingFolder(folder.root / "again")
    report = build(again, {"organisation": "X"}, report={"background_papers_statement": ""})[2]
    assert report[report.index("Background papers") + 1] == "• Consultation report"


@pytest.mark.parametrize("config, message", [
    ({"date_format": "{weekday} {dya}"},
     'packgen.yaml:2:14: error: date_format: unknown placeholder "{dya}"'),
    ({"date_format": "{day:>5}"},
     'packgen.yaml:2:14: error: date_format: unknown placeholder "{day:>5}"'),
    ({"date_format": "{day"}, "packgen.yaml:2:14: error: date_format: a brace that opens"),
    ({"date_format": ""},
     "packgen.yaml:2:14: error: date_format: an empty date format would print every date "
     "blank"),
    # strftime's codes would print as themselves in place of every date.
    ({"date_format": "%A %d %B %Y"},
     'packgen.yaml:2:14: error: date_format: "%A" is strftime\'s code, not a placeholder '
     "(%A: use {weekday})"),
    ({"date_format": "%-d %B"}, '"%-d" is strftime\'s code, not a placeholder (%-d: use {day})'),
    ({"date_format": "Date"},
     "date_format: a date format with no placeholder would print no date"),
    ({"report": {"cover": ["date", "wardz"]}},
     'packgen.yaml:5:5: error: report.cover[1]: expected report_to, date, director'),
    ({"report": {"labels": {"dates": "When"}}},
     'packgen.yaml:4:5: error: report.labels: unknown key "dates" (did you mean "date"?)'),
    ({"report": {"recommendations": "end"}},
     'packgen.yaml:3:20: error: report.recommendations: expected cover, or a mapping'),
])
def test_bad_settings(folder: MeetingFolder, config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build(folder, {"organisation": "X", **config})
    assert [str(p) for p in caught.value.problems if message in str(p)], \
        [str(p) for p in caught.value.problems]


def heading_height(pdf: Path, word: str) -> float:
    (found,) = [w for w in page_words(pdf)[2][2] if w.text == word]
    return found.y1 - found.y0


def test_a_style_yaml_override_merges_over_the_theme(folder: MeetingFolder) -> None:
    build(folder, {"organisation": "X"})
    plain = heading_height(folder.root / "pack.pdf", "Risks")
    again = MeetingFolder(folder.root / "again")
    (again.folder / "templates").mkdir()
    (again.folder / "templates" / "style.yaml").write_text(
        "colours:\n  brand: '#cc0000'\nstyles:\n  h2: {size: 26, color: brand}\n")
    build(again, {"organisation": "X"})
    pdf = again.root / "pack.pdf"
    assert heading_height(pdf, "Risks") > plain * 1.6
    # Only the size and colour changed: body text is as before.
    assert abs(heading_height(pdf, "Few") - heading_height(folder.root / "pack.pdf", "Few")) < .1
    from pypdf import PdfReader
    content = PdfReader(pdf).pages[2].get_contents()
    assert content is not None and b".8 0 0 rg" in content.get_data()


def test_style_yaml_problems_at_their_lines(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "style.yaml").write_text(
        "styles:\n  h2: {size: big, colr: heading}\n  p: {font: serif}\nstamps: {}\n")
    (folder.folder / "r.yaml").write_text(yaml.safe_dump(REPORT))
    path = folder.write(basic_meeting([{"title": "R", "attachments": ["r.yaml"]}]))
    with pytest.raises(ValidationError) as caught:
        validate(path)
    got = sorted(str(p).split("templates/")[-1] for p in caught.value.problems)
    assert got == [
        'style.yaml:2:14: error: styles.h2.size: expected a number from 1 to 200, found "big"',
        'style.yaml:2:19: error: styles.h2: unknown key "colr" (did you mean "color"?)',
        'style.yaml:3:13: error: styles.p.font: no font family "serif"',
        "style.yaml:4:1: error: stamps: the stamps are the theme's and cannot be overridden "
        "here"]


def style_yaml(folder: MeetingFolder, text: str) -> Path:
    """A meeting with the report whose templates/style.yaml says ``text``."""
    (folder.folder / "templates").mkdir(exist_ok=True)
    (folder.folder / "templates" / "style.yaml").write_text(text)
    (folder.folder / "r.yaml").write_text(yaml.safe_dump(REPORT))
    return folder.write(basic_meeting([{"title": "R", "attachments": ["r.yaml"]}]))


def style_problems(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate(path)
    return sorted(str(p).split("templates/")[-1] for p in caught.value.problems)


def test_every_property_of_the_theme_may_be_overridden() -> None:
    from packgen.builtin import theme_dir
    from packgen.style_override import PROPERTIES

    theme = yaml.safe_load((theme_dir() / "style.yaml").read_text())
    used = {prop for props in theme["styles"].values() for prop in props}
    assert used - set(PROPERTIES) == set()


def test_table_properties_in_style_yaml(folder: MeetingFolder) -> None:
    path = style_yaml(folder, "styles:\n  table: {min_size: 6}\n"
                              "  table.data: {rule_between: '#cc0000', grid: '#ffffff'}\n")
    validate(path)
    (folder.folder / "r.yaml").write_text(yaml.safe_dump({**REPORT, "sections": [
        {"heading": "Figures", "body": "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"}]}))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    from pypdf import PdfReader
    content = PdfReader(out).pages[2].get_contents()
    assert content is not None and b".8 0 0 RG" in content.get_data()
    again = MeetingFolder(folder.root / "again")
    assert style_problems(style_yaml(again, "styles:\n  table: {min_size: tiny}\n")) == [
        'style.yaml:2:21: error: styles.table.min_size: expected a number from 1 to 200, '
        'found "tiny"']


def test_a_new_font_family_falls_back_to_its_regular_face(folder: MeetingFolder) -> None:
    import shutil
    import subprocess

    from packgen.builtin import theme_dir

    shutil.copy(theme_dir() / "fonts" / "DejaVuSans-Oblique.ttf",
                folder.folder / "Slanted.ttf")
    path = style_yaml(folder, "fonts:\n  slanted: {regular: ../Slanted.ttf}\n"
                              "styles:\n  h2: {font: slanted}\n")
    validate(path)
    out = folder.root / "pack.pdf"
    build_pack(path, out)  # h2 is bold: its bold face is the regular one
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "DejaVuSans-Oblique" in fonts
    again = MeetingFolder(folder.root / "again")
    shutil.copy(folder.folder / "Slanted.ttf", again.folder / "Slanted.ttf")
    assert style_problems(style_yaml(again, "fonts:\n  slanted: {bold: ../Slanted.ttf}\n"
                                            "styles:\n  h2: {font: slanted}\n")) == [
        'style.yaml:2:12: error: fonts.slanted: missing required key "regular" (a new font '
        "family needs its regular face; its bold and italic faces default to it)"]


def test_style_yaml_margins_must_leave_room(folder: MeetingFolder) -> None:
    path = style_yaml(folder, "page: {size: A5, margin_mm: {left: 80, right: 80}}\n")
    assert style_problems(path) == [
        "style.yaml:1:29: error: page.margin_mm: the margins leave -12 mm of the A5 page's "
        "width for text; leave at least 90 mm"]
    # The theme's margins on a smaller page are judged too.
    again = MeetingFolder(folder.root / "again")
    assert style_problems(style_yaml(again, "page:\n  margin_mm: {top: 100, bottom: 90}\n"
                                            )) == [
        "style.yaml:2:14: error: page.margin_mm: the margins leave 107 mm of the A4 page's "
        "height for text; leave at least 120 mm"]


def test_a_style_yaml_linked_from_outside_is_refused(folder: MeetingFolder) -> None:
    outside = folder.root / "elsewhere.yaml"
    outside.write_text("styles:\n  h2: {size: 30}\n")
    path = style_yaml(folder, "")
    (folder.folder / "templates" / "style.yaml").unlink()
    (folder.folder / "templates" / "style.yaml").symlink_to(outside)
    assert style_problems(path) == [
        "style.yaml:1:1: error: style.yaml is a link to a file outside the repository; like "
        "templates, it must lie inside it"]
    with pytest.raises(ValidationError):
        build_pack(path, folder.root / "pack.pdf")


def test_font_family_hint_is_the_shared_suggestion(folder: MeetingFolder) -> None:
    assert style_problems(style_yaml(folder, "styles:\n  p: {font: BODY}\n")) == [
        'style.yaml:2:13: error: styles.p.font: no font family "BODY" (did you mean "body"?)']


def test_one_validate_run_says_everything(folder: MeetingFolder) -> None:
    """Settings, the reports they judge, style.yaml and every template, in one run."""
    templates = folder.folder / "templates"
    templates.mkdir()
    (templates / "style.yaml").write_text("styles:\n  h2: {sise: 12}\n")
    (templates / "report.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ oops( }}{% endblock %}\n')
    (templates / "minutes.html").write_text("{% if %}\n")
    (folder.folder / "r.yaml").write_text(yaml.safe_dump(REPORT))
    meeting = basic_meeting([{"title": "R", "presentor": "Me", "attachments": ["r.yaml"]}])
    path = folder.write(meeting, {"organisation": "X", "date_format": "{dya}",
                                  "report": {"recommendations": {"after": "Money"}}})
    with pytest.raises(ValidationError) as caught:
        validate(path)
    got = [(p.position.file.resolve().relative_to(folder.root.resolve()).as_posix(),
            p.message) for p in caught.value.problems]
    assert [(where, message.split(":")[0]) for where, message in got] == [
        ("meeting/meeting.yaml", "items[0]"),
        ("meeting/r.yaml", "recommendations"),
        ("meeting/templates/minutes.html", "template syntax"),
        ("meeting/templates/report.html", "template syntax"),
        ("meeting/templates/style.yaml", "styles.h2"),
        ("packgen.yaml", "date_format")]
    assert 'after the section "Money"' in got[1][1]
