"""The meeting page in both languages: a meeting in Wales is published in Welsh too (its own
pack, documents and page, linked both ways), items show their descriptions and presenters,
and an untitled PDF is listed as the pack's bookmark names it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from packgen.manifest import read_manifest
from packgen.manifest_schema import SCHEMA
from tests.conftest import MeetingFolder, basic_meeting, page_texts
from tests.site_helpers import EPOCH, EXAMPLES, read_page, run_site

PAGE = "cabinet/2026-09-01/"


def text_of(page: Path) -> str:
    """A page's text, tags and entities aside, spaces collapsed."""
    import html

    plain = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", plain)


@pytest.fixture(scope="module")
def wales(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """examples/wales (a county in Wales: jurisdiction wales), copied, and its site."""
    tmp = tmp_path_factory.mktemp("wales")
    root = tmp / "wales"
    shutil.copytree(EXAMPLES / "wales", root, ignore=shutil.ignore_patterns("build"))
    out = tmp / "public"
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    return root, out


def test_a_meeting_in_wales_is_published_in_welsh_too(wales: tuple[Path, Path]) -> None:
    root, out = wales
    welsh = out / PAGE / "cy"
    assert sorted(p.relative_to(welsh).as_posix() for p in welsh.rglob("*")
                  if p.is_file()) == [
        "cabinet-2026-09-01-cy.pdf",
        "documents/01-cofnodion-y-cyfarfod-a-gynhaliwyd-ar-20-gorffennaf-2026.pdf",
        "documents/02-strategaeth-leol-ar-gyfer-rheoli-perygl-llifogydd-2026-2032.pdf",
        "documents/03-monitro-r-gyllideb-refeniw-2026-27.pdf",
        "index.html"]
    # The Welsh pack is the one `packgen build --language cy` writes, byte for byte.
    built = root / "cy.pdf"
    subprocess.run([sys.executable, "-m", "packgen", "build", "cabinet/meeting.yaml",
                    "--language", "cy", "-o", str(built)], cwd=root, check=True,
                   capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert (welsh / "cabinet-2026-09-01-cy.pdf").read_bytes() == built.read_bytes()


def test_the_welsh_page_is_in_welsh_and_the_pages_link_each_other(
        wales: tuple[Path, Path]) -> None:
    _, out = wales
    english, welsh = out / PAGE / "index.html", out / PAGE / "cy" / "index.html"
    assert read_page(welsh).lang == "cy" and read_page(english).lang == "en-GB"
    said = text_of(welsh)
    for words in ("Dyddiad 1 Medi 2026", "Lleoliad Siambr, Neuadd y Sir",
                  "Ychwanegu'r cyfarfod hwn at eich calendr",
                  "Pecyn agenda: yr holl bapurau mewn un ffeil (PDF,",
                  "Strategaeth leol ar gyfer rheoli perygl llifogydd",
                  "Adroddiad: Strategaeth leol ar gyfer rheoli perygl llifogydd 2026-2032",
                  "tudalennau 5-6", "Neidio i'r prif gynnwys", "Cyfarfodydd"):
        assert words in said, words
    for words in ("Venue", "Add this meeting", "Skip to main content", "pages 5-6"):
        assert words not in said, words
    # Each page links the other, with the language of the link and of its target.
    page = welsh.read_text(encoding="utf-8")
    assert '<a class="language" href="../index.html" hreflang="en-GB" lang="en-GB">English' \
        in page
    assert '<link rel="alternate" hreflang="en-GB" href="../index.html">' in page
    assert '<a class="language" href="cy/index.html" hreflang="cy" lang="cy">Cymraeg' \
        in english.read_text(encoding="utf-8")
    # The index and the body's page (in the site's language) reach the Welsh page.
    for listing, link in ((out / "index.html", PAGE + "cy/"),
                          (out / "cabinet" / "index.html", "../" + PAGE + "cy/")):
        assert f'<a href="{link}" hreflang="cy" lang="cy">Cabinet, 1 Medi 2026 (Cymraeg)</a>' \
            in listing.read_text(encoding="utf-8")


def test_every_link_of_the_welsh_page_resolves(wales: tuple[Path, Path]) -> None:
    _, out = wales
    welsh = out / PAGE / "cy" / "index.html"
    links = [link for link in read_page(welsh).links if not link.startswith("#")]
    assert len(links) > 8
    for link in links:
        target = (welsh.parent / link.split("#")[0]).resolve()
        if link.endswith("/"):
            target /= "index.html"
        assert target.is_file() and target.is_relative_to(out.resolve()), link


def test_the_manifest_records_the_welsh_edition(wales: tuple[Path, Path]) -> None:
    _, out = wales
    data = read_manifest(out / PAGE / "manifest.json")
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    [welsh] = data["editions"]
    assert welsh["language"] == "cy" and welsh["url"] == PAGE + "cy/"
    assert welsh["meeting"] == {"organisation": "Cyngor Sir Glaslyn", "body": "Cabinet",
                                "venue": "Siambr, Neuadd y Sir, Llanfair Glaslyn, LL99 1GC, "
                                         "ac o bell"}
    assert [p["file"] for p in welsh["packs"]] == ["cy/cabinet-2026-09-01-cy.pdf"]
    assert [i["number"] for i in welsh["items"]] == [i["number"] for i in data["items"]]
    assert welsh["items"][5]["title"] == "Strategaeth leol ar gyfer rheoli perygl llifogydd"
    pack = out / PAGE / "cy/cabinet-2026-09-01-cy.pdf"
    assert hashlib.sha256(pack.read_bytes()).hexdigest() == welsh["packs"][0]["sha256"]
    assert PdfReader(pack).metadata is not None
    texts = page_texts(pack)
    for document in welsh["documents"]:
        own = out / PAGE / document["file"]
        assert hashlib.sha256(own.read_bytes()).hexdigest() == document["sha256"]
        assert page_texts(own) == texts[document["first_index"] - 1:document["last_index"]]
    # Nothing of the exempt items but their wording, in Welsh.
    assert [i["exempt"] is not None for i in welsh["items"]][-2:] == [True, True]
    assert all(d["item"] not in ("10", "11") for d in welsh["documents"])


def test_a_second_run_keeps_the_welsh_edition_and_rebuilds_it_when_gone(
        wales: tuple[Path, Path]) -> None:
    root, out = wales
    again = run_site(root, out)
    assert again.returncode == 0 and "\nunchanged " in "\n" + again.stdout
    assert (out / PAGE / "cy" / "cabinet-2026-09-01-cy.pdf").is_file()
    (out / PAGE / "cy" / "index.html").unlink()
    third = run_site(root, out)
    assert third.returncode == 0 and "\nunchanged " not in "\n" + third.stdout
    assert (out / PAGE / "cy" / "index.html").is_file()


def test_a_meeting_outside_wales_has_no_welsh_edition(folder: MeetingFolder,
                                                      tmp_path: Path) -> None:
    folder.write(basic_meeting([{"title": "Budget", "title_cy": "Cyllideb",
                                 "attachments": [folder.pdf("budget.pdf", 2)]}]))
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    meeting = out / "test-committee" / "2026-07-08"
    assert json.loads((meeting / "manifest.json").read_text())["editions"] == []
    assert not (meeting / "cy").exists()
    assert "hreflang" not in (meeting / "index.html").read_text()


def test_a_meeting_in_wales_written_in_welsh_is_published_once(folder: MeetingFolder,
                                                               tmp_path: Path) -> None:
    """Its files are Welsh already: its one edition is the Welsh one, and nothing fails."""
    folder.write(basic_meeting([{"title": "Cyllideb", "attachments": [
        folder.pdf("cyllideb.pdf", 2)]}], jurisdiction="wales", language="cy"))
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    meeting = out / "test-committee" / "2026-07-08"
    assert json.loads((meeting / "manifest.json").read_text())["editions"] == []
    assert not (meeting / "cy").exists()
    page = (meeting / "index.html").read_text()
    assert "Lleoliad" in page and "8 Gorffennaf 2026" in page


def test_items_show_their_description_and_presenter_in_each_language(
        wales: tuple[Path, Path]) -> None:
    _, out = wales
    english = text_of(out / PAGE / "index.html")
    assert "Local flood risk management strategy To recommend the strategy to Council for " \
        "approval Report of the Director of Place and Infrastructure Report:" in english
    assert "Revenue budget monitoring 2026-27 Report of the Director of Corporate Services" \
        in english
    # An exempt item's presenter is printed on the public agenda, so here too.
    assert "Disposal of land at Cae Glas Farm, Llanfair Glaslyn Report of the Head of " \
        "Property" in english
    welsh = text_of(out / PAGE / "cy" / "index.html")
    assert "Strategaeth leol ar gyfer rheoli perygl llifogydd Argymell y strategaeth i'r " \
        "Cyngor i'w chymeradwyo Adroddiad y Cyfarwyddwr Lle a Seilwaith" in welsh
    data = read_manifest(out / PAGE / "manifest.json")
    assert data["items"][5]["presenter"] == "Report of the Director of Place and Infrastructure"
    assert data["items"][0]["description"] is None and data["items"][0]["presenter"] is None


def test_an_untitled_pdf_is_listed_as_its_bookmark_names_it(folder: MeetingFolder,
                                                            tmp_path: Path) -> None:
    report = ("kind: report\ntitle: Leisure review\nsections:\n"
              "  - heading: Summary\n    body: The review.\n"
              "appendices: [leisure_appendix_final.pdf]\n")
    folder.pdf("leisure_appendix_final.pdf", 1)
    (folder.folder / "leisure.yaml").write_text(report)
    folder.write(basic_meeting([
        {"title": "Papers", "attachments": [folder.pdf("appendix_b_final_v3.pdf", 1),
                                            folder.pdf("other_paper.pdf", 1)]},
        {"title": "Tree survey", "attachments": [folder.pdf("survey_2026_FINAL.pdf", 1)]},
        {"title": "Leisure", "attachments": ["leisure.yaml"]},
    ]))
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    meeting = out / "test-committee" / "2026-07-08"
    pack = json.loads((meeting / "manifest.json").read_text())["packs"][0]["file"]
    outline = [entry.title for entry in _flat(PdfReader(meeting / pack).outline)]
    listed = re.findall(r'<a href="documents/[^"]+">\w+: ([^<]+) <span',
                        (meeting / "index.html").read_text())
    assert listed == ["Appendix b final v3", "Other paper", "Tree survey", "Leisure review",
                      "Appendix 1"]
    assert all(title in outline for title in listed)
    assert not any(re.search(r"_|\.pdf", title) for title in listed)


def _flat(outline: list[object]) -> list[object]:
    found: list[object] = []
    for entry in outline:
        found += _flat(entry) if isinstance(entry, list) else [entry]
    return found


def test_a_manifest_of_an_earlier_packgen_still_reads(wales: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    """One without editions, or its items' descriptions and presenters, is still ours."""
    _, out = wales
    data = json.loads((out / PAGE / "manifest.json").read_text())
    del data["editions"]
    for item in data["items"]:
        del item["description"], item["presenter"]
    old = tmp_path / "manifest.json"
    old.write_text(json.dumps(data))
    assert read_manifest(old)["items"][0]["title"] == "Apologies for absence"


def test_what_the_welsh_edition_leaves_in_english_is_marked_english(
        folder: MeetingFolder, tmp_path: Path) -> None:
    """As the Welsh pack tags them: an item with no title_cy, a document with no file_cy."""
    folder.write(basic_meeting([
        {"title": "Budget", "title_cy": "Cyllideb",
         "attachments": [{"file": folder.pdf("budget.pdf", 1),
                          "file_cy": folder.pdf("cyllideb.pdf", 1)}]},
        {"title": "Tree survey", "attachments": [
            {"file": folder.pdf("survey.pdf", 1), "title": "Survey of trees"}]},
        {"title": "Parks", "title_cy": "Parciau",
         "attachments": [folder.pdf("parks.pdf", 1)]},
    ], jurisdiction="wales"))
    out = tmp_path / "site"
    done = run_site(folder.root, out)
    assert done.returncode == 0, done.stderr
    meeting = out / "test-committee" / "2026-07-08"
    page = (meeting / "cy" / "index.html").read_text()
    assert '<span class="number">1.</span> Cyllideb</h3>' in page
    assert '<span class="number">2.</span> <span lang="en-GB">Tree survey</span></h3>' in page
    assert '<span class="number">3.</span> Parciau</h3>' in page
    links = re.findall(r'<a href="documents/[^"]+"( hreflang="[^"]+")?>(\w+): (.*?) <span '
                       r'class="about">', page)
    assert links == [("", "Dogfen", "Cyllideb"),
                     (' hreflang="en-GB"', "Dogfen", '<span lang="en-GB">Survey of trees</span>'),
                     (' hreflang="en-GB"', "Dogfen", "Parciau")]
    [welsh] = json.loads((meeting / "manifest.json").read_text())["editions"]
    assert [i["language"] for i in welsh["items"]] == [None, "en-GB", None]
    assert [d["language"] for d in welsh["documents"]] == [None, "en-GB", "en-GB"]
    # The English page marks nothing: everything on it is in its own language.
    assert 'lang="en-GB"' not in (meeting / "index.html").read_text().split("<main", 1)[1]


def test_a_rescheduled_welsh_meeting_keeps_its_welsh_old_address(tmp_path: Path) -> None:
    root = tmp_path / "wales"
    shutil.copytree(EXAMPLES / "wales", root, ignore=shutil.ignore_patterns("build"))
    out = tmp_path / "public"
    assert run_site(root, out).returncode == 0
    meeting = root / "cabinet" / "meeting.yaml"
    meeting.write_text(meeting.read_text().replace("date: 2026-09-01", "date: 2026-09-08"))
    done = run_site(root, out)
    assert done.returncode == 0, done.stderr
    old = out / PAGE
    assert sorted(p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file()) == \
        ["cy/index.html", "index.html", "moved.json"]
    welsh = (old / "cy" / "index.html").read_text()
    assert '<html lang="cy">' in welsh
    assert "1 Medi 2026" in welsh and "8 Medi 2026" in welsh and "wedi symud" in welsh
    links = read_page(old / "cy" / "index.html").links
    assert "../../../cabinet/2026-09-08/cy/" in links and "../index.html" in links
    assert "cy/index.html" in read_page(old / "index.html").links
    for page in (old / "index.html", old / "cy" / "index.html"):
        for link in read_page(page).links:
            if not link.startswith(("http", "#")):
                target = (page.parent / link.split("#")[0]).resolve()
                assert target.exists() or (target / "index.html").exists(), (page, link)
