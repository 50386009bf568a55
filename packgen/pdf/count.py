"""How many pages a PDF says it has, read cheaply, before the file is read properly.

Only a forecast, for the typesetting process to lay out the front sheet on while this
process reads and checks the attachments (:mod:`packgen.serving`): a count that turns
out wrong costs that work, never a page. So anything unusual (encryption, damage, a file
pypdf would have to repair) gives no count rather than a slow or a repaired one. Read
when the counts could not be read at a glance, without pypdf (:mod:`packgen.pdf.glance`),
or when the pack's documents are typeset first.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader

from packgen.model import Attachment
from packgen.pdf.glance import MOST_PAGES, TAIL, counts_read, glance_pages
from packgen.pdf.repairs import pypdf_says


def forecast_counts(attachments: Sequence[Attachment]) -> list[tuple[Attachment, int]] | None:
    """Each attachment's page count as its page tree states it, or None if any one's cannot
    be read cheaply: at a glance, as :mod:`packgen.build` reads them before pypdf loads,
    else by pypdf (:func:`stated_pages`) for a file the glance leaves alone."""
    return counts_read(attachments, _stated)


def _stated(path: Path) -> int | None:
    glanced = glance_pages(path)
    return glanced if glanced is not None else stated_pages(path)


def stated_pages(path: Path) -> int | None:
    """The /Count of ``path``'s page tree, read strictly from its cross-reference table,
    trailer, catalogue and page tree root; None when that is not simply so."""
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) \
                as data, pypdf_says():
            if data.rfind(b"%%EOF", max(0, len(data) - TAIL)) < 0:
                return None  # pypdf would search the whole file for it
            reader = PdfReader(file, strict=True)
            if reader.is_encrypted:
                return None
            count = reader.trailer["/Root"].get_object()["/Pages"].get_object()["/Count"]  # type: ignore[index]
    except Exception:  # noqa: BLE001 - any reason at all: no forecast
        return None
    return count if isinstance(count, int) and 0 < count < MOST_PAGES else None
