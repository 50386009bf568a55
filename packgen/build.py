"""The pipeline: the only module that knows the order of the stages.

start typesetting (forked, it imports while: see :mod:`packgen.early`) -> load and
validate -> hand the meeting to typesetting (:mod:`packgen.typesetting`) -> open
attachments -> render our documents -> lay out each pack the requested one depends
on (the main public pack owns the page numbers) with its front sheet typeset to a
fixed point -> assemble -> number -> describe -> write (:mod:`packgen.produce`).
Nothing is written until every stage has succeeded, and then atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packgen.early import EarlyTypesetting
from packgen.errors import Position, Problem, ValidationError
from packgen.forking import can_fork

if TYPE_CHECKING:  # these load only once typesetting has started: see build_pack
    from packgen.model import Attachment, Meeting
    from packgen.published import Publication
    from packgen.typesetting import Typesetting

PUBLISH_USAGE = ("only a meeting's public pack is published: a private pack, or a document "
                 "built alone, has no manifest")

LATEST_EPOCH = 253_402_300_799
"""The last second of the year 9999, the latest date a PDF date can say."""


def _check_source_date_epoch() -> None:
    """Refuse a ``SOURCE_DATE_EPOCH`` the pack's dates cannot be made from, in one line:
    ReportLab and the metadata both read it, and would fail with a traceback."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value.strip() == "":
        return
    if not (value.strip().isascii() and value.strip().isdigit()
            and int(value) <= LATEST_EPOCH):
        raise ValidationError([Problem(Position(Path("SOURCE_DATE_EPOCH")),
                                       "expected a whole number of seconds since 1 January "
                                       f"1970 (UTC), at most {LATEST_EPOCH}, found "
                                       f"{json.dumps(value)}")])


@dataclass(frozen=True)
class BuildResult:
    meeting: Meeting
    output: Path
    pages: int
    warnings: tuple[Problem, ...] = ()
    """What was repaired or is worth a look; the pack was written all the same."""
    publication: Publication | None = None
    """With ``publish``: the pack's items, documents and bytes (:mod:`packgen.published`)."""


def _counts_now(meeting: Meeting) -> list[tuple[Attachment, int]] | None:
    """The page counts of the main pack's PDFs, read at a glance without pypdf
    (:mod:`packgen.pdf.glance`), for the front sheet to be laid out on them at once; None
    to count them later, with pypdf (:mod:`packgen.produce`): when one cannot be read at
    a glance, or when the pack has documents to typeset, which the typesetting process
    makes first (each handed over as it is made, while this process reads its pages)."""
    from packgen.layout import Pack, pack_documents, pdf_attachments
    from packgen.pdf.glance import glance_counts

    if any(attachment.document is not None
           for _, attachment, _ in pack_documents(meeting, Pack())):
        return None
    pdfs = pdf_attachments(meeting, [Pack()])
    return glance_counts(pdfs) if pdfs else []


def build_pack(meeting_file: Path, output: Path | None = None, templates: Path | None = None,
               *, private: bool = False, supplement: int | None = None, draft: bool = False,
               html: bool = False, progress: Callable[[str], None] | None = None,
               fork: bool = False, trusted_templates: bool = False,
               language: str | None = None, require_tagged: bool = False,
               cache: Path | None = None, publish: bool = False,
               early: EarlyTypesetting | None = None) -> BuildResult:
    """Build one pack of one meeting (public by default) and write it atomically; given a
    document rather than a meeting, build that document alone (:mod:`packgen.alone`).

    ``progress`` hears each stage as it starts, for a display on a terminal. With
    ``fork`` (on Linux), our own pages are typeset in a second process while this one
    reads the attachments; the command line does so when it builds a single meeting.
    ``trusted_templates`` renders the officer's templates outside Jinja's sandbox.
    ``language`` builds the edition in that language (``--language cy``): its catalogue,
    its ``KEY_LANGUAGE`` values, written beside the pack as ``NAME-cy.pdf``, with a warning
    for each agenda row whose pages are not those of the meeting's own pack.
    ``require_tagged``: a PDF attachment that is not tagged is a problem (nothing is
    written) rather than a warning.
    ``cache``: the rebuild cache's folder (:mod:`packgen.cache`), or None for none; the pack
    is the same bytes either way.
    ``publish``: also describe the pack as published (:attr:`BuildResult.publication`),
    from the layout it was written from; only a meeting's public pack is published.
    ``early``: a typesetting process forked already for this build (the command line forks
    it before its own checks import the schema), made with the same ``templates``,
    ``trusted_templates`` and ``cache``; the build hands it the meeting, or ends it.
    """
    say = progress or (lambda step: None)
    say(f"{meeting_file}: checking")
    # Forked first, the typesetting process imports while this one imports the schema and
    # validates (:mod:`packgen.prepare`).
    if early is None and fork and can_fork():
        early = EarlyTypesetting().configure(templates, trusted_templates, cache)
    try:
        _check_source_date_epoch()
        from packgen.alone import is_document, usage_problem
        from packgen.layout import Pack
        from packgen.outputs import default_output, output_files, refuse_overwriting_inputs
        from packgen.prepare import original_ranges, validated
        from packgen.typesetting import InProcessTypesetting

        alone = is_document(meeting_file)  # a report, say, built alone: see packgen.alone
        if alone and (private or supplement is not None or html):
            raise ValueError(usage_problem([meeting_file], private, supplement, html))
        if publish and (private or alone):
            raise ValueError(PUBLISH_USAGE)
        pack = Pack(private, supplement, alone)
        meeting, notes = validated(meeting_file, alone, language, pack, templates)
        target = output or default_output(meeting_file, pack, language)
        refuse_overwriting_inputs(meeting, templates, output_files(target, html))
        original, before = original_ranges(meeting_file, meeting, pack, templates,
                                           trusted_templates, cache) \
            if language is not None and not alone else (None, None)
        typesetting: Typesetting = early.given(meeting) if early is not None else \
            InProcessTypesetting(meeting, templates, trusted_templates, cache)
        # Only a process of its own works ahead on a forecast: in this one, none is read.
        counts = None if alone or early is None else _counts_now(meeting)
        if counts is not None:  # the front sheet is laid out over there while pypdf loads
            typesetting.forecast(counts)
    except BaseException:
        if early is not None:  # a failed validation leaves no process behind
            early.close()
        raise
    try:
        from packgen.produce import produce  # now: see that module's docstring

        pages, warnings, published = produce(meeting, meeting_file, typesetting, pack, target,
                                             draft, html, say, original, require_tagged,
                                             publish,
                                             forecast=early is not None and counts is None)
    except BaseException:
        typesetting.close(failed=True)
        if before is not None:
            before.close(failed=True)
        raise
    typesetting.close()
    if before is not None:  # its pages are cached only now that the build has succeeded
        before.close()
    return BuildResult(meeting, target, pages, notes + warnings, published)
