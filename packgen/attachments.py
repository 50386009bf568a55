"""The meeting's documents read in: each report, minutes or Markdown file an item attaches
(and a report's appendices, one level deep) loaded into the model, with what it leaves
unsaid taken from the meeting (the body a report goes to, its date), and each PDF told
whether to make room for the stamps.

:mod:`packgen.schema` does this for a valid meeting, and for the partial one it reads
from a meeting that is wrong elsewhere, so that the documents' problems are said too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from packgen.documents import RENDERED_SUFFIXES, appendices_named, load_document
from packgen.errors import Problem
from packgen.model import Attachment, Meeting, Minutes, Report, find_section
from packgen.settings import dropped_content
from packgen.shapes import INVALID


def with_documents(meeting: Meeting, problems: list[Problem]) -> Meeting:
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
        return replace(attachment, document=with_defaults(Report(attachment.pos, "",
                                                             appendices=named),
                                                      meeting, problems))
    if appendix and isinstance(document, Report) and document.appendices:
        # One level only: a pack's bookmarks and page ranges have a report and its
        # appendices, and an appendix's appendix would have no place in either.
        problems.append(Problem(document.appendices[0].pos, "appendices: an appendix cannot "
                                "have appendices of its own; list them among the appendices "
                                "of the report that attaches this one"))
        return attachment
    return replace(attachment, document=with_defaults(document, meeting, problems))


def with_defaults(document: Any, meeting: Meeting, problems: list[Problem]) -> Any:
    """The document with what it leaves unsaid taken from the meeting (a report's body and
    date, minutes' body); a report's problems with the meeting's ``report:`` settings said,
    and its appendices read in."""
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
