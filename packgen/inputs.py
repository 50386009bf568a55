"""The inputs of a meeting: every file a build of it reads, for ``packgen build --watch``.

Listed from the validated meeting: the meeting file; ``packgen.yaml`` (and where a nearer
one would be found, were it created); every document and appendix it names, exempt ones
too (a public build skips them, but the private pack and the next edit need them); the
house style's logo and fonts, and the fonts a template folder's ``style.yaml`` names;
the council's message catalogues; every file and folder under the template folders (the
meeting's ``templates/`` and ``--templates``); and each image a template names by a
literal ``src``. An edition in another language (``--language cy``) reads the meeting
in its files' own language too, so both are listed.

A path is listed whether or not it is there: a file the meeting names but the officer has
not saved yet is an input whose creation must start a build. Validation drops a missing
file, so the YAML files' text is read as well: every value that looks like a file name
(``report.pdf``, ``minutes.yaml``), in the meeting, ``packgen.yaml`` and the YAML files
they name, is listed (a stray one costs a look twice a second, nothing more). Nothing
here raises for the user's mistakes: a meeting that does not validate lists what could
still be read, and says it is not whole, so that the watcher keeps what it knew before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packgen import schema
from packgen.builtin import theme_dir
from packgen.catalogue import FOLDER as MESSAGES
from packgen.disclosure import documents
from packgen.errors import PackgenError
from packgen.filerefs import inside
from packgen.model import Meeting
from packgen.source import Map, Node, Scalar, load_yaml

FOLDER_LIMIT = 2000
"""Files and folders listed under one template folder at most: ``--templates`` may name a
large folder, and each listed path is looked at twice a second."""

_FILE_NAME = re.compile(r"[^\n:]+\.(?:pdf|ya?ml|md|png|jpe?g|ttf|otf)", re.IGNORECASE)
"""A YAML value that names a file a build may read (no URL: it has a colon)."""

_IMG = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(["'])([^"'{}]+)\1""", re.IGNORECASE)
"""An image a template names literally (one named by a ``{{ value }}`` is data: the logo)."""


@dataclass(frozen=True)
class Inputs:
    """The files a build of one meeting reads, as absolute paths."""

    paths: frozenset[Path]
    whole: bool
    """False when the meeting did not validate: ``paths`` is what could still be listed
    (the meeting file, the config, the template folders, whatever documents were read),
    and the files of the last good listing should be watched as well."""
    hidden: frozenset[Path] = frozenset()
    """What a build writes inside a listed folder (the pack, the rebuild cache), named
    through that folder: its name coming or going is no change to the folder."""


def meeting_inputs(meeting_file: Path, templates: Path | None = None,
                   language: str | None = None, written: Iterable[Path] = ()) -> Inputs:
    """Every file a build of ``meeting_file`` (with these options) reads; nothing at or
    under ``written`` (what the build writes: its pack, its cache folder), compared
    resolved, is one, even inside a template folder."""
    away = [Path(os.path.realpath(path)) for path in written]
    found = set(_always(meeting_file, templates, away))
    whole = True
    for edition in (language, None) if language is not None else (None,):
        meeting, complete = _meeting(meeting_file, edition)
        whole = whole and complete
        if meeting is not None:
            found.update(_files(meeting, templates, away))
    theme, package = theme_dir().absolute(), Path(__file__).parent.absolute()
    paths = {p for p in map(_absolute, found)
             if not inside(p, theme) and not inside(p, package)}
    hidden: set[Path] = set()
    for path in list(paths) if away else ():
        real = Path(os.path.realpath(path))
        if any(inside(real, written_path) for written_path in away):
            paths.discard(path)
        hidden.update(path / w.name for w in away if w.parent == real)
    return Inputs(frozenset(paths), whole, frozenset(hidden))


def _absolute(path: Path) -> Path:
    # Not resolved: a link is watched as the officer named it, and stat follows it.
    return Path(os.path.abspath(path))


def _meeting(meeting_file: Path, language: str | None) -> tuple[Meeting | None, bool]:
    """The meeting, whether it validated, or what of it could be read."""
    from packgen.alone import document_meeting, is_document

    try:
        if is_document(meeting_file):
            return document_meeting(meeting_file, language)[0], True
        return schema.validate(meeting_file, language), True
    except schema.IncompleteMeeting as exc:
        return exc.partial, False
    except PackgenError:
        return None, False


def config_places(meeting_file: Path) -> list[Path]:
    """``packgen.yaml`` in the meeting's folder and each folder above, up to the one there
    is: creating one nearer the meeting changes what the meeting is."""
    folder = meeting_file.absolute().parent
    places = []
    for candidate in (folder, *folder.parents):
        places.append(candidate / schema.CONFIG_NAME)
        if places[-1].is_file():
            break
    return places


def _always(meeting_file: Path, templates: Path | None, away: list[Path]) -> Iterator[Path]:
    """What is watched even while the meeting cannot be read."""
    yield meeting_file
    places = config_places(meeting_file)
    yield from places
    root = places[-1].parent if places[-1].is_file() else meeting_file.absolute().parent
    seen: set[Path] = set()
    for named in (meeting_file, places[-1]):
        yield from _named_in(named, root, seen)
    for folder in [d for d in (templates, meeting_file.parent / "templates") if d is not None]:
        yield from _under(folder, away)


def _files(meeting: Meeting, templates: Path | None, away: list[Path]) -> Iterator[Path]:
    """The files ``meeting`` names, and those its house style and templates name."""
    for attachment, _ in documents(meeting):
        yield attachment.file
    style = meeting.style
    if style.logo is not None:
        yield style.logo
    yield from (file for _, file in style.fonts)
    for folder in meeting.template_dirs(templates):
        # Fonts a style.yaml names lie relative to it (read as text: loading the whole
        # stylesheet would read the theme's too, a tenth of a second).
        yield from _named_in(folder / "style.yaml", folder, set())
    catalogues = meeting.root / MESSAGES
    yield catalogues
    if catalogues.is_dir():
        yield from sorted(catalogues.glob("*.yaml"))
    for folder in meeting.template_dirs(templates):
        for path in _under(folder, away):
            if path.suffix.lower() == ".html" and path.is_file():
                yield from _images(path, meeting.root)


def _named_in(file: Path, root: Path, seen: set[Path]) -> Iterator[Path]:
    """Every file a YAML file names, read from its text rather than its validated meaning,
    and those named by the YAML files it names, within ``root``: a file named but not
    saved yet, or named in a file that is wrong elsewhere, is an input all the same."""
    if file in seen or not inside(file.absolute(), root.absolute()) or not file.is_file():
        return
    seen.add(file)
    try:
        node = load_yaml(file)
    except (PackgenError, OSError):
        return
    for text in _texts(node):
        if _FILE_NAME.fullmatch(text) and not os.path.isabs(text):
            named = Path(os.path.normpath(file.parent / text))
            yield named
            if named.suffix.lower() in (".yaml", ".yml"):
                yield from _named_in(named, root, seen)


def _texts(node: Node) -> Iterator[str]:
    if isinstance(node, Scalar):
        if isinstance(node.value, str):
            yield node.value.strip()
    elif isinstance(node, Map):
        for child in node.items.values():
            yield from _texts(child)
    else:
        for child in node.items:
            yield from _texts(child)


def _images(template: Path, root: Path) -> Iterator[Path]:
    try:
        text = template.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for match in _IMG.finditer(text):
        yield root / match[2]


def is_scratch(name: str) -> bool:
    """An editor's or the system's own file beside the officer's (a swap file, a backup,
    ``.DS_Store``): never read by a build, so never a reason to rebuild."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp"))


def _under(folder: Path, away: list[Path]) -> Iterator[Path]:
    """The folder, and every file and folder below it (to :data:`FOLDER_LIMIT`), except
    below the resolved folders ``away`` (a cache's entries would use up the limit); the
    folder itself even when it is not there yet."""
    yield folder
    count = 0
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not is_scratch(f) and not (
            away and Path(os.path.realpath(os.path.join(parent, f))) in away))
        for name in sorted(files) + folders:
            if is_scratch(name):
                continue
            count += 1
            if count > FOLDER_LIMIT:
                return
            yield Path(parent, name)
