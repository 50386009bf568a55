"""The installed package, not the source tree, builds a pack: the theme ships in the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import EXAMPLE, ROOT


def test_pack_from_an_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    [wheel] = dist.glob("packgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("packgen/templates/frontsheet.html", "packgen/templates/style.yaml",
                    "packgen/templates/fonts/DejaVuSans.ttf", "packgen/py.typed",
                    "packgen/starter/first-meeting/meeting.yaml"):
        assert shipped in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    work = tmp_path / "work"
    shutil.copytree(EXAMPLE.parent.parent, work / "examples")
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import packgen, packgen.theme as t; "
                               "print(packgen.__file__); print(t.theme_dir())"],
        cwd=work, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where
    result = subprocess.run(
        [sys.executable, "-m", "packgen", "build", "examples/childrens-partnership-board/"
                                                   "meeting.yaml", "-o", "pack.pdf"],
        cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(work / "pack.pdf").pages) == 27
