"""The pipeline: the only module that knows the order of the stages.

load and validate -> open attachments -> render our documents -> lay out each pack
the requested one depends on (the main public pack owns the page numbers) with
its front sheet typeset to a fixed point -> assemble -> number -> describe ->
write. Nothing is written until every stage has succeeded, and then atomically.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from packgen import assemble as asm
from packgen import schema
from packgen.check import environment_for
from packgen.errors import (
    AttachmentError,
    OutputError,
    Position,
    Problem,
    TemplateError,
    ValidationError,
)
from packgen.htmltree import parse_html
from packgen.layout import (
    PUBLIC,
    Pack,
    Plan,
    agenda_items,
    last_exempt,
    last_number,
    pack_documents,
    plan_private,
    plan_public,
)
from packgen.metadata import set_metadata
from packgen.model import Attachment, Meeting
from packgen.number import number_pages
from packgen.pdfwrite import DamagedObject, write_pdf
from packgen.render import AgendaRow, document_context, front_sheet_context, render
from packgen.sources import Source, close_all, open_attachments, rendered_source
from packgen.theme import load_stylesheet
from packgen.typeset import Typeset, Typesetter

MAX_LAYOUT_PASSES = 6


@dataclass(frozen=True)
class BuildResult:
    meeting: Meeting
    output: Path
    pages: int
    warnings: tuple[Problem, ...] = ()
    """What was repaired or is worth a look; the pack was written all the same."""


def default_output(meeting_file: Path, pack: Pack = PUBLIC) -> Path:
    """``build/<meeting folder>.pdf`` for a ``meeting.yaml``, else ``build/<stem>.pdf``;
    ``-private`` and ``-supplement-N`` mark the other packs."""
    name = meeting_file.absolute().parent.name if meeting_file.stem == "meeting" \
        else meeting_file.stem
    if pack.supplement is not None:
        name += f"-supplement-{pack.supplement}"
    if pack.private:
        name += "-private"
    return Path("build") / f"{name}.pdf"


def _packs_needed(pack: Pack) -> list[Pack]:
    """The packs whose layout the requested one depends on (see :meth:`_Builder.lay_out`)."""
    chain = [None, *range(1, (pack.supplement or 0) + 1)]
    return [Pack(False, s) for s in chain] + ([Pack(True, s) for s in chain] if pack.private
                                              else [])


class _Builder:
    """Renders and lays out packs for one meeting, sharing what they have in common."""

    def __init__(self, meeting: Meeting, templates: Path | None, packs: list[Pack]) -> None:
        self.meeting = meeting
        self.env = environment_for(meeting, templates)
        self.typesetter = Typesetter(load_stylesheet(meeting.style), meeting.root)
        self.sources: dict[Attachment, Source] = open_attachments(meeting, packs)
        try:
            for pack in packs:
                self._render_documents(pack)
        except BaseException:
            close_all(self.sources.values())
            raise
        self.counts = {a: s.pages for a, s in self.sources.items()}

    def _render_documents(self, pack: Pack) -> None:
        for item, attachment, _ in pack_documents(self.meeting, pack):
            if attachment.document is not None and attachment not in self.sources:
                context = document_context(attachment.document, self.meeting, item)
                pdf = self.typeset(f"{attachment.document.kind}.html", context).pdf
                self.sources[attachment] = rendered_source(attachment, pdf)

    def typeset(self, name: str, context: dict[str, object]) -> Typeset:
        html, origin = render(self.env, name, context)
        return self.typesetter.typeset(parse_html(html, origin), origin)

    def settle(self, pack: Pack, make_plan: Callable[[int], Plan]) -> tuple[Plan, Typeset]:
        """Typeset the front sheet until its length, and so every page range, stops moving."""
        front_pages = 1
        for _ in range(MAX_LAYOUT_PASSES):
            layout = make_plan(front_pages)
            rows = agenda_rows(self.meeting, pack, layout)
            front = self.typeset("frontsheet.html", front_sheet_context(self.meeting, rows, pack))
            if front.pages == front_pages:
                return layout, front
            front_pages = front.pages
        raise TemplateError([Problem(Position(Path("frontsheet.html")), "the front sheet's "
                                     "length does not settle; simplify the agenda template")])

    def lay_out(self, pack: Pack) -> tuple[Plan, Typeset]:
        """The plan and front sheet of ``pack``, laying out the packs it depends on first.

        The public packs own the numbers: the main pack's, then each supplement carrying on
        after the one before. A private pack takes its public twin's numbers, and its
        exempt numbers carry on after the private pack before it.
        """
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


def build_pack(meeting_file: Path, output: Path | None = None, templates: Path | None = None,
               *, private: bool = False, supplement: int | None = None, draft: bool = False,
               html: bool = False, progress: Callable[[str], None] | None = None
               ) -> BuildResult:
    """Build one pack of one meeting (public by default) and write it atomically.

    ``progress`` hears each stage as it starts, for a display on a terminal.
    """
    say = progress or (lambda step: None)
    pack = Pack(private, supplement)
    say(f"{meeting_file}: checking")
    meeting = schema.validate(meeting_file)
    if supplement is not None and not agenda_items(meeting, pack):
        raise ValidationError([Problem(meeting.pos, f"nothing in the meeting is marked "
                                                           f"supplement: {supplement}")])
    say(f"{meeting_file}: reading attachments and rendering documents")
    builder = _Builder(meeting, templates, _packs_needed(pack))
    try:
        return _build(builder, meeting_file, pack, output, draft, html, say)
    finally:
        close_all(builder.sources.values())


def _build(builder: _Builder, meeting_file: Path, pack: Pack, output: Path | None,
           draft: bool, html: bool, say: Callable[[str], None]) -> BuildResult:
    meeting = builder.meeting
    say(f"{meeting_file}: laying out the agenda")
    layout, front = builder.lay_out(pack)
    say(f"{meeting_file}: assembling {layout.total} pages")
    filler = builder.typeset("filler.html", {"meeting": meeting})
    if filler.pages != 1:
        raise TemplateError([Problem(Position(Path("filler.html")),
                                     f"the filler page template made {filler.pages} pages, not 1")])
    sources = {a: builder.sources[a] for _, a, _ in pack_documents(meeting, pack)}
    pack_pages = asm.assemble(agenda_items(meeting, pack), layout, front.pdf, filler.pdf, sources,
                          front.anchors)
    writer = pack_pages.writer
    font = next(iter(builder.typesetter.families.values()))
    number_pages(writer, layout, font, draft=draft)
    identity = hashlib.sha256(front.pdf + filler.pdf + repr((pack, draft)).encode())
    for _, attachment, _ in pack_documents(meeting, pack):
        identity.update(sources[attachment].digest.encode())
    file_id = set_metadata(writer, meeting, identity.digest(), pack, draft)
    target = output or default_output(meeting_file, pack)
    page = b""
    if html:  # made before anything is written, so a template problem writes nothing
        rows = agenda_rows(meeting, pack, layout)
        context = {**front_sheet_context(meeting, rows, pack), "pdf": target.name}
        page = render(builder.env, "web/agenda.html", context)[0].encode()
    say(f"{meeting_file}: writing {target}")
    try:
        write_atomic(lambda stream: write_pdf(writer, stream, file_id, pack_pages.copies), target)
        if html:
            write_atomic(lambda stream: stream.write(page), target.with_suffix(".html"))
    except OSError as exc:
        raise OutputError([Problem(Position(target), f"cannot write the pack: "
                                   f"{exc.strerror or exc}")]) from None
    except DamagedObject as exc:  # an object no earlier stage needed to read
        damaged = next(a for a, s in sources.items() if s.reader is exc.document)
        raise AttachmentError([Problem(damaged.pos, f'"{damaged.file.name}": the PDF is '
                                       f"damaged and cannot be merged ({exc})")]) from None
    warnings = tuple(w for s in sources.values() for w in s.warnings)
    return BuildResult(meeting, target, layout.total, warnings)


def agenda_rows(meeting: Meeting, pack: Pack, layout: Plan) -> list[AgendaRow]:
    rows = []
    for item in agenda_items(meeting, pack):
        spans = layout.item_spans(item)
        ranges = tuple((str(layout.labels[a]), str(layout.labels[b])) for a, b in spans)
        link = spans[0][0] + 1 if spans else None
        rows.append(AgendaRow(item, ranges, link, pack.private))
    return rows


def write_atomic(write: Callable[[BinaryIO], object], target: Path) -> None:
    """Write beside the target, then rename over it: a failure leaves the old file intact."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; a pack is for publishing
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

