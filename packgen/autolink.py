"""Find the bare web and e-mail addresses in a notice's text, so that they print as links.

A small rule of our own rather than markdown-it's ``linkify`` (which needs linkify-it-py
and its 1,500-name list of top-level domains): a notice names the council's website or an
officer's address, written as ``https://...``, ``www....`` or ``name@host``, and those
three forms are all a reader expects to be links. Anything else stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from packgen.pdf.links import is_safe_uri

_ADDRESS = re.compile(
    r"(?P<web>\b(?:https?://|www\.)[^\s<>\"]+)"
    r"|(?P<mail>(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.IGNORECASE)
# What ends a sentence rather than an address: "see www.example.org." links without the dot.
_TRAILING = ".,;:!?'\""


def addresses(text: str) -> Iterator[tuple[str, str]]:
    """``text`` in runs of (text, link address), the address empty for plain text."""
    done = 0
    for match in _ADDRESS.finditer(text):
        found = _trimmed(match[0])
        href = found if match["mail"] is None else f"mailto:{found}"
        if found.lower().startswith("www."):
            href = f"https://{found}"
        if not is_safe_uri(href):
            continue
        start = match.start()
        if start > done:
            yield text[done:start], ""
        yield found, href
        done = start + len(found)
    if done < len(text):
        yield text[done:], ""


def _trimmed(address: str) -> str:
    """The address without the punctuation after it, and without a closing bracket it does
    not open: "(see https://example.org/a)" links https://example.org/a."""
    while address and (address[-1] in _TRAILING or (
            address[-1] == ")" and address.count(")") > address.count("("))):
        address = address[:-1]
    return address
