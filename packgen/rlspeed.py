"""ReportLab's number formatting, text measuring and ASCII85 encoding, faster and giving
the same results, where its optional C accelerator (the ``rl_accel`` package) is not
installed.

Without it ReportLab runs pure-Python versions of three functions that dominate drawing a
long agenda: ``fp_str`` formats every number written into a page (6,000 calls for a
300-item front sheet, with some 300 distinct arguments: it is remembered here);
``instanceStringWidthTTF`` measures every word Platypus breaks lines at (words repeat:
remembered too); ``asciiBase85Encode`` encodes each compressed page (done here with the
standard library's encoder, which gives the same characters). Each is put in place of
ReportLab's in the modules that imported it by name, only where that name still holds
ReportLab's pure-Python function, so an installed accelerator is left as it is.
tests/test_reportlab_contract.py holds the results to ReportLab's own.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from reportlab.lib import rl_accel

MAX_REMEMBERED = 20_000
"""Results kept of each function before they are forgotten (a long report's words)."""

_python: dict[str, Callable[..., Any]] = {
    name: function for name, function in rl_accel._py_funcs.items() if function is not None}
"""ReportLab's pure-Python versions, by name, of the functions it has no C version of."""

_numbers: dict[tuple[Any, ...], str] = {}
_widths: dict[tuple[Any, ...], float] = {}


def fp_str(*numbers: Any) -> str:
    """As ``rl_accel.fp_str``: numbers as the PDF writes them, space-separated."""
    try:
        return _numbers[numbers]
    except KeyError:
        pass
    except TypeError:  # a list given as the one argument: not remembered
        return str(_python["fp_str"](*numbers))
    text = str(_python["fp_str"](*numbers))
    if len(_numbers) >= MAX_REMEMBERED:
        _numbers.clear()
    _numbers[numbers] = text
    return text


def string_width_ttf(font: Any, text: Any, size: Any, encoding: Any = "utf8") -> float:
    """As ``rl_accel.instanceStringWidthTTF``: ``text``'s width in ``font`` at ``size``."""
    key = (font, text, size, encoding)
    try:
        return _widths[key]
    except KeyError:
        pass
    except TypeError:
        return float(_python["instanceStringWidthTTF"](font, text, size, encoding))
    width = float(_python["instanceStringWidthTTF"](font, text, size, encoding))
    if len(_widths) >= MAX_REMEMBERED:
        _widths.clear()
    _widths[key] = width
    return width


def ascii_base85(data: Any) -> str:
    """As ``rl_accel.asciiBase85Encode``: Adobe's ASCII85 (``z`` for four zero bytes, a
    short last group cut to its length), ended by ``~>``."""
    if not isinstance(data, bytes):  # text: ReportLab's own way
        return str(_python["asciiBase85Encode"](data))
    return base64.a85encode(data).decode("ascii") + "~>"


_FASTER: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "fp_str": (fp_str, ("reportlab.pdfgen.canvas", "reportlab.pdfgen.textobject",
                        "reportlab.pdfgen.pathobject", "reportlab.pdfgen.pdfimages",
                        "reportlab.pdfbase.pdfdoc", "reportlab.pdfbase.ttfonts",
                        "reportlab.platypus.flowables", "reportlab.platypus.tables",
                        "reportlab.lib.colors")),
    "instanceStringWidthTTF": (string_width_ttf, ("reportlab.pdfbase.ttfonts",)),
    "asciiBase85Encode": (ascii_base85, ("reportlab.pdfbase.pdfdoc",
                                         "reportlab.pdfgen.pdfimages")),
}
"""Each function, and the modules that imported ReportLab's by name."""


def install() -> list[str]:
    """Put the faster functions in place; the modules and names changed."""
    import importlib

    changed = []
    for name, (faster, modules) in _FASTER.items():
        original = _python.get(name)
        for module_name in modules:
            module = importlib.import_module(module_name)
            if original is not None and getattr(module, name, None) is original:
                setattr(module, name, faster)
                changed.append(f"{module_name}.{name}")
    return changed
