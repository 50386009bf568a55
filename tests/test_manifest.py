"""The manifest of a published pack: its JSON Schema, agreement with the pack it describes
(bookmarks, pages, hashes), nothing exempt in it, and ``republished:``."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import ValidationError
from packgen.manifest import manifest, manifest_bytes, read_manifest
from packgen.manifest_schema import SCHEMA, problems
from tests.conftest import ROOT, BuildFn, MeetingFolder, basic_meeting
from tests.test_appendix_documents import library_meeting, outline
from tests.test_exempt import CANARY, leak_meeting

EPOCH = {"SOURCE_DATE_EPOCH": "1780000000"}


def published(meeting_file: Path, out: Path, **kwargs: Any) -> dict[str, Any]:
    result = build_pack(meeting_file, out, publish=True, **kwargs)
    assert result.publication is not None
    data = manifest(result.meeting, [result.publication], inputs_sha256=None)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert problems(data) == []  # our own reading of the schema agrees
    return data


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("example", ["childrens-partnership-board", "health-and-wellbeing-board",
                                     "communities-scrutiny-committee"])
def test_an_example_s_manifest_agrees_with_its_pack(example: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    pdf = tmp_path / "pack.pdf"
    data = published(ROOT / "examples" / example / "meeting.yaml", pdf)
    reader = PdfReader(pdf)
    pack = data["packs"][0]
    assert pack == {"file": "pack.pdf", "supplement": None, "pages": len(reader.pages),
                    "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}
    assert data["generated"] == "2026-05-28T20:26:40Z"
    marks = outline(reader)
    for n, document in enumerate(data["documents"]):
        # Its bookmark: its title, at its first page, beneath its item's (or its report's).
        depth = 1 if document["appendix_of"] is None else 2
        assert (depth, document["title"], document["first_index"]) in marks
        assert document["first_index"] <= document["last_index"] <= len(reader.pages)
        labels = reader.page_labels
        assert labels[document["first_index"] - 1] == document["first_page"]
        assert labels[document["last_index"] - 1] == document["last_page"]
        following = data["documents"][n + 1:]
        if following:
            assert document["last_index"] < following[0]["first_index"]
        source = ROOT / "examples" / document["source"]
        assert hashlib.sha256(source.read_bytes()).hexdigest() == document["source_sha256"]
        if document["kind"] == "pdf":
            assert document["last_index"] - document["first_index"] + 1 == \
                len(PdfReader(source).pages)
    # Each item's pages are those its agenda row prints, its documents' first to last.
    for item in data["items"]:
        mine = [d for d in data["documents"] if d["item"] == item["number"]]
        assert item["pages"] == ([{"first": mine[0]["first_page"], "last": mine[-1]["last_page"]}]
                                 if mine else [])
        if mine:
            assert (0, f"{item['number']}. {item['title']}", mine[0]["first_index"]) in marks


def test_appendices_are_documents_of_their_own(folder: MeetingFolder, tmp_path: Path) -> None:
    data = published(library_meeting(folder), tmp_path / "pack.pdf")
    documents = [(d["title"], d["kind"], d["item"], d["appendix_of"], d["source"])
                 for d in data["documents"]]
    assert documents == [
        ("Library hours", "report", "2", None, "report.yaml"),
        ("Consultation notes", "document", "2", 0, "notes.md"),
        ("Appendix B: the data", "document", "2", 0, "data.yaml"),
        ("Appendix 3", "pdf", "2", 0, "extra.pdf"),
        ("Parks", "pdf", "3", None, "p.pdf"),
    ]
    assert [d["file"] for d in data["documents"]][:2] == [
        "documents/01-library-hours.pdf", "documents/02-consultation-notes.pdf"]


def test_nothing_exempt_is_in_the_manifest(folder: MeetingFolder, tmp_path: Path) -> None:
    data = published(leak_meeting(folder), tmp_path / "pack.pdf")
    text = manifest_bytes(data).decode()
    assert CANARY not in text  # not a title, a file name, a source path nor a reason
    assert [d["title"] for d in data["documents"]] == ["Budget", "Leisure contract"]
    exempt = {i["title"]: i["exempt"] for i in data["items"]}
    # The item is listed as the public agenda lists it, with its statutory wording only.
    assert exempt["Property disposal"] == ("This item is not for publication by virtue of "
                                           "paragraph 3 of Part 1 of Schedule 12A to the Local "
                                           "Government Act 1972.")
    assert exempt["Leisure contract"] is not None and exempt["Budget"] is None


def test_a_private_pack_is_never_published(folder: MeetingFolder, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="only a meeting's public pack is published"):
        build_pack(leak_meeting(folder), tmp_path / "private.pdf", private=True, publish=True)
    assert not (tmp_path / "private.pdf").exists()


def test_publishing_leaves_the_pack_s_bytes_as_they_were(folder: MeetingFolder,
                                                         tmp_path: Path) -> None:
    meeting = library_meeting(folder)
    build_pack(meeting, tmp_path / "plain.pdf")
    data = published(meeting, tmp_path / "published.pdf")
    assert (tmp_path / "plain.pdf").read_bytes() == (tmp_path / "published.pdf").read_bytes()
    assert data["packs"][0]["sha256"] == hashlib.sha256(
        (tmp_path / "plain.pdf").read_bytes()).hexdigest()


def test_a_supplement_s_manifest(folder: MeetingFolder, tmp_path: Path) -> None:
    meeting = folder.write(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 3)]},
        {"title": "Late report", "supplement": 1, "attachments": [folder.pdf("late.pdf", 2)]}]))
    data = published(meeting, tmp_path / "pack-supplement-1.pdf", supplement=1)
    assert data["packs"][0]["supplement"] == 1
    assert [(i["title"], i["pages"]) for i in data["items"]] == [
        ("Late report", [{"first": "8", "last": "9"}])]


def test_republished_is_in_the_manifest(folder: MeetingFolder, tmp_path: Path) -> None:
    meeting = folder.write(basic_meeting(
        [{"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1)]}],
        republished={"date": datetime.date(2026, 7, 3), "reason": "Appendix 2 was missing."}))
    data = published(meeting, tmp_path / "pack.pdf")
    assert data["republished"] == {"date": "2026-07-03", "reason": "Appendix 2 was missing."}
    assert data["meeting"]["source"] == "meeting.yaml"  # no packgen.yaml: its folder is the root


@pytest.mark.parametrize(("republished", "message"), [
    ({"date": datetime.date(2026, 7, 3)}, 'republished: missing required key "reason"'),
    ({"reason": "x"}, 'republished: missing required key "date"'),
    ({"date": "3 July", "reason": "x"}, "republished.date: expected a date"),
    ({"date": datetime.date(2026, 7, 3), "reason": "x", "by": "me"},
     'republished: unknown key "by"'),
])
def test_republished_needs_a_date_and_a_reason(folder: MeetingFolder, tmp_path: Path,
                                               republished: dict[str, Any], message: str
                                               ) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}], republished=republished))
    with pytest.raises(ValidationError) as caught:
        build_pack(meeting, tmp_path / "pack.pdf")
    assert any(message in p.message for p in caught.value.problems), caught.value.problems


def test_schema_manifest_prints_the_schema(run_cli: BuildFn) -> None:
    done = run_cli("schema", "manifest")
    assert done.returncode == 0
    assert json.loads(done.stdout) == SCHEMA


def test_schema_meeting_has_republished(run_cli: BuildFn) -> None:
    schema = json.loads(run_cli("schema", "meeting").stdout)
    assert schema["properties"]["republished"]["required"] == ["date", "reason"]


@pytest.mark.parametrize(("text", "message"), [
    ('{"manifest_version": 1', "1:23: error: not a packgen manifest: Expecting ',' delimiter"),
    ("[]", "1:1: error: not a packgen manifest: expected a mapping"),
    ('{"manifest_version": 1}', '1:1: error: not a packgen manifest: missing key '
                                '"packgen_version" (and 8 more)'),
    ('{"manifest_version": 2}', "1:1: error: not a packgen manifest: manifest_version 2: "
                                "this packgen"),
    ("\xff", "1:1: error: not a packgen manifest: not UTF-8 text"),
])
def test_a_malformed_manifest_is_one_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "old.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ValidationError) as caught:
        read_manifest(path)
    assert len(caught.value.problems) == 1
    assert message in str(caught.value.problems[0])
