"""An attachment written over while its pack is built.

Its streams are copied from the file as it was read until the pack is written (flat
memory, :mod:`packgen.pdf.mapped`): a file saved over in place in between (``cp`` over it)
would give the new file's bytes at the old one's places. The build says so and writes
nothing; a file replaced by renaming (as editors save) leaves what was read intact.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from packgen import build_pack, produce
from packgen.errors import AttachmentError
from tests.conftest import MeetingFolder, basic_meeting, page_texts


def meeting_with(folder: MeetingFolder) -> Path:
    folder.pdf("plan.pdf", ["PLAN ONE", "PLAN TWO"])
    folder.pdf("other.pdf", ["OTHER ONE", "OTHER TWO", "OTHER THREE"])
    return folder.write(basic_meeting([{"title": "Site plan", "attachments": ["plan.pdf"]}]))


def saving_during_the_write(monkeypatch: pytest.MonkeyPatch, save: Any) -> None:
    real = produce.write_pdf

    def write_then_save(*args: Any) -> None:
        save()  # the officer saves while the pack is being written
        real(*args)

    monkeypatch.setattr(produce, "write_pdf", write_then_save)


def test_a_file_saved_over_in_place_is_a_problem_and_nothing_is_written(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    meeting = meeting_with(folder)
    plan, other = meeting.parent / "plan.pdf", meeting.parent / "other.pdf"
    # Same inode, new bytes: what cp, shutil.copyfile and some network shares do.
    saving_during_the_write(monkeypatch, lambda: shutil.copyfile(other, plan))
    target = tmp_path / "out" / "pack.pdf"
    with pytest.raises(AttachmentError) as raised:
        build_pack(meeting, target)
    [problem] = raised.value.problems
    assert problem.position.file.name == "meeting.yaml" and problem.position.line > 1
    assert '"plan.pdf": the file changed while the pack was being built' in problem.message
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_a_file_replaced_by_renaming_gives_the_pack_of_what_was_read(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    meeting = meeting_with(folder)
    plan, other = meeting.parent / "plan.pdf", meeting.parent / "other.pdf"
    fresh = meeting.parent / "plan.pdf.new"

    def renamed_over() -> None:
        shutil.copyfile(other, fresh)
        os.replace(fresh, plan)

    saving_during_the_write(monkeypatch, renamed_over)
    built = build_pack(meeting, tmp_path / "pack.pdf").output
    text = "".join(page_texts(built))
    assert "PLAN ONE" in text and "PLAN TWO" in text and "OTHER" not in text
