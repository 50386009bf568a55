"""The accessible HTML agenda beside the pack (--html)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from tests.conftest import EXAMPLE


class Outline(HTMLParser):
    """The facts about a page a screen reader user depends on."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.headings: list[str] = []
        self.links: list[str] = []
        self.lists = 0
        self.main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag == "a":
            self.links.append(values.get("href") or "")
        self.lists += tag == "ol"
        self.main = self.main or tag == "main"


def build_with_html(tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "pack.pdf"
    build_pack(EXAMPLE, out, html=True)
    return out, tmp_path / "pack.html"


def test_html_agenda_structure_and_links_agree_with_the_pack(tmp_path: Path) -> None:
    pdf, page = build_with_html(tmp_path)
    text = page.read_text()
    outline = Outline()
    outline.feed(text)
    assert outline.lang == "en-GB" and outline.main and outline.lists == 1
    assert outline.headings[0] == "h1" and outline.headings.count("h1") == 1
    assert outline.headings[1] == "h2" and set(outline.headings[2:]) <= {"h2", "h3"}
    # Each item links to its first page of the pack, the same page the PDF's bookmark opens.
    reader = PdfReader(pdf)
    marks = {e.title.split(".")[0]: reader.get_destination_page_number(e) + 1
             for e in reader.outline if not isinstance(e, list) and e.title[0].isdigit()}
    targets = [int(link.split("#page=")[1]) for link in outline.links if "#page=" in link]
    documented = {number: page for number, page in marks.items() if page > 2}
    assert sorted(targets) == sorted(documented.values())
    assert all(link.startswith("pack.pdf") for link in outline.links if "#page=" in link)
    assert "This item is not for publication by virtue of paragraph 3" in text
    assert "Wednesday, 8 July 2026" in text and "4.00 pm" in text


def test_html_agenda_of_the_public_pack_leaks_nothing(tmp_path: Path) -> None:
    _, page = build_with_html(tmp_path)
    text = page.read_text()
    assert "youth-contract" not in text and "#page=29" not in text  # no exempt page or file
    assert "Private" not in text


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is installed by .ci/run")
def test_html_agenda_in_a_real_browser(tmp_path: Path) -> None:
    """Headless Chromium loads the page, lays it out and takes a screenshot."""
    _, page = build_with_html(tmp_path)
    profile = tmp_path / "profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]
    dom = subprocess.run(["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'lang="en-GB"' in dom.stdout and "PRIORITY FAMILIES" not in dom.stdout  # CSS only
    assert "Priority families programme" in dom.stdout
    shot = tmp_path / "agenda.png"
    subprocess.run(["chromium", *flags, f"--screenshot={shot}", "--window-size=900,1400",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
