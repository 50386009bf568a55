"""Regenerate the officers' report PDFs of the example meetings.

Real meetings attach PDFs exported from Word and other systems; these stand in
for them. Run from the repository root: python examples/make_example_pdfs.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).parent / "childrens-partnership-board"
STYLES = getSampleStyleSheet()

BACKGROUND = (
    "The Children's Partnership Board brings together the council, health partners, "
    "schools, the police and the voluntary sector to oversee the Children and Young "
    "People's Plan. This report sets out progress since the last meeting, the risks the "
    "partnership is managing and the decisions the Board is asked to take."
)
PROGRESS = (
    "Partners have continued to meet monthly through the delivery group. Attendance has "
    "been good and actions from the previous quarter have been completed or carried "
    "forward with a named lead. Feedback from families collected through the autumn "
    "survey has been shared with every workstream and is reflected in the proposals below."
)
RISK = (
    "The principal risk is the sustainability of grant-funded posts beyond March 2027. "
    "Officers are preparing options for the Board's consideration in the autumn, "
    "including mainstreaming the most effective roles and joint commissioning with health."
)


def report(name: str, title: str, pages: int, *, table: bool = False,
           pagesize: tuple[float, float] = A4) -> None:
    """A plain officer report of exactly ``pages`` pages."""
    story: list = []
    for page in range(pages):
        if page:
            story.append(PageBreak())
        if page == 0:
            story.append(Paragraph(title, STYLES["Title"]))
            story.append(Paragraph("Report of the Director for Children's Integrated Services",
                                   STYLES["Italic"]))
            story.append(Spacer(1, 6 * mm))
        heading = f"{page + 1}. " + ("Background", "Progress", "Risks", "Next steps")[page % 4]
        story.append(Paragraph(heading, STYLES["Heading2"]))
        for text in (BACKGROUND, PROGRESS, RISK):
            story.append(Paragraph(text, STYLES["BodyText"]))
        if table and page == 0:
            story.append(Spacer(1, 4 * mm))
            story.append(_table())
    doc = SimpleDocTemplate(str(HERE / name), pagesize=pagesize, title=title,
                            author="Riverside City Council", invariant=1)
    doc.build(story)


def _table() -> Table:
    rows = [["Measure", "2024-25", "2025-26", "Target", "RAG"],
            ["Families engaged", "1,204", "1,388", "1,350", "Green"],
            ["Sustained outcomes", "412", "466", "520", "Amber"],
            ["Average weeks to first contact", "3.1", "2.4", "2.0", "Amber"],
            ["School attendance improved", "61%", "68%", "65%", "Green"]]
    table = Table(rows, hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    return table


def main() -> None:
    report("terms-of-reference.pdf", "Membership and terms of reference", 3)
    report("priority-families-appendix-1.pdf", "Appendix 1: performance summary", 2,
           table=True, pagesize=landscape(A4))
    report("cypp-refresh.pdf", "Children and Young People's Plan: annual refresh", 4)
    report("youth-justice-plan.pdf", "Youth Justice Plan 2026-27", 7, table=True)
    report("youth-contract.pdf", "Award of the youth services contract", 2)


if __name__ == "__main__":
    main()
