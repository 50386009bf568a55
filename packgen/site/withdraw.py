"""What a meeting that failed to build may no longer keep on the site.

A failed meeting keeps its published files (a typo must not take an agenda off the
website), except where the files it failed to replace hold something now withheld: an
item or a document marked ``exempt:`` or ``confidential:`` in the same change that broke
the build would otherwise stay public until the meeting builds again. The meeting's YAML
is read lightly for the marks; a file too broken to read tells nothing, and its files stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from packgen.errors import PackgenError
from packgen.source import Map, Node, Scalar, Seq, load_yaml

MARKS = ("exempt", "confidential")


def newly_withheld(meeting_file: Path, published: dict[str, Any]) -> list[str]:
    """The titles of what ``published`` (the manifest on the site) shows as public and the
    meeting's file now withholds; [] when nothing is, or the file cannot be read."""
    try:
        root = load_yaml(meeting_file)
    except (PackgenError, OSError, RecursionError):
        return []
    items = root.items.get("items") if isinstance(root, Map) else None
    if not isinstance(items, Seq):
        return []
    withheld_titles: set[str] = set()
    withheld_files: set[str] = set()
    for item in items.items:
        if not isinstance(item, Map):
            continue
        title = _text(item.items.get("title"))
        if _marked(item) and title:
            withheld_titles.add(title)
        attachments = item.items.get("attachments")
        for attachment in attachments.items if isinstance(attachments, Seq) else ():
            if isinstance(attachment, Map) and _marked(attachment):
                name = _text(attachment.items.get("file"))
                if name:
                    withheld_files.add(Path(name).name)
    found = [i["title"] for i in published.get("items", [])
             if i.get("exempt") is None and i["title"] in withheld_titles]
    found += [d["title"] for d in published.get("documents", [])
              if Path(d.get("source", "")).name in withheld_files]
    return found


def _marked(node: Map) -> bool:
    for key in MARKS:
        value = node.items.get(key)
        if value is None:
            continue
        if isinstance(value, Scalar) and value.value in (False, None):
            continue
        return True
    return False


def _text(node: Node | None) -> str:
    return str(node.value).strip() if isinstance(node, Scalar) and node.value is not None \
        else ""
