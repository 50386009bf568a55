"""The theme's templates as a screen reader meets them: the logo's alternative text, headings
in order, header cells in the tables, the priorities' tick column headed in words, an image
without alt refused; and the HTML agenda's list and the size of the pack it links to."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image as PILImage

from packgen import build_pack, schema
from packgen.check import validate
from packgen.errors import TemplateError
from packgen.htmltree import Element, parse_html
from packgen.render import AgendaRow, document_context, environment_for, front_sheet_context, render
from tests.conftest import MeetingFolder, basic_meeting, page_words

NOTICES = [{"heading": "Filming", "text": "The meeting may be filmed."}]


def elements(root: Element) -> list[Element]:
    """Every element under ``root``, in document order."""
    found = []
    for child in root.children:
        if isinstance(child, Element):
            found += [child, *elements(child)]
    return found


def text(el: Element) -> str:
    return "".join(c if isinstance(c, str) else text(c) for c in el.children).strip()


def cells(row: Element) -> list[Element]:
    return [c for c in row.children if isinstance(c, Element)]


def front_sheet(folder: MeetingFolder, config: dict[str, Any] | None = None,
                **meeting: Any) -> Element:
    """The front sheet's HTML as the theme renders it for a meeting of two items."""
    PILImage.new("RGB", (60, 60), (20, 40, 90)).save(folder.root / "crest.png")
    items = [{"title": "Apologies"}, {"title": "Budget", "description": "To agree it"}]
    path = folder.write(basic_meeting(items, **meeting),
                        {"style": {"logo": "crest.png"}, **(config or {})})
    checked = schema.validate(path)
    rows = [AgendaRow(item, (("3", "4"),), 3) for item in checked.items]
    html, origin = render(environment_for(checked, None), "frontsheet.html",
                          front_sheet_context(checked, rows))
    return parse_html(html, origin)


def test_the_front_sheet_heads_its_tables_and_its_sections(folder: MeetingFolder) -> None:
    found = elements(front_sheet(folder, notices=NOTICES))
    details = next(e for e in found if "meeting-details" in e.classes)
    # Each detail row is labelled by its leading heading cell: Date, Time, Venue.
    labels = [(cells(row)[0].tag, text(cells(row)[0])) for row in elements(details)
              if row.tag == "tr"]
    assert labels == [("th", "Date"), ("th", "Time"), ("th", "Venue")]
    agenda = next(e for e in found if "agenda" in e.classes)
    rows = [row for row in elements(agenda) if row.tag == "tr"]
    assert [c.tag for c in cells(rows[0])] == ["th", "th", "th"]  # the column headings
    assert [(cells(row)[0].tag, text(cells(row)[0])) for row in rows[1:]] == [
        ("th", "1."), ("th", "2.")]  # each item's row is headed by its number
    headings = [(e.tag, text(e)) for e in found if re.fullmatch(r"h\d", e.tag)]
    assert headings == [("h1", "Test Committee"), ("h2", "AGENDA"), ("h2", "Filming")]


def test_the_law_s_notices_are_headings_too(folder: MeetingFolder) -> None:
    headings = [text(e) for e in elements(front_sheet(folder)) if e.tag == "h2"]
    assert headings == ["AGENDA", "Information for members of the public",
                        "Declarations of interests"]


@pytest.mark.parametrize("style, alt", [
    ({}, "Test Borough Council logo"),
    ({"logo_alt": "Crest of Test Borough"}, "Crest of Test Borough"),
    ({"logo_alt": ""}, ""),  # decoration: screen readers pass over it
])
def test_the_logo_says_what_the_house_style_says(folder: MeetingFolder, style: dict[str, str],
                                                  alt: str) -> None:
    config = {"style": {"logo": "crest.png", **style}}
    [image] = [e for e in elements(front_sheet(folder, config)) if e.tag == "img"]
    assert image.attrs["alt"] == alt


def test_the_welsh_logo_alt(folder: MeetingFolder) -> None:
    config = {"language": "cy", "style": {"logo": "crest.png", "logo_alt_cy": "Arfbais"}}
    [image] = [e for e in elements(front_sheet(folder, config)) if e.tag == "img"]
    assert image.attrs["alt"] == "Arfbais"
    config = {"language": "cy", "style": {"logo": "crest.png"}}
    folder.file.unlink()
    [image] = [e for e in elements(front_sheet(folder, config)) if e.tag == "img"]
    assert image.attrs["alt"] == "Logo Test Borough Council"


def test_a_template_image_without_alt_is_a_problem_at_its_line(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    override = folder.folder / "templates" / "frontsheet.html"
    override.write_text('{% extends "!theme/frontsheet.html" %}\n{% block heading %}\n'
                        '  <img src="crest.png" width="40mm">{{ super() }}{% endblock %}\n')
    PILImage.new("RGB", (60, 60)).save(folder.folder / "crest.png")
    path = folder.write(basic_meeting([{"title": "Apologies"}]))
    expected = [(override, 3, 3, '<img> needs an alt attribute: the words a screen reader says '
                 'in place of the picture (alt="" for a picture that is only decoration)')]
    for attempt in (lambda: validate(path), lambda: build_pack(path, folder.root / "p.pdf")):
        with pytest.raises(TemplateError) as caught:
            attempt()
        assert [(p.position.file, p.position.line, p.position.column, p.message)
                for p in caught.value.problems] == expected
    assert not (folder.root / "p.pdf").exists()


def minutes_meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "minutes.yaml").write_text(yaml.safe_dump({
        "kind": "minutes", "date": datetime.date(2026, 3, 22), "place": "Civic Centre",
        "attendance": [{"name": "Cllr A. Mellor", "role": "Chair", "present": True},
                       {"name": "Kay Bell", "role": "Director", "present": False}],
        "in_attendance": [{"name": "Phil Wade", "role": "Governance Officer"}],
        "minutes": [{"title": "Apologies", "body": "Kay Bell."},
                    {"title": "Update", "body": "# Progress\n\nGood progress."}]}))
    return folder.write(basic_meeting([{"title": "Minutes", "attachments": ["minutes.yaml"]}]))


def test_minutes_headings_go_down_one_level_at_a_time(folder: MeetingFolder) -> None:
    meeting = schema.validate(minutes_meeting(folder))
    item = meeting.items[0]
    document = item.attachments[0].document
    assert document is not None
    html, origin = render(environment_for(meeting, None), "minutes.html",
                          document_context(document, meeting, item))
    found = elements(parse_html(html, origin))
    levels = [int(e.tag[1]) for e in found if re.fullmatch(r"h\d", e.tag)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert 3 in levels  # the minute's own heading, under the minute's h2
    # Each attendance row is headed by the person's name.
    names = [text(cells(row)[0]) for row in found if row.tag == "tr"
             and cells(row)[0].tag == "th" and "member" in cells(row)[0].classes]
    assert names == ["Cllr A. Mellor", "Kay Bell", "Phil Wade"]


def test_minutes_print_as_before(folder: MeetingFolder) -> None:
    """The membership heading is an h2 now, as a minute's is, yet prints as the h3 it was:
    smaller than a minute's heading."""
    out = folder.root / "pack.pdf"
    build_pack(minutes_meeting(folder), out)
    words = page_words(out)[2][2]
    height = {w.text: w.y1 - w.y0 for w in words}
    assert height["Membership"] < height["APOLOGIES"]


def test_a_markdown_file_s_headings_go_down_one_level_at_a_time(folder: MeetingFolder) -> None:
    """Its "#" is the title (h1) and its "##" sections print as h2: its "###" is h3."""
    (folder.folder / "notes.md").write_text("# Notes\n\n## Visit\n\n### Where\n\nText.\n\n"
                                            "## Next\n\nText.\n")
    meeting = schema.validate(folder.write(basic_meeting([{"title": "Notes",
                                                           "attachments": ["notes.md"]}])))
    item = meeting.items[0]
    document = item.attachments[0].document
    assert document is not None
    html, origin = render(environment_for(meeting, None), "document.html",
                          document_context(document, meeting, item))
    assert [(e.tag, text(e)) for e in elements(parse_html(html, origin))
            if re.fullmatch(r"h\d", e.tag)] == [
        ("h1", "Notes"), ("h2", "Visit"), ("h3", "Where"), ("h2", "Next")]


def report_meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "report.yaml").write_text(yaml.safe_dump({
        "kind": "report", "title": "Priority families",
        "priorities": [{"text": "Safeguarding children", "relevant": True},
                       {"text": "Healthy places", "relevant": False}],
        "sections": [{"heading": "Background", "body": "Text."}]}))
    return folder.write(basic_meeting([{"title": "Report", "attachments": ["report.yaml"]}]))


def test_the_tick_column_is_headed_in_words(folder: MeetingFolder) -> None:
    out = folder.root / "pack.pdf"
    build_pack(report_meeting(folder), out)
    words = page_words(out)[2][2]
    [relevant] = [w for w in words if w.text == "Relevant" and w.x0 > 200]
    [priority] = [w for w in words if w.text == "Priority" and abs(w.y0 - relevant.y0) < 1]
    [tick] = [w for w in words if w.text == "✓"]
    # The heading row is above the rows it heads, and the tick stands under "Relevant".
    assert priority.x1 < relevant.x0 and relevant.y1 < tick.y0
    assert relevant.x0 - 2 < (tick.x0 + tick.x1) / 2 < relevant.x1 + 2


def test_the_cover_rows_are_headed_by_their_labels(folder: MeetingFolder) -> None:
    meeting = schema.validate(report_meeting(folder))
    item = meeting.items[0]
    document = item.attachments[0].document
    assert document is not None
    html, origin = render(environment_for(meeting, None), "report.html",
                          document_context(document, meeting, item))
    cover = next(e for e in elements(parse_html(html, origin)) if "cover" in e.classes)
    leading = [cells(row)[0] for row in elements(cover) if row.tag == "tr"
               and row in cover.children]
    assert [(c.tag, text(c)) for c in leading][:3] == [
        ("th", "Report to"), ("th", "Date"), ("th", "Relevant plan priorities")]


def test_the_html_agenda_is_a_list_and_gives_the_pack_s_size(folder: MeetingFolder) -> None:
    items = [{"title": "Budget", "attachments": [folder.pdf("b.pdf", 3)]}]
    out = folder.root / "pack.pdf"
    build_pack(folder.write(basic_meeting(items)), out, html=True)
    page = out.with_suffix(".html").read_text()
    assert re.search(r'<ol class="agenda" role="list">', page)
    link = re.search(r'<a href="pack.pdf">The whole public document pack</a> '
                     r'\(PDF, (\d+) KB\)', page)
    assert link is not None, page
    # What the page says is the written file's size, to the nearest kilobyte.
    assert abs(int(link[1]) * 1024 - out.stat().st_size) <= 512
