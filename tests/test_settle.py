"""The front sheet's length settles with one drawn typeset: every other guess is laid out
without drawing, for its page count alone, which is the drawn one's; the pack is the same
bytes as when every guess is drawn, with or without a cache, and the cache remembers the
counts (never a private pack's)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from packgen import build_pack, schema
from packgen import typeset as typeset_module
from packgen.cache import TypesetCache
from packgen.cacheentry import PAGES_FORMAT, decode, decode_pages, encode_pages
from packgen.layout import Pack
from packgen.rendered import Typeset
from packgen.typeset import Typesetter
from packgen.typesetting import InProcessTypesetting, RowData
from tests.conftest import ROOT, MeetingFolder, basic_meeting, page_texts

Made = tuple[str, int | None, str]
"""A typeset: its template, the pages it was to draw at most, and "drawn" or "counted"."""


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[Made]:
    calls: list[Made] = []
    real = Typesetter.typeset

    def noted(self: Typesetter, root: Any, origin: Path, *args: Any, **kwargs: Any) -> Any:
        result = real(self, root, origin, *args, **kwargs)
        calls.append((origin.name, kwargs.get("drawn"),
                      "drawn" if isinstance(result, Typeset) else "counted"))
        return result

    monkeypatch.setattr(Typesetter, "typeset", noted)
    return calls


def agenda(folder: MeetingFolder, items: int, duplex: bool = False, every: int = 3,
           **extra: Any) -> Path:
    folder.pdf("paper.pdf", 1)
    return folder.write(basic_meeting([
        {"title": f"Item {n} with a title long enough to wrap onto a second line of the "
                  "agenda" + " and a third" * (n % 4), "description": "To consider the "
                  "report of the director",
         "attachments": ["paper.pdf"] if every and n % every == 0 else []}
        for n in range(items)], duplex=duplex, **extra))


def fronts(calls: list[Made]) -> list[Made]:
    return [c for c in calls if c[0] == "frontsheet.html"]


def test_a_long_front_sheet_is_drawn_once(folder: MeetingFolder, made: list[Made]) -> None:
    # Single-sided, each page the front sheet gains moves every report: guesses 1, then 5.
    path = agenda(folder, 45)
    built = build_pack(path, folder.root / "pack.pdf").output
    assert fronts(made) == [("frontsheet.html", 1, "counted"),
                            ("frontsheet.html", 5, "drawn")]
    assert "Page 6" in page_texts(built)[5] and "ITEM 44" in page_texts(built)[4].upper()


@pytest.mark.parametrize(("items", "duplex", "every"), [
    (1, False, 1), (12, True, 3), (20, False, 0), (45, False, 3), (45, True, 2),
    (120, False, 5)])
def test_the_pack_is_the_one_every_guess_drawn_gives(folder: MeetingFolder, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     made: list[Made], items: int,
                                                     duplex: bool, every: int) -> None:
    path = agenda(folder, items, duplex, every)
    cache = tmp_path / "cache"
    counted = build_pack(path, tmp_path / "counted.pdf").output.read_bytes()
    assert sum(1 for c in fronts(made) if c[2] == "drawn") == 1
    build_pack(path, tmp_path / "cold.pdf", cache=cache)
    warm = build_pack(path, tmp_path / "warm.pdf", cache=cache).output.read_bytes()

    def always_drawn(self: InProcessTypesetting, pack: Pack, rows: list[RowData],
                     pages: int | None) -> Typeset:
        return self.front_sheet(pack, rows)

    monkeypatch.setattr(InProcessTypesetting, "front_sheet_within", always_drawn)
    drawn = build_pack(path, tmp_path / "drawn.pdf").output.read_bytes()
    assert counted == drawn == warm == (tmp_path / "cold.pdf").read_bytes()


def test_a_front_sheet_with_no_page_ranges_is_drawn_at_once(folder: MeetingFolder,
                                                            made: list[Made]) -> None:
    # No row gives a page, so every length has the same rows: the first guess is the one.
    build_pack(agenda(folder, 60, every=0), folder.root / "pack.pdf")
    assert fronts(made) == [("frontsheet.html", None, "drawn")]


ROWS = [
    [],
    [((("3", "7"),), 3)],
    [(((str(n), str(n + 4)),), n) if n % 2 else ((), None) for n in range(40)],
    [(((str(n), str(n)), (str(n + 9), str(n + 12))), n) for n in range(150)],
]


@pytest.mark.parametrize("items", [0, 1, 40, 150])
@pytest.mark.parametrize("extra", [{}, {"duplex": True, "page_numbers":
                                       {"count_front_sheet": False}}])
def test_the_count_without_drawing_is_the_drawn_count(folder: MeetingFolder,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      items: int, extra: dict[str, Any]
                                                      ) -> None:
    """Compared here directly (the test suite also compares them for every front sheet it
    lays out, typeset.CHECK_DRY), over agendas of 1 to 150 rows, with and without ranges,
    and stopping the drawing after every page."""
    monkeypatch.setattr(typeset_module, "CHECK_DRY", False)
    rows = next(r for r in ROWS if len(r) == items) if items else ROWS[1]
    meeting = schema.validate(agenda(folder, len(rows), every=0, **extra))
    typesetting = InProcessTypesetting(meeting, None)
    full = typesetting.front_sheet(Pack(), rows)
    for drawn in range(full.pages):
        assert typesetting.front_sheet_within(Pack(), rows, drawn) == full.pages
    assert typesetting.front_sheet_within(Pack(), rows, full.pages) == full
    assert typesetting.front_sheet_within(Pack(), rows, full.pages + 1) == full


@pytest.mark.parametrize("example", sorted(p.parent.name for p in
                                           (ROOT / "examples").glob("*/meeting.yaml")))
def test_every_example_document_counts_alike_without_drawing(
        example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports, minutes, Markdown with tables, landscape pages, pictures: what drawing
    leaves out never moves a page break."""
    counted: list[tuple[str, int, int]] = []
    real = Typesetter.typeset

    def both(self: Typesetter, root: Any, origin: Path, *args: Any, **kwargs: Any) -> Any:
        result = real(self, root, origin, *args, **kwargs)
        if isinstance(result, Typeset):
            dry = real(self, root, origin, *args, **{**kwargs, "drawn": 0})
            counted.append((origin.name, dry, result.pages))
        return result

    monkeypatch.setattr(Typesetter, "typeset", both)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    build_pack(tmp_path / "examples" / example / "meeting.yaml", tmp_path / "pack.pdf")
    assert counted and all(dry == pages for _, dry, pages in counted), counted


def count_entries(cache: Path) -> list[Path]:
    return [e for e in cache.glob("*/*.entry") if e.read_bytes().startswith(PAGES_FORMAT)]


def test_the_cache_remembers_the_length_a_guess_gave(folder: MeetingFolder, tmp_path: Path,
                                                     made: list[Made]) -> None:
    path = agenda(folder, 45)
    cache = tmp_path / "cache"
    expected = build_pack(path, tmp_path / "none.pdf").output.read_bytes()
    build_pack(path, tmp_path / "cold.pdf", cache=cache)
    [entry] = count_entries(cache)  # guess 1 came to 5 pages; guess 5 is stored whole
    made.clear()
    assert build_pack(path, tmp_path / "warm.pdf", cache=cache).output.read_bytes() == expected
    assert made == []
    # A spoiled count is passed over: the guess is laid out again, undrawn.
    data = bytearray(entry.read_bytes())
    data[-3] ^= 1
    entry.write_bytes(bytes(data))
    assert build_pack(path, tmp_path / "again.pdf", cache=cache).output.read_bytes() == expected
    assert fronts(made) == [("frontsheet.html", 1, "counted")]


def test_no_count_is_kept_for_a_private_front_sheet(folder: MeetingFolder,
                                                    tmp_path: Path) -> None:
    meeting = schema.validate(agenda(folder, 45))
    typesetting = InProcessTypesetting(meeting, None, cache=tmp_path / "cache")
    assert typesetting.cache is not None
    rows: list[RowData] = [((("5", "9"),), 5)] * 45
    assert isinstance(typesetting.front_sheet_within(Pack(True, None), rows, 1), int)
    assert typesetting.cache.pending_pages == {}
    assert isinstance(typesetting.front_sheet_within(Pack(), rows, 1), int)
    assert len(typesetting.cache.pending_pages) == 1


def test_a_count_entry_is_read_only_as_the_count_it_was_stored_as(tmp_path: Path) -> None:
    key, other = "a" * 64, "b" * 64
    entry = encode_pages(key, 7)
    assert decode_pages(entry, key) == 7
    assert decode_pages(entry, other) is None  # copied under another name
    assert decode(entry, key) is None  # never taken for pages
    assert decode_pages(entry.replace(b'"pages":7', b'"pages":8'), key) is None
    assert decode_pages(encode_pages(key, 7)[:-1], key) is None
    for bad in (0, -2):
        assert decode_pages(encode_pages(key, bad), key) is None
    cache = TypesetCache(tmp_path / "cache")
    cache.keep_pages(key, 7)
    cache.save()
    assert TypesetCache(tmp_path / "cache").get_pages(key) == 7
    assert TypesetCache(tmp_path / "cache").get(key) is None  # a count is not the pages
