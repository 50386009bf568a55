"""``packgen validate``: everything a build checks, without rendering anything, and what
would trouble a screen-reader user (:mod:`packgen.accessibility`), as warnings.

Kept apart from :mod:`packgen.build` so that checking a meeting never imports the
typesetter (ReportLab) or the page assembler: validation runs on every save in an
editor and on every push in CI, and should answer at once. For the same reason
only the officer's own templates are compiled (the built-in theme's are tested
with packgen), and Jinja is not even imported when a meeting has none.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packgen import schema
from packgen.accessibility import notes_of
from packgen.alone import document_meeting, is_document
from packgen.errors import (
    AttachmentError,
    Position,
    Problem,
    TemplateError,
    ValidationError,
)
from packgen.forking import can_fork, fork, stop
from packgen.layout import Pack, pdf_attachments
from packgen.messages import untranslated_warning
from packgen.model import Attachment, Meeting
from packgen.pdf.mapped import over_file_budget
from packgen.publication import notice_problems
from packgen.withheld import untranslated

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    import jinja2

TEMPLATES = ("frontsheet.html", "filler.html", "report.html", "minutes.html", "document.html",
             "web/agenda.html")


@dataclass(frozen=True)
class Checked:
    meeting: Meeting
    warnings: tuple[Problem, ...] = ()


def validate(meeting_file: Path, templates: Path | None = None, *, fork: bool = False,
             trusted_templates: bool = False, language: str | None = None,
             require_tagged: bool = False) -> Checked:
    """Check everything :func:`~packgen.build.build_pack` would for any pack (or for a
    document built alone). ``require_tagged``: as the build's, an untagged PDF is a problem.

    With ``fork`` (on Linux), two processes check the PDFs: they start before the
    meeting is read, so that their import of pypdf, the largest part of validating
    a large meeting, overlaps reading the YAML, and each checks half of the files.
    The command line does so when it validates a single meeting.
    """
    checkers = _PdfCheckers(2 if fork and can_fork() else 0)
    wrong: list[Problem] = []  # the meeting's and its documents' own problems
    try:
        try:
            meeting, notes = document_meeting(meeting_file, language) \
                if is_document(meeting_file) else (schema.validate(meeting_file, language), ())
            attachments = every_pdf(meeting)
        except schema.IncompleteMeeting as exc:  # its PDFs' problems are reported with it
            meeting, notes, wrong = exc.partial, (), exc.problems
            attachments = every_pdf(meeting)
        problems, warnings = checkers.check(attachments, require_tagged)
        if not wrong:
            problems += over_file_budget(attachments)  # as a build would find
    finally:
        checkers.close()
    # The officer's style.yaml and templates are checked whatever else is wrong, so that
    # one run says everything (the partial meeting knows where they are).
    style = [*_style_problems(meeting, templates),
             *notice_problems(meeting, meeting.template_dirs(templates))]
    template_problems = _template_problems(meeting, templates, trusted_templates)
    if wrong or style:
        raise ValidationError([*wrong, *problems, *style, *template_problems])
    if problems:
        raise AttachmentError([*problems, *template_problems])
    if template_problems:
        raise TemplateError(template_problems)
    return Checked(meeting, notes + tuple(warnings)
                   + tuple(untranslated_warning(meeting.words, meeting.root))
                   + tuple(untranslated(meeting)) + tuple(notes_of(meeting)))


class _PdfCheckers:
    """Forked processes that each check a share of the PDFs; none: check them here."""

    def __init__(self, count: int) -> None:
        self.children: list[tuple[int, Connection]] = []
        for _ in range(count):
            self.children.append(fork(_check_when_asked, [c for _, c in self.children]))

    def check(self, attachments: list[Attachment], require_tagged: bool = False
              ) -> tuple[list[Problem], list[Problem]]:
        """Problems and warnings, in the order of ``attachments``."""
        if not attachments:
            return [], []  # and pypdf need not load
        if not self.children:
            from packgen.pdf.sources import check_pdfs

            return check_pdfs(attachments, require_tagged)
        size = -(-len(attachments) // len(self.children))
        shares = [attachments[i * size:(i + 1) * size] for i in range(len(self.children))]
        for (_, connection), share in zip(self.children, shares, strict=True):
            connection.send((share, require_tagged))
        problems: list[Problem] = []
        warnings: list[Problem] = []
        for (_, connection), share in zip(self.children, shares, strict=True):
            try:
                found, said = connection.recv()
            except (EOFError, OSError):  # it failed: check its share here, where that shows
                from packgen.pdf.sources import check_pdfs

                found, said = check_pdfs(share, require_tagged)
            problems += found
            warnings += said
        return problems, warnings

    def close(self) -> None:
        for pid, connection in self.children:
            stop(pid, connection)
        self.children = []


def _check_when_asked(connection: Connection) -> None:
    from packgen.pdf.sources import check_pdfs  # now, while the other process reads the YAML

    try:
        share = connection.recv()
    except EOFError:
        return
    if share is not None:
        attachments, require_tagged = share
        connection.send(check_pdfs(attachments, require_tagged))


def every_pdf(meeting: Meeting) -> list[Attachment]:
    """Every PDF the meeting's packs could hold, exempt and late ones included, each once."""
    supplements = {item.supplement_of(a) for item in meeting.items for a in item.attachments}
    found = pdf_attachments(meeting, [Pack(True, s) for s in supplements | {None}])
    # A document that could not be read (its problems said) is still no PDF.
    return [a for a in found if a.file.suffix.lower() == ".pdf"]


def _style_problems(meeting: Meeting, templates: Path | None) -> list[Problem]:
    """Every problem with the officer's ``style.yaml``, read as a build reads it."""
    folders = meeting.template_dirs(templates)
    if not any((folder / "style.yaml").is_file() for folder in folders):
        return []
    from packgen.theme import load_stylesheet  # Jinja with it: only when there is one

    try:
        load_stylesheet(meeting.style, folders, meeting.root)
    except ValidationError as exc:
        return list(exc.problems)
    return []


def _template_problems(meeting: Meeting, templates: Path | None, trusted: bool
                       ) -> list[Problem]:
    """Every problem with the officer's templates, as a build would find them."""
    try:
        _check_templates(meeting, templates, trusted)
    except TemplateError as exc:
        return list(exc.problems)
    return []


def _check_templates(meeting: Meeting, templates: Path | None, trusted: bool) -> None:
    """Compile every template of the officer's that a build could load; raise
    :class:`TemplateError` with the problems of all of them.

    The theme's templates only name each other, so an officer's template is reached
    when it has a theme template's name, or when another of theirs names it.
    """
    own = {path.relative_to(folder).as_posix()
           for folder in meeting.template_dirs(templates) if folder.is_dir()
           for path in folder.rglob("*.html")}
    if not own:
        return
    from jinja2 import meta

    from packgen.builtin import theme_dir
    from packgen.render import environment_for

    env = environment_for(meeting, templates, trusted)  # the sandbox a build renders in
    theme = {path.relative_to(theme_dir()).as_posix() for path in theme_dir().rglob("*.html")}
    queue = deque(sorted(own & (theme | set(TEMPLATES))))
    seen = set(queue)
    problems: list[Problem] = []
    while queue:
        name = queue.popleft()
        found = _compile(env, name)
        problems += found
        if name not in own or found:  # a template that does not load names nothing more
            continue
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        for referenced in meta.find_referenced_templates(env.parse(source)):
            if referenced is not None and referenced not in seen \
                    and not referenced.startswith("!theme/"):
                seen.add(referenced)
                queue.append(referenced)
    if problems:
        raise TemplateError(problems)


def _compile(env: jinja2.Environment, name: str) -> list[Problem]:
    """The problems of loading one template: none, or those that stop it loading."""
    import jinja2

    try:
        env.get_template(name)
    except TemplateError as exc:  # outside the subset, or a link out of the repository
        return list(exc.problems)
    except jinja2.TemplateSyntaxError as exc:
        where = Position(Path(exc.filename or name), exc.lineno or 1, 1)
        return [Problem(where, f"template syntax: {exc.message}")]
    except jinja2.TemplateNotFound as exc:
        return [Problem(Position(Path(name)), f'no template named "{exc.name}"')]
    return []
