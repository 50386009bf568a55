"""packgen site: a static website of every meeting under a root, built from examples/."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from packgen.manifest_schema import SCHEMA
from tests.conftest import page_texts
from tests.site_helpers import copy_examples, lengthen, read_page, run_site, snapshot

MEETINGS = {"childrens-partnership-board/2026-07-08/", "communities-scrutiny-committee/2026-09-16/",
            "health-and-wellbeing-board/2026-07-22/", "health-scrutiny-committee/2026-07-15/",
            "full-council/2026-11-03/", "cabinet/2026-09-01/"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """examples/ (copied) and its site, built once for the tests that only read it."""
    tmp = tmp_path_factory.mktemp("site")
    root = copy_examples(tmp)
    out = tmp / "public"
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    return root, out


def manifests(out: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.parent.relative_to(out).as_posix() + "/": json.loads(p.read_text())
            for p in sorted(out.rglob("manifest.json"))}


def test_every_meeting_is_published_with_its_pages(built: tuple[Path, Path]) -> None:
    _, out = built
    assert set(manifests(out)) == MEETINGS
    for page in MEETINGS:
        assert (out / page / "index.html").is_file() and (out / page / "meeting.ics").is_file()
    for body in {m.split("/")[0] for m in MEETINGS}:
        for name in ("index.html", "meetings.ics", "feed.xml"):
            assert (out / body / name).is_file()
    assert (out / "index.html").is_file() and (out / "site.css").is_file()
    assert (out / "logo.png").read_bytes() == (Path("examples") / "riverside-crest.png"
                                               ).read_bytes()


def test_every_link_resolves_to_a_file_of_the_site(built: tuple[Path, Path]) -> None:
    _, out = built
    pages = sorted(out.rglob("*.html"))
    # The index, the bodies, the meetings, and the Welsh edition of the one in Wales.
    assert len(pages) == 1 + 6 + 6 + 1
    checked = 0
    for page in pages:
        for link in read_page(page).links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (page, link)  # relative only
            assert not parts.path.startswith("/"), (page, link)  # works from a sub-folder
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if link.endswith("/"):
                target /= "index.html"
            assert target.is_file(), (page, link)
            assert target.is_relative_to(out.resolve()), (page, link)
            if parts.fragment.startswith("page="):  # a page of the pack that exists
                assert 1 <= int(parts.fragment[5:]) <= int(_pages(target))
            checked += 1
    assert checked > 100


def _pages(pdf: Path) -> int:
    return len(page_texts(pdf))


def test_manifests_validate_and_hash_the_files_published(built: tuple[Path, Path]) -> None:
    _, out = built
    for page, data in manifests(out).items():
        jsonschema.Draft202012Validator(SCHEMA).validate(data)
        assert data["meeting"]["url"] == page
        assert data["inputs_sha256"] is not None and data["sequence"] == 0
        for pack in data["packs"]:
            assert hashlib.sha256((out / page / pack["file"]).read_bytes()
                                  ).hexdigest() == pack["sha256"]


def test_the_meeting_page_links_each_item_s_documents(built: tuple[Path, Path]) -> None:
    _, out = built
    page = re.sub(r"<[^>]+>", "", (out / "childrens-partnership-board/2026-07-08/index.html"
                                   ).read_text())
    assert "Agenda pack: all the papers in one file (PDF, " in page
    assert "Report: Priority families programme (" in page
    assert "pages 9-11)" in page
    assert "Add this meeting to your calendar" in page
    # The exempt item is listed with its wording, and nothing of it is linked.
    assert "not for publication by virtue of paragraph 3" in page
    assert "youth-contract" not in page


def test_the_index_lists_upcoming_meetings_soonest_first(built: tuple[Path, Path]) -> None:
    _, out = built
    text = (out / "index.html").read_text()
    upcoming = text[text.index('id="upcoming"'):text.index('id="past"')]
    order = [upcoming.index(m) for m in ("childrens-partnership-board/2026-07-08/",
                                         "health-scrutiny-committee/2026-07-15/",
                                         "health-and-wellbeing-board/2026-07-22/",
                                         "cabinet/2026-09-01/", "full-council/2026-11-03/")]
    assert order == sorted(order)


def test_per_document_pdfs_carry_the_pack_s_pages(built: tuple[Path, Path]) -> None:
    _, out = built
    for page, data in manifests(out).items():
        pack_texts: dict[int, list[str]] = {}
        for document in data["documents"]:
            if document["sha256"] is None:
                pytest.skip("per-document PDFs are cut by packgen.pdf.cut (engineer \"cut\"), "
                            "not yet plugged into published.with_document_pdfs: "
                            "Publication.document_pdfs is None")
            pack = data["packs"][document["pack"]]
            if document["pack"] not in pack_texts:
                pack_texts[document["pack"]] = page_texts(out / page / pack["file"])
            own = out / page / document["file"]
            assert hashlib.sha256(own.read_bytes()).hexdigest() == document["sha256"]
            expected = pack_texts[document["pack"]][document["first_index"] - 1:
                                                    document["last_index"]]
            assert page_texts(own) == expected, document["title"]


def test_a_second_run_rebuilds_nothing(built: tuple[Path, Path]) -> None:
    root, out = built
    before = snapshot(out)
    again = run_site(root, out)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged ") == len(MEETINGS)
    assert "wrote" not in again.stdout
    assert snapshot(out) == before  # not one file rewritten: same times, same bytes


def test_jobs_and_a_second_build_give_the_same_bytes(built: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    root, out = built
    parallel = tmp_path / "parallel"
    done = run_site(root, parallel, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert {k: v[1] for k, v in snapshot(parallel).items()} == \
        {k: v[1] for k, v in snapshot(out).items()}


def test_a_changed_meeting_is_rebuilt_alone(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    before = snapshot(out)
    meeting = root / "health-scrutiny-committee" / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("Work programme", "Work programme 2026-27"))
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("wrote ") == 1 and "health-scrutiny-committee" in done.stdout
    after = snapshot(out)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed
    assert all(name.startswith("health-scrutiny-committee/") or name == "index.html"
               for name in changed), changed
    assert not any(name.endswith(".pdf") and not name.startswith("health-scrutiny")
                   for name in changed)
    page = (out / "health-scrutiny-committee/2026-07-15/index.html").read_text()
    assert "What changed" in page and "Work programme 2026-27" in page
    assert 'note: Item 4' in done.stdout


def test_a_broken_meeting_keeps_its_files_and_the_rest_is_built(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    folder = "health-scrutiny-committee/2026-07-15/"
    before = {k: v for k, v in snapshot(out).items() if k.startswith(folder)}
    meeting = root / "health-scrutiny-committee" / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("[winter-pressures.md]", "[missing.md]"))
    other = root / "health-and-wellbeing-board" / "meeting.yaml"
    other.write_text(other.read_text() + "\n# touched\n")
    done = run_site(root, out)
    assert done.returncode == 1
    assert "health-scrutiny-committee/meeting.yaml:" in done.stderr
    assert ': error: ' in done.stderr and "missing.md" in done.stderr
    assert "Traceback" not in done.stderr
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k.startswith(folder)} == before
    assert "wrote" in done.stdout and "health-and-wellbeing-board" in done.stdout
    assert folder in (out / "index.html").read_text()  # still listed from its manifest


def test_a_republished_meeting_says_so_and_its_calendar_sequence_rises(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    meeting = root / "health-scrutiny-committee" / "meeting.yaml"
    text = meeting.read_text().replace("  - title: Work programme\n",
                                       "  - title: Urgent business\n  - title: Work programme\n")
    meeting.write_text(text + "republished: {date: 2026-07-03, reason: An item was added}\n")
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    folder = out / "health-scrutiny-committee/2026-07-15"
    page = (folder / "index.html").read_text()
    assert "Republished on 3 July 2026: An item was added" in page
    assert json.loads((folder / "manifest.json").read_text())["sequence"] == 1
    assert "SEQUENCE:1" in (folder / "meeting.ics").read_text()
    assert "SEQUENCE:1" in (out / "health-scrutiny-committee/meetings.ics").read_text()
    feed = (out / "health-scrutiny-committee/feed.xml").read_text()
    assert "agenda republished" in feed
    assert "Republished on 3 July 2026: An item was added\n" in feed
    assert "Item 4: added" in feed or "Urgent business" in feed  # the change note too
    # The next run, with nothing changed, keeps the feed's summary as it was.
    again = run_site(root, out)
    assert "unchanged" in again.stdout
    assert (out / "health-scrutiny-committee/feed.xml").read_text() == feed


def test_stale_files_of_a_meeting_are_removed(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    stale = out / "health-scrutiny-committee/2026-07-15/documents/99-old.pdf"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"%PDF-1.7 old")
    meeting = root / "health-scrutiny-committee" / "meeting.yaml"
    meeting.write_text(meeting.read_text() + "\n# touched\n")
    assert run_site(root, out).returncode == 0
    assert not stale.exists()
    # What is left is exactly what the manifest lists.
    listed = json.loads((stale.parent.parent / "manifest.json").read_text())["documents"]
    assert sorted(p.name for p in stale.parent.iterdir()) == \
        sorted(Path(d["file"]).name for d in listed)


def test_the_site_templates_are_overridable(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "meeting.html").write_text(
        '{% extends "!theme/site/meeting.html" %}\n'
        '{% block details %}<p class="webcast">Watch it live on the council\'s channel.</p>'
        '{{ super() }}{% endblock %}\n')
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    page = (out / "health-scrutiny-committee/2026-07-15/index.html").read_text()
    assert "Watch it live" in page and "Add this meeting to your calendar" in page
    assert "Watch it live" not in (out / "index.html").read_text()
    # A changed site template is a changed input: the meetings are rebuilt with it.
    (root / "templates" / "site" / "meeting.html").write_text(
        '{% extends "!theme/site/meeting.html" %}\n')
    again = run_site(root, out)
    assert again.returncode == 0 and "unchanged" not in again.stdout
    assert "Watch it live" not in (out / "health-scrutiny-committee/2026-07-15/index.html"
                                   ).read_text()


def test_a_template_mistake_is_one_problem_and_exit_1(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "index.html").write_text("{{ no_such_value }}\n")
    done = run_site(root, out)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert re.search(r"index\.html:\d+:\d+: error: .*no_such_value", done.stderr), done.stderr


def test_a_report_two_pages_longer_names_exactly_the_items_that_moved(tmp_path: Path) -> None:
    root, out = copy_examples(tmp_path), tmp_path / "public"
    assert run_site(root, out).returncode == 0
    lengthen(root / "childrens-partnership-board" / "cypp-refresh.pdf", 2)  # item 8
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    notes = [line.split(": note: ", 1)[1] for line in done.stdout.splitlines()
             if ": note: " in line]
    named = set()
    for line in notes:
        if found := re.match(r"Items? (\d+)(?:-(\d+))?", line):
            first, last = int(found[1]), int(found[2] or found[1])
            named |= set(range(first, last + 1))
    assert named == {8, 9, 10}, notes
    assert "Item 8: pages 15-18 → 15-20" in notes
    assert "Items 9-10 moved by 2 pages (now pages 21-29)" in notes
    page = (out / "childrens-partnership-board/2026-07-08/index.html").read_text()
    assert "Items 9-10 moved by 2 pages" in page
