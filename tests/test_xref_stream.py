"""The cross-reference stream's rows (PDF 1.7, 7.5.8, Table 18): each row the entry's
type in one byte, its field in ``W[1]`` bytes, its index in two, big-endian; row 0 the
free head of the list (type 0, generation 65535)."""

from __future__ import annotations

import random
import re
import zlib

import pytest

from packgen.pdf.objstreams import xref_stream


def _rows(data: bytes) -> tuple[int, list[tuple[int, int, int]]]:
    width = int(re.search(rb"/W \[ 1 (\d+) 2 \]", data)[1])  # type: ignore[index]
    start = data.index(b"stream\n") + 7
    length = int(re.search(rb"/Length (\d+)", data)[1])  # type: ignore[index]
    raw = zlib.decompress(data[start:start + length])
    size = width + 3
    return width, [(raw[at], int.from_bytes(raw[at + 1:at + 1 + width], "big"),
                    int.from_bytes(raw[at + 1 + width:at + size], "big"))
                   for at in range(0, len(raw), size)]


@pytest.mark.parametrize("widest", [200, 65_535, 70_000, 2**24 - 1, 2**24, 2**31, 2**40])
def test_each_row_spells_its_entry(widest: int) -> None:
    rng = random.Random(widest)
    count = 500
    entries = {n: (rng.choice([1, 2]), rng.randint(0, widest), rng.randint(0, 65_535))
               for n in range(1, count + 1)}
    entries[count] = (1, widest, 0)
    width, rows = _rows(xref_stream(entries, count, b"/Root 1 0 R"))
    assert width == max(1, (widest.bit_length() + 7) // 8)
    assert rows == [(0, 0, 65_535), *(entries[n] for n in range(1, count + 1))]
