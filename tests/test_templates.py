"""Templates and the typesetter: overrides, errors naming the template line, escaping, glyphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.check import validate
from packgen.errors import TemplateError
from packgen.htmltree import parse_html
from packgen.theme import load_stylesheet
from packgen.typeset import Typesetter
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, page_texts

OVERRIDE = """{% extends "!theme/frontsheet.html" %}
{% block heading %}<h1>{{ meeting.body }}: {{ pack_kind|upper }}</h1>{% endblock %}
"""


def build(folder: MeetingFolder, templates: Path | None = None, **meeting: object) -> Path:
    items = meeting.pop("items", [{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}])
    path = folder.write(basic_meeting(items, **meeting))  # type: ignore[arg-type]
    out = folder.root / "pack.pdf"
    build_pack(path, out, templates)
    return out


def test_meeting_override_replaces_one_block(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "frontsheet.html").write_text(OVERRIDE)
    front = page_texts(build(folder))[0]
    assert "Test Committee: PUBLIC DOCUMENT PACK" in front
    assert "Test Borough Council" not in front  # the heading block is gone ...
    assert "BUDGET" in front and "Page 3" in front  # ... the agenda block is the theme's


def test_templates_option_wins_over_the_meeting_folder(folder: MeetingFolder,
                                                       tmp_path: Path) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text("<p>meeting filler</p>")
    chosen = tmp_path / "house"
    chosen.mkdir()
    (chosen / "filler.html").write_text("<p>house filler</p>")
    texts = page_texts(build(folder, templates=chosen))
    assert "house filler" in texts[1] and "meeting filler" not in "".join(texts)


@pytest.mark.parametrize("template, line, column, message", [
    ("<p>ok</p>\n<p>then <script>x</script></p>\n", 2, 9,
     "<script> is not in the HTML subset packgen lays out (see the README)"),
    ('<p style="color: red">x</p>\n', 1, 1,
     '<p> attribute "style" is not supported (see the README)'),
    ("<p>{{ meeting.no_such_thing }}</p>\n", 1, 1,
     "template failed: 'packgen.model.Meeting object' has no attribute 'no_such_thing'"),
    ("<p>{% if %}</p>\n", 1, 1, "template syntax: Expected an expression, got 'end of "
                                "statement block'"),
])
def test_template_problems_name_the_file_and_line(folder: MeetingFolder, template: str,
                                                  line: int, column: int, message: str) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(template)
    with pytest.raises(TemplateError) as caught:
        build(folder)
    [problem] = caught.value.problems
    assert problem.position.file.name == "filler.html"
    assert (problem.position.line, problem.position.column, problem.message) == (
        line, column, message)
    assert not (folder.root / "pack.pdf").exists()


def test_text_is_data_and_unicode_prints(folder: MeetingFolder) -> None:
    title = "Łódź: £5 & €2 “y” – <b>{{ x }}</b> ✓"
    out = build(folder, venue="Salle Ève, Żółć House",
                items=[{"title": title, "description": "Café <i>&amp; {% raw %}",
                        "attachments": [folder.pdf("a.pdf", 1)]}])
    front = " ".join(page_texts(out)[0].split())
    assert title.upper() in front
    assert "Café <i>&amp; {% raw %}" in front
    assert "Salle Ève, Żółć House" in front


def typeset(html: str) -> tuple[Typesetter, bytes]:
    setter = Typesetter(load_stylesheet(), Path("."))
    result = setter.typeset(parse_html(html, Path("test.html")), Path("test.html"))
    return setter, result.pdf


def test_tables_with_spans_and_nested_lists(tmp_path: Path) -> None:
    html = """
    <h2>Spans</h2>
    <table><col width="40%"><col width="30%"><col width="30%">
      <thead><tr><th rowspan="2">Service</th><th colspan="2">Budget</th></tr>
             <tr><th>2025</th><th>2026</th></tr></thead>
      <tr><td>Libraries</td><td>£1.2m</td><td>£1.1m</td></tr>
      <tr><td colspan="3">Total held centrally</td></tr>
    </table>
    <ol><li>First<ul><li>nested bullet</li></ul></li><li>Second</li></ol>
    <div class="page-break"></div>
    <p>After the break</p>
    """
    _, pdf = typeset(html)
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    texts = page_texts(path)
    assert len(texts) == 2 and "After the break" in texts[1]
    lines = [" ".join(line.split()) for line in texts[0].splitlines() if line.strip()]
    assert "Service Budget" in lines and "2025 2026" in lines
    assert "Libraries £1.2m £1.1m" in lines and "Total held centrally" in lines
    assert "1. First" in lines and "• nested bullet" in lines and "2. Second" in lines


def test_a_long_table_splits_and_repeats_its_header(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Row {i}</td><td>{i * 3}</td></tr>" for i in range(150))
    _, pdf = typeset(f"<table><thead><tr><th>Name</th><th>Value</th></tr></thead>{rows}</table>")
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    texts = page_texts(path)
    assert len(texts) >= 3
    assert all(" ".join(t.split()).startswith("Name Value") for t in texts)
    assert "Row 149" in texts[-1]


def test_only_embedded_fonts_in_our_pages(tmp_path: Path) -> None:
    _, pdf = typeset("<ul><li>bullet</li></ul><p><b>bold</b> <i>italic</i> ✓</p>")
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    fonts = {str(f["/BaseFont"]) for f in _fonts(PdfReader(path))}
    assert fonts and all("+DejaVuSans" in f for f in fonts), fonts


def _fonts(reader: PdfReader) -> list[dict[str, object]]:
    found = []
    for page in reader.pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            found.append(ref.get_object())
    return found


def test_an_override_can_place_an_image(folder: MeetingFolder) -> None:
    from PIL import Image as PILImage
    PILImage.new("RGB", (120, 40), (200, 30, 30)).save(folder.folder / "crest.png")
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "frontsheet.html").write_text(
        '{% extends "!theme/frontsheet.html" %}\n'
        '{% block heading %}<img src="crest.png" width="40mm" alt="">{{ super() }}'
        "{% endblock %}\n")
    out = build(folder)
    images = PdfReader(out).pages[0].images
    assert len(images) == 1 and images[0].image is not None
    assert images[0].image.size == (120, 40)


def test_an_image_outside_the_repository_is_refused(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(
        '<img src="../../../etc/x.png" alt="">')
    with pytest.raises(TemplateError) as caught:
        build(folder)
    assert caught.value.problems[0].message == (
        'image "../../../etc/x.png" is outside the repository')


def test_bookmarks_do_not_depend_on_the_template_anchors(folder: MeetingFolder) -> None:
    # An override that drops the rows' id="item-N": verbal items keep their bookmarks
    # (at the agenda's first page), and a supplement's outline holds only its own items.
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "frontsheet.html").write_text(
        "{% for row in rows %}<p>{{ row.item.number }}. {{ row.item.title }}</p>{% endfor %}")
    items = [{"title": "Apologies"},
             {"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]},
             {"title": "Late", "supplement": 1, "attachments": [folder.pdf("l.pdf", 1)]}]
    path = folder.write(basic_meeting(items))
    main, supp = folder.root / "main.pdf", folder.root / "supp.pdf"
    build_pack(path, main)
    build_pack(path, supp, supplement=1)
    titles = [e.title for e in PdfReader(main).outline if not isinstance(e, list)]
    assert titles == ["Agenda", "1. Apologies", "2. Budget"]
    titles = [e.title for e in PdfReader(supp).outline if not isinstance(e, list)]
    assert titles == ["Agenda", "3. Late"]


@pytest.mark.parametrize("files, bad", [
    ({"filler.html": "<p>{% if %}</p>\n"}, "filler.html"),
    # An override of a partial the theme's own templates extend.
    ({"base.html": "<p>{% for %}</p>\n"}, "base.html"),
    # A template of the officer's own, reached only through another override.
    ({"frontsheet.html": '{% extends "!theme/frontsheet.html" %}'
                         '{% block heading %}{% include "parts/head.html" %}{% endblock %}',
      "parts/head.html": "<h1>{{ meeting.body </h1>\n"}, "parts/head.html"),
    ({"frontsheet.html": '{% include "missing.html" %}'}, "missing.html"),
])
def test_validate_compiles_every_override_a_build_could_load(
        folder: MeetingFolder, files: dict[str, str], bad: str) -> None:
    for name, text in files.items():
        (folder.folder / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder.folder / "templates" / name).write_text(text)
    path = folder.write(basic_meeting([{"title": "Budget",
                                        "attachments": [folder.pdf("b.pdf", 1)]}]))
    with pytest.raises(TemplateError) as caught:
        validate(path)
    assert caught.value.problems[0].position.file.as_posix().endswith(bad)


def test_validate_ignores_a_template_nothing_loads(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "scratch.html").write_text("<p>{% if %}</p>")
    path = folder.write(basic_meeting([{"title": "Budget",
                                        "attachments": [folder.pdf("b.pdf", 1)]}]))
    validate(path)
    build_pack(path, folder.root / "pack.pdf")  # and the build agrees


def test_validate_loads_neither_the_typesetter_nor_jinja_without_overrides(
        folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "Budget",
                                        "attachments": [folder.pdf("b.pdf", 1)]}]))
    code = ("import sys; from pathlib import Path; from packgen.check import validate; "
            f"validate(Path({str(path)!r})); "
            "print(sorted(m for m in ('jinja2', 'reportlab', 'markdown_it') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("markup, italic", [
    ("<p>plain <b>bold</b></p>", False),
    ("<p>an <i>italic</i> word</p>", True),
    ('<p class="quote">a quotation in italics, <b>bold too</b></p>', True),
    ("<table><tr><td><em>in a cell</em></td></tr></table>", True),
])
def test_italic_faces_are_read_when_first_needed(tmp_path: Path, markup: str,
                                                 italic: bool) -> None:
    # In a fresh process, where nothing has registered the italic faces yet.
    code = ("import sys; from pathlib import Path; from packgen.htmltree import parse_html; "
            "from packgen.theme import load_stylesheet; from packgen.typeset import Typesetter; "
            "t = Typesetter(load_stylesheet(), Path('.')); "
            f"r = t.typeset(parse_html({markup!r}, Path('t.html')), Path('t.html')); "
            "sys.stdout.buffer.write(r.pdf)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    (tmp_path / "t.pdf").write_bytes(result.stdout)
    fonts = {str(f["/BaseFont"]).split("+")[-1] for f in _fonts(PdfReader(tmp_path / "t.pdf"))}
    assert any("Oblique" in f for f in fonts) is italic, fonts


# -- the sandbox: templates come from pull requests -------------------------------------------

ESCAPES = [
    # Reached at once by a name starting with "_": refused as the template loads.
    ('<p>{{ cycler.__init__.__globals__.os.popen("touch MARKER").read() }}</p>\n', True,
     ['filler.html:1:1: error: "__globals__": names starting with "_" are not allowed in '
      "templates (they reach Python's internals; see --trusted-templates)",
      'filler.html:1:1: error: "__init__": names starting with "_" are not allowed in '
      "templates (they reach Python's internals; see --trusted-templates)"]),
    # The name built at run time: only the sandbox, as it renders, can stop it.
    ('<p>\n{% set n = "__glo" ~ "bals__" %}'
     '{{ (cycler.next|attr(n)).os.popen("touch MARKER").read() }}</p>\n', False,
     ["filler.html:2:1: error: template not allowed: access to attribute '__globals__' of "
      "'function' object is unsafe (templates run sandboxed; see --trusted-templates)"]),
    # Not code, but a build that would take gigabytes: refused as it renders.
    ('<p>\n{{ ("x" * 1000) * 1000000 }}</p>\n', False,
     ["filler.html:2:1: error: template not allowed: the result would be longer than "
      "1,000,000 (templates run sandboxed; see --trusted-templates)"]),
    ('<p>\n{{ 7 ** 100000000 }}</p>\n', False,
     ["filler.html:2:1: error: template not allowed: the power is too large (templates run "
      "sandboxed; see --trusted-templates)"]),
    *[(f"<p>\n{expression} </p>\n", False,
       [f"filler.html:2:1: error: template not allowed: {said} (templates run sandboxed; "
        "see --trusted-templates)"]) for expression, said in [
        ('{{ "x"|center(2000000000) }}', "a width over 10,000"),
        ('{{ "x"|indent(2000000000) }}', "a width over 10,000"),
        ('{{ "%1000000000d"|format(1) }}', "a format width or precision over 10,000"),
        ('{{ "%1000000000d" % 1 }}', "a format width or precision over 10,000"),
        ('{{ "%.*f" % (1000000000, 1) }}', "a format width or precision over 10,000"),
        ('{{ ("x" * 100000)|replace("x", "y" * 10000) }}',
         "the result would be longer than 1,000,000"),
        ('{{ "x".center(2000000000) }}',
         "access to attribute 'center' of 'str' object is unsafe"),
        ('{{ "{0:>3000000000}".format(1) }}',
         "str.format is not allowed in templates; use the format filter"),
        ('{{ ("{0.__globals__}"|attr("format"))(lipsum) }}',
         "str.format is not allowed in templates; use the format filter"),
    ]],
]


@pytest.mark.parametrize("template, at_load, expected", ESCAPES)
def test_a_template_cannot_run_commands(folder: MeetingFolder, run_cli: BuildFn,
                                        template: str, at_load: bool,
                                        expected: list[str]) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(template)
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    prefix = "meeting/templates/"
    for command in (["build", "-o", "pack.pdf"], ["validate"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        if command[0] == "validate" and not at_load:
            assert result.returncode == 0  # compiles; only rendering shows what it does
            continue
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [prefix + line for line in expected] + [
            f"{len(expected)} problem{'s' if len(expected) > 1 else ''}; nothing was written."]
    assert not (folder.root / "MARKER").exists() and not (folder.root / "pack.pdf").exists()


def test_a_template_linked_from_outside_the_repository_is_refused(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    secret = folder.root / "secret.html"
    secret.write_text("<p>the contents of a file outside the repository</p>")
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "part.html").symlink_to(secret)
    (folder.folder / "templates" / "filler.html").write_text('{% include "part.html" %}')
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    for command in (["build", "-o", "pack.pdf"], ["validate"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "meeting/templates/part.html:1:1: error: the template is a link to a file outside "
            "the repository; templates must lie inside it", "1 problem; nothing was written."]
    assert not (folder.root / "pack.pdf").exists()


def test_trusted_templates_leave_the_sandbox(folder: MeetingFolder, run_cli: BuildFn) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(
        "<p>{{ meeting.__class__.__name__ }}</p>")
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    result = run_cli("build", "--trusted-templates", "-o", "pack.pdf", "meeting/meeting.yaml",
                     cwd=folder.root)
    assert result.returncode == 0, result.stderr
    assert page_texts(folder.root / "pack.pdf")[1].split()[0] == "Meeting"
    assert run_cli("validate", "--trusted-templates", "meeting/meeting.yaml",
                   cwd=folder.root).returncode == 0


@pytest.mark.parametrize("kind", ["pipe", "endless"])
def test_a_template_that_would_never_finish_reading_is_refused(
        folder: MeetingFolder, run_cli: BuildFn, kind: str) -> None:
    import os
    (folder.folder / "templates").mkdir()
    part = folder.folder / "templates" / "part.html"
    if kind == "pipe":
        os.mkfifo(part)
        message = "the template is not a regular file"
    else:
        part.symlink_to("/dev/zero")
        message = ("the template is a link to a file outside the repository; templates must "
                   "lie inside it")
    (folder.folder / "templates" / "filler.html").write_text('{% include "part.html" %}')
    folder.write(basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}]))
    for command in (["build", "-o", "pack.pdf"], ["validate"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"meeting/templates/part.html:1:1: error: {message}",
            "1 problem; nothing was written."]


@pytest.mark.parametrize("expression, attribute", [
    ("meeting.items[2].attachments[0].file.read_bytes()", "read_bytes"),
    ('meeting.source.joinpath("/etc/hostname").read_text()', "joinpath"),
    ('meeting.root.joinpath("PWNED").write_text("owned")', "joinpath"),
    ('meeting.source.parent.parent.glob("*")|list', "glob"),
    ('(meeting.items[2].attachments[0].file|attr("read_text"))()', "read_text"),
])
def test_a_template_cannot_read_or_write_files_through_the_paths_it_is_given(
        folder: MeetingFolder, run_cli: BuildFn, expression: str, attribute: str) -> None:
    """The model holds real paths; the sandbox allows only what a path says of itself."""
    folder.pdf("secret.pdf", ["ZQXEXEMPT"])
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "filler.html").write_text(
        f"<p>{{{{ meeting.items[0].attachments[0].file.name }}}}</p>\n<p>{{{{ {expression} }}}}"
        "</p>\n")
    folder.write(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]},
        {"title": "Land", "exempt": 3, "attachments": ["secret.pdf"]}]))
    result = run_cli("build", "-o", "pack.pdf", "meeting/meeting.yaml", cwd=folder.root)
    assert result.returncode == 1, result.stderr
    [line, summary] = result.stderr.splitlines()
    assert line.startswith("meeting/templates/filler.html:2:1: error: template not allowed: "
                           f"access to attribute '{attribute}' of 'PosixPath' object is unsafe")
    assert not (folder.root / "pack.pdf").exists()
    assert not list(folder.root.rglob("PWNED"))


@pytest.mark.parametrize("how", ["link", "folder"])
def test_a_template_cannot_include_a_meetings_own_files(folder: MeetingFolder,
                                                        run_cli: BuildFn, how: str) -> None:
    """An exempt report is inside the repository: linked as a template, or reached through
    a templates folder that is the meeting's own, it must not print in the public pack."""
    (folder.folder / "sec.yaml").write_text("kind: document\ntitle: ZQXEXEMPT-TITLE\n"
                                            "body: ZQXEXEMPT-BODY\n")
    if how == "link":
        (folder.folder / "templates").mkdir()
        (folder.folder / "templates" / "leak.html").symlink_to("../sec.yaml")
        include, named = "leak.html", "meeting/templates/leak.html"
    else:
        (folder.folder / "templates").symlink_to(".")
        include, named = "sec.yaml", "meeting/templates/sec.yaml"
    (folder.folder / "filler.html").write_text(f'{{% include "{include}" %}}')
    if how == "link":
        (folder.folder / "templates" / "filler.html").write_text(f'{{% include "{include}" %}}')
    folder.write(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]},
        {"title": "Land", "exempt": 3, "attachments": ["sec.yaml"]}]))
    for command in (["build", "-o", "pack.pdf"], ["validate"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [
            f"{named}:1:1: error: the template is not an .html file (or is a link to one that "
            "is not); only .html files are templates", "1 problem; nothing was written."]
    assert not (folder.root / "pack.pdf").exists()


def test_a_template_edited_between_builds_in_one_process_is_compiled_again(
        folder: MeetingFolder) -> None:
    # Compiled templates are kept for the life of the process (``build --watch``, a
    # library caller): an edited override must be read again, not served from the store.
    (folder.folder / "templates").mkdir()
    override = folder.folder / "templates" / "filler.html"
    override.write_text("<p>first filler</p>")
    assert "first filler" in "".join(page_texts(build(folder)))
    override.write_text("<p>second filler</p>")
    texts = "".join(page_texts(build(folder)))
    assert "second filler" in texts and "first filler" not in texts


def test_the_theme_compiled_before_the_meeting_came_gives_the_same_pages(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    # The typesetting process compiles the theme's templates while it waits for the
    # meeting (render.warm_templates): in an environment of its own, with filters that
    # know nothing of the meeting. The meeting's environment must then print the meeting's
    # dates in its own format, as it would have compiling them itself.
    from packgen import theme
    from packgen.render import warm_templates

    def empty_store() -> None:
        monkeypatch.setattr(theme, "_COMPILED", {False: theme._Compiled(),
                                                 True: theme._Compiled()})

    empty_store()
    cold = build(folder, date_format="{day2}/{month2}/{year}").read_bytes()
    empty_store()
    warm_templates(False, lambda: False)
    assert theme._COMPILED[False]._code, "nothing was compiled before the meeting came"
    warmed = build(folder, date_format="{day2}/{month2}/{year}")
    assert warmed.read_bytes() == cold
    assert "08/07/2026" in page_texts(warmed)[0]
