"""``packgen validate``: everything a build checks, without rendering anything.

Kept apart from :mod:`packgen.build` so that checking a meeting never imports the
typesetter (ReportLab) or the page assembler: validation runs on every save in an
editor and on every push in CI, and should answer at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from packgen import schema
from packgen.errors import Position, Problem, TemplateError
from packgen.layout import Pack
from packgen.model import Meeting
from packgen.render import FILTERS
from packgen.sources import close_all, open_attachments
from packgen.theme import environment

TEMPLATES = ("frontsheet.html", "filler.html", "report.html", "minutes.html", "document.html",
             "web/agenda.html")


@dataclass(frozen=True)
class Checked:
    meeting: Meeting
    warnings: tuple[Problem, ...] = ()


def environment_for(meeting: Meeting, templates: Path | None) -> jinja2.Environment:
    """Templates from ``--templates``, then the meeting's ``templates/``, then the theme."""
    user_dirs = [d for d in (templates, meeting.source.parent / "templates") if d is not None]
    return environment(user_dirs, FILTERS)


def validate(meeting_file: Path, templates: Path | None = None) -> Checked:
    """Check everything :func:`~packgen.build.build_pack` would for any pack."""
    meeting = schema.validate(meeting_file)
    supplements = {item.supplement_of(a) for item in meeting.items for a in item.attachments}
    sources = open_attachments(meeting, [Pack(True, s) for s in supplements | {None}])
    close_all(sources.values())
    env = environment_for(meeting, templates)
    for name in TEMPLATES:
        _compile(env, name)
    return Checked(meeting, tuple(w for s in sources.values() for w in s.warnings))


def _compile(env: jinja2.Environment, name: str) -> None:
    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = Position(Path(exc.filename or name), exc.lineno or 1, 1)
        raise TemplateError([Problem(where, f"template syntax: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Problem(Position(Path(name)), f'no template named "{exc.name}"')]
                            ) from None
