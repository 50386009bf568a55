"""Where the meetings are.

A meeting is a ``meeting.yaml`` below the root, outside ``build/``, the site's own folder,
hidden folders and ``templates/``. Where on the site each is published is
:mod:`packgen.site.places`'s to say.
"""

from __future__ import annotations

import os
from pathlib import Path

from packgen.schema import CONFIG_NAME
from packgen.site.places import slug

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


def body_slug(body: str) -> str:
    """The body's folder when nothing else is known of it (:mod:`packgen.site.places`
    gives each body its own): "Children's Partnership Board" ->
    ``childrens-partnership-board``."""
    return slug(body)
