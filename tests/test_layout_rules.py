"""layout.py's rules, read from the plan itself: which documents a pack holds, where each
page goes and what number it prints. No PDF is read or written: the meeting is validated
from YAML and every document's page count is given."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from packgen.jurisdiction import england
from packgen.layout import (
    PUBLIC,
    Label,
    Pack,
    Plan,
    agenda_items,
    last_exempt,
    last_number,
    pack_documents,
    plan_private,
    plan_public,
)
from packgen.model import Attachment, Meeting
from packgen.schema import validate
from tests.conftest import basic_meeting

PRIVATE = Pack(private=True)


def meeting(tmp_path: Path, items: list[dict[str, Any]], **extra: Any) -> Meeting:
    """A validated meeting whose PDFs are stubs: layout needs only their page counts."""
    tmp_path.mkdir(exist_ok=True)
    for item in items:
        for attachment in item.get("attachments", []):
            name = attachment if isinstance(attachment, str) else attachment["file"]
            if name.endswith(".pdf"):
                (tmp_path / name).write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n")
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(basic_meeting(items, **extra), sort_keys=False))
    return validate(path)


def counts(meeting: Meeting, pages: dict[str, int]) -> dict[Attachment, int]:
    """Each document's page count, by file name (one page unless ``pages`` says)."""
    every = [a for s in (None, 1, 2) for _, a, _ in pack_documents(meeting, Pack(True, s))]
    return {a: pages.get(a.file.name, 1) for a in every}


def paragraph(stamp: tuple[str, str] | None) -> int | None:
    """The paragraph an exempt page's stamp names under NOT FOR PUBLICATION."""
    if stamp is None:
        return None
    assert stamp[0] == "NOT FOR PUBLICATION"
    found = re.fullmatch(r"Exempt under paragraph (\d) of Part 1 of Schedule 12A to the Local "
                         r"Government Act 1972", stamp[1])
    assert found, stamp
    return int(found[1])


def runs(plan: Plan) -> list[tuple[str, int, int, str, int | None]]:
    """(kind, first page, pages, file, exempt paragraph) of every placement."""
    return [(p.kind, p.start, p.pages, p.attachment.file.name if p.attachment else "",
             paragraph(p.exempt)) for p in plan.placements]


def labels(plan: Plan) -> list[str]:
    return [str(label) for label in plan.labels]


def public_and_private(meeting: Meeting, pages: dict[str, int], front: int = 1
                       ) -> tuple[Plan, Plan]:
    sizes = counts(meeting, pages)
    public = plan_public(meeting, PUBLIC, front, sizes)
    return public, plan_private(meeting, public, front, sizes, PRIVATE)


# -- fillers ---------------------------------------------------------------------------------


def test_every_document_starts_on_a_right_hand_page(tmp_path: Path) -> None:
    m = meeting(tmp_path, [{"title": "A", "attachments": ["a.pdf", "b.pdf"]},
                           {"title": "B", "attachments": ["c.pdf"]}])
    plan = plan_public(m, PUBLIC, 1, counts(m, {"a.pdf": 3, "b.pdf": 2, "c.pdf": 1}))
    assert runs(plan) == [
        ("front", 0, 1, "", None), ("filler", 1, 1, "", None),
        ("attachment", 2, 3, "a.pdf", None), ("filler", 5, 1, "", None),
        ("attachment", 6, 2, "b.pdf", None),  # even length: no filler needed
        ("attachment", 8, 1, "c.pdf", None),
    ]
    assert all(p.start % 2 == 0 for p in plan.placements if p.kind != "filler")
    assert plan.body_start == 2 and plan.total == 9


def test_without_duplex_documents_follow_each_other(tmp_path: Path) -> None:
    m = meeting(tmp_path, [{"title": "A", "attachments": ["a.pdf", "b.pdf"]}], duplex=False)
    plan = plan_public(m, PUBLIC, 1, counts(m, {"a.pdf": 3}))
    assert runs(plan) == [("front", 0, 1, "", None), ("attachment", 1, 3, "a.pdf", None),
                          ("attachment", 4, 1, "b.pdf", None)]
    assert plan.body_start == 1


def test_an_items_pages_leave_out_its_trailing_filler(tmp_path: Path) -> None:
    m = meeting(tmp_path, [{"title": "A", "attachments": ["a.pdf"]},
                           {"title": "B", "attachments": ["b.pdf"]},
                           {"title": "Verbal"}])
    plan = plan_public(m, PUBLIC, 2, counts(m, {"a.pdf": 3, "b.pdf": 2}))
    a, b, verbal = m.items
    assert plan.item_spans(a) == [(2, 4)]  # page 5 is the filler before B
    assert plan.item_spans(b) == [(6, 7)]
    assert plan.item_spans(verbal) == []


# -- page numbers and labels ---------------------------------------------------------------


def test_page_numbers_count_the_front_sheet(tmp_path: Path) -> None:
    m = meeting(tmp_path, [{"title": "A", "attachments": ["a.pdf"]}])
    plan = plan_public(m, PUBLIC, 1, counts(m, {"a.pdf": 2}))
    assert labels(plan) == ["1", "2", "3", "4"]
    assert last_number(plan) == 4


def test_an_uncounted_front_sheet_reads_roman(tmp_path: Path) -> None:
    m = meeting(tmp_path, [{"title": "A", "attachments": ["a.pdf"]}],
                page_numbers={"count_front_sheet": False})
    plan = plan_public(m, PUBLIC, 3, counts(m, {"a.pdf": 2}))
    assert labels(plan) == ["i", "ii", "iii", "iv", "1", "2"]
    assert plan.labels[0] == Label(1, roman=True)
    assert last_number(plan) == 2  # roman pages are not where a supplement carries on


def test_roman_numerals() -> None:
    assert [str(Label(n, roman=True)) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == [
        "i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv"]


# -- exempt documents ----------------------------------------------------------------------


EXEMPT_AGENDA: list[dict[str, Any]] = [
    {"title": "Open", "attachments": ["open.pdf"]},
    {"title": "Closed", "exempt": 3, "attachments": ["closed.pdf"]},
    {"title": "Mixed", "attachments": ["mixed-public.pdf",
                                       {"file": "mixed-secret.pdf", "exempt": 1}]},
]


def test_the_public_pack_leaves_exempt_documents_out(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    public, _ = public_and_private(m, {"open.pdf": 1, "mixed-public.pdf": 2})
    assert [r[3] for r in runs(public) if r[0] == "attachment"] == ["open.pdf",
                                                                    "mixed-public.pdf"]
    assert public.exempt_pages() == {}
    assert not any(label.prefix for label in public.labels)


def test_the_private_pack_holds_them_numbered_apart(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    public, private = public_and_private(
        m, {"open.pdf": 1, "closed.pdf": 3, "mixed-public.pdf": 2, "mixed-secret.pdf": 1})
    assert runs(private) == [
        ("front", 0, 1, "", None), ("filler", 1, 1, "", None),
        ("attachment", 2, 1, "open.pdf", None), ("filler", 3, 1, "", None),
        ("attachment", 4, 3, "closed.pdf", 3), ("filler", 7, 1, "", 3),
        ("attachment", 8, 2, "mixed-public.pdf", None),
        ("attachment", 10, 1, "mixed-secret.pdf", 1), ("filler", 11, 1, "", 1),
    ]
    # Public pages keep their public numbers; exempt ones read E1, E2 ...
    assert labels(private) == ["1", "2", "3", "4", "E1", "E2", "E3", "E4", "5", "6", "E5", "E6"]
    assert labels(public) == ["1", "2", "3", "4", "5", "6"]
    assert last_exempt(private) == 6 and last_number(private) == last_number(public)
    assert {index: paragraph(stamp) for index, stamp in private.exempt_pages().items()} == {
        4: 3, 5: 3, 6: 3, 7: 3, 10: 1, 11: 1}


def test_a_run_of_exempt_pages_keeps_later_public_pages_on_their_side(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    for closed in (1, 2, 3, 4):
        public, private = public_and_private(
            m, {"open.pdf": 1, "closed.pdf": closed, "mixed-public.pdf": 2})
        side = {p.attachment: p.start % 2 for p in public.placements if p.attachment}
        for p in private.placements:
            if p.attachment in side:
                assert p.start % 2 == side[p.attachment], closed


def test_an_exempt_items_pages_are_a_span_of_their_own(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    public, private = public_and_private(
        m, {"open.pdf": 1, "closed.pdf": 3, "mixed-public.pdf": 2, "mixed-secret.pdf": 1})
    closed, mixed = m.items[2], m.items[3]  # after the exclusion item
    assert public.item_spans(closed) == [] and private.item_spans(closed) == [(4, 6)]
    assert public.item_spans(mixed) == [(4, 5)]
    assert private.item_spans(mixed) == [(8, 9), (10, 10)]  # public span, then exempt


def test_the_exclusion_item_comes_before_the_first_exempt_item(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    titles = [item.title for item in agenda_items(m, PUBLIC)]
    assert titles == ["Open", england().text("exclusion_title"), "Closed", "Mixed"]
    public, private = public_and_private(m, {})
    exclusion = m.items[1]
    assert exclusion.attachments == ()
    assert public.item_spans(exclusion) == private.item_spans(exclusion) == []
    assert [item.number for item in m.items] == ["1", "2", "3", "4"]


def test_a_longer_private_front_sheet_reads_roman(tmp_path: Path) -> None:
    m = meeting(tmp_path, EXEMPT_AGENDA)
    sizes = counts(m, {})
    public = plan_public(m, PUBLIC, 1, sizes)
    private = plan_private(m, public, 3, sizes, PRIVATE)
    # Its pages (and filler) cannot take the public front sheet's numbers.
    assert labels(private) == ["i", "ii", "iii", "iv", "3", "4", "E1", "E2", "5", "E3", "E4",
                               "E5"]
    assert private.body_start == 4 and public.body_start == 2


def test_an_exempt_reports_appendix_follows_it_as_exempt(tmp_path: Path) -> None:
    (tmp_path / "appendix.pdf").write_bytes(b"%PDF-1.4\n% appendix\n")
    (tmp_path / "report.yaml").write_text("kind: report\ntitle: Contract award\n"
                                          "appendices: [appendix.pdf]\n")
    m = meeting(tmp_path, [{"title": "Award", "exempt": 3, "attachments": ["report.yaml"]}])
    public, private = public_and_private(m, {"report.yaml": 2, "appendix.pdf": 1})
    [report, appendix] = [p for p in private.placements if p.kind == "attachment"]
    assert (report.attachment, report.parent) == (m.items[1].attachments[0], None)
    assert appendix.parent is report.attachment and paragraph(appendix.exempt) == 3
    assert appendix.start == report.last + 1
    assert [p.kind for p in public.placements] == ["front", "filler"]


# -- supplements ---------------------------------------------------------------------------


LATE_AGENDA: list[dict[str, Any]] = [
    {"title": "A", "attachments": ["a.pdf", {"file": "a-late.pdf", "supplement": 1}]},
    {"title": "B", "attachments": ["b.pdf"]},
    {"title": "Late", "supplement": 1, "attachments": ["late.pdf"]},
    {"title": "Late and verbal", "supplement": 1},
]


def test_late_material_goes_in_its_own_pack(tmp_path: Path) -> None:
    m = meeting(tmp_path, LATE_AGENDA)
    main = [a.file.name for _, a, _ in pack_documents(m, PUBLIC)]
    late = [a.file.name for _, a, _ in pack_documents(m, Pack(False, 1))]
    assert (main, late) == (["a.pdf", "b.pdf"], ["a-late.pdf", "late.pdf"])
    assert [i.title for i in agenda_items(m, PUBLIC)] == ["A", "B"]
    assert [i.title for i in agenda_items(m, Pack(False, 1))] == ["A", "Late",
                                                                   "Late and verbal"]


def test_the_main_pack_is_the_same_without_late_material(tmp_path: Path) -> None:
    with_late = meeting(tmp_path / "with", LATE_AGENDA)
    without = meeting(tmp_path / "without", [{"title": "A", "attachments": ["a.pdf"]},
                                             {"title": "B", "attachments": ["b.pdf"]}])
    pages = {"a.pdf": 3, "b.pdf": 2, "a-late.pdf": 5, "late.pdf": 1}
    plans = [plan_public(m, PUBLIC, 1, counts(m, pages)) for m in (with_late, without)]
    assert runs(plans[0]) == runs(plans[1]) and labels(plans[0]) == labels(plans[1])


def test_a_supplements_numbers_carry_on_after_the_main_pack(tmp_path: Path) -> None:
    m = meeting(tmp_path, LATE_AGENDA)
    sizes = counts(m, {"a.pdf": 3, "b.pdf": 2, "a-late.pdf": 2})
    main = plan_public(m, PUBLIC, 1, sizes)
    late = plan_public(m, Pack(False, 1), 1, sizes, last_number(main) + 1)
    assert runs(late) == [("front", 0, 1, "", None), ("filler", 1, 1, "", None),
                          ("attachment", 2, 2, "a-late.pdf", None),
                          ("attachment", 4, 1, "late.pdf", None)]
    assert last_number(main) == 8
    assert labels(late) == ["9", "10", "11", "12", "13"]


def test_an_uncounted_supplement_front_sheet_reads_roman_too(tmp_path: Path) -> None:
    m = meeting(tmp_path, LATE_AGENDA, page_numbers={"count_front_sheet": False})
    sizes = counts(m, {"a.pdf": 3, "b.pdf": 2, "a-late.pdf": 2})
    main = plan_public(m, PUBLIC, 1, sizes)
    late = plan_public(m, Pack(False, 1), 1, sizes, last_number(main) + 1)
    assert labels(main) == ["i", "ii", "1", "2", "3", "4", "5", "6"]
    assert labels(late) == ["i", "ii", "7", "8", "9"]
