"""Look inside the house style's pictures and fonts without decoding them.

``validate`` never imports ReportLab or Pillow, yet must find what would fail a build:
a logo cut short or so large that decoding it would take gigabytes, a TrueType font
whose tables run past the end of the file. The headers say enough: a PNG's size is in
its first chunk and its last chunk ends the file; a JPEG's size is in its frame header;
a TrueType font lists its tables with their offsets and lengths.
"""

from __future__ import annotations

import struct
from pathlib import Path

MAX_PIXELS = 50_000_000
"""Pixels in one picture: a 300 dpi A4 page is 8.7 million; decoding 50 million takes 150 MB."""

_PNG = b"\x89PNG\r\n\x1a\n"
_TRUETYPE_TABLES = (b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp")


def picture_problem(path: Path) -> str | None:
    """Why a PNG or JPEG picture cannot be used, or None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    size = _png_size(data) if data.startswith(_PNG) else _jpeg_size(data)
    if size is None:
        return "is damaged or cut short: its picture size cannot be read"
    width, height = size
    if width * height > MAX_PIXELS:
        return f"is too large: {width:,} × {height:,} pixels, more than {MAX_PIXELS:,}"
    if width == 0 or height == 0:
        return "is damaged: it has no pixels"
    ends = data.rstrip(b"\0").endswith(b"IEND\xae\x42\x60\x82") if data.startswith(_PNG) \
        else b"\xff\xd9" in data[-4096:]
    if not ends:
        return "is cut short: its end marker is missing; export it again"
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        # Start-of-frame markers (C0-CF, except DHT C4, JPG C8 and DAC CC) hold the size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


def truetype_problem(path: Path) -> str | None:
    """Why a TrueType font cannot be embedded, or None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if len(data) < 12:
        return "is truncated or damaged: it is too short to be a font"
    (count,) = struct.unpack(">H", data[4:6])
    if len(data) < 12 + 16 * count:
        return "is truncated or damaged: its table directory is cut short"
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * index:28 + 16 * index])
        tables[tag] = (offset, length)
    for tag in _TRUETYPE_TABLES:
        if tag not in tables:
            return f"is not a TrueType font that can be embedded: it has no {tag.decode()} table"
    for tag, (offset, length) in sorted(tables.items()):
        if offset + length > len(data):
            name = tag.decode("latin-1").strip()
            return f"is truncated or damaged: its {name} table runs past the end of the file"
    return None
