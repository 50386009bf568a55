"""What is defined once stays one definition: the HTML subset (a template's markup and the
HTML it renders are held to the same rules), the person, the typesetting Protocol, and the
keys documents are typeset by."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from packgen import schema
from packgen.documents import ATTENDEE, MINUTES, PERSON, REPORT
from packgen.editor_schema import json_schema
from packgen.errors import TemplateError, ValidationError
from packgen.htmltree import parse_html
from packgen.layout import (
    PUBLIC,
    Pack,
    document_key,
    pack_documents,
    rendered_documents,
)
from packgen.shapes import Record
from packgen.subset import EVERY_TAG, TAGS
from packgen.theme import check_markup
from packgen.typesetting import ForkedTypesetting, InProcessTypesetting, Typesetting
from tests.conftest import EXAMPLE, MeetingFolder

ORIGIN = Path("snippet.html")


def both(html: str) -> tuple[list[str], list[str]]:
    """What a template's own markup check and the rendered HTML's parser say of ``html``."""
    loaded = [p.message for p in check_markup(html, ORIGIN)]
    try:
        parse_html(html, ORIGIN)
        rendered: list[str] = []
    except TemplateError as exc:
        rendered = [p.message for p in exc.problems]
    return loaded, rendered


def sample(tag: str, name: str) -> str:
    """A value the attribute takes."""
    return {"colspan": "2", "rowspan": "2", "width": "30%", "height": "4mm",
            "href": "https://example.org", "start": "3", "lang": "en-GB"}.get(name, "x")


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_every_tag_and_attribute_of_the_subset_passes_both_checks(tag: str) -> None:
    attributes = " ".join(f'{name}="{sample(tag, name)}"'
                          for name in [*EVERY_TAG, *TAGS[tag].attributes])
    assert both(f"<{tag} {attributes}>") == ([], [])


@pytest.mark.parametrize("html, message", [
    ("<script>x</script>", "<script> is not in the HTML subset packgen lays out (see the README)"),
    ('<p style="color: red">x</p>', '<p> attribute "style" is not supported (see the README)'),
    ('<p width="30%">x</p>', '<p> attribute "width" is not supported (see the README)'),
    ('<td href="#page=3">x</td>', '<td> attribute "href" is not supported (see the README)'),
    ('<col width="wide">', '<col> width="wide": expected a length such as "30%", "40mm" or '
                           '"120pt"'),
    ("<td colspan=0>x</td>", '<td> colspan="0": expected a whole number of cells'),
    ("<td colspan>x</td>", '<td> colspan="": expected a whole number of cells'),
    ('<img src="a.png" alt="" height="2 cm">', '<img> height="2 cm": expected a length such as '
                                               '"30%", "40mm" or "120pt"'),
    # a picture must say what it shows, or that it shows nothing (alt="")
    ('<img src="a.png" width="30mm">', '<img> needs an alt attribute: the words a screen reader '
                                       'says in place of the picture (alt="" for a picture that '
                                       'is only decoration)'),
    # a ">" inside a quoted value does not end the tag, for either check
    ('<img src="x" alt="Hall > Annexe" width="wide">', '<img> width="wide": expected a length '
                                                      'such as "30%", "40mm" or "120pt"'),
    ("<p class='a > b' onclick=\"x\">y</p>", '<p> attribute "onclick" is not supported (see the '
                                             'README)'),
    ('<ol start="abc"><li>x</li></ol>', '<ol> start="abc": expected a whole number'),
])
def test_what_one_check_refuses_the_other_refuses_alike(html: str, message: str) -> None:
    assert both(html) == ([message], [message])


def test_a_value_jinja_writes_is_checked_once_rendered() -> None:
    template = '<col width="{{ w }}"><td colspan={{ n }} class="x">'
    assert check_markup(template, ORIGIN) == []
    [problem] = check_markup('<p>\n  <col width="wide"></p>', ORIGIN)
    assert (problem.position.line, problem.position.column) == (2, 3)


def test_a_person_is_declared_once() -> None:
    assert list(ATTENDEE.fields) == [*PERSON.fields, "present", "status", "substitute", "for",
                                     "group"]
    assert all(ATTENDEE.fields[key] is field for key, field in PERSON.fields.items())
    assert schema.MEETING.fields["contact"].shape is PERSON
    # A director may be a post with no name: the person's fields, the name not required.
    director = REPORT.fields["director"].shape
    assert isinstance(director, Record) and list(director.fields) == list(PERSON.fields)
    assert all(director.fields[key] is field for key, field in PERSON.fields.items()
               if key != "name")
    meeting = json_schema("meeting")["properties"]["contact"]
    minutes = json_schema("minutes")["properties"]["attendance"]["items"]
    assert set(minutes["properties"]) - set(meeting["properties"]) == {
        "present", "status", "substitute", "for", "group"}
    guests = MINUTES.fields["in_attendance"].shape.json_schema()["items"]
    assert set(guests["properties"]) - set(meeting["properties"]) == {"present"}


def test_present_belongs_to_attendance_only(folder: MeetingFolder) -> None:
    (folder.folder / "report.yaml").write_text(
        "kind: report\ntitle: A report\ncontacts:\n  - {name: Sam, present: true}\n")
    path = folder.write("organisation: O\nbody: B\ndate: 2026-07-08\ntime: \"16:00\"\n"
                        "venue: V\nitems: [{title: A, attachments: [report.yaml]}]\n")
    with pytest.raises(ValidationError) as caught:
        schema.validate(path)
    [problem] = caught.value.problems
    assert problem.position.file.name == "report.yaml" and problem.position.line == 4
    assert problem.message == 'contacts[0]: unknown key "present"'


def public_methods(kind: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(kind, inspect.isfunction)
            if not name.startswith("_")}


def test_both_typesettings_have_the_protocols_methods_and_signatures() -> None:
    methods = public_methods(Typesetting)
    for kind in (InProcessTypesetting, ForkedTypesetting):
        assert public_methods(kind) == methods
        for name in methods:
            assert inspect.signature(getattr(kind, name)) == \
                inspect.signature(getattr(Typesetting, name)), (kind, name)


def test_a_documents_key_names_it_in_every_pack() -> None:
    meeting = schema.validate(EXAMPLE)
    documents = rendered_documents(meeting)
    assert documents  # the example renders its minutes, a report and a Markdown file
    found = {}
    for pack in (PUBLIC, Pack(private=True)):
        for item, attachment, _ in pack_documents(meeting, pack):
            if attachment.document is not None:
                key = document_key(item, attachment)
                assert documents[key] == (item, attachment)
                found[key] = pack
    assert set(found) == set(documents)
    # Keys are plain data, the same in a process that holds another copy of the meeting.
    again = schema.validate(EXAMPLE)
    assert list(rendered_documents(again)) == list(documents)
