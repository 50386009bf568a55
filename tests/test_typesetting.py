"""Typesetting in a second process must change nothing but the time a build takes."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import TemplateError, ValidationError
from packgen.forking import can_fork
from tests.conftest import EXAMPLE, MeetingFolder, basic_meeting, page_texts

pytestmark = pytest.mark.skipif(not can_fork(), reason="typesetting forks only on Linux")


@pytest.mark.parametrize("options", [
    {}, {"private": True}, {"draft": True, "html": True},
], ids=["public", "private", "draft-html"])
def test_forked_and_in_process_builds_are_byte_identical(tmp_path: Path,
                                                         options: dict[str, object]) -> None:
    local = build_pack(EXAMPLE, tmp_path / "local" / "pack.pdf",
                       **options)  # type: ignore[arg-type]
    forked = build_pack(EXAMPLE, tmp_path / "forked" / "pack.pdf", fork=True,
                        **options)  # type: ignore[arg-type]
    assert local.pages == forked.pages > 0
    for name in ("pack.pdf", "pack.html") if options.get("html") else ("pack.pdf",):
        assert (tmp_path / "local" / name).read_bytes() == \
            (tmp_path / "forked" / name).read_bytes()


def test_a_template_problem_comes_back_from_the_typesetting_process(
        folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "frontsheet.html").write_text(
        "<p>ok</p>\n<p>{{ meeting.no_such_thing }}</p>\n")
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 1)]}]))
    with pytest.raises(TemplateError) as caught:
        build_pack(path, folder.root / "pack.pdf", fork=True)
    [problem] = caught.value.problems
    assert problem.position.file.name == "frontsheet.html" and problem.position.line == 2
    assert "no attribute 'no_such_thing'" in problem.message
    assert not (folder.root / "pack.pdf").exists()


def test_a_broken_house_font_comes_back_too(folder: MeetingFolder) -> None:
    (folder.root / "fonts").mkdir()
    # Its tables are all there and in the file, so only reading one finds the damage
    # (validate checks the table directory, not what the tables hold).
    font = bytearray((theme_dir() / "fonts" / "DejaVuSans.ttf").read_bytes())
    for index in range(struct.unpack(">H", font[4:6])[0]):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * index:28 + 16 * index])
        if tag == b"cmap":
            font[offset:offset + length] = b"\xff" * length
    (folder.root / "fonts" / "broken.ttf").write_bytes(bytes(font))
    style = {"fonts": {"regular": "fonts/broken.ttf"}}
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 1)]}]),
                        config={"style": style})
    with pytest.raises(TemplateError) as forked:
        build_pack(path, folder.root / "pack.pdf", fork=True)
    with pytest.raises(TemplateError) as local:
        build_pack(path, folder.root / "pack.pdf")
    assert forked.value.problems == local.value.problems
    [problem] = local.value.problems
    assert problem.position.file.name == "broken.ttf"
    assert problem.message.startswith("this TrueType font cannot be embedded")


def test_a_document_that_fails_while_typeset_ahead_reports_as_in_process(
        folder: MeetingFolder) -> None:
    # The typesetting process makes documents before they are asked for (prefetch); one
    # that fails there must fail again, the same way, when the build asks for it.
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "document.html").write_text(
        '{% extends "!theme/document.html" %}\n{% block body %}{{ document.no_such_thing }}'
        '{% endblock %}\n')
    (folder.folder / "plan.md").write_text("# Work programme\n\nThe plan.\n")
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 1)]},
                                       {"title": "B", "attachments": ["plan.md"]}]))
    problems = []
    for fork in (True, False):
        with pytest.raises(TemplateError) as caught:
            build_pack(path, folder.root / "pack.pdf", fork=fork)
        problems.append(caught.value.problems)
        assert not (folder.root / "pack.pdf").exists()
    assert problems[0] == problems[1]
    [problem] = problems[0]
    assert problem.position.file.name == "document.html" and problem.position.line == 2
    assert "no attribute 'no_such_thing'" in problem.message


def _children() -> set[int]:
    """This process's child processes, zombies too (one not waited for is left behind)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_a_meeting_that_fails_validation_leaves_no_typesetting_process(
        folder: MeetingFolder) -> None:
    # The typesetting process is forked before validation, to import while it runs.
    path = folder.write(basic_meeting([{"title": "A", "attachments": ["missing.pdf"]}]))
    before = _children()
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf", fork=True)
    assert [p.message for p in caught.value.problems] == \
        [p.message for p in pytest.raises(ValidationError, build_pack, path,
                                          folder.root / "pack.pdf").value.problems]
    assert _children() == before
    assert not (folder.root / "pack.pdf").exists()


@pytest.mark.parametrize("args", [
    ["--private", "--manifest", "m.json"],  # a usage error, before anything is built
    ["-o", "meeting/meeting.yaml"],  # a pack over its own meeting file: a clash
    ["--against", "missing.json"],  # an earlier manifest that cannot be read
], ids=["usage", "clash", "against"])
def test_a_build_refused_by_the_command_line_leaves_no_typesetting_process(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    # The command line forks the typesetting process before its own checks.
    from click.testing import CliRunner

    from packgen.cli import main

    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 1)]}]))
    monkeypatch.chdir(folder.root)
    before = _children()
    result = CliRunner().invoke(main, ["build", str(path.relative_to(folder.root)), *args])
    assert result.exit_code != 0, result.output
    assert _children() == before
    assert not (folder.root / "build").exists()


def test_the_command_line_forks_before_the_schema_is_imported(folder: MeetingFolder) -> None:
    # What the early fork is for: the typesetting process imports ReportLab while this one
    # imports the schema. The child's first import tells which came first.
    path = folder.write(basic_meeting([{"title": "A"}]))
    probe = ("import sys, packgen.early as e\n"
             "real = e.EarlyTypesetting.__init__\n"
             "def init(self, *a):\n"
             "    print('packgen.schema' in sys.modules, flush=True)\n"
             "    real(self, *a)\n"
             "e.EarlyTypesetting.__init__ = init\n"
             "from packgen.cli import main\n"
             "sys.argv = ['packgen', 'build', '-q', sys.argv[1], '-o', sys.argv[2]]\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path), str(folder.root / "p.pdf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]
    assert (folder.root / "p.pdf").is_file()


_AHEAD_PROBE = ("import sys, packgen.early as e\n"
                "real = e.EarlyTypesetting.__init__\n"
                "def init(self):\n"
                "    real(self)\n"
                "    print('click' in sys.modules, self.pid, flush=True)\n"
                "e.EarlyTypesetting.__init__ = init\n"
                "from packgen.launch import main\n"
                "sys.argv = ['packgen', *sys.argv[1:]]\n"
                "main()\n")


def _launched(*args: str, cwd: Path | None = None
              ) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    done = subprocess.run([sys.executable, "-c", _AHEAD_PROBE, *args], capture_output=True,
                          text=True, check=False, timeout=300, cwd=cwd)
    forks = [line.split() for line in done.stdout.splitlines() if line.startswith(("True",
                                                                                 "False"))]
    return done, forks


def _gone(pid: int) -> bool:
    import time

    for _ in range(100):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not can_fork(), reason="the typesetting process is forked on Linux")
def test_the_program_forks_the_typesetting_process_before_the_command_line_loads(
        folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 2)]}]))
    done, forks = _launched("build", "-q", str(path), "-o", str(folder.root / "p.pdf"))
    assert done.returncode == 0, done.stderr
    assert [fork[0] for fork in forks] == ["False"]  # one process, forked before click
    texts = page_texts(folder.root / "p.pdf")
    assert any("a-p1" in text for text in texts) and any("a-p2" in text for text in texts)
    assert _gone(int(forks[0][1]))


@pytest.mark.skipif(not can_fork(), reason="the typesetting process is forked on Linux")
@pytest.mark.parametrize("args", [
    ["--private", "--manifest", "m.json"],  # refused by the command line
    ["--cache", "c", "--no-cache"],  # refused before the process is even asked for
], ids=["usage", "options"])
def test_a_process_forked_ahead_of_a_refused_build_ends_with_it(
        folder: MeetingFolder, args: list[str]) -> None:
    path = folder.write(basic_meeting([{"title": "A"}]))
    done, forks = _launched("build", str(path), *args)
    assert done.returncode == 2, done.stderr
    assert len(forks) == 1
    assert _gone(int(forks[0][1]))


@pytest.mark.skipif(not can_fork(), reason="the typesetting process is forked on Linux")
def test_several_meetings_end_the_process_forked_ahead_and_build(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(basic_meeting([{"title": name}])))
    done, forks = _launched("build", "-q", "one.yaml", "two.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(forks) == 1
    assert _gone(int(forks[0][1]))
    assert all((tmp_path / "build" / f"{name}.pdf").is_file() for name in ("one", "two"))
