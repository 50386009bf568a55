"""The PDF half of a build: open the attachments, lay out, assemble, number, write.

:mod:`packgen.build` starts the typesetting half first (perhaps in a process of its
own, see :mod:`packgen.typesetting`) and only then imports this module, so that
pypdf loads and the attachments are read while ReportLab is loading over there.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, cast

from packgen.atomic import Contents, PartlyWritten, write_atomic
from packgen.edition import PageRanges, moved_pages, page_ranges
from packgen.errors import (
    AttachmentError,
    OutputError,
    PartlyWrittenError,
    Position,
    Problem,
    TemplateError,
    display_path,
)
from packgen.layout import (
    DocumentKey,
    Pack,
    Plan,
    agenda_items,
    document_key,
    last_exempt,
    last_number,
    pack_documents,
    pdf_attachments,
    plan_alone,
    plan_private,
    plan_public,
)
from packgen.model import Attachment, Meeting
from packgen.pdf import assemble as asm
from packgen.pdf.count import forecast_counts
from packgen.pdf.metadata import set_metadata
from packgen.pdf.number import number_pages
from packgen.pdf.sources import (
    Source,
    changed_in_place,
    close_all,
    open_attachments,
    refused_tags,
    rendered_source,
)
from packgen.pdf.structure import build_structure
from packgen.pdf.write import DamagedObject, write_pdf
from packgen.published import Publication, publication, with_document_pdfs, written
from packgen.rendered import Typeset
from packgen.settle import row_data, settle
from packgen.typesetting import Typesetting, with_pdf_size


def produce(meeting: Meeting, meeting_file: Path, typesetting: Typesetting, pack: Pack,
            target: Path, draft: bool, html: bool, say: Callable[[str], None],
            original: PageRanges | None = None, require_tagged: bool = False,
            publish: bool = False, forecast: bool = True
            ) -> tuple[int, tuple[Problem, ...], Publication | None]:
    """Write ``pack`` to ``target``; return its page count, the attachments' warnings and,
    with ``publish``, its :class:`~packgen.published.Publication`.

    ``forecast``: read the main pack's PDF page counts with pypdf and forecast them to
    ``typesetting``; False when they were forecast already, or nothing works ahead on them.

    ``original``: the page ranges of the pack this one is an edition of (another language),
    whose rows' pages, where they differ here, are warnings (:mod:`packgen.edition`).
    ``require_tagged``: an attachment that is not a tagged PDF is a problem, not a warning."""
    say(f"{meeting_file}: reading attachments and rendering documents")
    builder = _Builder(meeting, typesetting, _packs_needed(pack), require_tagged, forecast)
    try:
        return _produce(builder, meeting_file, pack, target, draft, html, say, original,
                        publish)
    finally:
        close_all(builder.sources.values())


def laid_out(meeting: Meeting, typesetting: Typesetting, pack: Pack) -> PageRanges:
    """The page ranges ``pack`` of ``meeting`` would have: what an edition is compared to."""
    builder = _Builder(meeting, typesetting, _packs_needed(pack))
    try:
        layout, front = builder.lay_out(pack)
        return page_ranges(meeting, pack, front.pages, row_data(meeting, pack, layout),
                           builder.counts)
    finally:
        close_all(builder.sources.values())


def _packs_needed(pack: Pack) -> list[Pack]:
    """The packs whose layout the requested one depends on (see :meth:`_Builder.lay_out`)."""
    if pack.alone:
        return [pack]
    chain = [None, *range(1, (pack.supplement or 0) + 1)]
    return [Pack(False, s) for s in chain] + ([Pack(True, s) for s in chain] if pack.private
                                              else [])


def _document_keys(meeting: Meeting, packs: list[Pack]) -> list[DocumentKey]:
    """The documents :meth:`_Builder._render_documents` asks for, in the order it does."""
    keys: dict[DocumentKey, None] = {}
    for pack in packs:
        for item, attachment, parent in pack_documents(meeting, pack):
            if attachment.document is not None:
                keys.setdefault(document_key(item, attachment, parent))
    return list(keys)


class _Builder:
    """Renders and lays out packs for one meeting, sharing what they have in common."""

    def __init__(self, meeting: Meeting, typesetting: Typesetting, packs: list[Pack],
                 require_tagged: bool = False, forecast: bool = True) -> None:
        self.meeting = meeting
        self.typesetting = typesetting
        self.require_tagged = require_tagged
        # Typeset over there while the attachments are read here: the documents, then the
        # main pack's front sheet on the page counts its PDFs state.
        typesetting.prefetch(_document_keys(meeting, packs))
        if not packs[0].alone and forecast and (
                main_pdfs := pdf_attachments(meeting, [Pack()])):
            counts = forecast_counts(main_pdfs)
            if counts is not None:
                typesetting.forecast(counts)
        self.sources: dict[Attachment, Source] = open_attachments(meeting, packs,
                                                                  require_tagged)
        try:
            for pack in packs:
                self._render_documents(pack)
        except BaseException:
            close_all(self.sources.values())
            raise
        self.counts = {a: s.pages for a, s in self.sources.items()}

    def _render_documents(self, pack: Pack) -> None:  # in _document_keys's order
        for item, attachment, parent in pack_documents(self.meeting, pack):
            if attachment.document is not None and attachment not in self.sources:
                key = document_key(item, attachment, parent)
                typeset = self.typesetting.document(key)
                self.sources[attachment] = rendered_source(attachment, typeset)

    def settle(self, pack: Pack, make_plan: Callable[[int], Plan]) -> tuple[Plan, Typeset]:
        """The plan and front sheet of ``pack``, its length a fixed point
        (:func:`packgen.settle.settle`)."""
        return settle(self.meeting, pack, make_plan, self.typesetting.front_sheet_within)

    def lay_out(self, pack: Pack) -> tuple[Plan, Typeset]:
        """The plan and front sheet of ``pack``, laying out the packs it depends on first.

        The public packs own the numbers: the main pack's, then each supplement carrying on
        after the one before. A private pack takes its public twin's numbers, and its
        exempt numbers carry on after the private pack before it.
        """
        if pack.alone:
            return plan_alone(self.meeting, pack, self.counts), Typeset(b"", 0, {})
        chain = [None, *range(1, (pack.supplement or 0) + 1)]
        public: dict[int | None, tuple[Plan, Typeset]] = {}
        first = 1
        for supplement in chain:
            step = Pack(False, supplement)

            def public_plan(front: int, step: Pack = step, first: int = first) -> Plan:
                return plan_public(self.meeting, step, front, self.counts, first)

            public[supplement] = self.settle(step, public_plan)
            first = last_number(public[supplement][0]) + 1
        if not pack.private:
            return public[pack.supplement]
        first_exempt = 1
        for supplement in chain:
            step = Pack(True, supplement)

            def private_plan(front: int, step: Pack = step, twin: Plan = public[supplement][0],
                             first: int = first_exempt) -> Plan:
                return plan_private(self.meeting, twin, front, self.counts, step, first)

            private = self.settle(step, private_plan)
            first_exempt = last_exempt(private[0]) + 1
        return private


def _produce(builder: _Builder, meeting_file: Path, pack: Pack, target: Path, draft: bool,
             html: bool, say: Callable[[str], None], original: PageRanges | None,
             publish: bool = False) -> tuple[int, tuple[Problem, ...], Publication | None]:
    meeting = builder.meeting
    say(f"{meeting_file}: laying out the agenda")
    layout, front = builder.lay_out(pack)
    moved = moved_pages(original, page_ranges(meeting, pack, front.pages,
                                              row_data(meeting, pack, layout), builder.counts),
                        meeting.items) if original is not None else []
    say(f"{meeting_file}: assembling {layout.total} pages")
    filler = builder.typesetting.filler()
    if filler.pages != 1:
        raise TemplateError([Problem(Position(Path("filler.html")),
                                     f"the filler page template made {filler.pages} pages, not 1")])
    sources = {a: builder.sources[a] for _, a, _ in pack_documents(meeting, pack)}
    agenda = [] if pack.alone else agenda_items(meeting, pack)
    pack_pages = asm.assemble(agenda, layout, front.pdf, filler.pdf, sources,
                          front.anchors, meeting.words)
    writer = pack_pages.writer
    told = number_pages(writer, layout, builder.typesetting.stamp_fonts, draft=draft,
                        words=meeting.words, marked=_marked_pages(layout, sources))
    identity = hashlib.sha256(front.pdf + filler.pdf + repr((pack, draft)).encode())
    for _, attachment, _ in pack_documents(meeting, pack):
        identity.update(sources[attachment].digest.encode())
    tagged, refused = build_structure(writer, pack_pages, layout, sources, front, filler,
                                      meeting.words, meeting.language, told)
    untagged = [refused_tags(a) for a in refused]
    if builder.require_tagged and untagged:
        raise AttachmentError([replace(p, severity="error") for p in untagged])
    file_id = set_metadata(writer, meeting, identity.digest(), pack, draft, tagged)
    page = ""
    if html:  # made before anything is written, so a template problem writes nothing
        rows = row_data(meeting, pack, layout)
        page = builder.typesetting.web_agenda(pack, rows, target.name)
    say(f"{meeting_file}: writing {target}")
    html_file = target.with_suffix(".html")
    # Described before anything is written, and completed (the bytes, each document cut
    # from them) before the pack is renamed into place: a failure leaves nothing new.
    published = publication(meeting, pack, layout, target.name, {
        a: s.digest for a, s in sources.items()}) if publish else None
    kept = io.BytesIO()

    # The page says how large the pack is: known once it is written, before either appears.
    def write(stream: BinaryIO) -> None:
        nonlocal published
        write_pdf(writer, stream if published is None else cast(BinaryIO, _Tee(stream, kept)),
                  file_id, pack_pages.copies)
        # Read from the attachments' files up to here: one saved over in place meanwhile
        # gave bytes of its new version at the old one's places. Nothing is written then.
        changed = changed_in_place(sources.values())
        if changed:
            raise AttachmentError(changed)
        if published is not None:
            published = with_document_pdfs(written(published, kept.getvalue()))

    contents = Contents(write,
                        private=pack.private, companions=[
                            (html_file, lambda size: with_pdf_size(page, size))
                        ] if html else [])
    try:
        write_atomic(contents, target)
    except PartlyWritten as exc:
        wrote = "; ".join(f"wrote {display_path(p)}" for p in exc.written)
        raise PartlyWrittenError([Problem(Position(exc.failed), f"{wrote}; the HTML agenda "
                                          f"was not written: {exc.error.strerror or exc.error}")],
                                 exc.written) from None
    except OSError as exc:
        raise OutputError([Problem(Position(target), f"cannot write the pack: "
                                   f"{exc.strerror or exc}")]) from None
    except DamagedObject as exc:  # an object no earlier stage needed to read
        damaged = next(a for a, s in sources.items() if s.reader is exc.document)
        raise AttachmentError([Problem(damaged.pos, f'"{damaged.file.name}": the PDF is '
                                       f"damaged and cannot be merged ({exc})")]) from None
    return layout.total, (*(w for s in sources.values() for w in s.warnings), *untagged,
                          *moved), published


class _Tee:
    """Writes to a stream and keeps a copy: :func:`packgen.pdf.write.write_pdf` only
    writes, so this is all the stream it needs."""

    def __init__(self, stream: BinaryIO, copy: io.BytesIO) -> None:
        self.stream, self.copy = stream, copy

    def write(self, data: bytes) -> int:
        self.copy.write(data)
        return self.stream.write(data)


def _marked_pages(layout: Plan, sources: dict[Attachment, Source]) -> frozenset[int]:
    """The pages of attachments that declare marked content (tagged, or trying to be):
    those whose content the stamps must not be drawn inside."""
    pages: set[int] = set()
    for placement in layout.placements:
        source = sources.get(placement.attachment) if placement.attachment else None
        if source is not None and source.typeset is None and any(
                key in source.reader.root_object for key in ("/MarkInfo", "/StructTreeRoot")):
            pages.update(range(placement.start, placement.last + 1))
    return frozenset(pages)
