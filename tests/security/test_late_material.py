"""Late material never changes the main pack, and late exempt material is excluded properly.

The promise: the main pack (public and private, PDF and HTML) is byte-for-byte what the
same meeting builds without its supplements. Each late thing that once changed it is
here: a late item between two items, a late exempt item before the first exempt one,
a late exempt attachment on a public item.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting, page_texts
from tests.security.readback import canaries

CANARY = b"ZQXLATE"


def main_items(folder: MeetingFolder) -> list[dict[str, Any]]:
    return [
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 2)]},
        {"title": "Leisure", "attachments": [folder.pdf("leisure-report.pdf", 1)]},
        {"title": "Planning"},
        {"title": "Land sale", "exempt": 3, "attachments": [folder.pdf("land.pdf", 1)]},
    ]


def with_late(folder: MeetingFolder, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    late = copy.deepcopy(items)
    folder.pdf("late-land.pdf", [f"{CANARY.decode()}-land"])
    folder.pdf("late-terms.pdf", [f"{CANARY.decode()}-terms"])
    late[1]["attachments"] += [
        {"file": folder.pdf("addendum.pdf", 1), "supplement": 1},
        {"file": "late-terms.pdf", "supplement": 1, "exempt": 1, "reason": "Staff names"}]
    late.insert(1, {"title": "Late report", "supplement": 1,
                    "attachments": [folder.pdf("late.pdf", 1)]})
    late.insert(3, {"title": "Late land", "supplement": 1, "exempt": 2,
                    "attachments": ["late-land.pdf"]})
    return late


def build_all(folder: MeetingFolder, items: list[dict[str, Any]], out: Path) -> list[bytes]:
    path = folder.write(basic_meeting(items))
    out.mkdir()
    build_pack(path, out / "pack.pdf", html=True)
    build_pack(path, out / "private.pdf", private=True)
    return [(out / name).read_bytes() for name in ("pack.pdf", "pack.html", "private.pdf")]


def test_late_material_leaves_the_main_pack_byte_identical(folder: MeetingFolder,
                                                            tmp_path: Path) -> None:
    """Even through an override that prints everything the meeting holds."""
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "frontsheet.html").write_text(
        '{% extends "!theme/frontsheet.html" %}{% block notices %}'
        "{% for item in meeting.items %}<p>{{ item.number }} {{ item.title }} {{ item.reason }}"
        "{% for a in item.attachments %} {{ a.file.name }} {{ a.title }}{% endfor %}</p>"
        "{% endfor %}{% endblock %}")
    items = main_items(folder)
    without = build_all(folder, items, tmp_path / "without")
    with_supplement = build_all(folder, with_late(folder, items), tmp_path / "with")
    for before, after, name in zip(without, with_supplement,
                                   ("public pack", "HTML agenda", "private pack"), strict=True):
        assert before == after, f"the {name} changed"
    assert canaries(tmp_path / "with" / "pack.pdf", tmp_path, CANARY) == []


def test_the_supplement_has_its_own_exclusion_and_late_numbers(folder: MeetingFolder,
                                                               tmp_path: Path) -> None:
    path = folder.write(basic_meeting(with_late(folder, main_items(folder))))
    out = tmp_path / "supp.pdf"
    build_pack(path, out, supplement=1)
    agenda = " ".join(page_texts(out)[0].split())
    # The late item between items 1 and 2 is 1a; the main agenda keeps 1, 2, 3, ...
    assert re.search(r"1a\. LATE REPORT .* 2\. LEISURE", agenda), agenda
    # Leisure's late exempt attachment comes before the main agenda's exclusion item, so
    # the supplement excludes the public itself, just before it.
    assert re.search(r"1a\. LATE REPORT .* 1b\. EXCLUSION OF THE PUBLIC .* 2\. LEISURE Page "
                     r"\d+ Part of this item is not for publication by virtue of paragraph 1 "
                     r".* 2a\. LATE LAND This item is not for publication by virtue of "
                     r"paragraph 2 ", agenda), agenda
    assert canaries(out, tmp_path, CANARY) == []
    main = tmp_path / "main.pdf"
    build_pack(path, main)
    main_agenda = " ".join(page_texts(main)[0].split())
    assert re.search(r"1\. BUDGET .* 2\. LEISURE .* 3\. PLANNING 4\. EXCLUSION OF THE "
                     r"PUBLIC .* 5\. LAND SALE This item is not for publication", main_agenda)
    assert "LATE" not in main_agenda and "Part of this item" not in main_agenda


def test_an_item_exempt_only_through_an_attachment_gets_an_exclusion(
        folder: MeetingFolder) -> None:
    items = [{"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1)]},
             {"title": "Leisure", "attachments": [
                 folder.pdf("leisure.pdf", 1), {"file": folder.pdf("terms.pdf", 1),
                                                "exempt": 1}]}]
    path = folder.write(basic_meeting(items))
    build_pack(path, folder.root / "pack.pdf")
    agenda = " ".join(page_texts(folder.root / "pack.pdf")[0].split())
    assert re.search(r"1\. BUDGET .* 2\. EXCLUSION OF THE PUBLIC .* 3\. LEISURE .* Part of "
                     r"this item is not for publication", agenda), agenda


def test_a_late_item_before_the_first_main_item_is_lettered_after_none(
        folder: MeetingFolder) -> None:
    """Also the exclusion item a supplement needs before the very first item."""
    items = [{"title": "Report", "attachments": [
                 folder.pdf("pub.pdf", 1), {"file": folder.pdf("sec.pdf", 1), "exempt": 3,
                                            "supplement": 1}]},
             {"title": "Late", "supplement": 1, "attachments": [folder.pdf("late.pdf", 1)]},
             {"title": "Other"}]
    path = folder.write(basic_meeting(items))
    out = folder.root / "supp.pdf"
    build_pack(path, out, supplement=1)
    agenda = " ".join(page_texts(out)[0].split())
    assert re.search(r"0a\. EXCLUSION OF THE PUBLIC .* 1\. REPORT .* 1a\. LATE ", agenda), agenda
    main = folder.root / "main.pdf"
    build_pack(path, main)
    main_agenda = " ".join(page_texts(main)[0].split())
    assert re.search(r"1\. REPORT .* 2\. OTHER", main_agenda) and "EXCLUSION" not in main_agenda


@pytest.mark.parametrize(("title", "where", "added"), [
    ("Exclusion of the public", 1, False),
    ("EXCLUSION OF THE PRESS AND PUBLIC", 1, False),
    ("Exclusion of press and public", 1, False),
    # A title that merely mentions it, or the officer's own item after the exempt one.
    ("Petition on the exclusion of the public from Mill Park", 1, True),
    ("Exclusion of the public", 3, True),
])
def test_only_a_real_exclusion_item_before_the_exempt_one_counts(
        folder: MeetingFolder, title: str, where: int, added: bool) -> None:
    items: list[dict[str, Any]] = [{"title": "Apologies"},
                                   {"title": "Land deal", "exempt": 3}, {"title": "Close"}]
    items.insert(where, {"title": title})
    path = folder.write(basic_meeting(items))
    build_pack(path, folder.root / "pack.pdf")
    agenda = " ".join(page_texts(folder.root / "pack.pdf")[0].split())
    before_land = agenda[:agenda.index("LAND DEAL")]
    assert ("EXCLUSION OF THE PUBLIC To consider excluding the public" in before_land) == added
    assert re.search(r"EXCLUSION OF (THE )?(PRESS AND )?(THE )?PUBLIC", before_land)
