"""How much notice of a meeting the law asks, and how its days are counted: one
jurisdiction's rule (``notice:`` in ``templates/jurisdictions/NAME.yaml``, or in
``packgen.yaml``). :mod:`packgen.publication` applies it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from packgen.errors import Position


@dataclass(frozen=True)
class NoticeRule:
    """Clear days: the day of publication and the day of the meeting never count."""

    clear_days: int = 5
    skip: frozenset[str] = frozenset({"saturday", "sunday", "holidays"})
    """Days that do not count: weekday names ("saturday"), and "holidays" for the
    calendar's holidays and ``extra_days``."""
    calendar: str = "england-and-wales"
    """A holiday calendar of the theme (``templates/calendars/NAME.yaml``), or "none"."""
    extra_days: tuple[datetime.date, ...] = ()
    """Local holidays, or days the organisation designates, that do not count either."""
    source: str = "section 100B(3) of the Local Government Act 1972"
    """Where the rule is written, for the message that applies it."""
    calendar_at: Position | None = field(default=None, compare=False, repr=False)
    """Where ``calendar`` is written, for a problem with it; None: the theme's file."""
