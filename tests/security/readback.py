"""Read a pack back the way a hostile reviewer would: every byte, every stream decompressed.

Shared by the security tests: a canary or an active-content name counts as leaked when it
is anywhere in the pack's decompressed bytes (qpdf QDF, no object streams) or its
extracted text, not only where a viewer would show it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import page_texts

# Whole PDF name tokens, not prefixes of a font name such as /JSFont.
ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "SubmitForm", "ImportData", "FileAttachment",
                "EmbeddedFile", "EmbeddedFiles", "OpenAction", "AA", "RichMedia", "Movie",
                "Sound", "Screen", "Rendition", "AF", "PresSteps", "GoToE", "GoToR",
                "ResetForm", "Hide", "SetOCGState", "Trans", "Named", "XFA", "AcroForm")
_ACTIVE = [re.compile(rb"/" + name.encode() + rb"(?![A-Za-z0-9+#._-])") for name in ACTIVE_NAMES]


def decompressed(pdf: Path, tmp: Path) -> bytes:
    """The pack's bytes with every stream decompressed and no object streams (qpdf QDF)."""
    out = tmp / f"{pdf.stem}.qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)],
                   check=True, capture_output=True)
    return out.read_bytes()


def every_byte(pdf: Path, tmp: Path) -> bytes:
    """Decompressed bytes plus the text poppler extracts (which decodes fonts' encodings)
    and the structure tree's text and titles as poppler reads them (strings in the tree
    may be UTF-16, which the bytes alone would not show)."""
    tree = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True,
                          text=True).stdout
    return decompressed(pdf, tmp) + "".join(page_texts(pdf)).encode() + tree.encode()


def active_names(pdf: Path, tmp: Path, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every active-content name found in the pack, except those ``allowed``."""
    data = decompressed(pdf, tmp)
    return [name for name, pattern in zip(ACTIVE_NAMES, _ACTIVE, strict=True)
            if name not in allowed and pattern.search(data)]


def canaries(pdf: Path, tmp: Path, canary: bytes) -> list[bytes]:
    """Every occurrence of the canary (with what follows it) anywhere in the pack."""
    return re.findall(re.escape(canary) + rb"[-\w]*", every_byte(pdf, tmp))
