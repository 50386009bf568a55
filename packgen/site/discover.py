"""Where the meetings are, and where on the site each is published.

A meeting is a ``meeting.yaml`` below the root, outside ``build/``, the site's own folder,
hidden folders and ``templates/``. Its place, ``BODY/DATE/``, is read from the YAML's
``body`` and ``date`` before anything is built, so that two meetings of one body on one
day get ``DATE``, ``DATE-2``, ... in the order of their files' paths whether or not either
builds.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import yaml

from packgen.ical import site_label
from packgen.schema import CONFIG_NAME

_SKIPPED = {"build", "templates", "node_modules"}


def find_root(start: Path) -> Path | None:
    """The folder holding ``packgen.yaml``, from ``start`` upward (like ``.git``)."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def meeting_files(root: Path, site: Path) -> list[Path]:
    """Every ``meeting.yaml`` below ``root``, sorted by path (POSIX, relative to root)."""
    away = os.path.realpath(site)
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                               and d not in _SKIPPED
                               and os.path.realpath(os.path.join(folder, d)) != away)
        if "meeting.yaml" in files:
            found.append(Path(folder) / "meeting.yaml")
    return sorted(found, key=lambda f: f.relative_to(root).as_posix())


def page_paths(files: Sequence[Path]) -> dict[Path, str | None]:
    """Each meeting's page relative to the site's root (``planning-committee/2026-07-08/``),
    or None when its YAML does not say its body and date (it will not build either)."""
    taken: dict[str, int] = {}
    paths: dict[Path, str | None] = {}
    for file in files:
        place = _place(file)
        if place is None:
            paths[file] = None
            continue
        taken[place] = taken.get(place, 0) + 1
        suffix = "" if taken[place] == 1 else f"-{taken[place]}"
        paths[file] = f"{place}{suffix}/"
    return paths


def _place(file: Path) -> str | None:
    # A light read: the build validates properly and reports what is wrong.
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    body, date = data.get("body"), data.get("date")
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            return None
    if not isinstance(body, str) or not body.strip() or not isinstance(date, datetime.date):
        return None
    return f"{body_slug(body)}/{date.isoformat()}"


def body_slug(body: str) -> str:
    """The body's folder: "Children's Partnership Board" -> ``childrens-partnership-board``
    (an apostrophe joins, it does not split)."""
    return site_label(body.replace("'", "").replace("\u2019", ""))
