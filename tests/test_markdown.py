"""Markdown into the HTML subset: what passes, what is escaped, what is refused."""

from __future__ import annotations

from pathlib import Path

from packgen.errors import Position, Problem
from packgen.markdown import convert


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
                   "<tr><td>Smith, J</td><td>£5</td></tr></table>")


def test_headings_sit_below_the_document_title() -> None:
    out, _ = html("# One\n\n## Two\n\n##### Five\n")
    assert out == "<h3>One</h3>\n<h4>Two</h4>\n<h4>Five</h4>"


def test_images_are_refused_not_dropped() -> None:
    _, problems = html("Text\n\n![chart](chart.png)\n")
    assert problems == ["3: Markdown: images are not supported in text; attach the figure as a "
                        "PDF appendix"]
