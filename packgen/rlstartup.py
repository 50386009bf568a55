"""ReportLab's start-up, shorter for a process that typesets, with the same results.

About a fifth of a typesetting process's imports went on work that a pack of text never
uses:

- ReportLab compiles regular expressions at import that few documents use: Platypus's
  ``uri_pat`` (case-insensitive over most of Unicode, by far the costliest), its
  hyphenation patterns, CJK wrapping's, Python source colouring's and the safe
  evaluator's list of unsafe names. While a module in :data:`LAZY_PATTERNS` is imported,
  ``re.compile`` hands that module, for exactly those patterns, a :class:`LazyPattern`,
  compiled when first used;
- ``reportlab.lib.utils`` imports Pillow's ``Image`` for pictures; it is loaded when a
  picture first needs it (``importlib.util.LazyLoader``, the standard library's).

:func:`prepare` arranges both before ReportLab is imported (it is called by the
typesetting processes, :mod:`packgen.early` and :mod:`packgen.serving`). This module is
the one that knows these ReportLab internals: ``tests/test_reportlab_startup_contract.py``
fails when an upgrade moves one, and holds every result to ReportLab's own.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Callable, Sequence
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
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
}
"""The patterns compiled lazily: by module, each module-level name with the
:func:`pattern_key` of the pattern ReportLab compiles for it. Only an exact match is
made lazy: a pattern ReportLab changes is compiled at import again, as ReportLab does."""

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

    def __reduce__(self) -> Any:  # pickled as the compiled pattern it stands for
        return self.compiled.__reduce__()


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


def prepare() -> None:
    """Make ReportLab's start-up lighter in this process, from now on: the patterns above
    compiled when first used, pictures' module loaded when first used. Modules imported
    already are left as they are."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
