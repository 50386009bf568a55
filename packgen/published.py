"""What a public pack publishes: its items, its documents and where each lies, as data.

Gathered from the very :class:`~packgen.layout.Plan` the pack was laid out and written
from, never worked out again, so the manifest (:mod:`packgen.manifest`) cannot disagree
with the pack: page ranges as the agenda prints them, titles as the bookmarks give them,
physical pages as the outline points at them. Only a public pack is published: every
document here is one the public pack holds, and :func:`publication` refuses anything else
rather than trust its caller.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from packgen.layout import Pack, Placement, Plan, agenda_items
from packgen.model import Attachment, Item, Meeting, Minutes, Report
from packgen.pdf.assemble import bookmark_title
from packgen.withheld import agenda_wording

if TYPE_CHECKING:
    from packgen.pdf.cut import DocumentSpan


@dataclass(frozen=True)
class PublishedItem:
    number: str
    title: str
    exempt: str | None
    """The exempt wording the public agenda prints for it, or None."""
    pages: tuple[tuple[str, str], ...]
    """(first, last) printed page labels of its documents in this pack; () for none."""
    description: str = ""
    """As the agenda prints it beneath the title (in the pack's language), or ""."""
    presenter: str = ""
    language: str = ""
    """Its title's language where it is not the pack's (an edition's untranslated title)."""


@dataclass(frozen=True)
class PublishedDocument:
    title: str
    """As its bookmark gives it."""
    kind: str
    """"report", "minutes", "document" (plain or Markdown) or "pdf"."""
    item: str
    appendix_of: int | None
    """For a report's appendix, the report's index in the pack's documents."""
    first_page: str
    last_page: str
    first_index: int
    """1-based physical page of the pack."""
    last_index: int
    source: str
    """The file it came from, relative to the repository root, with forward slashes."""
    source_sha256: str
    language: str

    @property
    def span(self) -> DocumentSpan:
        from packgen.pdf.cut import DocumentSpan

        return DocumentSpan(self.first_index - 1, self.last_index - 1, self.title,
                            self.language)


@dataclass(frozen=True)
class Publication:
    """One public pack as published: the pack's own bytes, its items and its documents."""

    file: str
    """The pack's file name."""
    supplement: int | None
    pages: int
    sha256: str
    """Of the bytes written."""
    items: tuple[PublishedItem, ...]
    documents: tuple[PublishedDocument, ...]
    pdf: bytes = b""
    """The pack as written."""
    document_pdfs: tuple[bytes, ...] | None = None
    """Each document cut from ``pdf`` (:func:`with_document_pdfs`), in ``documents``'
    order; None until cut."""

    @property
    def spans(self) -> list[DocumentSpan]:
        """Each document's pages and title, in ``documents``' order: what the cut takes."""
        return [document.span for document in self.documents]


def with_document_pdfs(publication: Publication) -> Publication:
    """The publication with each document's own PDF, cut from the pack's bytes
    (:mod:`packgen.pdf.cut`): the pack's own pages, so each prints the pack's "Page N"."""
    from packgen.pdf.cut import cut_documents

    return replace(publication, document_pdfs=tuple(cut_documents(publication.pdf,
                                                                  publication.spans)))


def publication(meeting: Meeting, pack: Pack, layout: Plan, name: str,
                digests: Mapping[Attachment, str]) -> Publication:
    """Describe the public ``pack`` of ``meeting`` as laid out, to be written to ``name``
    (its bytes follow: :func:`written`). ``digests``: the SHA-256 of each PDF
    attachment's bytes as the build read them (a rendered document's file is read here)."""
    if pack.private or pack.alone:
        raise ValueError("only a meeting's public pack is published")
    items = tuple(PublishedItem(item.number, item.title, _exempt_wording(meeting, pack, item),
                                tuple((str(layout.labels[a]), str(layout.labels[b]))
                                      for a, b in layout.item_spans(item)),
                                item.description, item.presenter, item.lang)
                  for item in agenda_items(meeting, pack))
    documents: list[PublishedDocument] = []
    where: dict[int, int] = {}  # id(attachment) -> its index in documents
    for placement in layout.placements:
        if placement.kind != "attachment":
            continue
        item, attachment = placement.item, placement.attachment
        assert item is not None and attachment is not None
        _refuse_withheld(item, placement)
        where[id(attachment)] = len(documents)
        documents.append(PublishedDocument(
            title=bookmark_title(item, placement, meeting.words), kind=_kind(attachment),
            item=item.number,
            appendix_of=where[id(placement.parent)] if placement.parent is not None else None,
            first_page=str(layout.labels[placement.start]),
            last_page=str(layout.labels[placement.last]),
            first_index=placement.start + 1, last_index=placement.last + 1,
            source=source_path(meeting.root, attachment.file),
            source_sha256=digests.get(attachment) or _file_sha256(attachment.file),
            language=attachment.lang or meeting.language))
    return Publication(name, pack.supplement, layout.total, "", items, tuple(documents))


def written(publication: Publication, pdf: bytes) -> Publication:
    """The publication of the pack written as ``pdf``."""
    return replace(publication, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())


def _refuse_withheld(item: Item, placement: Placement) -> None:
    # Not an assert: this must hold with python -O too. A public plan never places an
    # exempt or confidential document; if one ever did, nothing may be published.
    owner = placement.parent if placement.parent is not None else placement.attachment
    if placement.exempt is not None or not item.is_public(owner):
        raise ValueError("a withheld document is never published")


def _exempt_wording(meeting: Meeting, pack: Pack, item: Item) -> str | None:
    """What the public agenda says of the item's withheld part (no reasons: those are
    printed in the private pack only)."""
    why = item.withheld_in(pack.supplement)
    if why is None:
        return None
    return agenda_wording(meeting.jurisdiction, why, item.withholding())


def _kind(attachment: Attachment) -> str:
    document = attachment.document
    if document is None:
        return "pdf"
    if isinstance(document, Report):
        return "report"
    if isinstance(document, Minutes):
        return "minutes"
    return "document"


def source_path(root: Path, file: Path) -> str:
    """``file`` relative to the repository root, with forward slashes: the same on any
    machine and wherever the repository lies."""
    return Path(os.path.relpath(file.absolute(), root.absolute())).as_posix()


def _file_sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def every_document(publications: Sequence[Publication]) -> list[PublishedDocument]:
    """The documents of several packs (a meeting's main pack and its supplements), in
    order, each appendix's ``appendix_of`` counted in the whole list."""
    found: list[PublishedDocument] = []
    for one in publications:
        offset = len(found)
        found += [replace(d, appendix_of=None if d.appendix_of is None
                          else d.appendix_of + offset) for d in one.documents]
    return found
