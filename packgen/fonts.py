"""TrueType faces registered with ReportLab, and the font subset that stamps use.

ReportLab's font registry is global to the process: a family is registered once
under a name carrying a digest of its files, so a house font never replaces the
theme's under the same name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from packgen.errors import Position, Problem, TemplateError
from packgen.rendered import StampFonts
from packgen.rlstartup import install_faster_faces

VARIANTS = ("regular", "bold", "italic", "bold_italic")


def register_family(family: str, files: tuple[Path, ...]) -> str:
    """Register a TrueType family's upright faces once per process; return its ReportLab name.

    Remembered by the files' stamps as well as their names: ``build --watch`` builds
    again in one process, and a font saved over must be read again."""
    return _register_family(family, files, tuple(_stamp(file) for file in files))


def _stamp(file: Path) -> tuple[int, int, int]:
    try:
        found = file.stat()
    except OSError:  # read below, and reported there
        return 0, 0, 0
    return found.st_mtime_ns, found.st_size, found.st_ino


@cache
def _register_family(family: str, files: tuple[Path, ...],
                     stamps: tuple[tuple[int, int, int], ...]) -> str:
    """:func:`register_family`'s work, once for each state of the files.

    The name carries a digest of the files, because ReportLab's registry is global:
    a house font must not replace the theme's under the same name. The italic faces
    are registered when something first asks for them (:func:`register_italics`):
    reading a face costs about 10 ms, and many packs never use one.
    """
    digest = hashlib.sha256()
    for file in files:  # file by file: the same digest, without a joined copy of them all
        digest.update(file.read_bytes())
    base = f"packgen-{family}-{digest.hexdigest()[:10]}"
    names = [f"{base}-{v}" for v in VARIANTS]
    for name, file in list(zip(names, files, strict=True))[:2]:
        _register(name, file)
    pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                  boldItalic=names[3])
    return base


def warm_theme_fonts() -> None:
    """Register the built-in theme's families now, as a typesetter using them would.

    For a process with time on its hands (the typesetting process waiting for the
    meeting): most meetings keep the theme's fonts, and reading a face costs about 10 ms
    when the front sheet is wanted. A house style with other fonts finds these unused; a
    damaged theme font is reported when a typesetter registers it, as before."""
    from packgen.builtin import theme_dir, theme_yaml
    from packgen.style_override import fill_variants

    folder = theme_dir()
    families = fill_variants({family: {variant: folder / file for variant, file in files.items()}
                              for family, files in theme_yaml("style.yaml")["fonts"].items()})
    for family, files in families.items():
        with contextlib.suppress(TemplateError):
            register_family(family, tuple(files[variant] for variant in VARIANTS))


@cache
def register_italics(base: str, files: tuple[Path, ...]) -> None:
    for variant, file in list(zip(VARIANTS, files, strict=True))[2:]:
        _register(f"{base}-{variant}", file)


def _register(name: str, file: Path) -> None:
    install_faster_faces()  # the same face, read in under half the time
    try:
        pdfmetrics.registerFont(TTFont(name, str(file)))
    except struct.error:  # a table shorter than the font's directory says
        raise TemplateError([Problem(Position(file), "this TrueType font cannot be embedded: "
                                                     "the file is truncated or damaged")]) from None
    except (TTFError, OSError, ValueError, KeyError, IndexError) as exc:
        raise TemplateError([Problem(Position(file), "this TrueType font cannot be embedded "
                                                     f"({exc})")]) from None


@cache
def stamp_fonts(family: str, extra: tuple[tuple[str, str], ...] = ()) -> StampFonts:
    """A one-page PDF whose fonts are subsets holding every printable ASCII glyph and,
    for each ``(variant, characters)`` in ``extra``, those characters too.

    ``family`` is a registered family's ReportLab name. ReportLab's first subset of a
    TrueType font maps ASCII codes to themselves, so an ASCII stamp is written as plain
    ASCII, and a pack whose stamps are ASCII embeds exactly the fonts it always did. Any
    other character is given a code (in the first subset, or a further one past 256) the
    first time the page draws it, one character at a time, and the PDF side reads the codes
    back from the page (:mod:`packgen.pdf.stampfonts`), so nothing depends on how ReportLab
    chooses them (and the typesetting process never loads pypdf). ``extra`` is sorted, so the same
    characters make the same bytes. A character the face has no glyph for is left out
    (:meth:`StampFonts.lacks` says so) rather than drawn as its empty box.
    """
    names = {variant: f"{family}-{variant}" for variant in ("regular", "bold")}
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, initialFontName=names["regular"])
    text = "".join(chr(code) for code in range(32, 127))
    for name in names.values():
        c.setFont(name, 10)
        c.drawString(10, 10, text)
    faces, widths, files = {}, {}, {}
    drawn_with: dict[str, str] = {}  # variant -> the variant whose font holds its glyphs
    for variant, name in names.items():
        font = pdfmetrics.getFont(name)
        face = font.face.name
        faces[variant] = face.decode() if isinstance(face, bytes) else str(face)
        # A house style may give one file for both: one subset then serves both.
        drawn_with[variant] = next(v for v in names if faces.get(v) == faces[variant])
        files[variant] = str(font.face.filename)
    wanted = dict(extra)
    extras: dict[str, list[str]] = {}  # the variant drawn with -> characters, sorted
    for variant, chars in sorted(wanted.items()):
        glyphs = pdfmetrics.getFont(names[drawn_with[variant]]).face.charToGlyph
        held = extras.setdefault(drawn_with[variant], [])
        held[:] = sorted({*held, *(ch for ch in chars if ord(ch) in glyphs)})
    for variant, held in extras.items():
        for ch in held:
            c.setFont(names[variant], 10)
            c.drawString(10, 10, ch)
    c.showPage()
    c.save()
    for variant, name in names.items():
        font = pdfmetrics.getFont(name)
        own = sorted(set(extras.get(drawn_with[variant], [])) & set(wanted.get(variant, "")))
        widths[variant] = {ch: font.stringWidth(ch, 1000) for ch in [*text, *own]}
    return StampFonts(buf.getvalue(), {v: "".join(held) for v, held in extras.items()},
                      drawn_with, widths, files)
