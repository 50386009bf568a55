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
from packgen.manifest import document_files, manifest
from packgen.model import Meeting
from packgen.outputs import default_output
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
    """Build every public pack of the meeting; never raises for the officer's problems."""
    from packgen.build import build_pack

    warnings: list[Problem] = []
    publications: list[Publication] = []
    try:
        with tempfile.TemporaryDirectory(prefix="packgen-site-") as scratch:
            supplement: int | None = None
            queue: list[int | None] = [None]
            meeting: Meeting | None = None
            while queue:
                supplement = queue.pop(0)
                name = pack_name(job.page, supplement) if job.page else \
                    default_output(job.file, Pack(supplement=supplement)).name
                result = build_pack(job.file, Path(scratch) / name, job.templates,
                                    supplement=supplement, publish=True)
                warnings += result.warnings
                assert result.publication is not None  # publish=True
                publications.append(result.publication)
                if meeting is None:
                    meeting = result.meeting
                    queue += supplements(meeting)
    except PackgenError as exc:
        return MeetingFiles(job, tuple(exc.problems), tuple(warnings),
                            trace=traceback.format_exc() if job.debug else "")
    assert meeting is not None
    data = manifest(meeting, publications, inputs_sha256=job.digest, url=job.page)
    return MeetingFiles(job, (), tuple(warnings), data, tuple(_files(publications, data)))


def supplements(meeting: Meeting) -> list[int]:
    """The numbers of the meeting's supplementary packs, in order."""
    found = {item.supplement for item in meeting.items}
    found |= {item.supplement_of(a) for item in meeting.items for a in item.attachments}
    return sorted(n for n in found if n is not None)


def _files(publications: list[Publication], data: dict[str, Any]
           ) -> list[tuple[str, bytes]]:
    files = [(one.file, one.pdf) for one in publications]
    cut = [pdf for one in publications for pdf in (one.document_pdfs or ())]
    if len(cut) == len(data["documents"]) and cut:
        names = document_files([d["title"] for d in data["documents"]])
        files += zip(names, cut, strict=True)
    return files
