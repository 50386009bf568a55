"""Every built-in jurisdiction file has England's shape, and states the law it was written
from: the paragraph keys each statute numbers, which of them the public interest test
covers, and the notice rule. The loader (packgen.jurisdiction) tests the meaning deeper;
this catches a file that a loader would reject, or a key typed wrongly, early."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
import yaml

from packgen.lawfile import EXECUTIVE
from tests.conftest import ROOT

FOLDER = ROOT / "templates" / "jurisdictions"
BUILT_IN = ["england", "wales", "scotland", "northern-ireland", "parish", "nhs"]
PLACEHOLDERS = {"paragraphs", "statute", "exclusion_power", "confidential", "special_reasons"}
DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "holidays"}
CALENDARS = {"england-and-wales", "scotland", "northern-ireland", "section-243"}
OPTIONAL_WORDING = {"exclusion_confidential", "exclusion_no_public_interest", *EXECUTIVE}
PARAGRAPH_KEYS = {"key", "description", "public_interest", "meeting_types"}


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def texts(value: Any) -> list[str]:
    """A piece of wording is one string or a mapping by language that gives en-GB."""
    if isinstance(value, str):
        return [value]
    assert isinstance(value, dict) and "en-GB" in value, value
    assert all(isinstance(text, str) and text for text in value.values()), value
    return list(value.values())


def test_every_built_in_file_is_there() -> None:
    assert sorted(path.stem for path in FOLDER.glob("*.yaml")) == sorted(BUILT_IN)


@pytest.mark.parametrize("name", BUILT_IN)
def test_shape_mirrors_england(name: str) -> None:
    england, data = load("england"), load(name)
    assert data.keys() == england.keys()
    law, model = data["access_to_information"], england["access_to_information"]
    assert law.keys() - {"exclusion_titles"} == model.keys()
    # Each file says every wording England does, and may add the sentences the loader
    # uses instead of `exclusion` in particular cases.
    assert model["wording"].keys() - OPTIONAL_WORDING <= law["wording"].keys()
    assert law["wording"].keys() - model["wording"].keys() <= OPTIONAL_WORDING
    notice_keys = england["notice"].keys() - {"extra_days"}
    assert data["notice"].keys() - {"extra_days"} == notice_keys
    for source in data["sources"]:
        assert source.keys() == {"text", "url"}
        assert source["url"].startswith("https://"), source


@pytest.mark.parametrize("name", BUILT_IN)
def test_wording_uses_only_known_placeholders(name: str) -> None:
    law = load(name)["access_to_information"]
    for key in ("statute", "exclusion_power", "confidential"):
        texts(law[key])
    for key, value in law["wording"].items():
        for text in texts(value):
            fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            assert fields <= EXECUTIVE.get(key, PLACEHOLDERS), (name, key, fields)


@pytest.mark.parametrize("name", BUILT_IN)
def test_paragraphs_are_well_formed(name: str) -> None:
    law = load(name)["access_to_information"]
    assert isinstance(law["public_interest"], bool)
    keys = [paragraph["key"] for paragraph in law["paragraphs"]]
    assert all(isinstance(key, str) and re.fullmatch(r"\d+[A-Z]?", key) for key in keys), keys
    assert len(keys) == len(set(keys))
    for paragraph in law["paragraphs"]:
        assert paragraph.keys() <= PARAGRAPH_KEYS, paragraph
        texts(paragraph["description"])
        assert isinstance(paragraph.get("public_interest", True), bool)
        assert all(isinstance(kind, str) for kind in paragraph.get("meeting_types", []))


@pytest.mark.parametrize("name", BUILT_IN)
def test_notice_rule_is_well_formed(name: str) -> None:
    notice = load(name)["notice"]
    assert isinstance(notice["clear_days"], int) and notice["clear_days"] > 0
    assert set(notice["skip"]) <= DAYS
    assert notice["calendar"] in CALENDARS
    assert isinstance(notice["source"], str) and notice["source"]


def paragraph_table(name: str) -> dict[str, dict[str, Any]]:
    return {p["key"]: p for p in load(name)["access_to_information"]["paragraphs"]}


def test_wales_part_4_and_the_standards_paragraphs() -> None:
    table = paragraph_table("wales")
    assert list(table) == ["12", "13", "14", "15", "16", "17", "18", "18A", "18B", "18C"]
    # Part 5, paragraph 21 weighs the public interest for 12 to 15, 17 and 18 only.
    weighed = [key for key, p in table.items() if p.get("public_interest", True)]
    assert weighed == ["12", "13", "14", "15", "17", "18"]
    assert [key for key, p in table.items() if "meeting_types" in p] == ["18A", "18B", "18C"]
    assert all(table[key]["meeting_types"] == ["standards"] for key in ("18A", "18B", "18C"))
    wording = load("wales")["access_to_information"]["wording"]
    assert all(isinstance(value, dict) and "cy" in value for value in wording.values())


def test_scotland_schedule_7a_has_no_public_interest_test() -> None:
    law = load("scotland")["access_to_information"]
    assert list(paragraph_table("scotland")) == [str(n) for n in range(1, 16)]
    assert law["public_interest"] is False
    assert all("public interest" not in text for text in texts(law["wording"]["exclusion"]))
    assert load("scotland")["notice"]["calendar"] == "scotland"


def test_northern_ireland_schedule_6() -> None:
    assert list(paragraph_table("northern-ireland")) == [str(n) for n in range(1, 8)]
    assert load("northern-ireland")["notice"]["calendar"] == "northern-ireland"


@pytest.mark.parametrize("name", ["parish", "nhs"])
def test_1960_act_bodies_have_no_paragraphs(name: str) -> None:
    law = load(name)["access_to_information"]
    assert law["paragraphs"] == []
    assert "Public Bodies (Admission to Meetings) Act 1960" in law["exclusion_power"]


def test_parish_saturdays_count() -> None:
    notice = load("parish")["notice"]
    assert notice["clear_days"] == 3
    assert sorted(notice["skip"]) == ["holidays", "sunday"]


@pytest.mark.parametrize("name", ["wales", "scotland", "northern-ireland"])
def test_three_days_outside_england(name: str) -> None:
    assert load(name)["notice"]["clear_days"] == 3


def test_every_file_is_plain_utf8() -> None:
    for name in BUILT_IN:
        raw = (FOLDER / f"{name}.yaml").read_bytes()
        assert raw.decode("utf-8").endswith("\n")
        assert b"\t" not in raw and b"\r" not in raw
