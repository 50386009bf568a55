"""Read the documents packgen renders: report, minutes and plain-document YAML, and Markdown.

Each ``.yaml`` attachment says what it is with ``kind:``; a ``.md`` attachment is a
plain document whose first heading is its title. Problems point into the
document's own file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from packgen.attendance import MinutesRecord, attendee_fields
from packgen.errors import Position, Problem, ValidationError
from packgen.filerefs import FileRef
from packgen.inline import InlineMarkdown
from packgen.markdown import Markdown, convert, parser
from packgen.minute_numbers import MinuteNumber
from packgen.model import (
    Attachment,
    Document,
    Minute,
    Minutes,
    Person,
    Priority,
    Report,
    Section,
)
from packgen.settings_model import Numbering
from packgen.shapes import (
    INVALID,
    MAX_FIELD,
    Boolean,
    Context,
    Date,
    Field,
    Integer,
    ListOf,
    Record,
    Shape,
    Text,
    Time,
)
from packgen.source import MAX_FILE_BYTES, Map, Node, Scalar, Seq, load_yaml

EMAIL = r'[^\s\x00-\x1f\x7f-\x9f<>"@]+@[^\s\x00-\x1f\x7f-\x9f<>"@]+'
"""One address, no name or brackets around it: templates link it as ``mailto:``, and a link
with a space or control character in it is no link (:func:`packgen.pdf.links.is_safe_uri`)."""

PERSON = Record({
    "name": Field(Text(), "Their name.", required=True),
    "role": Field(Text(), "Job title or role, such as Governance Officer."),
    "email": Field(Text(EMAIL, "an e-mail address, name@example.org"), "E-mail address."),
    "phone": Field(Text(), "Telephone number, as it should be printed."),
}, build=Person)
"""Someone a document or meeting names: the meeting's contact, a report's officers."""


class _Post(Record):
    """A person, or a post: reports are often "prepared by" a post whose holder is not
    named ("Assistant Director – Place"), so a name or a role will do, not neither."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Map) and not ({"name", "role"} & set(node.items)):
            return ctx.error(node.pos, path, 'give "name", "role" or both')
        return super().check(node, ctx, path)


class _CellMarkdown(Markdown):
    """Markdown that is laid out in a table cell (a recommendation, on the cover): no longer
    than a plain field, since a cell cannot break across pages."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Scalar) and len(node.text) > MAX_FIELD:
            return Text().check(node, ctx, path)  # which says so, as for any field
        return super().check(node, ctx, path)

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "maxLength": MAX_FIELD}


DIRECTOR = _Post({**PERSON.fields, "name": Field(Text(), "Their name.")},
                 build=lambda **values: Person(**{"name": "", **values}))

ATTENDEE = attendee_fields(PERSON)
"""A member in minutes' attendance: how they attended (:mod:`packgen.attendance`)."""

GUEST = Record({
    **PERSON.fields,
    "present": Field(Boolean(), "true, or leave it out: everyone listed in in_attendance was "
                                "there (false is refused: give who did not come under "
                                "apologies)."),
}, build=Person)
"""An officer or guest in attendance."""

PRIORITY = Record({
    "text": Field(InlineMarkdown(), "The plan priority (inline Markdown).", required=True),
    "relevant": Field(Boolean(), "Whether this report serves it (marked on the cover)."),
}, build=Priority, shorthand="text")

PARAGRAPH_NUMBERS = Text(r"section|continuous|none", "section, continuous or none")
NUMBERING_DEPTH = Integer(2, 3, "2 or 3")
ORIENTATION = Field(Text(r"portrait|landscape", "portrait or landscape"),
                    "landscape: laid out on landscape pages (default portrait).")

NUMBERING = Record({
    "paragraphs": Field(PARAGRAPH_NUMBERS, 'Paragraph numbers: "section" (1.1, 1.2), '
                                           '"continuous" (1, 2, ... 26) or "none" (default: '
                                           "the house style's)."),
    "depth": Field(NUMBERING_DEPTH, "3: headings inside a section's text become numbered "
                                    "sub-sections, 1.2, with paragraphs 1.2.1 (default: the "
                                    "house style's, 2)."),
}, build=lambda pos, **values: Numbering(**values))
"""A document's own numbering, over the house style's (``style.paragraph_numbers``)."""

SECTION = Record({
    "heading": Field(Text(), "The section heading; sections are numbered 1, 2, ...",
                     required=True),
    "body": Field(Markdown(3), "The section's text; its paragraphs are numbered 1.1, 1.2, ..."),
    "numbered": Field(Boolean(), "false: the heading and its paragraphs take no number and "
                                 "the section does not count, as for contact details "
                                 "(default true)."),
    "orientation": ORIENTATION,
}, build=Section)

MERGE_DAMAGED = Field(Boolean(), "A PDF only: merge it as it is even though some of its pages "
                                "draw with data no PDF viewer can decode (they show blank or in "
                                "part), with a warning; by default such a PDF is refused.")

RENDERED_SUFFIXES = (".yaml", ".yml", ".md")

APPENDIX = Record({
    "file": Field(FileRef((".pdf", *RENDERED_SUFFIXES)),
                  "The appendix, relative to the report: a PDF, merged as it is, or a YAML "
                  "document (any kind but a report with appendices of its own) or Markdown "
                  "file, rendered in the pack's style.", required=True),
    "title": Field(Text(), "Its bookmark title (default: a rendered appendix's own title)."),
    "merge_damaged": MERGE_DAMAGED,
}, build=Attachment, shorthand="file")

_KIND = Field(Text(r"report|minutes|document", "report, minutes or document"),
              "What the file is.", required=True)

REPORT = Record({
    "kind": _KIND,
    "title": Field(Text(), "Title of the paper.", required=True),
    "report_to": Field(Text(), "The body it goes to (default: the meeting's body)."),
    "date": Field(Date(), "Date of the meeting it goes to (default: the meeting's date)."),
    "director": Field(DIRECTOR, "The relevant director: a name, a role, or both."),
    "wards": Field(InlineMarkdown(), "Wards affected, such as All (inline Markdown)."),
    "contacts": Field(ListOf(PERSON), "Contact officers."),
    "other_officers": Field(ListOf(PERSON), "Other officers who provided input."),
    "priorities": Field(ListOf(PRIORITY), "The plan priorities, marked where relevant."),
    # On the cover, straight under the report's title (h1): its headings are h2 in the
    # structure (printed as h3), as the recommendations' are, on the cover or after a section.
    "summary": Field(Markdown(3, under=1), "Summary of the report."),
    "recommendations": Field(ListOf(_CellMarkdown(3, under=1)),
                             "Recommendations, numbered (Markdown: a recommendation may hold "
                             "a list, such as conditions)."),
    "sections": Field(ListOf(SECTION), "Numbered sections."),
    "background_papers": Field(ListOf(InlineMarkdown()), "Background papers, as listed by law "
                               "(inline Markdown)."),
    "appendices": Field(ListOf(APPENDIX), "Appendices (PDF, YAML or Markdown), each straight "
                                          "after the report on a right-hand page."),
    "numbering": Field(NUMBERING, "This report's numbering, over the house style's."),
    "orientation": ORIENTATION,
}, build=lambda kind, **values: Report(**values))

MINUTE = Record({
    "title": Field(Text(), "The minute's heading.", required=True),
    "body": Field(Markdown(3), "What was discussed."),
    "resolved": Field(ListOf(Markdown(3)), 'Resolutions, as written after "RESOLVED" ("that" '
                      'is added unless one starts with "that" or "to", or with its own label, '
                      '"(1)"); Markdown, so one may hold a list.'),
}, build=Minute)


def _minutes(kind: str, **values: Any) -> Minutes:
    times = {"start": values.pop("from", None), "end": values.pop("to", None)}
    return Minutes(**values, **{k: v for k, v in times.items() if v is not None})


MINUTES = MinutesRecord({
    "kind": _KIND,
    "body": Field(Text(), "Whose meeting (default: the meeting's body)."),
    "date": Field(Date(), "Date of the meeting minuted.", required=True),
    "place": Field(Text(), "Where it was held."),
    "from": Field(Time(), 'When it began: "16:05".'),
    "to": Field(Time(), 'When it ended: "18:04".'),
    "attendance": Field(ListOf(ATTENDEE), "Members, each with a status: present, apologies, "
                                          "absent or substitute."),
    "apologies": Field(ListOf(Text()), "Names of those who sent apologies, besides members "
                                       "whose status is apologies."),
    "in_attendance": Field(ListOf(GUEST), "Officers and guests in attendance."),
    "first_minute": Field(MinuteNumber(),
                          'Number of the first minute (numbering runs through the municipal '
                          'year): 34, or in the council\'s style, "C1850"; with more than one '
                          'number, braces round the one that counts, "C{068}/23". The rest '
                          "count on from it, keeping the other text and the zero padding."),
    "minutes": Field(ListOf(MINUTE, 1, "there are no minutes"), "The minutes, in order.",
                     required=True),
}, build=_minutes)

DOCUMENT = Record({
    "kind": _KIND,
    "title": Field(Text(), "The document's title.", required=True),
    "body": Field(Markdown(2), "The text, in Markdown."),
    "numbering": Field(NUMBERING, "Number its paragraphs (its headings start sections); "
                                  "default: style.document_numbers, none."),
    "orientation": ORIENTATION,
}, build=lambda kind, **values: Document(**values))

KINDS: dict[str, Record] = {"report": REPORT, "minutes": MINUTES, "document": DOCUMENT}


def load_document(path: Path, root: Path, problems: list[Problem]) -> Any:
    """The document a ``.yaml`` or ``.md`` file holds, or INVALID with problems recorded."""
    if path.suffix.lower() == ".md":
        return _markdown_document(path, problems)
    node = read_mapping(path, problems)
    if node is None:
        return INVALID
    kind_node = node.items.get("kind")
    if kind_node is None:
        problems.append(Problem(node.pos, 'missing required key "kind" (report, minutes or '
                                          "document)"))
        return INVALID
    shape: Shape | None = KINDS.get(kind_node.text) if isinstance(kind_node, Scalar) else None
    ctx = Context(path.parent, root)
    if shape is None:
        _KIND.shape.check(kind_node, ctx, "kind")  # records what kinds there are
        problems.extend(ctx.problems)
        return INVALID
    value = shape.check(node, ctx, "")
    problems.extend(ctx.problems)
    return value


def appendices_named(path: Path, root: Path) -> tuple[Attachment, ...]:
    """The appendices a report file names that can be read, whatever else is wrong in it
    (its problems are said by :func:`load_document`)."""
    quiet: list[Problem] = []
    node = read_mapping(path, quiet) if path.suffix.lower() != ".md" else None
    kind = node.items.get("kind") if node is not None else None
    listed = node.items.get("appendices") if node is not None else None
    if not (isinstance(kind, Scalar) and kind.text == "report" and isinstance(listed, Seq)):
        return ()
    ctx = Context(path.parent, root)
    return tuple(a for a in (readable_file(APPENDIX, entry, ctx) for entry in listed.items)
                 if a is not None)


def readable_file(shape: Record, entry: Node, quiet: Context) -> Attachment | None:
    """An attachment or appendix entry as far as it can be read, its problems (said
    elsewhere) left in ``quiet``: a wrong title or key beside the file does not make the
    file unreadable, so its own problems can still be found in the same run."""
    attachment = shape.check(entry, quiet, "")
    if attachment is INVALID and isinstance(entry, Map) and "file" in entry.items:
        file = shape.fields["file"].shape.check(entry.items["file"], quiet, "")
        attachment = INVALID if file is INVALID else Attachment(entry.pos, file)
    return None if attachment is INVALID else attachment


def read_mapping(path: Path, problems: list[Problem]) -> Map | None:
    """The mapping at the top of a YAML file, or None with its problems recorded."""
    try:
        node = load_yaml(path)
    except ValidationError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(node, Map):
        problems.append(Problem(node.pos, "expected a mapping of keys at the top of the file"))
        return None
    return node


def _markdown_document(path: Path, problems: list[Problem]) -> Any:
    origin = Position(path, 1, 1)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(origin, "file is too large"))
            return INVALID
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(origin, f"cannot read the file as UTF-8 text ({exc})"))
        return INVALID
    tokens = parser().parse(text)
    heading = next((i for i, t in enumerate(tokens) if t.type == "heading_open"), None)
    span = tokens[heading].map if heading is not None else None
    if heading is None or span is None:
        problems.append(Problem(origin, "expected a heading (# Title) to be the document's "
                                        "title"))
        return INVALID
    first, last = span
    title = tokens[heading + 1].content.strip()
    lines = text.splitlines(keepends=True)
    # Blank the heading's lines rather than remove them, so line numbers stay true.
    body_text = "".join(lines[:first] + ["\n"] * (last - first) + lines[last:])
    before = len(problems)
    # Its title is the heading over the body's: the body's highest level is h2.
    body = convert(body_text, origin, problems, heading_level=2, under=1)
    if len(problems) > before:
        return INVALID
    return Document(Position(path, first + 1, 1), title, body)
