"""Every link a pack holds, from whichever side it comes: the one module that decides them.

- **Which addresses** a link may open (:func:`is_safe_uri`): a whole web address, an
  e-mail or a phone number, the scheme in any case. Markdown bodies, templates'
  ``<a href>`` and attachments' own links are judged by this one rule, while a meeting is
  validated and while its pack is built, so whatever ``validate`` accepts ``build`` lays
  out as the same link.
- **Links to a page of the pack from our own pages**: a template writes ``#page=N``; the
  typesetter writes it into its PDF as :data:`PAGE_LINK_SCHEME` ``N``
  (:func:`href_target`), and once the pack's pages are all in place
  :func:`resolve_page_links` makes it a link to that page. Templates cannot write that
  form themselves: it is not an address any input may give, only the typesetter's.
- **Attachments' own links** (:func:`link_target`, :class:`Destinations`): rebuilt
  from scratch, never copied. A destination array may be made to hold anything
  (``[<< /AA ... >> /Fit]``, a reference to a dictionary full of JavaScript), and what a
  link names is written into the pack. So its page is kept only when it is one of this
  attachment's pages (mapped to the pack's copy) or a page index within the attachment,
  its view only when it is one PDF defines with the right count of numbers; otherwise
  the link loses its target, as a viewer ignores a destination it cannot read. Named
  destinations are looked up and pointed at the pack's page, since the attachment's name
  tree stays behind with its catalog. An action is rebuilt from its type and one value.
- **References to copied pages** (:class:`Copies`): assembling remembers which page of
  an attachment each pack page copies, and the writer writes a reference to such a page
  (from an outline, a structure element, a link it kept) as a reference to the copy.

``validate`` and the typesetting process use the first two and must not import pypdf:
it takes about 100 ms, a fifth of the half second ``validate`` of a 1,000-page meeting
may take, and the typesetting process is forked before pypdf loads so that the two
halves load side by side. So this module imports pypdf only inside the functions that
handle PDF objects (and for annotations under ``TYPE_CHECKING``); ``tests/test_links.py``
checks that it stays so.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from packgen.errors import Position, Problem, TemplateError

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

    from packgen.layout import Plan

# -- which addresses ---------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
"""The schemes a link may use, in lower case (schemes are case-insensitive, RFC 3986, 3.1):
it opens a web page, writes an e-mail or rings a number, nothing else (no ``javascript:``,
``file:``, ``data:``, or a viewer's own ``pdf:`` or ``launch:``)."""
_WEB = ("http", "https")


def is_safe_uri(text: str) -> bool:
    """Whether ``text`` is a whole web (``scheme://host...``), mail or phone address.

    A web address must name a host: ``http:javascript:alert(1)`` has the right scheme but
    no host, and some viewers hand what follows the scheme to a script engine. No
    whitespace or control character may appear anywhere, as viewers and browsers strip
    or stop at them differently (``https://example.org\\x00javascript:...``).
    """
    if not text or any(c.isspace() or unicodedata.category(c) == "Cc" for c in text):
        return False
    scheme, colon, rest = text.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in SAFE_SCHEMES or not rest:
        return False
    if scheme not in _WEB:
        return True
    try:
        return rest.startswith("//") and bool(urlsplit(text).hostname)
    except ValueError:  # a malformed IPv6 host, say
        return False


# -- links to a page of the pack, from our own pages --------------------------------------

PAGE_LINK_SCHEME = "packgen-page:"
"""How the typesetter writes a link to page N (1-based) of the pack, for
:func:`resolve_page_links`. Not a scheme :func:`is_safe_uri` accepts, so no template,
Markdown text or attachment can write one: ``#page=N`` is the way."""
_PAGE_HREF = re.compile(r"#page=([1-9][0-9]{0,5})")
_TEMPLATES = {"front": "frontsheet.html", "filler": "filler.html"}
"""Our own pages whose page links are resolved, by placement kind, and the template each
is typeset from. A rendered document is typeset before the pack is laid out, once for
both packs, so it cannot know a page of either: its links are cleaned as an attachment's,
and a ``#page=N`` in it goes nowhere."""


def href_target(href: str) -> str | None:
    """The address the typesetter writes for a template's ``<a href>``, None if refused."""
    page = _PAGE_HREF.fullmatch(href)
    if page:
        return PAGE_LINK_SCHEME + page[1]
    return href if is_safe_uri(href) else None


def href_problem(href: str) -> str | None:
    """Why a template's ``<a href="...">`` is refused, or None: the one message for it."""
    if href_target(href) is not None:
        return None
    return f'link "{href}": use a web address, mailto:, tel: or #page=N'


def resolve_page_links(writer: PdfWriter, layout: Plan) -> None:
    """Turn the typesetter's page links on the front sheet (and fillers) into links to
    those pages, now that every page of the pack is in ``writer``.

    A link to a page the pack does not have is the template's mistake, refused naming it:
    only the built pack knows its length, so ``validate`` cannot find it.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    from packgen.pdf.objects import entry, kind, resolved

    for placement in layout.placements:
        template = _TEMPLATES.get(placement.kind)
        if template is None:
            continue
        for page in writer.pages[placement.start:placement.start + placement.pages]:
            annots = entry(page, "/Annots")
            for ref in annots if isinstance(annots, ArrayObject) else ():
                annot = resolved(ref)
                action = entry(annot, "/A")
                if not isinstance(annot, DictionaryObject) \
                        or not isinstance(action, DictionaryObject) \
                        or kind(action, "/S") != "/URI" \
                        or not _uri(action).startswith(PAGE_LINK_SCHEME):
                    continue
                target = int(_uri(action)[len(PAGE_LINK_SCHEME):])
                if target > layout.total:
                    pages = "1 page" if layout.total == 1 else f"{layout.total} pages"
                    raise TemplateError([Problem(Position(Path(template)),
                                                 f'link "#page={target}": the pack has {pages}')])
                del annot["/A"]
                annot[NameObject("/Dest")] = ArrayObject(
                    [writer.pages[target - 1].indirect_reference, NameObject("/Fit")])


# -- references to copied pages -----------------------------------------------------------

ObjectKey = tuple[int, int]
"""``(id(document), object number)``: an object of one of the PDFs a build holds."""


def object_key(ref: IndirectObject) -> ObjectKey:
    return (id(ref.pdf), ref.idnum)


class Copies(dict[ObjectKey, "IndirectObject"]):
    """Which attachment page each page of the pack copies: the copy, by the
    :func:`object_key` of the page it copies. The writer writes a reference to a copied
    page as one to its copy; it looks up nearly every reference it writes, so this is a
    plain dictionary, read with ``get``."""

    def note(self, original: IndirectObject, copy: IndirectObject) -> None:
        self[object_key(original)] = copy


# -- attachments' own links ---------------------------------------------------------------

PAGE_MOVES = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
"""The named actions PDF defines; others (Print, SaveAs, Close...) are a viewer's own."""
VIEWS = {"/XYZ": 3, "/Fit": 0, "/FitB": 0, "/FitH": 1, "/FitBH": 1, "/FitV": 1, "/FitBV": 1,
         "/FitR": 4}
"""Each way a destination shows its page, and how many numbers follow it (PDF 2.0, 12.3.2.2)."""


class Destinations:
    """An attachment's destinations, as pages of the pack; its pages and names are read
    only when a link needs them."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, start: int, count: int) -> None:
        self.writer, self.reader, self.start, self.count = writer, reader, start, count
        self._named: dict[str, ArrayObject | None] | None = None
        self._pages: dict[int, int] | None = None

    def resolve(self, dest: PdfObject | None) -> ArrayObject | None:
        """The destination rebuilt to point into the pack, or None when it cannot be."""
        from pypdf.generic import ArrayObject, DictionaryObject

        from packgen.pdf.objects import entry, resolved

        target = resolved(dest)
        if isinstance(target, DictionaryObject):
            target = entry(target, "/D")  # a destination in a dictionary (PDF 2.0, 12.3.2.4)
        if isinstance(target, ArrayObject):
            return self._explicit(target)
        if target is None:
            return None
        if self._named is None:
            self._named = self._read_names()
        return self._named.get(str(target))

    def _explicit(self, target: ArrayObject) -> ArrayObject | None:
        from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

        from packgen.pdf.objects import number, resolved

        if not target:
            return None
        page = self._page(target[0])
        found_view = resolved(target[1]) if len(target) > 1 else None
        view = str(found_view) if isinstance(found_view, NameObject) else ""
        wanted = VIEWS.get(view)
        values = [resolved(v) for v in target[2:]]
        if page is None or wanted is None or len(values) > wanted:
            return None
        # Fewer numbers than the view takes leave the rest unchanged (null), as viewers
        # read them; /FitR has no "unchanged", so it needs all four.
        values += [NullObject()] * (wanted - len(values))
        shown: list[PdfObject] = []
        for value in values:
            found = number(value)
            if found is not None:
                shown.append(FloatObject(found))
            elif isinstance(value, NullObject) and view != "/FitR":
                shown.append(NullObject())
            else:
                return None
        return ArrayObject([page, NameObject(view), *shown])

    def _page(self, first: PdfObject) -> IndirectObject | None:
        """The pack's copy of the page ``first`` names, or None if it names no page of this
        attachment (another document's page, a dictionary, anything else)."""
        from pypdf.generic import IndirectObject, NumberObject

        from packgen.pdf.objects import resolved

        index: int | None = None
        if isinstance(first, IndirectObject) and first.pdf is self.reader:
            if self._pages is None:
                self._pages = {}
                for i, page in enumerate(self.reader.pages):
                    if page.indirect_reference is not None:
                        self._pages.setdefault(page.indirect_reference.idnum, i)
            index = self._pages.get(first.idnum)
        if index is None:
            value = resolved(first)
            if isinstance(value, NumberObject):
                index = int(value)  # a page index, as remote destinations give it
        if index is None or not 0 <= index < self.count:
            return None
        return self.writer.pages[self.start + index].indirect_reference

    def _read_names(self) -> dict[str, ArrayObject | None]:
        from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

        from packgen.pdf.unreadable import UNREADABLE

        named: dict[str, ArrayObject | None] = {}
        try:
            destinations = self.reader.named_destinations
        except UNREADABLE:
            return named
        for name, dest in destinations.items():
            try:
                index = self.reader.get_destination_page_number(dest)
            except UNREADABLE:
                continue
            if index is None or not 0 <= index < self.count:
                continue
            page = self.writer.pages[self.start + index].indirect_reference
            if dest.typ == "/XYZ":
                coords = [FloatObject(v) if isinstance(v, int | float) else NullObject()
                          for v in (dest.left, dest.top, dest.zoom)]
                named[str(name)] = ArrayObject([page, NameObject("/XYZ"), *coords])
            else:
                named[str(name)] = ArrayObject([page, NameObject("/Fit")])
        return named


def link_target(annot: DictionaryObject, destinations: Destinations) -> PdfObject | None:
    """A link's destination in the pack, or a fresh copy of its safe action; None if neither."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from packgen.pdf.objects import entry, kind

    action = entry(annot, "/A")
    if action is None:
        return destinations.resolve(annot.get("/Dest"))
    if not isinstance(action, DictionaryObject) or not _safe(action, 0):
        return None
    if kind(action, "/S") == "/GoTo":
        return destinations.resolve(action.get("/D"))
    if kind(action, "/S") == "/URI":
        return DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                 NameObject("/URI"): TextStringObject(_uri(action))})
    return DictionaryObject({NameObject("/S"): NameObject("/Named"),
                             NameObject("/N"): NameObject(kind(action, "/N"))})


def _uri(action: DictionaryObject) -> str:
    from packgen.pdf.objects import entry

    uri = entry(action, "/URI")
    if isinstance(uri, bytes):
        return uri.decode("latin-1")
    return str(uri) if isinstance(uri, str) else ""


def _safe(action: DictionaryObject, depth: int) -> bool:
    """Whether an action, and every action chained after it, is harmless."""
    from pypdf.generic import ArrayObject, DictionaryObject

    from packgen.pdf.objects import entry, kind, resolved

    action_kind = kind(action, "/S")
    if depth > 8 or action_kind not in ("/GoTo", "/URI", "/Named") \
            or action_kind == "/URI" and not is_safe_uri(_uri(action)) \
            or action_kind == "/Named" and kind(action, "/N") not in PAGE_MOVES:
        return False
    following = entry(action, "/Next")
    if following is None:
        return True
    chain = following if isinstance(following, ArrayObject) else [following]
    return all(isinstance(resolved(a), DictionaryObject)
               and _safe(resolved(a), depth + 1) for a in chain)  # type: ignore[arg-type]
