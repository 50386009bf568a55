"""The rebuild cache: a build with it is the same bytes as one without, typesets only what
changed, trusts no entry it cannot check, and never hands exempt pages to a public pack."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.cache import TypesetCache
from packgen.cacheentry import FORMAT, decode, encode
from packgen.errors import TemplateError
from packgen.typeset import Typesetter
from tests.conftest import ROOT, MeetingFolder, basic_meeting, page_texts

EXAMPLES = ROOT / "examples"
CANARY = "ZQXCACHECANARY"
EXEMPT_DOC = f"# Land at Mill Lane\n\nThe offer is {CANARY} pounds.\n"
SUPPLEMENT_ITEM = """\
  - title: Late report on school transport
    supplement: 1
    attachments: [late-transport.md]
"""
EXEMPT_ITEM = """\
  - title: Disposal of land at Mill Lane
    exempt: 3
    attachments: [mill-lane.md]
"""


@pytest.fixture
def meeting(tmp_path: Path) -> Path:
    """The children's partnership board (a report, minutes, Markdown, PDFs, a logo), with an
    exempt Markdown document and a supplement item added."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "childrens-partnership-board", repo / "board")
    for name in ("packgen.yaml", "riverside-crest.png"):
        shutil.copy(EXAMPLES / name, repo / name)
    board = repo / "board"
    (board / "mill-lane.md").write_text(EXEMPT_DOC)
    (board / "late-transport.md").write_text("# School transport\n\nA late report.\n")
    path = board / "meeting.yaml"
    path.write_text(path.read_text() + EXEMPT_ITEM + SUPPLEMENT_ITEM)
    return path


@pytest.fixture
def typeset_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The template of every document the typesetter lays out (not found in the cache)."""
    calls: list[str] = []
    real = Typesetter.typeset

    def counted(self: Typesetter, root: Any, origin: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(origin.name)
        return real(self, root, origin, *args, **kwargs)

    monkeypatch.setattr(Typesetter, "typeset", counted)
    return calls


def outputs(built: Path, html: bool) -> bytes:
    return built.read_bytes() + (built.with_suffix(".html").read_bytes() if html else b"")


PACKS: dict[str, dict[str, Any]] = {
    "public": {}, "private": {"private": True}, "supplement": {"supplement": 1},
    "private supplement": {"private": True, "supplement": 1}, "draft": {"draft": True},
    "welsh edition": {"language": "cy"}, "html": {"html": True},
}


@pytest.mark.parametrize("options", PACKS.values(), ids=PACKS.keys())
def test_a_build_with_the_cache_is_the_same_bytes(meeting: Path, tmp_path: Path,
                                                  typeset_calls: list[str],
                                                  options: dict[str, Any]) -> None:
    cache = tmp_path / "cache"
    html = bool(options.get("html"))
    without = build_pack(meeting, tmp_path / "none" / "pack.pdf", **options).output
    typeset_without = len(typeset_calls)
    cold = build_pack(meeting, tmp_path / "cold" / "pack.pdf", cache=cache, **options).output
    # An empty cache finds nothing, but what the build made already (a Welsh edition
    # lays out the English pack too, whose Markdown document is the same).
    typeset_cold = len(typeset_calls) - typeset_without
    assert 0 < typeset_cold <= typeset_without
    warm = build_pack(meeting, tmp_path / "warm" / "pack.pdf", cache=cache, **options).output
    again = typeset_calls[typeset_without + typeset_cold:]
    if options.get("private"):  # exempt pages are never stored: only they are made again
        assert again and set(again) <= {"frontsheet.html", "document.html"}
    else:
        assert again == []  # a warm one finds all
    assert outputs(cold, html) == outputs(without, html)
    assert outputs(warm, html) == outputs(without, html)


def test_a_rebuild_typesets_only_the_edited_document(meeting: Path, tmp_path: Path,
                                                     typeset_calls: list[str]) -> None:
    cache = tmp_path / "cache"
    build_pack(meeting, tmp_path / "first.pdf", cache=cache)
    plan = meeting.parent / "forward-plan.md"
    plan.write_text(plan.read_text().replace("Standing items", "Standing business"))
    typeset_calls.clear()
    rebuilt = build_pack(meeting, tmp_path / "rebuilt.pdf", cache=cache).output
    # The edit kept the lengths, so the agenda's page ranges, and its front sheet, stand.
    assert typeset_calls == ["document.html"]
    assert "Standing business" in "".join(page_texts(rebuilt))
    assert rebuilt.read_bytes() == build_pack(meeting, tmp_path / "none.pdf").output.read_bytes()


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*/*.entry"))


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:]


def rewrite(data: bytes, body: bytes, version: bytes = FORMAT) -> bytes:
    """An entry with a checksum that matches, around ``body`` (JSON, then the PDF)."""
    header_json = data.partition(b"\n")[0].split(b" ")[2]
    rest = body + data.partition(b"\n")[2][int(header_json):]
    return b"%s %s %d\n" % (version, hashlib.sha256(rest).hexdigest().encode(), len(body)) + rest


def json_of(data: bytes) -> bytes:
    length = int(data.partition(b"\n")[0].split(b" ")[2])
    return data.partition(b"\n")[2][:length]


SPOIL: dict[str, Callable[[bytes, bytes], bytes]] = {
    "flipped byte": lambda data, other: flip(data),
    "truncated": lambda data, other: data[: len(data) * 2 // 3],
    "empty": lambda data, other: b"",
    "garbage JSON": lambda data, other: rewrite(data, b"{not json" + b" " * 20),
    "JSON of another shape": lambda data, other: rewrite(data, json_of(data).replace(
        b'"pages":', b'"pages":"many","was":')),
    "another version": lambda data, other: rewrite(data, json_of(data),
                                                   b"packgen-typeset/0"),
    "another key's entry": lambda data, other: other,
    # Checksummed again, as anyone who can write the folder could: still not trusted.
    "PDF cut short, checksum mended": lambda data, other: with_pdf(data, pdf_of(data)[:200]),
    "a page more than the PDF has": lambda data, other: rewrite(data, re.sub(
        rb'"pages":(\d+)', lambda m: b'"pages":%d' % (int(m[1]) + 1), json_of(data))),
    "structure beyond its pages": lambda data, other: rewrite(data, re.sub(
        rb'\["m",\d+,', b'["m",99,', json_of(data))) if b'["m",' in data else b"",
}


def pdf_of(data: bytes) -> bytes:
    return data.partition(b"\n")[2][int(data.partition(b"\n")[0].split(b" ")[2]):]


def with_pdf(data: bytes, pdf: bytes) -> bytes:
    """The entry holding ``pdf`` instead, its length and checksum made to match."""
    body = json_of(data).replace(b'"pdf":%d' % len(pdf_of(data)), b'"pdf":%d' % len(pdf))
    rest = body + pdf
    return b"%s %s %d\n" % (FORMAT, hashlib.sha256(rest).hexdigest().encode(), len(body)) + rest


@pytest.mark.parametrize("spoil", SPOIL.values(), ids=SPOIL.keys())
def test_a_bad_entry_is_passed_over(meeting: Path, tmp_path: Path, typeset_calls: list[str],
                                    spoil: Callable[[bytes, bytes], bytes]) -> None:
    cache = tmp_path / "cache"
    good = build_pack(meeting, tmp_path / "good.pdf", cache=cache).output.read_bytes()
    made = len(typeset_calls)
    found = entries(cache)
    assert len(found) >= 4
    stored = [entry.read_bytes() for entry in found]
    for n, entry in enumerate(found):
        entry.write_bytes(spoil(stored[n], stored[n - 1]))
    typeset_calls.clear()
    again = build_pack(meeting, tmp_path / "again.pdf", cache=cache).output.read_bytes()
    assert again == good
    assert len(typeset_calls) == made  # every page typeset again, none trusted
    typeset_calls.clear()
    build_pack(meeting, tmp_path / "mended.pdf", cache=cache)
    assert typeset_calls == []  # and stored again, whole


def test_an_entry_reads_back_as_it_was_typeset(meeting: Path, tmp_path: Path) -> None:
    build_pack(meeting, tmp_path / "first.pdf", cache=tmp_path / "cache")
    cache = TypesetCache(tmp_path / "cache")
    found = entries(tmp_path / "cache")
    tagged = 0
    for entry in found:
        key = entry.name.removesuffix(".entry")
        typeset = cache.get(key)
        assert typeset is not None and typeset.pdf.startswith(b"%PDF-")
        tagged += bool(typeset.structure)
        assert entry.read_bytes() == encode(key, typeset)
        assert decode(encode(key, typeset), key) == typeset
        assert decode(encode(key, typeset), "0" * 64) is None
    assert tagged >= 4  # all but the filler, an artifact


def typeset_files(calls: list[str]) -> set[str]:
    return set(calls)


EVERY_DOCUMENT = {"frontsheet.html", "report.html", "minutes.html", "document.html",
                  "filler.html"}


def change_template(meeting: Path) -> None:
    overrides = meeting.parent / "templates"
    overrides.mkdir()
    (overrides / "minutes.html").write_text(
        (theme_dir() / "minutes.html").read_text().replace("</h1>", " (draft)</h1>", 1))


def change_style(meeting: Path) -> None:
    config = meeting.parent.parent / "packgen.yaml"
    config.write_text(config.read_text().replace("#1b2a41", "#2b2a41"))


def change_markdown(meeting: Path) -> None:
    plan = meeting.parent / "forward-plan.md"
    plan.write_text(plan.read_text() + "\nOne more paragraph.\n")


def change_image(meeting: Path) -> None:
    from PIL import Image

    logo = meeting.parent.parent / "riverside-crest.png"
    with Image.open(logo) as picture:
        flipped = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    flipped.save(logo)


def change_font(meeting: Path) -> None:
    # The same file name, other contents: keyed on the bytes, not the name.
    shutil.copy(theme_dir() / "fonts" / "DejaVuSans-Oblique.ttf",
                meeting.parent.parent / "fonts" / "house.ttf")


CHANGES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "template": (change_template, {"minutes.html"}),
    "house style": (change_style, EVERY_DOCUMENT),
    "Markdown": (change_markdown, {"document.html"}),
    "image": (change_image, {"frontsheet.html"}),
    "font": (change_font, EVERY_DOCUMENT),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_retypesets_what_depends_on_it(meeting: Path, tmp_path: Path,
                                                typeset_calls: list[str],
                                                change: tuple[Callable[[Path], None], set[str]]
                                                ) -> None:
    edit, expected = change
    fonts = meeting.parent.parent / "fonts"
    fonts.mkdir()
    shutil.copy(theme_dir() / "fonts" / "DejaVuSans.ttf", fonts / "house.ttf")
    config = meeting.parent.parent / "packgen.yaml"
    config.write_text(config.read_text().replace(
        "style:\n", "style:\n  fonts: {regular: fonts/house.ttf}\n"))
    cache = tmp_path / "cache"
    build_pack(meeting, tmp_path / "first.pdf", cache=cache)
    edit(meeting)
    typeset_calls.clear()
    rebuilt = build_pack(meeting, tmp_path / "rebuilt.pdf", cache=cache).output.read_bytes()
    retypeset = typeset_files(typeset_calls)
    # A document whose length changed moves the page ranges: the front sheet follows.
    assert retypeset - {"frontsheet.html"} == expected - {"frontsheet.html"}
    assert expected <= retypeset
    typeset_calls.clear()
    assert rebuilt == build_pack(meeting, tmp_path / "none.pdf").output.read_bytes()


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(meeting: Path,
                                                                 tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    built = build_pack(meeting, tmp_path / "pack.pdf", cache=blocked / "cache").output
    assert built.read_bytes() == build_pack(meeting, tmp_path / "none.pdf").output.read_bytes()
    assert blocked.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_cache_is_read_but_not_written(meeting: Path, tmp_path: Path,
                                                   typeset_calls: list[str]) -> None:
    cache = tmp_path / "cache"
    build_pack(meeting, tmp_path / "first.pdf", cache=cache)
    plan = meeting.parent / "forward-plan.md"
    plan.write_text(plan.read_text() + "\nEdited.\n")
    before = entries(cache)
    for folder in [cache, *cache.iterdir()]:
        if folder.is_dir():
            folder.chmod(0o500)
    try:
        typeset_calls.clear()
        built = build_pack(meeting, tmp_path / "pack.pdf", cache=cache).output
    finally:
        for folder in [cache, *cache.iterdir()]:
            if folder.is_dir():
                folder.chmod(0o700)
    assert "document.html" in typeset_calls and "minutes.html" not in typeset_calls
    assert entries(cache) == before
    assert built.read_bytes() == build_pack(meeting, tmp_path / "none.pdf").output.read_bytes()


def test_a_public_build_after_a_private_one_holds_nothing_exempt(meeting: Path,
                                                                  tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    private = build_pack(meeting, tmp_path / "private.pdf", private=True, cache=cache).output
    assert CANARY in "".join(page_texts(private))
    public = build_pack(meeting, tmp_path / "public.pdf", cache=cache).output
    assert CANARY not in "".join(page_texts(public))
    assert b"Mill Lane" not in public.read_bytes()
    # Folders the cache makes, and its entries, are nobody else's to read.
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for entry in entries(cache):
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
        assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


def test_a_private_build_stores_no_exempt_page(meeting: Path, tmp_path: Path) -> None:
    """The folder sits beside the public packs (``build/``), where copying the folder to a
    website would carry it along: no entry holds an exempt document or the private front
    sheet, whose rows give the exempt items' titles."""
    cache = tmp_path / "cache"
    private = build_pack(meeting, tmp_path / "private.pdf", private=True, cache=cache).output
    assert CANARY in "".join(page_texts(private))
    stored = entries(cache)
    assert stored  # the public documents are kept
    for entry in stored:
        typeset = decode(entry.read_bytes(), entry.name.removesuffix(".entry"))
        assert typeset is not None
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(typeset.pdf)).pages)
        assert CANARY not in text and "Mill Lane" not in text, entry


def test_a_folder_given_is_left_as_it_is_and_only_the_caches_files_pruned(
        meeting: Path, tmp_path: Path) -> None:
    """``--cache shared``: a folder others use keeps its mode, and pruning (however old its
    files) removes only what the cache made there."""
    shared = tmp_path / "shared"
    (shared / "ab").mkdir(parents=True)
    shared.chmod(0o2775)
    theirs = [shared / "ab" / "notes.entry", shared / "ab" / ".download.part",
              shared / "report.pdf", shared / "ab" / f"{'cd' * 32}.entry"]
    for path in theirs:
        path.write_bytes(b"not the cache's")
        os.utime(path, (1, 1))
    build_pack(meeting, tmp_path / "public.pdf", cache=shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o2775
    TypesetCache(shared).prune(time.time() + 365 * 86400)
    assert all(path.exists() for path in theirs)


def test_the_command_line_caches_in_the_build_folder_unless_told_not_to(
        meeting: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    none = run_cli("build", "--no-cache", str(meeting), "-o", "none.pdf", cwd=tmp_path)
    assert none.returncode == 0, none.stderr
    assert not (tmp_path / "build").exists()
    first = run_cli("build", str(meeting), "-o", "first.pdf", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert entries(tmp_path / "build" / ".packgen-cache")
    second = run_cli("build", str(meeting), "-o", "second.pdf", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "none.pdf").read_bytes()
    assert (tmp_path / "second.pdf").read_bytes() == (tmp_path / "none.pdf").read_bytes()
    both = run_cli("build", "--no-cache", "--cache", "x", str(meeting), cwd=tmp_path)
    assert both.returncode == 2 and "--no-cache" in both.stderr


def test_jobs_share_one_cache(meeting: Path, tmp_path: Path,
                              run_cli: Callable[..., Any]) -> None:
    other = tmp_path / "repo" / "board-2"
    shutil.copytree(meeting.parent, other)
    meetings = [str(meeting), str(other / "meeting.yaml")]
    plain = run_cli("build", "--no-cache", *meetings, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    expected = [(tmp_path / "build" / f"{name}.pdf").read_bytes()
                for name in ("board", "board-2")]
    for _ in range(2):  # an empty shared cache, then a warm one
        done = run_cli("build", "--jobs", "2", "--cache", "shared", *meetings, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert [(tmp_path / "build" / f"{name}.pdf").read_bytes()
                for name in ("board", "board-2")] == expected
    assert not list((tmp_path / "shared").glob("*/.*.part"))


def long_agenda(folder: MeetingFolder, items: int, duplex: bool) -> Path:
    folder.pdf("paper.pdf", 1)
    return folder.write(basic_meeting([
        {"title": f"Item {n} with a title long enough to wrap onto a second line of the "
                  "agenda", "description": "To consider the report of the director",
         "attachments": ["paper.pdf"] if n % 3 == 0 else []} for n in range(items)],
        duplex=duplex))


def front_passes(calls: list[str]) -> int:
    return calls.count("frontsheet.html")


def test_a_front_sheet_is_not_typeset_twice_for_the_same_rows(folder: MeetingFolder,
                                                               typeset_calls: list[str]
                                                               ) -> None:
    # Two pages: printed duplex, the reports start on page 3 whether the front sheet has
    # one page or two, so the agenda a guess of one page gives is the one it settles on.
    path = long_agenda(folder, 12, duplex=True)
    built = build_pack(path, folder.root / "pack.pdf").output
    assert front_passes(typeset_calls) == 1
    assert "ITEM 11 WITH" in page_texts(built)[1]
    assert "Page 3" in page_texts(built)[2]


@pytest.mark.parametrize(("items", "duplex"), [(12, True), (12, False), (20, True),
                                               (45, False)])
def test_a_warm_cache_typesets_no_front_sheet(folder: MeetingFolder, tmp_path: Path,
                                              typeset_calls: list[str], items: int,
                                              duplex: bool) -> None:
    path = long_agenda(folder, items, duplex)
    cache = tmp_path / "cache"
    without = build_pack(path, tmp_path / "none.pdf").output.read_bytes()
    build_pack(path, tmp_path / "cold.pdf", cache=cache)
    typeset_calls.clear()
    warm = build_pack(path, tmp_path / "warm.pdf", cache=cache).output
    assert typeset_calls == []
    assert warm.read_bytes() == without


def test_a_cache_from_a_shorter_agenda_gives_the_longer_ones_pack(folder: MeetingFolder,
                                                                  tmp_path: Path,
                                                                  typeset_calls: list[str]
                                                                  ) -> None:
    cache = tmp_path / "cache"
    build_pack(long_agenda(folder, 12, duplex=False), tmp_path / "short.pdf", cache=cache)
    path = long_agenda(folder, 30, duplex=False)
    typeset_calls.clear()
    longer = build_pack(path, tmp_path / "long.pdf", cache=cache).output.read_bytes()
    assert front_passes(typeset_calls) == 2  # from one page, as without a cache: 1, then 3
    assert typeset_calls.count("filler.html") == 0
    assert longer == build_pack(path, tmp_path / "none.pdf").output.read_bytes()


def test_entries_unused_for_a_month_or_beyond_the_size_are_pruned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from packgen import cache as module
    from packgen.rendered import Typeset

    cache = TypesetCache(tmp_path / "cache")
    page = Typeset(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n" + b"x" * 1000 + b"\n%%EOF\n",
                   1, {})
    keys = [hashlib.sha256(bytes([n])).hexdigest() for n in range(6)]
    now = time.time()
    for age, key in enumerate(keys):  # key 0 used just now, key 5 five days ago
        cache.put(key, page)
        os.utime(cache._path(key), (now - age * 86400, now - age * 86400))
    os.utime(cache._path(keys[5]), (now - 31 * 86400, now - 31 * 86400))
    monkeypatch.setattr(module, "MAX_BYTES", 3 * cache._path(keys[0]).stat().st_size)
    cache.prune(now)
    assert [cache.get(key) is not None for key in keys] == [True] * 3 + [False] * 3
    cache.put(keys[5], page)
    cache.prune(now + 3600)  # pruned within the day: not looked over again
    assert cache.get(keys[5]) is not None


def test_a_build_that_fails_stores_nothing(meeting: Path, tmp_path: Path,
                                           typeset_calls: list[str]) -> None:
    overrides = meeting.parent / "templates"
    overrides.mkdir()
    (overrides / "document.html").write_text("<p>{{ no_such_thing }}</p>\n")
    cache = tmp_path / "cache"
    with pytest.raises(TemplateError):
        build_pack(meeting, tmp_path / "pack.pdf", cache=cache)
    assert {"minutes.html", "report.html"} <= set(typeset_calls)  # typeset, then it failed
    assert not cache.exists() and not (tmp_path / "pack.pdf").exists()


def test_links_planted_in_the_cache_are_not_followed(meeting: Path, tmp_path: Path,
                                                     typeset_calls: list[str]) -> None:
    """An entry that is a link (to a FIFO, another file) is a miss; a bucket folder that is
    a link elsewhere is not written through; a folder others may write is not used."""
    cache = tmp_path / "cache"
    build_pack(meeting, tmp_path / "first.pdf", cache=cache)
    victim = tmp_path / "victim"
    victim.mkdir()
    for entry in entries(cache):
        moved = victim / entry.name
        entry.rename(moved)
        entry.symlink_to(moved)  # the same bytes, through a link
    typeset_calls.clear()
    build_pack(meeting, tmp_path / "second.pdf", cache=cache)
    made = len(typeset_calls)
    assert made > 0  # every linked entry was a miss
    shutil.rmtree(cache)
    cache.mkdir(mode=0o700)
    for bucket in {e.name[:2] for e in victim.iterdir()}:
        (cache / bucket).symlink_to(victim)
    before = sorted(victim.iterdir())
    build_pack(meeting, tmp_path / "third.pdf", cache=cache)
    assert sorted(victim.iterdir()) == before  # nothing written through the links
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    build_pack(meeting, tmp_path / "fourth.pdf", cache=shared)
    assert list(shared.iterdir()) == []  # not this user's alone: not used


def test_an_image_saved_over_while_it_is_typeset_is_not_stored(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds the logo's bytes as they were read; if the file changes before the
    pages are made, what was drawn is not what the key says, and must not be stored under
    it (a later build with the old logo would print the new one)."""
    logo = meeting.parent.parent / "riverside-crest.png"
    original = logo.read_bytes()
    cache = tmp_path / "cache"
    real = Typesetter.typeset
    made: list[str] = []

    def saved_over(self: Typesetter, root: Any, origin: Path, *args: Any, **kwargs: Any) -> Any:
        made.append(origin.name)
        if origin.name == "frontsheet.html":  # saved again, after the key read the old one
            logo.write_bytes(original + b"\0")
        return real(self, root, origin, *args, **kwargs)

    monkeypatch.setattr(Typesetter, "typeset", saved_over)
    build_pack(meeting, tmp_path / "first.pdf", cache=cache)
    assert "frontsheet.html" in made
    monkeypatch.setattr(Typesetter, "typeset", real)
    logo.write_bytes(original)
    calls: list[str] = []

    def counted(self: Typesetter, root: Any, origin: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(origin.name)
        return real(self, root, origin, *args, **kwargs)

    monkeypatch.setattr(Typesetter, "typeset", counted)
    again = build_pack(meeting, tmp_path / "again.pdf", cache=cache).output
    assert "frontsheet.html" in calls  # not found under the logo's old bytes
    assert again.read_bytes() == build_pack(meeting, tmp_path / "none.pdf").output.read_bytes()
