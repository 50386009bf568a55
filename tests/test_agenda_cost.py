"""What a long agenda costs to lay out: each paragraph broken into lines once for its width,
its markup parsed once for a build (plain text not at all), and the pages the same as when
Platypus did it all again (packgen.tagged's shortcuts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaParser

from packgen import build_pack, schema, tagged
from packgen.layout import Pack
from packgen.typesetting import InProcessTypesetting
from tests.conftest import MeetingFolder, basic_meeting

WORDS = ("housing planning revenue budget capital programme review children adult social care "
         "highways maintenance strategy consultation library transport parking licensing "
         "waste recycling contract leisure community safety flood climate").split()


def long_agenda(folder: MeetingFolder, items: int) -> Path:
    """An agenda of ``items`` rows, titles of 5 to 20 words, some with wards or a presenter,
    a few with a report, so that rows carry page ranges and links."""
    rows: list[dict[str, Any]] = []
    for n in range(items):
        title = " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(5 + n % 16))
        row: dict[str, Any] = {"title": title.capitalize()}
        if n % 3 == 0:
            row["description"] = f"Wards: {'Abbey, Bridge' if n % 2 else 'Castle'}"
        elif n % 3 == 1:
            row["presenter"] = "Report of the Director of Place"
        if n % 25 == 5:
            row["attachments"] = [folder.pdf(f"report-{n}.pdf", 1 + n % 3)]
        rows.append(row)
    return folder.write(basic_meeting(rows))


def front_sheet_text(pdf: Path, pages: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-l", str(pages), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_a_long_agenda_breaks_each_paragraph_into_lines_once_for_its_width(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = long_agenda(folder, 120)
    broken: list[tuple[Paragraph, tuple[float, ...]]] = []
    break_lines = Paragraph.breakLines

    def counted(self: Paragraph, widths: list[float]) -> Any:
        broken.append((self, tuple(widths)))  # the paragraph held: no id is reused
        return break_lines(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    result = build_pack(meeting, tmp_path / "pack.pdf")
    again = [(para, widths) for n, (para, widths) in enumerate(broken)
             if any(p is para and w == widths for p, w in broken[:n])]
    # Each row's table was measured for every page it flowed onto, and once more to draw.
    assert len(broken) > 240 and again == []
    text = front_sheet_text(result.output, 6)
    assert "HOUSING" in text.upper() and "Report of the Director of Place" in text


def test_the_front_sheet_typeset_again_parses_no_markup_again(folder: MeetingFolder,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    meeting = schema.validate(long_agenda(folder, 60))
    typesetting = InProcessTypesetting(meeting, None)
    # Every other row has a report: its title and page range are links (markup).
    rows: list[tuple[tuple[tuple[str, str], ...], int | None]] = [
        (((str(n + 3), str(n + 4)),), n + 3) if n % 2 else ((), None) for n in range(60)]
    parsed: list[str] = []
    parse = ParaParser.parse

    def counted(self: ParaParser, text: str, style: Any) -> Any:
        parsed.append(text)
        return parse(self, text, style)

    monkeypatch.setattr(ParaParser, "parse", counted)
    monkeypatch.setattr(tagged, "_parsed", {}, raising=False)  # as in a new process
    monkeypatch.setattr(tagged, "_plain", {}, raising=False)
    first = typesetting.front_sheet(Pack(), rows)
    parsed_first = len(parsed)
    second = typesetting.front_sheet(Pack(), rows)
    # The links' markup is parsed; plain text (the other rows, numbers, presenters) is
    # not, but for a stand-in once per style.
    assert 60 <= parsed_first < 90 and len(parsed) == parsed_first
    assert sum("href" in text for text in parsed) >= 60
    assert second.pdf == first.pdf and second.pages == first.pages > 1


def test_the_shortcuts_make_the_same_bytes_as_platypus_alone(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long agenda, and a document whose paragraphs, lists and table rows flow over
    pages, with and without the wrap and parse shortcuts."""
    (folder.folder / "notes.md").write_text("# Notes\n\n" + "\n\n".join(
        " ".join(f"*Line {n}* of the notes, with [a link](https://example.org/{n})."
                 for _ in range(1 + n % 40)) for n in range(30)) + "\n\n- one\n- two\n\n"
        "| Ward | Note |\n| --- | --- |\n" + "".join(
            f"| W{n} | {'a longer note on the ward ' * (1 + n % 9)} |\n" for n in range(90)))
    meeting = long_agenda(folder, 150)
    text = meeting.read_text().replace("items:", "items:\n- title: Notes\n  attachments: "
                                       "[notes.md]", 1)
    meeting.write_text(text)
    fast = build_pack(meeting, tmp_path / "fast.pdf").output.read_bytes()
    monkeypatch.setattr(tagged.TaggedParagraph, "wrap", Paragraph.wrap)
    monkeypatch.setattr(tagged.TaggedParagraph, "_setup", Paragraph._setup)
    slow = build_pack(meeting, tmp_path / "slow.pdf").output.read_bytes()
    assert fast == slow
    assert "NOTES" in front_sheet_text(tmp_path / "fast.pdf", 8)


def test_the_sandbox_judges_an_attribute_once_for_each_type_alike() -> None:
    # Judged once per (type, name) for speed: an answer never carries to another type.
    from packgen.sandbox import Sandbox

    env = Sandbox()
    template = env.from_string("{{ p.name }} {{ s.upper() }}|{{ p.read_text is defined }}")
    path = Path(__file__)
    for _ in range(2):  # asked again: the same answers
        assert template.render(p=path, s="x").startswith(f"{path.name} X|")
        with pytest.raises(Exception, match="unsafe"):
            env.from_string("{{ p.read_text() }}").render(p=path)
        with pytest.raises(Exception, match="unsafe"):
            env.from_string("{{ s.center(9) }}").render(s="x")
        assert env.from_string("{{ d.format }}").render(d={"format": "kept"}) == "kept"


def test_typesetting_imports_no_network_modules(folder: MeetingFolder) -> None:
    # xml.sax.saxutils, for two escaping functions, brought urllib.request, http.client,
    # ssl and email: an eighth of the typesetting process's imports.
    path = long_agenda(folder, 3)
    code = ("import sys; from pathlib import Path; from packgen import schema; "
            "from packgen.layout import Pack; "
            "from packgen.typesetting import InProcessTypesetting; "
            f"t = InProcessTypesetting(schema.validate(Path({str(path)!r})), None); "
            "t.front_sheet(Pack(), [((), None)] * 3); t.filler(); t.stamp_fonts(); "
            "print(sorted(m for m in ('urllib.request', 'http.client', 'ssl', 'email', "
            "'xml.sax.saxutils') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_titles_with_quotes_markup_and_links_print_as_written(folder: MeetingFolder,
                                                             tmp_path: Path) -> None:
    title = """The "Riverside" & Co's <plan> 'in full'"""
    path = folder.write(basic_meeting([
        {"title": title, "description": 'See [the "plan"](https://example.org/a?b=1&c="2")'
                                        " and <b>this</b>\ttoo"},
        {"title": "Minutes", "attachments": [folder.pdf("m.pdf", 1)]}]))
    pack = build_pack(path, tmp_path / "pack.pdf").output
    text = " ".join(front_sheet_text(pack, 1).split())
    assert """THE "RIVERSIDE" & CO'S <PLAN> 'IN FULL'""" in text
    assert 'See the "plan" and <b>this</b> too' in text
    links = subprocess.run(["pdfinfo", "-url", str(pack)], capture_output=True, text=True,
                           check=True).stdout
    assert "https://example.org/a?b=1&c=%222%22" in links.split()


def test_a_report_s_long_paragraphs_are_not_kept_parsed(folder: MeetingFolder, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Set once, their fragments would only take memory (about 2.6 KB a short paragraph).
    kept: dict[tuple[Any, ...], Any] = {}
    monkeypatch.setattr(tagged, "_parsed", kept)
    (folder.folder / "long.md").write_text("# Long\n\n" + "\n\n".join(
        f"Paragraph {n}: " + "the council will review its budget plans " * 20
        for n in range(40)) + "\n\nShort **closing** line.\n")
    pack = build_pack(folder.write(basic_meeting([{"title": "Long", "attachments": [
        "long.md"]}])), tmp_path / "pack.pdf").output
    assert "Paragraph 39:" in subprocess.run(["pdftotext", str(pack), "-"], capture_output=True,
                                              text=True, check=True).stdout
    assert "Short <b>closing</b> line." in [key[0] for key in kept]
    assert all(len(key[0]) <= tagged.SHORT_MARKUP for key in kept)


def test_a_numbered_heading_leaves_the_headings_after_it_where_they_were(
        tmp_path: Path) -> None:
    # Paragraphs of one style share it (packgen.paragraphs): a number hung in the margin
    # moves its own heading's text only.
    from packgen.htmltree import parse_html
    from packgen.theme import load_stylesheet
    from packgen.typeset import Typesetter

    origin = Path("report.html")
    setter = Typesetter(load_stylesheet(), Path("."))
    html = ("<h2>Before</h2><h2><span class=\"number\">2.3</span>Numbered</h2><h2>After</h2>"
            "<p id=\"end\">" + "Closing words of the report. " * 40 + "</p>")
    typeset = setter.typeset(parse_html(html, origin), origin)
    (tmp_path / "t.pdf").write_bytes(typeset.pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "t.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    left = {word: float(x) for x, word in
            ((m.split('xMin="')[1].split('"')[0], m.split(">")[1].split("<")[0])
             for m in boxes.split("<word ")[1:])}
    assert left["Before"] == left["After"] < left["Numbered"]
    assert typeset.anchors == {"end": 1}


def test_a_table_measures_each_word_once_in_each_font(folder: MeetingFolder,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # Column widths need every cell's words measured; the rows repeat their words.
    from packgen import widths

    measured: list[tuple[str, str, float]] = []
    string_width = widths.stringWidth

    def counted(text: str, font: str, size: float) -> float:
        measured.append((text, font, size))
        return float(string_width(text, font, size))

    monkeypatch.setattr(widths, "stringWidth", counted)
    meeting = schema.validate(long_agenda(folder, 80))
    front = InProcessTypesetting(meeting, None).front_sheet(Pack(), [((), None)] * 80)
    assert front.pages > 1 and len(measured) > 50
    # Again only in another table (the meeting's details): not the agenda's hundreds.
    assert len(measured) - len(set(measured)) <= 10
