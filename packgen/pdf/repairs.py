"""What pypdf says while it reads a file, and what that tells the officer.

pypdf repairs what it can of a damaged file (a cross-reference table out of place, junk
before the header) and says so only by logging to its "pypdf" logger. packgen turns
that into a warning naming the file: :func:`pypdf_says` collects the messages while a
file is read, :func:`repair_summary` words them. The words looked for are pypdf's, so
``tests/test_pypdf_contract.py`` checks that pypdf still says them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_REPAIRS = (
    ("startxref", "its cross-reference table was out of place and was rebuilt"),
    ("rebuild xref", "its cross-reference table was damaged and was rebuilt"),
    ("xref table not zero-indexed", "its cross-reference table was misnumbered"),
    ("invalid pdf header", "there was junk before the PDF header, which was skipped"),
    ("EOF marker", "its end-of-file marker was missing and was added"),
    ("Object", "some of its objects were damaged and were read as well as they could be"),
)
"""What pypdf's messages contain when it repairs, and what we tell the officer."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def pypdf_says(private: bool = False) -> Iterator[list[str]]:
    """What pypdf logs while a file is read: the repairs it made.

    ``private`` hides what is said from any outer collector: a strict first attempt at
    reading a file (in :mod:`packgen.pdf.sources`) may complain of what nobody repaired.
    """
    handler = _Collect()
    logger = logging.getLogger("pypdf")
    outer = [h for h in logger.handlers if isinstance(h, _Collect)] if private else []
    for other in outer:
        logger.removeHandler(other)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        for other in outer:
            logger.addHandler(other)


def repair_summary(messages: list[str]) -> str:
    """What was repaired, in the officer's words (pypdf's own first message if none fits)."""
    said = [why for key, why in _REPAIRS if any(key.lower() in m.lower() for m in messages)]
    return "; ".join(dict.fromkeys(said)) or messages[0]
