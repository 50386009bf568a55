"""veraPDF's PDF/UA-1 check (../shared/tools/verapdf) on the packs that must pass it: every
example whose officers' PDFs are all tagged (or that has none), and a pack of the tagged
fixtures. A negative test proves the check fails a pack with a tag removed, so a pass means
something. In CI (CI=true) a missing veraPDF fails; elsewhere these tests skip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject

from packgen import build_pack
from packgen.pdf.tagstatus import tag_status
from tests.conftest import (
    CHECK_STRUCTURE,
    EXAMPLE,
    UNTAGGED,
    BuildFn,
    MeetingFolder,
    basic_meeting,
)
from tests.structure_check import check_structure

VERAPDF = Path(__file__).resolve().parents[2] / "shared" / "tools" / "verapdf"
TAGGED = Path(__file__).parent / "fixtures" / "tagged"
EXAMPLES = EXAMPLE.parent.parent
TAGGED_PACKS = pytest.mark.skipif(not CHECK_STRUCTURE,
                                  reason="packs are tagged from issue 15's merge on "
                                         "(tests/conftest.py CHECK_STRUCTURE)")


def verapdf(*pdfs: Path) -> dict[Path, str]:
    """veraPDF's report on each PDF, from one run: its JVM takes seconds to start."""
    if not VERAPDF.exists():
        message = f"veraPDF is not at {VERAPDF}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must check PDF/UA")
        pytest.skip(message)
    # The first run installs Java and veraPDF: allow for that, but not for a hang.
    result = subprocess.run([str(VERAPDF), *map(str, pdfs)], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode in (0, 1), f"veraPDF could not check:\n{result.stdout}{result.stderr}"
    reports = ("\n" + result.stdout).split("\n== ")[1:]
    return {pdf: "== " + report for pdf, report in zip(pdfs, reports, strict=True)}


def passes(report: str) -> bool:
    return " compliant=true failed-rules=0" in report.splitlines()[0]


def all_tagged(folder: Path) -> bool:
    return all(tag_status(PdfReader(pdf)) is None for pdf in folder.rglob("*.pdf"))


ACCESSIBLE = sorted(m for m in EXAMPLES.glob("**/meeting.yaml") if all_tagged(m.parent))


def test_the_accessible_examples_are_the_expected_ones() -> None:
    # A new example with an untagged PDF drops out of the PDF/UA check: say so here.
    assert [str(m.parent.relative_to(EXAMPLES)) for m in ACCESSIBLE] == [
        "communities-scrutiny-committee", "health-and-wellbeing-board",
        "health-scrutiny-committee", "parish/full-council"]


def fixtures_meeting(folder: MeetingFolder) -> Path:
    for pdf in TAGGED.glob("*.pdf"):
        shutil.copy(pdf, folder.folder / pdf.name)
    return folder.write(basic_meeting([
        {"title": "Library opening hours review",
         "attachments": ["library-hours-report.pdf",
                         {"file": "library-hours-appendix.pdf", "title": "Appendix 1"}]},
        {"title": "Adolygiad o oriau agor llyfrgelloedd",
         "attachments": ["library-hours-cy.pdf"]},
        {"title": "Public speaking", "attachments": ["request-to-speak-form.pdf"]}]))


def without_first_tag(source: Path, target: Path) -> Path:
    """``source`` with its first MCID's BDC ... EMC pair removed: that content is untagged."""
    writer = PdfWriter(clone_from=source)
    for page in writer.pages:
        content = ContentStream(page.get_contents(), writer)
        ops = content.operations
        start = next((i for i, (args, op) in enumerate(ops) if op == b"BDC" and
                      isinstance(args[1], DictionaryObject) and "/MCID" in args[1]), None)
        if start is None:
            continue
        depth = 0
        for end in range(start, len(ops)):
            depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(ops[end][1], 0)
            if depth == 0:
                break
        del ops[end], ops[start]
        content.operations = ops
        page.replace_contents(content)
        break
    writer.write(target)
    return target


def without_structure_tree(source: Path, target: Path) -> Path:
    writer = PdfWriter(clone_from=source)
    # An untagged pack (before the merge) has none: the test then fails on the unbroken pack.
    writer.root_object.pop("/StructTreeRoot", None)
    writer.write(target)
    return target


Break = Callable[[Path, Path], Path]
BREAKS = {"one BDC/EMC pair": (without_first_tag, "7.1-3 "),
          "the StructTreeRoot": (without_structure_tree, "7.1-11 ")}


def test_verapdf_fails_a_passing_fixture_with_a_tag_removed(tmp_path: Path) -> None:
    source = TAGGED / "library-hours-appendix.pdf"
    broken = {name: damage(source, tmp_path / f"{i}.pdf")
              for i, (name, (damage, _)) in enumerate(BREAKS.items())}
    reports = verapdf(source, *broken.values())
    assert passes(reports[source]), reports[source]
    for name, (_, rule) in BREAKS.items():
        assert not passes(reports[broken[name]]) and rule in reports[broken[name]], name


UNTAGGED_EXAMPLE = "childrens-partnership-board"
"""An example whose officers' PDFs are untagged: veraPDF may fail only their pages."""


@pytest.fixture(scope="module")
def pack_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every pack that must pass, and a passing pack broken each way, through one veraPDF run."""
    packs = {}
    for meeting in ACCESSIBLE:
        name = str(meeting.parent.relative_to(EXAMPLES))
        packs[name] = tmp_path_factory.mktemp("pack") / "pack.pdf"
        build_pack(meeting, packs[name])
    packs[UNTAGGED_EXAMPLE] = tmp_path_factory.mktemp("pack") / "pack.pdf"
    build_pack(EXAMPLES / UNTAGGED_EXAMPLE / "meeting.yaml", packs[UNTAGGED_EXAMPLE])
    folder = MeetingFolder(tmp_path_factory.mktemp("fixtures"))
    packs["fixtures"] = folder.root / "pack.pdf"
    build_pack(fixtures_meeting(folder), packs["fixtures"])
    for i, (name, (damage, _)) in enumerate(BREAKS.items()):
        packs[name] = damage(packs["health-scrutiny-committee"],
                             packs["health-scrutiny-committee"].parent / f"broken-{i}.pdf")
    reports = verapdf(*packs.values())
    return {name: (pack, reports[pack]) for name, pack in packs.items()}


@TAGGED_PACKS
@pytest.mark.parametrize("name", [str(m.parent.relative_to(EXAMPLES)) for m in ACCESSIBLE]
                         + ["fixtures"])
def test_the_packs_that_must_pass_pdfua_do(name: str,
                                           pack_reports: dict[str, tuple[Path, str]]) -> None:
    """Each example with only tagged PDFs (or none), and a pack of the LibreOffice fixtures."""
    pack, report = pack_reports[name]
    assert check_structure(pack) == []
    assert passes(report), f"veraPDF PDF/UA-1:\n{report}"


@TAGGED_PACKS
@pytest.mark.parametrize("name", BREAKS)
def test_verapdf_fails_a_passing_pack_with_a_tag_removed(
        name: str, pack_reports: dict[str, tuple[Path, str]]) -> None:
    assert passes(pack_reports["health-scrutiny-committee"][1])
    report = pack_reports[name][1]
    assert not passes(report) and BREAKS[name][1] in report, report


# What an untagged attachment brings: its content neither tagged nor an artifact, its own
# unembedded fonts, and so no PDF/UA claim for the pack (a document-wide rule).
UNTAGGED_RULES = {"7.1-3", "7.21.4.1-1", "5-1"}
RULE = re.compile(r"^  (\S+) x\d+: .*(?:\n      on pages \{(.*)\})?", re.M)


@TAGGED_PACKS
def test_a_pack_with_untagged_attachments_fails_only_on_their_pages(
        pack_reports: dict[str, tuple[Path, str]], run_cli: BuildFn, tmp_path: Path) -> None:
    """Issue 15's "done when": no veraPDF failure on packgen's own pages, and the build
    names each untagged attachment."""
    pack, report = pack_reports[UNTAGGED_EXAMPLE]
    folder = EXAMPLES / UNTAGGED_EXAMPLE
    untagged = {pdf.name: len(PdfReader(pdf).pages) for pdf in sorted(folder.glob("*.pdf"))
                if tag_status(PdfReader(pdf)) is not None}
    again = tmp_path / "pack.pdf"
    done = run_cli("build", str(folder / "meeting.yaml"), "-o", str(again))
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if UNTAGGED in line]
    assert again.read_bytes() == pack.read_bytes()  # the pack veraPDF judged
    reader = PdfReader(pack)
    starts = {}  # each document's first page (1-based), by its bookmark's title
    stack = list(reader.outline)
    while stack:
        entry = stack.pop()
        if isinstance(entry, list):
            stack.extend(entry)
        else:
            starts[entry.title] = reader.get_destination_page_number(entry) + 1
    titles = {"terms-of-reference.pdf": "Membership and terms of reference",
              "priority-families-appendix-1.pdf": "Appendix 1: performance summary",
              "cypp-refresh.pdf": "Children and Young People's Plan annual refresh",
              "youth-justice-plan.pdf": "Youth Justice Plan 2026-27"}
    theirs = {page for name, title in titles.items()
              for page in range(starts[title], starts[title] + untagged[name])}
    in_pack = {name for name in untagged if name in titles}
    assert in_pack == set(titles)  # the exempt youth contract stays out, and unnamed
    assert sorted(name for line in said for name in titles if f'"{name}"' in line) == \
        sorted(titles)
    assert not passes(report)  # so the check below has something to look at
    failed = RULE.findall(report)
    assert failed and {rule for rule, _ in failed} <= UNTAGGED_RULES, report
    for rule, pages in failed:
        on = {int(p.split("=")[0]) for p in pages.split(", ")} if pages else set()
        assert on <= theirs, f"{rule} fails on packgen's own pages {sorted(on - theirs)}"
    assert any(pages for _, pages in failed)
    assert check_structure(pack) == []
