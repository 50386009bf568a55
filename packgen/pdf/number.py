"""Number the pages: which stamps go on which page, page labels and the agenda's links.

"Page N" goes on every page after the front sheet (unless its label is roman), "Agenda
Item N" on the first page of each item's first document, NOT FOR PUBLICATION and the
exempt paragraph on each exempt page; what each looks like, and where on a page it sits,
is :mod:`packgen.pdf.stamps`. A stamp is a few bytes of content appended to the page,
between a ``q`` prepended and a ``Q`` appended to its own content so nothing the page
leaves in the graphics state moves it, drawn with one shared embedded font, named in the
page's own resources under names its content does not use (:mod:`packgen.pdf.pages`).
The page's own content is never decoded, which keeps stamping cheap.

On an attachment's pages each stamp sits on a plate. The pages packgen typesets have
none: they are white, and their margins keep clear of the stamps.

With ``page_numbers: {make_room: true}`` an attachment page's own content is scaled down,
uniformly, just enough that the stamp bands stay clear: the footer band at the foot of
the page as displayed and the item band at its head (:func:`packgen.pdf.stamps.bands`,
applied by :func:`packgen.pdf.pages.room_matrix`); the page keeps its size, its
annotations move with its content (those its visible area no longer shows go, or are cut
to it), and so does every place in the pack that a link names on it: a destination's
left, top, right and bottom (``/XYZ``, ``/FitH``, ``/FitV``, ``/FitR`` ...) are moved by
the same transformation (:func:`_move_destinations`). The outline's entries name whole
pages (``/Fit``), so none of them moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

from packgen.errors import Position, Problem, TemplateError
from packgen.layout import Plan
from packgen.messages import Messages, english
from packgen.model import Attachment, Item
from packgen.pdf.boxes import Box
from packgen.pdf.bridge import add_object, page_list
from packgen.pdf.exemptnotice import first_exempt_pages, free_mcid
from packgen.pdf.links import resolve_page_links
from packgen.pdf.objects import entry, kind, number, resolved
from packgen.pdf.openstate import LeftOpen, left_open
from packgen.pdf.pages import (
    Matrix,
    Pages,
    displayed_matrix,
    invert,
    moved_rect,
    multiply,
    show_matrix,
)
from packgen.pdf.stampfonts import read_subsets
from packgen.pdf.stamps import (
    MIN_SCALE,
    Paper,
    Stamp,
    StampStyle,
    artifact,
    bands,
    draw,
    exempt_stamps,
    footers,
    item_stamp,
    paper,
    place,
    stamp_scale,
    theme_stamp_style,
    watermark,
)
from packgen.rendered import StampFonts

_FONTS = {"regular": "/PackgenStamp", "bold": "/PackgenStampBold"}
_SPENT_CLIP = "q 0 0 m n Q"
"""Ends a clip a page's content left pending ("re W" with nothing painted after it, as in
pypdf's redrawn field appearances): poppler keeps it past the form's end and would clip the
first plate's path with it, hiding every other stamp. Inside q/Q, the clip ends here."""
_DRAFT = "/PackgenDraft"
"""The watermark's translucent graphics state, named on a draft's pages only."""
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_AXES = {"/XYZ": "xy", "/FitH": "y", "/FitBH": "y", "/FitV": "x", "/FitBV": "x",
         "/FitR": "xyxy"}
"""Which of a destination's numbers are across (x) and which up (y) the page: /XYZ's
third, its zoom, is neither."""


def room_scale(box: Box, bottom: float, top: float) -> float:
    """How much a page's content shrinks so bands of ``bottom`` and ``top`` (in its user
    space) at the foot and head of the page as displayed stay clear: s = (H - bottom -
    top) / H; never below :data:`~packgen.pdf.stamps.MIN_SCALE`, which the stamps' own
    shrinking on a short page keeps it from reaching
    (:func:`~packgen.pdf.stamps.stamp_scale`)."""
    return max(MIN_SCALE, min(1.0, (box.height - bottom - top) / box.height))


def room_matrix(box: Box, bottom: float, top: float) -> Matrix:
    """The transformation of the page's user space that scales its content by
    :func:`room_scale` about the displayed page's horizontal centre, its foot lifted to
    ``bottom`` (with the least scale, centred in the room between the bands)."""
    scale = room_scale(box, bottom, top)
    # Exactly ``bottom`` unless the scale is held at its least: then centred between bands.
    lift = bottom + (box.height - bottom - top - scale * box.height) / 2
    shown = (scale, 0.0, 0.0, scale, (1 - scale) * box.width / 2, lift)
    to_user = displayed_matrix(box)
    return multiply(multiply(invert(to_user), shown), to_user)


class Stamper:
    """Adds stamps to pages of one writer."""

    def __init__(self, writer: PdfWriter, fonts: StampFonts, style: StampStyle) -> None:
        self.writer = writer
        self.fonts = fonts
        self.style = style
        self.pages = Pages(writer)
        self.moved: dict[int, Matrix] = {}
        self._shapes: dict[tuple[Paper, bool, bool], tuple[float, str]] = {}
        """How each page whose content made room moved, by its object number."""
        self.subsets = read_subsets(fonts)
        # Each subset a variant uses, named on the page after the variant (a second and
        # further subset numbered); a house style may give one file for both variants, and
        # then they share its subsets, embedded once.
        clones: dict[str, IndirectObject] = {}
        self.font_refs: list[tuple[str, str, str, IndirectObject]] = []
        """(variant, font in ``fonts.pdf``, name wanted on the page, the embedded font)."""
        for variant, name in _FONTS.items():
            for index, key in enumerate(self.subsets.fonts(variant)):
                if key not in clones:
                    font = self.subsets.fonts_used[key].get_object()
                    assert isinstance(font, DictionaryObject)
                    clones[key] = add_object(writer, font.clone(writer))
                self.font_refs.append((variant, key, f"{name}{index or ''}", clones[key]))
        self.draft_state: IndirectObject | None = None
        self._runs: dict[tuple[str, str], list[tuple[str, bytes]]] = {}

    def runs(self, text: str, variant: str) -> list[tuple[str, bytes]]:
        """:meth:`Subsets.runs`, worked out once for each text ("Page 7" is on one page,
        but "Agenda Item", NOT FOR PUBLICATION and DRAFT on many)."""
        known = self._runs.get((text, variant))
        if known is None:
            known = self._runs[(text, variant)] = self.subsets.runs(text, variant)
        return known

    def stamp(self, page: PageObject, stamps: list[Stamp], draft: str = "",
              plate: bool = False, exempt: bool = False, make_room: bool = False,
              marked: bool = False, told: Sequence[tuple[Stamp, int]] = ()) -> None:
        """Draw the stamps (and the watermark ``draft``) upright on the page as displayed; each on
        a plate when ``plate``; with ``make_room``, the page's own content shrunk to leave
        the stamp bands (an exempt page's when ``exempt``) clear. Each is a pagination
        artifact. ``marked``: the page's content may carry marked content, and what it
        leaves open is closed first, so the stamps are never inside it. ``told``: stamps
        drawn as the page's content, each a P's marked content with the MCID given
        (:mod:`packgen.pdf.exemptnotice`).

        The page's resources gain only what its stamps draw with: the fonts (subsets) their
        text is written in, and the watermark's graphics state on a draft. What is drawn
        is appended in parts (:meth:`PageEditor.append`): the watermark, and a head of
        NOT FOR PUBLICATION alone, are each one stream every page showing it shares."""
        sheet = paper(page)
        shape = self._shapes.get((sheet, exempt, make_room))
        if shape is None:  # pages of one document are as good as always alike
            scale = stamp_scale(sheet, self.style, exempt, make_room)
            matrix = sheet.to_user
            shape = self._shapes[(sheet, exempt, make_room)] = (
                scale, "" if matrix == _IDENTITY else f"{show_matrix(matrix)} cm")
        scale, placing = shape
        placed = place(stamps, sheet, self.style, scale, self.fonts.width)
        told_placed = [place([stamp], sheet, self.style, scale, self.fonts.width)
                       for stamp, _ in told]
        used = {(s.variant, font) for s in [*placed, *(p for said in told_placed for p in said)]
                for font, _ in self.runs(s.text, s.variant)}
        if draft:
            used.update(("bold", font) for font, _ in self.runs(draft, "bold"))
        drawn_with = [font for font in self.font_refs if font[:2] in used]
        wanted: list[tuple[str, str, PdfObject]] = [
            ("/Font", name, ref) for _, _, name, ref in drawn_with]
        if draft:
            if self.draft_state is None:
                self.draft_state = add_object(self.writer, DictionaryObject({
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/ca"): FloatObject(0.18)}))
            wanted.append(("/ExtGState", _DRAFT, self.draft_state))
        editor = self.pages.edit(page)
        chosen = editor.add_resources(wanted) if wanted else []
        fonts: dict[str, dict[str, str]] = {variant: {} for variant in _FONTS}
        for (variant, key, _, _), name in zip(drawn_with, chosen, strict=False):
            fonts[variant][key] = name
        prefix = None
        if make_room:
            box = sheet.box
            bottom, top = (scale * band / sheet.unit for band in bands(self.style, exempt))
            moved = room_matrix(box, bottom, top)
            prefix = self.pages.prefix(moved, box)
            editor.move_annotations(moved, moved_rect(moved, box[:4]))
            if page.indirect_reference is not None:
                self.moved[page.indirect_reference.idnum] = moved
        left = left_open(page.get("/Contents")) if marked else LeftOpen()
        opening = ["EMC"] * left.marked + ["Q"] * left.saved + ["Q", _SPENT_CLIP, "q"]
        # Parts drawn alike on many pages are streams of their own, shared: see append.
        parts: list[tuple[list[str], bool]] = [(opening + [placing] if placing else opening,
                                                False)]
        if draft:
            parts.append((artifact("Watermark", watermark(
                sheet.width, sheet.height, draft,
                [(fonts["bold"][font], data) for font, data in self.runs(draft, "bold")],
                chosen[-1], self.fonts.width)), True))
        for subtype, at_foot in (("Footer", True), ("Header", False)):
            group = [p for p, s in zip(placed, stamps, strict=True) if (s.y >= 0) == at_foot]
            if group:
                # NOT FOR PUBLICATION and its paragraph alone are alike on every exempt page.
                alike = not at_foot and exempt and len(group) == 2
                parts.append((artifact(subtype, draw(group, self.style, scale, fonts, plate,
                                                     self.runs)), alike))
        for said, (_, mcid) in zip(told_placed, told, strict=True):
            parts.append(([f"/P <</MCID {mcid}>> BDC",
                           *draw(said, self.style, scale, fonts, plate, self.runs), "EMC"],
                          False))
        parts.append((["Q"], False))
        editor.append(_streams(parts), isolated=True, prefix=prefix)


def _streams(parts: list[tuple[list[str], bool]]) -> list[bytes]:
    """The content of each stream a stamp is appended as: each part shared by many pages
    on its own, the parts between them run together."""
    streams: list[bytes] = []
    run: list[str] = []
    for ops, shared in parts:
        if shared:
            if run:
                streams.append(_content(run))
                run = []
            streams.append(_content(ops))
        else:
            run += ops
    if run:
        streams.append(_content(run))
    return streams


def _content(ops: list[str]) -> bytes:
    return ("\n".join(ops) + "\n").encode("ascii")


StampFontsFor = Callable[[Mapping[str, str]], StampFonts]
"""The stamp fonts holding, beyond ASCII, the characters given for each variant."""


def number_pages(writer: PdfWriter, layout: Plan, fonts: StampFontsFor, draft: bool = False,
                 style: StampStyle | None = None, words: Messages | None = None,
                 marked: frozenset[int] = frozenset()) -> dict[int, tuple[int, ...]]:
    """Stamp "Page N", "Agenda Item N" and NOT FOR PUBLICATION; watermark a draft; set
    page labels and resolve the agenda's links. An attached PDF's pages get plates, and
    make room for the stamps when it asks to (:attr:`packgen.model.Attachment.make_room`).
    ``fonts``: made once every stamp's text is known, so that they hold what it needs.
    ``style``: the theme's unless given; ``words``: the stamps' words, English unless given.
    ``marked``: the pages (of tagged attachments) whose content may leave marked content
    open (:mod:`packgen.pdf.openstate`). Returns the pages whose NOT FOR PUBLICATION
    is content, not an artifact, with its lines' MCIDs (:mod:`packgen.pdf.exemptnotice`)."""
    style = style or theme_stamp_style()
    item_starts: dict[int, Item] = {}
    attached: dict[int, Attachment] = {}  # pages of PDFs attached, not typeset by packgen
    for placement in layout.placements:
        if layout.has_agenda and placement.kind == "attachment" and placement.item is not None \
                and all(item is not placement.item for item in item_starts.values()):
            item_starts[placement.start] = placement.item
        if placement.attachment is not None and placement.attachment.document is None:
            attached.update(dict.fromkeys(range(placement.start, placement.last + 1),
                                          placement.attachment))
    exempt = layout.exempt_pages()
    said_first = first_exempt_pages(layout)
    pages: list[list[Stamp]] = []
    page_stamp = footers(words)
    for index in range(layout.total):
        stamps = []
        label = layout.labels[index]
        if index >= layout.front_pages and not label.roman:
            stamps.append(page_stamp(str(label)))
        if index in item_starts:
            stamps.append(item_stamp(item_starts[index].number, words))
        if index in exempt:
            stamps += exempt_stamps(exempt[index])
        pages.append(stamps)
    told: dict[int, tuple[int, ...]] = {index: (free, free + 1) for index in sorted(said_first)
            for free in [free_mcid(writer.pages[index])]}
    # The watermark's characters are in the fonts as every stamp's are ("DRAFFT").
    mark = Stamp((words or english()).word("draft_watermark"), "bold") if draft else None
    stamper = Stamper(writer, _fonts_for(pages, fonts, mark), style)
    pack_pages = page_list(writer)
    for index, stamps in enumerate(pages):
        attachment = attached.get(index)
        make_room = attachment is not None and attachment.make_room
        if stamps or draft or make_room:
            notice: list[tuple[Stamp, int]] = []
            if index in told:  # the exempt stamps, last, are the document's first words
                stamps, notice = stamps[:-2], list(zip(stamps[-2:], told[index], strict=True))
            stamper.stamp(pack_pages[index], stamps, mark.text if mark else "",
                          plate=attachment is not None,
                          exempt=index in exempt, make_room=make_room,
                          marked=index in marked, told=notice)
    if stamper.moved:
        _move_destinations(writer, stamper.moved)
    _labels(writer, layout)
    resolve_page_links(writer, layout)
    return told


def _fonts_for(pages: list[list[Stamp]], fonts: StampFontsFor, mark: Stamp | None = None
               ) -> StampFonts:
    """The stamp fonts holding every character the stamps (and the watermark ``mark``,
    said as on the first page) use; a character the house font has no glyph for is a
    problem, never a box or a "?" on the page."""
    if mark is not None:
        pages = [[*pages[0], mark], *pages[1:]] if pages else [[mark]]
    chars: dict[str, set[str]] = {}
    for stamps in pages:
        for stamp in stamps:
            chars.setdefault(stamp.variant, set()).update(
                ch for ch in stamp.text if not " " <= ch <= "~")
    made = fonts({variant: "".join(sorted(held)) for variant, held in sorted(chars.items())
                  if held})
    problems: dict[tuple[Position, str], Problem] = {}
    for page, stamps in enumerate(pages, 1):
        for stamp in stamps:
            for ch in made.lacks(stamp.text, stamp.variant):
                position = stamp.origin or Position(Path(made.files[stamp.variant]))
                problems.setdefault((position, ch), Problem(position, (
                    f"the house font {Path(made.files[stamp.variant]).name} has no glyph for "
                    f"{ch!r} (U+{ord(ch):04X}), which the stamp {stamp.text!r} on page "
                    f"{page} of the pack uses; give a font that has it (fonts: in the house "
                    "style) or other wording")))
    if problems:
        raise TemplateError(list(problems.values()))
    return made


def _move_destinations(writer: PdfWriter, moved: dict[int, Matrix]) -> None:
    """Move the places links name on pages whose content made room, as the content moved:
    every link's /Dest, and every /D of a GoTo action, on every page of the pack. Room is
    made by scaling and moving only (no turn), so across and up move apart."""
    seen: set[int] = set()
    for page in writer.pages:
        annots = entry(page, "/Annots")
        for ref in annots if isinstance(annots, ArrayObject) else ():
            annot = resolved(ref)
            if not isinstance(annot, DictionaryObject):
                continue
            action = entry(annot, "/A")
            holder, key = (action, "/D") if isinstance(action, DictionaryObject) \
                and kind(action, "/S") == "/GoTo" else (annot, "/Dest")
            if id(holder) in seen:  # one object named twice is moved once
                continue
            seen.add(id(holder))
            target = resolved(holder.get(key))
            if isinstance(target, ArrayObject):
                shown = _moved_destination(target, moved)
                if shown is not None:
                    holder[NameObject(key)] = shown


def _moved_destination(dest: ArrayObject, moved: dict[int, Matrix]) -> ArrayObject | None:
    """A copy of an explicit destination with its numbers moved, when its page moved."""
    page = dest[0] if dest else None
    view = resolved(dest[1]) if len(dest) > 1 else None
    matrix = moved.get(page.idnum) if isinstance(page, IndirectObject) else None
    if matrix is None or not isinstance(view, NameObject) or str(view) not in _AXES:
        return None
    a, _, _, d, e, f = matrix
    values = list(dest[2:])
    for i, axis in enumerate(_AXES[str(view)][:len(values)]):
        value = number(values[i])
        if value is not None:  # null: "unchanged", which stays so
            values[i] = FloatObject(round(a * value + e if axis == "x" else d * value + f, 4))
    return ArrayObject([dest[0], dest[1], *values])


def _labels(writer: PdfWriter, layout: Plan) -> None:
    """Page labels that read as the printed numbers: one range per run of numbers."""
    start = 0
    for index in range(1, layout.total + 1):
        here = layout.labels[index] if index < layout.total else None
        before = layout.labels[index - 1]
        if here is not None and here.prefix == before.prefix and here.roman == before.roman \
                and here.number == before.number + 1:
            continue
        first = layout.labels[start]
        style = PageLabelStyle.LOWERCASE_ROMAN if first.roman else PageLabelStyle.DECIMAL
        writer.set_page_label(start, index - 1, style=style, prefix=first.prefix or None,
                              start=first.number)
        start = index
