"""One meeting's published files, built in memory: what a worker process sends back.

Each public pack (the main pack, then each supplement) is built with
``build_pack(..., publish=True)`` into a scratch folder; the site keeps the bytes the
publication holds (the pack, and each document's own PDF once cut), and the manifest
made from the very layouts the packs were written from. Nothing is written to the site
here: the caller writes every file of a meeting only once all of them were made.
"""

from __future__ import annotations

import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packgen.errors import PackgenError, Problem
from packgen.layout import Pack
from packgen.manifest import edition, manifest
from packgen.model import Meeting
from packgen.outputs import default_output, edition_language
from packgen.published import Publication
from packgen.site.places import pack_name


@dataclass(frozen=True)
class MeetingJob:
    """What a worker needs to build one meeting (picklable)."""

    file: Path
    page: str
    """Its page relative to the site's root."""
    digest: str
    templates: Path | None = None
    debug: bool = False


@dataclass(frozen=True)
class MeetingFiles:
    """A meeting built: its manifest and its files, by name relative to its folder; or
    its problems."""

    job: MeetingJob
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    manifest: dict[str, Any] | None = None
    files: tuple[tuple[str, bytes], ...] = ()
    """The packs and the documents' PDFs (not the pages, the calendar or the manifest:
    those follow from the manifest and the one published before, which the caller has)."""
    trace: str = ""

    @property
    def ok(self) -> bool:
        return self.manifest is not None


def build_meeting(job: MeetingJob) -> MeetingFiles:
    """Build every public pack of the meeting, and of its other edition if it has one
    (:func:`other_edition`); never raises for the officer's problems."""
    warnings: list[Problem] = []
    try:
        with tempfile.TemporaryDirectory(prefix="packgen-site-") as scratch:
            meeting, publications = _build_packs(job, Path(scratch), None, warnings)
            language = other_edition(meeting, job.file)
            if language is not None:
                # All or nothing: a meeting in Wales is published in both languages or
                # not at all (its old files stay), never in English alone.
                welsh, welsh_publications = _build_packs(job, Path(scratch), language,
                                                         warnings)
    except PackgenError as exc:
        return MeetingFiles(job, tuple(exc.problems), tuple(warnings),
                            trace=traceback.format_exc() if job.debug else "")
    data = manifest(meeting, publications, inputs_sha256=job.digest, url=job.page)
    files = _files(publications, data, "")
    if language is not None:
        folder = f"{language.lower()}/"
        other = edition(welsh, welsh_publications, folder=folder,
                        url=f"{job.page}{folder}" if job.page else None)
        data["editions"] = [other]
        files += _files(welsh_publications, other, folder)
    return MeetingFiles(job, (), tuple(warnings), data, tuple(files))


def other_edition(meeting: Meeting, file: Path) -> str | None:
    """The language of the meeting's other edition on the site, or None: a meeting under
    the law of Wales (``jurisdiction: wales``) is published in Welsh as well, as the Welsh
    Language Standards ask of its council, unless its files are Welsh already."""
    if meeting.jurisdiction.name != "wales":
        return None
    return edition_language(file, "cy")


def _build_packs(job: MeetingJob, scratch: Path, language: str | None,
                 warnings: list[Problem]) -> tuple[Meeting, list[Publication]]:
    """The meeting's main public pack, then each supplement, in ``language``'s edition
    (None: the files' own)."""
    from packgen.build import build_pack

    publications: list[Publication] = []
    queue: list[int | None] = [None]
    meeting: Meeting | None = None
    while queue:
        supplement = queue.pop(0)
        name = pack_name(job.page, supplement, language) if job.page else \
            default_output(job.file, Pack(supplement=supplement), language).name
        result = build_pack(job.file, scratch / name, job.templates, supplement=supplement,
                            publish=True, language=language)
        warnings += (w for w in result.warnings if w not in warnings)
        assert result.publication is not None  # publish=True
        publications.append(result.publication)
        if meeting is None:
            meeting = result.meeting
            queue += supplements(meeting)
    assert meeting is not None
    return meeting, publications


def supplements(meeting: Meeting) -> list[int]:
    """The numbers of the meeting's supplementary packs, in order."""
    found = {item.supplement for item in meeting.items}
    found |= {item.supplement_of(a) for item in meeting.items for a in item.attachments}
    return sorted(n for n in found if n is not None)


def _files(publications: list[Publication], data: dict[str, Any], folder: str
           ) -> list[tuple[str, bytes]]:
    """The packs (under ``folder`` of the meeting's page) and the documents' own PDFs, by
    the names ``data`` (a manifest, or an edition of one) gives them."""
    files = [(folder + one.file, one.pdf) for one in publications]
    cut = [pdf for one in publications for pdf in (one.document_pdfs or ())]
    if len(cut) == len(data["documents"]) and cut:
        files += zip((d["file"] for d in data["documents"]), cut, strict=True)
    return files
