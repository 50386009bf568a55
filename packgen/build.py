"""The pipeline: the only module that knows the order of the stages.

load and validate -> open attachments -> render and typeset our pages (to a fixed
point: the agenda's page ranges can change the front sheet's own length) ->
assemble -> number -> describe -> write. Nothing is written until every stage
has succeeded, and then atomically.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from pypdf import PdfWriter

from packgen import assemble as asm
from packgen import schema
from packgen.errors import OutputError, Position, Problem, TemplateError
from packgen.htmltree import parse_html
from packgen.metadata import set_metadata
from packgen.model import Meeting
from packgen.number import number_pages
from packgen.render import FILTERS, AgendaRow, document_context, front_sheet_context, render
from packgen.theme import environment, load_stylesheet
from packgen.typeset import Typeset, Typesetter

MAX_LAYOUT_PASSES = 6
TEMPLATES = ("frontsheet.html", "filler.html", "report.html", "minutes.html", "document.html")


@dataclass(frozen=True)
class BuildResult:
    meeting: Meeting
    output: Path
    pages: int


def default_output(meeting_file: Path) -> Path:
    """``build/<meeting folder>.pdf`` for a ``meeting.yaml``, else ``build/<stem>.pdf``."""
    name = meeting_file.absolute().parent.name if meeting_file.stem == "meeting" \
        else meeting_file.stem
    return Path("build") / f"{name}.pdf"


def _environment(meeting: Meeting, templates: Path | None) -> jinja2.Environment:
    user_dirs = [d for d in (templates, meeting.source.parent / "templates") if d is not None]
    return environment(user_dirs, FILTERS)


def validate(meeting_file: Path, templates: Path | None = None) -> Meeting:
    """Check everything :func:`build_pack` would, without rendering anything."""
    meeting = schema.validate(meeting_file)
    asm.open_attachments(meeting)
    env = _environment(meeting, templates)
    for name in TEMPLATES:
        _compile(env, name)
    return meeting


def _compile(env: jinja2.Environment, name: str) -> None:
    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = Position(Path(exc.filename or name), exc.lineno or 1, 1)
        raise TemplateError([Problem(where, f"template syntax: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Problem(Position(Path(name)), f'no template named "{exc.name}"')]
                            ) from None


def build_pack(meeting_file: Path, output: Path | None = None,
               templates: Path | None = None) -> BuildResult:
    """Build the public document pack for one meeting and write it atomically."""
    meeting = schema.validate(meeting_file)
    sources = asm.open_attachments(meeting)
    env = _environment(meeting, templates)
    typesetter = Typesetter(load_stylesheet(meeting.style), meeting.root)

    def typeset(name: str, context: dict[str, object]) -> Typeset:
        html, origin = render(env, name, context)
        return typesetter.typeset(parse_html(html, origin), origin)

    for item, attachment, _ in asm.public_documents(meeting):
        if attachment.document is not None:
            context = document_context(attachment.document, meeting, item)
            pdf = typeset(f"{attachment.document.kind}.html", context).pdf
            sources[attachment] = asm.rendered_source(attachment, pdf)

    filler = typeset("filler.html", {"meeting": meeting})
    if filler.pages != 1:
        raise TemplateError([Problem(Position(Path("filler.html")),
                                     f"the filler page template made {filler.pages} pages, not 1")])
    counts = {attachment: source.pages for attachment, source in sources.items()}
    front_pages = 1
    for _ in range(MAX_LAYOUT_PASSES):
        layout = asm.plan(meeting, front_pages, counts)
        rows = agenda_rows(meeting, layout)
        front = typeset("frontsheet.html", front_sheet_context(meeting, rows))
        if front.pages == front_pages:
            break
        front_pages = front.pages
    else:
        raise TemplateError([Problem(Position(Path("frontsheet.html")), "the front sheet's "
                                     "length does not settle; simplify the agenda template")])
    writer = asm.assemble(meeting, layout, front.pdf, filler.pdf, sources, front.anchors)
    number_pages(writer, meeting, layout, next(iter(typesetter.families.values())))
    identity = hashlib.sha256(front.pdf + filler.pdf)
    for source in sources.values():
        identity.update(source.digest.encode())
    set_metadata(writer, meeting, identity.digest())
    target = output or default_output(meeting_file)
    try:
        write_atomic(writer, target)
    except OSError as exc:
        raise OutputError([Problem(Position(target), f"cannot write the pack: "
                                   f"{exc.strerror or exc}")]) from None
    return BuildResult(meeting, target, layout.total)


def agenda_rows(meeting: Meeting, layout: asm.Plan) -> list[AgendaRow]:
    rows = []
    for item in meeting.items:
        span = layout.item_span(item)
        if span is None:
            rows.append(AgendaRow(item))
        else:
            rows.append(AgendaRow(item, layout.printed(span[0]), layout.printed(span[1]),
                                  span[0] + 1))
    return rows


def write_atomic(writer: PdfWriter, target: Path) -> None:
    """Write beside the target, then rename over it: a failure leaves the old pack intact."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            writer.write(stream)
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
