"""A body's published meetings -> an Atom feed (RFC 4287), newest first.

One entry per meeting: its id (from the meeting's file, ``meeting.source``) never changes,
not even when the meeting is rescheduled to another date and page, so a republication
updates the entry a reader already holds (its ``updated`` and title say so, its summary
says what changed) instead of adding a second one. Links are relative to the site's root
and resolved by the feed's ``xml:base``: the ``--base-url`` when the site was given one,
else the way back from the feed to the root (``../``), which a reader resolves against the
feed's own address, so the feed works wherever the site is served from.

Built with ElementTree, never by pasting strings: titles hold ``&`` and ``<``
("Planning & Highways"), and an officer's text cannot end an element early.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from packgen import __version__
from packgen.ical import DAY_MONTH_YEAR, generated, republication, site_label
from packgen.settings import format_date

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LIMIT = 50
"""Entries a feed holds at most: the newest."""
TAG_YEAR = 2026
"""The date in every tag: URI (RFC 4151): fixed, so an id never changes with the build."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all, even escaped: dropped from text."""
_TAG_SAFE = "/:@!$&'()*+,;=-._~"
"""What a tag: URI's specific part holds as it is (RFC 4151's pchar); the rest %-encoded."""


@dataclass(frozen=True)
class FeedEntry:
    """One published (or republished) meeting, as its manifest describes it."""

    body: str
    date: datetime.date
    page: str
    """The meeting page's path relative to the site's root (``planning-committee/2026-07-08/``):
    its link (and its id when it has no ``key``)."""
    updated: datetime.datetime
    """When it was (re)published: the manifest's ``generated``; must carry a time zone."""
    republished: bool = False
    summary: tuple[str, ...] = ()
    """Lines of the entry's summary: the change note when republished; none: no summary."""
    key: str = ""
    """What its id is made from: the meeting's file (``meeting.source``); none: its page."""

    def __post_init__(self) -> None:
        if self.updated.tzinfo is None or self.updated.utcoffset() is None:
            raise ValueError("FeedEntry.updated needs a time zone")

    def title(self) -> str:
        """"Planning Committee, 8 July 2026: agenda published" (or "republished")."""
        when = format_date(self.date, DAY_MONTH_YEAR)
        what = "agenda republished" if self.republished else "agenda published"
        return f"{self.body}, {when}: {what}"


def feed_entry(manifest: Mapping[str, Any], changes: Sequence[str] = ()) -> FeedEntry:
    """The entry of the meeting a ``manifest.json`` describes; ``changes``, the lines of
    its change note, are its summary when it was republished."""
    meeting = manifest["meeting"]
    said = republication(manifest)
    return FeedEntry(body=meeting["body"], date=datetime.date.fromisoformat(meeting["date"]),
                     page=meeting["url"], updated=generated(manifest),
                     republished=said is not None, key=meeting["source"],
                     summary=() if said is None else (said, *changes))


def tag_id(site: str, path: str, base_url: str | None = None) -> str:
    """A permanent id for the thing at ``path`` (relative to the site's root).

    With a base URL its host is the tag's authority (the council owns its domain):
    ``tag:meetings.example.gov.uk,2026:/planning-committee/``; without one,
    ``tag:packgen,2026:riverside-city-council/planning-committee/``. Ids change once
    when a site first gets (or changes) its base URL."""
    path = path.lstrip("/")
    parts = urlsplit(base_url) if base_url else None
    if parts is not None and parts.hostname:
        authority = parts.hostname
        specific = parts.path.rstrip("/") + "/" + path
    else:
        authority, specific = "packgen", f"{site_label(site)}/{path}"
    return f"tag:{authority},{TAG_YEAR}:{quote(specific, safe=_TAG_SAFE)}"


def body_feed(entries: Sequence[FeedEntry], *, title: str, path: str, site: str,
              author: str, stamp: datetime.datetime, base_url: str | None = None,
              page: str | None = None, language: str = "en-GB") -> bytes:
    """The Atom feed, at ``path`` on the site (``planning-committee/feed.xml``), of a body.

    ``title`` is the feed's (the body's name); ``author`` the organisation; ``page`` the
    body's page (relative to the root), linked as the feed's alternate; ``stamp`` the
    feed's ``updated`` when it has no entries (else its newest entry's, so the same
    entries give the same bytes whenever they are written)."""
    newest = sorted(entries, key=lambda e: (_utc(e.updated), e.date, e.page),
                    reverse=True)[:LIMIT]
    # Plain names under a declared default namespace: ElementTree's own default_namespace
    # refuses the plain attribute names (rel, href) every Atom link has.
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: language,
                               XML_BASE: _base(path, base_url)})
    _text(feed, "id", tag_id(site, path, base_url))
    _text(feed, "title", title)
    _text(feed, "updated", _utc(newest[0].updated if newest else stamp))
    _link(feed, path, "self", "application/atom+xml")
    if page is not None:
        _link(feed, page, "alternate", "text/html")
    _text(ET.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", "packgen").set("version", __version__)
    for entry in newest:
        element = ET.SubElement(feed, "entry")
        _text(element, "id", tag_id(site, entry.key or entry.page, base_url))
        _text(element, "title", entry.title())
        _text(element, "updated", _utc(entry.updated))
        _link(element, entry.page, "alternate", "text/html")
        if entry.summary:
            _text(element, "summary", "\n".join(entry.summary))
    ET.indent(feed)
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _base(path: str, base_url: str | None) -> str:
    """What the feed's relative links are resolved against: the site's root."""
    if base_url:
        return base_url if base_url.endswith("/") else base_url + "/"
    depth = len([part for part in path.split("/") if part]) - 1  # the feed's folders
    return "../" * depth or "./"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, name)
    child.text = _NOT_XML.sub("", value)
    return child


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": kind, "href": href})


def _utc(moment: datetime.datetime) -> str:
    """RFC 3339 in UTC, to the second."""
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
