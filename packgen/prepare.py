"""The stage before the pack: the meeting loaded and checked for the pack asked for, and,
for an edition in another language, the page ranges of the meeting's own pack.

Apart from :mod:`packgen.build` so that the typesetting process is forked before these
imports (the schema, the model, the law), which take a tenth of a second: see
:mod:`packgen.early`.
"""

from __future__ import annotations

from pathlib import Path

from packgen import schema
from packgen.alone import document_meeting
from packgen.edition import PageRanges
from packgen.errors import Problem, ValidationError
from packgen.layout import Pack, agenda_items
from packgen.messages import untranslated_warning
from packgen.model import Meeting
from packgen.publication import notice_problems
from packgen.typesetting import InProcessTypesetting, Typesetting
from packgen.withheld import untranslated


def validated(meeting_file: Path, alone: bool, language: str | None, pack: Pack,
               templates: Path | None) -> tuple[Meeting, tuple[Problem, ...]]:
    """The meeting (or the document built alone) and its warnings, or every problem."""
    try:
        meeting, notes = document_meeting(meeting_file, language) if alone else \
            (schema.validate(meeting_file, language), ())
    except schema.IncompleteMeeting as exc:  # its PDFs' problems are reported with it
        from packgen.check import every_pdf
        from packgen.pdf.sources import check_pdfs

        # Not judged tagged here: this reads every PDF, exempt ones too, and a public
        # build must not name an exempt file for that. Once the YAML is whole, the pack's
        # own PDFs are judged.
        raise ValidationError([*exc.problems,
                               *check_pdfs(every_pdf(exc.partial), False)[0]]
                              ) from None
    if pack.supplement is not None and not agenda_items(meeting, pack):
        raise ValidationError([Problem(meeting.pos, f"nothing in the meeting is marked "
                                                           f"supplement: {pack.supplement}")])
    calendar = notice_problems(meeting, meeting.template_dirs(templates))
    if calendar:
        raise ValidationError(calendar)
    return meeting, (*notes, *untranslated_warning(meeting.words, meeting.root),
                     *untranslated(meeting))


def original_ranges(meeting_file: Path, edition: Meeting, pack: Pack, templates: Path | None,
              trusted: bool, cache: Path | None
              ) -> tuple[PageRanges | None, Typesetting | None]:
    """The page ranges of the meeting's own pack, in its files' language, when ``edition``
    is in another: what the edition's page numbers are compared to; and the typesetting
    that laid it out, for the caller to close when the build is done."""
    own = schema.validate(meeting_file)
    if own.language == edition.language:
        return None, None
    from packgen.produce import laid_out

    typesetting = InProcessTypesetting(own, templates, trusted, cache)
    try:
        return laid_out(own, typesetting, pack), typesetting
    except BaseException:
        typesetting.close(failed=True)
        raise
