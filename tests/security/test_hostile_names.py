"""Names and settings chosen to break the output: each is one line at its YAML position.

A file name holding a newline, a NUL or a bidirectional override must not split a
problem over two lines or disguise it; a named pipe must be refused, not opened (it
would block the build); a page size with a stray space, or margins wider than the
page, must be a problem in ``packgen.yaml``, not a traceback from the layout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from packgen import validate
from packgen.errors import ValidationError
from tests.conftest import BuildFn, MeetingFolder, basic_meeting


@pytest.mark.parametrize(("name", "shown"), [
    ("bad\nname.pdf", r"bad\nname.pdf"),
    ("bad\rname.pdf", r"bad\rname.pdf"),
    ("bad\u2028name.pdf", r"bad\u2028name.pdf"),
    ("evil\u202efdp.exe.pdf", r"evil\u202efdp.exe.pdf"),
    ("colour\x1b[31m.pdf", r"colour\x1b[31m.pdf"),
])
def test_a_control_character_in_a_name_stays_on_one_line(run_cli: BuildFn,
                                                          folder: MeetingFolder, name: str,
                                                          shown: str) -> None:
    folder.write(basic_meeting([{"title": "A", "attachments": [name]}]))
    result = run_cli("validate", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'meeting/meeting.yaml:9:5: error: items[0].attachments[0]: no such file "{shown}"',
        "1 problem; nothing was written."]


def test_a_nul_in_a_name_is_a_missing_file_on_one_line(run_cli: BuildFn,
                                                        folder: MeetingFolder) -> None:
    folder.write('organisation: C\nbody: B\ndate: 2026-07-08\ntime: "16:00"\nvenue: V\n'
                 'items:\n  - title: A\n    attachments: ["x\\0y.pdf"]\n')
    result = run_cli("validate", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        'meeting/meeting.yaml:8:19: error: items[0].attachments[0]: no such file "x\\x00y.pdf"',
        "1 problem; nothing was written."]


def test_a_named_pipe_is_refused_not_opened(run_cli: BuildFn, folder: MeetingFolder) -> None:
    os.mkfifo(folder.folder / "pipe.pdf")
    os.mkfifo(folder.folder / "pipe.yaml")
    folder.write(basic_meeting([{"title": "A", "attachments": ["pipe.pdf", "pipe.yaml"]}]))
    for command in ("validate", "build"):
        result = run_cli(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            'meeting/meeting.yaml:9:5: error: items[0].attachments[0]: "pipe.pdf" is a named '
            "pipe, not a file",
            'meeting/meeting.yaml:10:5: error: items[0].attachments[1]: "pipe.yaml" is a named '
            "pipe, not a file",
            "2 problems; nothing was written."]


def test_a_folder_is_not_a_file(folder: MeetingFolder) -> None:
    (folder.folder / "papers.pdf").mkdir()
    path = folder.write(basic_meeting([{"title": "A", "attachments": ["papers.pdf"]}]))
    with pytest.raises(ValidationError) as caught:
        validate(path)
    assert [p.message for p in caught.value.problems] == [
        'items[0].attachments[0]: "papers.pdf" is a folder, not a file']


def test_a_page_size_with_a_stray_space_builds(run_cli: BuildFn, folder: MeetingFolder) -> None:
    folder.write(basic_meeting([{"title": "A"}]), {"style": {"page_size": "A5 "}})
    result = run_cli("build", "meeting/meeting.yaml", "-o", "pack.pdf", cwd=folder.root)
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader
    width = float(PdfReader(folder.root / "pack.pdf").pages[0].mediabox.width)
    assert round(width / 72 * 25.4) == 148  # A5


@pytest.mark.parametrize(("style", "message"), [
    ({"margins_mm": {"left": 100, "right": 100}},
     "style.margins_mm: the margins leave 10 mm of the A4 page's width for text; leave at "
     "least 90 mm"),
    ({"page_size": "A5", "margins_mm": {"top": 50, "bottom": 45}},
     "style.margins_mm: the margins leave 115 mm of the A5 page's height for text; leave at "
     "least 120 mm"),
])
def test_margins_wider_than_the_page_are_a_problem(run_cli: BuildFn, folder: MeetingFolder,
                                                   style: dict[str, object],
                                                   message: str) -> None:
    folder.write(basic_meeting([{"title": "A"}]), {"style": style})
    for command in ("validate", "build"):
        result = run_cli(command, "meeting/meeting.yaml", "-o", "pack.pdf", cwd=folder.root) \
            if command == "build" else run_cli(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        [problem, summary] = result.stderr.splitlines()
        assert problem.startswith("packgen.yaml:") and problem.endswith(f"error: {message}")
        assert not (folder.root / "pack.pdf").exists()


def test_the_narrowest_margins_allowed_still_lay_out(run_cli: BuildFn,
                                                     folder: MeetingFolder) -> None:
    items = [{"title": "A long agenda item title that has to wrap several times in a narrow "
                       "column", "attachments": [folder.pdf("a.pdf", 1)]}]
    folder.write(basic_meeting(items), {"style": {
        "page_size": "A5", "margins_mm": {"left": 29, "right": 29, "top": 45, "bottom": 45}}})
    result = run_cli("build", "meeting/meeting.yaml", "-o", "pack.pdf", cwd=folder.root)
    assert result.returncode == 0, result.stderr
    assert Path(folder.root / "pack.pdf").stat().st_size > 0
