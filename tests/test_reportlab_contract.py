"""The contract between packgen's tagging and the installed ReportLab: the internals
:mod:`packgen.tagging` and :mod:`packgen.tagged` rely on (and only they). Each test fails
when an upgrade moves one, so a new ReportLab is judged by running this file (with
tests/test_platypus_contract.py, for :mod:`packgen.fitting`)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    Image,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Table,
)
from reportlab.platypus.flowables import BulletDrawer

STYLE = ParagraphStyle("s", fontSize=10, leading=12)
PICTURE = Path(__file__).parent.parent / "examples" / "riverside-crest.png"


class Text(PDFTextObject):  # type: ignore[misc]
    """Notes what ReportLab does to a text object."""

    def __init__(self, *args: Any, events: list[tuple[str, Any]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.events = events

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N802,N803
        before = len(self._code)
        super()._textOut(text, TStar)
        self.events.append(("text", (text, TStar, len(self._code) - before)))

    def _linkRecord(self, key: Any, what: str) -> None:  # noqa: N802
        self.events.append((what, (key, self._code[-1])))


class Recorder(Canvas):  # type: ignore[misc]
    events: list[tuple[str, Any]] = []

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:  # noqa: N802
        self.events.append(("beginText", None))
        return Text(self, x, y, direction=direction, events=self.events)

    def linkURL(self, url: str, rect: Any, *args: Any, **kw: Any) -> None:  # noqa: N802
        self.events.append(("linkURL", url))
        super().linkURL(url, rect, *args, **kw)

    def linkRect(self, contents: str, name: str, *args: Any, **kw: Any) -> None:  # noqa: N802
        self.events.append(("linkRect", name))
        super().linkRect(contents, name, *args, **kw)

    def showPage(self) -> None:  # noqa: N802
        self.events.append(("page", list(self._code)))
        super().showPage()


def build(flowables: list[Any], height: float = 800) -> tuple[list[tuple[str, Any]], bytes]:
    Recorder.events = []
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=(300, height), invariant=1)
    doc.build(flowables, canvasmaker=Recorder)
    return Recorder.events, out.getvalue()


def test_a_paragraph_draws_one_text_object_a_line_at_a_time() -> None:
    events, _ = build([Paragraph("one two three four five six seven eight nine ten eleven "
                                 "twelve thirteen fourteen fifteen <b>sixteen</b> seventeen "
                                 "eighteen nineteen twenty", STYLE)])
    assert [e for e, _ in events].count("beginText") == 1
    texts = [value for event, value in events if event == "text"]
    assert all(added == 1 for _, _, added in texts)  # one _code entry per _textOut
    assert [stars for _, stars, _ in texts].count(1) >= 2  # each line ends with T*
    (code,) = [value for event, value in events if event == "page"]
    (text,) = [c for c in code if c.startswith("BT")]
    assert text.endswith("ET")  # getCode closes the text object it joins


def test_link_records_come_after_the_link_text_and_before_what_follows() -> None:
    markup = ('before <a href="https://example.org/a">the link text that runs on over the '
              'end of the line onto the next one</a> after <a href="#there">here</a>'
              '<a name="there"/> and <a href="packgen-page:3">page</a>')
    events, pdf = build([Paragraph(markup, ParagraphStyle("n", parent=STYLE))])
    starts = [(i, v) for i, (e, v) in enumerate(events) if e == "start"]
    keys = [key for _, (key, _) in starts]
    assert keys[0] == keys[1] and keys[0][1] == "https://example.org/a"  # (n, href)
    for i, (_, last) in starts:  # 'start' right after the link's own text went out
        event, (text, _, _) = events[i - 1]
        assert event == "text" and last.endswith(("Tj", "T*")) and text.strip()
    ends = [v[0] for e, v in events if e == "end"]
    assert ends[:2] == [keys[0]] * 2
    # Annotations are made per line, after it, in the order written to /Annots.
    annotations = [(e, v) for e, v in events if e in ("linkURL", "linkRect")]
    lines = len(starts) - 2  # the first link's lines; one start for each other link
    assert lines >= 2 and annotations == [("linkURL", "https://example.org/a")] * lines + [
        ("linkRect", "there"), ("linkURL", "packgen-page:3")]
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    kinds = [("/URI" if "/URI" in a.get_object().get("/A", {}) else "/Dest")
             for a in page["/Annots"]]
    assert kinds == ["/URI"] * lines + ["/Dest", "/URI"]


def test_a_paragraph_that_is_one_link_is_drawn_by_the_simple_path() -> None:
    para = Paragraph('<a href="https://example.org/">all of it a link</a>', STYLE)
    events, _ = build([para])
    assert para.blPara.kind == 0 and para.frags[0].link
    assert not [e for e, _ in events if e in ("start", "end")]
    assert [v for e, v in events if e == "linkURL"] == ["https://example.org/"]


def test_paragraph_parts_and_table_parts_are_made_by_their_class() -> None:
    class Mine(Paragraph):  # type: ignore[misc]
        pass

    class MyTable(Table):  # type: ignore[misc]
        drawn: list[Any] = []

        def _drawCell(self, cellval: Any, *args: Any) -> None:  # noqa: N802
            MyTable.drawn.append((self, cellval))
            super()._drawCell(cellval, *args)

    para = Mine(" ".join(["word"] * 400), STYLE)
    assert {type(p) for p in para.split(300, 100)} == {Mine}
    rows = [[Paragraph("Head", STYLE), "x"]] + [[str(n), str(n)] for n in range(80)]
    table = MyTable(rows, repeatRows=1)
    parts = table.split(200, 300)
    assert {type(p) for p in parts} == {MyTable}
    assert parts[1].repeatRows == 1
    # The repeated heading row is the same cell values, by identity.
    assert parts[1]._cellvalues[0][0] is parts[0]._cellvalues[0][0]
    build([table], height=400)
    drawn = MyTable.drawn
    parts = list(dict.fromkeys(t for t, _ in drawn))
    assert len(parts) >= 2
    # Each part draws the heading cell first, the very value every part holds.
    firsts = [next(cell for t, cell in drawn if t is part) for part in parts]
    assert all(cell is part._cellvalues[0][0] for cell, part in zip(firsts, parts, strict=True))
    assert all(cell is firsts[0] for cell in firsts)


def test_list_bullets_are_made_once_per_item_and_drawn_through_begin_text() -> None:
    made: list[Any] = []

    class Mine(ListFlowable):  # type: ignore[misc]
        def _makeBullet(self, value: Any, params: Any = None) -> Any:  # noqa: N802
            drawer = super()._makeBullet(value, params)
            made.append(drawer)
            return drawer

    items = [ListItem([Paragraph(f"item {n}", STYLE), Paragraph("more", STYLE)])
             for n in range(3)]
    events, _ = build([Mine(items, bulletType="1", bulletFormat="%s.")])
    assert len(made) == 3 and all(type(d) is BulletDrawer for d in made)
    assert [d.value for d in made] == [1, 2, 3]
    # Each bullet is its own text object (drawString -> beginText -> textLine).
    assert [e for e, _ in events].count("beginText") == 3 + 6


def test_a_hanging_number_is_a_text_object_of_its_own() -> None:
    style = ParagraphStyle("h", parent=STYLE, leftIndent=36, bulletIndent=0)
    events, _ = build([Paragraph("Heading", style, bulletText="2.3")])
    assert [e for e, _ in events].count("beginText") == 2


def test_a_picture_is_drawn_between_q_and_q_of_its_own() -> None:
    image = Image(str(PICTURE), width=50, height=50)
    events, _ = build([image])
    (code,) = [value for event, value in events if event == "page"]
    (at,) = [n for n, c in enumerate(code) if re.fullmatch(r"/\S+ Do", c)]
    assert [code[at - 4], code[at - 2], code[at + 1], code[at + 2]] == ["q", "q", "Q", "Q"]
    canvas = Canvas(io.BytesIO())
    canvas.translate(10, 20)
    assert canvas._currentMatrix == (1, 0, 0, 1, 10, 20)


def test_text_goes_out_formatted_by_one_method() -> None:
    text = PDFTextObject(Canvas(io.BytesIO()), 0, 0)
    assert text._code[0] == "BT" and text._formatText("a b").endswith(" Tj")
    text.textOut("x")  # a hanging number
    text.textLine("y")  # a list's bullet: not through _textOut
    assert text._code[-2:] == [text._formatText("x"), text._formatText("y") + " T*"]


def test_a_paragraph_is_set_up_from_its_markup_or_from_fragments_given() -> None:
    # TaggedParagraph._setup hands over fragments parsed before, with the text cleaned.
    calls: list[tuple[Any, ...]] = []

    class Noted(Paragraph):  # type: ignore[misc]
        def _setup(self, *args: Any) -> None:
            calls.append(args)
            super()._setup(*args)

    parsed = Noted("<b>Bold</b>  text", STYLE)
    (text, style, bullet, frags, cleaner), = calls
    assert (text, style, bullet, frags) == ("<b>Bold</b>  text", STYLE, None, None)
    given = Paragraph(None, STYLE, frags=[f.clone() for f in parsed.frags])
    given._setup(cleaner("<b>Bold</b>  text"), STYLE, None, [f.clone() for f in parsed.frags],
                 cleaner)
    assert given.text == parsed.text and [f.__dict__ for f in given.frags] == [
        f.__dict__ for f in parsed.frags]
    assert parsed.caseSensitive == 1


def test_markup_parses_by_the_style_s_font_size_and_colour_only() -> None:
    # What TaggedParagraph's parse cache keys on (besides the lines' and case settings).
    def frags(style: ParagraphStyle) -> list[dict[str, Any]]:
        return [f.__dict__ for f in Paragraph('<b>a</b> <a href="x">b</a> c', style).frags]

    other = ParagraphStyle("t", parent=STYLE, leading=30, leftIndent=20, alignment=2,
                           spaceBefore=5, spaceAfter=5, bulletFontName="Courier",
                           splitLongWords=0)
    assert frags(other) == frags(STYLE)
    assert frags(ParagraphStyle("u", parent=STYLE, fontSize=11)) != frags(STYLE)


def test_a_paragraph_s_lines_depend_on_its_width_and_a_paragraph_moved_whole_drops_them(
        ) -> None:
    # TaggedParagraph.wrap keeps the lines of a second wrap to the same width.
    para = Paragraph("word " * 200, STYLE)
    first = para.wrap(200, 1e9)
    lines = [line[1] for line in para.blPara.lines]
    assert para.wrap(200, 50) == first and [line[1] for line in para.blPara.lines] == lines
    assert para.split(200, 5) == [] and not hasattr(para, "blPara")


def test_plain_text_parses_to_one_fragment_of_the_style_holding_the_cleaned_text() -> None:
    # TaggedParagraph._setup makes a plain paragraph's fragment without the parser: it
    # must be the very fragment Platypus's parse gives, in any style, cased as told.
    from reportlab.lib import colors

    from packgen.tagged import TaggedParagraph

    styles = [STYLE, ParagraphStyle("u", parent=STYLE, textTransform="uppercase",
                                    fontName="Helvetica-Bold", textColor=colors.red),
              ParagraphStyle("c", parent=STYLE, textTransform="capitalize", fontSize=7,
                             underlineWidth=2, linkUnderline=1)]
    texts = ["Apologies", "  26/01511/FUL:  63 Park\u00a0View \n next line ", "1.",
             "quote's \"here\" > there", "Ŵyn — £5 €6 ✓", "x" * 300]
    for style in styles:
        for text in texts:
            ours, theirs = TaggedParagraph(text, style), Paragraph(text, style)
            assert ours.text == theirs.text and len(ours.frags) == len(theirs.frags) == 1
            assert ours.frags[0].__dict__ == theirs.frags[0].__dict__
            assert ours.frags[0].link is not theirs.frags[0].link
    # Each paragraph's fragment is its own: drawing one never marks another.
    one, two = TaggedParagraph("same", STYLE), TaggedParagraph("same", STYLE)
    assert one.frags[0] is not two.frags[0] and one.frags[0].us_lines is not two.frags[
        0].us_lines


def test_the_faster_functions_give_reportlab_s_results() -> None:
    # packgen.rlspeed stands in for ReportLab's pure-Python fp_str, TrueType string
    # width and ASCII85 encoder: the same text and numbers, so the same bytes.
    import random

    from reportlab.lib import rl_accel
    from reportlab.pdfbase.ttfonts import TTFont

    from packgen import rlspeed
    from packgen.builtin import theme_dir

    python = {name: f for name, f in rl_accel._py_funcs.items() if f is not None}
    if not python:  # the C accelerator is installed: nothing is replaced
        assert rlspeed.install() == []
        return
    draw = random.Random(16)
    numbers: list[tuple[Any, ...]] = [(0,), (-0.0,), (1e-8,), (-1e-7,), (1.5e-7,), (1000,),
                                      (999.9999999,), (0.1 + 0.2,), (True,), (12, 34.5)]
    numbers += [tuple(draw.uniform(-2000, 2000) * 10 ** draw.randint(-9, 3)
                      for _ in range(draw.choice((1, 2, 4, 6)))) for _ in range(3000)]
    for args in numbers * 2:  # the second time from what is remembered
        assert rlspeed.fp_str(*args) == python["fp_str"](*args)
    assert rlspeed.fp_str([1.25, 2]) == python["fp_str"]([1.25, 2])
    font = TTFont("contract", str(sorted((theme_dir() / "fonts").glob("*.ttf"))[0]))
    for text in ["", "Apologies", "£5 — Ŵyn ✓", "x" * 50, b"bytes"] * 2:
        for size in (10, 9.5, 7.25):
            assert rlspeed.string_width_ttf(font, text, size) == python[
                "instanceStringWidthTTF"](font, text, size)
    blobs = [b"", b"\0", b"\0\0\0\0", b"\0\0\0\0\0", b"abc", bytes(range(256)) * 3]
    blobs += [bytes(draw.choice((0, 0, draw.randrange(256))) for _ in range(draw.randrange(40)))
              for _ in range(500)]
    for blob in blobs:
        assert rlspeed.ascii_base85(blob) == python["asciiBase85Encode"](blob)
    assert rlspeed.ascii_base85("text") == python["asciiBase85Encode"]("text")


def test_the_modules_that_draw_use_reportlab_s_functions_by_the_names_replaced() -> None:
    # rlspeed.install replaces the names these modules imported: an upgrade that moves
    # one would leave the slow function in use, silently.
    import importlib

    from reportlab.lib import rl_accel

    from packgen import rlspeed

    rlspeed.install()
    for name, (faster, modules) in rlspeed._FASTER.items():
        for module_name in modules:
            held = getattr(importlib.import_module(module_name), name)
            assert held is faster or (rl_accel._py_funcs.get(name) is None
                                      and held is rl_accel._c_funcs[name])
