"""Turn ``meeting.yaml`` and the organisation's ``packgen.yaml`` into a :class:`Meeting`.

Every problem in both files is collected before anything is raised. A value in
the meeting wins over the same value in the organisation config. The house style's
record is :mod:`packgen.housestyle`'s; the documents the items attach are read in by
:mod:`packgen.attachments`, for a meeting that is wrong elsewhere too
(:class:`IncompleteMeeting`).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from packgen import cabinet
from packgen.agenda import number_items, with_exclusion
from packgen.attachments import with_documents
from packgen.disclosure import check_exempt_files
from packgen.documents import (
    MERGE_DAMAGED,
    PERSON,
    RENDERED_SUFFIXES,
    read_mapping,
    readable_file,
)
from packgen.errors import Position, Problem, ValidationError
from packgen.exempt_keys import ExemptKeys, check_keys, judge_item
from packgen.filerefs import FileRef
from packgen.housestyle import STYLE
from packgen.inline import InlineMarkdown
from packgen.jurisdiction import Jurisdiction, chosen, england
from packgen.lawfile import ACCESS, CHOICES, NOTICE_RULE
from packgen.messages import Language, choose_language, languages, load_messages
from packgen.model import (
    Attachment,
    Item,
    Meeting,
    Notice,
    Republished,
)
from packgen.settings import (
    MINUTES_SETTINGS,
    REPORT_SETTINGS,
    DateFormat,
    minutes_settings,
    report_settings,
    without_own_words,
)
from packgen.settings_model import PageNumbering, ReportSettings
from packgen.shapes import (
    INVALID,
    Boolean,
    Context,
    Date,
    Field,
    Integer,
    ListOf,
    Record,
    Text,
    Time,
)
from packgen.source import Map, Scalar, Seq

CONFIG_NAME = "packgen.yaml"
ATTACHMENT_SUFFIXES = (".pdf", *RENDERED_SUFFIXES)

_SUPPLEMENT = Integer(1, 99, "a supplement number, 1 or more")


def _withholding(what: str) -> dict[str, Field]:
    """The keys that keep ``what`` out of the public pack, and say why: an item's and an
    attachment's alike."""
    return {
        "exempt": Field(ExemptKeys(), "Paragraph key(s) of the jurisdiction's table of exempt "
                                      f"information keeping {what} out of the public pack "
                                      '(3, "18A", [1, 3]); true where the law has no table.'),
        "confidential": Field(Boolean(), "Confidential information (England and Wales: section "
                                         "100A(2)-(3)): kept out of the public pack like exempt "
                                         "material, with its own wording."),
        "reason": Field(Text(), "Why it is exempt; printed in the private pack only.",
                        translatable=True),
        "special_reasons": Field(Text(), "exempt: true (a law without a table of exempt "
                                         "information, such as the 1960 Act): the special "
                                         "reasons, arising from the nature of the business, "
                                         "that the exclusion resolution states; public, "
                                         "printed in it.", translatable=True),
    }

NOTICE = Record({
    "heading": Field(Text(), "Optional heading printed above the wording.", translatable=True),
    "text": Field(InlineMarkdown(autolink=True), "The wording, in inline Markdown; web and "
                  "e-mail addresses become links.", required=True, translatable=True),
}, build=Notice, shorthand="text")

ATTACHMENT = Record({
    "file": Field(FileRef(ATTACHMENT_SUFFIXES), "The document, relative to this file.",
                  required=True, translatable=True),
    "title": Field(Text(), "Title for the bookmark; defaults from the item or file name.",
                   translatable=True),
    **_withholding("this document"),
    "supplement": Field(_SUPPLEMENT, "Late material: the supplementary pack it belongs to."),
    "merge_damaged": MERGE_DAMAGED,
}, build=Attachment, shorthand="file", written_in="file")

ITEM = Record({
    "title": Field(Text(), "The item's title, printed in capitals on the agenda.", required=True,
                   translatable=True),
    "number": Field(Text(r"[0-9A-Za-z][0-9A-Za-z.()-]{0,7}",
                         'a short item number such as "7" or "7a"'),
                    'Printed item number, such as "7a"; by default items count 1, 2, ...'),
    "description": Field(InlineMarkdown(breaks=True), "Lines under the title, such as what the "
                         "board is asked to do (inline Markdown; each line printed as written).",
                         translatable=True),
    "presenter": Field(InlineMarkdown(), 'Whose report it is: "Report of the Director of ..." '
                       "(inline Markdown).", translatable=True),
    **_withholding("the item's documents"),
    "supplement": Field(_SUPPLEMENT, "Late item: the supplementary pack it belongs to."),
    "attachments": Field(ListOf(ATTACHMENT), "Documents for the item, in order."),
    **cabinet.FIELDS,  # judged together by cabinet.CabinetItem, in MEETING's items
}, build=lambda **v: v, written_in="title")

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

REPUBLISHED = Record({
    "date": Field(Date(), "The day it was published again.", required=True),
    "reason": Field(Text(), 'Why, in a sentence: "Appendix 2 of item 7 was missing."',
                    required=True, translatable=True),
}, build=Republished)

SHARED = {
    "organisation": Field(Text(), "The council, board or trust.", translatable=True),
    "notices": Field(ListOf(NOTICE), "Wording printed at the end of the front sheet.",
                     translatable=True),
    "duplex": Field(Boolean(), "Start every document on a right-hand page (default true)."),
    "page_numbers": Field(PAGE_NUMBERS, "How pages are numbered."),
    "language": Field(Language(), "Language of the pack, such as en-GB or cy: its message "
                                  "catalogue prints the fixed words (packgen build "
                                  "--language overrides it)."),
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
                                 "none.", translatable=True),
    "minutes": Field(MINUTES_SETTINGS, 'What minutes print as fixed words: "Membership", '
                                       'the attendance words, "RESOLVED" ...'),
    "jurisdiction": Field(Text(CHOICES, "one of " + CHOICES.replace("|", ", ")),
                          "Whose access-to-information law and notice rule apply (default "
                          "england); custom: state them in access_to_information and notice."),
    "access_to_information": Field(ACCESS, "jurisdiction: custom: the statute, the table of "
                                           "exempt information and the wording."),
    "notice": Field(NOTICE_RULE, "The notice rule: the jurisdiction's, adjusted key by key."),
}
"""Keys that ``packgen.yaml`` may set for every meeting and a meeting may override."""

CONFIG = Record(SHARED)

MEETING = Record({
    **SHARED,
    "body": Field(Text(), "The committee or board.", required=True, translatable=True),
    "date": Field(Date(), "Date of the meeting.", required=True),
    "time": Field(Time(), 'Start time, 24-hour, quoted: "16:00".', required=True),
    "end_time": Field(Time(), 'Expected end, 24-hour, the same day: "20:30" (the calendar '
                              "entry's end; default two hours after time)."),
    "venue": Field(Text(), "Where the meeting is held.", required=True, translatable=True),
    "summons": Field(Text(), "The summons wording under the meeting details.",
                     translatable=True),
    "issued_by": Field(Text(), "Who issues the summons.", translatable=True),
    "contact": Field(PERSON, "Officer to contact about the meeting.", translatable=True),
    "start_number": Field(Integer(0), "Number of the first item (default 1)."),
    "meeting_type": Field(Text(), 'What kind of meeting it is, such as "standards" (some '
                                  "exempt paragraphs are for some kinds only)."),
    "items": Field(ListOf(cabinet.CabinetItem(ITEM), 1, "the agenda has no items"),
                   "The agenda, in order.", required=True),
    "republished": Field(REPUBLISHED, "The pack is published again after a correction: "
                                      "when, and why (on the meeting's web page and in its "
                                      "manifest)."),
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


def validate(meeting_file: Path, language: str | None = None) -> Meeting:
    """Load, check and merge one meeting; raise :class:`ValidationError` with every problem.

    Problems in ``meeting.yaml`` or ``packgen.yaml`` do not stop the documents it names
    being read: their problems are reported with the meeting's (:class:`IncompleteMeeting`).
    ``language`` (``--language``) overrides the files' ``language:``; the edition in that
    language takes each ``KEY_LANGUAGE`` value in place of ``KEY`` (``title_cy``).
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
    config_node = read_mapping(config_file, problems) if config_file is not None else None
    node = read_mapping(meeting_file, problems)
    said = [_said(node, "language"), _said(config_node, "language")]
    own = choose_language(None, said, root, [], Position(meeting_file))
    language = choose_language(language, said, root, problems, Position(meeting_file))
    known = languages(root)
    if config_file is not None:
        config = _check_node(config_node, CONFIG, Context(config_file.parent, root,
                                                          language=language, languages=known),
                             problems)
    ctx = Context(meeting_file.parent, root, language=language, languages=known,
                  own_language=own)
    meeting = _check_node(node, MEETING, ctx, problems)
    _check_end(node, ctx, problems)
    if node is not None and not any(n is not None and "organisation" in n.items
                                    for n in (config_node, node)):
        problems.append(Problem(node.pos, f'missing required key "organisation" (set it here '
                                          f"or in {CONFIG_NAME})"))
    words = load_messages(language, root, problems)
    if problems or meeting is INVALID or config is INVALID:
        readable_law = _readable_law(config_node, node, root, problems)
        if readable_law is not None:
            problems += cabinet.outside_the_law(node, readable_law)
        raise _incomplete(problems, node, meeting_file, root,
                          report_settings(_readable_report(config_node, root),
                                          _readable_report(node, root)),
                          _readable(config_node, node, root, "exclusion_item", True),
                          readable_law,
                          Context(meeting_file.parent, root, language=language, languages=known))
    if language != own:  # the files' words are in their own language: the catalogue's here
        config = without_own_words(config, config_node, language)
        meeting = without_own_words(meeting, node, language)
    merged = {"phone_label": words.word("phone_label"),
              "date_format": words.word("date_format"), **config, **meeting,
              "language": language, "words": words}
    merged["page_numbers"] = PageNumbering(**{**config.get("page_numbers", {}),
                                              **meeting.get("page_numbers", {})})
    merged["report"] = report_settings(
        {"background_papers_statement": words.word("background_papers_statement"),
         **config.get("report", {})}, meeting.get("report", {}))
    merged["minutes"] = minutes_settings(config.get("minutes", {}), meeting.get("minutes", {}))
    pos = merged.pop("pos")
    law = chosen(config, {**meeting, "language": language},
                 [n for n in (node, config_node) if n is not None], problems)
    for key in ("access_to_information", "notice"):
        merged.pop(key, None)
    merged["jurisdiction"] = law or england()
    if law is not None:
        problems += cabinet.outside_the_law(node, law)
    raw_items = merged.pop("items")
    if law is not None:
        raw_items = check_keys(raw_items, law, merged.get("meeting_type", ""), problems)
    raw_items = with_exclusion(raw_items, merged.get("exclusion_item", True), pos, law)
    items = number_items(raw_items, merged.pop("start_number", 1), problems)
    if problems:  # the numbers' own problems: the items are read, and numbered, already
        partial = Meeting(pos=pos, source=meeting_file, root=root, items=items, **merged)
        partial = with_documents(partial, problems)
        raise IncompleteMeeting(problems + check_exempt_files(partial), partial)
    meeting = Meeting(pos=pos, source=meeting_file, root=root, items=items, **merged)
    meeting = with_documents(meeting, problems)
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


def _readable(config_node: Map | None, node: Map | None, root: Path, key: str,
              default: Any) -> Any:
    """A shared setting as the meeting (else the organisation) gives it, if it is right
    itself (its own problems are reported already); else ``default``."""
    for where in (node, config_node):
        child = where.items.get(key) if where is not None else None
        if child is not None:
            value = MEETING.fields[key].shape.check(child, Context(root, root), key)
            return default if value is INVALID else value
    return default


def _readable_law(config_node: Map | None, node: Map | None, root: Path,
                  problems: list[Problem]) -> Jurisdiction | None:
    """The jurisdiction of files wrong elsewhere, from what of its keys is right, so that
    the exempt keys are judged in the same run."""
    keys = ("jurisdiction", "access_to_information", "notice", "language")
    config, meeting = ({key: value for key in keys
                        if (value := _readable(first, second, root, key, None)) is not None}
                       for first, second in ((config_node, None), (None, node)))
    return chosen(config, meeting, [n for n in (node, config_node) if n is not None], problems)


def _incomplete(problems: list[Problem], node: Map | None, meeting_file: Path, root: Path,
                report: ReportSettings, exclusion: bool, law: Jurisdiction | None,
                read: Context) -> IncompleteMeeting:
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
    listed = entries.items if isinstance(entries, Seq) else []
    readable = [ITEM.check(entry, replace(read, problems=[]), f"items[{n}]")
                for n, entry in enumerate(listed)]
    origin = node.pos if node is not None else Position(meeting_file, 1, 1)
    if law is not None:
        # Every item's exempt keys are judged, whatever else is wrong with it or another
        # item: an item that does not read as a whole is judged on its law keys alone.
        meeting_type = _readable(None, node, root, "meeting_type", "")
        for n, (entry, value) in enumerate(zip(listed, readable, strict=True)):
            if value is not INVALID:
                readable[n] = judge_item(n, value, law, meeting_type, problems)
            elif isinstance(entry, Map):
                judge_item(n, _law_keys(entry, read, n), law, meeting_type, problems)
    if readable and INVALID not in readable:
        # Every item reads: their numbers, and which of their files are exempt, are judged
        # in this run too (a duplicate number, one file both public and exempt).
        start = _readable(None, node, root, "start_number", 1)
        numbered = number_items(with_exclusion(tuple(readable), exclusion, origin, law), start,
                                problems)
        partial = Meeting(pos=origin, source=meeting_file, root=root, organisation="", body="",
                          date=datetime.date.min, time=datetime.time(), venue="",
                          items=numbered, report=report, jurisdiction=law or england())
        partial = with_documents(partial, problems)
        return IncompleteMeeting(problems + check_exempt_files(partial), partial)
    for number, entry in enumerate(entries.items if isinstance(entries, Seq) else (), 1):
        attached = entry.items.get("attachments") if isinstance(entry, Map) else None
        quiet = replace(read, problems=[])  # its problems are reported already
        attachments = [a for a in (readable_file(ATTACHMENT, child, quiet)
                                   for child in (attached.items if isinstance(attached, Seq)
                                                   else ())) if a is not None]
        if attachments:
            items.append(Item(entry.pos, "", str(number), attachments=tuple(attachments)))
    partial = Meeting(pos=origin, source=meeting_file, root=root, organisation="", body="",
                      date=datetime.date.min, time=datetime.time(), venue="",
                      items=tuple(items), report=report, jurisdiction=law or england())
    partial = with_documents(partial, problems)
    return IncompleteMeeting(problems, partial)


_LAW_KEYS = tuple(_withholding(""))


def _law_keys(entry: Map, read: Context, n: int) -> dict[str, Any]:
    """The exempt keys of an item that does not read as a whole (a missing file, a wrong
    presenter), and of its attachments, each as far as it reads itself."""
    quiet = replace(read, problems=[])

    def keys(node: Map, shape: Record, path: str) -> dict[str, Any]:
        found = {key: shape.fields[key].shape.check(node.items[key], quiet, f"{path}.{key}")
                 for key in _LAW_KEYS if key in node.items}
        return {key: value for key, value in found.items() if value is not INVALID}

    item: dict[str, Any] = {"pos": entry.pos, **keys(entry, ITEM, f"items[{n}]")}
    listed = entry.items.get("attachments")
    if isinstance(listed, Seq):
        item["attachments"] = tuple(
            Attachment(child.pos, Path(), **keys(child, ATTACHMENT,
                                                  f"items[{n}].attachments[{m}]"))
            if isinstance(child, Map) else Attachment(child.pos, Path())
            for m, child in enumerate(listed.items))
    return item


def _check_node(node: Map | None, shape: Record, ctx: Context, problems: list[Problem]
                ) -> Any:
    """A file's checked value (its top mapping ``node``, None when it cannot be read)."""
    if node is None:
        return INVALID
    value = shape.check(node, ctx, "")
    problems.extend(ctx.problems)
    return value


def _check_end(node: Map | None, ctx: Context, problems: list[Problem]) -> None:
    """An ``end_time`` not after ``time`` is a slip (a calendar would show the meeting
    ending before it starts): refused, at the end time."""
    start, end = ((node.items.get(key) if node is not None else None)
                  for key in ("time", "end_time"))
    if start is None or end is None:
        return
    quiet = Context(ctx.base, ctx.root)  # each time's own problem is reported already
    times = [Time().check(child, quiet, key) for child, key in ((start, "time"),
                                                                 (end, "end_time"))]
    if all(t is not INVALID for t in times) and times[1] <= times[0]:
        problems.append(Problem(end.pos, f"end_time: expected a time after the start time "
                                         f'"{times[0]:%H:%M}", found "{times[1]:%H:%M}"'))


def _said(node: Map | None, key: str) -> str | None:
    """What a file's top mapping gives ``key`` as text, before it is checked."""
    child = node.items.get(key) if node is not None else None
    return child.text if isinstance(child, Scalar) and child.value is not None else None
