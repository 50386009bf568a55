"""The parish council example (examples/parish), read back from its packs.

A parish works under the Public Bodies (Admission to Meetings) Act 1960: no paragraph
numbers, an exclusion resolution giving the reasons, and three clear days' notice in which
Saturdays count. The example follows a real parish's agenda and minutes (see its YAML).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from packgen.build import build_pack
from tests.conftest import EXAMPLE, footer_number, page_texts, page_words
from tests.test_exempt import every_byte

PARISH = EXAMPLE.parent.parent / "parish" / "full-council" / "meeting.yaml"
ACT = "section 1(2) of the Public Bodies (Admission to Meetings) Act 1960"
# Only the confidential paper (and the item's reason, private-pack only) says these.
SECRETS = ("Quennell", "Ostrowski", "SCP 18 to 22", "Special reasons: the report names")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("parish")
    public, private = out / "full-council.pdf", out / "full-council-private.pdf"
    build_pack(PARISH, public, html=True)
    build_pack(PARISH, private, private=True)
    return {"public": public, "private": private, "html": out / "full-council.html",
            "tmp": out}


def ranges(agenda: str) -> dict[str, tuple[str, str]]:
    """Item number -> (first, last) page as the agenda prints them."""
    found = {}
    for match in re.finditer(r"^\s*(\d+)\.\s.*?\bPages? (E?\d+)(?: - (E?\d+))?\s*$", agenda,
                             re.MULTILINE):
        found[match[1]] = (match[2], match[3] or match[2])
    return found


def test_the_agendas_page_ranges_are_where_the_documents_start(packs: dict[str, Path]) -> None:
    texts = page_texts(packs["public"])
    numbers = [footer_number(*page) for page in page_words(packs["public"])]
    agenda = "\f".join(t for t in texts if "AGENDA" in t or "Item" in t.split("\n", 3)[0])
    printed = ranges(agenda)
    # The minutes, the clerk's report and the finance paper carry documents.
    assert set(printed) == {"3", "6", "8"}
    starts = {}
    for index, text in enumerate(texts):
        head = re.search(r"Agenda Item (\d+)", text.split("\n", 2)[0])
        if head:
            starts[head[1]] = index
    assert set(starts) == set(printed)
    order = sorted(starts, key=starts.__getitem__)
    for item, (first, last) in printed.items():
        index = starts[item]
        following = order.index(item) + 1
        end = starts[order[following]] - 1 if following < len(order) else len(texts) - 1
        assert str(numbers[index]) == first, (item, numbers[index], first)
        assert str(numbers[end]) == last, (item, numbers[end], last)
    # A document of the minutes' item really is the minutes, and so on.
    assert "Minutes of the meeting held" in texts[starts["3"]]
    assert "Clerk's report" in texts[starts["6"]]
    assert "Cheques and transfers for approval" in texts[starts["8"]]


def test_the_1960_act_wording_on_the_agenda_and_the_exclusion_item(
        packs: dict[str, Path]) -> None:
    agenda = flat(" ".join(t for t in page_texts(packs["public"]) if "Item Business" in flat(t)))
    exclusion = re.search(r"(\d+)\. EXCLUSION OF THE PRESS AND PUBLIC (.*?) (\d+)\. CLERK "
                          r"RECRUITMENT – APPLICANTS UPDATE (.*?This item .*?\.)", agenda)
    assert exclusion, agenda
    # The resolution comes straight before the confidential item, in the Act's words.
    assert int(exclusion[3]) == int(exclusion[1]) + 1
    assert exclusion[2] == (
        f"To resolve, in accordance with {ACT}, that the press and public be excluded from the "
        "meeting during consideration of the following item(s), because publicity would be "
        "prejudicial to the public interest for special reasons arising from the nature of that "
        "business, namely the report names applicants for employment with the council and "
        "assesses them")
    assert exclusion[4].endswith(
        "This item is not for publication, for the special reasons stated in the resolution to "
        f"exclude the public under {ACT}.")
    # No paragraph of Schedule 12A is claimed anywhere: a parish has none.
    assert "Schedule 12A" not in agenda and "paragraph" not in agenda.lower()


def test_the_confidential_paper_stays_out_of_the_public_pack_and_web_page(
        packs: dict[str, Path]) -> None:
    public = every_byte(packs["public"], packs["tmp"])
    html = packs["html"].read_text()
    for secret in SECRETS:
        assert secret.encode() not in public, secret
        assert secret not in html, secret
    # The item itself is on both agendas, withheld.
    assert "CLERK RECRUITMENT" in flat(" ".join(page_texts(packs["public"])))
    assert "Clerk recruitment – applicants update" in html


def test_the_confidential_paper_is_in_the_private_pack_stamped(packs: dict[str, Path]) -> None:
    texts = [flat(t) for t in page_texts(packs["private"])]
    [(index, page)] = [(i, t) for i, t in enumerate(texts) if "Quennell" in t]
    assert "NOT FOR PUBLICATION" in page
    assert f"Excluded for special reasons under {ACT}" in page
    assert "Page E1" in page and "Agenda Item 16" in page
    assert index == len(texts) - 1
    agenda = " ".join(texts[:2])
    assert re.search(r"CLERK RECRUITMENT – APPLICANTS UPDATE Page E1", agenda)
    assert "Special reasons: the report names applicants" in agenda
    # No public page is stamped.
    assert not any("NOT FOR PUBLICATION" in t for t in texts[:index])


def validate(published: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "packgen", "validate", str(PARISH),
                           "--publish-date", published], capture_output=True, text=True)


def test_notice_counts_a_saturday_as_a_parish_must() -> None:
    # The meeting is on Tuesday 3 November 2026. Clear days leave out the day of
    # publication and of the meeting; a parish skips Sundays and bank holidays only
    # (Schedule 12, paragraph 10, and section 243 of the 1972 Act). Back from the
    # meeting: Monday 2 (1), Sunday 1 (skipped), Saturday 31 October (2), Friday 30 (3):
    # publish by Thursday 29 October. A council counting working days only would need
    # Tuesday 27.
    late = validate("2026-10-30")
    assert late.returncode == 0, late.stderr
    [warning] = late.stderr.splitlines()
    assert re.match(r"\S*meeting\.yaml:\d+:\d+: warning: ", warning), warning
    assert ("warning: published on Friday 30 October 2026, the agenda would be open for 2 clear "
            "days before the meeting; the law asks for 3 clear days") in warning
    assert ("paragraph 10 of Schedule 12 to, and section 243 of, the Local Government Act "
            "1972") in warning
    assert ("not counting Sundays or bank holidays, the Christmas break or the Easter "
            "break") in warning
    assert warning.endswith("(publish by Thursday 29 October 2026)")
    on_time = validate("2026-10-29")
    assert on_time.returncode == 0 and "warning" not in on_time.stderr, on_time.stderr
