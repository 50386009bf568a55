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
from packgen.messages import Messages, Words, english, load_messages
from packgen.settings import format_date
from packgen.theme import environment

Json = Mapping[str, Any]

KINDS = {"report": "site_report", "minutes": "site_minutes", "document": "site_document",
         "pdf": "site_document"}
"""The catalogue's word for each kind of document."""


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


def long_date(value: str | datetime.date, words: Messages | None = None) -> str:
    """"8 July 2026" ("8 Gorffennaf 2026" with the Welsh ``words``)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return format_date(value, DAY_MONTH_YEAR, words)


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


def pages_text(first: str, last: str, words: Messages | None = None) -> str:
    words = words or english()
    return words.fill("site_page", page=first) if first == last else \
        words.fill("site_pages", first=first, last=last)


def meeting_row(data: Json, root: str) -> dict[str, Any]:
    """A meeting as the index and body pages list it."""
    meeting = data["meeting"]
    return {"href": href(root + meeting["url"]), "body": meeting["body"],
            "date": meeting["date"], "date_text": long_date(meeting["date"]),
            "time": meeting["time"], "venue": meeting["venue"],
            "republished": data.get("republished") is not None,
            "editions": [_edition_row(data, e, root) for e in data.get("editions", [])
                         if e["url"]]}


def _edition_row(data: Json, edition: Json, root: str) -> dict[str, str]:
    """A link to a meeting's page in another language, worded in it: "Cabinet, 1 Medi 2026
    (Cymraeg)"."""
    words = load_messages(edition["language"], None, [])
    return {"href": href(root + edition["url"]), "lang": edition["language"],
            "text": f"{edition['meeting']['body']}, "
                    f"{long_date(data['meeting']['date'], words)} "
                    f"({words.word('site_language')})"}


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
                    words: Messages, edition: Json | None = None) -> dict[str, Any]:
    """What ``site/meeting.html`` is given: the meeting, each pack with its items and each
    item's documents, the change note, every fixed word from ``words`` (the page's
    language's catalogue). ``sizes``: bytes of each file, by its name relative to the
    meeting's page. ``edition``: one of ``data["editions"]``, for its page (in its folder
    of the meeting's page) rather than the main one's."""
    source = edition if edition is not None else data
    folder = edition_folder(data, edition)
    language = edition["language"] if edition is not None else data["meeting"]["language"]
    meeting = {**data["meeting"], **(edition["meeting"] if edition is not None else {}),
               "language": language}
    untranslated = _untranslated(data, edition)
    packs = []
    for n, pack in enumerate(source["packs"]):
        items = []
        for item in (i for i in source["items"] if i["pack"] == n):
            documents = [_document(d, pack, sizes, words, folder, untranslated)
                         for d in source["documents"]
                         if d["pack"] == n and d["item"] == item["number"]]
            items.append({"number": item["number"], "title": item["title"],
                          "exempt": item["exempt"], "documents": documents,
                          "description": item.get("description"),
                          "presenter": item.get("presenter"),
                          "language": item.get("language"),
                          "pages": ", ".join(pages_text(p["first"], p["last"], words)
                                             for p in item["pages"])})
        supplement = pack["supplement"]
        title = words.word("site_pack") if supplement is None else \
            words.fill("site_supplementary_pack", n=supplement)
        pack_size = size(sizes.get(pack["file"], 0))
        packs.append({"title": title, "href": href(_local(pack["file"], folder)),
                      "file": pack["file"], "size": pack_size, "pages": pack["pages"],
                      "items": items, "supplement": supplement,
                      "heading": words.word("site_agenda") if supplement is None else
                      words.fill("site_supplementary_agenda", n=supplement),
                      "whole": words.fill("site_whole_pack", pack=title, size=pack_size,
                                          pages=pack["pages"])})
    said = data.get("republished")
    republication = None if not said else words.fill(
        "site_republished", date=long_date(said["date"], words), reason=said["reason"])
    return {"manifest": data, "meeting": meeting, "packs": packs, "words": Words(words),
            "date_text": long_date(meeting["date"], words),
            "changes": list(changes), "republication": republication}


def meeting_pages(env: jinja2.Environment, data: Json, sizes: Mapping[str, int],
                  changes: Sequence[str], look: SiteLook, root: Path) -> dict[str, bytes]:
    """The meeting's page (``index.html``) and each other edition's, in its folder
    (``cy/index.html``), each in its language and linking to the others. ``root``: the
    repository's, whose ``messages/`` may hold the council's own words."""
    pages: dict[str, bytes] = {}
    for edition in (None, *data.get("editions", [])):
        folder = edition_folder(data, edition)
        language = data["meeting"]["language"] if edition is None else edition["language"]
        words = load_messages(language, root, [])
        up = "../" * (data["meeting"]["url"] + folder).count("/")
        context = {"look": look, "root": up,
                   **meeting_context(data, sizes, changes, words, edition),
                   "calendar": "../" * folder.count("/") + "meeting.ics",
                   "editions": editions(data, edition),
                   "page_lang": None if edition is None else language,
                   # The change note is worded in English (packgen.changes).
                   "changes_lang": None if language.lower().startswith("en") else "en-GB"}
        context["crumbs"] = [
            {"href": up + "index.html", "text": words.word("site_meetings")},
            {"href": "../" * (folder.count("/") + 1) + "index.html",
             "text": context["meeting"]["body"]},
            {"href": "", "text": context["date_text"]}]
        pages[folder + "index.html"] = render(env, "meeting.html", context)
    return pages


def site_words(language: str) -> Words:
    """The fixed words of the pages every edition shares (the index, a body's page), in
    the site's language."""
    return Words(load_messages(language, None, []))


def editions(data: Json, edition: Json | None) -> list[dict[str, str]]:
    """The meeting's page in each other language, for the links between them (``hreflang``,
    ``lang`` on the link): from the main page, each edition's; from an edition's, the
    main one's. Each: href (relative to this page), lang, text (the language's own name for
    itself, as its catalogue has it)."""
    found = []
    if edition is not None:
        up = "../" * edition_folder(data, edition).count("/")
        found.append((up + "index.html", data["meeting"]["language"]))
    else:
        found += [(e["url"][len(data["meeting"]["url"]):] + "index.html", e["language"])
                  for e in data.get("editions", []) if e["url"] and data["meeting"]["url"]]
    return [{"href": href(link), "lang": lang,
             "text": load_messages(lang, None, []).word("site_language")}
            for link, lang in found]


def edition_folder(data: Json, edition: Json | None) -> str:
    """An edition's folder relative to the meeting's page ("cy/"), "" for the main one."""
    if edition is None:
        return ""
    first = edition["packs"][0]["file"]
    return first[:first.rindex("/") + 1] if "/" in first else ""


def _local(file: str, folder: str) -> str:
    return file[len(folder):] if folder and file.startswith(folder) else file


def _untranslated(data: Json, edition: Json | None) -> dict[str, str]:
    """An edition's document titles that are the main edition's, word for word: left in the
    files' language (no ``title_cy``, no Welsh file to take one from), so marked as such."""
    if edition is None or len(edition["documents"]) != len(data["documents"]):
        return {}
    return {theirs["title"]: data["meeting"]["language"] for ours, theirs in
            zip(data["documents"], edition["documents"], strict=True)
            if ours["title"] == theirs["title"]}


def _document(document: Json, pack: Json, sizes: Mapping[str, int], words: Messages,
              folder: str, untranslated: Mapping[str, str]) -> dict[str, Any]:
    pages = pages_text(document["first_page"], document["last_page"], words)
    own = document["file"] if document["file"] in sizes else None
    if own is not None:
        link = href(_local(own, folder))
        about = words.fill("site_pdf", size=size(sizes[own]), pages=pages)
    else:  # not cut into a file of its own: its first page in the pack
        link = href(_local(pack["file"], folder), f"page={document['first_index']}")
        about = words.fill("site_in_pack", pages=pages)
    return {"kind": words.word(KINDS.get(document["kind"], "site_document")),
            "title": document["title"], "title_language": untranslated.get(document["title"]),
            "language": document.get("language"), "href": link, "about": about,
            "appendix": document["appendix_of"] is not None}
