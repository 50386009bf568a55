"""Building a site in tests: the command as an officer runs it, on a copy of examples/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EPOCH = "1782900000"
"""1 July 2026, 10:00 UTC: before every example meeting but one, so "upcoming" is fixed."""


def copy_examples(tmp: Path) -> Path:
    root = tmp / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("build", "__pycache__"))
    return root


def run_site(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "packgen", "site", str(root), "-o", str(out),
                           *args], capture_output=True, text=True, env=env, cwd=root)


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``out``: its modification time and bytes."""
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    """Every href and src of a page, and the shape the accessibility checks want."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value is not None:
                self.ids.append(value)
            if tag == "html" and name == "lang":
                self.lang = value


def read_page(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def lengthen(pdf: Path, pages: int) -> None:
    """Make an attachment ``pages`` pages longer (blank ones at its end), as a report that
    grew between two publications."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf))
    for _ in range(pages):
        writer.add_blank_page()
    with open(pdf, "wb") as stream:
        writer.write(stream)
