"""Tag the drawings of a tagged attachment's flattened form fields.

:func:`packgen.pdf.forms.flatten_fields` draws each printing field's appearance into
its page, after the page's own content, as ``q <matrix> cm /PackgenFieldN Do Q`` in a
stream of its own, the appearance named in the page's resources. In an untagged page
that is all; in a tagged one it would be content that is neither tagged nor an artifact,
which PDF/UA refuses. So here each such drawing is bracketed: as marked content with an
MCID (``/Span <</MCID n>> BDC ... EMC``) when an element of the document held the
field's widget (:meth:`FieldDrawings.claim`, called while the structure is walked, gives
that element the marked-content reference in place of the widget's), else as an
``/Artifact``. A drawing is known by its appearance: the object the widget's printed
appearance is, named in the copy's resources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.forms import printed_appearance
from packgen.pdf.layers import Visibility
from packgen.pdf.objects import dictionary, entry, kind, resolved

FIELD_NAME = "/PackgenField"
"""How :func:`packgen.pdf.forms.flatten_fields` names the fields it draws (then a number)."""
_MCID = re.compile(rb"/MCID\s*([0-9]{1,9})")
_DRAWING = re.compile(rb"q [-+0-9. ]+ cm (/PackgenField[0-9]*) Do Q")


class FieldDrawings:
    """The flattened fields on one document's copied pages, and who holds each."""

    def __init__(self, reader: PdfReader, copies: Sequence[PageObject], writer: PdfWriter
                 ) -> None:
        self.reader, self.copies, self.writer = reader, copies, writer
        self._visibility: Visibility | None = None
        self._content_mcids: dict[int, set[int]] = {}
        self.claimed: dict[int, list[tuple[str, DictionaryObject, IndirectObject]]] = {}
        """By page index: (drawing's name, its new marked-content reference, its element);
        the reference's MCID is given when the page's ParentTree entry is made."""

    def claim(self, widget: DictionaryObject, page: int, holder: IndirectObject
              ) -> DictionaryObject | None:
        """The marked-content reference that stands for ``widget`` in its element, or None
        when the widget printed nothing (or its drawing is not found)."""
        if self._visibility is None:
            self._visibility = Visibility(self.reader)
        appearance = printed_appearance(widget, self._visibility)
        if appearance is None:
            return None
        copy = self.copies[page]
        named = dictionary(dictionary(copy, "/Resources"), "/XObject")
        taken = {name for name, _, _ in self.claimed.get(page, [])}
        for name, value in (named or {}).items():
            # Two widgets may share one appearance (a checkbox's face): each claims the
            # next drawing of it, in the order both were drawn.
            if str(name).startswith(FIELD_NAME) and name not in taken \
                    and resolved(value) is appearance:
                reference = DictionaryObject({NameObject("/Type"): NameObject("/MCR"),
                                              NameObject("/Pg"): copy.indirect_reference})
                self.claimed.setdefault(page, []).append((str(name), reference, holder))
                return reference
        return None

    def content_mcids(self, page: int) -> set[int]:
        """Every MCID the copy's content may use: in its own streams, its marked-content
        property lists and the form XObjects it draws (read as text, so a number that only
        looks like one counts too). A drawing's MCID must be a new one, content may use
        MCIDs no element names (an artifact with an MCID, say), and an element's reference
        to an MCID not among these points at nothing."""
        found = self._content_mcids.get(page)
        if found is not None:
            return found
        found = set()
        copy = self.copies[page]
        contents = resolved(copy.get("/Contents"))
        parts = contents if isinstance(contents, ArrayObject) else [contents]
        # The page's streams read as one, as a reader does: a split may fall between
        # "/MCID" and its number.
        texts = [b"\n".join(stream.get_data() for stream in map(resolved, parts)
                            if isinstance(stream, StreamObject))]
        texts += [form.get_data() for form in _forms(copy.get("/Resources"))]
        for text in texts:
            found.update(int(mcid[1]) for mcid in _MCID.finditer(text))
        named = dictionary(dictionary(copy, "/Resources"), "/Properties")
        for value in (named or {}).values():
            mcid = entry(value, "/MCID")
            if isinstance(mcid, int):
                found.add(int(mcid))
        self._content_mcids[page] = found
        return found

    def finish(self) -> None:
        """Bracket every field drawn on the document's pages: tagged, or an artifact."""
        for index, copy in enumerate(self.copies):
            contents = resolved(copy.get("/Contents"))
            if not isinstance(contents, ArrayObject):
                continue  # flattening always leaves an array: nothing was drawn here
            mcids = {name.encode("latin-1"): reference.get("/MCID")
                     for name, reference, _ in self.claimed.get(index, [])}
            for part in contents:
                stream = resolved(part)
                if not isinstance(part, IndirectObject) or part.pdf is not self.writer \
                        or not isinstance(stream, StreamObject):
                    continue  # the attachment's own content: nothing of ours drawn there
                data = stream.get_data()
                if FIELD_NAME.encode("ascii") in data:
                    stream.set_data(_DRAWING.sub(partial(_bracket, mcids=mcids), data))


def _bracket(drawing: re.Match[bytes], mcids: dict[bytes, PdfObject | None]) -> bytes:
    """A field's drawing as content of its element, or as an artifact."""
    mcid = mcids.get(drawing[1])
    if not isinstance(mcid, int):
        return b"/Artifact BMC " + drawing[0] + b" EMC"
    return b"/Span <</MCID %d>> BDC " % mcid + drawing[0] + b" EMC"


MAX_STREAMS = 100_000


def _forms(resources: PdfObject | None) -> list[StreamObject]:
    """The form XObjects ``resources`` name, and those theirs name, to any depth: a form
    scrubbing cleaned has lost its /StructParents, so its MCIDs may be the page's."""
    found: dict[int, StreamObject] = {}
    pending = list((dictionary(resources, "/XObject") or {}).values())
    while pending and len(found) < MAX_STREAMS:
        form = resolved(pending.pop())
        if isinstance(form, StreamObject) and id(form) not in found \
                and kind(form, "/Subtype") == "/Form":
            found[id(form)] = form
            pending.extend((dictionary(form.get("/Resources"), "/XObject") or {}).values())
    return list(found.values())


def drawn_streams(copies: Sequence[PageObject]) -> set[int]:
    """id() of every stream the copies draw: XObjects named in their resources (and in
    those XObjects' own, to any depth) and their annotations' appearances."""
    found: set[int] = set()
    streams: list[PdfObject | None] = []

    def named_in(resources: PdfObject | None) -> None:
        streams.extend((dictionary(resources, "/XObject") or {}).values())

    for copy in copies:
        named_in(copy.get("/Resources"))
        annots = resolved(copy.get("/Annots"))
        for annot in annots if isinstance(annots, ArrayObject) else ():
            for face in (dictionary(annot, "/AP") or {}).values():
                states = resolved(face)  # one appearance, or one for each state
                streams.extend(states.values() if isinstance(states, DictionaryObject)
                               and not isinstance(states, StreamObject) else [states])
    while streams and len(found) < MAX_STREAMS:
        stream = resolved(streams.pop())
        if isinstance(stream, StreamObject) and id(stream) not in found:
            found.add(id(stream))
            named_in(stream.get("/Resources"))
    return found
