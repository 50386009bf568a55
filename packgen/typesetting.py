"""The typesetting side of a build, in this process or in one of its own.

A build has two halves that do not need each other until late: reading the
attachments (pypdf) and typesetting our own pages (Jinja and ReportLab, whose
imports and fonts alone take about a third of a second). Building one meeting from
the command line, :class:`ForkedTypesetting` forks a process for the second half
as soon as the meeting is validated, so that the two run side by side on two
cores; the pack is byte-for-byte the same either way. Everything else (the
library, tests, several meetings in one process, ``--jobs`` workers) uses
:class:`InProcessTypesetting`, where fonts and imports are paid once. Both are a
:class:`Typesetting`, which is all the rest of a build knows of them. Given a
cache folder, a page whose HTML and typesetter were seen before is read back from
:mod:`packgen.cache` rather than laid out again, in whichever process typesets.

Requests name documents by their :class:`~packgen.layout.DocumentKey` and agenda
items by their place in the pack's agenda, which both processes hold alike (the
fork copied the meeting), and results are plain data.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import quote

from packgen import errors
from packgen.cache import TypesetCache, setup_digest, typeset_key
from packgen.disclosure import pack_view, view_item
from packgen.filerefs import inside
from packgen.forking import fork, stop
from packgen.layout import DocumentKey, Pack, owner, rendered_documents
from packgen.model import Attachment, Meeting
from packgen.rendered import StampFonts, Typeset

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from packgen.htmltree import Element
    from packgen.typeset import Typesetter

RowData = tuple[tuple[tuple[str, str], ...], int | None]
"""For each agenda item of a pack, in order: its printed page ranges and link target."""


class Typesetting(Protocol):
    """The typesetting half of one meeting's build: the pack's own pages, and its web page."""

    def document(self, key: DocumentKey) -> Typeset:
        """A document packgen renders itself (report, minutes, Markdown)."""

    def prefetch(self, keys: Sequence[DocumentKey]) -> None:
        """The documents :meth:`document` will be asked for, in that order: a typesetting
        that can work while the caller does something else makes them now."""

    def forecast(self, counts: Sequence[tuple[Attachment, int]]) -> None:
        """The main public pack's PDF attachments' page counts, as their files state them,
        before they are read properly: a typesetting that can work while the caller reads
        them lays out the front sheet on these (:mod:`packgen.serving`)."""

    def front_sheet(self, pack: Pack, rows: list[RowData]) -> Typeset:
        """The front sheet of ``pack``, its agenda showing ``rows``."""

    def front_sheet_within(self, pack: Pack, rows: list[RowData], pages: int | None
                           ) -> Typeset | int:
        """The front sheet of ``pack`` (as :meth:`front_sheet`) if it has at most ``pages``
        pages (None: any number) or the cache has it; else only how many pages it has,
        laid out without drawing them or remembered by the cache: a length the page
        ranges will not settle on."""

    def filler(self) -> Typeset:
        """The page that keeps the next document on a right-hand page."""

    def web_agenda(self, pack: Pack, rows: list[RowData], pdf_name: str) -> str:
        """The HTML agenda of ``pack``, linking to pages of ``pdf_name``."""

    def stamp_fonts(self, extra: Mapping[str, str] | None = None) -> StampFonts:
        """The font the page numbers and item marks are stamped in: printable ASCII and,
        for each variant in ``extra``, the characters given (sorted, each once)."""

    def close(self, *, failed: bool = False) -> None:
        """Let go of what typesetting holds; at once when the build ``failed``."""


class InProcessTypesetting:
    """Typesets the pack's own pages for one meeting, in this process."""

    def __init__(self, meeting: Meeting, templates: Path | None, trusted: bool = False,
                 cache: Path | None = None) -> None:
        from packgen.render import environment_for
        from packgen.theme import load_stylesheet

        self.meeting = meeting
        self.documents = rendered_documents(meeting)
        self.env = environment_for(meeting, templates, trusted)
        self.sheet = load_stylesheet(meeting.style, meeting.template_dirs(templates),
                                     meeting.root)
        self._typesetter: Typesetter | None = None
        self.cache = TypesetCache(cache) if cache is not None else None
        self._setup: str | None = None
        if self.cache is None:
            self.typesetter  # noqa: B018 - a font's problem is reported here, as before
        self._filler: Typeset | None = None

    @property
    def typesetter(self) -> Typesetter:
        """Made when first needed: a build whose pages are all in the cache needs none
        (nor ReportLab's layout, nor the fonts registered)."""
        if self._typesetter is None:
            from packgen.typeset import Typesetter

            self._typesetter = Typesetter(self.sheet, self.meeting.root)
        return self._typesetter

    def _typeset(self, name: str, context: dict[str, Any], decorative: bool = False,
                 exempt: bool = False) -> Typeset:
        typeset = self._typeset_within(name, context, decorative, exempt, None)
        assert isinstance(typeset, Typeset)
        return typeset

    def _typeset_within(self, name: str, context: dict[str, Any], decorative: bool,
                        exempt: bool, pages: int | None) -> Typeset | int:
        """The pages, or only their count when there are more than ``pages`` (None: the
        pages, however many)."""
        from packgen.htmltree import parse_html
        from packgen.render import located, render

        html, origin = render(self.env, name, context)
        # Parsed for the key only when it may name an image: a page found in the cache
        # needs no tree.
        tree = parse_html(html, origin) if self.cache is None or _IMG.search(html) else None
        # Exempt pages (an exempt document, a private pack's front sheet with its reasons)
        # are never stored: the cache folder sits beside the public packs, where a copy of
        # the folder would carry them to a website.
        key = "" if exempt else self._key(html, tree, decorative)
        found = self.cache.get(key) if self.cache is not None and key else None
        if found is not None:
            return found
        if self.cache is not None and key and pages is not None:
            count = self.cache.get_pages(key)
            if count is not None and count > pages:
                return count
        if tree is None:
            tree = parse_html(html, origin)
        typeset = self.typesetter.typeset(tree, origin, located(context), decorative) \
            if pages is None else self.typesetter.typeset(tree, origin, located(context),
                                                          decorative, drawn=pages)
        # Kept only if what the key was made from (images, fonts) is still what was drawn:
        # a file saved over while it was typeset must not be stored under its old bytes.
        if self.cache is not None and key:
            self._setup = None
            if self._key(html, tree, decorative) == key:
                if isinstance(typeset, int):
                    self.cache.keep_pages(key, typeset)
                else:
                    self.cache.keep(key, typeset)
        return typeset

    def _key(self, html: str, tree: Element | None, decorative: bool) -> str:
        """The cache key of these pages; "" when a file it depends on cannot be read (the
        typesetter then reports it, or the pages are made without the cache)."""
        if self.cache is None:
            return ""
        try:
            if self._setup is None:
                self._setup = setup_digest(self.sheet)
            images = []
            for src in _images(tree) if tree is not None else []:
                path = (self.meeting.root / src).resolve()
                # Only what the typesetter would draw: anything else is its to report.
                if not (src and inside(path, self.meeting.root.resolve()) and path.is_file()):
                    return ""
                images.append(path.read_bytes())
        except OSError:
            return ""
        return typeset_key(self._setup, html, images, decorative)

    def document(self, key: DocumentKey) -> Typeset:
        from packgen.render import document_context

        item, attachment = self.documents[key]
        assert attachment.document is not None
        # A public document sees its public pack in either pack, so its pages are the
        # same in both; only an exempt one (private pack) sees the rest. Either is the
        # pack of the document's own supplement, the only one it is in. An appendix is
        # where its report is.
        mine = owner(item, key)
        view = pack_view(self.meeting, Pack(not item.is_public(mine), item.supplement_of(mine)))
        context = document_context(attachment.document, view, view_item(view, item))
        return self._typeset(f"{attachment.document.kind}.html", context,
                             exempt=not item.is_public(mine))

    def prefetch(self, keys: Sequence[DocumentKey]) -> None:
        """Nothing to do: in this process, a document is made when it is asked for."""

    def forecast(self, counts: Sequence[tuple[Attachment, int]]) -> None:
        """Nothing to do: in this process, a front sheet is made when it is asked for."""

    def front_sheet(self, pack: Pack, rows: list[RowData]) -> Typeset:
        return self._typeset("frontsheet.html", self._context(pack, rows), exempt=pack.private)

    def front_sheet_within(self, pack: Pack, rows: list[RowData], pages: int | None
                           ) -> Typeset | int:
        return self._typeset_within("frontsheet.html", self._context(pack, rows), False,
                                    pack.private, pages)

    def filler(self) -> Typeset:
        if self._filler is None:
            # One filler serves every pack: it sees the main public pack's meeting.
            # It says nothing of the pack's: an artifact throughout.
            self._filler = self._typeset("filler.html", {"meeting": pack_view(self.meeting,
                                                                             Pack())}, True)
        return self._filler

    def web_agenda(self, pack: Pack, rows: list[RowData], pdf_name: str) -> str:
        from packgen.render import render

        context = {**self._context(pack, rows), "pdf": pdf_href(pdf_name), "pdf_name": pdf_name,
                   "pdf_size": PDF_SIZE}
        return render(self.env, "web/agenda.html", context)[0]

    def stamp_fonts(self, extra: Mapping[str, str] | None = None) -> StampFonts:
        from packgen.fonts import stamp_fonts

        return stamp_fonts(next(iter(self.typesetter.families.values())),
                           tuple(sorted((extra or {}).items())))

    def close(self, *, failed: bool = False) -> None:
        if self.cache is not None and not failed:
            self.cache.save()

    def _context(self, pack: Pack, rows: list[RowData]) -> dict[str, Any]:
        from packgen.render import AgendaRow, front_sheet_context

        view = pack_view(self.meeting, pack)
        agenda = [AgendaRow(item, ranges, link, pack.private, pack.supplement, view.jurisdiction,
                            view.words)
                  for item, (ranges, link) in zip(view.items, rows, strict=True)]
        return front_sheet_context(view, agenda, pack)


_IMG = re.compile(r"<img\b", re.IGNORECASE)
"""Where rendered HTML may hold an image (the parser reads tags in any case)."""


def _images(element: Element) -> list[str]:
    """The ``src`` of every image in the tree, in order: their bytes are in the key."""
    found = [element.attrs.get("src", "")] if element.tag == "img" else []
    for child in element.children:
        if not isinstance(child, str):
            found += _images(child)
    return found


PDF_SIZE = "\ue000pdf-size\ue000"
"""What the web agenda's ``pdf_size`` is while the page is made: the pack's size is known
only once it is written (private-use characters, which no text of a meeting holds)."""


def with_pdf_size(page: str, size: int) -> bytes:
    """The web agenda with the pack's size (``size`` bytes) where it says ``pdf_size``."""
    return page.replace(PDF_SIZE, file_size(size)).encode()


def file_size(size: int) -> str:
    """"1.2 MB", "340 KB": as GOV.UK gives a download's size (1 KB = 1,024 bytes)."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def pdf_href(name: str) -> str:
    """The pack's file name as a link from the page beside it.

    Every character a URL gives a meaning to is percent-encoded, the colon too, so a file
    called ``javascript:x.pdf`` is a relative link to that file, never a scheme, and a
    ``#``, ``?``, ``%`` or space in the name still leads to the file.
    """
    return quote(name, safe="")


class ForkedTypesetting:
    """:class:`InProcessTypesetting` in a forked process, called across a pipe."""

    def __init__(self, meeting: Meeting, templates: Path | None, trusted: bool = False,
                 cache: Path | None = None) -> None:
        from packgen.rlstartup import lighten_imports
        from packgen.serving import serve_forked

        def forked(connection: Connection) -> None:
            lighten_imports()  # before this process imports ReportLab
            serve_forked(connection, meeting, templates, trusted, cache)

        self.pid, self.connection = fork(forked)

    @classmethod
    def attached(cls, pid: int, connection: Connection) -> ForkedTypesetting:
        """The typesetting of a process forked already, serving with
        :func:`packgen.serving.serve`."""
        typesetting = cls.__new__(cls)
        typesetting.pid, typesetting.connection = pid, connection
        return typesetting

    def _call(self, method: str, *args: object) -> Any:
        try:
            self.connection.send((method, args))
            kind, value = self.connection.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError("the typesetting process ended unexpectedly") from exc
        if kind == "ok":
            return value
        if kind == "problems":
            name, problems = value
            raise getattr(errors, name)(problems)
        raise RuntimeError(f"the typesetting process failed:\n{value}")

    def document(self, key: DocumentKey) -> Typeset:
        return cast(Typeset, self._call("document", key))

    def prefetch(self, keys: Sequence[DocumentKey]) -> None:
        """Sent without waiting for an answer (there is none): the process makes the
        documents while this one reads the attachments. If it has ended, the next call
        says so."""
        with contextlib.suppress(OSError):
            self.connection.send(("prefetch", (list(keys),)))

    def forecast(self, counts: Sequence[tuple[Attachment, int]]) -> None:
        """Sent without waiting, as :meth:`prefetch` is."""
        with contextlib.suppress(OSError):
            self.connection.send(("forecast", (list(counts),)))

    def front_sheet(self, pack: Pack, rows: list[RowData]) -> Typeset:
        return cast(Typeset, self._call("front_sheet", pack, rows))

    def front_sheet_within(self, pack: Pack, rows: list[RowData], pages: int | None
                           ) -> Typeset | int:
        return cast("Typeset | int", self._call("front_sheet_within", pack, rows, pages))

    def filler(self) -> Typeset:
        return cast(Typeset, self._call("filler"))

    def web_agenda(self, pack: Pack, rows: list[RowData], pdf_name: str) -> str:
        return cast(str, self._call("web_agenda", pack, rows, pdf_name))

    def stamp_fonts(self, extra: Mapping[str, str] | None = None) -> StampFonts:
        return cast(StampFonts, self._call("stamp_fonts", dict(extra or {})))

    def close(self, *, failed: bool = False) -> None:
        """End the process; at once when the build ``failed``, whatever it is doing."""
        stop(self.pid, self.connection, now=failed)
