"""A published address is a promise: what `packgen site` keeps stable (meetings' pages,
bodies' folders, calendar UIDs, feed ids) and how it names what it publishes (folders from
any body name, packs whatever the meeting's folder is called)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from tests.site_helpers import EXAMPLES, read_page, run_site
from tests.test_site_a11y import AXE

MEETING = """\
body: {body}
date: {date}
time: "10:30"
venue: {venue}
summons: Members are requested to attend
issued_by: Director
contact: {{role: Officer, name: Nia Evans, phone: 0115 876 0042, email: nia@riverside.example}}
items:
  - title: Apologies for absence
  - title: {title}
    attachments: [report.md]
"""


def repository(tmp: Path) -> Path:
    root = tmp / "repo"
    root.mkdir()
    for name in ("packgen.yaml", "riverside-crest.png"):
        shutil.copy(EXAMPLES / name, root / name)
    return root


def meeting(root: Path, folder: str, *, body: str = "Cabinet", date: str = "2026-09-01",
            venue: str = "Council Chamber", title: str = "Winter pressures",
            extra: str = "") -> Path:
    where = root / folder
    where.mkdir(parents=True, exist_ok=True)
    (where / "report.md").write_text(f"# {title}\n\nThe report.\n")
    file = where / "meeting.yaml"
    file.write_text(extra + MEETING.format(body=json.dumps(body, ensure_ascii=False),
                                           date=date, venue=venue, title=title))
    return file


def source_at(out: Path, page: str) -> str:
    data = json.loads((out / page / "manifest.json").read_text())
    assert data["meeting"]["url"] == page
    return str(data["meeting"]["source"])


def uids(calendar: Path) -> list[str]:
    text = calendar.read_bytes().decode("utf-8").replace("\r\n ", "")
    return re.findall(r"^UID:(.*)\r$", text, re.M)


def broken_links(out: Path) -> list[str]:
    """Every href and src of every page that does not resolve to a file of the site."""
    broken = []
    for page in out.rglob("*.html"):
        for link in read_page(page).links:
            if re.match(r"^[a-z]+:", link) or link.startswith("#"):
                continue
            path = urllib.parse.urlsplit(link).path
            target = (page.parent / urllib.parse.unquote(path)).resolve()
            if link.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file() or out.resolve() not in target.parents:
                broken.append(f"{page.relative_to(out)}: {link}")
    return broken


def test_a_new_meeting_never_takes_a_published_meetings_address(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    meeting(root, "cabinet/september")
    assert run_site(root, out).returncode == 0
    calendar_before = uids(out / "cabinet" / "meetings.ics")
    # A second Cabinet that day whose file sorts first: it gets -2, the first keeps its page.
    meeting(root, "a-extra", title="Budget")
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert source_at(out, "cabinet/2026-09-01/") == "cabinet/september/meeting.yaml"
    assert source_at(out, "cabinet/2026-09-01-2/") == "a-extra/meeting.yaml"
    assert "unchanged" in done.stdout and "retitled" not in done.stdout
    assert calendar_before[0] in uids(out / "cabinet" / "meetings.ics")
    assert "Winter pressures" in (out / "cabinet/2026-09-01/index.html").read_text()
    assert "Budget" in (out / "cabinet/2026-09-01-2/index.html").read_text()


def test_a_rescheduled_meeting_moves_and_its_old_address_says_where(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    file = meeting(root, "cabinet/next")
    assert run_site(root, out).returncode == 0
    (uid,) = uids(out / "cabinet" / "meetings.ics")
    feed_id = re.findall(r"<entry>\s*<id>([^<]*)", (out / "cabinet/feed.xml").read_text())
    file.write_text(file.read_text().replace("2026-09-01", "2026-09-08")
                    .replace("time: \"10:30\"", "time: \"14:00\"")
                    .replace("Council Chamber", "Committee Room 2"))
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    for line in ("The meeting moved from 1 September 2026 to 8 September 2026",
                 "The meeting's start time changed from 10:30 to 14:00",
                 "The meeting moved from Council Chamber to Committee Room 2"):
        assert line in done.stdout
        assert line in html.unescape((out / "cabinet/2026-09-08/index.html").read_text())
    assert 'The date changed' not in done.stdout  # said once, in the officers' words
    # The old address keeps one small page and nothing else: no pack, no documents.
    old = out / "cabinet/2026-09-01"
    assert sorted(p.name for p in old.iterdir()) == ["index.html", "moved.json"]
    text = old.joinpath("index.html").read_text()
    assert "This meeting has moved to 8 September 2026" in text
    assert "../../cabinet/2026-09-08/" in read_page(old / "index.html").links
    assert broken_links(out) == []
    # One event, moved, not a second one: the same UID, a later SEQUENCE; the same entry.
    calendar = (out / "cabinet" / "meetings.ics").read_bytes().decode("utf-8")
    assert uids(out / "cabinet" / "meetings.ics") == [uid]
    assert "SEQUENCE:1" in calendar and "DTSTART;TZID=Europe/London:20260908T140000" in calendar
    assert re.findall(r"<entry>\s*<id>([^<]*)", (out / "cabinet/feed.xml").read_text()) == \
        feed_id
    # Built again unchanged: the old address still says where the meeting went.
    assert run_site(root, out).returncode == 0
    assert "has moved" in old.joinpath("index.html").read_text()
    # The meeting file deleted: both its page and its old address go.
    shutil.rmtree(root / "cabinet")
    meeting(root, "other", body="Licensing Committee")
    assert run_site(root, out).returncode == 0
    assert not (out / "cabinet").exists()


def test_a_meeting_taking_a_moved_meetings_old_date_replaces_its_note(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    file = meeting(root, "cabinet/next")
    assert run_site(root, out).returncode == 0
    file.write_text(file.read_text().replace("2026-09-01", "2026-09-08"))
    assert run_site(root, out).returncode == 0
    assert (out / "cabinet/2026-09-01/moved.json").is_file()
    meeting(root, "cabinet/special", title="Budget")  # on 1 September
    assert run_site(root, out).returncode == 0
    assert source_at(out, "cabinet/2026-09-01/") == "cabinet/special/meeting.yaml"
    assert not (out / "cabinet/2026-09-01/moved.json").exists()
    assert "has moved" not in (out / "cabinet/2026-09-01/index.html").read_text()
    assert len(uids(out / "cabinet" / "meetings.ics")) == 2


def test_every_body_has_a_folder_of_its_own_and_keeps_it(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    meeting(root, "ua", body="Кабінет")
    meeting(root, "jp", body="委員会", date="2026-09-02")
    meeting(root, "riverside", body="Cabinet", date="2026-09-03")
    meeting(root, "wales", body="Cabinet", date="2026-09-04",
            extra="organisation: Glaslyn County Council\n")
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 4 and "packgen" not in folders, folders
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in folders)
    assert {"cabinet", "glaslyn-county-council-cabinet"} <= set(folders)
    index = (out / "index.html").read_text()
    for name in ("Кабінет", "委員会", "Cabinet (Riverside City Council)",
                 "Cabinet (Glaslyn County Council)"):
        assert name in index
    # Listed by name, the two Cabinets together.
    assert index.index("Cabinet (Glaslyn") < index.index("Cabinet (Riverside") < \
        index.rindex("Кабінет")
    for folder in folders:  # each body's page, calendar and feed: its own meetings only
        assert len(uids(out / folder / "meetings.ics")) == 1
        h1 = re.search(r"<h1>([^<]*)", (out / folder / "index.html").read_text())
        assert h1 is not None and h1.group(1).strip() in index
    # A third Cabinet whose file sorts first: the published ones keep their folders.
    meeting(root, "a-county", body="Cabinet", date="2026-09-05",
            extra="organisation: Ashby County Council\n")
    assert run_site(root, out).returncode == 0
    assert source_at(out, "cabinet/2026-09-03/") == "riverside/meeting.yaml"
    assert source_at(out, "glaslyn-county-council-cabinet/2026-09-04/") == "wales/meeting.yaml"
    assert source_at(out, "ashby-county-council-cabinet/2026-09-05/") == \
        "a-county/meeting.yaml"


def test_a_long_body_name_makes_a_short_folder_and_two_stay_apart(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    long = "Committee " * 30
    meeting(root, "one", body=long + "North")
    meeting(root, "two", body=long + "South")
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2 and all(len(name) <= 100 for name in folders), folders
    assert all(not name.endswith("-") and "committee-committee" in name for name in folders)


def test_a_site_folder_the_file_system_refuses_is_one_problem(tmp_path: Path) -> None:
    root = repository(tmp_path)
    meeting(root, "cabinet")
    done = run_site(root, tmp_path / ("x" * 300))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "error:" in line]
    assert len(lines) == 1 and "cannot write the site: File name too long" in lines[0]


def test_a_meeting_folder_named_with_hash_and_spaces_links_its_pack(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    meeting(root, "Cab #1 ?100% sure")
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    page = out / "cabinet/2026-09-01"
    assert (page / "cabinet-2026-09-01.pdf").is_file()
    assert "cabinet-2026-09-01.pdf" in read_page(page / "index.html").links
    assert broken_links(out) == []


def test_a_moved_meetings_old_page_is_accessible(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    file = meeting(root, "cabinet/next")
    assert run_site(root, out).returncode == 0
    file.write_text(file.read_text().replace("2026-09-01", "2026-09-08"))
    assert run_site(root, out).returncode == 0
    page = out / "cabinet/2026-09-01/index.html"
    parsed = read_page(page)
    assert parsed.lang == "en-GB" and parsed.tags.count("h1") == 1
    assert all(parsed.tags.count(landmark) == 1 for landmark in ("header", "nav", "main",
                                                                   "footer"))
    assert parsed.links[1] == "#main" and "main" in parsed.ids
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not AXE.is_file() or chromium is None:
        pytest.skip("axe-core or chromium is missing")
    run = ("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
           "'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}).then(function (r) {"
           " var pre = document.createElement('pre'); pre.id = 'axe-results';"
           " pre.textContent = JSON.stringify(r.violations.map(function (v) {"
           " return v.id; })); document.body.appendChild(pre); });")
    copy = page.with_name("axe-check.html")
    copy.write_text(page.read_text().replace(
        "</body>", f'<script src="{AXE.as_uri()}"></script><script>{run}</script></body>'))
    dumped = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                             "--allow-file-access-from-files", "--dump-dom",
                             "--virtual-time-budget=10000", copy.as_uri()],
                            capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', dumped, re.DOTALL)
    assert found is not None and json.loads(html.unescape(found.group(1))) == []


def test_a_renamed_body_moves_its_meetings_and_leaves_no_stale_body_page(
        tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    file = meeting(root, "cabinet/next")
    assert run_site(root, out).returncode == 0
    file.write_text(file.read_text().replace("body: \"Cabinet\"", "body: \"Executive\""))
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert "Cabinet is now called Executive" in done.stdout
    assert source_at(out, "executive/2026-09-01/") == "cabinet/next/meeting.yaml"
    assert sorted(p.relative_to(out).as_posix() for p in (out / "cabinet").rglob("*")) == [
        "cabinet/2026-09-01", "cabinet/2026-09-01/index.html", "cabinet/2026-09-01/moved.json"]
    assert "executive/index.html" in read_page(out / "index.html").links
    assert "cabinet/index.html" not in read_page(out / "index.html").links
    assert broken_links(out) == []


def test_a_moved_note_packgen_did_not_write_is_left_alone(tmp_path: Path) -> None:
    root, out = repository(tmp_path), tmp_path / "site"
    meeting(root, "cabinet/next")
    assert run_site(root, out).returncode == 0
    planted = out / "cabinet" / "notes" / "moved.json"
    planted.parent.mkdir()
    planted.write_text('{"source": "cabinet/next/meeting.yaml"}')
    done = run_site(root, out)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert planted.read_text() == '{"source": "cabinet/next/meeting.yaml"}'


def test_projects_under_one_root_each_keep_their_own_meeting(tmp_path: Path) -> None:
    # Two councils' repositories under one ROOT, each with its packgen.yaml and a
    # meeting.yaml at its top: each meeting.yaml is "meeting.yaml" to its own project, so
    # the site names them from its ROOT, or they would share a calendar UID and an address.
    root = tmp_path / "root"
    root.mkdir()
    for project in ("north", "south"):
        (root / project).mkdir()
        repo = repository(root / project)
        meeting(repo, ".", date="2026-09-01" if project == "north" else "2026-09-02")
    out = tmp_path / "site"
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    sources = {source_at(out, page) for page in ("cabinet/2026-09-01/", "cabinet/2026-09-02/")}
    assert sources == {"north/repo/meeting.yaml", "south/repo/meeting.yaml"}
    for page in ("cabinet/2026-09-01/", "cabinet/2026-09-02/"):
        data = json.loads((out / page / "manifest.json").read_text())
        assert all(d["source"].startswith(data["meeting"]["source"].rsplit("/", 1)[0] + "/")
                   for d in data["documents"])
    uids = re.findall(r"^UID:(.+)$", (out / "cabinet" / "meetings.ics").read_text(), re.M)
    assert len(uids) == len(set(uids)) == 2
    again = run_site(root, out)  # and a second run finds both unchanged, in their places
    assert again.returncode == 0 and again.stdout.count("\nunchanged ") + \
        again.stdout.startswith("unchanged ") == 2, again.stdout


def test_a_root_below_packgen_yaml_names_meetings_from_the_root(tmp_path: Path) -> None:
    # ROOT inside a repository (packgen.yaml above it): the manifests name files from ROOT,
    # as the site's addresses do, so a second run finds the meeting unchanged, in its place.
    repo = repository(tmp_path)
    meeting(repo, "council/cabinet/a")
    out = tmp_path / "site"
    first = run_site(repo / "council", out)
    assert first.returncode == 0, first.stderr
    data = json.loads((out / "cabinet" / "2026-09-01" / "manifest.json").read_text())
    assert data["meeting"]["source"] == "cabinet/a/meeting.yaml"
    assert [d["source"] for d in data["documents"]] == ["cabinet/a/report.md"]
    again = run_site(repo / "council", out)
    assert again.returncode == 0 and "\nunchanged " in "\n" + again.stdout, again.stdout
