"""The site's pages are accessible: the shape WCAG asks for, and axe-core (WCAG 2.1 A and
AA) finds nothing in headless Chromium.

axe-core comes from npm (``.ci/run`` installs it into ``.ci/node``); under CI=true a missing
axe or Chromium is a failure, elsewhere the axe test is skipped.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site_helpers import copy_examples, read_page, run_site

AXE = Path(__file__).resolve().parent.parent / ".ci/node/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULT = re.compile(r'<pre id="axe-results">(.*?)</pre>', re.DOTALL)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("a11y")
    out = tmp / "public"
    done = run_site(copy_examples(tmp), out)
    assert done.returncode == 0, done.stderr
    return out


def test_every_page_has_language_title_one_h1_landmarks_and_a_skip_link(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        parsed = read_page(page)
        assert parsed.lang, page
        assert parsed.tags.count("title") == 1 and parsed.tags.count("h1") == 1, page
        for landmark in ("header", "nav", "main", "footer"):
            assert parsed.tags.count(landmark) == 1, (page, landmark)
        # After the CSS and the links to the page in its other languages (rel="alternate").
        alternates = page.read_text(encoding="utf-8").count('rel="alternate"')
        assert parsed.links[1 + alternates] == "#main" and "main" in parsed.ids, page
    css = (site / "site.css").read_text()
    assert re.search(r"a:focus[^{]*\{[^}]*outline: 3px solid", css)  # focus is visible


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_axe_finds_no_wcag_2_1_a_or_aa_violation(site: Path) -> None:
    chromium = _chromium()
    if not AXE.is_file() or chromium is None:
        missing = "axe-core (.ci/run: npm install --prefix .ci/node axe-core@4)" \
            if not AXE.is_file() else "chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} is missing")
        pytest.skip(f"{missing} is missing")
    run = (f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}, "
           "resultTypes: ['violations']}).then(function (r) {"
           " var pre = document.createElement('pre'); pre.id = 'axe-results';"
           " pre.textContent = JSON.stringify(r.violations.map(function (v) {"
           "  return {id: v.id, help: v.help, nodes: v.nodes.map(function (n) {"
           "   return n.target; })}; }));"
           " document.body.appendChild(pre); });")
    for page in sorted(site.rglob("index.html")):
        # A copy beside the page, so that its relative stylesheet and logo load.
        copy = page.with_name("axe-check.html")
        text = page.read_text(encoding="utf-8")
        copy.write_text(text.replace("</body>", f'<script src="{AXE.as_uri()}"></script>'
                                                f"<script>{run}</script></body>"),
                        encoding="utf-8")
        dumped = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--allow-file-access-from-files", "--dump-dom",
             "--virtual-time-budget=10000", copy.as_uri()],
            capture_output=True, text=True, timeout=120).stdout
        copy.unlink()
        found = RESULT.search(dumped)
        assert found is not None, f"axe did not run on {page}"
        assert json.loads(html.unescape(found.group(1))) == [], page
