"""The pipeline: the only module that knows the order of the stages.

load and validate -> start typesetting (see :mod:`packgen.typesetting`) -> open
attachments -> render our documents -> lay out each pack the requested one depends
on (the main public pack owns the page numbers) with its front sheet typeset to a
fixed point -> assemble -> number -> describe -> write (:mod:`packgen.produce`).
Nothing is written until every stage has succeeded, and then atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packgen import schema
from packgen.errors import OutputError, Position, Problem, ValidationError, display_path
from packgen.forking import can_fork
from packgen.layout import PUBLIC, Pack, agenda_items
from packgen.model import Meeting, Report
from packgen.typesetting import ForkedTypesetting, Typesetting


@dataclass(frozen=True)
class BuildResult:
    meeting: Meeting
    output: Path
    pages: int
    warnings: tuple[Problem, ...] = ()
    """What was repaired or is worth a look; the pack was written all the same."""


def default_output(meeting_file: Path, pack: Pack = PUBLIC) -> Path:
    """``build/<meeting folder>.pdf`` for a ``meeting.yaml``, else ``build/<stem>.pdf``;
    ``-private`` and ``-supplement-N`` mark the other packs."""
    name = meeting_file.absolute().parent.name if meeting_file.stem == "meeting" \
        else meeting_file.stem
    if pack.supplement is not None:
        name += f"-supplement-{pack.supplement}"
    if pack.private:
        name += "-private"
    return Path("build") / f"{name}.pdf"


def build_pack(meeting_file: Path, output: Path | None = None, templates: Path | None = None,
               *, private: bool = False, supplement: int | None = None, draft: bool = False,
               html: bool = False, progress: Callable[[str], None] | None = None,
               fork: bool = False, trusted_templates: bool = False) -> BuildResult:
    """Build one pack of one meeting (public by default) and write it atomically.

    ``progress`` hears each stage as it starts, for a display on a terminal. With
    ``fork`` (on Linux), our own pages are typeset in a second process while this one
    reads the attachments; the command line does so when it builds a single meeting.
    ``trusted_templates`` renders the officer's templates outside Jinja's sandbox.
    """
    say = progress or (lambda step: None)
    pack = Pack(private, supplement)
    say(f"{meeting_file}: checking")
    meeting = schema.validate(meeting_file)
    if supplement is not None and not agenda_items(meeting, pack):
        raise ValidationError([Problem(meeting.pos, f"nothing in the meeting is marked "
                                                           f"supplement: {supplement}")])
    target = output or default_output(meeting_file, pack)
    refuse_overwriting_inputs(meeting, templates, output_files(target, html))
    typesetting = ForkedTypesetting(meeting, templates, trusted_templates) \
        if fork and can_fork() else Typesetting(meeting, templates, trusted_templates)
    try:
        from packgen.produce import produce  # now: see that module's docstring

        pages, warnings = produce(meeting, meeting_file, typesetting, pack, target, draft, html,
                                  say)
    except BaseException:
        typesetting.close(failed=True)
        raise
    typesetting.close()
    return BuildResult(meeting, target, pages, warnings)


def output_files(target: Path, html: bool) -> list[tuple[Path, str]]:
    """Each file a build writes, with what it is: the pack, and the HTML agenda beside it."""
    return [(target, "pack"), *([(target.with_suffix(".html"), "HTML agenda")] if html else [])]


def input_files(meeting: Meeting, templates: Path | None) -> list[tuple[Path, Position]]:
    """Every file of the officer's that a build of ``meeting`` reads, each with where it is
    named (the file itself, line 1, where no line names it)."""
    def itself(path: Path) -> tuple[Path, Position]:
        return path, Position(path)

    found = [itself(meeting.source)]
    config = schema.find_config(meeting.source)
    found += [itself(config)] if config is not None else []
    attachments = [a for item in meeting.items for a in item.attachments]
    for attachment in attachments:
        if isinstance(attachment.document, Report):
            attachments += attachment.document.appendices
    found += [(a.file, a.pos) for a in attachments]
    style = meeting.style
    found += [itself(p) for p in [*([style.logo] if style.logo else []),
                                  *(file for _, file in style.fonts)]]
    for folder in meeting.template_dirs(templates):
        if folder.is_dir():
            found += [itself(p) for p in sorted(folder.rglob("*")) if p.is_file()]
    return found


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: spelt alike once resolved, or the same file on disk
    (a hard link, a symbolic link, another case on a file system that ignores case)."""
    if one.resolve() == other.resolve():
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist yet
        return False


def refuse_overwriting_inputs(meeting: Meeting, templates: Path | None,
                              outputs: list[tuple[Path, str]]) -> None:
    """Raise :class:`OutputError` if an output would be written over one of the inputs."""
    inputs = input_files(meeting, templates)
    problems = [Problem(position, f'the {what} would be written to "{display_path(path)}", '
                                  "which is this input; choose another -o/--output")
                for path, what in outputs for source, position in inputs
                if same_file(path, source)]
    if problems:
        raise OutputError(problems)
