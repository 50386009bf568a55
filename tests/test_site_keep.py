"""What survives a rebuild of the site, and what a rebuild puts right: the change note of a
republication, a document restyled by packgen.yaml, a published file damaged since, a link
planted in a file's place; and what `packgen site` says it did."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

from packgen.atomic import write_atomic
from tests.site_helpers import EXAMPLES, run_site

MEETING = "health-scrutiny-committee"
PAGE = "health-scrutiny-committee/2026-07-15"
NOTE = 'Item 3: the document "Winter pressures in urgent and emergency care" added'


def one_meeting(tmp: Path, meeting: str = MEETING) -> Path:
    root = tmp / "repo"
    root.mkdir()
    for name in ("packgen.yaml", "riverside-crest.png"):
        shutil.copy(EXAMPLES / name, root / name)
    shutil.copytree(EXAMPLES / meeting, root / meeting)
    return root


def republish(root: Path) -> None:
    """The report attached twice, and the meeting republished saying so."""
    meeting = root / MEETING / "meeting.yaml"
    text = meeting.read_text()
    text = text.replace("    attachments: [winter-pressures.md]",
                        "    attachments: [winter-pressures.md, winter-pressures.md]")
    meeting.write_text(text.replace("items:\n", 'republished: {date: 2026-07-10, reason: '
                                                '"Second copy added."}\nitems:\n', 1))


def manifest(out: Path, page: str = PAGE) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / page / "manifest.json").read_text())
    return data


def test_the_change_note_survives_a_rebuild_that_changes_nothing(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    republish(root)
    done = run_site(root, out)
    assert done.returncode == 0 and NOTE in done.stdout
    note = (out / PAGE / "changes.txt").read_text()
    assert NOTE in note and manifest(out)["sequence"] == 1
    # A new base URL changes every meeting's calendar, so every meeting is built again;
    # nothing a reader sees changed: the note of the republication stays.
    again = run_site(root, out, "--base-url", "https://meetings.example/")
    assert again.returncode == 0 and "\nunchanged " not in "\n" + again.stdout
    assert NOTE not in again.stdout  # nothing new to say
    assert (out / PAGE / "changes.txt").read_text() == note
    data = manifest(out)
    assert data["sequence"] == 1 and data["note"] == {"sequence": 1,
                                                      "lines": note.splitlines()}
    page = (out / PAGE / "index.html").read_text()
    assert "What changed" in page and "Second copy added." in page
    assert NOTE.replace('"', "&#34;") in page or NOTE.replace('"', "&quot;") in page
    feed = (out / MEETING / "feed.xml").read_text()
    assert "republished" in feed and "Winter pressures in urgent and emergency care" in \
        feed.split("<summary")[1]
    assert "SEQUENCE:1" in (out / PAGE / "meeting.ics").read_text()
    # A change after that is a new republication: its own note, the old one gone.
    meeting = root / MEETING / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("  - title: Work programme",
                                                   "  - title: Work programme 2026-27"))
    third = run_site(root, out, "--base-url", "https://meetings.example/")
    assert 'retitled: "Work programme" → "Work programme 2026-27"' in third.stdout
    assert manifest(out)["sequence"] == 2
    assert NOTE not in (out / PAGE / "changes.txt").read_text()


def test_a_report_restyled_by_packgen_yaml_is_noted_as_changed(tmp_path: Path) -> None:
    board = "childrens-partnership-board"
    root, out = one_meeting(tmp_path, board), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    config = root / "packgen.yaml"
    config.write_text(config.read_text().replace("paragraph_numbers: section",
                                                 "paragraph_numbers: none"))
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    notes = [line.split("note: ", 1)[1] for line in done.stdout.splitlines() if "note: " in line]
    # Its source file is as it was; its pages are not. Nothing moved.
    assert notes == ['Item 7: the report "Priority families programme" changed']
    page = f"{board}/2026-07-08"
    assert manifest(out, page)["sequence"] == 1
    assert (out / page / "changes.txt").read_text() == notes[0] + "\n"
    for document in manifest(out, page)["documents"]:  # type: ignore[attr-defined]
        assert re.fullmatch("[0-9a-f]{64}", document["content_sha256"])


def test_a_damaged_published_file_is_put_right(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    data = manifest(out)
    pack = out / PAGE / data["packs"][0]["file"]  # type: ignore[index]
    document = out / PAGE / data["documents"][0]["file"]  # type: ignore[index]
    good = pack.read_bytes(), document.read_bytes()
    with open(pack, "r+b") as stream:  # a partial restore of the site in CI
        stream.truncate(100)
    document.write_bytes(good[1].replace(b"Page", b"Pagf", 1))  # the same size, altered
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert "published files differed from the manifest" in done.stderr
    assert pack.name in done.stderr and document.name in done.stderr
    assert (pack.read_bytes(), document.read_bytes()) == good
    assert hashlib.sha256(pack.read_bytes()).hexdigest() == data["packs"][0]["sha256"]  # type: ignore[index]
    assert "unchanged;" in run_site(root, out).stdout  # and then left alone
    # The page and calendar have no hash in the manifest: they are rendered again, and
    # written when their bytes differ.
    page, calendar = out / PAGE / "index.html", out / PAGE / "meeting.ics"
    right = page.read_bytes(), calendar.read_bytes()
    page.write_bytes(right[0][:50])
    calendar.unlink()
    (tmp_path / "elsewhere.ics").write_bytes(right[1])
    os.symlink(tmp_path / "elsewhere.ics", calendar)
    again = run_site(root, out)
    assert again.returncode == 0 and again.stdout.splitlines()[-1].endswith(
        "0 meetings built, 1 unchanged; 2 files written, 0 removed")
    assert (page.read_bytes(), calendar.read_bytes()) == right and not calendar.is_symlink()


def test_a_link_planted_in_a_file_s_place_becomes_a_public_file(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    out.mkdir()
    private = tmp_path / "private.txt"
    private.write_text("secret")
    private.chmod(0o600)
    for name in ("index.html", "site.css"):
        os.symlink(private, out / name)
    before = os.umask(0o022)
    try:
        done = run_site(root, out)
    finally:
        os.umask(before)
    assert done.returncode == 0, done.stderr
    for name in ("index.html", "site.css"):
        found = os.lstat(out / name)
        assert stat.S_ISREG(found.st_mode) and stat.S_IMODE(found.st_mode) == 0o644, name
    assert private.read_text() == "secret" and stat.S_IMODE(private.stat().st_mode) == 0o600


def test_write_atomic_replaces_a_link_and_never_writes_through_it(tmp_path: Path) -> None:
    private = tmp_path / "private.txt"
    private.write_text("secret")
    private.chmod(0o600)
    target = tmp_path / "page.html"
    os.symlink(private, target)
    before = os.umask(0o022)
    try:
        write_atomic(lambda stream: stream.write(b"<p>public</p>"), target)
    finally:
        os.umask(before)
    assert not target.is_symlink() and target.read_bytes() == b"<p>public</p>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert private.read_text() == "secret"


def test_the_summary_says_what_happened(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    first = run_site(root, out)
    assert first.returncode == 0
    last = first.stdout.splitlines()[-1]
    assert re.fullmatch(r"site \S*public: 1 meeting built, 0 unchanged; "
                        r"(\d+) files written, 0 removed", last), last
    assert int(last.split("; ")[1].split()[0]) == sum(1 for p in out.rglob("*") if p.is_file())
    second = run_site(root, out)
    assert second.stdout.splitlines()[-1].endswith(
        "public: 0 meetings built, 1 unchanged; 0 files written, 0 removed")
    quiet = run_site(root, out, "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    meeting = root / MEETING / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("venue:", "venu:", 1))
    for args in ((), ("-q",)):
        failed = run_site(root, out, *args)
        assert failed.returncode == 1
        assert "nothing was written" not in failed.stderr
        assert "1 problem; its files on the site were left as they were." in failed.stderr
        assert re.search(r"public: 0 meetings built, 0 unchanged, 1 failed; "
                         r"0 files written, 0 removed\n", failed.stderr), failed.stderr
    assert (out / PAGE / "index.html").is_file()


def test_a_rebuild_that_changes_nothing_keeps_the_feed_s_times(tmp_path: Path) -> None:
    root, out = one_meeting(tmp_path), tmp_path / "public"
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS")}

    def run(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "packgen", "site", str(root), "-o",
                               str(out), *args], capture_output=True, text=True, env=env,
                              cwd=root)
        assert done.returncode == 0, done.stderr

    def times() -> list[str]:
        feed = (out / MEETING / "feed.xml").read_text()
        calendar = (out / PAGE / "meeting.ics").read_text()
        return [*re.findall(r"<updated>([^<]+)</updated>", feed),
                *re.findall(r"DTSTAMP:(\S+)", calendar), str(manifest(out)["generated"])]

    run()
    first = times()
    time.sleep(1.1)  # the manifest's time has seconds: a new one would differ
    run("--base-url", "https://meetings.example/")  # every meeting built again
    assert times() == first
