"""``packgen validate``: everything a build checks, without rendering anything.

Kept apart from :mod:`packgen.build` so that checking a meeting never imports the
typesetter (ReportLab) or the page assembler: validation runs on every save in an
editor and on every push in CI, and should answer at once. For the same reason
only the officer's own templates are compiled (the built-in theme's are tested
with packgen), and Jinja is not even imported when a meeting has none.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packgen import schema
from packgen.errors import AttachmentError, Position, Problem, TemplateError
from packgen.layout import Pack
from packgen.model import Attachment, Meeting
from packgen.sources import check_pdfs, pdf_attachments
from packgen.typesetting import can_fork

if TYPE_CHECKING:
    import jinja2

TEMPLATES = ("frontsheet.html", "filler.html", "report.html", "minutes.html", "document.html",
             "web/agenda.html")


@dataclass(frozen=True)
class Checked:
    meeting: Meeting
    warnings: tuple[Problem, ...] = ()


def validate(meeting_file: Path, templates: Path | None = None) -> Checked:
    """Check everything :func:`~packgen.build.build_pack` would for any pack."""
    meeting = schema.validate(meeting_file)
    supplements = {item.supplement_of(a) for item in meeting.items for a in item.attachments}
    attachments = pdf_attachments(meeting, [Pack(True, s) for s in supplements | {None}])
    problems, warnings = _check_pdfs(attachments)
    if problems:
        raise AttachmentError(problems)
    _check_templates(meeting, templates)
    return Checked(meeting, tuple(warnings))


def _check_pdfs(attachments: list[Attachment]) -> tuple[list[Problem], list[Problem]]:
    """Check the PDFs, the first half in a forked process when there are many: opening
    them is most of what validating a large meeting costs, and each stands alone."""
    if len(attachments) < 8 or not can_fork():
        return check_pdfs(attachments)
    from multiprocessing import Pipe

    half = len(attachments) // 2
    ours, theirs = Pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            ours.close()
            theirs.send(check_pdfs(attachments[:half]))
            status = 0
        finally:
            os._exit(status)
    theirs.close()
    try:
        second = check_pdfs(attachments[half:])
        try:
            first: tuple[list[Problem], list[Problem]] = ours.recv()
        except EOFError:  # it failed; check its half here, where a failure can be seen
            first = check_pdfs(attachments[:half])
    finally:
        ours.close()
        os.waitpid(pid, 0)
    return first[0] + second[0], first[1] + second[1]


def _check_templates(meeting: Meeting, templates: Path | None) -> None:
    """Compile every template of the officer's that a build could load.

    The theme's templates only name each other, so an officer's template is reached
    when it has a theme template's name, or when another of theirs names it.
    """
    own = {path.relative_to(folder).as_posix()
           for folder in meeting.template_dirs(templates) if folder.is_dir()
           for path in folder.rglob("*.html")}
    if not own:
        return
    from jinja2 import meta

    from packgen.render import environment_for
    from packgen.theme import theme_dir

    env = environment_for(meeting, templates)
    theme = {path.relative_to(theme_dir()).as_posix() for path in theme_dir().rglob("*.html")}
    queue = deque(sorted(own & (theme | set(TEMPLATES))))
    seen = set(queue)
    while queue:
        name = queue.popleft()
        _compile(env, name)
        if name not in own:
            continue
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        for referenced in meta.find_referenced_templates(env.parse(source)):
            if referenced is not None and referenced not in seen \
                    and not referenced.startswith("!theme/"):
                seen.add(referenced)
                queue.append(referenced)


def _compile(env: jinja2.Environment, name: str) -> None:
    import jinja2

    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = Position(Path(exc.filename or name), exc.lineno or 1, 1)
        raise TemplateError([Problem(where, f"template syntax: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Problem(Position(Path(name)), f'no template named "{exc.name}"')]
                            ) from None
