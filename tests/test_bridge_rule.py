"""Only :mod:`packgen.pdf.bridge` reaches past pypdf's public API.

Every Python file under packgen/ and tests/ is parsed, and any use of a pypdf internal
outside the bridge (and the contract test, which checks pypdf itself) fails this test,
naming the file and line. A pypdf internal is:

- an import from a pypdf module whose path has a part that begins with an underscore
  (``pypdf._writer``), or of a name that does (``from pypdf.generic import _x``);
- an attribute whose name begins with an underscore and that pypdf's own source defines
  as a function, a method, a class attribute or an attribute it assigns
  (``writer._add_object``, ``stream._data``): the set is read from the installed pypdf's
  source when the test runs, so it follows upgrades; the same name as a string given to
  ``getattr`` and its kin, or as a constant subscript, counts too;
- one of the public-looking attributes the bridge relies on but pypdf does not document
  (:data:`INTERNALS`).

A name packgen defines for itself (a method, a class attribute, ``self._x = ...``) that
pypdf happens to use too, like ``_pages``, is packgen's own when reached through ``self``
or ``cls``; reached through anything else it could be pypdf's, and is refused.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast

import pypdf
import pytest

from tests.conftest import ROOT

ALLOWED = {Path("packgen/pdf/bridge.py"), Path("tests/test_pypdf_contract.py")}
"""The bridge, and the test of the pypdf behaviour it relies on."""

INTERNALS = frozenset({
    "resolved_objects", "xref", "xref_free_entry", "xref_objStm", "flattened_pages", "strict",
    "pdf_header", "cache_indirect_object", "initialize_from_dictionary", "__streamdata__"})
"""pypdf attributes without a leading underscore that its documentation does not offer."""

_ACCESSORS = {"getattr", "setattr", "hasattr", "delattr"}


def private(name: str) -> bool:
    """A leading underscore that is not a dunder's (``_data``, ``__mangled``, not
    ``__init__``)."""
    return name.startswith("_") and not re.fullmatch(r"__\w+__", name)


def _defined(tree: ast.AST) -> Iterator[str]:
    """Names a module's objects may carry: functions, classes, class attributes, and
    attributes it assigns to anything (``retval._data = ...``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            yield node.attr
        if isinstance(node, ast.ClassDef):
            yield from _class_attributes(node)


def _class_attributes(cls: ast.ClassDef) -> Iterator[str]:
    for statement in cls.body:
        targets = (statement.targets if isinstance(statement, ast.Assign) else
                   [statement.target] if isinstance(statement, ast.AnnAssign) else [])
        yield from (t.id for t in targets if isinstance(t, ast.Name))


def pypdf_private_names() -> frozenset[str]:
    """Every underscore name the installed pypdf's source defines, modules included."""
    names: set[str] = set()
    for path in Path(pypdf.__file__).parent.rglob("*.py"):
        names.add(path.stem)
        names.update(_defined(ast.parse(path.read_text(encoding="utf-8"))))
    return frozenset(n for n in names if private(n))


def own_names(tree: ast.AST) -> Iterator[str]:
    """Names a module's classes define for their instances: methods and class attributes,
    and what a method assigns to ``self.x`` or ``cls.x``."""
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for statement in cls.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                yield statement.name
        yield from _class_attributes(cls)
        for node in ast.walk(cls):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and _through_self(node)):
                yield node.attr


def _through_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}


def _scanned() -> list[Path]:
    return sorted(p for top in ("packgen", "tests") for p in (ROOT / top).rglob("*.py")
                  if p.relative_to(ROOT) not in ALLOWED)


def packgen_names(paths: Iterable[Path]) -> frozenset[str]:
    return frozenset(name for path in paths
                     for name in own_names(ast.parse(path.read_text(encoding="utf-8"))))


def violations(source: str, where: str, pypdf_names: frozenset[str],
               own: frozenset[str]) -> list[str]:
    """``where:line: what`` for each use of a pypdf internal in ``source``."""
    tree = ast.parse(source)
    # A name bound by ``import os`` is a module that is not pypdf: ``os._exit`` is os's.
    modules = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names
               if alias.name.split(".")[0] != "pypdf"}
    found: list[tuple[int, str]] = []

    def say(node: ast.AST, what: str) -> None:
        line = cast(int, getattr(node, "lineno", 0))
        found.append((line, f"{where}:{line}: {what}"))

    def pypdfs(name: str) -> bool:
        return name in INTERNALS or name in pypdf_names

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "pypdf" and any(private(p) for p in parts):
                    say(node, f"imports pypdf's private module {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "pypdf":
                continue
            if any(private(p) for p in parts):
                say(node, f"imports from pypdf's private module {node.module}")
            for alias in node.names:
                if private(alias.name):
                    say(node, f"imports pypdf's private name {alias.name}")
        elif isinstance(node, ast.Attribute) and pypdfs(node.attr):
            if isinstance(node.value, ast.Name) and node.value.id in modules:
                continue
            if node.attr in own and _through_self(node):
                continue
            say(node, f"uses pypdf's internal .{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in _ACCESSORS and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and pypdfs(node.args[1].value)):
            say(node, f"uses pypdf's internal {node.args[1].value!r} by {node.func.id}")
        elif isinstance(node, ast.Subscript | ast.Dict):
            keys = [node.slice] if isinstance(node, ast.Subscript) else node.keys
            for key in keys:
                if (isinstance(key, ast.Constant) and isinstance(key.value, str)
                        and (key.value == "__streamdata__" or key.value in pypdf_names)):
                    say(key, f"uses pypdf's internal key {key.value!r}")
    return [said for _, said in sorted(found)]


@pytest.fixture(scope="module")
def pypdf_names() -> frozenset[str]:
    return pypdf_private_names()


@pytest.fixture(scope="module")
def own() -> frozenset[str]:
    return packgen_names(_scanned())


def test_the_rule_knows_what_the_bridge_reaches(pypdf_names: frozenset[str]) -> None:
    """The set is read from pypdf itself; were it empty, the rule would pass vacuously."""
    assert {"_add_object", "_root_object", "_data", "_objects", "_pages"} <= pypdf_names


def test_nothing_but_the_bridge_reaches_past_pypdfs_api(pypdf_names: frozenset[str],
                                                        own: frozenset[str]) -> None:
    found = [problem for path in _scanned()
             for problem in violations(path.read_text(encoding="utf-8"),
                                       str(path.relative_to(ROOT)), pypdf_names, own)]
    assert found == [], ("use or add a function in packgen/pdf/bridge.py (tested in "
                         "tests/test_pypdf_contract.py) instead:\n" + "\n".join(found))


def test_the_bridge_itself_is_what_the_rule_would_catch(pypdf_names: frozenset[str],
                                                        own: frozenset[str]) -> None:
    """Were the bridge an ordinary module, the rule would refuse it: it is seen."""
    bridge = ROOT / "packgen/pdf/bridge.py"
    found = violations(bridge.read_text(encoding="utf-8"), "bridge.py", pypdf_names, own)
    assert any("._add_object" in f for f in found) and any("._data" in f for f in found)


REFUSED = [
    ("writer._add_object(x)", "<snippet>:3: uses pypdf's internal ._add_object"),
    ("ref = writer._root_object", "<snippet>:3: uses pypdf's internal ._root_object"),
    ("assert stream._data", "uses pypdf's internal ._data"),
    ("writer._pages.append(page)", "uses pypdf's internal ._pages"),
    ("reader.resolved_objects.get(key)", "uses pypdf's internal .resolved_objects"),
    ("reader.strict = False", "uses pypdf's internal .strict"),
    ("StreamObject.initialize_from_dictionary(d)",
     "uses pypdf's internal .initialize_from_dictionary"),
    ("fields['__streamdata__'] = data", "uses pypdf's internal key '__streamdata__'"),
    ("make(**{'__streamdata__': data})", "uses pypdf's internal key '__streamdata__'"),
    ("getattr(writer, '_objects')", "uses pypdf's internal '_objects' by getattr"),
    ("getattr(pdf, 'pdf_header', '')", "uses pypdf's internal 'pdf_header' by getattr"),
    ("from pypdf._writer import PdfWriter", "imports from pypdf's private module pypdf._writer"),
    ("from pypdf.generic import _base", "imports pypdf's private name _base"),
    ("import pypdf._utils as utils", "imports pypdf's private module pypdf._utils"),
    ("class Mine(PdfWriter):\n    def grow(self) -> None:\n        self._add_object(x)",
     "uses pypdf's internal ._add_object"),
]


@pytest.mark.parametrize(("code", "said"), REFUSED, ids=[c for c, _ in REFUSED])
def test_a_use_of_a_pypdf_internal_is_refused_naming_its_line(
        pypdf_names: frozenset[str], own: frozenset[str], code: str, said: str) -> None:
    source = f'"""A packgen module."""\n\n{code}\n'
    found = violations(source, "<snippet>", pypdf_names, own)
    assert len(found) == 1 and said in found[0], found
    assert found[0].startswith("<snippet>:"), found


ACCEPTED = [
    "writer.add_object(x)",
    "ref = writer.root_object",
    "data = stream.get_data()",
    "dict.__getitem__(a, k)",
    "type(x).__name__",
    "zip(a, b, strict=True)",
    "PdfReader(path, strict=False)",
    "import os\nos._exit(1)",
    "class Links:\n    def find(self) -> None:\n"
    "        self._pages = {}\n        self._pages.get(1)",
    "from pypdf.generic import ArrayObject",
    "from ._local import thing",
    "page['/Contents']",
]


@pytest.mark.parametrize("code", ACCEPTED, ids=ACCEPTED)
def test_public_api_and_packgens_own_names_pass(pypdf_names: frozenset[str], code: str) -> None:
    own = packgen_names([]) | frozenset(own_names(ast.parse(code)))
    assert violations(code + "\n", "<snippet>", pypdf_names, own) == []
