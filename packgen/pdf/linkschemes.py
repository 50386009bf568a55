"""Which link addresses a pack may hold: one rule for Markdown, templates and attachments.

A link in a council's pack opens a web page, writes an e-mail or rings a number; nothing
else (no ``javascript:``, ``file:``, ``data:``, or a viewer's own ``pdf:`` or ``launch:``).
Markdown bodies, the theme's and officers' templates and the links inside attached PDFs
are all judged here, so an address one of them accepts is never refused by another
(``HTTPS://`` is as good as ``https://``: schemes are case-insensitive, RFC 3986, 3.1).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
"""The schemes a link may use, in lower case."""
_WEB = ("http", "https")


def is_safe_uri(text: str) -> bool:
    """Whether ``text`` is a whole web (``scheme://host...``), mail or phone address.

    A web address must name a host: ``http:javascript:alert(1)`` has the right scheme but
    no host, and some viewers hand what follows the scheme to a script engine. No
    whitespace or control character may appear anywhere, as viewers and browsers strip
    or stop at them differently (``https://example.org\\x00javascript:...``).
    """
    if not text or any(c.isspace() or unicodedata.category(c) == "Cc" for c in text):
        return False
    scheme, colon, rest = text.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in SAFE_SCHEMES or not rest:
        return False
    if scheme not in _WEB:
        return True
    try:
        return rest.startswith("//") and bool(urlsplit(text).hostname)
    except ValueError:  # a malformed IPv6 host, say
        return False
