"""An officer's own bullet symbol becomes the item's bullet; it is never doubled."""

from __future__ import annotations

import pytest

from tests.conftest import MeetingFolder, page_texts
from tests.test_documents import build_documents


@pytest.mark.parametrize("symbol", ["⇒", "➢", "►", "▪", "◦", "→", "✓", "–"])
def test_a_typed_bullet_is_the_bullet(folder: MeetingFolder, symbol: str) -> None:
    body = (f"# Aims\n\n- {symbol} Improve outcomes\n- {symbol} Reduce costs\n"
            "- Plain item\n")
    out = build_documents(folder, {"aims.md": body})
    lines = [" ".join(x.split()) for t in page_texts(out)[2:] for x in t.splitlines()]
    assert f"{symbol} Improve outcomes" in lines and f"{symbol} Reduce costs" in lines
    assert not any(f"• {symbol}" in x or f"{symbol} {symbol}" in x for x in lines)
    assert "• Plain item" in lines


def test_a_symbol_inside_the_text_stays_text(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"aims.md": "# Aims\n\n- Costs → savings\n"})
    lines = [" ".join(x.split()) for t in page_texts(out)[2:] for x in t.splitlines()]
    assert "• Costs → savings" in lines
