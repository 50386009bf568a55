"""The typesetting process's loop: answer the build's requests, and work ahead of them.

While the build waits for nothing, this process makes what it will be asked for: the
documents named by ``prefetch``, the stamp fonts and filler page every build wants, and,
sent page counts ahead of time (``forecast``), the main public pack's front sheet,
settled as the build will settle it (:func:`packgen.settle.settle`) on those counts. The
build then asks for each front sheet in turn; one laid out ahead on the same rows and
length is answered at once. A forecast that turns out wrong (a damaged file, say,
whose real count differs) only means the build's rows differ and the pages are laid
out when asked, as without it: an answer is always the pages of exactly the rows asked.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from packgen import errors
from packgen.collection import GC_THRESHOLDS
from packgen.layout import (
    DocumentKey,
    Pack,
    document_key,
    pack_documents,
    plan_public,
)
from packgen.rendered import Typeset
from packgen.settle import settle
from packgen.typesetting import InProcessTypesetting, RowData

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from packgen.model import Attachment, Meeting

FrontKey = tuple[Pack, tuple[RowData, ...], "int | None"]


def serve_forked(connection: Connection, meeting: Meeting, templates: Path | None,
                 trusted: bool, cache: Path | None) -> None:
    """:func:`serve`, as the typesetting process forked for it."""
    # What this process imported, and the meeting, live as long as it does: frozen, no
    # collection looks at them again. Its documents leave ReportLab's cycles behind (160
    # typeset documents, 63 MiB more uncollected), so it collects, whatever the process
    # that forked it chose for itself (packgen.cli).
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()
    serve(connection, meeting, templates, trusted, cache)


def serve(connection: Connection, meeting: Meeting, templates: Path | None,
          trusted: bool, cache: Path | None) -> None:
    """Answer requests until told to stop; problems go back to be raised over there."""
    local: InProcessTypesetting | None = None
    failed: tuple[str, object] | None = None
    try:
        local = InProcessTypesetting(meeting, templates, trusted, cache)
    except errors.PackgenError as exc:
        failed = ("problems", (type(exc).__name__, exc.problems))
    except Exception:  # noqa: BLE001 - sent back, to be raised in the building process
        failed = ("crash", traceback.format_exc())
    # Made while nobody is waiting for an answer: what the build said it will ask for,
    # then what every build asks for late.
    ahead: list[Callable[[], object]] = []
    late: list[Callable[[], object]] = [local.stamp_fonts, local.filler] \
        if local is not None else []
    made = _Made()
    fronts: dict[FrontKey, Typeset | int] = {}
    while True:
        while (ahead or late) and not connection.poll():
            try:
                (ahead or late).pop(0)()
            except Exception:  # noqa: BLE001, S112 - asked for later, it fails properly then
                continue
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            if local is not None:
                local.close()
            return
        method, args = request
        if method in ("prefetch", "forecast"):  # no answer: the caller is not waiting
            if local is not None and method == "prefetch":
                ahead[:0] = [partial(made.make, local, key) for key in args[0]]
            elif local is not None:  # after the documents: their counts are part of it
                ahead.append(partial(_front_ahead, local, made, fronts, args[0]))
            continue
        if method == "front_sheet_within":  # asked for already: too late to work ahead
            ahead[:] = [work for work in ahead
                        if not (isinstance(work, partial) and work.func is _front_ahead)]
        if failed is not None or local is None:
            connection.send(failed)
            continue
        try:
            if method == "document":
                answer: object = made.take(local, args[0])
            elif method == "front_sheet_within":
                found = fronts.get((args[0], tuple(args[1]), args[2]))
                answer = found if found is not None else local.front_sheet_within(*args)
            else:
                answer = getattr(local, method)(*args)
            connection.send(("ok", answer))
        except errors.PackgenError as exc:
            connection.send(("problems", (type(exc).__name__, exc.problems)))
        except Exception:  # noqa: BLE001 - as above
            connection.send(("crash", traceback.format_exc()))


def _front_ahead(local: InProcessTypesetting, made: _Made,
                 fronts: dict[FrontKey, Typeset | int],
                 forecast: Sequence[tuple[Attachment, int]]) -> None:
    """Settle the main public pack's front sheet on the forecast page counts of its PDFs
    and the pages of its documents, keeping each front sheet made on the way."""
    meeting, pack = local.meeting, Pack()
    counts = dict(forecast)
    for item, attachment, parent in pack_documents(meeting, pack):
        if attachment.document is not None:
            counts[attachment] = made.pages(local, document_key(item, attachment, parent))

    def front_sheet(step: Pack, rows: list[RowData], drawn: int | None) -> Typeset | int:
        key = (step, tuple(rows), drawn)
        if key not in fronts:
            fronts[key] = local.front_sheet_within(step, rows, drawn)
        return fronts[key]

    settle(meeting, pack, lambda front: plan_public(meeting, pack, front, counts, 1),
           front_sheet)


class _Made:
    """Documents typeset ahead of their request (see :meth:`Typesetting.prefetch`), each
    handed over once; one asked for before its turn came is made then, and not again. A
    document that fails ahead is made again when asked for, which reports the failure."""

    def __init__(self) -> None:
        self.ready: dict[DocumentKey, Typeset] = {}
        self.asked: set[DocumentKey] = set()
        self.counted: dict[DocumentKey, int] = {}

    def make(self, local: InProcessTypesetting, key: DocumentKey) -> None:
        if key not in self.asked and key not in self.ready:
            self.ready[key] = local.document(key)
            self.counted[key] = self.ready[key].pages

    def take(self, local: InProcessTypesetting, key: DocumentKey) -> Typeset:
        self.asked.add(key)
        found = self.ready.pop(key, None)
        typeset = found if found is not None else local.document(key)
        self.counted[key] = typeset.pages
        return typeset

    def pages(self, local: InProcessTypesetting, key: DocumentKey) -> int:
        """How many pages the document has, making it (to be handed over) if need be."""
        if key not in self.counted:
            self.make(local, key)
        return self.counted[key]
