"""Every jurisdiction's law, as its theme file (or packgen.yaml) states it, in the packs.

The built-in files are read generically: whatever ``templates/jurisdictions/`` holds,
each file's every paragraph key is taken, an unknown one lists them, and its wording is
what the agenda, the exclusion item and the stamps print.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import ValidationError
from packgen.jurisdiction import Jurisdiction, load
from packgen.schema import validate
from tests.conftest import MeetingFolder, basic_meeting, page_texts
from tests.test_exempt import canary_pdf, every_byte

NAMES = sorted(p.stem for p in (theme_dir() / "jurisdictions").glob("*.yaml"))
ENGLAND = yaml.safe_load((theme_dir() / "jurisdictions" / "england.yaml").read_text())


def flat(text: str) -> str:
    return " ".join(text.split())


def first_key(law: Jurisdiction) -> tuple[Any, dict[str, Any]]:
    """An exempt: value the law takes, and what else the item or meeting then needs."""
    if not law.paragraphs:
        return True, {"special_reasons": "a named employee's conduct"}
    paragraph = law.paragraphs[0]
    return paragraph.key, {}


def problems(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate(path)
    return [f"{p.position.line}:{p.position.column}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize("name", NAMES)
def test_every_key_of_every_jurisdiction_is_taken_and_an_unknown_one_lists_them(
        folder: MeetingFolder, name: str) -> None:
    law = load(name)
    for paragraph in law.paragraphs:
        kinds = {"meeting_type": paragraph.meeting_types[0]} if paragraph.meeting_types else {}
        path = folder.write(basic_meeting([{"title": "Closed", "exempt": paragraph.key}],
                                          jurisdiction=name, **kinds))
        [item] = [i for i in validate(path).items if i.title == "Closed"]
        assert item.exempt == (paragraph.key,)
    path = folder.write(f"jurisdiction: {name}\norganisation: C\nbody: B\ndate: 2026-07-08\n"
                        "time: '16:00'\nvenue: V\nitems:\n  - title: A\n    exempt: ZZ9\n")
    said = problems(path)
    if law.paragraphs:
        keys = ", ".join(p.key for p in law.paragraphs if not p.meeting_types)
        limited = [p.key for p in law.paragraphs if p.meeting_types]
        if limited:  # offered only as what another kind of meeting may use
            keys += f" ({', '.join(limited)} only with meeting_type: standards)"
        assert said == [f'9:13: items[0].exempt: no paragraph "ZZ9" in {law.say(law.title)}\'s '
                        f"table of exempt information; valid keys: {keys}"]
    else:
        assert said == [f"9:13: items[0].exempt: {law.say(law.title)} has no paragraphs of "
                        'exempt information: write "exempt: true" with the special reasons in '
                        '"special_reasons:"']


@pytest.mark.parametrize("name", NAMES)
def test_each_jurisdictions_wording_on_the_agenda_the_exclusion_item_and_the_stamps(
        folder: MeetingFolder, name: str) -> None:
    law = load(name)
    key, extra = first_key(law)
    items = [{"title": "Open", "attachments": [folder.pdf("open.pdf", 1)]},
             {"title": "Closed", "exempt": key, **extra,
              "attachments": [folder.pdf("closed.pdf", 1)]},
             {"title": "Secret", "confidential": True,
              "attachments": [folder.pdf("secret.pdf", 1)]}]
    if not law.confidential:
        items.pop()
    path = folder.write(basic_meeting(items), {"jurisdiction": name})
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    keys = (key,) if law.paragraphs else ()
    agenda = flat(" ".join(page_texts(public)[:2]))
    assert flat(law.text("exempt_item", keys)) in agenda
    assert flat(law.text("exclusion_title")).upper() in agenda
    assert flat(law.text("exclusion", keys)) in agenda
    if "{paragraphs}" in dict(law.wording)["exclusion"][0][1]:
        assert f"{law.joined(keys)} " in flat(law.text("exclusion", keys))
    if law.confidential:
        assert flat(law.text("confidential_item")) in agenda
    pages = [flat(t) for t in page_texts(private)]
    closed = next(t for t in pages if "closed-p1" in t)
    heading, line = flat(law.text("stamp_heading")), flat(law.text("stamp_exempt", keys))
    assert heading in closed and line in closed
    assert not any(heading in t for t in pages if "open-p1" in t)
    if law.confidential:
        secret = next(t for t in pages if "secret-p1" in t)
        assert heading in secret and flat(law.text("stamp_confidential")) in secret


def test_several_keys_are_joined_in_the_tables_order(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "Land", "exempt": [5, "1", 3],
                                        "attachments": [folder.pdf("land.pdf", 1)]}]))
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    assert ("This item is not for publication by virtue of paragraphs 1, 3 and 5 of Part 1 of "
            "Schedule 12A to the Local Government Act 1972.") in flat(page_texts(public)[0])
    stamped = next(flat(t) for t in page_texts(private) if "land-p1" in t)
    assert ("Exempt under paragraphs 1, 3 and 5 of Part 1 of Schedule 12A to the Local "
            "Government Act 1972") in stamped


def test_an_unknown_key_in_a_list_is_a_problem_at_that_key(folder: MeetingFolder) -> None:
    path = folder.write("organisation: C\nbody: B\ndate: 2026-07-08\ntime: '16:00'\nvenue: V\n"
                        "items:\n  - title: A\n    attachments:\n"
                        "      - {file: a.pdf, exempt: [1, 9, 3]}\n")
    folder.pdf("a.pdf", 1)
    assert problems(path) == ['9:35: items[0].attachments[0].exempt[1]: no paragraph "9" in '
                              "England's table of exempt information; valid keys: 1, 2, 3, 4, "
                              "5, 6, 7"]


def custom(**changes: Any) -> dict[str, Any]:
    """packgen.yaml for jurisdiction: custom, with england.yaml's keys."""
    access = {**ENGLAND["access_to_information"], **changes}
    return {"jurisdiction": "custom", "access_to_information": access,
            "notice": ENGLAND["notice"]}


STANDARDS = [*ENGLAND["access_to_information"]["paragraphs"],
             {"key": "18A", "description": "Standards hearings.", "meeting_types": ["standards"]}]


def test_a_key_for_standards_hearings_needs_the_meeting_to_say_so(folder: MeetingFolder) -> None:
    text = ("organisation: C\nbody: B\ndate: 2026-07-08\ntime: '16:00'\nvenue: V\n"
            "items:\n  - title: A\n    exempt: \"18a\"\n")
    path = folder.write(text, custom(paragraphs=STANDARDS))
    assert problems(path) == ["8:13: items[0].exempt: paragraph 18A applies only to a meeting "
                              "that says meeting_type: standards"]
    folder.write("meeting_type: Standards\n" + text)
    [item] = [i for i in validate(path).items if i.title == "A"]
    assert item.exempt == ("18A",)  # the table's spelling


def test_a_custom_jurisdiction_prints_its_own_law(folder: MeetingFolder) -> None:
    wording = {**ENGLAND["access_to_information"]["wording"],
               "exempt_item": "Closed under {paragraphs} of {statute}.",
               "paragraph": "clause", "stamp_heading": "RESTRICTED",
               "stamp_exempt": "Restricted: {paragraphs}"}
    config = custom(statute="the Trust's Standing Orders", paragraphs=STANDARDS,
                    wording=wording)
    path = folder.write(basic_meeting([{"title": "Case", "exempt": "18A", "attachments": [
        folder.pdf("case.pdf", 1)]}], meeting_type="standards"), config)
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    assert "Closed under clause 18A of the Trust's Standing Orders." in flat(
        page_texts(public)[0])
    stamped = next(flat(t) for t in page_texts(private) if "case-p1" in t)
    assert "RESTRICTED" in stamped and "Restricted: clause 18A" in stamped


def test_a_custom_jurisdiction_missing_keys_is_a_problem_at_its_line(
        folder: MeetingFolder) -> None:
    config = "organisation: C\njurisdiction: Custom\naccess_to_information:\n  statute: X\n"
    path = folder.write(basic_meeting([{"title": "A"}]), config)
    assert problems(path) == [
        "2:15: jurisdiction: custom needs access_to_information.exclusion_power, "
        "access_to_information.public_interest, access_to_information.wording, "
        "notice.clear_days, notice.skip, notice.calendar, notice.source (in packgen.yaml or "
        "the meeting)"]


def test_a_misspelt_jurisdiction_gets_a_hint(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "A"}], jurisdiction="englnd"))
    assert len(problems(path)) == 1 and '(did you mean "england"?)' in problems(path)[0]


def test_a_built_in_law_is_not_adjusted_but_its_notice_is(folder: MeetingFolder) -> None:
    local = {"clear_days": 3, "extra_days": [datetime.date(2026, 7, 6)]}
    path = folder.write(basic_meeting([{"title": "A"}], notice=local),
                        {"jurisdiction": "england", "notice": {"source": "standing order 4"}})
    rule = validate(path).jurisdiction.notice
    assert (rule.clear_days, rule.source, rule.calendar) == (3, "standing order 4",
                                                             "england-and-wales")
    assert [str(d) for d in rule.extra_days] == ["2026-07-06"]
    folder.write(basic_meeting([{"title": "A"}], access_to_information={"statute": "X"}))
    [said] = problems(path)
    assert said.startswith("7:3: access_to_information: England's law is "
                           "the theme's")


def test_england_explicit_default_and_custom_copy_are_byte_identical(
        folder: MeetingFolder) -> None:
    items = [{"title": "Open", "attachments": [folder.pdf("open.pdf", 1)]},
             {"title": "Land", "exempt": [3, 1], "attachments": [folder.pdf("land.pdf", 2)]},
             {"title": "Names", "confidential": True,
              "attachments": [folder.pdf("names.pdf", 1)]}]
    packs: dict[str, list[bytes]] = {}
    for label, config in (("default", {}), ("explicit", {"jurisdiction": "england"}),
                          ("custom", custom())):
        path = folder.write(basic_meeting(items), config)
        (folder.root / label).mkdir()
        out = [folder.root / label / "pack.pdf", folder.root / label / "private.pdf"]
        build_pack(path, out[0], html=True)
        build_pack(path, out[1], private=True)
        packs[label] = [p.read_bytes() for p in out] + [
            (folder.root / label / "pack.html").read_bytes()]
    assert packs["default"] == packs["explicit"] == packs["custom"]


def test_a_broken_theme_file_is_one_problem_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "jurisdictions").mkdir()
    text = (theme_dir() / "jurisdictions" / "england.yaml").read_text()
    broken = text.replace("stamp_heading: NOT FOR PUBLICATION",
                          "stamp_heading: NOT FOR {publication}")
    (tmp_path / "jurisdictions" / "england.yaml").write_text(broken)
    line = broken.splitlines().index("    stamp_heading: NOT FOR {publication}") + 1
    with pytest.raises(ValidationError) as caught:
        load("england", theme=tmp_path)
    [problem] = caught.value.problems
    assert (problem.position.line, problem.position.column) == (line, 20)
    assert problem.message == ("access_to_information.wording.stamp_heading: unknown "
                               "placeholder {publication} (placeholders: {confidential}, "
                               "{exclusion_power}, {paragraphs}, {statute})")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("how", ["key", "list", "confidential"])
def test_no_withheld_material_leaks_in_any_jurisdiction(folder: MeetingFolder, tmp_path: Path,
                                                        name: str, how: str) -> None:
    law = load(name)
    if how == "confidential" and not law.confidential:
        pytest.skip(f"{name} has no confidential information")
    key, extra = first_key(law)
    keys = [p.key for p in law.paragraphs if not p.meeting_types][:2]
    withheld: dict[str, Any] = ({"confidential": True} if how == "confidential" else
                                {"exempt": keys if how == "list" and keys else key, **extra})
    canary = "ZQXCANARY"
    (folder.folder / "secret.yaml").write_text(
        f"kind: report\ntitle: {canary}-TITLE\nsections:\n  - heading: H\n"
        f"    body: {canary}-BODY\n")
    items = [{"title": "Open", "attachments": [folder.pdf("open.pdf", 1)]},
             {"title": "Whole", **withheld, "attachments": [canary_pdf(folder, f"{canary}.pdf"),
                                                            "secret.yaml"]},
             {"title": "Part", "attachments": [folder.pdf("part.pdf", 1), {
                 "file": canary_pdf(folder, f"{canary}-app.pdf"), **withheld,
                 "title": f"{canary}-APP"}]}]
    path = folder.write(basic_meeting(items), {"jurisdiction": name})
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public, html=True)
    build_pack(path, private, private=True)
    assert re.findall(rb"ZQXCANARY[-\w]*", every_byte(public, tmp_path)) == []
    assert canary not in (folder.root / "public.html").read_text()
    assert b"ZQXCANARY-BODY" in every_byte(private, tmp_path)
    # A withheld item is bookmarked only in the pack that holds it, as exempt items are.
    assert not [title for title in bookmarks(public) if title.endswith(". Whole")]
    assert [title for title in bookmarks(private) if title.endswith(". Whole")]


def bookmarks(pdf: Path) -> list[str]:
    def titles(entries: list[Any]) -> list[str]:
        return [t for e in entries for t in (titles(e) if isinstance(e, list) else [e.title])]
    return titles(PdfReader(pdf).outline)


def test_a_law_without_paragraphs_takes_exempt_true_with_its_reasons(
        folder: MeetingFolder) -> None:
    wording = {**ENGLAND["access_to_information"]["wording"],
               "exempt_item": "The public may be excluded from this item under {statute}.",
               "stamp_exempt": "Special reasons: {statute}"}
    access = {key: value for key, value in ENGLAND["access_to_information"].items()
              if key not in ("paragraphs", "confidential")}
    config = {"jurisdiction": "custom", "notice": ENGLAND["notice"], "access_to_information": {
        **access, "statute": "section 1(2) of the Public Bodies (Admission to Meetings) Act "
        "1960", "wording": wording}}
    text = ("organisation: C\nbody: B\ndate: 2026-07-08\ntime: '16:00'\nvenue: V\nitems:\n"
            "  - {title: A, exempt: true}\n  - {title: B, exempt: 3}\n"
            "  - {title: C, confidential: true}\n")
    path = folder.write(text, config)
    assert problems(path) == [
        '7:24: items[0].exempt: exempt: true needs "special_reasons:", the special reasons the '
        'resolution to exclude the public must state (public; "reason:" is for the private '
        "pack)",
        "8:24: items[1].exempt: the custom jurisdiction has no paragraphs of exempt information: "
        'write "exempt: true" with the special reasons in "special_reasons:"',
        "9:5: items[2].confidential: the custom jurisdiction has no category of confidential "
        "information; use exempt: instead"]
    path = folder.write(basic_meeting([{"title": "Staffing", "exempt": True, "reason": "A named "
                                        "employee's conduct.", "special_reasons": "staffing",
                                        "attachments": [
                                            folder.pdf("staff.pdf", 1)]}]), config)
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    agenda = flat(page_texts(public)[0])
    assert ("The public may be excluded from this item under section 1(2) of the Public Bodies "
            "(Admission to Meetings) Act 1960.") in agenda
    assert "named employee" not in agenda
    stamped = next(flat(t) for t in page_texts(private) if "staff-p1" in t)
    assert "Special reasons: section 1(2) of the Public Bodies" in stamped


def test_confidential_information_alone_is_excluded_without_weighing_anything(
        folder: MeetingFolder) -> None:
    """Section 100A(2): the public must be excluded; the public interest test is for exempt
    information only, so England's exclusion item does not claim it here."""
    items = [{"title": "Court order", "confidential": True,
              "attachments": [folder.pdf("order.pdf", 1)]}]
    path = folder.write(basic_meeting(items))
    build_pack(path, folder.root / "public.pdf")
    agenda = flat(page_texts(folder.root / "public.pdf")[0])
    assert ("The public must be excluded from the meeting during consideration of the "
            "following item(s), which would disclose confidential information within the "
            "meaning of section 100A(3) of the Local Government Act 1972, as section 100A(2) "
            "of the Local Government Act 1972 requires") in agenda
    assert "public interest" not in agenda


def test_special_reasons_where_they_would_print_nowhere_are_refused(
        folder: MeetingFolder) -> None:
    """Only exempt: true (a law without paragraphs) states special reasons in the
    resolution; given anywhere else they would silently print nowhere."""
    items = [{"title": "Land", "exempt": 3, "special_reasons": "SRENGLAND",
              "attachments": [folder.pdf("land.pdf", 1)]},
             {"title": "Open", "attachments": [
                 {"file": folder.pdf("open.pdf", 1), "special_reasons": "SRPUBLIC"}]}]
    with pytest.raises(ValidationError) as caught:
        validate(folder.write(basic_meeting(items)))
    assert [(p.position.line, p.message) for p in caught.value.problems] == [
        (7, 'items[0].special_reasons: only an item or document with "exempt: true" (a law '
            "without paragraphs, such as the 1960 Act) states special reasons; here they "
            "would print nowhere"),
        (14, 'items[1].attachments[0].special_reasons: only a document with "exempt: true" '
             "states special reasons; here they would print nowhere")]
