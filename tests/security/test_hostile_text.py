"""Hostile text: YAML that expands to gigabytes, text that would take hours to lay out,
pictures and fonts that would crash the typesetter, titles too long for a page.

Every case is refused with one line at the YAML (or template) line that causes it, by
``validate`` too where the text alone shows it, and nothing is written. Each command runs
in a process limited in memory and time, so that a regression fails fast.
"""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.conftest import MeetingFolder, basic_meeting

MEMORY = 2 * 1024**3


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def packgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command, in a process that may not grow past 2 GB nor run past two minutes."""
    return subprocess.run([sys.executable, "-m", "packgen", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120, preexec_fn=_limit)


def refused(folder: MeetingFolder, expected: str, *, validate: bool = True) -> None:
    """Build and (where the text alone shows it) validate report just ``expected``."""
    commands = [["build", "-o", "pack.pdf"]] + ([["validate"]] if validate else [])
    for command in commands:
        result = packgen(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [expected, "1 problem; nothing was written."]
    assert not (folder.root / "pack.pdf").exists()


def with_document(folder: MeetingFolder, text: str) -> None:
    (folder.folder / "doc.yaml").write_text(text)
    folder.write(basic_meeting([{"title": "Report", "attachments": ["doc.yaml"]}]))


def test_aliases_that_repeat_text_are_refused_at_the_alias(folder: MeetingFolder) -> None:
    body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 700  # 40 KB
    lines = ["kind: report", "title: Big", "sections:", "  - heading: One", f"    body: &b {body}"]
    lines += ["  - {heading: Again, body: *b}"] * 3000  # 120 MB of Markdown, expanded
    with_document(folder, "\n".join(lines) + "\n")
    refused(folder, "meeting/doc.yaml:105:28: error: YAML expands to too much text (more than "
                    "4,000,000 characters); are aliases repeated?")


def test_a_paragraph_too_long_to_lay_out(folder: MeetingFolder) -> None:
    with_document(folder, "kind: document\ntitle: Long\nbody: |\n  Short.\n\n  "
                          + "word " * 30_000 + "\n")
    refused(folder, "meeting/doc.yaml:6:3: error: a paragraph of 149,999 characters: at most "
                    "100,000 can be laid out; break it into paragraphs")


LONG = "word " * 24_000  # 120,000 characters


@pytest.mark.parametrize("document, expected", [
    ("kind: report\ntitle: R\nbackground_papers:\n  - " + LONG[:15_000] + "\n",
     "meeting/doc.yaml:4:5: error: background_papers[0]: text of 14,999 characters: at most "
     "10,000 fit in one field; long text belongs in a Markdown body"),
    ("kind: report\ntitle: R\nrecommendations: [" + LONG[:15_000] + "]\n",
     "meeting/doc.yaml:3:19: error: recommendations[0]: text of 14,999 characters: at most "
     "10,000 fit in one field; long text belongs in a Markdown body"),
    ("kind: report\ntitle: R\nsections:\n  - heading: H\n    body: |\n      - " + LONG + "\n",
     "meeting/doc.yaml:6:7: error: a paragraph of 119,999 characters: at most 100,000 can be "
     "laid out; break it into paragraphs"),
    ("kind: report\ntitle: R\nsections:\n  - heading: H\n    body: |\n      | a |\n"
     "      |---|\n      | " + LONG + " |\n",
     "meeting/doc.yaml:8:7: error: a table cell of 119,999 characters: at most 100,000 can be "
     "laid out; break it into paragraphs"),
])
def test_long_text_anywhere_is_found_by_validate_at_its_line(folder: MeetingFolder,
                                                            document: str,
                                                            expected: str) -> None:
    """Not only paragraphs: a list item, a table cell, a plain field."""
    with_document(folder, document)
    refused(folder, expected)


def test_a_table_of_too_many_rows(folder: MeetingFolder) -> None:
    rows = "".join(f"  | {i} | x |\n" for i in range(60_000))
    with_document(folder, "kind: document\ntitle: Rows\nbody: |\n  | n | x |\n  |---|---|\n"
                          + rows)
    refused(folder, "meeting/doc.yaml:4:3: error: a table of 60,001 rows: at most 2,000 can be "
                    "laid out in one table; split it, or attach it as a PDF appendix")


def test_a_table_of_too_many_columns(folder: MeetingFolder) -> None:
    with_document(folder, "kind: document\ntitle: Wide\nbody: |\n  Text.\n\n"
                          "  |" + " c |" * 61 + "\n  |" + "---|" * 61 + "\n")
    refused(folder, "meeting/doc.yaml:6:3: error: the table has 61 columns: at most 30 fit "
                    "across a page; split it, or attach it as a PDF appendix")


def test_too_many_links(folder: MeetingFolder) -> None:
    links = " ".join(f"[{i}](https://example.org/{i})" for i in range(2_500))
    with_document(folder, f"kind: document\ntitle: Links\nbody: |\n  {links}\n")
    refused(folder, "meeting/doc.yaml:4:3: error: more than 2,000 links in one text")


def test_a_title_too_long_for_a_page_is_reported_at_its_item(folder: MeetingFolder) -> None:
    folder.write(basic_meeting([{"title": "Apologies"}, {"title": "Long " * 1500}]))
    refused(folder, "meeting/meeting.yaml:8:3: error: item 2's title is too long to fit on a "
                    "page", validate=False)


def _png(width: int, height: int, data: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, content, message", [
    ("huge.png", _png(100_000, 100_000, zlib.compress(b"\0" * 1000)),
     'image "huge.png" is too large: more than 50,000,000 pixels'),
    ("cut.png", _png(200, 200, zlib.compress(b"\0" * 601 * 200)[:40]),
     'image "cut.png" cannot be read as a picture (image file is truncated'),
    ("notes.yaml", b"kind: document\ntitle: Not a picture\n",
     'image "notes.yaml" cannot be read as a picture (cannot identify image file'),
])
def test_pictures_that_would_crash_the_typesetter(folder: MeetingFolder, name: str,
                                                  content: bytes, message: str) -> None:
    (folder.folder / name).write_bytes(content)
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(
        f'<p>Blank</p>\n<img src="{name}" alt="">\n')
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    result = packgen("build", "-o", "pack.pdf", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1, result.stderr
    [line, summary] = result.stderr.splitlines()
    assert line.startswith(f"meeting/templates/filler.html:2:1: error: {message}")
    assert summary == "1 problem; nothing was written."
    assert not (folder.root / "pack.pdf").exists()


def test_a_truncated_house_font(folder: MeetingFolder) -> None:
    """Found by ``validate`` too, at the line naming the font, from its table directory."""
    from packgen.builtin import theme_dir

    (folder.root / "house.ttf").write_bytes((theme_dir() / "fonts" / "DejaVuSans.ttf")
                                            .read_bytes()[:30_000])
    folder.write(basic_meeting([{"title": "Apologies"}]),
                 "organisation: X\nstyle:\n  fonts: {regular: house.ttf}\n")
    for command in ("validate", "build"):
        result = packgen(command, "-o", "pack.pdf", "meeting/meeting.yaml", cwd=folder.root) \
            if command == "build" else packgen(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1, result.stderr
        [line, summary] = result.stderr.splitlines()
        assert line.startswith('packgen.yaml:3:20: error: style.fonts.regular: "house.ttf" is '
                               "truncated or damaged: its ")
        assert line.endswith(" table runs past the end of the file")
        assert summary == "1 problem; nothing was written."
    assert not (folder.root / "pack.pdf").exists()


def _jpeg(width: int, height: int, end: bool = True) -> bytes:
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + bytes(9)
            + b"\xff\xc0" + struct.pack(">H", 2 + len(frame)) + frame
            + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 64
            + (b"\xff\xd9" if end else b""))


@pytest.mark.parametrize("name, content, message", [
    ("huge.png", _png(100_000, 100_000, zlib.compress(b"\0" * 1000)),
     '"huge.png" is too large: 100,000 × 100,000 pixels, more than 50,000,000'),
    ("huge.jpg", _jpeg(60_000, 60_000),
     '"huge.jpg" is too large: 60,000 × 60,000 pixels, more than 50,000,000'),
    ("cut.png", _png(200, 200, zlib.compress(b"\0" * 601 * 200))[:60],
     '"cut.png" is cut short: its end marker is missing; export it again'),
    ("cut.jpg", _jpeg(200, 200, end=False),
     '"cut.jpg" is cut short: its end marker is missing; export it again'),
    ("stub.png", b"\x89PNG\r\n\x1a\n",
     '"stub.png" is damaged or cut short: its picture size cannot be read'),
])
def test_a_logo_that_would_crash_the_typesetter(folder: MeetingFolder, name: str,
                                               content: bytes, message: str) -> None:
    (folder.root / name).write_bytes(content)
    folder.write(basic_meeting([{"title": "Apologies"}]),
                 f"organisation: X\nstyle:\n  logo: {name}\n")
    for command in ("validate", "build"):
        result = packgen(command, "-o", "pack.pdf", "meeting/meeting.yaml", cwd=folder.root) \
            if command == "build" else packgen(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [
            f"packgen.yaml:3:9: error: style.logo: {message}", "1 problem; nothing was written."]
    assert not (folder.root / "pack.pdf").exists()
