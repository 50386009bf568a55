"""What build and validate say about accessibility: each untagged (or self-doubting) PDF
attachment named once at its YAML line, an error with --require-tagged; and validate's
warnings about Markdown a screen reader stumbles over (headings that skip a level, links
that say only "click here"), at their lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject

from packgen import build_pack
from packgen.check import validate
from tests.conftest import BuildFn, MeetingFolder, basic_meeting

UNTAGGED = ('"{}" is not a tagged PDF; the pack cannot claim PDF/UA accessibility (export it '
            "from Word or LibreOffice with tags)")
SUSPECT = ('"{}" says its own tags are unreliable (/MarkInfo /Suspects true); the pack cannot '
           "claim PDF/UA accessibility (export it from Word or LibreOffice with tags)")


TAGGED = Path(__file__).parent / "fixtures" / "tagged" / "library-hours-appendix.pdf"


def tag(path: Path, suspects: bool = False) -> None:
    """Put a tagged LibreOffice export at ``path`` (``suspects``: one whose /MarkInfo says
    /Suspects true)."""
    writer = PdfWriter(clone_from=PdfReader(TAGGED))
    if suspects:
        writer.root_object["/MarkInfo"][NameObject("/Suspects")] = BooleanObject(True)
    with path.open("wb") as stream:
        writer.write(stream)


def mixed_meeting(folder: MeetingFolder) -> Path:
    """A tagged PDF, an untagged one of three pages, one that doubts its tags, and a
    Markdown document (rendered by packgen: never warned about)."""
    folder.pdf("tagged.pdf", 1)
    tag(folder.folder / "tagged.pdf")
    folder.pdf("doubtful.pdf", 1)
    tag(folder.folder / "doubtful.pdf", suspects=True)
    (folder.folder / "notes.md").write_text("# Notes\n\nText.\n")
    return folder.write(yaml.safe_dump(basic_meeting([
        {"title": "Budget", "attachments": ["tagged.pdf", folder.pdf("budget.pdf", 3)]},
        {"title": "Notes", "attachments": ["notes.md", "doubtful.pdf"]},
    ]), sort_keys=False))


def said(problems: object) -> list[tuple[int, str, str]]:
    return [(p.position.line, p.severity, p.message) for p in problems  # type: ignore[attr-defined]
            if "tag" in p.message]


def test_each_untagged_attachment_is_named_once_at_its_line(folder: MeetingFolder) -> None:
    meeting = mixed_meeting(folder)
    lines = meeting.read_text().splitlines()
    budget = next(n for n, line in enumerate(lines, 1) if "budget.pdf" in line)
    doubtful = next(n for n, line in enumerate(lines, 1) if "doubtful.pdf" in line)
    expected = [(budget, "warning", UNTAGGED.format("budget.pdf")),
                (doubtful, "warning", SUSPECT.format("doubtful.pdf"))]
    assert said(build_pack(meeting, folder.root / "pack.pdf").warnings) == expected
    assert said(validate(meeting).warnings) == expected
    assert (folder.root / "pack.pdf").exists()


def test_an_exempt_untagged_attachment_is_not_named_by_the_public_build(
        folder: MeetingFolder) -> None:
    meeting = folder.write(yaml.safe_dump(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1)]},
        {"title": "Contract", "exempt": 3, "attachments": [folder.pdf("contract.pdf", 1)]},
    ]), sort_keys=False))
    public = build_pack(meeting, folder.root / "public.pdf").warnings
    assert [w.message for w in public if "tag" in w.message] == [UNTAGGED.format("budget.pdf")]
    private = build_pack(meeting, folder.root / "private.pdf", private=True).warnings
    assert [w.message for w in private if "tag" in w.message] == [
        UNTAGGED.format("budget.pdf"), UNTAGGED.format("contract.pdf")]


@pytest.mark.parametrize("command", ["build", "validate"])
def test_require_tagged_refuses_them_and_writes_nothing(folder: MeetingFolder,
                                                       run_cli: BuildFn, command: str) -> None:
    mixed_meeting(folder)
    output = ["-o", "pack.pdf", "--html"] if command == "build" else []
    warned = run_cli(command, "meeting/meeting.yaml", *output, cwd=folder.root)
    assert warned.returncode == 0, warned.stderr
    lines = warned.stderr.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "warning: " + UNTAGGED.format("budget.pdf"), "warning: " + SUSPECT.format("doubtful.pdf")]
    if command == "build":
        (folder.root / "pack.pdf").unlink()
        (folder.root / "pack.html").unlink()
    refused = run_cli(command, "--require-tagged", "meeting/meeting.yaml", *output,
                      cwd=folder.root)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        *(line.replace(": warning: ", ": error: ") for line in lines),
        "2 problems; nothing was written."]
    assert not (folder.root / "pack.pdf").exists() and not (folder.root / "pack.html").exists()


def test_a_meeting_of_tagged_pdfs_and_documents_builds_under_require_tagged(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    folder.pdf("tagged.pdf", 2)
    tag(folder.folder / "tagged.pdf")
    (folder.folder / "notes.md").write_text("# Notes\n\nText.\n")
    folder.write(basic_meeting([{"title": "A", "attachments": ["tagged.pdf", "notes.md"]}]))
    done = run_cli("build", "--require-tagged", "meeting/meeting.yaml", "-o", "pack.pdf",
                   cwd=folder.root)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert (folder.root / "pack.pdf").exists()


MARKDOWN = """\
# Visit notes

Some text.

## Where we went

#### Far too deep

The plan is online:
[Click here!](https://example.org/plan), and
so is [the 2026 budget](https://example.org/budget).

### Back in order

[READ MORE](https://example.org/more) or [this](https://example.org/this).
"""

REPORT = """\
kind: report
title: Budget
sections:
  - heading: Background
    body: |
      ## Costs

      See the [link](https://example.org/costs).

      # Overview

      Costs rise.
  - heading: Proposals
    body: |
      # Options

      ## Option one

      [Here.](https://example.org/one)
"""


def warnings_of(folder: MeetingFolder) -> list[tuple[str, int, str]]:
    return [(w.position.file.name, w.position.line, w.message)
            for w in validate(folder.file).warnings if w.severity == "warning"]


def test_validate_warns_of_skipped_headings_and_vague_links(folder: MeetingFolder) -> None:
    (folder.folder / "notes.md").write_text(MARKDOWN)
    (folder.folder / "report.yaml").write_text(REPORT)
    folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md", "report.yaml"]}]))

    def link(text: str) -> str:
        return (f'the link "{text}" says nothing of where it goes once a screen reader reads '
                "it out of its sentence (in a list of the page's links); name what it opens "
                '("the 2026 budget consultation")')

    def heading(text: str, level: str, after: str, instead: str) -> str:
        return (f'the heading "{text}" is {level} {after}: it skips a level, which screen '
                f"readers announce as a missing section; make it {instead}")

    assert warnings_of(folder) == [
        # A Markdown file's title is its "#": "##" comes next, then "###".
        ("notes.md", 7, heading("Far too deep", "####", "after ##", "###")),
        ("notes.md", 10, link("Click here!")),
        ("notes.md", 15, link("READ MORE")),
        ("notes.md", 15, link("this")),
        # A report's section text goes down from its highest level, "#" here, under the
        # section's own heading: "##" before any "#" skips one.
        ("report.yaml", 6, heading("Costs", "##", "as the text's first heading, though "
                                                  "the text's highest is #", "#")),
        ("report.yaml", 8, link("link")),
        ("report.yaml", 19, link("Here.")),
    ]


def test_headings_in_order_and_telling_links_say_nothing(folder: MeetingFolder) -> None:
    (folder.folder / "notes.md").write_text(
        "# Title\n\n## One\n\n### One and a half\n\n## Two\n\n"
        "See [the plan](https://example.org) and [here is the plan](https://example.org).\n")
    folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))
    assert warnings_of(folder) == []


def test_an_empty_tree_or_an_untagged_page_is_no_tagged_pdf(folder: MeetingFolder) -> None:
    """Saying /Marked true is not being tagged: an empty structure tree is named as
    untagged, and a tagged export with an untagged page appended names that page."""
    empty = folder.folder / folder.pdf("empty.pdf", 1)
    writer = PdfWriter(clone_from=PdfReader(empty))
    writer.root_object[NameObject("/StructTreeRoot")] = DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot")})
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    with empty.open("wb") as stream:
        writer.write(stream)
    appended = folder.folder / "appended.pdf"
    writer = PdfWriter(clone_from=PdfReader(TAGGED))
    writer.append(PdfReader(folder.folder / folder.pdf("loose.pdf", 1)))
    with appended.open("wb") as stream:
        writer.write(stream)
    meeting = folder.write(yaml.safe_dump(basic_meeting([
        {"title": "Budget", "attachments": ["empty.pdf", "appended.pdf"]}]), sort_keys=False))
    messages = [w.message for w in build_pack(meeting, folder.root / "pack.pdf").warnings
                if "tag" in w.message]
    assert messages == [UNTAGGED.format("empty.pdf"), (
        '"appended.pdf" is tagged but not on page 3; the pack cannot claim PDF/UA '
        "accessibility (export it from Word or LibreOffice with tags)")]
    xmp = PdfReader(folder.root / "pack.pdf").root_object["/Metadata"].get_object()
    assert b"pdfuaid" not in xmp.get_data()


def test_a_public_build_with_a_broken_meeting_names_no_exempt_file(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """With the YAML broken, every PDF is read for damage, exempt ones too; whether they are
    tagged is not judged there, or --require-tagged would name an exempt file."""
    data = basic_meeting([
        {"title": "Budget", "attachments": ["notes.md"]},
        {"title": "Contract", "exempt": 3, "attachments": [folder.pdf("secret.pdf", 1)]}])
    (folder.folder / "notes.md").write_text("# Notes\n\nText.\n")
    data["start_number"] = "banana"
    folder.write(yaml.safe_dump(data, sort_keys=False))
    result = run_cli("build", "--require-tagged", "meeting/meeting.yaml", "-o", "pack.pdf",
                     cwd=folder.root)
    assert result.returncode == 1
    assert "start_number" in result.stderr
    assert "secret" not in result.stderr
