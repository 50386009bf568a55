"""What keeps layout bounded, and says where in the YAML content that cannot be laid out
comes from: long paragraphs laid out in pieces, pictures checked before decoding, and a
layout failure traced back to the text it holds.

Part of the typesetter (:mod:`packgen.typeset`); leans on Platypus's paragraph internals
(``blPara``, ``_get_split_blParaFunc``, ``frags``, ``_cellvalues``) here and nowhere else.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph

from packgen.errors import Position, Problem, TemplateError
from packgen.filecheck import MAX_PIXELS
from packgen.markdown import MAX_PARAGRAPH
from packgen.render import Located

LONG_PARAGRAPH = 4000
"""Characters of markup beyond which a paragraph is laid out in pieces (see _in_pieces)."""
PIECE_LINES = 30


def in_pieces(para: Paragraph, width: float) -> list[Flowable]:
    """A long paragraph as consecutive paragraphs of a few lines each, set as one.

    Platypus breaks a paragraph's remaining text into lines again on every page it
    flows onto, so one long paragraph takes time that grows with the square of its
    length (13 s for 350 KB). Broken into lines once here, and cut at line ends, it
    takes time in proportion: each piece's lines are the paragraph's own.
    """
    if len(para.text) <= LONG_PARAGRAPH:
        return [para]
    length = len(para.getPlainText())
    if length > MAX_PARAGRAPH:  # it would take minutes; no real paragraph is so long
        raise Unfit(para, length)
    para.wrap(width, 1e9)
    lines = para.blPara.lines
    if len(lines) <= PIECE_LINES:
        return [para]
    # Platypus's own way to cut a paragraph at a line (what Paragraph.split does).
    cut = para._get_split_blParaFunc()
    rest = copy.copy(para.style)
    rest.firstLineIndent = 0
    rest.spaceBefore = 0
    rest.allowOrphans = 1  # a piece's first line is not the paragraph's
    pieces: list[Flowable] = []
    for start in range(0, len(lines), PIECE_LINES):
        stop = min(start + PIECE_LINES, len(lines))
        style = copy.copy(para.style if start == 0 else rest)
        if stop < len(lines):
            style.spaceAfter = 0
        kind = type(para) if start == 0 else Paragraph
        piece = kind(None, style, bulletText=para.bulletText if start == 0 else None,
                     frags=cut(para.blPara, start, stop))
        piece._JustifyLast = stop < len(lines)  # a piece's last line is not the paragraph's
        pieces.append(piece)
    return pieces


def check_picture(path: Path, src: str, where: Position) -> None:
    """Refuse a picture that is not one, is damaged, or would take gigabytes to decode."""
    from PIL import Image as Picture

    try:
        with Picture.open(path) as picture:  # reads the header only
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise Picture.DecompressionBombError
            picture.load()  # a truncated file fails here rather than in the middle of layout
    except Picture.DecompressionBombError:  # Pillow's own limit is higher than ours
        raise TemplateError([Problem(where, f'image "{src}" is too large: more than '
                                     f"{MAX_PIXELS:,} pixels")]) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise TemplateError([Problem(where, f'image "{src}" cannot be read as a picture '
                                     f"({exc})")]) from None


class Unfit(Exception):  # noqa: N818 - not an error of ours: a paragraph too long
    def __init__(self, flowable: Flowable, length: int) -> None:
        self.flowable, self.length = flowable, length


class LayoutDocument(BaseDocTemplate):  # type: ignore[misc]
    """Notes the flowable it is placing, to say which did not fit."""

    current: Flowable | None = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.current = flowables[0] if flowables else None
        super().handle_flowable(flowables)


def unfit_problem(flowable: Flowable | None, located: Sequence[Located], origin: Path,
                   trouble: str) -> TemplateError:
    """The problem at the YAML text the flowable holds, in an officer's words.

    The flowable may be what is left of a split one, holding the end of a text only.
    """
    pieces = [_words(p) for p in _texts(flowable)] if flowable is not None else []
    whole = " ".join(pieces)
    matches = [(len(t), pos, what) for t, pos, what in located if t and (
        _words(t) in whole or any(len(p) > 20 and p in _words(t) for p in pieces))]
    if matches:
        _, pos, what = max(matches, key=lambda m: m[0])
        return TemplateError([Problem(pos, f"{what} {trouble}")])
    everything = [(pos, what) for t, pos, what in located if not t]
    if everything:
        pos, what = everything[0]
        return TemplateError([Problem(pos, f"in {what}, a table row, picture or paragraph "
                                           f"{trouble.replace('is too long', 'is too big')}")])
    return TemplateError([Problem(Position(origin), f"content {trouble}")])


def _texts(flowable: Any) -> list[str]:
    """The text of each paragraph in a flowable (tables, lists, kept-together runs)."""
    if isinstance(flowable, Paragraph):
        # A split paragraph's second part holds words rather than text.
        return ["".join(getattr(f, "text", "") or " ".join(map(str, getattr(f, "words", ())))
                        for f in flowable.frags)]
    if isinstance(flowable, str):
        return [flowable]
    inner: list[Any] = list(flowable) if isinstance(flowable, list | tuple) else []
    for name in ("_cellvalues", "_content", "_flowables"):  # Table, KeepTogether, lists
        value = getattr(flowable, name, None)
        if isinstance(value, list | tuple):
            inner += value
    return [text for f in inner for text in _texts(f)]


def _words(text: str) -> str:
    return " ".join(text.casefold().split())
