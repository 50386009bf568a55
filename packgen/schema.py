"""Turn ``meeting.yaml`` and the organisation's ``packgen.yaml`` into a :class:`Meeting`.

Every problem in both files is collected before anything is raised. A value in
the meeting wins over the same value in the organisation config.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from packgen.agenda import number_items, with_exclusion
from packgen.builtin import theme_dir
from packgen.disclosure import check_exempt_files
from packgen.documents import (
    MERGE_DAMAGED,
    NUMBERING_DEPTH,
    PARAGRAPH_NUMBERS,
    PERSON,
    RENDERED_SUFFIXES,
    appendices_named,
    load_document,
    read_mapping,
)
from packgen.errors import Position, Problem, ValidationError
from packgen.filecheck import picture_problem, truetype_problem
from packgen.filerefs import FileRef
from packgen.inline import InlineMarkdown
from packgen.model import (
    Attachment,
    HouseStyle,
    Item,
    Meeting,
    Minutes,
    Notice,
    PageNumbering,
    Report,
    ReportSettings,
    find_section,
)
from packgen.settings import (
    MINUTES_SETTINGS,
    REPORT_SETTINGS,
    DateFormat,
    dropped_content,
    minutes_settings,
    report_settings,
)
from packgen.shapes import (
    INVALID,
    Boolean,
    Context,
    Date,
    Field,
    Integer,
    ListOf,
    Number,
    Record,
    Text,
    Time,
)
from packgen.source import Map, Node, Seq

CONFIG_NAME = "packgen.yaml"
ATTACHMENT_SUFFIXES = (".pdf", *RENDERED_SUFFIXES)

_EXEMPT = Integer(1, 7, "a paragraph of Schedule 12A, 1 to 7")
_SUPPLEMENT = Integer(1, 99, "a supplement number, 1 or more")

NOTICE = Record({
    "heading": Field(Text(), "Optional heading printed above the wording."),
    "text": Field(InlineMarkdown(autolink=True), "The wording, in inline Markdown; web and "
                  "e-mail addresses become links.", required=True),
}, build=Notice, shorthand="text")

ATTACHMENT = Record({
    "file": Field(FileRef(ATTACHMENT_SUFFIXES), "The document, relative to this file.",
                  required=True),
    "title": Field(Text(), "Title for the bookmark; defaults from the item or file name."),
    "exempt": Field(_EXEMPT, "Schedule 12A paragraph keeping this document out of the public "
                             "pack."),
    "reason": Field(Text(), "Why it is exempt; printed in the private pack only."),
    "supplement": Field(_SUPPLEMENT, "Late material: the supplementary pack it belongs to."),
    "merge_damaged": MERGE_DAMAGED,
}, build=Attachment, shorthand="file")

ITEM = Record({
    "title": Field(Text(), "The item's title, printed in capitals on the agenda.", required=True),
    "number": Field(Text(r"[0-9A-Za-z][0-9A-Za-z.()-]{0,7}",
                         'a short item number such as "7" or "7a"'),
                    'Printed item number, such as "7a"; by default items count 1, 2, ...'),
    "description": Field(InlineMarkdown(breaks=True), "Lines under the title, such as what the "
                         "board is asked to do (inline Markdown; each line printed as written)."),
    "presenter": Field(InlineMarkdown(), 'Whose report it is: "Report of the Director of ..." '
                       "(inline Markdown)."),
    "exempt": Field(_EXEMPT, "Schedule 12A paragraph keeping the item's documents out of the "
                             "public pack."),
    "reason": Field(Text(), "Why it is exempt; printed in the private pack only."),
    "supplement": Field(_SUPPLEMENT, "Late item: the supplementary pack it belongs to."),
    "attachments": Field(ListOf(ATTACHMENT), "Documents for the item, in order."),
}, build=lambda **v: v)

PAGE_NUMBERS = Record({
    "count_front_sheet": Field(Boolean(), "Whether the front sheet counts as pages 1, 2, ... "
                                          "(default true)."),
    "make_room": Field(Boolean(), "Shrink attached PDFs' pages just enough that the page "
                                  "numbers and item stamps never sit on their content "
                                  "(default false)."),
}, build=lambda pos, **v: v)
"""Kept as the keys given, so that a meeting's ``page_numbers`` overrides ``packgen.yaml``'s
key by key (a meeting that sets ``count_front_sheet`` keeps the organisation's
``make_room``)."""

_COLOUR = Text(r"#[0-9A-Fa-f]{6}", 'a colour like "#1f4e8c"')

# Paper sizes in millimetres (ReportLab's, which validate does not import), so that margins
# can be checked against the page here rather than fail in layout.
PAPER_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0),
            "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}
# The narrowest and shortest text area the theme's pages lay out in: the front sheet's
# agenda table needs about this much room for its number, title and page columns.
MIN_TEXT_MM = (90.0, 120.0)


@cache
def _theme_page() -> dict[str, Any]:
    """The built-in theme's page size and margins, as its stylesheet gives them."""
    data = yaml.safe_load((theme_dir() / "style.yaml").read_text(encoding="utf-8"))
    return dict(data["page"])


class _Style(Record):
    """The house style, with its margins checked against its page size."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        style = super().check(node, ctx, path)
        if not isinstance(style, HouseStyle) or not isinstance(node, Map):
            return style
        theme = _theme_page()
        problem = margin_problem(style.page_size or theme["size"],
                                 {**theme["margin_mm"], **dict(style.margins_mm)})
        if problem is not None:
            where = node.items.get("margins_mm", node.items.get("page_size", node))
            key = f"{path}.margins_mm" if path else "margins_mm"
            return ctx.error(where.pos, key, problem)
        return style


def margin_problem(size: str, margins: Mapping[str, float]) -> str | None:
    """Why ``margins`` (mm by side) leave too little of a ``size`` page for text, or None.

    The house style and an officer's ``style.yaml`` are both held to it."""
    if size not in PAPER_MM:
        return None  # not a paper name: its own check says so
    width, height = PAPER_MM[size]
    room = (width - margins.get("left", 0) - margins.get("right", 0),
            height - margins.get("top", 0) - margins.get("bottom", 0))
    for across, left, least in zip(("width", "height"), room, MIN_TEXT_MM, strict=True):
        if left < least:
            return (f"the margins leave {left:g} mm of the {size} page's {across} for text; "
                    f"leave at least {least:g} mm")
    return None
# TrueType outlines only: ReportLab cannot embed the PostScript-flavoured ("OTTO") kind.
_FONT = FileRef((".ttf",), (b"\x00\x01\x00\x00", b"true"), "a TrueType font",
               truetype_problem)

STYLE = _Style({
    "logo": Field(FileRef((".png", ".jpg", ".jpeg"), (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"),
                          "a PNG or JPEG image", picture_problem),
                  "Logo for the front sheet (PNG or JPEG)."),
    "fonts": Field(Record({
        variant: Field(_FONT, f"TrueType file for {variant.replace('_', ' ')} text.",
                       required=variant == "regular")
        for variant in ("regular", "bold", "italic", "bold_italic")
    }, build=lambda pos, **files: tuple(files.items())), "The body font, embedded in the pack."),
    "colours": Field(Record({
        name: Field(_COLOUR, doc) for name, doc in (
            ("text", "Body text."), ("heading", "Headings and titles."),
            ("accent", "Links and the pack kind."), ("rule", "Table rules."),
            ("shade", "Table heading backgrounds."), ("muted", "Secondary text."))
    }, build=lambda pos, **colours: tuple(colours.items())), "The theme's colours."),
    "page_size": Field(Text("|".join(PAPER_MM), "A4, A3, A5, Letter or Legal"),
                       "Paper size of the pages packgen renders."),
    "margins_mm": Field(Record({
        side: Field(Number(0, 100), f"The {side} margin in millimetres.")
        for side in ("top", "bottom", "left", "right")
    }, build=lambda pos, **sides: tuple(sides.items())), "Page margins."),
    "paragraph_numbers": Field(PARAGRAPH_NUMBERS,
                               'Report paragraphs: "section" (1.1, 1.2, 2.1), "continuous" '
                               '(1, 2, ... 26) or "none" (default section).'),
    "numbering_depth": Field(NUMBERING_DEPTH, "3: headings inside a report section's text "
                                              "become numbered sub-sections, 1.2 with "
                                              "paragraphs 1.2.1 (default 2)."),
    "document_numbers": Field(PARAGRAPH_NUMBERS, "Paragraphs of plain documents (kind: "
                                                 "document, Markdown files): default none."),
}, build=lambda pos, **values: HouseStyle(**values))

SHARED = {
    "organisation": Field(Text(), "The council, board or trust."),
    "notices": Field(ListOf(NOTICE), "Wording printed at the end of the front sheet."),
    "duplex": Field(Boolean(), "Start every document on a right-hand page (default true)."),
    "page_numbers": Field(PAGE_NUMBERS, "How pages are numbered."),
    "language": Field(Text(), "Language of the pack, such as en-GB."),
    "style": Field(STYLE, "The house style: logo, fonts, colours, page size, margins."),
    "exclusion_item": Field(Boolean(), 'Add the "exclusion of the public" item before the '
                                       "first exempt item when the agenda has none (default "
                                       "true)."),
    "report": Field(REPORT_SETTINGS, "What every report shows: the cover's rows and labels, "
                                     "where the recommendations go, the background papers' "
                                     "statement."),
    "date_format": Field(DateFormat(), 'How dates are written out: placeholders {weekday}, '
                                       "{weekday_short}, {day}, {day_ordinal}, {day2}, "
                                       "{month}, {month_short}, {month2}, {year} (default "
                                       '"{weekday}, {day} {month} {year}").'),
    "phone_label": Field(Text(), 'Printed before a telephone number (default "Tel:"); "" for '
                                 "none."),
    "minutes": Field(MINUTES_SETTINGS, 'What minutes print as fixed words: "Membership", '
                                       'the attendance words, "RESOLVED" ...'),
}
"""Keys that ``packgen.yaml`` may set for every meeting and a meeting may override."""

CONFIG = Record(SHARED)

MEETING = Record({
    **SHARED,
    "body": Field(Text(), "The committee or board.", required=True),
    "date": Field(Date(), "Date of the meeting.", required=True),
    "time": Field(Time(), 'Start time, 24-hour, quoted: "16:00".', required=True),
    "venue": Field(Text(), "Where the meeting is held.", required=True),
    "summons": Field(Text(), "The summons wording under the meeting details."),
    "issued_by": Field(Text(), "Who issues the summons."),
    "contact": Field(PERSON, "Officer to contact about the meeting."),
    "start_number": Field(Integer(0), "Number of the first item (default 1)."),
    "items": Field(ListOf(ITEM, 1, "the agenda has no items"), "The agenda, in order.",
                   required=True),
})


def find_config(meeting_file: Path) -> Path | None:
    """The nearest ``packgen.yaml`` in the meeting's folder or above it, like ``.git``."""
    folder = meeting_file.absolute().parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    return None


class IncompleteMeeting(ValidationError):
    """The meeting's problems, found with the documents it names read all the same.

    ``partial`` holds the items' attachments that could be read, so that a caller can
    check the PDFs among them too: one run reports everything (SPEC section 5)."""

    def __init__(self, problems: list[Problem], partial: Meeting) -> None:
        super().__init__(problems)
        self.partial = partial


def validate(meeting_file: Path) -> Meeting:
    """Load, check and merge one meeting; raise :class:`ValidationError` with every problem.

    Problems in ``meeting.yaml`` or ``packgen.yaml`` do not stop the documents it names
    being read: their problems are reported with the meeting's (:class:`IncompleteMeeting`).
    """
    config_file = find_config(meeting_file)
    if config_file is None:
        root = meeting_file.parent
    else:
        # Keep the user's spelling of paths: relative where they named the meeting relatively.
        depth = len(meeting_file.absolute().parent.relative_to(config_file.parent).parts)
        root = Path(os.path.normpath(meeting_file.parent.joinpath(*[".."] * depth)))
        config_file = root / CONFIG_NAME
    problems: list[Problem] = []
    config: dict[str, Any] = {}
    config_node: Map | None = None
    if config_file is not None:
        config_node, config = _check_file(config_file, CONFIG,
                                          Context(config_file.parent, root), problems)
    ctx = Context(meeting_file.parent, root)
    node, meeting = _check_file(meeting_file, MEETING, ctx, problems)
    if problems or meeting is INVALID or config is INVALID:
        raise _incomplete(problems, node, meeting_file, root,
                          report_settings(_readable_report(config_node, root),
                                          _readable_report(node, root)))
    merged = {**config, **meeting}
    merged["page_numbers"] = PageNumbering(**{**config.get("page_numbers", {}),
                                              **meeting.get("page_numbers", {})})
    merged["report"] = report_settings(config.get("report", {}), meeting.get("report", {}))
    merged["minutes"] = minutes_settings(config.get("minutes", {}), meeting.get("minutes", {}))
    pos = merged.pop("pos")
    if "organisation" not in merged:
        problems.append(Problem(pos, f'missing required key "organisation" (set it here or '
                                     f"in {CONFIG_NAME})"))
    raw_items = with_exclusion(merged.pop("items"), merged.get("exclusion_item", True), pos)
    items = number_items(raw_items, merged.pop("start_number", 1), problems)
    if problems:
        raise _incomplete(problems, node, meeting_file, root, merged["report"])
    meeting = Meeting(pos=pos, source=meeting_file, root=root, items=items, **merged)
    meeting = _with_documents(meeting, problems)
    problems += check_exempt_files(meeting)
    if problems:
        raise IncompleteMeeting(problems, meeting)
    return meeting


def _readable_report(node: Map | None, root: Path) -> dict[str, Any]:
    """The ``report:`` settings of a file that is wrong elsewhere, if they are right
    themselves (their own problems are reported already); else none."""
    child = node.items.get("report") if node is not None else None
    if child is None:
        return {}
    value = REPORT_SETTINGS.check(child, Context(child.pos.file.parent, root), "report")
    return value if isinstance(value, dict) else {}


def _incomplete(problems: list[Problem], node: Map | None, meeting_file: Path, root: Path,
                report: ReportSettings) -> IncompleteMeeting:
    """The problems so far, and those of every document the meeting's items name.

    Each attachment is read from the YAML on its own, so that one wrong key elsewhere
    (which leaves the meeting as a whole unreadable) does not hide the documents'
    problems; an attachment that is itself wrong was reported already and is skipped.
    The documents are read with the ``report`` settings the files give (those of the
    organisation with the meeting's over them), so that a report's problems with them
    are said in this run too.
    """
    items = []
    entries = node.items.get("items") if node is not None else None
    for number, entry in enumerate(entries.items if isinstance(entries, Seq) else (), 1):
        listed = entry.items.get("attachments") if isinstance(entry, Map) else None
        attachments = []
        for child in listed.items if isinstance(listed, Seq) else ():
            quiet = Context(meeting_file.parent, root)  # its problems are reported already
            attachment = ATTACHMENT.check(child, quiet, "")
            if attachment is INVALID and isinstance(child, Map) and "file" in child.items:
                # A wrong title or key beside it does not make the file unreadable.
                file = ATTACHMENT.fields["file"].shape.check(child.items["file"], quiet, "")
                attachment = INVALID if file is INVALID else Attachment(child.pos, file)
            if attachment is not INVALID:
                attachments.append(attachment)
        if attachments:
            items.append(Item(entry.pos, "", str(number), attachments=tuple(attachments)))
    origin = node.pos if node is not None else Position(meeting_file, 1, 1)
    partial = Meeting(pos=origin, source=meeting_file, root=root, organisation="", body="",
                      date=datetime.date.min, time=datetime.time(), venue="",
                      items=tuple(items), report=report)
    partial = _with_documents(partial, problems)
    return IncompleteMeeting(problems, partial)


def _with_documents(meeting: Meeting, problems: list[Problem]) -> Meeting:
    """Read every rendered attachment and appendix, filling its defaults from the meeting;
    tell every PDF whether to make room for the stamps."""
    items = []
    for item in meeting.items:
        attachments = tuple(_with_document(a, meeting, problems) for a in item.attachments)
        items.append(replace(item, attachments=attachments))
    return replace(meeting, items=tuple(items))


def _with_document(attachment: Attachment, meeting: Meeting, problems: list[Problem],
                   appendix: bool = False) -> Attachment:
    """An attachment (or a report's appendix) with what its file holds read in."""
    if attachment.file.suffix.lower() not in RENDERED_SUFFIXES:
        return replace(attachment, make_room=meeting.page_numbers.make_room)
    if attachment.merge_damaged:
        # Said rather than ignored: the officer meant it of some PDF.
        problems.append(Problem(attachment.pos, f'"{attachment.file.name}": '
                                "merge_damaged is for a PDF; packgen writes this "
                                "document's pages itself"))
    document = load_document(attachment.file, meeting.root, problems)
    if document is INVALID:
        # The report's own problems are said; its appendices are read all the same, so
        # that theirs are said in this run too. The stand-in is never built: the report's
        # problems stop the build.
        named = () if appendix else appendices_named(attachment.file, meeting.root)
        if not named:
            return attachment
        return replace(attachment, document=_defaults(Report(attachment.pos, "",
                                                             appendices=named),
                                                      meeting, problems))
    if appendix and isinstance(document, Report) and document.appendices:
        # One level only: a pack's bookmarks and page ranges have a report and its
        # appendices, and an appendix's appendix would have no place in either.
        problems.append(Problem(document.appendices[0].pos, "appendices: an appendix cannot "
                                "have appendices of its own; list them among the appendices "
                                "of the report that attaches this one"))
        return attachment
    return replace(attachment, document=_defaults(document, meeting, problems))


def _defaults(document: Any, meeting: Meeting, problems: list[Problem]) -> Any:
    if isinstance(document, Report):
        after = meeting.report.recommendations_after
        if after and document.recommendations and find_section(document, after) is None:
            headings = ", ".join(f'"{s.heading}"' for s in document.sections) or "none"
            problems.append(Problem(document.pos, f'recommendations: report.recommendations.'
                                    f'after puts them after the section "{after}", but this '
                                    f"report has no section of that heading (its sections: "
                                    f"{headings})"))
        for row in dropped_content(meeting.report, document):
            problems.append(Problem(document.pos, f'{row}: report.cover leaves out "{row}", '
                                    f"so this report's {row} would not be printed; add "
                                    f'"{row}" to report.cover or take it out of the report'))
        return replace(document, report_to=document.report_to or meeting.body,
                       date=document.date or meeting.date,
                       appendices=tuple(_with_document(a, meeting, problems, appendix=True)
                                        for a in document.appendices))
    if isinstance(document, Minutes):
        return replace(document, body=document.body or meeting.body)
    return document


def _check_file(path: Path, shape: Record, ctx: Context, problems: list[Problem]
                ) -> tuple[Map | None, Any]:
    """The file's top mapping (None when it cannot be read) and its checked value."""
    node = read_mapping(path, problems)
    if node is None:
        return None, INVALID
    value = shape.check(node, ctx, "")
    problems.extend(ctx.problems)
    return node, value
