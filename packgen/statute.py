"""The law packgen quotes, written once: the front sheet, the exclusion item and the
stamps on exempt pages all say it in these words.

England's principal councils' law for now; other jurisdictions (Wales, Scotland,
Northern Ireland, parishes, NHS bodies) will choose among several such sets.
"""

from __future__ import annotations

EXEMPT_SCHEDULE = "Part 1 of Schedule 12A to the Local Government Act 1972"
"""Where the categories of exempt information, numbered paragraphs 1 to 7, are listed."""
EXCLUSION_SECTION = "section 100A(4) of the Local Government Act 1972"
"""The power to exclude the public while exempt information is considered."""


def exempt_under(paragraph: int | str) -> str:
    """The stamp on an exempt page: why it is not for publication."""
    return f"Exempt under paragraph {paragraph} of {EXEMPT_SCHEDULE}"
