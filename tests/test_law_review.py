"""The law side after review: exempt keys judged whatever else is wrong, the keys a
meeting may use, messages that name the jurisdiction, and each law's own notices,
exclusion titles and special reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import ValidationError
from packgen.schema import validate
from tests.conftest import MeetingFolder, basic_meeting, page_texts

ENGLAND = yaml.safe_load((theme_dir() / "jurisdictions" / "england.yaml").read_text())

HEAD = "organisation: C\nbody: B\ndate: 2026-07-08\ntime: '16:00'\nvenue: V\n"


def problems(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate(path)
    return [f"{p.position.line}:{p.position.column}: {p.message}" for p in caught.value.problems]


WALES_KEYS = "12, 13, 14, 15, 16, 17, 18 (18A, 18B, 18C only with meeting_type: standards)"


def test_exempt_keys_are_judged_when_another_item_has_a_missing_file(
        folder: MeetingFolder) -> None:
    path = folder.write(HEAD + "jurisdiction: wales\nitems:\n"
                        "  - title: A\n    exempt: [3, \"18A\"]\n    attachments: [nothere.pdf]\n"
                        "  - title: B\n    attachments:\n"
                        "      - {file: missing.pdf, exempt: \"1\"}\n"
                        "      - {file: gone.pdf, confidential: true}\n")
    said = problems(path)
    assert f'9:14: items[0].exempt[0]: no paragraph "3" in Wales\'s table of exempt ' \
           f"information; valid keys: {WALES_KEYS}" in said
    assert "9:17: items[0].exempt[1]: paragraph 18A applies only to a meeting that says " \
           "meeting_type: standards" in said
    assert f'13:37: items[1].attachments[0].exempt: no paragraph "1" in Wales\'s table of ' \
           f"exempt information; valid keys: {WALES_KEYS}" in said
    assert sum("no such file" in p for p in said) == 3


def test_exempt_keys_are_judged_beside_a_wrong_presenter_with_the_items_path(
        folder: MeetingFolder) -> None:
    folder.pdf("s.pdf", 1)
    path = folder.write(HEAD + "items:\n  - title: A\n    exempt: true\n"
                        "    attachments: [s.pdf]\n  - title: B\n    presenter: [1]\n",
                        "jurisdiction: wales\n")
    assert problems(path) == [
        f"8:13: items[0].exempt: Wales lists exempt information by paragraph: give its key "
        f"({WALES_KEYS}), not true",
        "11:16: items[1].presenter: expected text, found a list"]


def test_an_unknown_key_lists_only_the_keys_a_standards_meeting_may_use(
        folder: MeetingFolder) -> None:
    path = folder.write(HEAD + "jurisdiction: wales\nmeeting_type: standards\nitems:\n"
                        "  - title: A\n    exempt: 3\n")
    assert problems(path) == ['10:13: items[0].exempt: no paragraph "3" in Wales\'s table of '
                              "exempt information; valid keys: 12, 13, 14, 15, 16, 17, 18, 18A, "
                              "18B, 18C"]


def test_messages_name_the_jurisdiction_not_its_file(folder: MeetingFolder) -> None:
    path = folder.write(HEAD + "jurisdiction: northern-ireland\naccess_to_information:\n"
                        "  statute: X\nitems:\n  - title: A\n    key_decision: true\n"
                        "    forward_plan_ref: FP/1\n")
    said = problems(path)
    assert "8:3: access_to_information: Northern Ireland's law is the theme's; to state your " \
           'own, set "jurisdiction: custom"' in said
    assert any(p.startswith("11:5: items[0].key_decision: Northern Ireland has no key "
                            "decisions in its law") for p in said), said
    assert not any("northern-ireland" in p for p in said)


def front_sheet(folder: MeetingFolder, path: Path, **options: Any) -> str:
    pdf = folder.root / "pack.pdf"
    build_pack(path, pdf, **options)
    return " ".join(" ".join(t.split()) for t in page_texts(pdf)[:2])


@pytest.mark.parametrize(("name", "language", "said", "not_said"), [
    ("scotland", "en-GB", ["any financial or non-financial interest",
                           "as the Councillors' Code of Conduct requires"],
     ["disclosable pecuniary"]),
    ("northern-ireland", "en-GB", ["Northern Ireland Local Government Code of Conduct for "
                                   "Councillors", "except while restricted items"],
     ["disclosable pecuniary", "exempt business"]),
    ("parish", "en-GB", ["disclosable pecuniary interest (Localism Act 2011)",
                         "excluded by resolution under the Public Bodies (Admission to "
                         "Meetings) Act 1960"], ["exempt business"]),
    ("nhs", "en-GB", ["standing orders and standards of business conduct"],
     ["exempt business", "disclosable pecuniary", "Councillors"]),
    ("wales", "en-GB", ["any personal or prejudicial interest"], ["disclosable pecuniary"]),
    ("wales", "cy", ["fuddiant personol neu fuddiant sy'n rhagfarnu", "busnes eithriedig"],
     ["disclosable pecuniary", "Members are reminded"]),
])
def test_the_default_notices_state_the_jurisdictions_own_rules(
        folder: MeetingFolder, name: str, language: str, said: list[str],
        not_said: list[str]) -> None:
    path = folder.write(basic_meeting([{"title": "Minutes"}], jurisdiction=name))
    text = front_sheet(folder, path, language=language)
    for words in said:
        assert words in text, (words, text)
    for words in not_said:
        assert words not in text, words


def test_englands_default_notices_are_as_before(folder: MeetingFolder) -> None:
    text = front_sheet(folder, folder.write(basic_meeting([{"title": "Minutes"}])))
    assert ("Information for members of the public This meeting is open to the public except "
            "while exempt business is considered.") in text
    assert ("Declarations of interests Members are reminded to declare any disclosable "
            "pecuniary interest or other registrable interest in any item of business, and to "
            "leave the meeting where the Code of Conduct requires it.") in text


def test_a_custom_law_without_notice_wording_prints_no_default_notice(
        folder: MeetingFolder) -> None:
    wording = {k: v for k, v in ENGLAND["access_to_information"]["wording"].items()
               if not k.startswith("notice_")}
    config = {"jurisdiction": "custom", "notice": ENGLAND["notice"],
              "access_to_information": {**ENGLAND["access_to_information"],
                                        "wording": wording}}
    text = front_sheet(folder, folder.write(basic_meeting([{"title": "Minutes"}]), config))
    assert "Declarations of interests" not in text and "Members are reminded" not in text
    assert "Information for members of the public" not in text


def test_scotlands_own_title_for_the_exclusion_item_is_recognised(
        folder: MeetingFolder) -> None:
    items = [{"title": "Minutes"}, {"title": "Determination of Exempt Business"},
             {"title": "Staffing", "exempt": "1", "attachments": [folder.pdf("s.pdf", 1)]}]
    meeting = validate(folder.write(basic_meeting(items, jurisdiction="scotland")))
    assert [item.title for item in meeting.items] == [
        "Minutes", "Determination of Exempt Business", "Staffing"]
    # Elsewhere the title is not England's: the resolution is added.
    meeting = validate(folder.write(basic_meeting(items)))
    assert [item.title for item in meeting.items][2] == "Exclusion of the public"


@pytest.mark.parametrize("name", ["parish", "nhs"])
def test_the_1960_acts_special_reasons_are_stated_in_the_resolution(
        folder: MeetingFolder, name: str) -> None:
    items = [{"title": "Staffing", "exempt": True, "reason": "Councillor Quennell's complaint.",
              "attachments": [folder.pdf("staff.pdf", 1)]},
             {"title": "Any other business"}]
    path = folder.write(basic_meeting(items, jurisdiction=name))
    assert problems(path) == [
        '9:11: items[0].exempt: exempt: true needs "special_reasons:", the special reasons '
        'the resolution to exclude the public must state (public; "reason:" is for the private '
        "pack)"]
    items[0]["special_reasons"] = "the report concerns the terms of a named employee."
    meeting = validate(folder.write(basic_meeting(items, jurisdiction=name)))
    resolution = meeting.items[0].description
    assert resolution.endswith("for special reasons arising from the nature of that business, "
                               "namely the report concerns the terms of a named employee")
    assert "during consideration of the following item(s)" in resolution
    assert "remainder" not in resolution and "confidential nature" not in resolution
    text = front_sheet(folder, path)
    assert "for the special reasons stated in the resolution to exclude the public" in text
    assert "Quennell" not in text


def test_a_custom_law_without_paragraphs_or_confidential_needs_no_words_for_them(
        folder: MeetingFolder) -> None:
    unused = ("paragraph", "paragraphs", "and", "confidential_item", "confidential_part",
              "stamp_confidential")
    wording = {k: v for k, v in ENGLAND["access_to_information"]["wording"].items()
               if k not in unused}
    access = {k: v for k, v in ENGLAND["access_to_information"].items()
              if k not in ("paragraphs", "confidential")}
    config = {"jurisdiction": "custom", "notice": ENGLAND["notice"],
              "access_to_information": {**access, "wording": wording}}
    items = [{"title": "Staffing", "exempt": True, "special_reasons": "staffing",
              "attachments": [folder.pdf("staff.pdf", 1)]}]
    path = folder.write(basic_meeting(items), config)
    assert [i.title for i in validate(path).items] == ["Exclusion of the public", "Staffing"]
    config["access_to_information"]["paragraphs"] = ENGLAND["access_to_information"][
        "paragraphs"]
    folder.write(basic_meeting([{"title": "A"}]), config)
    [said] = problems(path)
    assert said.endswith("jurisdiction: custom needs access_to_information.wording.paragraph, "
                         "access_to_information.wording.paragraphs, "
                         "access_to_information.wording.and (in packgen.yaml or the meeting)")
