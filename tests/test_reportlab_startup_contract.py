"""The contract between :mod:`packgen.rlstartup` and the installed ReportLab and Pillow:
the internals it relies on, each test failing when an upgrade moves one, and its results
held to ReportLab's own (patterns compiled lazily, pictures' module loaded lazily)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import reportlab

from packgen import rlstartup
from packgen.rlstartup import LAZY_PATTERNS, LAZY_PICTURES, LazyPattern, pattern_key

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


def _compiled(module: str, name: str) -> re.Pattern[str]:
    pattern = getattr(importlib.import_module(module), name)
    return re.compile(pattern.pattern, pattern.flags)


@pytest.mark.parametrize(("module", "name"), LAZY)
def test_each_lazy_pattern_is_the_one_reportlab_compiles(module: str, name: str) -> None:
    pattern = getattr(importlib.import_module(module), name)
    assert isinstance(pattern, re.Pattern | LazyPattern)
    assert pattern_key(pattern.pattern, pattern.flags) == LAZY_PATTERNS[module][name]


def _source(module: str) -> ast.Module:
    path = importlib.util.find_spec(module).origin  # type: ignore[union-attr]
    return ast.parse(Path(str(path)).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("module", "name"), LAZY)
def test_reportlab_uses_a_lazy_pattern_only_through_its_methods(module: str, name: str) -> None:
    tree = _source(module)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    stores = [node for node in ast.walk(tree) if isinstance(node, ast.Name)
              and node.id == name and isinstance(node.ctx, ast.Store)]
    assert len(stores) == 1 and isinstance(parents[stores[0]], ast.Assign)
    assert parents[parents[stores[0]]] is tree  # once, at module level
    call = parents[stores[0]].value  # type: ignore[attr-defined]
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "re.compile"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            used = parents[node]
            assert isinstance(used, ast.Attribute) and used.attr in METHODS, ast.unparse(used)


def test_no_other_module_of_reportlab_reaches_a_lazy_pattern() -> None:
    short = {module.rsplit(".", 1)[1]: module for module in LAZY_PATTERNS}
    for path in REPORTLAB.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if not any(word in text for word in short):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module in LAZY_PATTERNS:
                assert not {a.name for a in node.names} & set(LAZY_PATTERNS[node.module]), path
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in short:
                assert node.attr not in LAZY_PATTERNS[short[node.value.id]], path


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
    from packgen.rlstartup import prepare
    prepare()
import reportlab.platypus
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, XPreformatted
from reportlab.platypus.xpreformatted import PythonPreformatted
from reportlab.lib import textsplit, rl_safe_eval
from packgen.rlstartup import LAZY_PATTERNS, LAZY_PICTURES
import importlib
import importlib.util
def states():
    found = {}
    for module, names in LAZY_PATTERNS.items():
        for name in names:
            value = getattr(importlib.import_module(module), name)
            found[name] = type(value).__name__ + (
                "" if getattr(value, "_compiled", 1) is not None else " (not compiled)")
    found[LAZY_PICTURES] = type(sys.modules.get(LAZY_PICTURES)).__name__
    return found
before = states()
style = ParagraphStyle("s", fontSize=9, leading=11, uriWasteReduce=0.3, embeddedHyphenation=1)
text = ("See https://example.org/a/very/long/path/that/will/not/fit/on/one/line/at/all "
        "and the well-known long-winded co-operative self-assessment-based arrangements "
        "(\\u201cquoted\\u201d) in Ynys M\\u00f4n.")
out = io.BytesIO()
doc = SimpleDocTemplate(out, pagesize=(160, 600), invariant=1)
doc.build([Paragraph(text, style), Image(sys.argv[2], width=40, height=40),
           PythonPreformatted("def f(x):\\n    return 'a'  # note\\n", style)])
wrapped = textsplit.rx.sub(r"\\1\\0 ", "\\u65e5\\u672c\\u8a9e\\u306e\\u30c6 x")  # as cjkwrap
print(json.dumps({"before": before, "after": states(), "pdf": hashlib.sha256(
    out.getvalue()).hexdigest(), "cjk": wrapped,
    "unsafe": rl_safe_eval.__rl_unsafe_re__.findall("x.f_back; y.__globals__")}))
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
    for key in ("pdf", "cjk", "unsafe"):
        assert prepared[key] == plain[key]


def test_reportlab_reaches_pillow_only_through_attributes_of_its_image_module() -> None:
    tree = _source("reportlab.lib.utils")
    assert any(isinstance(node, ast.ImportFrom) and node.module == "PIL" and
               [a.name for a in node.names] == ["Image"] for node in tree.body)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "Image":
            used = parents[node]
            assert isinstance(used, ast.Attribute | ast.Compare) or (
                isinstance(used, ast.Call) and ast.unparse(used.func) == "getattr"), \
                ast.unparse(used)


def test_prepare_leaves_modules_imported_already_as_they_are() -> None:
    finders = list(sys.meta_path)
    try:
        rlstartup.prepare()
        rlstartup.prepare()
        assert sys.meta_path.count(rlstartup._FINDER) == 1
        assert rlstartup._FINDER.find_spec("reportlab.lib.colors", None) is None
        module = importlib.import_module("reportlab.platypus.paragraph")  # imported already
        assert isinstance(module.uri_pat, re.Pattern)
    finally:
        sys.meta_path[:] = finders
