"""The words of the page stamp, as :func:`packgen.pdf.stamps.footers` fills them for page
after page: the same text the catalogue's ``fill`` gives, in every language and for any
wording a council gives it; and the theme's stamp style, read with libyaml where it can."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from packgen.builtin import theme_dir
from packgen.messages import Messages, english, load_messages
from packgen.pdf.stamps import footer, footers, stamp_style, theme_stamp_style


def _worded(page_stamp: str) -> Messages:
    words = english()
    return dataclasses.replace(words, entries=tuple(
        (key, page_stamp if key == "page_stamp" else text) for key, text in words.entries))


@pytest.mark.parametrize("words", [
    english(), load_messages("cy", None, []),
    _worded("{page}"), _worded("p. {page} of the pack"), _worded("{page} / {page}"),
    _worded("Page {page} ({date} stays as written)"), _worded("no number at all"),
    _worded("{pagefoot} {page}")])
@pytest.mark.parametrize("label", ["1", "17", "xiv", "S1-3", "{page}", "{date}"])
def test_footers_say_what_a_footer_says(words: Messages, label: str) -> None:
    assert footers(words)(label) == footer(label, words)


def test_footers_default_to_english() -> None:
    assert footers()("7") == footer("7") == footer("7", english())


def test_the_theme_stamp_style_is_its_stylesheets() -> None:
    text = (theme_dir() / "style.yaml").read_text(encoding="utf-8")
    assert theme_stamp_style() == stamp_style(yaml.safe_load(text)["stamps"])
