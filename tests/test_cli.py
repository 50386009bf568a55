"""The command line as a user and a CI job meet it: output, exit status, nothing half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

from packgen import build_pack
from packgen import produce as build_module
from packgen.errors import PackgenError
from tests.conftest import EXAMPLE, BuildFn, MeetingFolder, basic_meeting, besides_untagged


def test_build_writes_the_default_path(run_cli: BuildFn, tmp_path: Path) -> None:
    result = run_cli("build", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote build/childrens-partnership-board.pdf (27 pages)\n"
    assert (tmp_path / "build" / "childrens-partnership-board.pdf").is_file()
    assert run_cli("build", "-q", str(EXAMPLE)).stdout == ""


def test_validate_ok(run_cli: BuildFn) -> None:
    result = run_cli("validate", str(EXAMPLE))
    assert result.returncode == 0 and result.stdout.endswith(": ok\n")


def test_problems_are_one_line_each_exit_1_nothing_written(run_cli: BuildFn,
                                                           folder: MeetingFolder) -> None:
    folder.write("organisation: X\nbody: B\ndate: tomorrow\ntime: '16:00'\nvenue: V\n"
                 "items:\n  - title: A\n    attachments: [missing.pdf]\n")
    for command in ("build", "validate"):
        result = run_cli(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            'meeting/meeting.yaml:3:7: error: date: expected a date like 2026-07-08, '
            'found "tomorrow"',
            'meeting/meeting.yaml:8:19: error: items[0].attachments[0]: no such file '
            '"missing.pdf"',
            "2 problems; nothing was written.",
        ]
    assert not (folder.root / "build").exists()


def test_usage_errors_exit_2(run_cli: BuildFn) -> None:
    assert run_cli("build").returncode == 2
    assert run_cli("build", "--no-such-option", str(EXAMPLE)).returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_missing_meeting_file(run_cli: BuildFn) -> None:
    result = run_cli("build", "nowhere/meeting.yaml")
    assert result.returncode == 1
    assert result.stderr.startswith("nowhere/meeting.yaml:1:1: error: cannot read file: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"This is a Word document really", "not a PDF file"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "the PDF is damaged or cut short and cannot be "
                                               "read"),
])
def test_bad_pdfs_are_refused(run_cli: BuildFn, folder: MeetingFolder, content: bytes,
                              message: str) -> None:
    (folder.folder / "report.pdf").write_bytes(content)
    folder.write(basic_meeting([{"title": "A", "attachments": ["report.pdf"]}]))
    result = run_cli("build", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("meeting/meeting.yaml:9:5: error: ")
    assert f'"report.pdf": {message}' in first
    assert "Traceback" not in result.stderr


def test_a_failed_build_leaves_the_last_good_pack(folder: MeetingFolder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 1)]}]))
    out = folder.root / "out" / "pack.pdf"
    build_pack(path, out)
    good = out.read_bytes()
    # A damaged attachment is found before anything is written ...
    (folder.folder / "a.pdf").write_bytes(b"%PDF-1.4 truncated")
    with pytest.raises(PackgenError):
        build_pack(path, out)
    assert out.read_bytes() == good
    # ... and a failure in the very last stage, while writing, leaves it too.
    folder.pdf("a.pdf", 3)

    def broken_write(writer: object, stream: BinaryIO, *args: object) -> None:
        stream.write(b"%PDF-1.7\n")  # half a pack, then the disk fills
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(build_module, "write_pdf", broken_write)
    with pytest.raises(PackgenError) as caught:
        build_pack(path, out)
    assert str(caught.value.problems[0]).endswith("error: cannot write the pack: "
                                                  "No space left on device")
    assert out.read_bytes() == good
    assert sorted(p.name for p in out.parent.iterdir()) == ["pack.pdf"]


def test_password_protected_pdf_from_the_corpus(run_cli: BuildFn, folder: MeetingFolder,
                                                corpus: Path) -> None:
    (folder.folder / "locked.pdf").write_bytes(
        (corpus / "samplefiles-libreoffice-writer-password.pdf").read_bytes())
    folder.write(basic_meeting([{"title": "A", "attachments": ["locked.pdf"]}]))
    result = run_cli("build", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        'meeting/meeting.yaml:9:5: error: "locked.pdf": the PDF is protected by a password; '
        "ask its author for an unprotected copy")


def test_several_meetings_in_parallel_one_failing(run_cli: BuildFn, tmp_path: Path) -> None:
    bad = tmp_path / "bad" / "meeting.yaml"
    bad.parent.mkdir()
    bad.write_text("organisation: X\nbody: B\ndate: 2026-01-01\ntime: '10:00'\nvenue: V\n"
                   "items: []\n")
    examples = sorted(str(p) for p in EXAMPLE.parent.parent.glob("*/meeting.yaml"))
    result = run_cli("build", "--jobs", "2", examples[0], str(bad), examples[1])
    assert result.returncode == 1
    wrote = result.stdout.splitlines()
    assert len(wrote) == 2 and all(line.startswith("wrote build/") for line in wrote)
    assert besides_untagged(result.stderr.splitlines()) == [
        f"{bad.relative_to(tmp_path)}:6:8: error: items: the agenda has no items",
        "1 problem; nothing was written."]


def test_github_annotations(run_cli: BuildFn, folder: MeetingFolder) -> None:
    folder.write("organisation: X\nbody: B\ndate: 2026-01-01\ntime: '10:00'\nvenue: V, Hall\n"
                 "items: [{title: A, exempt: 8}]\n")
    result = run_cli("validate", "meeting/meeting.yaml", cwd=folder.root,
                     env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=meeting/meeting.yaml,line=6,col=28::items[0].exempt: no paragraph \"8\" "
        "in England's table of exempt information; valid keys: 1, 2, 3, 4, 5, 6, 7"]


def test_quiet_prints_only_problems_and_no_progress_without_a_terminal(
        run_cli: BuildFn) -> None:
    result = run_cli("build", "-q", str(EXAMPLE))
    # The example's four public PDFs are untagged: a warning each, which -q still prints.
    untagged = result.stderr.splitlines()
    assert result.returncode == 0 and result.stdout == "" and len(untagged) == 4
    assert besides_untagged(untagged) == []
    loud = run_cli("build", str(EXAMPLE))
    assert "\r" not in loud.stderr and loud.stderr.splitlines() == untagged  # no progress


def test_debug_shows_the_traceback(run_cli: BuildFn, folder: MeetingFolder) -> None:
    folder.write("organisation: X\n")
    plain = run_cli("validate", "meeting/meeting.yaml", cwd=folder.root)
    debug = run_cli("validate", "--debug", "meeting/meeting.yaml", cwd=folder.root)
    assert "Traceback" not in plain.stderr and "Traceback" in debug.stderr


@pytest.mark.skipif(not shutil.which("script"), reason="needs script(1) for a terminal")
def test_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    command = f"{sys.executable} -m packgen build {EXAMPLE}"
    result = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "laying out the agenda" in result.stdout and "\x1b[K" in result.stdout
    assert result.stdout.rstrip().endswith("(27 pages)")


@pytest.mark.parametrize("epoch", ["abc", "99999999999999", "-5", "1.5", "١٢٣"])
def test_a_source_date_epoch_no_date_can_be_made_from_is_one_line(run_cli: BuildFn,
                                                                 tmp_path: Path,
                                                                 epoch: str) -> None:
    result = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / "pack.pdf"),
                     env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "SOURCE_DATE_EPOCH:1:1: error: expected a whole number of seconds since 1 January 1970 "
        f"(UTC), at most 253402300799, found {json.dumps(epoch)}",
        "1 problem; nothing was written."]
    assert not (tmp_path / "pack.pdf").exists()
