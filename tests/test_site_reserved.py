"""What the third review of `packgen site` found: an address kept for a meeting that failed
must not shelter another meeting's files, and nothing planted in the site's folder (a link
for changes.txt, a stray moved.json) is read as packgen's own."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.site_helpers import run_site
from tests.test_site_ident import meeting, repository

REPORT_TEXT = "Winter pressures"


def _everything(out: Path) -> str:
    """Every file under the site as text, PDFs decompressed, for a canary to be found in."""
    said = []
    for file in sorted(p for p in out.rglob("*") if p.is_file()):
        if file.suffix == ".pdf":
            said.append(subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(file),
                                        "-"], capture_output=True).stdout.decode("latin-1"))
            said.append(subprocess.run(["pdftotext", str(file), "-"], capture_output=True,
                                       text=True).stdout)
        else:
            said.append(file.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(said)


def test_a_failed_new_meeting_does_not_shelter_a_moved_meetings_withheld_report(
        tmp_path: Path) -> None:
    root = repository(tmp_path)
    first = meeting(root, "cabinet/a", title="Priorities")
    (first.parent / "report.md").write_text("# Priorities\n\nCANARY-7731 figures.\n")
    out = tmp_path / "site"
    assert run_site(root, out).returncode == 0
    assert "CANARY-7731" in _everything(out / "cabinet" / "2026-09-01")
    # The meeting moves to 8 September and its report becomes exempt; a new meeting takes
    # 1 September and fails.
    text = first.read_text().replace("date: 2026-09-01", "date: 2026-09-08").replace(
        "    attachments: [report.md]", "    exempt: 3\n    attachments: [report.md]")
    first.write_text(text)
    second = meeting(root, "cabinet/b")
    second.write_text(second.read_text().replace("venue:", "venu:"))
    done = run_site(root, out)
    assert done.returncode == 1
    assert "CANARY-7731" not in _everything(out)
    assert not (out / "cabinet" / "2026-09-01").exists()
    assert (out / "cabinet" / "2026-09-08" / "manifest.json").is_file()


def test_a_deleted_meeting_goes_though_its_replacement_fails(tmp_path: Path) -> None:
    root = repository(tmp_path)
    gone = meeting(root, "cabinet/a")
    out = tmp_path / "site"
    assert run_site(root, out).returncode == 0
    for file in gone.parent.iterdir():
        file.unlink()
    gone.parent.rmdir()
    replacement = meeting(root, "cabinet/b")
    replacement.write_text(replacement.read_text().replace("venue:", "venu:"))
    assert run_site(root, out).returncode == 1
    assert not (out / "cabinet" / "2026-09-01").exists()
    assert not list(out.glob("cabinet/*/manifest.json"))


def test_a_link_planted_for_changes_txt_is_never_read(tmp_path: Path) -> None:
    root = repository(tmp_path)
    file = meeting(root, "cabinet/a")
    out = tmp_path / "site"
    assert run_site(root, out).returncode == 0
    (file.parent / "report.md").write_text("# Winter pressures\n\nThe report, revised.\n")
    assert run_site(root, out).returncode == 0
    folder = out / "cabinet" / "2026-09-01"
    # The site as a packgen before the kept note left it, and a link in changes.txt's place.
    data = json.loads((folder / "manifest.json").read_text())
    data.pop("note")
    (folder / "manifest.json").write_text(json.dumps(data, indent=2))
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-5150 1 Secret Lane\n")
    (folder / "changes.txt").unlink()
    (folder / "changes.txt").symlink_to(secret)
    file.write_text(file.read_text() + "# a comment\n")  # rebuilt, nothing a reader sees
    assert run_site(root, out).returncode == 0
    assert "CANARY-5150" not in (folder / "index.html").read_text()
    assert "CANARY-5150" not in (folder / "manifest.json").read_text()


def test_a_stray_moved_json_is_not_adopted(tmp_path: Path) -> None:
    root = repository(tmp_path)
    meeting(root, "cabinet/a")
    out = tmp_path / "site"
    assert run_site(root, out).returncode == 0
    stray = out / "cabinet" / "2026-08-01"
    stray.mkdir()
    (stray / "minutes.pdf").write_bytes(b"%PDF-1.7 uploaded by hand\n")
    (stray / "moved.json").write_text(json.dumps({"source": "cabinet/a/meeting.yaml",
                                                  "to": "cabinet/2026-09-01/"}))
    assert run_site(root, out).returncode == 0
    assert (stray / "minutes.pdf").read_bytes() == b"%PDF-1.7 uploaded by hand\n"
    assert not (stray / "index.html").exists()
