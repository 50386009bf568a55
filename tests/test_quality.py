"""The code stays typed and tidy: strict mypy and ruff, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout


def test_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "packgen", "tests",
                             "examples", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
