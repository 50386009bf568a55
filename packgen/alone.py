"""A document built alone: ``packgen build report.yaml``, for an officer to check a report
before it goes on an agenda.

A file is a document when it is Markdown, or YAML whose top mapping says ``kind:`` and
has no ``items:`` (a meeting with a stray ``kind:`` is still a meeting, and its unknown
key is reported). The document becomes a meeting of one item holding it, with the
organisation's ``packgen.yaml`` (house style, duplex, language) and nothing of a
meeting's own, and goes through the same pipeline as a meeting, built as a
:class:`~packgen.layout.Pack` with ``alone``: no front sheet, no "Agenda Item" stamp,
pages numbered from 1 (see :func:`packgen.layout.plan_alone`).

A report takes ``report_to`` and ``date`` from its meeting; alone there is none, so each
one missing is a warning: ``report_to`` is left blank on the cover, and the cover's date
is :data:`NO_DATE` (or the day of ``SOURCE_DATE_EPOCH``), plainly not a meeting's.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from packgen import schema
from packgen.attachments import with_defaults
from packgen.documents import (
    appendices_named,
    load_document,
    read_mapping,
)
from packgen.errors import Position, Problem, ValidationError
from packgen.messages import choose_language, languages, load_messages
from packgen.model import Attachment, Item, Meeting, Minutes, Report
from packgen.settings import minutes_settings, report_settings, without_own_words
from packgen.settings_model import PageNumbering
from packgen.shapes import INVALID, Context
from packgen.source import Map, Scalar, load_yaml

NO_DATE = datetime.date(1980, 1, 1)
"""The date of a document built alone that has none of its own: the earliest date a ZIP
archive can hold, as reproducible builds use, and obviously not a meeting's."""

_CONFIG_KEYS = ("organisation", "notices", "duplex", "language", "style", "date_format",
                "phone_label")
"""What ``packgen.yaml`` gives a document built alone; the rest is about agendas."""


def is_document(path: Path) -> bool:
    """Whether ``path`` names a document (Markdown, or YAML with ``kind:`` and no
    ``items:``) rather than a meeting. A file that does not read as YAML is left to be
    reported as the meeting it may be."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        return True
    if suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        node = load_yaml(path)
    except ValidationError:
        return False
    return isinstance(node, Map) and "kind" in node.items and "items" not in node.items


def usage_problem(files: Sequence[Path], private: bool, supplement: int | None,
                  html: bool) -> str | None:
    """Why options given with a document make no sense, or None: a document built alone
    has no exempt part, no late material and no agenda."""
    wrong = [name for name, given in (("--private", private),
                                      ("--supplement", supplement is not None),
                                      ("--html", html)) if given]
    if not wrong:  # the usual case: no file need be read to know
        return None
    documents = [f for f in files if is_document(f)]
    if not documents:
        return None
    return (f"{' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} for a meeting's pack; "
            f'"{documents[0]}" is a document, built alone: build it without '
            f"{'that option' if len(wrong) == 1 else 'those options'}")


def document_meeting(path: Path, language: str | None = None
                     ) -> tuple[Meeting, tuple[Problem, ...]]:
    """The meeting of one item that holds the document at ``path``, and the warnings about
    what only a meeting could have filled in; raise :class:`ValidationError` with every
    problem in the document, its appendices and ``packgen.yaml``. ``language``
    (``--language``) overrides ``packgen.yaml``'s."""
    root, config_file = _root(path)
    problems: list[Problem] = []
    config: Any = {}
    node = read_mapping(config_file, problems) if config_file is not None else None
    said = node.items.get("language") if node is not None else None
    files = [said.text if isinstance(said, Scalar) else None]
    own = choose_language(None, files, root, [], Position(path))
    language = choose_language(language, files, root, problems, Position(path))
    if node is not None and config_file is not None:
        ctx = Context(config_file.parent, root, language=language, languages=languages(root))
        config = schema.CONFIG.check(node, ctx, "")
        problems += ctx.problems
    words = load_messages(language, root, problems)
    document = load_document(path, root, problems)
    readable = document is not INVALID
    if not readable:
        # Its appendices are read all the same, so that their problems, and their PDFs'
        # (see packgen.check), are said in this run too. The stand-in is never built.
        document = Report(Position(path, 1, 1), "", appendices=appendices_named(path, root))
    settings = {"phone_label": words.word("phone_label"),
                "date_format": words.word("date_format"),
                **_in(language, own, config if config is not INVALID else {}, node),
                "language": language}
    pos = Position(path, 1, 1)
    meeting = Meeting(
        pos=pos, source=path, root=root, organisation=settings.get("organisation", ""),
        body="", date=_own_date(document) or _no_date(), time=datetime.time(0, 0), venue="",
        items=(), page_numbers=PageNumbering(**settings.get("page_numbers", {})),
        report=report_settings({"background_papers_statement":
                                words.word("background_papers_statement"),
                                **settings.get("report", {})}, {}), words=words,
        minutes=minutes_settings(settings.get("minutes", {}), {}),
        **{key: settings[key] for key in _CONFIG_KEYS[1:] if key in settings})
    notes = tuple(_unset(document)) if readable else ()
    # Appendices are read and given their defaults as a meeting's would be; the document's
    # own defaults come from no meeting (see the module's docstring).
    document = with_defaults(document, meeting, problems)
    attachment = Attachment(pos=pos, file=path, document=document)
    item = Item(pos=pos, title=getattr(document, "title", "") or path.stem, number="1",
                attachments=(attachment,))
    meeting = replace(meeting, items=(item,))
    if problems or not readable or config is INVALID:
        raise schema.IncompleteMeeting(problems, meeting)
    return meeting, notes


def _root(path: Path) -> tuple[Path, Path | None]:
    """The repository root and ``packgen.yaml``, as :func:`packgen.schema.validate` finds
    them for a meeting in the document's folder."""
    config_file = schema.find_config(path)
    if config_file is None:
        return path.parent, None
    # Keep the user's spelling of paths: relative where they named the file relatively.
    depth = len(path.absolute().parent.relative_to(config_file.parent).parts)
    root = Path(os.path.normpath(path.parent.joinpath(*[".."] * depth)))
    return root, root / schema.CONFIG_NAME


def _own_date(document: object) -> datetime.date | None:
    if isinstance(document, Report | Minutes):
        return document.date
    return None


def _no_date() -> datetime.date:
    """:data:`NO_DATE`, or the day of ``SOURCE_DATE_EPOCH`` when a build gives one."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():  # a bad value is refused by the build, in one line
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return NO_DATE
    return NO_DATE


def _unset(document: object) -> list[Problem]:
    """A warning for each value a meeting would have given the document."""
    alone = "there is no meeting to take it from when the document is built alone"
    if isinstance(document, Report):
        return [Problem(document.pos, f"{key}: not given, and {alone}; {effect}", "warning")
                for key, given, effect in (
                    ("report_to", document.report_to,
                     'the cover\'s "Report to" row is left blank'),
                    ("date", document.date,
                     f"the cover's date reads {_no_date().day} {_no_date():%B %Y}"))
                if not given]
    if isinstance(document, Minutes) and not document.body:
        return [Problem(document.pos, f"body: not given, and {alone}; it is left blank",
                        "warning")]
    return []


def _in(language: str, own: str, config: dict[str, Any], node: Map | None) -> dict[str, Any]:
    """``packgen.yaml``'s settings for a build in ``language``: its words only in its own."""
    return config if language == own else without_own_words(config, node, language)

