"""The benchmark's meetings: generated, deterministic folders that `packgen build` reads.

Every generator takes its sizes as arguments (the benchmark's are the defaults; the tests
use tiny ones), draws its text from a seeded random generator and writes its PDFs with
ReportLab's invariant mode, so the same call writes the same bytes on any machine.
`meeting.yaml` is written last: a folder whose generation was interrupted has none, and is
generated again.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "templates" / "fonts" / "DejaVuSans.ttf"
LOGO = ROOT / "examples" / "riverside-crest.png"
HEADER = ["organisation: Benchmark Borough Council", "date: 2026-07-08", 'time: "18:00"',
          "venue: Council Chamber, Town Hall, Market Square"]
# Every report of the de-duplication meeting draws these first, so that ReportLab's subset
# of the font holds the same glyphs in every report, and its font program is the same bytes.
CHARSET = "".join(chr(c) for c in range(32, 127)) + "£€–—‘’“”"
# The sentence the rebuild measure changes in one report (each report holds it).
EDIT_FROM = "The consultation closed on 30 June 2026 with 412 responses."
EDIT_TO = "The consultation closed on 14 July 2026 with 431 responses."

WORDS = ("council budget ward scheme residents housing transport planning review funding "
         "service partners delivery programme consultation members committee strategy "
         "assessment risk outcome officers capital revenue grant district pressure").split()
PLACES = ("Mill Lane", "Station Road", "Church Street", "Riverside Walk", "Market Square",
          "Park View", "Hill Top Farm", "The Old School", "Canal Wharf", "Orchard Close",
          "Victoria Terrace", "Brook House", "Ash Grove", "Westfield Industrial Estate")
PROPOSALS = ("erection of two detached dwellings", "change of use from office to six flats",
             "single-storey rear extension", "demolition of garage and erection of a bungalow",
             "installation of solar panels on the south roof", "variation of condition 3",
             "construction of a 40-space car park", "listed building consent for new windows",
             "outline permission for up to 24 homes", "replacement shopfront and signage")
TOPICS = ("Revenue budget monitoring, quarter 2", "Capital programme update",
          "Housing revenue account business plan", "Air quality action plan",
          "Local cycling and walking infrastructure plan", "Community safety partnership plan",
          "Treasury management mid-year review", "Corporate risk register",
          "Fees and charges 2027-28", "Adult social care market position statement",
          "School admission arrangements 2028-29", "Homelessness and rough sleeping strategy",
          "Local plan: preferred options consultation", "Parks and open spaces strategy",
          "Council tax support scheme", "Flood risk management strategy")


def write_meeting(folder: Path, body: str, items: list[str]) -> Path:
    """meeting.yaml of ``items`` (each the YAML of one list entry), written last."""
    meeting = folder / "meeting.yaml"
    meeting.write_text("\n".join([*HEADER, f"body: {body}", "items:", *items]) + "\n",
                       encoding="utf-8")
    return meeting


def attachment_list(meeting: Path) -> list[Path]:
    """The PDFs the meeting attaches, in agenda order, repeats and all (qpdf's list)."""
    items = yaml.safe_load(meeting.read_text(encoding="utf-8"))["items"]
    files = [a if isinstance(a, str) else a["file"]
             for item in items for a in item.get("attachments", [])]
    return [meeting.parent / f for f in files if f.endswith(".pdf")]


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"{text[0].upper()}{text[1:]}, at £{rng.randrange(10, 990)},000."


def text_report(path: Path, pages: int, seed: int) -> None:
    """A PDF of ``pages`` pages of text and a table, as a word processor would write."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(60, 790, f"Report {seed}, page {page + 1}")
        c.setFont("Helvetica", 10)
        for line in range(30):
            c.drawString(60, 760 - line * 14, f"Paragraph {line}: the council's budget for "
                                              f"{2026 + line % 3} shows {seed * line} units.")
        for row in range(8):
            for col in range(4):
                x, y = 60 + col * 110, 300 - row * 18
                c.setStrokeColor(colors.grey)
                c.rect(x, y, 110, 18)
                c.drawString(x + 4, y + 5, f"{row * col + seed}")
        c.showPage()
    c.save()


def pages_meeting(folder: Path, items: int, pages: int) -> Path:
    """``items`` reports of ``pages`` pages each: the 1,000- and 10,000-page meetings."""
    if (folder / "meeting.yaml").exists():
        return folder / "meeting.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(items):
        text_report(folder / f"report-{i:02d}.pdf", pages, i)
        entries.append(f"  - title: Report {i}\n    attachments: [report-{i:02d}.pdf]")
    return write_meeting(folder, "Full Council", entries)


def letterhead_report(path: Path, pages: int, seed: int) -> None:
    """A report in the house font with the crest on every page, as Word exports them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("House", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    logo = ImageReader(str(LOGO))
    rng = random.Random(seed)
    for page in range(pages):
        c.setFont("House", 1)
        c.setFillGray(1)
        c.drawString(10, 10, CHARSET)
        c.setFillGray(0)
        c.drawImage(logo, 450, 760, 80, 60)
        c.setFont("House", 14)
        c.drawString(60, 780, f"Report {seed}: page {page + 1}")
        c.setFont("House", 10)
        for line in range(40):
            c.drawString(60, 740 - line * 16, sentence(rng, 9))
        c.showPage()
    c.save()


def scan(path: Path, pages: int, seed: int, size: tuple[int, int]) -> None:
    """A scanned document: a page-sized JPEG of noise on each page, which no filter shrinks."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=60)
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, *A4)
        c.showPage()
    c.save()


def dedup_meeting(folder: Path, reports: int = 30, report_pages: int = 3,
                  scan_pages: int = 50, scan_size: tuple[int, int] = (920, 1300)) -> Path:
    """Issue 16's de-duplication meeting: ``reports`` reports sharing a font subset and a
    logo, and two scans (about 34 MB each at the default size), the first attached to two
    items, a third of the way and two thirds of the way down the agenda."""
    if (folder / "meeting.yaml").exists():
        return folder / "meeting.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    scan(folder / "scan-a.pdf", scan_pages, 1, scan_size)
    scan(folder / "scan-b.pdf", scan_pages, 2, scan_size)
    entries = []
    for i in range(reports):
        letterhead_report(folder / f"report-{i:02d}.pdf", report_pages, i)
        entries.append(f"  - title: Report {i}\n    attachments: [report-{i:02d}.pdf]")
        if i == reports // 5:
            entries.append("  - title: Site survey\n    attachments: [scan-a.pdf]")
        if i == 2 * reports // 3:
            entries.append("  - title: Site survey, again\n    attachments: [scan-a.pdf]")
    entries.append("  - title: Objections received\n    attachments: [scan-b.pdf]")
    return write_meeting(folder, "Planning Committee", entries)


def agenda_title(rng: random.Random, n: int) -> tuple[str, str | None]:
    """A planning application (with its proposal as description) or a report's title."""
    if n % 3:
        reference = f"26/{rng.randrange(100, 3000):05d}/{rng.choice(['FUL', 'OUT', 'LBC'])}"
        title = f"{reference}: {rng.randrange(1, 120)} {rng.choice(PLACES)}"
        return title, f"Application for {rng.choice(PROPOSALS)}."
    return rng.choice(TOPICS), None


def agenda_meeting(folder: Path, items: int = 300) -> Path:
    """A long agenda with no documents: only the front sheet is typeset."""
    if (folder / "meeting.yaml").exists():
        return folder / "meeting.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(300)
    entries = [f"  - title: {t}" for t in ("Apologies for absence", "Declarations of interests",
                                           "Minutes of the previous meeting")]
    for n in range(len(entries), items):
        title, description = agenda_title(rng, n)
        entry = f"  - title: {json.dumps(title, ensure_ascii=False)}"
        if description:
            entry += f"\n    description: {json.dumps(description, ensure_ascii=False)}"
        else:
            entry += "\n    presenter: Report of the Director of Place"
        entries.append(entry)
    return write_meeting(folder, "Planning Committee", entries)


def body(rng: random.Random, paragraphs: int, first: str = "") -> str:
    """A Markdown body, indented for a YAML block scalar: paragraphs, a list and a table."""
    lines = [f"{first} {' '.join(sentence(rng) for _ in range(4))}".strip()]
    for _ in range(paragraphs - 1):
        lines += ["", " ".join(sentence(rng) for _ in range(rng.randrange(3, 7)))]
    lines += ["", *(f"- {sentence(rng, 8)}" for _ in range(3)), "",
              "| Measure | 2025-26 | 2026-27 |", "|---|--:|--:|",
              *(f"| {rng.choice(WORDS).capitalize()} | {rng.randrange(900)} | "
                f"{rng.randrange(900)} |" for _ in range(5))]
    return "\n".join(f"      {line}" if line else "" for line in lines)


def yaml_report(path: Path, title: str, seed: int, sections: int) -> None:
    rng = random.Random(seed)
    parts = [
        "kind: report", f"title: {json.dumps(title)}",
        "director: {name: Jo Patel, role: Director of Place}", "wards: All",
        "contacts:", "  - {name: Sam Okafor, role: Policy Officer, "
        "email: sam.okafor@benchmark.example, phone: 01632 960000}",
        f"summary: {json.dumps(sentence(rng, 20))}", "recommendations:",
        *(f"  - {json.dumps(sentence(rng, 12))}" for _ in range(3)), "sections:"]
    for s in range(sections):
        parts += [f"  - heading: {json.dumps(rng.choice(TOPICS).split(',')[0])}", "    body: |",
                  body(rng, 6, EDIT_FROM if s == 0 else "")]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def markdown_document(path: Path, title: str, seed: int, sections: int) -> None:
    rng = random.Random(seed)
    parts = [f"# {title}"]
    for _ in range(sections):
        parts += ["", f"## {rng.choice(TOPICS)}", "", body(rng, 5).replace("      ", "")]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def rebuild_meeting(folder: Path, reports: int = 12, sections: int = 6, documents: int = 6,
                    pdfs: int = 34, pdf_pages: int = 25) -> tuple[Path, Path]:
    """A meeting of typeset YAML reports, Markdown documents and PDF reports (about 1,000
    pages at the defaults); and the report whose sentence the rebuild measure edits."""
    edited = folder / f"report-{reports // 2:02d}.yaml"
    if (folder / "meeting.yaml").exists():
        return folder / "meeting.yaml", edited
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(max(reports, documents, pdfs)):
        if i < reports:
            yaml_report(folder / f"report-{i:02d}.yaml", TOPICS[i % len(TOPICS)], i, sections)
            entries.append(f"  - title: {json.dumps(TOPICS[i % len(TOPICS)])}\n"
                           f"    attachments: [report-{i:02d}.yaml]")
        if i < documents:
            markdown_document(folder / f"plan-{i:02d}.md", f"Work programme {i}", i, sections)
            entries.append(f"  - title: Work programme {i}\n    attachments: [plan-{i:02d}.md]")
        if i < pdfs:
            text_report(folder / f"paper-{i:02d}.pdf", pdf_pages, i)
            entries.append(f"  - title: Paper {i}\n    attachments: [paper-{i:02d}.pdf]")
    return write_meeting(folder, "Cabinet", entries), edited
