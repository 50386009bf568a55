"""The pages that list meetings: each body's page, calendar and feed, the index and the
stylesheet, from every meeting's manifest; and a body's folder removed when it has none."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packgen.atom import body_feed, feed_entry
from packgen.ical import calendar_entry, meeting_calendar
from packgen.site.common import (
    CHANGES,
    Json,
    SiteOptions,
    page_common,
)
from packgen.site.keep import note_lines
from packgen.site.moved import (
    MARK,
)
from packgen.site.pages import (
    meeting_row,
    render,
    site_words,
    split_by_date,
)
from packgen.site.style import House, stylesheet
from packgen.site.write import withdraw, write_files


def site_pages(options: SiteOptions, look: House, env: Any,
                published: Mapping[str, Json]) -> list[Path]:
    """The index, each body's page, calendar and feed, the stylesheet and the logo; return
    those written."""
    today = _today()
    bodies: dict[str, list[Json]] = {}
    for page, data in sorted(published.items()):  # each one's url is its page
        bodies.setdefault(page.split("/")[0], []).append(data)
    files: dict[str, bytes] = {"site.css": stylesheet(look.colours)}
    if look.logo is not None:
        files[f"logo{look.logo.suffix.lower()}"] = look.logo.read_bytes()
    names = []
    twice = _shared_names(bodies)
    for slug, manifests in sorted(bodies.items()):
        name = manifests[0]["meeting"]["body"]
        if name in twice:  # two organisations' "Cabinet": say whose each is
            name = f"{name} ({manifests[0]['meeting']['organisation']})"
        names.append({"href": f"{slug}/index.html", "text": name, "name": name})
        upcoming, past = split_by_date(manifests, today)
        files[f"{slug}/index.html"] = render(env, "body.html", {
            **page_common(look, "../"), "body": name,
            "upcoming": [meeting_row(d, "../") for d in upcoming],
            "past": [meeting_row(d, "../") for d in past],
            "calendar": "meetings.ics", "feed": "feed.xml",
            "crumbs": [{"href": "../index.html", "text": site_words(look.language)[
                "site_meetings"]},
                       {"href": "", "text": name}]})
        files[f"{slug}/meetings.ics"] = meeting_calendar(
            [calendar_entry(d, look.name, options.base_url) for d in
             sorted(manifests, key=lambda d: d["meeting"]["url"])], name)
        newest = max(_generated(d) for d in manifests)
        files[f"{slug}/feed.xml"] = body_feed(
            [feed_entry(d, change_note(options.output, d)) for d in manifests],
            title=name, path=f"{slug}/feed.xml",
            site=look.name, author=manifests[0]["meeting"]["organisation"], stamp=newest,
            base_url=options.base_url, page=f"{slug}/", language=look.language)
    upcoming, past = split_by_date(list(published.values()), today)
    files["index.html"] = render(env, "index.html", {
        **page_common(look, ""), "bodies": [{"href": n["href"], "name": n["name"]} for n in
                                         sorted(names, key=lambda n: (n["name"].casefold(),
                                                                      n["href"]))],
        "upcoming": [meeting_row(d, "") for d in upcoming],
        "past": [meeting_row(d, "") for d in past],
        "crumbs": [{"href": "", "text": site_words(look.language)["site_meetings"]}]})
    written = write_files(options.output, files, options.output)
    _remove_bodies_gone(options.output, set(bodies))
    return written


BODY_FILES = {"index.html", "meetings.ics", "feed.xml"}


def _remove_bodies_gone(out: Path, bodies: set[str]) -> None:
    """A body's folder left with no meeting (its meetings gone, or the body renamed into
    another folder): its page, calendar and feed are removed, or they would list what is
    gone; the old pages of meetings that moved stay (``moved.json``)."""
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink()):
        rest = [folder / name for name in sorted({p.name for p in folder.iterdir()}
                                                 - BODY_FILES)]
        if folder.name in bodies or not all((p / MARK).is_file() and not p.is_symlink()
                                            and not (p / "manifest.json").exists()
                                            for p in rest):
            continue
        if rest:
            for name in sorted(BODY_FILES):
                (folder / name).unlink(missing_ok=True)
        else:
            withdraw(folder, out)


def _shared_names(bodies: Mapping[str, list[Json]]) -> set[str]:
    seen = [manifests[0]["meeting"]["body"] for manifests in bodies.values()]
    return {name for name in seen if seen.count(name) > 1}


def change_note(out: Path, data: Json) -> list[str]:
    """The change note the meeting was last published with (none: first published)."""
    if "note" in data:
        return list(data["note"]["lines"]) if data["note"] else []
    return note_lines(out / data["meeting"]["url"] / CHANGES)


def _generated(data: Json) -> datetime.datetime:
    from packgen.ical import generated

    return generated(data)


def _today() -> datetime.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()


