"""What pypdf raises on a PDF it cannot read, in one place.

pypdf 7 raises its own errors for most damage (:class:`~pypdf.errors.PyPdfError`:
``PdfReadError``, ``LimitReachedError`` for a decompression bomb or an oversized
structure, ``PageSizeNotDefinedError``, ``ParseError``), but damage it did not
foresee surfaces as whatever Python raised deep inside a parser: a ``KeyError``
for a missing entry, a ``TypeError`` for an entry of the wrong kind, a
``RecursionError`` for nesting, an arithmetic error for an absurd number. Every
module that reads an attachment catches exactly this tuple, so a damaged file is
reported the same way wherever the damage is met.
"""

from __future__ import annotations

import struct
import zlib

from pypdf.errors import LimitReachedError, PyPdfError

UNREADABLE: tuple[type[BaseException], ...] = (
    PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
    NotImplementedError,  # an unknown filter or encryption method
    ArithmeticError, zlib.error, struct.error,
)
"""Exceptions that mean "this input cannot be read", not "packgen has a bug"."""

__all__ = ["UNREADABLE", "LimitReachedError"]
