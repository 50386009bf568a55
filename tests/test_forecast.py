"""The front sheet laid out ahead, on the page counts the PDFs state (issue 16).

The typesetting process settles the main pack's front sheet on forecast counts while the
build reads the attachments; the build's own requests then find their answers made. A
forecast can only save time: a wrong one must give the same pages as none at all.
"""

from __future__ import annotations

import threading
from multiprocessing import Pipe
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packgen import build_pack, schema, serving
from packgen.forking import can_fork
from packgen.layout import Pack, pdf_attachments, plan_public
from packgen.pdf.count import forecast_counts, stated_pages
from packgen.pdf.glance import glance_pages
from packgen.settle import settle
from packgen.typesetting import ForkedTypesetting, InProcessTypesetting
from tests.conftest import MeetingFolder, basic_meeting

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdfs"


def _meeting(folder: MeetingFolder, pages: list[int]) -> Path:
    items = [{"title": f"Item {n}", "attachments": [folder.pdf(f"r{n}.pdf", count)]}
             for n, count in enumerate(pages, 1)]
    (folder.folder / "budget.md").write_text("# Budget\n\nText.\n")
    items.append({"title": "A document we typeset", "attachments": ["budget.md"]})
    return folder.write(basic_meeting(items))


class _Serving:
    """The typesetting process's loop in a thread, spoken to as a build speaks to it."""

    def __init__(self, meeting: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.laid_out: list[tuple[Any, ...]] = []
        self.ahead_done = threading.Event()
        real_front = InProcessTypesetting.front_sheet_within
        real_ahead = serving._front_ahead

        def counted(typesetting: InProcessTypesetting, *args: Any) -> Any:
            self.laid_out.append((args[0], tuple(args[1]), args[2]))
            return real_front(typesetting, *args)

        def ahead(*args: Any) -> None:
            try:
                real_ahead(*args)
            finally:
                self.ahead_done.set()

        monkeypatch.setattr(InProcessTypesetting, "front_sheet_within", counted)
        monkeypatch.setattr(serving, "_front_ahead", ahead)
        here, there = Pipe()
        self.thread = threading.Thread(target=serving.serve,
                                       args=(there, meeting, None, False, None))
        self.thread.start()
        self.client = ForkedTypesetting.attached(0, here)
        self.connection = here

    def stop(self) -> None:
        self.connection.send(None)
        self.thread.join(10)


def _settled(meeting: Any, typesetting: Any, counts: dict[Any, int]) -> Any:
    pack = Pack()
    return settle(meeting, pack, lambda front: plan_public(meeting, pack, front, counts, 1),
                  typesetting.front_sheet_within)


def _counts(meeting: Any, typesetting: Any) -> dict[Any, int]:
    from packgen.layout import document_key, pack_documents

    counts: dict[Any, int] = {}
    for item, attachment, parent in pack_documents(meeting, Pack()):
        counts[attachment] = typesetting.document(document_key(item, attachment, parent)).pages \
            if attachment.document is not None else len(PdfReader(attachment.file).pages)
    return counts


def test_the_counts_a_pdf_states_are_its_pages(folder: MeetingFolder) -> None:
    meeting = schema.validate(_meeting(folder, [3, 1, 12]))
    forecast = forecast_counts(pdf_attachments(meeting, [Pack()]))
    assert forecast is not None
    assert [count for _, count in forecast] == [3, 1, 12]


def test_the_forecast_reads_at_a_glance_what_it_can_and_pypdf_only_the_rest(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    import packgen.pdf.count

    meeting = schema.validate(_meeting(folder, [3, 1, 12]))
    attachments = pdf_attachments(meeting, [Pack()])
    odd = attachments[1].file
    asked: list[Path] = []

    def glance(path: Path) -> int | None:  # this one file left to pypdf
        return None if path == odd else glance_pages(path)

    def stated(path: Path) -> int | None:
        asked.append(path)
        return stated_pages(path)

    monkeypatch.setattr(packgen.pdf.count, "glance_pages", glance)
    monkeypatch.setattr(packgen.pdf.count, "stated_pages", stated)
    forecast = forecast_counts(attachments)
    assert forecast is not None
    assert [count for _, count in forecast] == [3, 1, 12]
    assert asked == [odd]


def test_a_file_that_is_not_simply_read_gives_no_forecast(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a PDF at all\n")
    assert stated_pages(broken) is None
    assert stated_pages(tmp_path / "missing.pdf") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_every_corpus_pdf_gives_its_page_count_or_none() -> None:
    # Real files: encrypted, damaged, odd trees. A forecast is never a wrong number for a
    # file whose page tree pypdf reads without repair, and never an exception.
    for path in sorted(CORPUS.glob("**/*.pdf")):
        stated = stated_pages(path)
        if stated is None:
            continue
        try:
            actual = len(PdfReader(path, strict=True).pages)
        except Exception:  # noqa: BLE001, S112 - pypdf itself would repair it: any forecast
            continue
        assert stated == actual, path.name


@pytest.mark.parametrize("shift", [0, 5], ids=["right", "wrong"])
def test_the_front_sheet_laid_out_ahead_is_the_one_asked_for(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch, shift: int) -> None:
    meeting = schema.validate(_meeting(folder, [3, 1, 12]))
    forecast = [(a, n + shift) for a, n in forecast_counts(pdf_attachments(meeting, [Pack()]))
                or []]
    local = InProcessTypesetting(meeting, None)
    expected_plan, expected = _settled(meeting, local, _counts(meeting, local))
    served = _Serving(meeting, monkeypatch)
    try:
        served.client.forecast(forecast)
        assert served.ahead_done.wait(60)
        ahead = list(served.laid_out)
        assert ahead  # laid out before anything was asked
        plan, front = _settled(meeting, served.client, _counts(meeting, local))
    finally:
        served.stop()
    assert front.pdf == expected.pdf and plan.total == expected_plan.total
    asked = served.laid_out[len(ahead):]
    if shift == 0:
        assert asked == []  # every answer was made ahead
    else:  # rows the forecast did not foresee: laid out when asked, as without it
        assert asked and all(key not in ahead for key in asked)


@pytest.mark.skipif(not can_fork(), reason="typesetting forks only on Linux")
def test_a_forecast_that_is_wrong_changes_no_byte(folder: MeetingFolder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = _meeting(folder, [2, 9, 4])
    local = build_pack(path, folder.root / "local.pdf")
    import packgen.produce

    monkeypatch.setattr(packgen.produce, "forecast_counts",
                        lambda attachments: [(a, 40) for a in attachments])
    forked = build_pack(path, folder.root / "forked.pdf", fork=True)
    assert local.pages == forked.pages
    assert (folder.root / "local.pdf").read_bytes() == (folder.root / "forked.pdf").read_bytes()


def test_a_build_in_one_process_reads_no_forecast(folder: MeetingFolder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing there works ahead on one: the counts are read once, properly.
    import packgen.pdf.glance
    import packgen.produce

    def refused(*args: Any) -> None:
        raise AssertionError("a forecast read for nothing")

    monkeypatch.setattr(packgen.pdf.glance, "glance_counts", refused)
    monkeypatch.setattr(packgen.produce, "forecast_counts", refused)
    items = [{"title": f"Item {n}", "attachments": [folder.pdf(f"r{n}.pdf", n)]}
             for n in (1, 2)]
    out = folder.root / "pack.pdf"
    build_pack(folder.write(basic_meeting(items)), out, fork=False)
    assert len(PdfReader(out).pages) > 3
