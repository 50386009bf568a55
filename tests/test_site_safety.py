"""The site's folder is the site's alone: what `packgen site` refuses to write through, over
or past, and what it withdraws so that nothing now withheld stays on the web server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.site_helpers import EPOCH, EXAMPLES, run_site

MEETING = "health-scrutiny-committee"
PAGE = "health-scrutiny-committee/2026-07-15"


def one_meeting(tmp: Path) -> Path:
    """A repository of one example meeting: quicker than all of examples/."""
    root = tmp / "repo"
    root.mkdir()
    for name in ("packgen.yaml", "riverside-crest.png"):
        shutil.copy(EXAMPLES / name, root / name)
    shutil.copytree(EXAMPLES / MEETING, root / MEETING)
    return root


def test_a_site_folder_holding_the_root_is_refused_and_nothing_is_removed(
        tmp_path: Path) -> None:
    root = one_meeting(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    done = run_site(root, root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the site's folder holds the meetings' root" in done.stdout + done.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_a_site_folder_holding_a_meeting_is_refused(tmp_path: Path) -> None:
    root = one_meeting(tmp_path)
    out = tmp_path / "public"
    shutil.copytree(root / MEETING, out / "cabinet" / "2026-09-01")
    done = run_site(root, out)
    assert done.returncode == 1 and "a meeting's file inside the site's folder" in \
        done.stdout + done.stderr
    assert (out / "cabinet" / "2026-09-01" / "meeting.yaml").is_file()


def test_a_link_planted_in_the_site_is_never_written_or_cleaned_through(
        tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me")
    (out / MEETING).mkdir(parents=True)
    os.symlink(elsewhere, out / PAGE)
    done = run_site(root, out)
    assert done.returncode == 1 and "a link inside the site's folder" in done.stdout + done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]


def test_a_failed_meeting_whose_item_is_now_exempt_is_withdrawn(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    assert list((out / PAGE / "documents").iterdir())
    meeting = root / MEETING / "meeting.yaml"
    text = meeting.read_text()
    text = text.replace("    attachments: [winter-pressures.md]",
                        "    exempt: 3\n    attachments: [winter-pressures.md]")
    meeting.write_text(text.replace("venue:", "venu:", 1))  # and the build fails
    done = run_site(root, out)
    assert done.returncode == 1
    assert "Winter pressures in urgent and emergency care" in done.stdout + done.stderr
    assert not (out / PAGE).exists()
    assert "2026-07-15" not in (out / "index.html").read_text()


def test_a_failed_meeting_with_nothing_newly_withheld_keeps_its_files(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    kept = sorted(p.relative_to(out) for p in (out / PAGE).rglob("*"))
    meeting = root / MEETING / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("venue:", "venu:", 1))
    assert run_site(root, out).returncode == 1
    assert sorted(p.relative_to(out) for p in (out / PAGE).rglob("*")) == kept


def test_a_file_the_manifest_no_longer_lists_goes_even_when_nothing_changed(
        tmp_path: Path) -> None:
    # A run stopped after the manifest was written but before the clean-up.
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    stale = out / PAGE / "documents" / "99-withheld-report.pdf"
    stale.write_bytes(b"%PDF-1.7 stale")
    done = run_site(root, out)
    assert done.returncode == 0 and "\nunchanged " in "\n" + done.stdout
    assert not stale.exists()


def test_a_meeting_moved_to_another_date_leaves_no_documents_behind(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    meeting = root / MEETING / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("2026-07-15", "2026-07-22", 1))
    assert run_site(root, out).returncode == 0
    # Only the page saying where it went (tests/test_site_ident.py)
    assert sorted(p.name for p in (out / PAGE).iterdir()) == ["index.html", "moved.json"]
    assert (out / MEETING / "2026-07-22" / "manifest.json").is_file()


def test_a_manifest_with_an_impossible_date_is_not_trusted(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    manifest = out / PAGE / "manifest.json"
    data = json.loads(manifest.read_text())
    data["meeting"]["time"] = "99:99"
    manifest.write_text(json.dumps(data))
    done = run_site(root, out)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert json.loads(manifest.read_text())["meeting"]["time"] != "99:99"


def test_manifest_is_never_written_over_an_input_or_the_pack(tmp_path: Path) -> None:
    root = one_meeting(tmp_path)
    report = root / MEETING / "winter-pressures.md"
    before = report.read_bytes()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for target, pack in ((report, tmp_path / "p.pdf"), (tmp_path / "p.pdf", tmp_path / "p.pdf")):
        done = subprocess.run([sys.executable, "-m", "packgen", "build", "-q",
                               str(root / MEETING / "meeting.yaml"), "-o", str(pack),
                               "--manifest", str(target)],
                              capture_output=True, text=True, env=env, cwd=root)
        assert done.returncode == 1, done.stdout
        assert "--manifest" in done.stdout + done.stderr
    assert report.read_bytes() == before
    assert not (tmp_path / "p.pdf").exists()
