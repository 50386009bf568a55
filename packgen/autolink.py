"""Find the bare web and e-mail addresses in a notice's text, so that they print as links.

A small rule of our own rather than markdown-it's ``linkify`` (which needs linkify-it-py
and its 1,500-name list of top-level domains): a notice names the council's website or an
officer's address, written as ``https://...``, ``www....`` or ``name@host``, and those
three forms are all a reader expects to be links. Anything else stays text.

Web addresses are found while markdown-it reads the text (:func:`web_addresses`, an inline
rule before its own), so that one is taken whole before emphasis can take a ``*`` or ``_``
in it: ``https://example.org/*x*y`` is one link, printed as written. Mail addresses are
found in the text markdown-it leaves (:func:`addresses`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from markdown_it.rules_inline import text as plain_text
from markdown_it.rules_inline.state_inline import StateInline

from packgen.pdf.links import is_safe_uri

_WEB_ADDRESS = r"\b(?:https?://|www\.)[^\s<>\"]+"
_ADDRESS = re.compile(
    rf"(?P<web>{_WEB_ADDRESS})"
    r"|(?P<mail>(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.IGNORECASE)
_WEB = re.compile(_WEB_ADDRESS, re.IGNORECASE)
_WEB_START = re.compile(r"\b(?:https?://|www\.)", re.IGNORECASE)
# What ends a sentence rather than an address: "see www.example.org." links without the dot;
# and, as GitHub's Markdown has it, emphasis closing after one: "*see www.example.org*".
_TRAILING = ".,;:!?'\"*_~"


def web_addresses(state: StateInline, silent: bool) -> bool:
    """markdown-it inline rule: a bare web address here is one link. Elsewhere, plain text
    runs only up to where the next address starts (markdown-it's own text rule would carry
    on over it), so that this rule sees every address before emphasis does."""
    if state.linkLevel > 0:  # inside a link's text: no link in a link
        return False
    src, pos = state.src, state.pos
    found = _WEB.match(src, pos, state.posMax)
    address = _trimmed(found[0]) if found else ""
    href = f"https://{address}" if address.lower().startswith("www.") else address
    if address and is_safe_uri(href):
        if not silent:
            state.push("link_open", "a", 1).attrs = {"href": href}
            state.push("text", "", 0).content = address
            state.push("link_close", "a", -1)
        state.pos += len(address)
        return True
    starts = _web_starts(src)
    after = bisect.bisect_right(starts, pos)
    if after == len(starts) or starts[after] >= state.posMax:
        return False
    # markdown-it's text rule finds where its run ends (at a character another rule may
    # read), here cut short where the address starts.
    if not plain_text(state, True):
        return False
    state.pos = min(state.pos, starts[after])
    if not silent:
        state.pending += src[pos:state.pos]
    return True


@lru_cache(maxsize=16)
def _web_starts(text: str) -> list[int]:
    """Where web addresses may start, found once a text (the rule runs at every run)."""
    return [m.start() for m in _WEB_START.finditer(text)]


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
