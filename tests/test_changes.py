"""What changed between two manifests: the change note's lines, from hand-made manifests
and from two real builds; and ``packgen build --against OLD --manifest NEW``."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from packgen.changes import changes, only_packs
from tests.conftest import ROOT, BuildFn, MeetingFolder, basic_meeting
from tests.site_helpers import lengthen

SHA = {name: c * 64 for name, c in (("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"),
                                       ("e", "e"), ("f", "f"))}


def item(number: str, title: str, *ranges: tuple[int, int], pack: int = 0) -> dict[str, Any]:
    return {"number": number, "title": title, "exempt": None, "pack": pack,
            "pages": [{"first": str(a), "last": str(b)} for a, b in ranges]}


def document(number: str, title: str, first: int, last: int, source: str,
             kind: str = "report", appendix_of: int | None = None) -> dict[str, Any]:
    return {"title": title, "kind": kind, "item": number, "appendix_of": appendix_of,
            "pack": 0, "first_page": str(first), "last_page": str(last),
            "first_index": first, "last_index": last, "file": "documents/x.pdf",
            "sha256": None, "source": source, "source_sha256": SHA["a"]}


def meeting(items: list[dict[str, Any]], documents: list[dict[str, Any]],
            pages: int = 40) -> dict[str, Any]:
    return {"manifest_version": 1, "meeting": {"date": "2026-07-08", "time": "16:00",
                                               "venue": "Town Hall"},
            "packs": [{"file": "p.pdf", "supplement": None, "pages": pages, "sha256": SHA["f"]}],
            "items": items, "documents": documents}


def agenda() -> dict[str, Any]:
    """Apologies; 2 Budget 3-6; 3 Parks 7-8; 4 Verbal (no pages); 5 Libraries 9-12;
    6 Roads 13-14; 7 Waste 15-20."""
    spans = {"2": (3, 6), "3": (7, 8), "5": (9, 12), "6": (13, 14), "7": (15, 20)}
    titles = ["Apologies", "Budget", "Parks", "Verbal update", "Libraries", "Roads", "Waste"]
    items = [item(str(n), t, *([spans[str(n)]] if str(n) in spans else []))
             for n, t in enumerate(titles, 1)]
    documents = [document(n, titles[int(n) - 1], a, b, f"m/{titles[int(n) - 1].lower()}.yaml")
                 for n, (a, b) in spans.items()]
    return meeting(items, documents, 20)


def moved(manifest: dict[str, Any], after: str, by: int) -> dict[str, Any]:
    """Every page range of the items after item ``after`` moved by ``by`` pages."""
    new = copy.deepcopy(manifest)
    numbers = [i["number"] for i in new["items"]]
    later = set(numbers[numbers.index(after) + 1:])
    for one in new["items"]:
        if one["number"] in later:
            one["pages"] = [{"first": str(int(r["first"]) + by), "last": str(int(r["last"]) + by)}
                            for r in one["pages"]]
    for one in new["documents"]:
        if one["item"] in later:
            for key in ("first_page", "last_page"):
                one[key] = str(int(one[key]) + by)
    new["packs"][0]["pages"] += by
    return new


def test_nothing_changed_says_nothing() -> None:
    assert changes(agenda(), agenda()) == []


def test_a_report_growing_moves_the_items_after_it_in_one_line() -> None:
    old = agenda()
    new = moved(old, "2", 2)
    new["items"][1]["pages"] = [{"first": "3", "last": "8"}]
    new["documents"][0]["source_sha256"] = SHA["b"]
    assert changes(old, new) == [
        'Item 2: the report "Budget" changed',
        "Item 2: pages 3-6 → 3-8",
        # Item 4 has no pages: the run goes on over it.
        "Items 3-7 moved by 2 pages (now pages 9-22)",
        "The pack now has 22 pages (was 20)",
    ]


def test_a_run_of_one_is_said_as_its_range_and_runs_break_at_a_different_shift() -> None:
    old = agenda()
    new = moved(old, "5", 2)  # 6 and 7 move by 2 ...
    new["items"][6]["pages"] = [{"first": "19", "last": "24"}]  # ... then 7 by 4
    new["items"][4]["pages"] = [{"first": "9", "last": "14"}]
    assert changes(old, new) == [
        "Item 5: pages 9-12 → 9-14",
        "Item 6: pages 13-14 → 15-16",
        "Item 7: pages 15-20 → 19-24",
        "The pack now has 22 pages (was 20)",
    ]


def test_pages_moving_back() -> None:
    old = agenda()
    new = moved(old, "3", -2)
    new["items"][2]["pages"] = []
    del new["documents"][1]
    assert changes(old, new) == [
        'Item 3: the report "Parks" removed',
        "Item 3: pages 7-8 → no pages",
        "Items 5-7 moved back by 2 pages (now pages 7-18)",
        "The pack now has 18 pages (was 20)",
    ]


def test_items_added_removed_and_retitled() -> None:
    old = agenda()
    new = copy.deepcopy(old)
    new["items"][2]["title"] = "Parks and open spaces"  # same number, new title
    del new["items"][5]  # Roads
    new["items"][5]["number"] = "6"  # Waste is renumbered, found by its title
    new["items"].insert(1, item("1a", "Urgent business"))
    new["documents"] = [d for d in new["documents"] if d["item"] != "6"]
    for d in new["documents"]:
        if d["item"] == "7":
            d["item"] = "6"
    new["items"][-1]["pages"] = [{"first": "13", "last": "18"}]
    assert changes(old, new) == [
        'Item 1a added: "Urgent business"',
        'Item 3 retitled: "Parks" → "Parks and open spaces"',
        'Item 6 removed: "Roads"',
        "Item 6: pages 15-20 → 13-18",
    ]


def test_a_document_added_in_the_middle_moves_the_rest() -> None:
    old = agenda()
    new = moved(old, "3", 4)
    new["items"][2]["pages"] = [{"first": "7", "last": "12"}]
    new["documents"].insert(2, document("3", "Appendix A", 9, 12, "m/parks-a.pdf", "pdf", 1))
    assert changes(old, new) == [
        'Item 3: the appendix "Appendix A" added',
        "Item 3: pages 7-8 → 7-12",
        "Items 5-7 moved by 4 pages (now pages 13-24)",
        "The pack now has 24 pages (was 20)",
    ]


def test_a_retitled_document_and_single_pages() -> None:
    old = agenda()
    new = copy.deepcopy(old)
    new["documents"][1]["title"] = "Parks strategy"
    old["items"][2]["pages"] = [{"first": "7", "last": "7"}]
    new["items"][2]["pages"] = [{"first": "8", "last": "8"}]
    assert changes(old, new) == [
        'Item 3: the report "Parks" is now "Parks strategy"',
        "Item 3: page 7 → 8",
    ]


def test_the_meeting_s_details_and_supplements() -> None:
    old = agenda()
    new = copy.deepcopy(old)
    new["meeting"]["venue"] = "Civic Centre"
    new["packs"].append({"file": "p-supplement-1.pdf", "supplement": 1, "pages": 4,
                         "sha256": SHA["e"]})
    new["items"].append(item("8", "Late item", (21, 24), pack=1))
    assert changes(old, new) == ['The venue changed: "Town Hall" → "Civic Centre"',
                                 "Supplement 1 added (4 pages)"]
    assert changes(new, old)[-1] == "Supplement 1 removed"
    assert only_packs(new, {None}) == {**old, "meeting": new["meeting"]}
    late = only_packs(new, {1})
    assert [(i["title"], i["pack"]) for i in late["items"]] == [("Late item", 0)]


def _ranges(manifest: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    return {i["number"]: i["pages"] for i in manifest["items"]}


def test_two_builds_of_an_example_name_exactly_the_items_that_moved(
        tmp_path: Path, run_cli: BuildFn) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    meeting = "childrens-partnership-board/meeting.yaml"
    env = {"SOURCE_DATE_EPOCH": "1780000000"}
    first = run_cli("build", meeting, "-o", "../first.pdf", "--manifest", "../first.json",
                    "--no-cache", cwd=examples, env=env)
    assert first.returncode == 0, first.stderr
    # The report of item 7 grows by two pages: its appendix, a PDF, gains two.
    lengthen(examples / "childrens-partnership-board" / "priority-families-appendix-1.pdf", 2)
    second = run_cli("build", meeting, "-o", "../second.pdf", "--against", "../first.json",
                     "--manifest", "../second.json", "--no-cache", cwd=examples, env=env)
    assert second.returncode == 0, second.stderr
    old = json.loads((tmp_path / "first.json").read_text())
    new = json.loads((tmp_path / "second.json").read_text())
    lines = second.stdout.splitlines()
    assert lines[0] == "wrote ../second.pdf (29 pages) and ../second.json"
    notes = [re.sub(rf"^{meeting}:1:1: note: ", "", line) for line in lines[1:]]
    assert all(line.startswith(f"{meeting}:1:1: note: ") for line in lines[1:])
    # Whatever moved, and only that, is named: item 7 grew, items 8 to 10 follow it.
    really_moved = [n for n, pages in _ranges(new).items() if pages != _ranges(old)[n]]
    assert really_moved == ["7", "8", "9", "10"]
    assert notes == [
        'Item 7: the appendix "Appendix 1: performance summary" changed',
        "Item 7: pages 9-14 → 9-16",
        "Items 8-10 moved by 2 pages (now pages 17-29)",
        "The pack now has 29 pages (was 27)",
    ]
    # The new pack is the same bytes with or without a manifest (and --against).
    plain = run_cli("build", meeting, "-o", "../plain.pdf", "--no-cache", cwd=examples, env=env)
    assert plain.returncode == 0
    assert (tmp_path / "plain.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()
    again = run_cli("build", meeting, "-o", "../second.pdf", "--against", "../second.json",
                    "--manifest", "../second.json", "--no-cache", cwd=examples, env=env)
    assert again.stdout.splitlines()[1:] == [
        f"{meeting}:1:1: note: nothing changed since ../second.json"]
    assert (tmp_path / "second.json").read_text() == json.dumps(new, indent=2,
                                                                ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("text", "said"), [
    ("{", "old.json:1:2: error: not a packgen manifest: Expecting property name enclosed in "
          "double quotes"),
    ('{"manifest_version": 1, "packs": []}', "old.json:1:1: error: not a packgen manifest: "
                                             'missing key "packgen_version" (and 8 more)'),
])
def test_a_malformed_old_manifest_writes_nothing(folder: MeetingFolder, run_cli: BuildFn,
                                                 text: str, said: str) -> None:
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    (folder.root / "old.json").write_text(text)
    done = run_cli("build", "meeting/meeting.yaml", "-o", "pack.pdf", "--against", "old.json",
                   "--manifest", "new.json", cwd=folder.root)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [said, "1 problem; nothing was written."]
    assert not (folder.root / "pack.pdf").exists() and not (folder.root / "new.json").exists()


def test_another_meeting_s_manifest_writes_nothing(tmp_path: Path, run_cli: BuildFn) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    first = run_cli("build", "health-and-wellbeing-board/meeting.yaml", "-o", "../a.pdf",
                    "--manifest", "../a.json", "--no-cache", cwd=examples)
    assert first.returncode == 0, first.stderr
    done = run_cli("build", "childrens-partnership-board/meeting.yaml", "-o", "../b.pdf",
                   "--against", "../a.json", "--no-cache", cwd=examples)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        '../a.json:1:1: error: the manifest of "health-and-wellbeing-board/meeting.yaml", '
        'not of "childrens-partnership-board/meeting.yaml"')
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["meeting/meeting.yaml", "--private", "--against", "old.json"],
     "--against: a private pack is never published; leave out --private"),
    (["meeting/meeting.yaml", "other/meeting.yaml", "--manifest", "m.json"],
     "--manifest is about one meeting's pack; give one meeting with it"),
    (["--manifest", "m.json", "meeting/report.yaml"],
     "--manifest: a document built alone has no manifest; give its meeting"),
])
def test_against_and_manifest_usage(folder: MeetingFolder, run_cli: BuildFn, args: list[str],
                                    said: str) -> None:
    folder.write(basic_meeting([{"title": "Apologies"}]))
    (folder.folder / "report.yaml").write_text("kind: report\ntitle: R\n")
    done = run_cli("build", *args, cwd=folder.root)
    assert done.returncode == 2
    assert f"Error: {said}" in done.stderr


def test_a_note_is_a_notice_on_github() -> None:
    from packgen.cli import github_annotation
    from packgen.errors import Position, Problem

    note = Problem(Position(Path("m/meeting.yaml")), "Item 7: pages 9-14 → 9-16", "note")
    assert github_annotation(note) == ("::notice file=m/meeting.yaml,line=1,col=1::Item 7: "
                                       "pages 9-14 → 9-16")


def test_a_supplement_s_run_names_only_the_items_it_holds() -> None:
    # Supplement 1 holds items 2, 4 and 5 only: "Items 2-4" would name item 3, which it
    # lacks. Item 4 has no pages: a run goes on over it, and it is in the pack.
    old = meeting([item("2", "Budget", (3, 4)), item("4", "Verbal"), item("5", "Roads", (5, 6)),
                   item("7", "Waste", (7, 8)), item("8", "Parks", (9, 9))], [], 9)
    new = moved(old, "2", 6)
    new["items"][0]["pages"] = [{"first": "9", "last": "10"}]
    assert changes(old, new)[0] == "Items 2, 4-5 and 7-8 moved by 6 pages (now pages 9-15)"
    within = moved(old, "4", 6)
    assert changes(old, within)[0] == "Items 5 and 7-8 moved by 6 pages (now pages 11-15)"


@pytest.mark.parametrize(("was", "now", "said"), [
    ([(13, 13)], [(19, 25)], "Item 2: page 13 → pages 19-25"),
    ([(3, 5)], [(3, 3)], "Item 2: pages 3-5 → page 3"),
    ([(4, 6)], [(4, 5), (8, 9)], "Item 2: pages 4-6 → 4-5, 8-9"),
    ([(4, 5), (8, 9)], [(4, 4)], "Item 2: pages 4-5, 8-9 → page 4"),
    ([(17, 20)], [(17, 22)], "Item 2: pages 17-20 → 17-22"),
    ([(27, 27)], [(29, 29)], "Item 2: page 27 → 29"),
])
def test_each_side_of_a_range_line_says_page_or_pages(
        was: list[tuple[int, int]], now: list[tuple[int, int]], said: str) -> None:
    old = meeting([item("2", "Budget", *was)], [], 40)
    new = meeting([item("2", "Budget", *now)], [], 40)
    assert changes(old, new) == [said]


def test_a_document_is_changed_by_its_content_not_its_source_file() -> None:
    old = agenda()
    for n, one in enumerate(old["documents"]):
        one["content_sha256"] = SHA["c"] if n else SHA["d"]
    restyled = copy.deepcopy(old)  # packgen.yaml turned paragraph numbers off: same source
    restyled["documents"][0]["content_sha256"] = SHA["e"]
    assert changes(old, restyled) == ['Item 2: the report "Budget" changed']
    # Moved by a report before it growing: stamped "Page N" differently, same content.
    grown = moved(old, "2", 2)
    grown["items"][1]["pages"] = [{"first": "3", "last": "8"}]
    grown["documents"][0]["content_sha256"] = SHA["e"]
    assert changes(old, grown) == ['Item 2: the report "Budget" changed',
                                   "Item 2: pages 3-6 → 3-8",
                                   "Items 3-7 moved by 2 pages (now pages 9-22)",
                                   "The pack now has 22 pages (was 20)"]
    # A manifest of a packgen before content_sha256: its source file decides.
    older = agenda()
    assert changes(older, old) == []
    edited = copy.deepcopy(old)
    edited["documents"][1]["source_sha256"] = SHA["b"]
    assert changes(older, edited) == ['Item 3: the report "Parks" changed']
