"""The contract between :mod:`packgen.rlstartup` and the installed ReportLab, Pillow and
PyYAML: the internals it relies on, each test failing when an upgrade moves one, and its
results held to the libraries' own (patterns compiled lazily, pictures' module loaded
lazily, TrueType faces read faster)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import io
import json
import pickle
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import reportlab
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, TTFontFile
from reportlab.pdfgen.canvas import Canvas

from packgen import rlstartup
from packgen.rlstartup import (
    LAZY_PATTERNS,
    LAZY_PICTURES,
    LazyPattern,
    Unhandled,
    character_info,
    extract_info,
    pattern_key,
    reportlab_extract_info,
)

ROOT = Path(__file__).resolve().parent.parent
REPORTLAB = Path(reportlab.__file__).parent
PICTURE = ROOT / "examples" / "riverside-crest.png"

# --- patterns compiled when first used ----------------------------------------------

METHODS = {"match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
"""How ReportLab may use a lazy pattern: a method of the compiled pattern, taken from it
when it runs (the compiled pattern's own method)."""

LAZY = [(module, name) for module, names in LAZY_PATTERNS.items() for name in names]

SAMPLES = [
    "", "word", "well-known", "co\xadoperate", "(quoted),", "\u201csmart\u201d!", "\xbfQu\xe9?",
    "Ynys M\xf4n", "\u0175\u0177\u1e81", "\u041c\u043e\u0441\u043a\u0432\u0430",
    "https://example.org/a/b?c=d#e", "HTTP://\xc9XAMPLE.COM/path", "ftp://user:pw@10.0.0.1:8080/x",
    "http://[::1]/", "http://xn--bcher-kva.example/", "http://localhost:8000/", "mailto:x@y",
    "www.example.org", "a://-bad-.com", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 text",
    "def f(x):\n    return 'a'  # note\nclass C: pass\n", "x.__globals__ and f_back, eval(1)",
    "-\xad-", "\u2018a\u2019", "[x]", "A" * 70,
]


def _found(module: str, name: str) -> Any:
    """What ``module`` holds under ``name`` (``Class.attribute`` for a class's)."""
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found


def _compiled(module: str, name: str) -> re.Pattern[str]:
    pattern = _found(module, name)
    return re.compile(pattern.pattern, pattern.flags)


@pytest.mark.parametrize(("module", "name"), LAZY)
def test_each_lazy_pattern_is_the_one_the_library_compiles(module: str, name: str) -> None:
    pattern = _found(module, name)
    assert isinstance(pattern, re.Pattern | LazyPattern)
    assert pattern_key(pattern.pattern, pattern.flags) == LAZY_PATTERNS[module][name]


@pytest.mark.parametrize(("module", "name"), LAZY)
def test_a_lazy_pattern_is_used_only_through_its_methods(module: str, name: str) -> None:
    """Assigned once (at module level, or in its class's body) from ``re.compile``; every
    use a method taken from it, and no other module of its package imports it."""
    owner, _, last = name.rpartition(".")
    path = _path(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = _parents(tree)
    stores = [node for node in ast.walk(tree) if isinstance(node, ast.Name)
              and node.id == last and isinstance(node.ctx, ast.Store)]
    assert len(stores) == 1 and isinstance(parents[stores[0]], ast.Assign)
    body = parents[parents[stores[0]]]
    assert body is tree if not owner else (isinstance(body, ast.ClassDef)
                                           and body.name == owner and parents[body] is tree)
    call = parents[stores[0]].value  # type: ignore[attr-defined]
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "re.compile"
    short = module.rsplit(".", 1)[1]
    for source in _path(module.split(".")[0]).parent.rglob("*.py"):
        text = source.read_text(encoding="utf-8", errors="replace")
        if last not in text:
            continue
        found = ast.parse(text)
        above = _parents(found)
        for node in ast.walk(found):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(short):
                assert last not in {alias.name for alias in node.names}, source
            if source == path or owner:  # its own uses, or any of a class's attribute
                use = (isinstance(node, ast.Name) and node.id == last) or (
                    isinstance(node, ast.Attribute) and node.attr == last)
            else:  # another module's, through the module
                use = isinstance(node, ast.Attribute) and node.attr == last and \
                    isinstance(node.value, ast.Name) and node.value.id == short
            if use and isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
                used = above[node]
                assert isinstance(used, ast.Attribute) and used.attr in METHODS, \
                    f"{source}: {ast.unparse(used)}"


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _path(module: str) -> Path:
    return Path(str(importlib.util.find_spec(module).origin))  # type: ignore[union-attr]


def _results(pattern: Any, text: str) -> list[Any]:
    def found(match: re.Match[str] | None) -> Any:
        return None if match is None else (match.span(), match.groups(), match.groupdict())

    return [found(pattern.match(text)), found(pattern.search(text)),
            found(pattern.fullmatch(text)), found(pattern.match(text, 1)),
            pattern.findall(text), [m.span() for m in pattern.finditer(text)],
            pattern.split(text), pattern.split(text, 1), pattern.sub("<\\g<0>>", text),
            pattern.sub(lambda m: m.group(0).upper(), text), pattern.subn("", text, 2)]


@pytest.mark.parametrize(("module", "name"), LAZY)
def test_a_lazy_pattern_gives_what_the_compiled_pattern_gives(module: str, name: str) -> None:
    compiled = _compiled(module, name)
    lazy = LazyPattern(compiled.pattern, compiled.flags)
    assert lazy._compiled is None  # nothing compiled until it is used
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)
    for text in SAMPLES:
        assert _results(lazy, text) == _results(compiled, text), text
    assert lazy == compiled and hash(lazy) == hash(compiled) and repr(lazy) == repr(compiled)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):  # pickled, it comes back compiled
        assert pickle.loads(pickle.dumps(LazyPattern(compiled.pattern, compiled.flags),
                                         protocol)) == compiled


def test_only_the_listed_patterns_of_the_listed_modules_are_made_lazy() -> None:
    text = "([\u2e80-\uffff])"
    assert pattern_key(text, re.UNICODE) == LAZY_PATTERNS["reportlab.lib.textsplit"]["rx"]
    assert isinstance(rlstartup._lazy_compile(text, re.UNICODE), re.Pattern)  # not from there
    there = {"__name__": "reportlab.lib.textsplit", "compile": rlstartup._lazy_compile}
    assert isinstance(eval(f"compile({text!r}, 32)", there), LazyPattern)
    assert isinstance(eval(f"compile({text!r}, 0)", there), LazyPattern)  # Unicode anyway
    assert isinstance(eval(f"compile({text!r}, 2)", there), re.Pattern)  # other flags
    assert isinstance(eval("compile('x', 0)", there), re.Pattern)  # another pattern


def test_re_compile_is_itself_again_after_an_import_even_one_that_failed() -> None:
    before = re.compile

    def failing(module: object) -> None:
        assert re.compile is rlstartup._lazy_compile
        raise ImportError("no")

    with pytest.raises(ImportError):
        rlstartup._importing_lazily(failing)(None)
    assert re.compile is before


# --- a process that prepared, against one that did not ---------------------------------

PROGRAM = """
import hashlib, io, json, sys
prepared = sys.argv[1] == "prepared"
if prepared:
    from packgen.rlstartup import lighten_imports
    lighten_imports()
import reportlab.platypus
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, XPreformatted
from reportlab.platypus.xpreformatted import PythonPreformatted
from reportlab.lib import textsplit, rl_safe_eval
import yaml
from packgen.rlstartup import LAZY_PATTERNS, LAZY_PICTURES
import importlib
import importlib.util
def states():
    found = {}
    for module, names in LAZY_PATTERNS.items():
        for name in names:
            value = importlib.import_module(module)
            for part in name.split("."):
                value = getattr(value, part)
            found[name] = type(value).__name__ + (
                "" if getattr(value, "_compiled", 1) is not None else " (not compiled)")
    found[LAZY_PICTURES] = type(sys.modules.get(LAZY_PICTURES)).__name__
    return found
before = states()
def read(text):  # with PyYAML's pure-Python reader
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        return str(exc)
style = ParagraphStyle("s", fontSize=9, leading=11, uriWasteReduce=0.3, embeddedHyphenation=1)
text = ("See https://example.org/a/very/long/path/that/will/not/fit/on/one/line/at/all "
        "and the well-known long-winded co-operative self-assessment-based arrangements "
        "(\\u201cquoted\\u201d) in Ynys M\\u00f4n.")
out = io.BytesIO()
doc = SimpleDocTemplate(out, pagesize=(160, 600), invariant=1)
doc.build([Paragraph(text, style), Image(sys.argv[2], width=40, height=40),
           PythonPreformatted("def f(x):\\n    return 'a'  # note\\n", style)])
wrapped = textsplit.rx.sub(r"\\1\\0 ", "\\u65e5\\u672c\\u8a9e\\u306e\\u30c6 x")  # as cjkwrap
read_yaml = [read("a: [1, Ynys M\\u00f4n]"), read("a: b\\x07")]
print(json.dumps({"before": before, "after": states(), "pdf": hashlib.sha256(
    out.getvalue()).hexdigest(), "cjk": wrapped,
    "unsafe": rl_safe_eval.__rl_unsafe_re__.findall("x.f_back; y.__globals__"),
    "yaml": read_yaml}))
"""


def _run(how: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PROGRAM, how, str(PICTURE)], check=True,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_prepared_process_imports_lighter_and_typesets_the_same_bytes() -> None:
    prepared, plain = _run("prepared"), _run("plain")
    lazy = {name: "LazyPattern (not compiled)" for _, name in LAZY}
    assert prepared["before"] == {**lazy, LAZY_PICTURES: "_LazyModule"}
    assert plain["before"] == {**{name: "Pattern" for _, name in LAZY}, LAZY_PICTURES: "module"}
    # Used, each is compiled (or loaded) and gives what ReportLab's own gives.
    assert prepared["after"]["uri_pat"] == prepared["after"]["_hy_shy_pat"] == "LazyPattern"
    assert prepared["after"]["rx"] == prepared["after"]["matchRE"] == "LazyPattern"
    assert prepared["after"][LAZY_PICTURES] == "module"
    assert prepared["after"]["Reader.NON_PRINTABLE"] == "LazyPattern"
    for key in ("pdf", "cjk", "unsafe", "yaml"):
        assert prepared[key] == plain[key]
    assert "special characters are not allowed" in prepared["yaml"][1]


def test_reportlab_reaches_pillow_only_through_attributes_of_its_image_module() -> None:
    tree = ast.parse(_path("reportlab.lib.utils").read_text(encoding="utf-8"))
    assert any(isinstance(node, ast.ImportFrom) and node.module == "PIL" and
               [a.name for a in node.names] == ["Image"] for node in tree.body)
    parents = _parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "Image":
            used = parents[node]
            assert isinstance(used, ast.Attribute | ast.Compare) or (
                isinstance(used, ast.Call) and ast.unparse(used.func) == "getattr"), \
                ast.unparse(used)


def test_lightening_leaves_modules_imported_already_as_they_are() -> None:
    finders = list(sys.meta_path)
    try:
        rlstartup.lighten_imports()
        rlstartup.lighten_imports()
        assert sys.meta_path.count(rlstartup._FINDER) == 1
        assert rlstartup._FINDER.find_spec("reportlab.lib.colors", None) is None
        module = importlib.import_module("reportlab.platypus.paragraph")  # imported already
        assert isinstance(module.uri_pat, re.Pattern)
    finally:
        sys.meta_path[:] = finders


# --- TrueType faces read faster ----------------------------------------------------------

def _font_files() -> list[Path]:
    found = sorted((ROOT / "templates" / "fonts").glob("*.ttf"))
    found += sorted((ROOT / "tests" / "fixtures").rglob("*.[ot]tf"))
    found += sorted(path for path in Path("/usr/share/fonts").rglob("*.ttf")
                    if path.name.startswith(("DejaVu", "Liberation")))
    found += sorted((REPORTLAB / "fonts").glob("*.ttf"))
    return found


def _resolved(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _embedded_fonts() -> Iterator[bytes]:
    """Every TrueType font embedded in a PDF under tests/fixtures, once."""
    seen = set()
    for pdf in sorted((ROOT / "tests" / "fixtures").rglob("*.pdf")):
        for page in PdfReader(pdf).pages:
            fonts = _resolved(_resolved(page.get("/Resources", {})).get("/Font", {}))
            for ref in fonts.values():
                font = _resolved(ref)
                for described in [font, *map(_resolved, font.get("/DescendantFonts", []))]:
                    descriptor = _resolved(described.get("/FontDescriptor", {}))
                    file = descriptor.get("/FontFile2")
                    data = _resolved(file).get_data() if file is not None else None
                    if data and data not in seen:
                        seen.add(data)
                        yield data


FONTS = [(path.name, path) for path in _font_files()]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("embedded")
    paths = []
    for n, data in enumerate(_embedded_fonts()):
        path = folder / f"embedded-{n}.ttf"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _read(path: Path, extract: Callable[..., None]) -> Any:
    """The face ``path`` holds, read with ``extract`` as ``extractInfo``, or what it raised."""
    saved = TTFontFile.__dict__["extractInfo"]
    TTFontFile.extractInfo = extract
    try:
        return TTFontFace(str(path))
    except Exception as exc:  # noqa: BLE001 - compared with ReportLab's own
        return exc
    finally:
        TTFontFile.extractInfo = saved


def _same_face(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs)
        return
    assert list(vars(ours)) == list(vars(theirs))  # the same attributes, set in the same order
    for name, value in vars(theirs).items():
        mine = vars(ours)[name]
        if callable(value):  # the scale ReportLab makes per face
            assert [mine(n) for n in (0, 1, 517, 1000, 2048)] == \
                [value(n) for n in (0, 1, 517, 1000, 2048)]
        else:
            assert type(mine) is type(value) and repr(mine) == repr(value), name


def _subsets(face: Any) -> list[list[int]]:
    codes = list(face.charToGlyph)
    return [list(range(32, 127)), codes[:256], codes[-40:],
            [ord(ch) for ch in "\u0175\u0177\xe2\xea\xee\xf4\xfb\u20ac\xa3\u2013"
             if ord(ch) in face.charToGlyph]]


def _pdf(font: TTFont, text: str) -> bytes:
    """A page drawn with ``font``, registered for the page only."""
    fonts, faces = dict(pdfmetrics._fonts), dict(pdfmetrics._dynFaceNames)
    try:
        pdfmetrics.registerFont(font)
        out = io.BytesIO()
        canvas = Canvas(out, invariant=1)
        canvas.setFont(font.fontName, 12)
        canvas.drawString(20, 700, text)
        canvas.drawString(20, 680, text[::-1])
        canvas.save()
        return out.getvalue()
    finally:
        pdfmetrics._fonts.clear()
        pdfmetrics._fonts.update(fonts)
        pdfmetrics._dynFaceNames.clear()
        pdfmetrics._dynFaceNames.update(faces)


def _compare(path: Path) -> Any:
    theirs = _read(path, reportlab_extract_info())
    ours = _read(path, extract_info)
    _same_face(ours, theirs)
    if not isinstance(theirs, Exception):
        for subset in _subsets(theirs):
            assert ours.makeSubset(subset) == theirs.makeSubset(subset)
    return theirs


@pytest.mark.parametrize(("name", "path"), FONTS)
def test_a_face_reads_as_reportlab_reads_it(name: str, path: Path) -> None:
    face = _compare(path)
    assert not isinstance(face, Exception)
    text = "".join(chr(code) for code in list(face.charToGlyph)[:120] if code >= 32)
    pdfs = []
    for extract in (reportlab_extract_info(), extract_info):
        saved = TTFontFile.__dict__["extractInfo"]
        TTFontFile.extractInfo = extract
        try:
            pdfs.append(_pdf(TTFont("packgen-probe", str(path)), text))
        finally:
            TTFontFile.extractInfo = saved
    assert pdfs[0] == pdfs[1]


def test_the_fonts_embedded_in_the_fixtures_read_as_reportlab_reads_them(
        embedded: list[Path]) -> None:
    assert len(embedded) >= 5
    for path in embedded:
        _compare(path)


@pytest.mark.parametrize(("name", "path"),
                         [(name, path) for name, path in FONTS
                          if name.startswith("DejaVu") or "templates" in path.parts])
def test_the_theme_fonts_are_read_here_not_left_to_reportlab(name: str, path: Path) -> None:
    face = _read(path, reportlab_extract_info())
    read = character_info(face)
    assert read == {key: vars(face)[key] for key in read}


def _changed(data: bytes, at: int, new: bytes) -> bytes:
    return data[:at] + new + data[at + len(new):]


def test_a_face_the_fast_reading_leaves_to_reportlab_reads_the_same(tmp_path: Path) -> None:
    source = ROOT / "templates" / "fonts" / "DejaVuSans.ttf"
    data = source.read_bytes()
    face = _read(source, reportlab_extract_info())
    cmap = face.table["cmap"]["offset"]
    count = int.from_bytes(data[cmap + 2:cmap + 4], "big")
    # Every Unicode map renamed to platform 2 (ISO, unused): ReportLab takes the Macintosh
    # map, format 6, which is not read here.
    changed = data
    for n in range(count):
        record = cmap + 4 + 8 * n
        if data[record:record + 4] != b"\x00\x01\x00\x00":
            changed = _changed(changed, record, b"\x00\x02")
    path = tmp_path / "format-6.ttf"
    path.write_bytes(changed)
    with pytest.raises(Unhandled):
        character_info(_read(path, reportlab_extract_info()))
    assert not isinstance(_compare(path), Exception)


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.9, 0.99])
def test_a_truncated_face_fails_as_reportlab_fails(tmp_path: Path, keep: float) -> None:
    data = (ROOT / "templates" / "fonts" / "DejaVuSans-Bold.ttf").read_bytes()
    path = tmp_path / "cut.ttf"
    path.write_bytes(data[:int(len(data) * keep)])
    _compare(path)


def test_a_broken_location_format_is_left_to_reportlab(tmp_path: Path) -> None:
    source = ROOT / "templates" / "fonts" / "DejaVuSans.ttf"
    face = _read(source, reportlab_extract_info())
    path = tmp_path / "loca.ttf"
    path.write_bytes(_changed(source.read_bytes(), face.table["head"]["offset"] + 50,
                              b"\x00\x07"))
    assert isinstance(_compare(path), Exception)


def test_reportlab_reads_a_face_as_this_module_expects() -> None:
    """What :func:`extract_info` relies on: ReportLab's ``TTFontFace`` reads through
    ``self.extractInfo(1)``; ``extractInfo(0)`` reads the first part and sets the three
    attributes of the second to None, last; a face has these attributes."""
    path = ROOT / "templates" / "fonts" / "DejaVuSans.ttf"
    calls = []
    real = reportlab_extract_info()  # kept before the spy goes in, whatever ran before

    def spy(face: Any, charInfo: int = 1) -> None:  # noqa: N803
        calls.append(charInfo)
        real(face, charInfo)

    face = _read(path, spy)
    assert calls == [1]
    for name in ("_ttf_data", "table", "numGlyphs", "_pdfScale", "_pos", "charToGlyph",
                 "glyphToChar", "charWidths", "hmetrics", "defaultWidth", "glyphPos"):
        assert name in vars(face)
    first = _read_first_part(path)
    assert list(vars(first))[-3:] == ["charToGlyph", "defaultWidth", "charWidths"]
    assert (first.charToGlyph, first.defaultWidth, first.charWidths) == (None, None, None)


def _read_first_part(path: Path) -> Any:
    saved = TTFontFile.__dict__["extractInfo"]
    TTFontFile.extractInfo = reportlab_extract_info()
    try:
        return TTFontFile(str(path), charInfo=0)
    finally:
        TTFontFile.extractInfo = saved
