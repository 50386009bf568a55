"""Exempt material never reaches a public pack; public and private packs agree on numbers."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from packgen import build_pack
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, footer_number, page_texts, page_words

CANARY = "ZQXCANARY"


def canary_pdf(folder: MeetingFolder, name: str) -> str:
    """An exempt report carrying the canary in its text, metadata, XMP and bookmarks."""
    folder.pdf(name, [f"{CANARY}-TEXT page {i}" for i in range(3)])
    path = folder.folder / name
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_metadata({"/Title": f"{CANARY}-META", "/Author": f"{CANARY}-AUTHOR"})
    writer.xmp_metadata = f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{CANARY}-XMP</x:xmpmeta>".encode()
    writer.add_outline_item(title=f"{CANARY}-BOOKMARK", page_number=1)
    with open(path, "wb") as stream:
        writer.write(stream)
    return name


def every_byte(pdf: Path, tmp: Path) -> bytes:
    """The pack fully decompressed (qpdf QDF, no object streams), plus its extracted text."""
    qdf = tmp / f"{pdf.stem}.qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(qdf)], check=True)
    return qdf.read_bytes() + "".join(page_texts(pdf)).encode()


def leak_meeting(folder: MeetingFolder) -> Path:
    exempt_report = (f"kind: report\ntitle: {CANARY}-RENDERED-TITLE\nsections:\n"
                     f"  - heading: Terms\n    body: The price is {CANARY}-RENDERED-BODY.\n")
    (folder.folder / f"{CANARY}-rendered.yaml").write_text(exempt_report)
    items = [
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 3)]},
        {"title": "Property disposal", "exempt": 3, "reason": f"{CANARY}-REASON",
         "attachments": [{"file": canary_pdf(folder, f"{CANARY}-file.pdf"),
                          "title": f"{CANARY}-YAML-TITLE"}, f"{CANARY}-rendered.yaml"]},
        {"title": "Leisure contract", "attachments": [
            folder.pdf("leisure.pdf", 1),
            {"file": canary_pdf(folder, f"{CANARY}-appendix.pdf"), "exempt": 3,
             "title": f"{CANARY}-APPENDIX-TITLE", "reason": f"{CANARY}-APPENDIX-REASON"}]},
        {"title": "Any other business"},
    ]
    return folder.write(basic_meeting(items))


def test_nothing_exempt_reaches_the_public_pack(folder: MeetingFolder, tmp_path: Path) -> None:
    path = leak_meeting(folder)
    public = folder.root / "public.pdf"
    private = folder.root / "private.pdf"
    build_pack(path, public, html=True)
    build_pack(path, private, private=True)
    leaked = re.findall(rb"ZQXCANARY[-\w]*", every_byte(public, tmp_path))
    assert leaked == []
    assert CANARY not in (folder.root / "public.html").read_text()
    # The canaries are findable: the private pack holds the exempt pages' text.
    found = set(re.findall(rb"ZQXCANARY[-\w]*", every_byte(private, tmp_path)))
    assert {b"ZQXCANARY-TEXT", b"ZQXCANARY-RENDERED-BODY", b"ZQXCANARY-REASON"} <= found
    # ... but never the attachments' own metadata, in either pack.
    assert not {b"ZQXCANARY-META", b"ZQXCANARY-AUTHOR", b"ZQXCANARY-XMP"} & found
    agenda = " ".join(" ".join(page_texts(public)[:1]).split())
    assert "PROPERTY DISPOSAL" in agenda
    assert ("This item is not for publication by virtue of paragraph 3 of Part 1 of "
            "Schedule 12A to the Local Government Act 1972.") in agenda
    assert "Part of this item is not for publication by virtue of paragraph 3" in agenda


def test_public_pages_keep_their_numbers_in_the_private_pack(folder: MeetingFolder) -> None:
    path = leak_meeting(folder)
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)

    def by_label(pdf: Path) -> dict[str, str]:
        labels = PdfReader(pdf).page_labels
        texts = [" ".join(t.split()) for t in page_texts(pdf)]
        return dict(zip(labels, texts, strict=True))

    pub, priv = by_label(public), by_label(private)
    front = {"1"}
    body_labels = [label for label in pub if label not in front]
    for label in body_labels:  # same number, same page (the marker text proves it)
        assert pub[label] == priv[label], label
    extra = [label for label in priv if label not in pub]
    assert extra and all(re.fullmatch(r"E\d+", label) for label in extra)
    assert [int(label[1:]) for label in extra] == list(range(1, len(extra) + 1))
    # Every exempt page is marked, with its paragraph; no public page is.
    for label, text in priv.items():
        marked = "NOT FOR PUBLICATION" in text and "paragraph 3 of Part 1" in text
        assert marked == label.startswith("E"), label
    # The printed footer is the label, on every page after the front sheet.
    words = page_words(private)
    labels = PdfReader(private).page_labels
    for index, label in enumerate(labels[1:], start=1):
        if not label.startswith("E"):
            assert footer_number(*words[index]) == int(label)
    assert "Private Document Pack" in page_texts(private)[0]


def test_exempt_reason_only_in_the_private_agenda(folder: MeetingFolder) -> None:
    path = leak_meeting(folder)
    build_pack(path, folder.root / "private.pdf", private=True)
    agenda = " ".join(page_texts(folder.root / "private.pdf")[0].split())
    assert f"Schedule 12A to the Local Government Act 1972. {CANARY}-REASON" in agenda
    assert re.search(r"PROPERTY DISPOSAL .*Pages E1 - E\d+", agenda)


def test_the_same_pdf_public_and_exempt_is_an_error(folder: MeetingFolder) -> None:
    name = folder.pdf("report.pdf", 1)
    path = folder.write(basic_meeting([
        {"title": "Public", "attachments": [name]},
        {"title": "Exempt", "exempt": 1, "attachments": [name]}]))
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    messages = [f"{p.position.line}: {p.message}" for p in caught.value.problems]
    assert messages == [
        '9: "report.pdf" is also attached to an exempt item; give the public and the exempt '
        "version their own files",
        '13: "report.pdf" is also attached to a public item; give the public and the exempt '
        "version their own files"]


def test_exclusion_of_the_public_is_added_before_the_first_exempt_item(
        folder: MeetingFolder) -> None:
    items = [{"title": "Budget"}, {"title": "Land sale", "exempt": 3}, {"title": "Staffing",
                                                                        "exempt": 1}]
    path = folder.write(basic_meeting(items))
    build_pack(path, folder.root / "pack.pdf")
    agenda = " ".join(page_texts(folder.root / "pack.pdf")[0].split())
    assert re.search(r"1\. BUDGET 2\. EXCLUSION OF THE PUBLIC To consider excluding the "
                     r"public .* 3\. LAND SALE .* 4\. STAFFING", agenda)
    assert agenda.count("EXCLUSION OF THE PUBLIC") == 1


def test_exclusion_item_can_be_turned_off(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "Land sale", "exempt": 3}],
                                      exclusion_item=False))
    build_pack(path, folder.root / "pack.pdf")
    assert "EXCLUSION" not in page_texts(folder.root / "pack.pdf")[0]


def test_supplement(folder: MeetingFolder) -> None:
    main_items = [{"title": "Budget", "attachments": [folder.pdf("budget.pdf", 3)]},
                  {"title": "Leisure", "attachments": [folder.pdf("leisure.pdf", 2)]}]
    path = folder.write(basic_meeting(main_items))
    before = folder.root / "before.pdf"
    build_pack(path, before)
    late = [{"title": "Late report", "supplement": 1,
             "attachments": [folder.pdf("late.pdf", 2)]},
            {"title": "Late exempt", "supplement": 1, "exempt": 2,
             "attachments": [folder.pdf("late-exempt.pdf", 1)]}]
    main_items[1]["attachments"].append({"file": folder.pdf("addendum.pdf", 1),
                                         "supplement": 1})
    path = folder.write(basic_meeting(main_items + late))
    main, supplement = folder.root / "main.pdf", folder.root / "supp.pdf"
    build_pack(path, main)
    build_pack(path, supplement, supplement=1)
    # The main pack is unchanged by the supplement's presence, to the byte.
    assert main.read_bytes() == before.read_bytes()
    main_labels = PdfReader(main).page_labels
    supp_labels = PdfReader(supplement).page_labels
    assert supp_labels[0] == str(int(main_labels[-1]) + 1)  # numbering continues
    texts = page_texts(supplement)
    agenda = " ".join(texts[0].split())
    assert "SUPPLEMENTARY AGENDA" in agenda
    assert "LEISURE" in agenda and "LATE REPORT" in agenda and "BUDGET" not in agenda
    assert "LATE EXEMPT" in agenda and "late-exempt-p1" not in "".join(texts)
    assert any("addendum-p1" in t for t in texts) and any("late-p1" in t for t in texts)
    words = page_words(supplement)
    for index, label in enumerate(supp_labels[1:], start=1):
        assert footer_number(*words[index]) == int(label)


def test_supplement_that_does_not_exist(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "A"}]))
    with pytest.raises(ValidationError, match="nothing in the meeting is marked supplement: 2"):
        build_pack(path, folder.root / "pack.pdf", supplement=2)


def test_draft_is_marked_and_never_the_default(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "A", "attachments": [folder.pdf("a.pdf", 2)]}]))
    draft, final = folder.root / "draft.pdf", folder.root / "final.pdf"
    build_pack(path, draft, draft=True)
    build_pack(path, final)
    # poppler leaves diagonal text out of pdftotext; pypdf reads it.
    assert all("DRAFT" in page.extract_text() for page in PdfReader(draft).pages)
    assert not any("DRAFT" in page.extract_text() for page in PdfReader(final).pages)
    meta = PdfReader(draft).metadata
    assert meta is not None and str(meta.title).endswith("(DRAFT)")
    assert "(DRAFT)" not in str(PdfReader(final).metadata.title)  # type: ignore[union-attr]


def test_private_supplement_numbers_carry_on(folder: MeetingFolder) -> None:
    items = [{"title": "Budget", "attachments": [folder.pdf("budget.pdf", 2)]},
             {"title": "Land", "exempt": 3, "attachments": [folder.pdf("land.pdf", 3)]},
             {"title": "Late", "supplement": 1, "attachments": [folder.pdf("late.pdf", 1)]},
             {"title": "Late land", "supplement": 1, "exempt": 3,
              "attachments": [folder.pdf("late-land.pdf", 2)]}]
    path = folder.write(basic_meeting(items))
    packs = {}
    for name, kwargs in (("main", {}), ("private", {"private": True}),
                         ("supp", {"supplement": 1}),
                         ("supp-private", {"private": True, "supplement": 1})):
        out = folder.root / f"{name}.pdf"
        build_pack(path, out, **kwargs)  # type: ignore[arg-type]
        packs[name] = PdfReader(out).page_labels
    assert packs["main"][-1] == "4"  # front sheet, filler, Budget 3-4
    assert packs["private"][-4:] == ["E1", "E2", "E3", "E4"]  # Land, padded to even
    public_supplement = packs["supp"]
    assert public_supplement[0] == "5"
    private_supplement = packs["supp-private"]
    assert private_supplement[:len(public_supplement)] == public_supplement
    # Pages 5-7 end on a right-hand page, so a filler (E5) comes before Late land (E6-E7).
    assert private_supplement[len(public_supplement):] == ["E5", "E6", "E7"]


def test_nothing_exempt_reaches_the_website(folder: MeetingFolder, tmp_path: Path) -> None:
    """packgen site publishes the public pack, its documents, pages, manifest, calendars and
    feeds: no byte of any file under the site, and no file name, holds the canary."""
    from tests.site_helpers import run_site

    leak_meeting(folder)
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    assert CANARY not in done.stdout + done.stderr
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert any(p.suffix == ".pdf" for p in files) and any(p.name == "manifest.json"
                                                          for p in files)
    for path in files:
        assert CANARY not in path.relative_to(out).as_posix()
        data = every_byte(path, tmp_path) if path.suffix == ".pdf" else path.read_bytes()
        assert re.findall(rb"ZQXCANARY[-\w]*", data) == [], path
    page = (out / "test-committee" / "2026-07-08" / "index.html").read_text()
    assert "Property disposal" in page and "not for publication by virtue of paragraph 3" in page


def test_nothing_exempt_reaches_the_welsh_edition_on_the_website(folder: MeetingFolder,
                                                                 tmp_path: Path) -> None:
    """A meeting in Wales is published in Welsh too: its exempt item's Welsh twins (the
    Welsh report, its Welsh title and reason, an exempt appendix's Welsh file) reach no
    byte and no file name of the site, in either edition."""
    from tests.site_helpers import run_site

    exempt_welsh = (f"kind: report\ntitle: {CANARY}-CY-RENDERED-TITLE\nsections:\n"
                    f"  - heading: Telerau\n    body: Y pris yw {CANARY}-CY-RENDERED-BODY.\n")
    (folder.folder / f"{CANARY}-cy.yaml").write_text(exempt_welsh)
    items = [
        {"title": "Budget", "title_cy": "Cyllideb", "description": "To note the budget",
         "description_cy": "Nodi'r gyllideb",
         "attachments": [{"file": folder.pdf("budget.pdf", 3),
                          "file_cy": folder.pdf("cyllideb.pdf", 3)}]},
        {"title": "Property disposal", "title_cy": "Gwaredu eiddo", "exempt": 14,
         "reason": f"{CANARY}-REASON", "reason_cy": f"{CANARY}-CY-REASON",
         "attachments": [{"file": canary_pdf(folder, f"{CANARY}-file.pdf"),
                          "file_cy": f"{CANARY}-cy.yaml",
                          "title": f"{CANARY}-YAML-TITLE",
                          "title_cy": f"{CANARY}-CY-YAML-TITLE"}]},
        {"title": "Leisure contract", "title_cy": "Contract hamdden", "attachments": [
            folder.pdf("leisure.pdf", 1),
            {"file": canary_pdf(folder, f"{CANARY}-appendix.pdf"),
             "file_cy": canary_pdf(folder, f"{CANARY}-atodiad.pdf"), "exempt": 14,
             "title": f"{CANARY}-APPENDIX-TITLE", "title_cy": f"{CANARY}-CY-APPENDIX-TITLE",
             "reason": f"{CANARY}-APPENDIX-REASON",
             "reason_cy": f"{CANARY}-CY-APPENDIX-REASON"}]},
    ]
    folder.write(basic_meeting(items, jurisdiction="wales"))
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    assert CANARY not in done.stdout + done.stderr
    welsh = out / "test-committee" / "2026-07-08" / "cy"
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert any(p.suffix == ".pdf" and p.is_relative_to(welsh) for p in files)
    for path in files:
        assert CANARY not in path.relative_to(out).as_posix()
        data = every_byte(path, tmp_path) if path.suffix == ".pdf" else path.read_bytes()
        assert re.findall(rb"ZQXCANARY[-\w]*", data) == [], path
    page = (welsh / "index.html").read_text()
    assert "Gwaredu eiddo" in page and "paragraff 14" in page
