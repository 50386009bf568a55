"""Graft an attachment's own structure tree into the pack's (placeholder).

Engineer E's module replaces this one at merge; it keeps E's API exactly, and adopts
nothing, so every attachment is treated as untagged until then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, PdfObject


@dataclass
class Adopted:
    """What an attachment's tree brings to the pack's."""

    elements: list[IndirectObject]
    """Its top-level structure elements (its own Document element unwrapped), in order;
    the caller puts them under the document's Sect and sets their /P."""
    parent_tree: dict[int, PdfObject]
    """ParentTree entries, keys already offset."""
    next_key: int
    """The first ParentTree key free after this document."""
    lang: str | None
    """The document's /Lang, for its Sect."""
    title: str | None
    """Its dc:title or Info /Title."""


class Grafts:
    """Adopts attachments' structure trees into one writer's."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.role_map = DictionaryObject()
        self.class_map = DictionaryObject()
        self.id_tree: dict[str, IndirectObject] = {}

    def adopt(self, reader: PdfReader, copies: Sequence[PageObject], first_key: int
              ) -> Adopted | None:
        """The attachment's tree, renumbered from ``first_key``; None when it has none to
        give (untagged, suspect, or unreadable)."""
        return None
