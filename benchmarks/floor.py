"""What ReportLab, as it comes, takes to set the 300-item agenda: a yardstick for issue
16's 0.4 s.

    python benchmarks/floor.py MEETING.yaml OUT.pdf

Run by bench.py in a fresh process, as a build is. It does strictly less than
``packgen build`` does for that meeting: ReportLab is imported and the theme's two
DejaVu faces loaded (as packgen's typesetting process does before any layout), then
Platypus, as it comes, lays out each item as a row of a plain three-column table (number,
title in bold with its presenter or description, pages) and writes the PDF. No
validation, templates, structure tags, stamps or outline; but neither packgen's lighter
start-up (``packgen/rlstartup.py``) nor its faster layout (``packgen/tagged.py``), so it is
no strict bound on a build.
Prints, as JSON, the seconds from process start to ReportLab ready, and from then to the
bytes written.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # as near the process's start as Python lets a script be

import json  # noqa: E402 - after the clock starts
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

FONTS = Path(__file__).resolve().parent.parent / "templates" / "fonts"


def main() -> None:
    meeting, out = Path(sys.argv[1]), Path(sys.argv[2])
    pdfmetrics.registerFont(TTFont("Sans", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Sans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    ready = time.perf_counter()
    import yaml  # the meeting's items, read as plainly as possible

    items = yaml.load(meeting.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["items"]
    body = ParagraphStyle("body", fontName="Sans", fontSize=11, leading=14)
    bold = ParagraphStyle("bold", parent=body, fontName="Sans-Bold")
    rows = []
    for number, item in enumerate(items, 1):
        cell = [Paragraph(item["title"], bold)]
        cell += [Paragraph(item[key], body) for key in ("presenter", "description")
                 if item.get(key)]
        rows.append([Paragraph(str(number), bold), cell, Paragraph("", body)])
    table = Table(rows, colWidths=[15 * mm, 125 * mm, 30 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc = SimpleDocTemplate(str(out), pagesize=A4, title="Agenda")
    doc.build([Paragraph("Agenda", bold), Spacer(1, 6 * mm), table])
    done = time.perf_counter()
    print(json.dumps({"ready": ready - STARTED, "layout": done - ready, "pages": doc.page}))


if __name__ == "__main__":
    main()
