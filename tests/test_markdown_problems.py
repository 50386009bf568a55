"""Markdown a typesetter cannot print well is one problem at its line, never a traceback,
a silently dropped text or an unheaded column."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.conftest import BuildFn, MeetingFolder, basic_meeting


def _build(folder: MeetingFolder, run_cli: BuildFn, body: str, name: str = "x.md"
           ) -> tuple[int, str]:
    (folder.folder / name).write_text(body)
    path = folder.write(basic_meeting([{"title": "Item", "attachments": [name]}]))
    done = run_cli("build", str(path), "-o", str(folder.root / "pack.pdf"))
    return done.returncode, done.stderr


def _deep_list(levels: int) -> str:
    return "# T\n\n" + "".join("  " * i + f"- level{i} word word\n" for i in range(levels))


def _deep_quote(levels: int) -> str:
    return "# T\n\nstart\n\n" + "> " * levels + f"deep{levels}\n\n- a\n"


@pytest.mark.parametrize("body, line, message", [
    ("# T\n\n```table csv\n```\n", "3:1", "a table needs at least a heading row"),
    ("# T\n\n```table\nrows:\n  - [Application, Decision]\n  - [F/2014/2353, Approved, 2015]\n"
     "  - [F/2014/2354, Refused]\n```\n", "6:5",
     "the table row has 3 cells; the heading row has 2, so the rest would print under no "
     "heading: give the heading row a cell for each column, or join the extra cells"),
    ("# T\n\n```table\nrows:\n  - [{text: Application, colspan: 2}, Decision]\n"
     "  - [A, B, {text: C, colspan: 2}]\n```\n", "6:5", "the table row has 4 cells; the heading "
     "row has 3, so the rest would print under no heading: give the heading row a cell for "
     "each column, or join the extra cells"),
    ("# T\n\n```table csv\nA,B\n1,2,3\n```\n", "5:1", "the table row has 3 cells; the heading "
     "row has 2, so the rest would print under no heading: give the heading row a cell for "
     "each column, or join the extra cells"),
    (_deep_list(10), "11:1", "a list nested 9 deep in lists and quotes: at most 8 levels print; "
     "bring it out a level or more"),
    (_deep_quote(20), "5:1", "a quote nested 9 deep in lists and quotes: at most 8 levels print; "
     "bring it out a level or more"),
])
def test_one_problem_at_its_line(folder: MeetingFolder, run_cli: BuildFn, body: str,
                                 line: str, message: str) -> None:
    code, err = _build(folder, run_cli, body)
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0].endswith(f"x.md:{line}: error: {message}"), err


@pytest.mark.parametrize("body, words", [
    (_deep_list(8), [f"level{i}" for i in range(8)]),
    (_deep_quote(8), ["deep8", "start"]),
    ("# T\n\n```table\nrows:\n  - [{text: Head, colspan: 2}]\n  - [{text: A, rowspan: 2}, B]\n"
     "  - [C]\n  - [D]\n```\n", ["Head", "A", "B", "C", "D"]),
])
def test_as_deep_as_allowed_prints_whole(folder: MeetingFolder, run_cli: BuildFn, body: str,
                                         words: list[str]) -> None:
    code, err = _build(folder, run_cli, body)
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(folder.root / "pack.pdf").pages)
    for word in words:
        assert word in text.split(), word
    # No word broken by a squeezed column: each level's words stay whole.
    assert "wo\nrd" not in text
