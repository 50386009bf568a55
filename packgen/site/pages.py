"""The site's HTML pages, rendered from manifests through ``templates/site/``.

Every page is made from manifests alone (a meeting's new one, or the one published before
when the meeting was not rebuilt), so an unchanged meeting's page and the index agree
whatever was rebuilt. Every link is relative (``root`` is the way up to the site's root),
so the site works from any folder of any web server. Templates are found like the PDF
ones: ``--templates``, then the repository's ``templates/``, then the theme; a page may
``{% extends "!theme/site/meeting.html" %}`` and override one block.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from packgen.errors import Position, Problem, TemplateError
from packgen.ical import DAY_MONTH_YEAR
from packgen.settings import format_date
from packgen.theme import environment

Json = Mapping[str, Any]

KINDS = {"report": "Report", "minutes": "Minutes", "document": "Document", "pdf": "Document"}


@dataclass(frozen=True)
class SiteLook:
    """What every page shares: the site's name, its logo's file name on the site."""

    name: str
    logo: str | None
    logo_alt: str
    language: str = "en-GB"


def site_environment(templates: Path | None, root: Path) -> jinja2.Environment:
    """``--templates``, then the repository's ``templates/``, then the theme's ``site/``."""
    folders = [d for d in (templates, root / "templates") if d is not None]
    env = environment([(d, [d]) for d in folders], {"long_date": long_date})
    return env


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> bytes:
    """The page ``site/NAME`` rendered; a template's mistake is a problem at its line."""
    try:
        text = env.get_template(f"site/{name}").render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([Problem(Position(Path(exc.filename or name), exc.lineno or 1),
                                     exc.message or "template syntax error")]) from None
    except (jinja2.UndefinedError, jinja2.TemplateError) as exc:
        raise TemplateError([Problem(Position(Path(name)), f"site template: {exc}")]) from None
    return text.encode("utf-8")


def long_date(value: str | datetime.date) -> str:
    """"8 July 2026"."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return format_date(value, DAY_MONTH_YEAR)


def size(count: int) -> str:
    """A file's size as a reader wants it: "240 KB", "1.2 MB" (1,000s, like a disk's)."""
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{round(count / 1000)} KB"
    return f"{count / 1_000_000:.1f} MB"


def href(path: str, fragment: str = "") -> str:
    """A relative path as a link: each part percent-encoded (``#``, ``?``, ``%`` and
    spaces too: a file name may hold them), the slashes kept; then ``#fragment``."""
    return quote(path, safe="/") + (f"#{fragment}" if fragment else "")


def pages_text(first: str, last: str) -> str:
    return f"page {first}" if first == last else f"pages {first}-{last}"


def meeting_row(data: Json, root: str) -> dict[str, Any]:
    """A meeting as the index and body pages list it."""
    meeting = data["meeting"]
    return {"href": href(root + meeting["url"]), "body": meeting["body"],
            "date": meeting["date"], "date_text": long_date(meeting["date"]),
            "time": meeting["time"], "venue": meeting["venue"],
            "republished": data.get("republished") is not None}


def split_by_date(manifests: Sequence[Json], today: datetime.date
                  ) -> tuple[list[Json], list[Json]]:
    """Upcoming (today onward, soonest first) and past (newest first) meetings."""
    def when(data: Json) -> tuple[str, str, str]:
        meeting = data["meeting"]
        return meeting["date"], meeting["time"], meeting["url"]

    upcoming = sorted((d for d in manifests if d["meeting"]["date"] >= today.isoformat()),
                      key=when)
    past = sorted((d for d in manifests if d["meeting"]["date"] < today.isoformat()),
                  key=when, reverse=True)
    return upcoming, past


def meeting_context(data: Json, sizes: Mapping[str, int], changes: Sequence[str],
                    republication: str | None) -> dict[str, Any]:
    """What ``site/meeting.html`` is given: the meeting, each pack with its items and each
    item's documents, the change note. ``sizes``: bytes of each file, by its name."""
    packs = []
    for n, pack in enumerate(data["packs"]):
        items = []
        for item in (i for i in data["items"] if i["pack"] == n):
            documents = [_document(d, pack, sizes) for d in data["documents"]
                         if d["pack"] == n and d["item"] == item["number"]]
            items.append({"number": item["number"], "title": item["title"],
                          "exempt": item["exempt"], "documents": documents,
                          "pages": ", ".join(pages_text(p["first"], p["last"])
                                             for p in item["pages"])})
        title = "Agenda pack" if pack["supplement"] is None else \
            f"Supplementary pack {pack['supplement']}"
        packs.append({"title": title, "href": href(pack["file"]), "file": pack["file"],
                      "size": size(sizes.get(pack["file"], 0)), "pages": pack["pages"],
                      "items": items, "supplement": pack["supplement"]})
    return {"manifest": data, "meeting": data["meeting"], "packs": packs,
            "changes": list(changes), "republication": republication}


def _document(document: Json, pack: Json, sizes: Mapping[str, int]) -> dict[str, Any]:
    pages = pages_text(document["first_page"], document["last_page"])
    own = document["file"] if document["file"] in sizes else None
    if own is not None:
        link, about = href(own), f"PDF, {size(sizes[own])}, {pages}"
    else:  # not cut into a file of its own: its first page in the pack
        link = href(pack["file"], f"page={document['first_index']}")
        about = f"in the pack, {pages}"
    return {"kind": KINDS.get(document["kind"], "Document"), "title": document["title"],
            "href": link, "about": about, "appendix": document["appendix_of"] is not None}
