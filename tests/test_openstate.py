"""What a page leaves open before its stamps, read within a budget."""

from __future__ import annotations

import time
import zlib

from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from packgen.pdf.bridge import stream_object
from packgen.pdf.openstate import MAX_SCANNED, LeftOpen, left_open


def _flate(data: bytes) -> StreamObject:
    return stream_object(DictionaryObject({NameObject("/Filter"): NameObject("/FlateDecode")}),
                         zlib.compress(data))


def test_an_open_marked_sequence_and_state_are_found() -> None:
    page = _flate(b"/P <</MCID 0>> BDC q BT (EMC) Tj ET % EMC\n")
    assert left_open(page) == LeftOpen(marked=1, saved=1)


def test_a_page_listing_one_huge_stream_many_times_is_not_read_whole() -> None:
    """A few kilobytes that decode to 10 MB, listed 40 times, took minutes to read."""
    huge = _flate(b"/P <</MCID 0>> BDC " + b"0 0 m " * ((10 << 20) // 6))
    started = time.perf_counter()
    assert left_open(ArrayObject([huge] * 40)) == LeftOpen()
    assert time.perf_counter() - started < 5
    small = _flate(b"/P <</MCID 0>> BDC 0 0 m\n")
    assert left_open(ArrayObject([small] * 3)) == LeftOpen(marked=3)
    assert MAX_SCANNED >= 1 << 20  # room for any real page
