"""``packgen init``: a small working meeting folder, with schemas for editors beside it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from packgen.editor_schema import KINDS, json_schema
from packgen.errors import OutputError, Position, Problem


def _starter_files() -> dict[str, bytes]:
    root = resources.files(__name__)
    files: dict[str, bytes] = {}
    for rel in ("packgen.yaml", "first-meeting/meeting.yaml",
                "first-meeting/local-plan-report.yaml", "first-meeting/minutes-2026-07-15.yaml",
                "first-meeting/appeals.md"):
        files[rel] = root.joinpath(rel).read_bytes()
    for kind in KINDS:
        text = json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
        files[f"schemas/{kind}.schema.json"] = text.encode()
    return files


def write_starter(folder: Path) -> list[Path]:
    """Write the starter files into ``folder``; refuse, writing nothing, if any exists."""
    files = _starter_files()
    existing = [folder / rel for rel in files if (folder / rel).exists()]
    if existing:
        raise OutputError([Problem(Position(path), "already exists; packgen init never "
                                                   "overwrites a file") for path in existing])
    written = []
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
