"""Markdown into the HTML subset: what passes, what is escaped, what is refused."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from packgen import build_pack, validate
from packgen.errors import Position, Problem
from packgen.markdown import convert
from tests.conftest import MeetingFolder, basic_meeting


def html(text: str) -> tuple[str, list[str]]:
    problems: list[Problem] = []
    result = convert(text, Position(Path("doc.md"), 1, 1), problems)
    return result.__html__(), [f"{p.position.line}: {p.message}" for p in problems]


def test_raw_html_and_unsafe_links_are_text() -> None:
    out, problems = html('<script>x()</script> <a href="javascript:1">a</a> '
                         "[click](javascript:alert(1)) [ok](https://example.org/a?b=1&c=2)")
    assert problems == []
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<a href="javascript' not in out and "<a href" in out
    assert '<a href="https://example.org/a?b=1&amp;c=2">ok</a>' in out


def test_lists_keep_their_start_and_nesting() -> None:
    out, _ = html("3. three\n4. four\n   - inner\n")
    assert out == '<ol start="3"><li>three</li><li>four<ul><li>inner</li></ul></li></ol>'


def test_csv_table() -> None:
    out, problems = html("```table csv\nName,Total\n\"Smith, J\",£5\n```\n")
    assert problems == []
    assert out == ('<table class="data"><thead><tr><th>Name</th><th>Total</th></tr></thead>'
                   "<tr><td>Smith, J</td><td class=\"align-right\">£5</td></tr></table>")


def test_headings_sit_below_the_document_title() -> None:
    out, _ = html("# One\n\n## Two\n\n##### Five\n")
    assert out == "<h3>One</h3>\n<h4>Two</h4>\n<h4>Five</h4>"


def test_images_are_refused_not_dropped() -> None:
    _, problems = html("Text\n\n![chart](chart.png)\n")
    assert problems == ["3: Markdown: images are not supported in text; attach the figure as a "
                        "PDF appendix"]


def test_a_link_scheme_in_capitals_is_a_link_from_markdown_to_the_pack(
        folder: MeetingFolder) -> None:
    """Markdown, the templates and the attachments' links share one list of schemes, and
    it ignores case (RFC 3986): what validate accepts, build lays out as a working link."""
    (folder.folder / "notes.md").write_text(
        "# Notes\n\nSee [the council](HTTPS://example.org/Plans) or "
        "[write](MailTo:clerk@example.org); not [this](http:javascript:alert(1)).\n")
    items = [{"title": "Notes", "attachments": ["notes.md"]}]
    meeting = folder.write(basic_meeting(items))
    assert validate(meeting).warnings == ()
    out = folder.root / "pack.pdf"
    build_pack(meeting, out)
    links = [a.get_object()["/A"] for page in PdfReader(out).pages[2:]
             for a in page.get("/Annots", [])]
    assert [(str(a["/S"]), str(a["/URI"])) for a in links] == [
        ("/URI", "HTTPS://example.org/Plans"), ("/URI", "MailTo:clerk@example.org")]


def test_an_address_without_a_host_is_text() -> None:
    out, problems = html("[a](http:javascript:alert(1)) [b](https://) [c](HTTPS://example.org)")
    assert problems == []
    assert out.count("<a href") == 1 and '<a href="HTTPS://example.org">c</a>' in out
