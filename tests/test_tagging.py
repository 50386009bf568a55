"""Our own pages come out tagged: every piece of content on every page is marked content
owned by exactly one structure element, or an artifact; the elements are the document's
headings, paragraphs, lists, tables, figures and links, with their text.

Read back from the typeset PDFs themselves (pypdf for the content streams, poppler's
``pdffonts``), before the PDF side turns the record into the pack's structure tree.
"""

from __future__ import annotations

import io
import pickle
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.htmltree import parse_html
from packgen.rendered import Annotation, Marked, Tag, Typeset
from packgen.theme import load_stylesheet
from packgen.typeset import Typesetter
from tests.conftest import EXAMPLE
from tests.marked import Page, read_page

EXAMPLES = EXAMPLE.parent.parent


def elements(tags: tuple[Tag, ...]) -> Iterator[Tag]:
    for tag in tags:
        yield tag
        yield from elements(tuple(k for k in tag.kids if isinstance(k, Tag)))


def pages(typeset: Typeset) -> list[Page]:
    reader = PdfReader(io.BytesIO(typeset.pdf))
    return [read_page(reader, n) for n in range(len(reader.pages))]


def assert_tagged(typeset: Typeset) -> None:
    """Every painting operator marked; marked content nested with BT/ET and q/Q; each
    MCID drawn owned by one element and each element's MCID drawn; each annotation
    owned by one Link, at its index in its page's /Annots."""
    assert typeset.tagged
    read = pages(typeset)
    assert [p for page in read for p in page.problems] == []
    drawn = sorted((n, mcid) for n, page in enumerate(read) for mcid in page.mcids)
    owned = [(k.page, k.mcid) for tag in elements(typeset.structure) for k in tag.kids
             if isinstance(k, Marked)]
    assert sorted(owned) == drawn
    roles = {(k.page, k.mcid): tag.role for tag in elements(typeset.structure)
             for k in tag.kids if isinstance(k, Marked)}
    assert {(n, m): r for n, page in enumerate(read) for m, r in page.mcids.items()} == roles
    reader = PdfReader(io.BytesIO(typeset.pdf))
    annotations = [(n, i) for n, page in enumerate(reader.pages)
                   for i in range(len(page.get("/Annots", [])))]
    linked = [(k.page, k.index) for tag in elements(typeset.structure) for k in tag.kids
              if isinstance(k, Annotation) and tag.role == "Link"]
    assert sorted(linked) == annotations


def text_of(tag: Tag, read: list[Page]) -> str:
    """The text an element's marked content (its own and its kids') draws."""
    parts = []
    for kid in tag.kids:
        if isinstance(kid, Marked):
            parts.append(read[kid.page].text[kid.mcid])
        elif isinstance(kid, Tag):
            parts.append(text_of(kid, read))
    return "".join(parts)


def unembedded_fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    # name type [type] encoding emb sub uni object generation: emb is 5th from the end
    return [line.split()[0] for line in listing if line.split()[-5] != "yes"]


@pytest.fixture
def typesets(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Typeset]]:
    """Every document typeset in the test, with its template's name (not a front sheet
    laid out for its page count alone, which has no pages)."""
    made: list[tuple[str, Typeset]] = []
    typeset = Typesetter.typeset

    def noted(self: Typesetter, root: object, origin: Path, *args: object,
              **kwargs: object) -> Typeset | int:
        result: Typeset | int = typeset(self, root, origin, *args, **kwargs)  # type: ignore[call-overload]
        if isinstance(result, Typeset):
            made.append((origin.name, result))
        return result

    monkeypatch.setattr(Typesetter, "typeset", noted)
    return made


@pytest.mark.parametrize("example, private", [
    ("childrens-partnership-board", True),
    ("health-and-wellbeing-board", False),
    ("parish/full-council", False),
])
def test_every_page_of_the_examples_is_tagged(example: str, private: bool, tmp_path: Path,
                                              typesets: list[tuple[str, Typeset]]) -> None:
    build_pack(EXAMPLES / example / "meeting.yaml", tmp_path / "pack.pdf", private=private)
    kinds = {name for name, _ in typesets}
    assert {"frontsheet.html", "filler.html", "minutes.html"} <= kinds
    for name, typeset in typesets:
        assert_tagged(typeset)
        # Ours (the house font) throughout: no Helvetica that a table picks and never draws.
        assert unembedded_fonts(typeset.pdf, tmp_path) == [], name
        if name == "filler.html":  # says nothing of the pack's own: all artifact
            assert typeset.structure == ()
            assert all(not page.mcids for page in pages(typeset))
        else:
            assert any(tag.role in ("H1", "H2") for tag in elements(typeset.structure)), name


LINK = "https://www.riverside.example/council/budget-consultation-2026-27/responses"
DOCUMENT = f"""
<h1>Budget monitoring</h1>
<h2><span class="number">2.3</span>Spend by locality</h2>
<p>{" ".join(f"word{n:03d}" for n in range(700))}</p>
<p>The responses to the consultation are <a href="{LINK}">published in full on the
council's website with an easy read version and a summary</a> for anyone to read, and the
<a href="#page=3">third page</a> has the agenda.</p>
<img src="riverside-crest.png" alt="The council's crest" width="30mm">
<img src="riverside-crest.png" alt="" width="10mm">
<ul><li>Libraries<ol><li>North</li><li>South</li></ol></li>
<li><p>Leisure</p><table><tr><td>Nested</td><td>table</td></tr></table></li></ul>
<table>
<thead><tr><th rowspan="2">Locality</th><th colspan="2">Spend</th></tr>
<tr><th>Budget</th><th>Actual</th></tr></thead>
<tbody>
{"".join(f"<tr><th>Area {n}</th><td>{n}</td><td>{n + 1}</td></tr>" for n in range(60))}
</tbody>
</table>
<div class="keep-together"><p id="kept">Kept together</p></div>
<div class="landscape"><h3>Turned</h3><p>On its side</p></div>
"""


@pytest.fixture(scope="module")
def document() -> Typeset:
    origin = Path("document.html")
    return Typesetter(load_stylesheet(), EXAMPLES).typeset(parse_html(DOCUMENT, origin), origin)


def test_a_document_is_tagged_throughout(document: Typeset) -> None:
    assert document.pages >= 3
    assert_tagged(document)


def test_headings_paragraphs_and_the_hanging_number(document: Typeset) -> None:
    read = pages(document)
    top = document.structure
    assert [t.role for t in top[:4]] == ["H1", "H2", "P", "P"]
    assert text_of(top[1], read).split() == ["2.3", "Spend", "by", "locality"]


def test_a_paragraph_over_a_page_break_is_one_element_and_keeps_its_spaces(
        document: Typeset) -> None:
    read = pages(document)
    long = document.structure[2]
    assert {k.page for k in long.kids if isinstance(k, Marked)} == {0, 1}
    # Long enough to be laid out in pieces (fitting.in_pieces), one paragraph still.
    assert len(DOCUMENT) > 5000
    # Each line's last word and the next line's first stay apart.
    assert text_of(long, read).split() == [f"word{n:03d}" for n in range(700)]


def test_a_link_over_two_lines_is_one_link_with_two_annotations(document: Typeset) -> None:
    read = pages(document)
    links = [t for t in elements(document.structure[3:4]) if t.role == "Link"]
    assert [len([k for k in t.kids if isinstance(k, Annotation)]) for t in links] == [2, 1]
    words = ("published in full on the council's website with an easy read version and a "
             "summary")
    assert links[0].text == words
    assert " ".join(text_of(links[0], read).split()) == words
    assert links[1].text == "third page"
    reader = PdfReader(io.BytesIO(document.pdf))
    for link, target in zip(links, (LINK, "packgen-page:3"), strict=True):
        for kid in (k for k in link.kids if isinstance(k, Annotation)):
            annotation = reader.pages[kid.page]["/Annots"][kid.index].get_object()
            assert annotation["/A"]["/URI"] == target


def test_a_figure_has_its_alt_and_box_and_a_decorative_image_is_an_artifact(
        document: Typeset) -> None:
    figures = [t for t in elements(document.structure) if t.role == "Figure"]
    assert [f.alt for f in figures] == ["The council's crest"]
    (box,) = [v for owner, key, v in figures[0].attributes if (owner, key) == ("Layout", "BBox")]
    assert isinstance(box, tuple)
    x0, y0, x1, y1 = box
    assert x1 - x0 == pytest.approx(30 * 72 / 25.4, abs=0.1) and y1 > y0
    page = figures[0].kids[0]
    assert isinstance(page, Marked)
    reader = PdfReader(io.BytesIO(document.pdf))
    content = reader.pages[page.page].get_contents().get_data().decode("latin-1")
    # Two pictures drawn: one in the Figure, one an artifact.
    figure = rf"/Figure <</MCID {page.mcid}>> BDC\s+q\s[^Q]*\sDo\s+Q\s+Q\s+EMC"
    assert len(re.findall(figure, content)) == 1
    assert len(re.findall(r"/Artifact BMC /\S+ Do EMC", content)) == 1


def test_lists_nest_and_hold_a_table(document: Typeset) -> None:
    read = pages(document)
    (outer,) = [t for t in document.structure if t.role == "L"]
    items = [k for k in outer.kids if isinstance(k, Tag)]
    assert [[k.role for k in item.kids if isinstance(k, Tag)] for item in items] == \
        [["Lbl", "LBody"], ["Lbl", "LBody"]]
    assert text_of(items[0].kids[0], read).strip() == "•"  # type: ignore[arg-type]
    body = [k for k in items[0].kids[1].kids if isinstance(k, Tag)]  # type: ignore[union-attr]
    assert [t.role for t in body] == ["P", "L"]
    inner = [text_of(t, read).split() for t in elements((body[1],)) if t.role == "LI"]
    assert inner == [["1.", "North"], ["2.", "South"]]
    second = [t.role for t in elements((items[1],))]
    assert second[:4] == ["LI", "Lbl", "LBody", "P"] and "Table" in second


def test_a_table_has_heading_cells_spans_and_a_repeat_as_artifact(document: Typeset) -> None:
    read = pages(document)
    table = [t for t in document.structure if t.role == "Table"][-1]
    head, body = (k for k in table.kids if isinstance(k, Tag))
    assert (head.role, body.role) == ("THead", "TBody")
    first, second = (k for k in head.kids if isinstance(k, Tag))
    assert [(c.role, c.attributes) for c in first.kids if isinstance(c, Tag)] == [
        ("TH", (("Table", "Scope", "Column"), ("Table", "RowSpan", 2))),
        ("TH", (("Table", "Scope", "Column"), ("Table", "ColSpan", 2))),
    ]
    # The slots the spans cover have no element: the second heading row has two cells.
    assert [text_of(c, read).strip() for c in second.kids if isinstance(c, Tag)] == \
        ["Budget", "Actual"]
    rows = [k for k in body.kids if isinstance(k, Tag)]
    assert len(rows) == 60
    assert [(c.role, c.attributes) for c in rows[0].kids if isinstance(c, Tag)] == [
        ("TH", (("Table", "Scope", "Row"),)), ("TD", ()), ("TD", ())]
    # The table runs onto a later page, where its heading rows are drawn again: as
    # artifacts, so the heading cells' content is on the first page only.
    table_pages = {k.page for t in elements((table,)) for k in t.kids if isinstance(k, Marked)}
    assert len(table_pages) >= 2
    heading_pages = {k.page for t in elements((head,)) for k in t.kids if isinstance(k, Marked)}
    assert heading_pages == {min(table_pages)}
    later = PdfReader(io.BytesIO(document.pdf)).pages[max(table_pages)]
    assert later.extract_text().count("Locality") == 1  # drawn there, not tagged there


def test_kept_and_turned_content_keeps_its_elements(document: Typeset) -> None:
    read = pages(document)
    reader = PdfReader(io.BytesIO(document.pdf))
    kept, heading, turned = document.structure[-3:]
    assert (kept.role, heading.role, turned.role) == ("P", "H3", "P")
    assert text_of(kept, read).strip() == "Kept together"
    assert [text_of(t, read).strip() for t in (heading, turned)] == ["Turned", "On its side"]
    (page,) = {k.page for k in turned.kids if isinstance(k, Marked)}
    box = reader.pages[page].mediabox
    assert box.width > box.height  # on its landscape page
    # An anchored paragraph (paragraphs.anchored) is tagged too, on the page it notes.
    (at,) = {k.page for k in kept.kids if isinstance(k, Marked)}
    assert document.anchors == {"kept": at + 1}


def test_the_record_crosses_a_process_pipe(document: Typeset) -> None:
    # ForkedTypesetting pickles it: plain data only, equal on the other side.
    assert pickle.loads(pickle.dumps(document)) == document
