"""The sandbox officers' templates render in: Jinja's immutable one, and then some.

Templates may come from a pull request. Jinja's sandbox keeps them from Python's
internals; this one also keeps them from the files behind the paths the model holds,
and from making text that would take gigabytes to hold (a build in CI must not be
made to exhaust its runner): every operation that multiplies length (``*``, padding,
format widths, ``replace``) is checked before it runs. Loops stay possible; CI should
run packgen with a time limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import jinja2.runtime
import jinja2.sandbox
from jinja2.exceptions import SecurityError

PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix", "suffixes", "parts", "parent"})
"""What a template may ask of a path: what it says, never what the file holds."""

TEXT_ATTRIBUTES_REFUSED = frozenset({"format", "format_map", "center", "ljust", "rjust",
                                     "zfill", "expandtabs", "replace"})
"""Text methods that make text longer by a number given: the filters of the same
names, checked below, do the same jobs."""

MAX_PRODUCT = 1_000_000
"""Longest text or list a template may make by multiplying ("x" * n) or replacing."""

MAX_WIDTH = 10_000
"""Widest a value may be padded to (centred, indented, formatted as %10000d)."""

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, which also keeps templates off the file system and
    refuses to make text, lists or numbers that would take gigabytes."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Every answer, here and in Jinja's sandbox (is_internal_attribute,
        # modifies_known_mutable), is judged by the object's type and the attribute's
        # name alone: judged once per pair (a 300-row agenda asks 7,500 times a pass).
        key = (type(obj), attr)
        known = self._safe_attributes.get(key)
        if known is None:
            known = self._safe_attributes[key] = self._judge(obj, attr, value)
        return known

    def _judge(self, obj: Any, attr: str, value: Any) -> bool:
        # The model holds real paths (a meeting's source, an attachment's file): their
        # methods read, write and delete files. Only what a path says of itself is safe.
        if isinstance(obj, PurePath) and attr not in PATH_ATTRIBUTES:
            return False
        # str.format reads attributes of its arguments by name, past the sandbox in
        # Jinja releases before 3.1.6; the filters do the same jobs, checked.
        if isinstance(obj, str) and attr in TEXT_ATTRIBUTES_REFUSED:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Jinja hands out its own guarded str.format before asking is_safe_attribute;
        # a width in a {} field pads without limit, so refuse it outright.
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            raise SecurityError("str.format is not allowed in templates; use the format "
                                "filter")
        return refused

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and right > 64 \
                and isinstance(left, int | float) and abs(left) > 1:
            raise SecurityError("the power is too large")
        if operator == "*":
            sized, times = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(sized, str | list | tuple) and isinstance(times, int) \
                    and len(sized) * times > MAX_PRODUCT:
                raise SecurityError(f"the result would be longer than {MAX_PRODUCT:,}")
        if operator == "%" and isinstance(left, str):
            check_widths(left)
        return super().call_binop(context, operator, left, right)


def check_widths(template: str) -> None:
    """Refuse a printf-style format whose width or precision would pad into gigabytes."""
    for match in _PRINTF.finditer(template):
        for number in match.groups():
            if number == "*" or number and int(number) > MAX_WIDTH:
                raise SecurityError(f"a format width or precision over {MAX_WIDTH:,}")


def bound_filters(env: jinja2.Environment) -> None:
    """Replace the filters that lengthen text by a number given with checked ones."""
    filters: dict[str, Callable[..., Any]] = env.filters
    center, indent, replace, format_ = (filters["center"], filters["indent"],
                                        filters["replace"], filters["format"])

    def checked_center(value: str, width: int = 80) -> Any:
        _width(width)
        return center(value, width)

    def checked_indent(value: str, width: int | str = 4, *args: Any, **kwargs: Any) -> Any:
        if isinstance(width, int):
            _width(width)
        elif len(str(width)) > MAX_WIDTH:
            raise SecurityError(f"an indent wider than {MAX_WIDTH:,}")
        return indent(value, width, *args, **kwargs)

    def checked_replace(eval_ctx: Any, value: str, old: str, new: str,
                        count: int | None = None) -> Any:
        times = str(value).count(str(old)) if old else len(str(value)) + 1
        if count is not None:
            times = min(times, count)
        if len(str(value)) + times * len(str(new)) > MAX_PRODUCT:
            raise SecurityError(f"the result would be longer than {MAX_PRODUCT:,}")
        return replace(eval_ctx, value, old, new, count)

    def checked_format(value: str, *args: Any, **kwargs: Any) -> Any:
        check_widths(str(value))
        return format_(value, *args, **kwargs)

    checked_replace.jinja_pass_arg = replace.jinja_pass_arg  # type: ignore[attr-defined]
    filters.update(center=checked_center, indent=checked_indent, replace=checked_replace,
                   format=checked_format)


def _width(width: int) -> None:
    if width > MAX_WIDTH:
        raise SecurityError(f"a width over {MAX_WIDTH:,}")
