"""Regenerate the officers' PDFs of the Welsh example (Glaslyn County Council's Cabinet).

Each English PDF has a Welsh twin (``-cy``) with exactly as many pages, as a council's
translation unit returns them, so the Welsh edition keeps the English pack's page numbers.
The legal advice (paragraph 16) is in English only, as such advice usually is.
Run from the repository root: python examples/wales/make_pdfs.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).parent / "cabinet"
STYLES = getSampleStyleSheet()

# (heading, paragraphs) per page; the Welsh says the same thing, page for page.
BUDGET_EN = [
    ("1. Summary", [
        "This report sets out the forecast outturn of the council's revenue budget for "
        "2026-27 as at 30 June 2026. Departments forecast an overspend of £1.6m (0.5% of "
        "the net budget), mainly in children's placements and home to school transport.",
        "Corporate budgets are forecast to underspend by £0.4m, leaving a net overspend of "
        "£1.2m after corporate mitigation."]),
    ("2. Departmental forecasts", [
        "Chief Executive's: £0.1m underspend from vacancies. Communities: £0.9m overspend "
        "from residential placements. Education and Children: £0.8m overspend from home to "
        "school transport. Place and Infrastructure: breakeven.",
        "Directors have been asked to bring forward savings plans to the next meeting."]),
]
BUDGET_CY = [
    ("1. Crynodeb", [
        "Mae'r adroddiad hwn yn nodi'r alldro a ragwelir ar gyfer cyllideb refeniw'r cyngor "
        "ar gyfer 2026-27 fel yr oedd ar 30 Mehefin 2026. Mae'r adrannau'n rhagweld gorwariant "
        "o £1.6m (0.5% o'r gyllideb net), yn bennaf ym maes lleoliadau plant a chludiant o'r "
        "cartref i'r ysgol.",
        "Rhagwelir y bydd tanwariant o £0.4m yn y cyllidebau corfforaethol, gan adael "
        "gorwariant net o £1.2m ar ôl lliniaru corfforaethol."]),
    ("2. Rhagolygon yr adrannau", [
        "Y Prif Weithredwr: tanwariant o £0.1m o swyddi gwag. Cymunedau: gorwariant o £0.9m "
        "o leoliadau preswyl. Addysg a Phlant: gorwariant o £0.8m o gludiant o'r cartref i'r "
        "ysgol. Lle a Seilwaith: mantoli'r gyllideb.",
        "Gofynnwyd i'r Cyfarwyddwyr gyflwyno cynlluniau arbedion i'r cyfarfod nesaf."]),
]
BUDGET_TABLE_EN = [["Department", "Budget £m", "Forecast £m", "Variance £m"],
                   ["Chief Executive's", "24.1", "24.0", "-0.1"],
                   ["Communities", "118.6", "119.5", "+0.9"],
                   ["Education and Children", "196.3", "197.1", "+0.8"],
                   ["Place and Infrastructure", "61.0", "61.0", "0.0"]]
BUDGET_TABLE_CY = [["Adran", "Cyllideb £m", "Rhagolwg £m", "Amrywiant £m"],
                   ["Y Prif Weithredwr", "24.1", "24.0", "-0.1"],
                   ["Cymunedau", "118.6", "119.5", "+0.9"],
                   ["Addysg a Phlant", "196.3", "197.1", "+0.8"],
                   ["Lle a Seilwaith", "61.0", "61.0", "0.0"]]

# Paragraph 14: the council's own financial affairs (a land sale's reserve price).
LAND_EN = [
    ("1. Proposal", [
        "Cabinet is asked to approve the disposal of 4.2 hectares of residential development "
        "land at Cae Glas Farm, Llanfair Glaslyn, to Tir Cymru Homes Ltd.",
        "The district valuer has advised a reserve price of £1,240,000 for Cae Glas, and the "
        "preferred bidder has offered £1,315,000 subject to planning."]),
    ("2. Financial implications", [
        "The receipt would fund the council's contribution to the Ysgol Glan Afon capital "
        "scheme. The bids of the other two parties are set out in confidence at Appendix A."]),
]
LAND_CY = [
    ("1. Cynnig", [
        "Gofynnir i'r Cabinet gymeradwyo gwaredu 4.2 hectar o dir datblygu preswyl ar Fferm "
        "Cae Glas, Llanfair Glaslyn, i Tir Cymru Homes Cyf.",
        "Mae'r prisiwr dosbarth wedi cynghori pris cadw o £1,240,000 ar gyfer Cae Glas, ac "
        "mae'r cynigydd a ffefrir wedi cynnig £1,315,000 yn amodol ar gynllunio."]),
    ("2. Goblygiadau ariannol", [
        "Byddai'r derbyniad yn ariannu cyfraniad y cyngor at gynllun cyfalaf Ysgol Glan Afon. "
        "Nodir cynigion y ddau barti arall yn gyfrinachol yn Atodiad A."]),
]

# Paragraph 16: legal professional privilege (no public interest test).
ADVICE_EN = [
    ("Legal advice: Pont Glaslyn contract dispute", [
        "This note summarises counsel's opinion on the Pont Glaslyn adjudication, obtained "
        "by the Head of Legal Services on 10 August 2026.",
        "Counsel advises that the contractor's claim for prolongation costs has reasonable "
        "prospects on two of its five heads, and recommends a without prejudice offer."]),
]


def report(name: str, title: str, by: str, pages: list[tuple[str, list[str]]],
           table: list[list[str]] | None = None) -> None:
    """A plain officer report, one page per (heading, paragraphs)."""
    story: list = [Paragraph(title, STYLES["Title"]), Paragraph(by, STYLES["Italic"]),
                   Spacer(1, 6 * mm)]
    for index, (heading, paragraphs) in enumerate(pages):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(heading, STYLES["Heading2"]))
        story.extend(Paragraph(text, STYLES["BodyText"]) for text in paragraphs)
        if table and index == 0:
            grid = Table(table, hAlign="LEFT")
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                      ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
            story.extend([Spacer(1, 4 * mm), grid])
    doc = SimpleDocTemplate(str(HERE / name), pagesize=A4, title=title,
                            author="Glaslyn County Council", invariant=1)
    doc.build(story)


def main() -> None:
    report("revenue-budget.pdf", "Revenue budget monitoring 2026-27: quarter 1",
           "Report of the Director of Corporate Services", BUDGET_EN, BUDGET_TABLE_EN)
    report("revenue-budget-cy.pdf", "Monitro'r gyllideb refeniw 2026-27: chwarter 1",
           "Adroddiad y Cyfarwyddwr Gwasanaethau Corfforaethol", BUDGET_CY, BUDGET_TABLE_CY)
    report("cae-glas-land.pdf", "Disposal of land at Cae Glas Farm, Llanfair Glaslyn",
           "Report of the Head of Property", LAND_EN)
    report("cae-glas-land-cy.pdf", "Gwaredu tir ar Fferm Cae Glas, Llanfair Glaslyn",
           "Adroddiad y Pennaeth Eiddo", LAND_CY)
    report("pont-glaslyn-advice.pdf", "Pont Glaslyn: contract dispute",
           "Report of the Head of Legal Services", ADVICE_EN)


if __name__ == "__main__":
    main()
