"""What packgen writes: never over its inputs or another output, private packs for the owner
only, links in the HTML agenda that lead to the pack whatever it is called, and nothing left
behind when a build is stopped or killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import pytest
import yaml

from packgen.errors import display_path
from tests.conftest import ROOT, BuildFn, MeetingFolder, basic_meeting, make_pdf
from tests.test_html_agenda import Outline

SAFETY = 120  # seconds: only so that a broken build fails the test rather than hangs CI


def packgen(*args: str, cwd: Path, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """The command as a user with ``umask`` runs it."""
    return subprocess.run([sys.executable, "-m", "packgen", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=SAFETY,
                          preexec_fn=lambda: os.umask(umask) and None)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def exempt_meeting(folder: MeetingFolder) -> Path:
    return folder.write(basic_meeting([
        {"title": "Open", "attachments": [folder.pdf("open.pdf", 1)]},
        {"title": "Closed", "exempt": 3, "supplement": 1,
         "attachments": [folder.pdf("closed.pdf", 1)]},
    ]))


def write_meeting(folder: Path, **extra: object) -> Path:
    """``folder/meeting.yaml`` with one item and its one-page attachment."""
    folder.mkdir(parents=True)
    make_pdf(folder / "a.pdf", ["a-p1"])
    meeting = folder / "meeting.yaml"
    meeting.write_text(yaml.safe_dump(basic_meeting([{"title": "A", "attachments": ["a.pdf"]}],
                                                    **extra)))
    return meeting


# -- modes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, name", [
    ((), "meeting-private"),
    (("--supplement", "1"), "meeting-supplement-1-private"),
])
def test_private_packs_and_their_html_are_for_the_owner_only(folder: MeetingFolder,
                                                            extra: tuple[str, ...],
                                                            name: str) -> None:
    exempt_meeting(folder)
    result = packgen("build", "--private", "--html", *extra, "meeting/meeting.yaml",
                     cwd=folder.root, umask=0)
    assert result.returncode == 0, result.stderr
    assert mode(folder.root / "build" / f"{name}.pdf") == 0o600
    assert mode(folder.root / "build" / f"{name}.html") == 0o600
    # The public pack is for publishing: readable by others, as the umask allows.
    public = packgen("build", "--html", *extra, "meeting/meeting.yaml", cwd=folder.root)
    assert public.returncode == 0, public.stderr
    assert mode(folder.root / "build" / f"{name.removesuffix('-private')}.pdf") == 0o644
    assert mode(folder.root / "build" / f"{name.removesuffix('-private')}.html") == 0o644


@pytest.mark.parametrize("private, tightened, after", [
    (False, 0o600, 0o600),  # the officer withdrew a public pack from the web server
    (False, 0o640, 0o640),
    (True, 0o640, 0o640),   # shared with a group of members
    (True, 0o644, 0o640),   # a private pack is never left readable by everyone
])
def test_a_rebuild_keeps_the_mode_the_officer_set(folder: MeetingFolder, private: bool,
                                                  tightened: int, after: int) -> None:
    exempt_meeting(folder)
    command = ["build", *(["--private"] if private else []), "-o", "pack.pdf",
               "meeting/meeting.yaml"]
    assert packgen(*command, cwd=folder.root).returncode == 0
    (folder.root / "pack.pdf").chmod(tightened)
    result = packgen(*command, cwd=folder.root, umask=0)
    assert result.returncode == 0, result.stderr
    assert mode(folder.root / "pack.pdf") == after


# -- outputs that would destroy inputs or each other ------------------------------------------

def every_file(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def meeting_with_every_kind_of_input(folder: MeetingFolder) -> None:
    fonts = ROOT / "templates" / "fonts"
    shutil.copy(fonts / "DejaVuSans.ttf", folder.root / "body.ttf")
    shutil.copy(ROOT / "examples" / "riverside-crest.png", folder.root / "logo.png")
    templates = folder.folder / "templates"
    templates.mkdir()
    (templates / "filler.html").write_text((ROOT / "templates" / "filler.html").read_text())
    (folder.folder / "report.md").write_text("# A report\n\nSome words.\n")
    folder.write(basic_meeting([
        {"title": "A", "attachments": [folder.pdf("a.pdf", 1), "report.md"]},
    ]), config={"style": {"logo": "logo.png", "fonts": {"regular": "body.ttf"}}})
    os.link(folder.folder / "a.pdf", folder.root / "hard-link.pdf")
    (folder.root / "symlink.pdf").symlink_to(folder.folder / "a.pdf")


@pytest.mark.parametrize("output, where", [
    ("meeting/a.pdf", "meeting/meeting.yaml:9:5"),
    ("hard-link.pdf", "meeting/meeting.yaml:9:5"),
    ("symlink.pdf", "meeting/meeting.yaml:9:5"),
    ("meeting/report.md", "meeting/meeting.yaml:10:5"),
    ("meeting/meeting.yaml", "meeting/meeting.yaml:1:1"),
    ("packgen.yaml", "packgen.yaml:1:1"),
    ("logo.png", "logo.png:1:1"),
    ("body.ttf", "body.ttf:1:1"),
    ("meeting/templates/filler.html", "meeting/templates/filler.html:1:1"),
    ("meeting/./templates/../a.pdf", "meeting/meeting.yaml:9:5"),
])
def test_an_output_that_is_an_input_is_refused(folder: MeetingFolder, output: str,
                                               where: str) -> None:
    meeting_with_every_kind_of_input(folder)
    before = every_file(folder.root)
    result = packgen("build", "-o", output, "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'{where}: error: the pack would be written to "{os.path.normpath(output)}", which '
        "is this input; choose another -o/--output",
        "1 problem; nothing was written."]
    assert every_file(folder.root) == before


def test_the_html_agenda_over_an_input_is_refused(folder: MeetingFolder) -> None:
    meeting_with_every_kind_of_input(folder)
    before = every_file(folder.root)
    result = packgen("build", "--html", "-o", "meeting/templates/filler.pdf",
                     "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "meeting/templates/filler.html:1:1: error: the HTML agenda would be written to "
        '"meeting/templates/filler.html", which is this input; choose another -o/--output',
        "1 problem; nothing was written."]
    assert every_file(folder.root) == before


def test_the_pack_and_its_html_agenda_cannot_be_one_file(folder: MeetingFolder) -> None:
    exempt_meeting(folder)
    result = packgen("build", "--html", "-o", "agenda.html", "meeting/meeting.yaml",
                     cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'meeting/meeting.yaml:1:1: error: the pack and the HTML agenda would both be written '
        'to "agenda.html"; name the pack with -o NAME.pdf',
        "1 problem; nothing was written."]
    assert not (folder.root / "agenda.html").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_meetings_whose_packs_would_have_one_name(run_cli: BuildFn, tmp_path: Path,
                                                      jobs: str) -> None:
    for committee in ("planning", "licensing"):
        write_meeting(tmp_path / committee / "2026-07-08", body=committee)
    result = run_cli("build", "--html", "-j", jobs, "planning/2026-07-08/meeting.yaml",
                     "licensing/2026-07-08/meeting.yaml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'licensing/2026-07-08/meeting.yaml:1:1: error: the pack would be written to '
        '"build/2026-07-08.pdf", as is the pack of planning/2026-07-08/meeting.yaml; build '
        "this meeting on its own, with -o",
        'licensing/2026-07-08/meeting.yaml:1:1: error: the HTML agenda would be written to '
        '"build/2026-07-08.html", as is the HTML agenda of planning/2026-07-08/meeting.yaml; '
        "build this meeting on its own, with -o",
        "2 problems; nothing was written."]
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_meetings_pack_over_anothers_input_is_refused(run_cli: BuildFn, tmp_path: Path,
                                                          jobs: str) -> None:
    """A repository building every meeting from its root: one meeting attaches last
    year's published pack, which this command would overwrite while it is read."""
    (tmp_path / "packgen.yaml").write_text("organisation: Test Borough Council\n")
    write_meeting(tmp_path / "planning")
    licensing = tmp_path / "licensing"
    licensing.mkdir()
    (tmp_path / "build").mkdir()
    make_pdf(tmp_path / "build" / "planning.pdf", ["last-year"])
    (licensing / "meeting.yaml").write_text(yaml.safe_dump(basic_meeting(
        [{"title": "A", "attachments": ["../build/planning.pdf"]}])))
    before = (tmp_path / "build" / "planning.pdf").read_bytes()
    result = run_cli("build", "-j", jobs, "planning/meeting.yaml", "licensing/meeting.yaml")
    assert result.returncode == 1
    assert 'licensing/meeting.yaml:5:5: error: the pack of planning/meeting.yaml would be ' \
           'written to "build/planning.pdf", which is this input' in result.stderr
    assert (tmp_path / "build" / "planning.pdf").read_bytes() == before, result.stdout


def test_an_html_agenda_with_a_folder_in_its_way_is_refused_before_anything(
        folder: MeetingFolder) -> None:
    exempt_meeting(folder)
    (folder.root / "build" / "meeting.html").mkdir(parents=True)  # in the way
    result = packgen("build", "--html", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'meeting/meeting.yaml:1:1: error: the HTML agenda would be written to '
        '"build/meeting.html", which is a folder; give a file name with -o NAME.pdf',
        "1 problem; nothing was written."]
    assert sorted(p.name for p in (folder.root / "build").iterdir()) == ["meeting.html"]


def test_when_the_html_agenda_cannot_be_written_the_message_says_what_was(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last rename fails (a disk pulled, a folder made in the way meanwhile): the
    pack is in place, and the problem says so rather than "nothing was written"."""
    from packgen import build_pack
    from packgen.errors import PartlyWrittenError

    exempt_meeting(folder)
    replace = os.replace

    def failing(source: object, target: object) -> None:
        if str(target).endswith(".html"):
            raise IsADirectoryError(21, "Is a directory")
        replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    out = folder.root / "build" / "meeting.pdf"
    with pytest.raises(PartlyWrittenError) as caught:
        build_pack(folder.file, out, html=True)
    [problem] = caught.value.problems
    assert problem.message == (f"wrote {display_path(out)}; the HTML agenda was not written: "
                               "Is a directory")
    assert caught.value.written == (out,)
    assert sorted(p.name for p in out.parent.iterdir()) == ["meeting.pdf"]


def _fifo(root: Path) -> str:
    os.mkfifo(root / "fifo.pdf")
    return "fifo.pdf"


def _under_a_file(root: Path) -> str:
    (root / "out").write_text("a file where a folder is wanted")
    return "out/pack.pdf"


@pytest.mark.parametrize("make, said", [
    (lambda root: "", "the pack needs a file name to be written to; give one with -o NAME.pdf"),
    (lambda root: "-", 'the pack would be written to a file named "-"; packgen writes files, '
                       "not standard output: give a file name with -o NAME.pdf"),
    (_fifo, 'the pack would be written to "fifo.pdf", which is a named pipe; give a file '
            "name with -o NAME.pdf"),
    (_under_a_file, 'the pack cannot be written inside "out": it is a file, not a folder'),
])
def test_an_output_where_no_file_can_be_written_is_refused(
        folder: MeetingFolder, make: Callable[[Path], str], said: str) -> None:
    exempt_meeting(folder)
    output = make(folder.root)
    before = every_file(folder.root)
    result = packgen("build", "-o", output, "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [f"meeting/meeting.yaml:1:1: error: {said}",
                                          "1 problem; nothing was written."]
    assert every_file(folder.root) == before


@pytest.mark.parametrize("target, extra", [
    ("templates/report.pdf", ["--html"]),  # the HTML agenda over the theme's report.html
    ("packgen/cli.py", []),  # the pack over packgen's own code
])
def test_the_built_in_theme_and_packgen_itself_are_inputs(folder: MeetingFolder, target: str,
                                                          extra: list[str]) -> None:
    from packgen.builtin import theme_dir

    exempt_meeting(folder)
    path = (theme_dir().parent if target.startswith("templates/") else ROOT) / target
    victim = path.with_suffix(".html") if extra else path
    before = victim.read_bytes()
    result = packgen("build", *extra, "-o", str(path), "meeting/meeting.yaml",
                     cwd=folder.root)
    assert result.returncode == 1
    [line, summary] = result.stderr.splitlines()
    assert line.endswith("which is this input; choose another -o/--output")
    assert victim.read_bytes() == before and not (extra and path.exists())


def test_a_meeting_named_twice_is_refused(folder: MeetingFolder) -> None:
    exempt_meeting(folder)
    result = packgen("build", "meeting/meeting.yaml", "meeting/../meeting/meeting.yaml",
                     cwd=folder.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "meeting/meeting.yaml:1:1: error: this meeting is named twice on the "
        "command line; name it once", "1 problem; nothing was written."]


# -- the link in the HTML agenda --------------------------------------------------------------

HOSTILE_NAMES = ["two words", "item#3", "what?", "100%", "a:b", "javascript:alert(1)",
                 "Café Ω", "%2e%2e", "x&amp;y"]


def test_the_html_agenda_links_to_the_pack_whatever_it_is_called(run_cli: BuildFn,
                                                                  tmp_path: Path) -> None:
    meetings = [write_meeting(tmp_path / "m" / name) for name in HOSTILE_NAMES]
    result = run_cli("build", "--html", *(str(m) for m in meetings))
    assert result.returncode == 0, result.stderr
    for name in HOSTILE_NAMES:
        page = tmp_path / "build" / f"{name}.html"
        pack = tmp_path / "build" / f"{name}.pdf"
        outline = Outline()
        outline.feed(page.read_text())
        assert len(outline.links) == 2, outline.links  # the whole pack, and item 1
        for href in outline.links:
            url = urlsplit(urljoin(page.as_uri(), href))
            assert url.scheme == "file", href
            assert Path(url2pathname(url.path)) == pack, href
            assert url.fragment in ("", "page=3") and not url.query, href


# -- stopped and killed builds ----------------------------------------------------------------

def big_meeting(folder: MeetingFolder) -> None:
    """Long enough to write that a test sees the write under way."""
    folder.write(basic_meeting([{"title": f"Item {i}", "attachments": [
        folder.pdf(f"a{i}.pdf", 150)]} for i in range(4)]))


def writing(process: subprocess.Popen[str], folder: Path) -> bool:
    """Whether ``process`` has a file open in ``folder`` (its pack, being written)."""
    try:
        fds = os.listdir(f"/proc/{process.pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{process.pid}/fd/{fd}").startswith(f"{folder}/"):
                return True
        except OSError:
            continue
    return False


def start_and_catch_writing(folder: MeetingFolder) -> subprocess.Popen[str]:
    """A build, caught while it writes the pack (retried if the write was too quick to see)."""
    build = folder.root / "build"
    for _ in range(10):
        process = subprocess.Popen([sys.executable, "-m", "packgen", "build",
                                    "meeting/meeting.yaml"], cwd=folder.root, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while process.poll() is None and not writing(process, build):
            pass
        if process.poll() is None:
            return process
        process.communicate()
        shutil.rmtree(build)
    pytest.fail("never saw the build writing its pack")


def leftovers(folder: MeetingFolder) -> list[str]:
    """What the build folder holds besides the rebuild cache (written by whole entries)."""
    build = folder.root / "build"
    return sorted(p.name for p in build.iterdir() if p.name != ".packgen-cache") \
        if build.exists() else []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches the build in /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_build_stopped_while_writing_leaves_nothing(folder: MeetingFolder,
                                                     stop: signal.Signals) -> None:
    big_meeting(folder)
    process = start_and_catch_writing(folder)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=SAFETY)
    assert process.returncode == 128 + stop
    assert stderr == f"packgen: stopped by {stop.name}\n"
    assert leftovers(folder) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches the build in /proc")
def test_a_build_killed_while_writing_leaves_nothing_after_the_next(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    big_meeting(folder)
    process = start_and_catch_writing(folder)
    process.kill()
    process.communicate(timeout=SAFETY)
    # What a writer killed between naming its file and renaming it would leave.
    (folder.root / "build" / ".meeting.pdf.0a1b2c3d.part").write_bytes(b"%PDF-1.7\n")
    assert run_cli("build", "meeting/meeting.yaml", cwd=folder.root).returncode == 0
    assert leftovers(folder) == ["meeting.pdf"]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def mapped(pid: int) -> set[str]:
    try:
        lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    except OSError:
        return set()
    return {line.split(maxsplit=5)[5] for line in lines if len(line.split(maxsplit=5)) == 6}


def working(helper: int, parent: int) -> bool:
    """Whether the forked process has begun its own work (it maps a library its parent does
    not, such as ReportLab's or Jinja's), so it is past what it does first on starting."""
    return bool(mapped(helper) - mapped(parent))


def alive(pid: int) -> bool:
    """Running or stopped; a zombie is dead, waiting only to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or sys.platform != "linux",
                    reason="the typesetting process is forked on Linux")
def test_the_typesetting_process_dies_with_a_killed_build(folder: MeetingFolder) -> None:
    big_meeting(folder)
    for _ in range(10):
        process = subprocess.Popen([sys.executable, "-m", "packgen", "build",
                                    "meeting/meeting.yaml"], cwd=folder.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        helpers: list[int] = []
        while process.poll() is None and not (helpers and working(helpers[0], process.pid)):
            helpers = children(process.pid)
        if helpers and process.poll() is None:
            break
        process.wait()
    else:
        pytest.fail("never saw the typesetting process")
    helper = helpers[0]
    try:
        # Stopped, it cannot notice its pipe closing: only the kernel can end it now.
        os.kill(helper, signal.SIGSTOP)
        process.kill()
        process.wait(timeout=SAFETY)
        deadline = time.monotonic() + 30  # a safety net, not a measurement
        while alive(helper) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not alive(helper), "the typesetting process outlived the build"
    finally:
        if alive(helper):
            os.kill(helper, signal.SIGKILL)
