"""Body feeds (packgen/atom.py): well-formed Atom 1.0 with what RFC 4287 requires."""

from __future__ import annotations

import dataclasses
import datetime
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urljoin

import pytest

from packgen.atom import FeedEntry, body_feed, feed_entry, tag_id

UTC = datetime.timezone.utc
NS = {"a": "http://www.w3.org/2005/Atom"}
BASE = "{http://www.w3.org/XML/1998/namespace}base"
SITE = "Riverside City Council"
STAMP = datetime.datetime(2026, 1, 1, tzinfo=UTC)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def published(day: datetime.date, **changes: Any) -> FeedEntry:
    values: dict[str, Any] = {
        "body": "Planning & <Highways> Committee", "date": day,
        "page": f"planning-highways/{day}/",
        "updated": datetime.datetime.combine(day - datetime.timedelta(days=7),
                                             datetime.time(9), UTC)}
    return FeedEntry(**{**values, **changes})


def feed(entries: list[FeedEntry], **options: Any) -> bytes:
    given: dict[str, Any] = {"title": "Planning & <Highways> Committee",
                             "path": "planning-highways/feed.xml", "site": SITE,
                             "author": SITE, "stamp": STAMP, "page": "planning-highways/"}
    return body_feed(entries, **{**given, **options})


def read(data: bytes) -> ET.Element:
    """The feed, checked for what RFC 4287 requires of a feed and of each entry."""
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated"):  # exactly one each (4.1.1)
        assert len(root.findall(f"a:{name}", NS)) == 1, name
    assert root.find("a:author/a:name", NS) is not None  # entries have none of their own
    assert [link.get("rel") for link in root.findall("a:link", NS)].count("self") == 1
    assert RFC3339.fullmatch(root.findtext("a:updated", "", NS))
    for entry in root.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        assert RFC3339.fullmatch(entry.findtext("a:updated", "", NS))
        # No content, so an alternate link is required (4.1.1.1, 4.1.2).
        assert [link.get("rel") for link in entry.findall("a:link", NS)] == ["alternate"]
    return root


def entries_of(root: ET.Element) -> list[ET.Element]:
    return root.findall("a:entry", NS)


def href(entry: ET.Element) -> str:
    link = entry.find("a:link", NS)
    assert link is not None
    return link.get("href", "")


def test_a_feed_is_atom_with_every_required_element() -> None:
    root = read(feed([published(datetime.date(2026, 7, 8))]))
    assert root.findtext("a:title", None, NS) == "Planning & <Highways> Committee"
    assert root.findtext("a:author/a:name", None, NS) == SITE
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    (entry,) = entries_of(root)
    assert entry.findtext("a:title", None, NS) == \
        "Planning & <Highways> Committee, 8 July 2026: agenda published"
    assert entry.findtext("a:updated", None, NS) == "2026-07-01T09:00:00Z"
    assert entry.find("a:summary", NS) is None
    assert root.findtext("a:updated", None, NS) == "2026-07-01T09:00:00Z"


def test_newest_first_and_at_most_fifty() -> None:
    start = datetime.date(2024, 1, 1)
    meetings = [published(start + datetime.timedelta(days=7 * n)) for n in range(60)]
    root = read(feed(meetings[1::2][::-1] + meetings[::2]))  # any order in
    stamps = [entry.findtext("a:updated", "", NS) for entry in entries_of(root)]
    assert len(stamps) == 50
    assert stamps == sorted(stamps, reverse=True)
    expected = sorted(meetings, key=lambda m: m.updated, reverse=True)[:50]
    assert [href(e) for e in entries_of(root)] == [m.page for m in expected]


def test_a_republished_meeting_keeps_its_id_and_says_what_changed() -> None:
    first = published(datetime.date(2026, 7, 8))
    again = dataclasses.replace(
        first, republished=True, body="Planning and Highways Committee",
        updated=datetime.datetime(2026, 7, 3, 16, 30, tzinfo=UTC),
        summary=("Republished on 3 July 2026: a corrected report", "Item 7: pages 17-20 → 17-22",
                 "Items 8-12 moved by 2 pages (now pages 23-61)"))
    (before,) = entries_of(read(feed([first])))
    (after,) = entries_of(read(feed([again])))
    assert before.findtext("a:id", None, NS) == after.findtext("a:id", None, NS)
    assert after.findtext("a:title", None, NS) == \
        "Planning and Highways Committee, 8 July 2026: agenda republished"
    assert after.findtext("a:summary", None, NS) == "\n".join(again.summary)
    assert after.findtext("a:updated", None, NS) == "2026-07-03T16:30:00Z"
    other = entries_of(read(feed([published(datetime.date(2026, 7, 9))])))[0]
    assert other.findtext("a:id", None, NS) != before.findtext("a:id", None, NS)


def test_ids_are_tag_uris() -> None:
    assert tag_id(SITE, "planning-highways/2026-07-08/") == \
        "tag:packgen,2026:riverside-city-council/planning-highways/2026-07-08/"
    assert tag_id(SITE, "planning-highways/", "https://meetings.riverside.example/papers") == \
        "tag:meetings.riverside.example,2026:/papers/planning-highways/"
    root = read(feed([published(datetime.date(2026, 7, 8))]))
    assert root.findtext("a:id", None, NS) == \
        "tag:packgen,2026:riverside-city-council/planning-highways/feed.xml"
    assert entries_of(root)[0].findtext("a:id", None, NS) == \
        tag_id(SITE, "planning-highways/2026-07-08/")


@pytest.mark.parametrize("base_url", [None, "https://meetings.riverside.example/papers/",
                                      "https://meetings.riverside.example/papers"])
def test_relative_links_resolve_to_the_pages(base_url: str | None) -> None:
    # Without a base URL the feed is read where it is served: a sub-folder here.
    served = "https://www.riverside.example/council/meetings/"
    root_url = base_url.rstrip("/") + "/" if base_url else served
    root = read(feed([published(datetime.date(2026, 7, 8))], base_url=base_url))
    base = urljoin(root_url + "planning-highways/feed.xml", root.get(BASE, ""))
    assert base == root_url
    links = {link.get("rel"): urljoin(base, link.get("href", ""))
             for link in root.findall("a:link", NS)}
    assert links == {"self": root_url + "planning-highways/feed.xml",
                     "alternate": root_url + "planning-highways/"}
    (entry,) = entries_of(root)
    assert urljoin(base, href(entry)) == root_url + "planning-highways/2026-07-08/"


def test_officers_text_cannot_break_the_xml() -> None:
    hostile = "Planning & Highways </title><entry> \x00\x0b\ufffe ]]> &amp;"
    data = feed([published(datetime.date(2026, 7, 8), body=hostile, summary=(hostile,))],
                title=hostile, author=hostile)
    root = read(data)
    clean = "Planning & Highways </title><entry>  ]]> &amp;"
    assert root.findtext("a:title", None, NS) == clean
    assert root.findtext("a:author/a:name", None, NS) == clean
    (entry,) = entries_of(root)
    assert entry.findtext("a:summary", None, NS) == clean
    assert entry.findtext("a:title", "", NS).startswith(clean)


def test_same_entries_same_bytes() -> None:
    meetings = [published(datetime.date(2026, month, 8)) for month in range(1, 13)]
    first = feed(meetings)
    assert first == feed(meetings[::-1]) == feed(list(meetings))
    # Nothing from the clock: the feed's updated is its newest entry's.
    assert read(first).findtext("a:updated", None, NS) == "2026-12-01T09:00:00Z"


def test_an_empty_feed_is_still_valid() -> None:
    root = read(feed([]))
    assert entries_of(root) == []
    assert root.findtext("a:updated", None, NS) == "2026-01-01T00:00:00Z"


def test_updated_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        published(datetime.date(2026, 7, 8), updated=datetime.datetime(2026, 7, 1, 9))


MANIFEST: dict[str, Any] = {
    "generated": "2026-07-01T09:00:00Z",
    "meeting": {"organisation": SITE, "body": "Planning & <Highways> Committee",
                "date": "2026-07-08", "time": "18:00", "venue": "Town Hall",
                "url": "planning-highways/2026-07-08/", "source": "planning/july/meeting.yaml"},
    "republished": None}


def test_a_manifest_gives_its_meeting_s_entry() -> None:
    assert feed_entry(MANIFEST, ["ignored: first publication"]) == \
        published(datetime.date(2026, 7, 8), key="planning/july/meeting.yaml")
    again = feed_entry({**MANIFEST, "generated": "2026-07-03T16:30:00Z",
                        "republished": {"date": "2026-07-03", "reason": "A corrected report"}},
                       ["Item 7: pages 17-20 → 17-22"])
    assert again.republished
    assert again.updated == datetime.datetime(2026, 7, 3, 16, 30, tzinfo=UTC)
    assert again.summary == ("Republished on 3 July 2026: A corrected report",
                             "Item 7: pages 17-20 → 17-22")
