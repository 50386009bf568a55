"""Render the pack's own pages through Jinja: the model becomes HTML in the subset.

Jinja problems (syntax, an undefined name, a missing template) become
problems naming the template file and line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import html
import os
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from packgen.attendance import apologies, grouped
from packgen.errors import PackgenError, Position, Problem, TemplateError
from packgen.jurisdiction import Jurisdiction, england
from packgen.layout import PUBLIC, Pack
from packgen.messages import Messages, Words, english
from packgen.model import (
    Block,
    Document,
    Item,
    Meeting,
    Minutes,
    Report,
    RichText,
    find_section,
)
from packgen.numbering import number_body, number_sections
from packgen.resolved_labels import labelled_list, own_labels
from packgen.settings import cover_rows, format_date, minutes_date
from packgen.settings_model import DATE_FORMAT, MINUTES_LABELS, REPORT_LABELS
from packgen.withheld import agenda_wording


@dataclass(frozen=True)
class AgendaRow:
    """One line of the agenda table as the templates see it."""

    item: Item
    ranges: tuple[tuple[str, str], ...] = ()
    """Printed first and last page of the item's documents in this pack: one range for
    its public pages, and in the private pack one for its exempt pages."""
    link_page: int | None = None
    """1-based position of its first page in the file, for ``#page=N`` links."""
    private: bool = False
    supplement: int | None = None
    """The supplementary pack the agenda belongs to; None for the main pack."""
    law: Jurisdiction = field(default_factory=england)
    """The meeting's jurisdiction, whose words the exempt wording quotes."""
    words: Messages = field(default_factory=english)
    """The catalogue the row's fixed words come from."""

    @property
    def pages(self) -> str:
        """"Pages 17 - 20", "Page 31", or "Pages 11 - 14, E1 - E2" in the private pack
        (in the catalogue's words: "Tudalennau 17 - 20")."""
        parts = [first if first == last else f"{first} - {last}" for first, last in self.ranges]
        if not parts:
            return ""
        single = len(parts) == 1 and self.ranges[0][0] == self.ranges[0][1]
        return self.words.fill("page_one" if single else "pages_range", pages=", ".join(parts))

    @property
    def exempt_wording(self) -> str:
        """The statutory wording for an item, or part of one, kept out of the public pack."""
        why = self.item.withheld_in(self.supplement)
        if why is None:
            return ""
        wording = agenda_wording(self.law, why, self.item.withholding())
        if self.private:
            # Why it is exempt can itself be confidential: the private pack alone says.
            reasons = [self.item.reason] + [a.reason for a in self.item.in_pack(self.supplement)]
            wording += "".join(f" {r}" for r in reasons if r)
        return wording


def long_date(value: datetime.date, fmt: str = DATE_FORMAT, words: Messages | None = None
              ) -> str:
    """"Wednesday, 8 July 2026", or as the meeting's ``date_format`` says, in the names of
    its language."""
    return format_date(value, fmt, words)


def clock(value: datetime.time, words: Messages | None = None) -> str:
    """"4.00 pm", "12.30 pm", "10.00 am": how councils print times ("4.00 yp" in Welsh)."""
    words = words or english()
    hour = value.hour % 12 or 12
    return words.fill("clock", hour=hour, minute=f"{value.minute:02d}",
                      half=words.word("am" if value.hour < 12 else "pm"))


FILTERS: dict[str, Callable[..., Any]] = {"long_date": long_date, "clock": clock,
                                          "minutes_date": minutes_date}


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> tuple[str, Path]:
    """Render one template; return the HTML and the template's file for later problems."""
    try:
        template = env.get_template(name)
        return template.render(**context), Path(template.filename or name)
    except PackgenError:
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Problem(Position(Path(name)), f'no template named "{exc.name}"')]
                            ) from None
    except jinja2.TemplateSyntaxError as exc:
        where = Position(Path(exc.filename or name), exc.lineno or 1, 1)
        raise TemplateError([Problem(where, f"template syntax: {exc.message}")]) from None
    except SecurityError as exc:
        what = str(exc).rstrip(".")
        raise TemplateError([Problem(_template_frame(exc, name), f"template not allowed: {what} "
                                     "(templates run sandboxed; see --trusted-templates)")]
                            ) from None
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is the template's
        said = "it ran out of memory" if isinstance(exc, MemoryError) else str(exc) or \
            type(exc).__name__
        raise TemplateError([Problem(_template_frame(exc, name), f"template failed: {said}")]
                            ) from None


def _template_frame(exc: BaseException, name: str) -> Position:
    """The innermost template line in a Jinja traceback (Jinja rewrites frames to templates)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.endswith((".html", ".jinja", ".j2"))]
    if not frames:
        return Position(Path(name))
    frame = frames[-1]
    return Position(Path(frame.filename), frame.lineno or 1, 1)


Located = tuple[str, Position, str]
"""Text from the YAML, where it is written, and what it is in an officer's words."""


def located(context: Mapping[str, Any]) -> list[Located]:
    """The YAML text a template's context holds, so that text that does not fit on a page
    can be reported where it is written. An entry with no text stands for the whole."""
    found: list[Located] = []
    meeting = context.get("meeting")
    for row in context.get("rows", ()):
        item = row.item
        for key in ("title", "description", "presenter"):
            # Laid-out text is matched, so Markup's tags are left out of what is compared.
            text = getattr(item, key)
            text = text.striptags() if isinstance(text, Markup) else text
            found.append((text, item.pos, f"item {item.number}'s {key}"))
    document = context.get("document")
    if isinstance(document, Report | Minutes | Document):
        name = getattr(document, "title", "") or document.pos.file.name
        found += [(getattr(document, "title", ""), document.pos, f'the title of "{name}"'),
                  *_tables(document), ("", document.pos, f'"{name}"')]
    elif isinstance(meeting, Meeting):
        found += [(meeting.venue, meeting.pos, "the venue"),
                  (meeting.summons, meeting.pos, "the summons"), ("", meeting.pos, "the agenda")]
    return [entry for entry in found if entry[0] or entry is found[-1]]


def _tables(value: Any) -> list[Located]:
    """Each Markdown table a document holds, by its text, to name one too wide to print."""
    if isinstance(value, Block):
        # A list or quote is placed at the first table in it (markdown.table_within).
        tables = [value.html] if value.kind == "table" else re.findall(
            r"<table\b.*?</table>", value.html, re.S)
        return [(html.unescape(re.sub(r"<[^>]*>", " ", table)), value.pos, "the table")
                for table in tables] if value.pos else []
    if isinstance(value, tuple):
        return [found for inner in value for found in _tables(inner)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [found for f in dataclasses.fields(value)
                for found in _tables(getattr(value, f.name))]
    return []


def front_sheet_context(meeting: Meeting, rows: Sequence[AgendaRow],
                        pack: Pack = PUBLIC) -> dict[str, Any]:
    logo = meeting.style.logo
    # Images in templates are found from the repository root.
    logo_src = os.path.relpath(logo, meeting.root) if logo else ""
    words = meeting.words
    agenda_title = words.word("agenda")
    if pack.supplement is not None:
        agenda_title = words.fill("supplementary_agenda_n", n=pack.supplement) \
            if pack.supplement > 1 else words.word("supplementary_agenda")
    # Said by screen readers in place of the picture: the house style's words, else the
    # organisation's name ("" is decoration, which readers pass over).
    logo_alt = meeting.style.logo_alt
    if logo_alt is None:
        logo_alt = words.fill("logo_alt", organisation=meeting.organisation)
    return {"meeting": meeting, "rows": rows, "logo": logo_src, "logo_alt": logo_alt,
            "agenda_title": agenda_title,
            "pack_kind": words.word("pack_private" if pack.private else "pack_public"),
            "private": pack.private, "supplement": pack.supplement}


@dataclass(frozen=True)
class Resolution:
    """What follows "RESOLVED": ``lead`` on its line ("that ...", "to ...", "to" before
    several, or empty), then ``blocks`` (a list the one resolution holds), or ``numbered``:
    for each of several, its number ("(1)"), its line and the blocks under it."""

    lead: Markup
    blocks: tuple[Block, ...] = ()
    numbered: tuple[tuple[str, Markup, tuple[Block, ...]], ...] = ()


_LEAD_WORD = re.compile(r"(to|that)\b", re.IGNORECASE)
_LEAD_HTML = re.compile(r"(to|that)\s+", re.IGNORECASE)


def _parts(text: RichText) -> tuple[Markup, tuple[Block, ...]]:
    """A resolution's (or recommendation's) first paragraph and the blocks after it."""
    blocks = text.blocks
    if blocks and blocks[0].kind == "p":
        return Markup(blocks[0].html), blocks[1:]
    return Markup(""), blocks


def _lead_word(head: Markup) -> str:
    found = _LEAD_WORD.match(head.striptags())
    return found[1].lower() if found else ""


def resolution(resolved: Sequence[RichText], catalogue: Messages | None = None
               ) -> Resolution | None:
    """"that" is added only where the officer did not start with "that" or "to"; several
    share the lead word when they all start alike ("to (1) note ...", never "to (1) to
    note"), "to" when none has one, and otherwise each keeps its own, "that" where it has
    none. Entries that carry their own label ("(1) that ...") print as written: no number
    and no lead word added, and a resolution that is its own labelled list gets no "that".
    The words added are the catalogue's (``resolution_that``, ``resolution_to``): Welsh adds
    none ("PENDERFYNWYD cymeradwyo ...")."""
    that = (catalogue or english()).word("resolution_that")
    to = (catalogue or english()).word("resolution_to")
    if not resolved:
        return None
    parts = [_parts(text) for text in resolved]
    words = [_lead_word(head) for head, _ in parts]
    own = own_labels(parts)
    if len(parts) == 1 and own[0] is None:
        (head, blocks), word = parts[0], words[0]
        if word or (not head and blocks and labelled_list(blocks[0])):
            return Resolution(head, blocks)
        return Resolution(Markup(" ").join(x for x in (that, head) if x), blocks)
    common = ""
    if not any(own) and len(set(words)) == 1 and (
            not words[0] or all(_LEAD_HTML.match(h) for h, _ in parts)):
        common = words[0] or to
        if words[0]:
            parts = [(Markup(_LEAD_HTML.sub("", head, count=1)), blocks)
                     for head, blocks in parts]
    else:
        parts = [(head if word or not head or not that else Markup(" ").join((that, head)), blocks)
                 for (head, blocks), word in zip(parts, words, strict=True)]
    return Resolution(Markup(common), numbered=tuple(
        labelled or (f"({n})", head, blocks)
        for n, ((head, blocks), labelled) in enumerate(zip(parts, own, strict=True), start=1)))


def document_context(document: Report | Minutes | Document, meeting: Meeting,
                     item: Item) -> dict[str, Any]:
    """What the report, minutes and document templates see."""
    context: dict[str, Any] = {"meeting": meeting, "item": item, "document": document}
    if isinstance(document, Report | Document):
        numbering = document.numbering.over(meeting.style.numbering(document.kind))
        context.update(numbering=numbering, landscape=document.orientation == "landscape")
    if isinstance(document, Report):
        settings = meeting.report
        after = settings.recommendations_after
        follows = find_section(document, after) if after and document.recommendations else None
        counts = {"contacts": len(document.contacts),
                  "recommendations": len(document.recommendations)}
        context.update(
            report=document,
            recommendations=[_parts(text) for text in document.recommendations],
            sections=number_sections(document.sections, numbering, follows),
            cover=cover_rows(settings, document, follows is not None),
            labels={row: settings.label(row, counts.get(row, 1), meeting.words)
                    for row in REPORT_LABELS},
            background_papers_statement=settings.background_papers_statement)
    elif isinstance(document, Document):
        context.update(sections=number_body(document.body.blocks, numbering))
    elif isinstance(document, Minutes):
        context.update(
            minutes=document,
            labels={key: meeting.minutes.label(key, meeting.words) for key in MINUTES_LABELS},
            apologies=apologies(document), attendance_groups=grouped(document.attendance),
            numbered=[(document.minute_number(i), m, resolution(m.resolved, meeting.words))
                      for i, m in enumerate(document.minutes)])
    return context


def environment_for(meeting: Meeting, templates: Path | None, trusted: bool = False
                    ) -> jinja2.Environment:
    """The Jinja environment for a meeting: its template folders, then the theme.

    A template's real path must lie inside the repository root, or inside the
    ``--templates`` folder, which whoever runs packgen named (and may be shared by
    several repositories); a link out of either is refused.
    """
    from packgen.theme import environment

    folders = [(d, [meeting.root, d] if d == templates else [meeting.root])
               for d in meeting.template_dirs(templates)]
    env = environment(folders, _filters(meeting.date_format, meeting.words), trusted=trusted)
    # Every template, an officer's too, prints the fixed words of the meeting's language.
    env.globals["words"] = Words(meeting.words)
    return env


def _filters(date_format: str, words: Messages | None) -> dict[str, Callable[..., Any]]:
    # The meeting's date format reaches every template through the filter itself, so a
    # theme or an officer's template writes dates the same way without being told.
    return {**FILTERS, "long_date": partial(long_date, fmt=date_format, words=words),
            "clock": partial(clock, words=words),
            "minutes_date": partial(minutes_date, fmt=date_format, words=words)}


WARMED = ("frontsheet.html", "filler.html", "report.html", "minutes.html")
"""The theme's templates nearly every build renders, the front sheet's first."""


def warm_templates(trusted: bool, busy: Callable[[], bool]) -> None:
    """Compile the theme's templates (:data:`WARMED`) into this process's store of compiled
    templates (:func:`packgen.theme.environment`), until ``busy`` says there is real work.

    For a process with time on its hands: compiling the front sheet takes about 25 ms,
    a report's 35. A meeting's own environment finds them compiled when its templates are
    the theme's: the store is keyed by each file's name and checked against its text, and
    the code is made by an environment of the same kind with filters of the same kinds,
    which is all that Jinja's compiled code depends on. A template that fails here is left
    for the meeting's build to report."""
    from packgen.theme import environment

    env = environment([], _filters(DATE_FORMAT, None), trusted=trusted)
    for name in WARMED:
        if busy():
            return
        with contextlib.suppress(jinja2.TemplateError, PackgenError, OSError):
            env.get_template(name)
