"""ReportLab's start-up, shorter for a process that typesets, with the same results.

About a fifth of a typesetting process's imports went on work that a pack of text never
uses, and reading its two TrueType faces took longer than it need:

- ReportLab compiles regular expressions at import that few documents use: Platypus's
  ``uri_pat`` (case-insensitive over most of Unicode, by far the costliest), its
  hyphenation patterns, CJK wrapping's, Python source colouring's and the safe
  evaluator's list of unsafe names; PyYAML too, its check for unprintable characters,
  which only its pure-Python reader uses. While a module in :data:`LAZY_PATTERNS` is
  imported, ``re.compile`` hands that module, for exactly those patterns, a
  :class:`LazyPattern`, compiled when first used;
- ``reportlab.lib.utils`` imports Pillow's ``Image`` for pictures; it is loaded when a
  picture first needs it (``importlib.util.LazyLoader``, the standard library's);
- reading a TrueType face, ReportLab reads its character map, metrics and glyph
  locations one number at a time (some 12,000 calls a face); :func:`extract_info` reads
  each array with one ``struct`` call and builds the same attributes, and stands aside,
  leaving the face to ReportLab's own code, for any character map but formats 4 and 12
  or anything it finds amiss.

:func:`lighten_imports` arranges the first two before ReportLab is imported (the
typesetting processes call it as they start: :mod:`packgen.early`,
:class:`packgen.typesetting.ForkedTypesetting`); :func:`install_faster_faces` the third
(called by :mod:`packgen.fonts`). This module is the one that knows these internals:
``tests/test_reportlab_startup_contract.py`` fails when an upgrade moves one, and holds
every result to the libraries' own.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Callable, Sequence
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from struct import unpack_from
from typing import Any

LAZY_PATTERNS: dict[str, dict[str, int]] = {
    "reportlab.platypus.paragraph": {
        "uri_pat": 0x4D09A150,
        "_hy_pfx_pat": 0xF68320A2,
        "_hy_sfx_pat": 0xD464223B,
        "_hy_letters_pat": 0xC2886F5E,
        "_hy_shy_letters_pat": 0xBBD0BD37,
        "_hy_shy_pat": 0xCF02D43E,
    },
    "reportlab.lib.textsplit": {"rx": 0x20D503A9},
    "reportlab.lib.PyFontify": {"matchRE": 0x6B9CE925, "idRE": 0x803E3CA0},
    "reportlab.lib.rl_safe_eval": {"__rl_unsafe_re__": 0x1B7C7854},
    # PyYAML's check for unprintable characters, used by its pure-Python reader only:
    # the typesetting process reads the theme's YAML with libyaml's (packgen.builtin).
    "yaml.reader": {"Reader.NON_PRINTABLE": 0xC5A0B208},
}
"""The patterns compiled lazily: by module, each name (module-level, or a class's) with
the :func:`pattern_key` of the pattern compiled for it. Only an exact match is made lazy:
a pattern an upgrade changes is compiled at import again, as the library does."""

LAZY_PICTURES = "PIL.Image"
"""The module loaded when first used rather than when ReportLab imports it."""

_compile = re.compile
_lazy_keys = {module: frozenset(names.values()) for module, names in LAZY_PATTERNS.items()}


def pattern_key(pattern: str, flags: int) -> int:
    """A pattern's key in :data:`LAZY_PATTERNS`: its characters and flags (as compiled: a
    text pattern is Unicode unless ASCII). The characters are sorted, since
    ``rl_safe_eval`` joins its alternatives from a set, in an order that changes from one
    process to the next."""
    text = "".join(sorted(pattern))
    compiled_flags = int(flags) | (0 if flags & re.ASCII else re.UNICODE)
    return zlib.crc32(f"{compiled_flags}:{text}".encode("utf-8", "surrogatepass"))


class LazyPattern:
    """A compiled pattern that is compiled when first used: every attribute and method
    (``match``, ``sub``, ``pattern``, ``flags`` ...) is the compiled pattern's."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = _compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return repr(self.compiled)

    def __eq__(self, other: object) -> bool:
        return self.compiled == (other.compiled if isinstance(other, LazyPattern) else other)

    def __hash__(self) -> int:
        return hash(self.compiled)

    def __copy__(self) -> LazyPattern:  # as a compiled pattern copies: itself
        return self

    def __deepcopy__(self, memo: object) -> LazyPattern:
        return self

    def __reduce__(self) -> Any:  # unpickled as the compiled pattern it stands for
        return _compile, (self._source, self._flags)


def _lazy_compile(pattern: Any, flags: int = 0) -> Any:
    """``re.compile``, while a module of :data:`LAZY_PATTERNS` is imported."""
    keys = _lazy_keys.get(sys._getframe(1).f_globals.get("__name__", ""))
    if keys is not None and isinstance(pattern, str) and pattern_key(pattern, flags) in keys:
        return LazyPattern(pattern, flags)
    return _compile(pattern, flags)


def _importing_lazily(exec_module: Callable[[Any], None]) -> Callable[[Any], None]:
    def run(module: Any) -> None:
        before = re.compile
        setattr(re, "compile", _lazy_compile)  # noqa: B010 - mypy: re.compile is overloaded
        try:
            exec_module(module)
        finally:
            setattr(re, "compile", before)  # noqa: B010
    return run


class _Finder:
    """Finds the modules named above as the finders after it would, and changes how
    they load: the first with ``re.compile`` handing out lazy patterns, the picture
    module lazily."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if name not in LAZY_PATTERNS and name != LAZY_PICTURES:
            return None
        spec: Any = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        loader: Any = getattr(spec, "loader", None)
        if type(loader) not in (SourceFileLoader, SourcelessFileLoader):
            return None  # not a plain file (a zip, say): as if this finder were not here
        if name == LAZY_PICTURES:
            import importlib.util

            spec.loader = importlib.util.LazyLoader(loader)
        else:  # a file's loader is made for that module alone: its exec_module, wrapped
            loader.exec_module = _importing_lazily(loader.exec_module)
        return spec


_FINDER = _Finder()


def lighten_imports() -> None:
    """Make ReportLab's start-up lighter in this process, from now on: the patterns above
    compiled when first used, pictures' module loaded when first used. Modules imported
    already are left as they are."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


class Unhandled(Exception):  # noqa: N818 - what it is, not an error
    """A face :func:`character_info` leaves to ReportLab's own code."""


_reportlab_extract_info: Callable[..., None] | None = None
"""ReportLab's ``TTFontFile.extractInfo``, kept when first asked for."""


def reportlab_extract_info() -> Callable[..., None]:
    """ReportLab's own ``TTFontFile.extractInfo``, whether or not it was replaced."""
    global _reportlab_extract_info
    if _reportlab_extract_info is None:
        from reportlab.pdfbase.ttfonts import TTFontFile

        found = TTFontFile.extractInfo
        if (getattr(found, "__module__", None), getattr(found, "__qualname__", None)) != (
                "reportlab.pdfbase.ttfonts", "TTFontFile.extractInfo"):
            # Replaced before it was kept (by hand, or by a test's spy): nothing to fall
            # back on, and a spy kept as ReportLab's would call itself.
            raise RuntimeError("ReportLab's extractInfo was replaced before it was kept")
        _reportlab_extract_info = found
    return _reportlab_extract_info


def install_faster_faces() -> None:
    """Read TrueType faces with :func:`extract_info` from now on, in this process."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    if TTFontFile.extractInfo is reportlab_extract_info():
        TTFontFile.extractInfo = extract_info


def extract_info(face: Any, charInfo: int = 1) -> None:  # noqa: N803 - ReportLab's name
    """As ReportLab's ``TTFontFile.extractInfo``: the face's names, metrics and, with
    ``charInfo``, its character map, widths and glyph locations, the same attributes in
    the same order. The first part is ReportLab's own; the second is read here for
    character maps of format 4 or 12, and left to ReportLab's code for any other, or if
    anything in it is amiss (so a damaged font fails as ReportLab says)."""
    original = reportlab_extract_info()
    if not charInfo:
        original(face, charInfo)
        return
    before = dict(face.__dict__)
    original(face, 0)  # names, head, OS/2, post, hhea and maxp: ReportLab's own
    try:
        found = character_info(face)
    except Exception:  # noqa: BLE001 - anything at all: ReportLab's code says what
        face.__dict__.clear()
        face.__dict__.update(before)
        original(face, charInfo)
        return
    for name in ("charToGlyph", "defaultWidth", "charWidths"):  # set to None above
        del face.__dict__[name]
    face.__dict__.update(found)


def character_info(face: Any) -> dict[str, Any]:
    """The attributes ReportLab's ``extractInfo`` sets from the character map on, in the
    order it sets them, for a face whose first part it has read; :class:`Unhandled` (or
    whatever reading raised) for a face this leaves to ReportLab."""
    data: bytes = face._ttf_data
    tables: dict[str, dict[str, Any]] = face.table
    glyph_count: int = face.numGlyphs
    head = tables["head"]["offset"]
    location_format, glyph_format = unpack_from(">HH", data, head + 50)
    (metric_count,) = unpack_from(">H", data, tables["hhea"]["offset"] + 34)
    if glyph_format != 0 or "loca" not in tables:
        raise Unhandled
    codes, glyphs = _character_map(data, tables["cmap"]["offset"])
    char_to_glyph = dict(zip(codes, glyphs, strict=True))
    glyph_to_char: dict[int, list[int]] = {}
    for code, glyph in zip(codes, glyphs, strict=True):
        glyph_to_char.setdefault(glyph, []).append(code)

    # hmtx: an advance width and a side bearing for each of the first glyphs, a side
    # bearing alone for the rest, which take the last width (ReportLab's: scaled)
    hmtx = tables["hmtx"]["offset"]
    pairs = unpack_from(f">{2 * metric_count}H", data, hmtx)
    advances = pairs[0::2]
    widths = list(map(face._pdfScale, advances))
    hmetrics = list(zip(advances, pairs[1::2], strict=True))
    rest = max(0, glyph_count - metric_count)
    bearings = unpack_from(f">{rest}H", data, hmtx + 4 * metric_count) if rest else ()
    hmetrics.extend((widths[-1], bearing) for bearing in bearings)
    char_widths: dict[int, Any] = {}
    measured = max(metric_count, glyph_count)
    for glyph in sorted(glyph_to_char):  # as ReportLab: glyph by glyph, in order
        if glyph >= measured:
            break
        width = widths[glyph] if glyph < metric_count else widths[-1]
        for code in glyph_to_char[glyph]:
            char_widths[code] = width

    loca = tables["loca"]["offset"]
    if location_format == 0:
        positions = [half << 1 for half in unpack_from(f">{glyph_count + 1}H", data, loca)]
        end = loca + 2 * (glyph_count + 1)
    elif location_format == 1:
        positions = list(unpack_from(f">{glyph_count + 1}L", data, loca))
        end = loca + 4 * (glyph_count + 1)
    else:
        raise Unhandled
    if 0x20 in char_to_glyph:  # a no-break space as wide as a space, as ReportLab does
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        char_widths[0xA0] = char_widths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        char_widths[0x20] = char_widths[0xA0]
    return {"_pos": end, "charToGlyph": char_to_glyph, "glyphToChar": glyph_to_char,
            "charWidths": char_widths, "hmetrics": hmetrics, "defaultWidth": widths[0],
            "glyphPos": positions}


def _character_map(data: bytes, cmap: int) -> tuple[list[int], list[int]]:
    """The character codes of the subtable ReportLab chooses, and their glyphs, in the
    order ReportLab reads them."""
    version, count = unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for n in range(count):  # ReportLab's choice: the last that its rules let win
        platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3 or (platform == 1 and encoding == 1) or (
                platform == 0 and encoding != 5):
            chosen, kind = offset, 1
        elif platform == 1 and encoding == 0 and kind != 1:
            chosen, kind = offset, 2
    if chosen is None:
        raise Unhandled
    at = cmap + chosen
    (subtable_format,) = unpack_from(">H", data, at)
    if subtable_format == 4:
        return _format_4(data, at)
    if subtable_format == 12:
        return _format_12(data, at)
    raise Unhandled


def _format_4(data: bytes, at: int) -> tuple[list[int], list[int]]:
    """Segments of consecutive codes: each a delta, or glyphs listed after the segments."""
    length, _, double_count = unpack_from(">HHH", data, at + 2)
    limit = at + length
    count = double_count // 2
    ends = unpack_from(f">{count}H", data, at + 14)
    starts_at = at + 14 + 2 * count + 2
    starts = unpack_from(f">{count}H", data, starts_at)
    deltas = unpack_from(f">{count}h", data, starts_at + 2 * count)
    ranges_at = starts_at + 4 * count
    ranges = unpack_from(f">{count}H", data, ranges_at)
    codes: list[int] = []
    glyphs: list[int] = []
    for n, (start, end, delta, range_offset) in enumerate(
            zip(starts, ends, deltas, ranges, strict=True)):
        if end < start:
            continue
        segment = range(start, end + 1)
        codes.extend(segment)
        if range_offset == 0:
            glyphs.extend([(code + delta) & 0xFFFF for code in segment])
            continue
        first = ranges_at + 2 * n + range_offset  # where the segment's first glyph is
        inside = min(len(segment), max(0, (limit - first + 1) // 2))  # those before limit
        listed = unpack_from(f">{inside}H", data, first) if inside else ()
        glyphs.extend([(glyph + delta) & 0xFFFF if glyph else 0 for glyph in listed])
        glyphs.extend([0] * (len(segment) - inside))  # past the subtable: ReportLab's 0
    return codes, glyphs


def _format_12(data: bytes, at: int) -> tuple[list[int], list[int]]:
    """Groups of consecutive codes mapped to consecutive glyphs."""
    (count,) = unpack_from(">L", data, at + 12)
    groups = unpack_from(f">{3 * count}L", data, at + 16)
    codes: list[int] = []
    glyphs: list[int] = []
    for n in range(0, 3 * count, 3):
        start, end, first = groups[n:n + 3]
        codes.extend(range(start, end + 1))
        glyphs.extend(range(first, first + end + 1 - start))
    return codes, glyphs
