"""The CI example: a well-formed GitHub Actions workflow whose commands work here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from pypdf import PdfReader

from tests.conftest import EXAMPLE

WORKFLOW = EXAMPLE.parent.parent / "ci" / "packs.yml"


def workflow() -> dict[object, object]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def test_workflow_is_well_formed() -> None:
    data = workflow()
    # YAML 1.1 reads the key "on" as true; GitHub reads it as "on".
    triggers = data.get("on", data.get(True))
    assert isinstance(triggers, dict) and {"push", "pull_request"} <= set(triggers)
    assert data["permissions"] == {"contents": "read"}
    jobs = data["jobs"]
    assert isinstance(jobs, dict) and jobs
    for job in jobs.values():
        assert job["runs-on"] and job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert action.count("/") == 1 and version.startswith("v"), step["uses"]
            assert set(step) <= {"name", "uses", "run", "with", "env", "if", "id"}, step


def test_workflow_commands_work_here(tmp_path: Path) -> None:
    """Run the workflow's own commands in a copy of the example repository."""
    repo = tmp_path / "council"
    shutil.copytree(EXAMPLE.parent.parent, repo, ignore=shutil.ignore_patterns("ci", "build"))
    steps = workflow()["jobs"]["packs"]["steps"]  # type: ignore[index]
    runs = [s["run"] for s in steps if "run" in s and "pip install" not in s["run"]]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_ACTIONS": "true"}
    for script in runs:
        result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    packs = sorted(p.name for p in (repo / "build").glob("*.pdf"))
    # examples/parish/ and examples/wales/ each have a packgen.yaml of their own, a folder
    # above their meeting's (parish: full-council/; wales: cabinet/).
    assert packs == ["cabinet.pdf", "childrens-partnership-board.pdf",
                     "communities-scrutiny-committee.pdf", "full-council.pdf",
                     "health-and-wellbeing-board.pdf", "health-scrutiny-committee.pdf"]
    assert len(PdfReader(repo / "build" / "childrens-partnership-board.pdf").pages) == 27
