"""Where a command writes, and what it may never write over.

An output must not land on an input (the meeting, its config, an attachment, a
template, the logo or a font: compared as files, so a hard or symbolic link counts),
nor on another output of the same command: each would destroy work, and a
several-meeting build would say "wrote" twice while one pack was lost. All of it is
checked before anything is built.
"""

from __future__ import annotations

import os
from pathlib import Path

from packgen import schema
from packgen.builtin import theme_dir
from packgen.disclosure import documents
from packgen.errors import OutputError, PackgenError, Position, Problem, display_path
from packgen.filerefs import inside, special_kind
from packgen.layout import PUBLIC, Pack
from packgen.messages import choose_language, known_language, languages
from packgen.model import Meeting
from packgen.source import Map, Scalar, load_yaml


def default_output(meeting_file: Path, pack: Pack = PUBLIC, language: str | None = None
                   ) -> Path:
    """``build/<meeting folder>.pdf`` for a ``meeting.yaml``, else ``build/<stem>.pdf``;
    ``-private`` and ``-supplement-N`` mark the other packs, and ``-LANGUAGE`` an edition
    built with ``--language`` in another language than the files' own (so the Welsh
    edition never lands on the English pack), spelt as its catalogue spells it."""
    name = meeting_file.absolute().parent.name if meeting_file.stem == "meeting" \
        else meeting_file.stem
    if pack.supplement is not None:
        name += f"-supplement-{pack.supplement}"
    if pack.private:
        name += "-private"
    edition = edition_language(meeting_file, language) if language is not None else None
    if edition is not None:
        name += f"-{edition}"
    return Path("build") / f"{name}.pdf"


def edition_language(meeting_file: Path, option: str) -> str | None:
    """The language ``--language`` (``option``) builds, as its catalogue spells it ("CY"
    is cy), or None when it is the files' own: that builds the ordinary pack."""
    config = schema.find_config(meeting_file)
    root = config.parent if config is not None else meeting_file.parent
    known = languages(root)
    name = known_language(option, known)
    if name is None:
        return option.strip()  # refused before anything is written
    own = choose_language(None, [_said_language(meeting_file), _said_language(config)],
                          root, [], Position(meeting_file))
    return None if name == own else name


def _said_language(path: Path | None) -> str | None:
    """A file's ``language:`` as written, if the file reads (its problems are the
    validation's to report)."""
    try:
        node = load_yaml(path) if path is not None and path.is_file() else None
    except PackgenError:
        return None
    said = node.items.get("language") if isinstance(node, Map) else None
    return said.text if isinstance(said, Scalar) and said.value is not None else None


def output_files(target: Path, html: bool) -> list[tuple[Path, str]]:
    """Each file a build writes, with what it is: the pack, and the HTML agenda beside it."""
    return [(target, "pack"), *([(target.with_suffix(".html"), "HTML agenda")] if html else [])]


def input_files(meeting: Meeting) -> list[tuple[Path, Position]]:
    """Every file of the officer's that a build of ``meeting`` reads by name, each with
    where it is named (the file itself, line 1, where no line names it)."""
    def itself(path: Path) -> tuple[Path, Position]:
        return path, Position(path)

    found = [itself(meeting.source)]
    config = schema.find_config(meeting.source)
    found += [itself(config)] if config is not None else []
    found += [(attachment.file, attachment.pos) for attachment, _ in documents(meeting)]
    style = meeting.style
    found += [itself(p) for p in [*([style.logo] if style.logo else []),
                                  *(file for _, file in style.fonts)]]
    return found


def input_folders(meeting: Meeting, templates: Path | None) -> list[Path]:
    """Folders any file of which a build may read: the template folders, the built-in
    theme, and packgen itself. Checked by containment, never listed: ``--templates /usr``
    must not mean reading the names of every file below it."""
    return [*meeting.template_dirs(templates), theme_dir(), Path(__file__).parent]


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
    """Raise :class:`OutputError` if an output would be written over one of the inputs,
    or where no file can be written (a folder, a device, a named pipe, no name at all)."""
    problems = [Problem(Position(meeting.source), f"the {what} {wrong}")
                for path, what in outputs if (wrong := unwritable(path))]
    inputs = input_files(meeting)
    problems += [Problem(position, _over_input(path, what))
                 for path, what in outputs for source, position in inputs
                 if same_file(path, source)]
    folders = [f.resolve() for f in input_folders(meeting, templates) if f.is_dir()]
    problems += [Problem(Position(path), _over_input(path, what)) for path, what in outputs
                 if path.exists() and any(inside(path.resolve(), f) for f in folders)
                 and not any(same_file(path, source) for source, _ in inputs)]
    if problems:
        raise OutputError(problems)


def _over_input(path: Path, what: str) -> str:
    return (f'the {what} would be written to "{display_path(path)}", which is this input; '
            "choose another -o/--output")


def unwritable(path: Path) -> str | None:
    """Why a pack cannot be written at ``path``, or None."""
    if not path.name or path.name in (".", ".."):
        return "needs a file name to be written to; give one with -o NAME.pdf"
    if str(path) == "-":
        return ('would be written to a file named "-"; packgen writes files, not standard '
                "output: give a file name with -o NAME.pdf")
    if path.is_symlink() or path.exists():
        kind = special_kind(path)
        if kind:
            return (f'would be written to "{display_path(path)}", which is {kind}; give a '
                    "file name with -o NAME.pdf")
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                return (f'cannot be written inside "{display_path(parent)}": it is a file, '
                        "not a folder")
            break
    return None


def clashing_outputs(meetings: tuple[Path, ...], output: Path | None, private: bool,
                      supplement: int | None, html: bool, language: str | None = None
                      ) -> list[Problem]:
    """Outputs of the command that are one file: each would destroy another's work.

    (An output that is an input of its own meeting is refused by the build, which knows
    the meeting's files.)
    """
    problems: list[Problem] = []
    seen: list[tuple[Path, str, Path]] = []
    for index, meeting in enumerate(meetings):
        if any(same_file(meeting, earlier) for earlier in meetings[:index]):
            problems.append(Problem(Position(meeting), "this meeting is named twice on the "
                                                       "command line; name it once"))
            continue
        target = output or default_output(meeting, Pack(private, supplement), language)
        for path, what in output_files(target, html):
            for other, other_what, other_meeting in seen:
                if not same_file(path, other):
                    continue
                if other_meeting == meeting:
                    message = (f'the {other_what} and the {what} would both be written to '
                               f'"{display_path(path)}"; name the pack with -o NAME.pdf')
                else:
                    message = (f'the {what} would be written to "{display_path(path)}", as is '
                               f"the {other_what} of {display_path(other_meeting)}; build this "
                               "meeting on its own, with -o")
                problems.append(Problem(Position(meeting), message))
                break
            seen.append((path, what, meeting))
    return problems


def outputs_over_inputs(meetings: tuple[Path, ...], private: bool, supplement: int | None,
                         html: bool, language: str | None = None) -> list[Problem]:
    """One meeting's pack that would land on another meeting's input (last year's pack,
    attached from the build folder): refused before any meeting is built, since the
    meeting that writes it would otherwise build happily. A meeting's own inputs are
    checked by its build; one that does not validate is left to its build to report."""
    # Only a file that is there can be an input: a first build of a repository (the usual
    # case in CI) reads no meeting twice.
    outputs = [(meeting, path, what) for meeting in meetings for path, what in output_files(
        default_output(meeting, Pack(private, supplement), language), html) if path.is_file()]
    if not outputs:
        return []
    problems = []
    for meeting in meetings:
        try:
            inputs = input_files(schema.validate(meeting))
        except PackgenError:
            continue
        problems += [Problem(position, f'the {what} of {display_path(writer)} would be '
                                       f'written to "{display_path(path)}", which is this '
                                       "input; build that meeting with -o, or move the input")
                     for writer, path, what in outputs if writer != meeting
                     for source, position in inputs if same_file(path, source)]
    return problems
