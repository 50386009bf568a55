"""The law side after review: exempt keys judged whatever else is wrong, the keys a
meeting may use, messages that name the jurisdiction, and each law's own notices,
exclusion titles and special reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from packgen.errors import ValidationError
from packgen.schema import validate
from tests.conftest import MeetingFolder

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
