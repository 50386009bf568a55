"""veraPDF's PDF/UA-1 check (../shared/tools/verapdf) on the packs that must pass it: every
example whose officers' PDFs are all tagged (or that has none), and a pack of the tagged
fixtures. A negative test proves the check fails a pack with a tag removed, so a pass means
something. In CI (CI=true) a missing veraPDF fails; elsewhere these tests skip."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject

from packgen import build_pack
from packgen.pdf.tagstatus import tag_status
from tests.conftest import CHECK_STRUCTURE, EXAMPLE, MeetingFolder, basic_meeting
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


@pytest.fixture(scope="module")
def pack_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every pack that must pass, and a passing pack broken each way, through one veraPDF run."""
    packs = {}
    for meeting in ACCESSIBLE:
        name = str(meeting.parent.relative_to(EXAMPLES))
        packs[name] = tmp_path_factory.mktemp("pack") / "pack.pdf"
        build_pack(meeting, packs[name])
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
