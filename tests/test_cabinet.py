"""An executive's (cabinet's) agenda: key decisions, their forward plan reference or urgency
route, urgent late items and representations about private items, printed on the front
sheet and the HTML agenda and checked where they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packgen import build_pack
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, page_texts

LINES = {
    "LIBRARY STRATEGY": "Key decision: forward plan reference FP/2026/041",
    "BUS DEPOT": "Key decision taken under the general exception (regulation 10 of SI "
                 "2012/2089): The grant offer expires on 10 July.",
    "FLOOD REPAIRS": "Key decision taken under special urgency (regulation 11 of SI "
                     "2012/2089), with the agreement of the Chair of the Overview and Scrutiny "
                     "Committee: Storm damage must be repaired before winter.",
    "LATE REPORT": "Urgent item (section 100B(4)(b) of the Local Government Act 1972): The "
                   "tender results arrived after the agenda was published.",
    "LAND SALE": "Representations received about why this item should be considered in "
                 "public (regulation 5 of SI 2012/2089): None were received.",
}


def cabinet_items() -> list[dict[str, object]]:
    return [
        {"title": "Apologies"},
        {"title": "Library strategy", "key_decision": True, "forward_plan_ref": "FP/2026/041"},
        {"title": "Bus depot", "key_decision": True,
         "urgency": {"route": "general-exception",
                     "reason": "The grant offer expires on 10 July."}},
        {"title": "Flood repairs", "key_decision": True,
         "urgency": {"route": "Special-Urgency", "reason": "Storm damage must be repaired before "
                     "winter.", "agreed_by": "the Chair of the Overview and Scrutiny Committee"}},
        {"title": "Late report",
         "urgent": "The tender results arrived after the agenda was published."},
        {"title": "Land sale", "exempt": 3, "representations": "None were received."},
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_each_line_is_printed_under_its_item(folder: MeetingFolder, tmp_path: Path) -> None:
    path = folder.write(basic_meeting(cabinet_items()))
    for private in (False, True):
        out = tmp_path / f"pack-{private}.pdf"
        build_pack(path, out, private=private)
        sheet = flat(page_texts(out)[0])
        titles = ["APOLOGIES", *LINES, "Information for members of the public"]
        for title, after in zip(titles, titles[1:], strict=False):
            row = sheet[sheet.index(title):sheet.index(after)]
            if title in LINES:
                assert LINES[title] in row, (title, row)
            else:
                assert "Key decision" not in row and "Urgent item" not in row
        # Representations belong with the wording that says the item is private.
        land = sheet[sheet.index("LAND SALE"):]
        assert land.index("not for publication") < land.index("Representations received")


def test_html_agenda_carries_them(folder: MeetingFolder, tmp_path: Path) -> None:
    path = folder.write(basic_meeting(cabinet_items()))
    build_pack(path, tmp_path / "pack.pdf", html=True)
    page = (tmp_path / "pack.html").read_text()
    entries = re.findall(r"<li>(.*?)</li>", page, re.S)
    by_title = {re.sub(r"<[^>]*>|Item \d+: ", "", re.search(r"<h3.*?</h3>", e, re.S)[0]).upper():
                flat(re.sub(r"<[^>]*>", " ", e)) for e in entries}
    for title, line in LINES.items():
        assert flat(line) in by_title[title], title
    assert "Key decision" not in by_title["APOLOGIES"]
    assert '<p class="decision">Urgent item' in page


def test_items_without_the_keys_print_exactly_as_before(folder: MeetingFolder,
                                                       tmp_path: Path) -> None:
    """The golden check (bash /work/golden/check.sh) holds the examples byte for byte; here
    an item saying key_decision: false prints exactly what an item without it does."""
    items = [{"title": "Budget"}, {"title": "Land sale", "exempt": 3}]
    packs = []
    for flagged in (False, True):
        listed = [dict(items[0], key_decision=False), items[1]] if flagged else items
        path = folder.write(basic_meeting(listed))
        out = tmp_path / f"pack-{flagged}.pdf"
        build_pack(path, out, html=True)
        packs.append((out.read_bytes(), out.with_suffix(".html").read_text()
                      .replace(out.stem, "PACK")))
    assert packs[0] == packs[1]
    # Not even a blank line where the notes would go: a title-only item's entry is as it was.
    assert re.search(r"Budget</h3>\n    </div>\n", packs[0][1])


HEAD = """\
organisation: Test Borough Council
body: Cabinet
date: 2026-07-08
time: "16:00"
venue: Town Hall
items:
"""

PROBLEMS = {
    "no reference": (
        "  - title: A\n    key_decision: true\n",
        ['8:5: error: items[0].key_decision: a key decision needs its forward plan reference '
         '(forward_plan_ref: ...) or, when it was not in the forward plan 28 clear days ahead, '
         'urgency: {route: general-exception or special-urgency, reason: ...} (regulations 9 '
         'to 11 of SI 2012/2089)']),
    "reference without key decision": (
        "  - title: A\n    forward_plan_ref: FP/1\n",
        ['8:5: error: items[0].forward_plan_ref: only a key decision has this: the item needs '
         '"key_decision: true"']),
    "urgency on a decision that is not key": (
        "  - title: A\n    key_decision: false\n    urgency: {route: general-exception, "
        "reason: x}\n",
        ['9:5: error: items[0].urgency: only a key decision has this: the item needs '
         '"key_decision: true"']),
    "misspelt route": (
        "  - title: A\n    key_decision: true\n    urgency: {route: special-urgancy, reason: x}\n",
        ['9:22: error: items[0].urgency.route: expected the route: "general-exception" '
         '(regulation 10) or "special-urgency" (regulation 11), found "special-urgancy" (did '
         'you mean "special-urgency"?)']),
    "empty reason": (
        "  - title: A\n    key_decision: true\n    urgency: {route: general-exception, "
        "reason: ''}\n",
        ["9:49: error: items[0].urgency.reason: empty: give the reason the decision cannot "
         "wait"]),
    "no reason": (
        "  - title: A\n    key_decision: true\n    urgency: {route: general-exception}\n",
        ['9:14: error: items[0].urgency: missing required key "reason"']),
    "agreement under the general exception": (
        "  - title: A\n    key_decision: true\n    urgency:\n      route: general-exception\n"
        "      reason: x\n      agreed_by: Cllr Y\n",
        ["12:7: error: items[0].urgency.agreed_by: the general exception needs no one's "
         "agreement (the chair of scrutiny is told, regulation 10); agreed_by is for special "
         "urgency (regulation 11)"]),
    "blank urgent reason": (
        "  - title: A\n    urgent: '  '\n",
        ["8:13: error: items[0].urgent: empty: give the reason the item is urgent"]),
    "representations on a public item": (
        "  - title: A\n    representations: None received.\n",
        ["8:5: error: items[0].representations: only an item considered in private has "
         "representations about it (regulation 5 of SI 2012/2089): the item and its documents "
         "have no exempt: paragraph"]),
}


@pytest.mark.parametrize("name", PROBLEMS)
def test_problems_point_at_the_key(name: str, folder: MeetingFolder, run_cli: BuildFn) -> None:
    text, expected = PROBLEMS[name]
    path = folder.write(HEAD + text)
    result = run_cli("validate", str(path))
    assert result.returncode == 1, result.stderr
    assert [line.split("meeting.yaml:", 1)[1] for line in result.stderr.splitlines()
            if "error:" in line] == expected
    assert "Traceback" not in result.stderr


def test_every_cabinet_problem_at_once(folder: MeetingFolder, run_cli: BuildFn) -> None:
    text = "".join(t for t, _ in PROBLEMS.values())
    path = folder.write(HEAD + text)
    result = run_cli("validate", str(path))
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert result.returncode == 1 and len(errors) == len(PROBLEMS)


def test_representations_about_an_exempt_appendix_are_accepted(folder: MeetingFolder,
                                                               tmp_path: Path) -> None:
    appendix = folder.pdf("valuation.pdf", 1)
    path = folder.write(basic_meeting([
        {"title": "Land sale", "representations": "One, from the Civic Society.",
         "attachments": [folder.pdf("report.pdf", 1), {"file": appendix, "exempt": 3}]}]))
    out = tmp_path / "pack.pdf"
    build_pack(path, out)
    assert "One, from the Civic Society." in flat(page_texts(out)[0])


def test_the_minutes_template_can_say_its_item_was_urgent(folder: MeetingFolder,
                                                          tmp_path: Path) -> None:
    (folder.folder / "minutes.yaml").write_text(
        "kind: minutes\ndate: 2026-06-10\nminutes:\n  - title: Budget\n    body: Agreed.\n")
    templates = folder.folder / "templates"
    templates.mkdir()
    (templates / "minutes.html").write_text(
        '{% extends "!theme/minutes.html" %}\n{% from "decisions.html" import notes %}\n'
        '{% block heading %}{{ super() }}'
        '{{ notes(item, meeting.jurisdiction, "doc-kind") }}{% endblock %}\n')
    path = folder.write(basic_meeting([
        {"title": "Minutes", "urgent": "The minutes were late.", "attachments": ["minutes.yaml"]}]))
    out = tmp_path / "pack.pdf"
    build_pack(path, out)
    assert "Urgent item (section 100B(4)(b) of the Local Government Act 1972): The minutes " \
        "were late." in flat(page_texts(out)[2])
    # The theme's own minutes say nothing of it: they are of an earlier meeting's business.
    (templates / "minutes.html").unlink()
    build_pack(path, out)
    assert "Urgent item" not in flat(page_texts(out)[2])


def test_editor_schema_knows_the_keys() -> None:
    from packgen.editor_schema import json_schema
    item = json_schema("meeting")["properties"]["items"]["items"]["properties"]
    assert {"key_decision", "forward_plan_ref", "urgency", "urgent", "representations"} <= set(item)
    assert item["urgency"]["properties"]["route"]["pattern"] == \
        "^(general-exception|special-urgency)$"


def test_the_wording_is_the_jurisdictions(folder: MeetingFolder, tmp_path: Path) -> None:
    """Scotland's late item cites its own Act; Wales's Welsh edition words it in Welsh."""
    late = [{"title": "Late report", "urgent": "The tender results came late."}]
    path = folder.write(basic_meeting(late, jurisdiction="scotland"))
    build_pack(path, tmp_path / "scotland.pdf")
    assert ("Urgent item (section 50B(4)(b) of the Local Government (Scotland) Act 1973): "
            "The tender results came late.") in flat(page_texts(tmp_path / "scotland.pdf")[0])
    late[0]["urgent_cy"] = "Daeth canlyniadau'r tendr yn hwyr."
    path = folder.write(basic_meeting(late, jurisdiction="wales"))
    build_pack(path, tmp_path / "cy.pdf", language="cy")
    assert ("Eitem frys (adran 100B(4)(b) Deddf Llywodraeth Leol 1972): Daeth canlyniadau'r "
            "tendr yn hwyr.") in flat(page_texts(tmp_path / "cy.pdf")[0])
    build_pack(path, tmp_path / "en.pdf")
    assert ("Urgent item (section 100B(4)(b) of the Local Government Act 1972): The tender "
            "results came late.") in flat(page_texts(tmp_path / "en.pdf")[0])


def test_a_key_the_law_does_not_word_is_refused_at_it(folder: MeetingFolder,
                                                      run_cli: BuildFn) -> None:
    path = folder.write(HEAD.replace("items:\n", "jurisdiction: parish\nitems:\n")
                        + "  - title: A\n    urgent: It came late.\n"
                        + "  - title: B\n    key_decision: true\n    forward_plan_ref: FP/1\n")
    result = run_cli("validate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split("meeting.yaml:", 1)[1] for line in result.stderr.splitlines()
            if "error:" in line] == [
        "9:5: error: items[0].urgent: Parish has no urgent items in its law "
        "(a custom jurisdiction may word them)",
        "11:5: error: items[1].key_decision: Parish has no key decisions in "
        "its law (a custom jurisdiction may word them)",
        "12:5: error: items[1].forward_plan_ref: Parish has no forward plan of "
        "key decisions in its law (a custom jurisdiction may word them)"]
