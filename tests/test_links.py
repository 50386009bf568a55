"""Links, decided in one place (packgen/pdf/links.py): what validate accepts build lays out
as the same link; what build refuses validate refuses at the same line; and in the pack
every link lands where it should."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from packgen import PackgenError, build_pack, validate
from packgen.errors import Position, Problem, TemplateError
from packgen.htmltree import parse_html
from packgen.layout import Label, Placement, Plan
from packgen.pdf.bridge import add_object
from packgen.pdf.links import href_problem, href_target, is_safe_uri, resolve_page_links
from packgen.theme import load_stylesheet
from packgen.typeset import Typesetter
from tests.conftest import MeetingFolder, basic_meeting, page_texts

REFUSED = 'use a web address, mailto:, tel: or #page=N'


def outcome(run: Callable[[], object]) -> list[str]:
    """The problems a run reports, one line each as the command line prints them."""
    try:
        run()
    except PackgenError as exc:
        return [str(p) for p in exc.problems]
    return []


def both(meeting: Path, out: Path) -> tuple[list[str], list[str]]:
    return outcome(lambda: validate(meeting)), outcome(lambda: build_pack(meeting, out))


def uris(reader: PdfReader, pages: range) -> list[str]:
    found = []
    for index in pages:
        for ref in reader.pages[index].get("/Annots", []):
            action = ref.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                found.append(str(action.get_object()["/URI"]))
    return found


def destinations(reader: PdfReader, index: int) -> list[int]:
    """The 1-based page each GoTo link on a page lands on, in the order they are drawn."""
    targets = []
    for ref in reader.pages[index].get("/Annots", []):
        annot = ref.get_object()
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot and annot["/A"].get("/S") == "/GoTo":
            dest = annot["/A"]["/D"]
        if dest is not None:
            targets.append(reader.get_page_number(dest[0].get_object()) + 1)
    return targets


def page_of(texts: list[str], marker: str) -> int:
    return next(i for i, text in enumerate(texts) if marker in text)


# -- one rule for every address -------------------------------------------------------------

@pytest.mark.parametrize("address, safe", [
    ("https://example.org/plans", True),
    ("HTTPS://example.org", True),
    ("Http://Example.org/A?b=1&c=2", True),
    ("MailTo:clerk@example.org", True),
    ("TEL:+441158760000", True),
    ("https://", False),
    ("http:javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    ("https://example.org/\x00javascript:alert(1)", False),
    ("https://example.org/a b", False),
    ("file:///etc/passwd", False),
    ("packgen-page:3", False),
    ("#page=3", False),
    ("appendix.pdf", False),
])
def test_one_list_of_schemes_in_any_case(address: str, safe: bool) -> None:
    assert is_safe_uri(address) is safe


@pytest.mark.parametrize("href, target", [
    ("#page=3", "packgen-page:3"),
    ("HTTPS://example.org", "HTTPS://example.org"),
    ("mailto:clerk@example.org", "mailto:clerk@example.org"),
    ("#page=0", None),  # there is no page 0; it once linked to the pack's last page
    ("#page=" + "9" * 5000, None),  # too long a number to read
    ("#item-3", None),
    ("packgen-page:3", None),  # the typesetter's own form, never a template's
    ("appendix.pdf", None),
    ("", None),
])
def test_a_template_href_is_a_web_address_or_a_page_of_the_pack(href: str,
                                                                 target: str | None) -> None:
    assert href_target(href) == target
    assert href_problem(href) == (None if target else f'link "{href}": {REFUSED}')


# -- validate and build agree -----------------------------------------------------------------

MARKDOWN_LINKS = {
    "HTTPS://Example.org/Plans": "HTTPS://Example.org/Plans",
    "Https://example.org/a?b=1&c=2": "Https://example.org/a?b=1&c=2",
    "MAILTO:clerk@example.org": "MAILTO:clerk@example.org",
    "Tel:+441158760000": "Tel:+441158760000",
    "#item-3": None,
    "#page=3": None,
    "packgen-page:3": None,
    "appendix.pdf": None,
    "http:javascript:alert(1)": None,
    "JavaScript:alert(1)": None,
}
"""A Markdown link's address -> the link the pack holds (None: the words, no link)."""


def test_markdown_links_validate_and_build_alike(folder: MeetingFolder) -> None:
    """A Markdown body is converted while it is validated, by the rule the typesetter and
    the PDF side use: a link validate keeps is laid out, and one it drops as an address a
    pack may not hold is its words alone in both (never a failure at the template)."""
    body = "# Links\n\n" + "".join(f"Link {n}: [words {n}]({href})\n\n"
                                   for n, href in enumerate(MARKDOWN_LINKS))
    (folder.folder / "links.md").write_text(body)
    meeting = folder.write(basic_meeting([{"title": "Links", "attachments": ["links.md"]}]))
    out = folder.root / "pack.pdf"
    assert both(meeting, out) == ([], [])
    reader = PdfReader(out)
    assert uris(reader, range(2, len(reader.pages))) == [
        uri for uri in MARKDOWN_LINKS.values() if uri is not None]
    text = "".join(page_texts(out)[2:])
    assert all(f"words {n}" in text for n in range(len(MARKDOWN_LINKS)))


def override(folder: MeetingFolder, name: str, markup: str) -> None:
    (folder.folder / "templates").mkdir(exist_ok=True)
    (folder.folder / "templates" / name).write_text(markup)


def document_meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "notes.md").write_text("# Notes\n\nText.\n")
    return folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))


@pytest.mark.parametrize("href", ["HTTPS://example.org/Plans", "mailto:clerk@example.org",
                                  "TEL:+441158760000"])
def test_a_template_link_validate_accepts_is_built_as_it_is(folder: MeetingFolder,
                                                            href: str) -> None:
    override(folder, "document.html", f'<h1>{{{{ document.title }}}}</h1>\n<a href="{href}">'
                                      "the link</a>\n")
    out = folder.root / "pack.pdf"
    assert both(document_meeting(folder), out) == ([], [])
    reader = PdfReader(out)
    assert uris(reader, range(len(reader.pages))) == [href]


REFUSED_HREFS = ["#item-3", "packgen-page:3", "appendix.pdf", "javascript:alert(1)",
                 "http:javascript:alert(1)", "#page=0"]


@pytest.mark.parametrize("href", REFUSED_HREFS)
def test_build_refuses_a_template_link_at_its_line(folder: MeetingFolder, href: str) -> None:
    override(folder, "document.html", f'<h1>Notes</h1>\n<a href="{href}">the link</a>\n')
    meeting = document_meeting(folder)
    out = folder.root / "pack.pdf"
    template = folder.folder / "templates" / "document.html"
    assert outcome(lambda: build_pack(meeting, out)) == [
        str(Problem(Position(template, 2, 1), f'link "{href}": {REFUSED}'))]
    assert not out.exists()


@pytest.mark.parametrize("href", REFUSED_HREFS)
def test_validate_refuses_a_literal_template_link_as_build_does(folder: MeetingFolder,
                                                                href: str) -> None:
    override(folder, "document.html", f'<h1>Notes</h1>\n<a href="{href}">the link</a>\n')
    validated, built = both(document_meeting(folder), folder.root / "pack.pdf")
    assert len(built) == 1 and validated == built


# -- links in the built pack ------------------------------------------------------------------

def test_agenda_rows_link_to_their_items_first_pages(folder: MeetingFolder) -> None:
    items = [{"title": "Apologies"},
             {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 3)]},
             {"title": "Verbal update"},
             {"title": "Plans", "attachments": [folder.pdf("plans.pdf", 1),
                                                folder.pdf("plans-annex.pdf", 2)]}]
    out = folder.root / "pack.pdf"
    build_pack(folder.write(basic_meeting(items)), out)
    reader, texts = PdfReader(out), page_texts(out)
    budget, plans = page_of(texts, "budget-p1") + 1, page_of(texts, "plans-p1") + 1
    assert "Agenda Item 2" in texts[budget - 1] and "Agenda Item 4" in texts[plans - 1]
    # Each item with pages: its title and its page range, in agenda order; no others.
    assert destinations(reader, 0) == [budget, budget, plans, plans]


def test_a_front_sheet_page_link_lands_on_that_page(folder: MeetingFolder) -> None:
    override(folder, "frontsheet.html", '{% extends "!theme/frontsheet.html" %}'
             '{% block notices %}<p><a href="#page=4">the third page</a></p>{% endblock %}')
    items = [{"title": "Budget", "attachments": [folder.pdf("budget.pdf", 3)]}]
    out = folder.root / "pack.pdf"
    assert both(folder.write(basic_meeting(items)), out) == ([], [])
    reader, texts = PdfReader(out), page_texts(out)
    assert destinations(reader, 0) == [3, 3, 4]
    assert "budget-p2" in texts[3]


def test_a_page_link_beyond_the_pack_is_the_front_sheets_problem(folder: MeetingFolder) -> None:
    override(folder, "frontsheet.html", '{% extends "!theme/frontsheet.html" %}'
             '{% block notices %}<p><a href="#page=99">nowhere</a></p>{% endblock %}')
    meeting = folder.write(basic_meeting([{"title": "Budget",
                                           "attachments": [folder.pdf("budget.pdf", 1)]}]))
    validated, built = both(meeting, folder.root / "pack.pdf")
    # Only the built pack knows its length: validate cannot see this one.
    assert validated == []
    assert built == ['frontsheet.html:1:1: error: link "#page=99": the pack has 3 pages']


def test_resolve_page_links_on_our_own_pages() -> None:
    setter = Typesetter(load_stylesheet(), Path("."))
    front = setter.typeset(parse_html('<p><a href="#page=3">third</a> '
                                      '<a href="https://example.org">web</a></p>',
                                      Path("frontsheet.html")), Path("frontsheet.html"))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(front.pdf)))
    for _ in range(2):
        writer.add_blank_page(200, 200)
    labels = (Label(1, roman=True), Label(2), Label(3))
    plan = Plan((Placement(0, 1, "front"), Placement(1, 2, "attachment")), 1, 1, labels)
    resolve_page_links(writer, plan)
    annots = [ref.get_object() for ref in writer.pages[0]["/Annots"]]
    assert annots[0]["/Dest"][0] == writer.pages[2].indirect_reference and "/A" not in annots[0]
    assert annots[1]["/A"]["/URI"] == "https://example.org"
    short = Plan((Placement(0, 1, "front"), Placement(1, 1, "attachment")), 1, 1, labels[:2])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(front.pdf)))
    writer.add_blank_page(200, 200)
    with pytest.raises(TemplateError) as caught:
        resolve_page_links(writer, short)
    assert [str(p) for p in caught.value.problems] == [
        'frontsheet.html:1:1: error: link "#page=3": the pack has 2 pages']


def linked(path: Path) -> None:
    """Give page 1 of a 3-page PDF links of every kind an attachment may hold."""
    writer = PdfWriter(clone_from=PdfReader(path))
    pages = writer.pages

    def link(y: float, **entries: object) -> DictionaryObject:
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, y, 200, y + 20)])})
        for key, value in entries.items():
            annot[NameObject(f"/{key}")] = value  # type: ignore[assignment]
        return annot

    def act(kind: str, key: str, value: object) -> DictionaryObject:
        return DictionaryObject({NameObject("/S"): NameObject(kind),
                                 NameObject(key): value})  # type: ignore[dict-item]

    annots = [
        link(100, Dest=ArrayObject([pages[2].indirect_reference, NameObject("/Fit")])),
        link(130, Dest=TextStringObject("second")),
        link(160, A=act("/GoTo", "/D", TextStringObject("second"))),
        link(190, A=act("/URI", "/URI", TextStringObject("HTTPS://Example.org/Minutes"))),
        link(220, A=act("/URI", "/URI", TextStringObject("MAILTO:clerk@example.org"))),
        link(250, A=act("/URI", "/URI", TextStringObject("packgen-page:1"))),
        link(280, A=act("/URI", "/URI", TextStringObject("appendix.pdf"))),
    ]
    pages[0][NameObject("/Annots")] = ArrayObject(add_object(writer, a) for a in annots)
    writer.add_named_destination("second", 1)
    with open(path, "wb") as stream:
        writer.write(stream)


def test_an_attachments_links_land_on_the_copied_pages(folder: MeetingFolder) -> None:
    """Explicit and named destinations land on the pack's copies of the attachment's pages;
    web and mail links keep their address; an address of packgen's own, or a relative
    one, is no link at all (an attachment cannot make a link into the pack that way)."""
    name = folder.pdf("linked.pdf", 3)
    linked(folder.folder / name)
    items = [{"title": "Before", "attachments": [folder.pdf("before.pdf", 2)]},
             {"title": "Linked", "attachments": [name]}]
    out = folder.root / "pack.pdf"
    assert both(folder.write(basic_meeting(items)), out) == ([], [])
    reader, texts = PdfReader(out), page_texts(out)
    first = page_of(texts, "linked-p1")
    second, third = page_of(texts, "linked-p2") + 1, page_of(texts, "linked-p3") + 1
    assert (second, third) == (first + 2, first + 3)
    assert destinations(reader, first) == [third, second, second]
    assert uris(reader, range(first, first + 1)) == ["HTTPS://Example.org/Minutes",
                                                     "MAILTO:clerk@example.org"]


# -- validate and typesetting stay off pypdf ---------------------------------------------------

def test_markdown_typesetting_and_validate_never_import_pypdf(folder: MeetingFolder) -> None:
    """pypdf costs about 100 ms to import: validate and the typesetting process use the
    link rules without it. (validate reads PDFs in processes of its own, as the command
    line runs it; this meeting has none.)"""
    (folder.folder / "notes.md").write_text("# Notes\n\n[web](HTTPS://example.org) "
                                            "[mail](mailto:clerk@example.org)\n")
    override(folder, "document.html", '<h1>{{ document.title }}</h1>\n'
                                      '<a href="https://example.org">web</a>\n')
    meeting = folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))
    code = f"""
import sys
from pathlib import Path
import packgen.markdown, packgen.typeset
from packgen.check import validate
from packgen.htmltree import parse_html
from packgen.theme import load_stylesheet
from packgen.typeset import Typesetter
validate(Path({str(meeting)!r}), fork=True)
page = parse_html('<p><a href="#page=2">p</a> <a href="MAILTO:a@example.org">m</a></p>',
                  Path("t.html"))
Typesetter(load_stylesheet(), Path(".")).typeset(page, Path("t.html"))
print(sorted(m for m in sys.modules if m.split(".")[0] == "pypdf"))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# -- e-mail addresses the templates link ----------------------------------------------------

@pytest.mark.parametrize("email", ["clerk@example.org", "o'neil+agenda@council.gov.uk",
                                   "  spaced@example.org  ", "É.lu@exemple.fr"])
def test_an_email_validate_accepts_is_built_as_a_mailto_link(folder: MeetingFolder,
                                                             email: str) -> None:
    (folder.folder / "report.yaml").write_text(yaml.safe_dump(
        {"kind": "report", "title": "Budget", "contacts": [{"name": "A", "email": email}]}))
    meeting = folder.write(basic_meeting(
        [{"title": "Budget", "attachments": ["report.yaml"]}],
        contact={"name": "Clerk", "email": email}))
    out = folder.root / "pack.pdf"
    assert both(meeting, out) == ([], [])
    found = uris(PdfReader(out), range(len(PdfReader(out).pages)))
    assert found.count(f"mailto:{email.strip()}") == 2  # the front sheet's and the report's


@pytest.mark.parametrize("email", ["sophie reed@example.org", "Sam Okafor <sam@example.org>",
                                   "clerk", "a@b@c", "tab\t@example.org"])
def test_an_email_no_link_can_hold_is_refused_at_its_yaml_line(folder: MeetingFolder,
                                                               email: str) -> None:
    meeting = folder.write(basic_meeting([{"title": "Apologies"}],
                                         contact={"name": "Clerk", "email": email}))
    validated, built = both(meeting, folder.root / "pack.pdf")
    assert validated == built and len(built) == 1
    assert built[0].endswith(":8:10: error: contact.email: expected an e-mail address, "
                             f"name@example.org, found {json.dumps(email)}")
