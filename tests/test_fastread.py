"""The fast object reader must make exactly what pypdf makes, or leave the object to pypdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from packgen.pdf.bridge import cached, stored_data, stored_window, unparsed_objects
from packgen.pdf.fastread import prime
from packgen.pdf.unreadable import UNREADABLE
from tests.conftest import make_pdf
from tests.security.test_hostile_pdfs import raw_pdf


def pypdf_type(obj: Any) -> type:
    """The pypdf class of an object: a stream whose bytes stay in its map is pypdf's
    encoded or decoded stream to everything that reads it."""
    return next(t for t in type(obj).__mro__ if t.__module__.split(".")[0] != "packgen")


def same(a: Any, b: Any) -> bool:
    """Equal in type and value all the way down, without resolving references."""
    if pypdf_type(a) is not pypdf_type(b):
        return False
    if isinstance(a, IndirectObject):
        return (a.idnum, a.generation) == (b.idnum, b.generation)
    if isinstance(a, dict):
        if isinstance(a, StreamObject) and stored_data(a) != stored_data(b):
            return False
        return dict.keys(a) == dict.keys(b) and all(
            same(dict.__getitem__(a, k), dict.__getitem__(b, k)) for k in dict.keys(a))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    # A string's attributes too (its original bytes, how its encoding was found); not the
    # reference each reader gives what it caches.
    return bool(a == b) and _attributes(a) == _attributes(b)


def _attributes(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in getattr(obj, "__dict__", {}).items() if k != "indirect_reference"}


def primed_and_checked(path: Path) -> tuple[int, int]:
    """Prime one reader, read the same objects with pypdf alone; return (primed, in table)."""
    with path.open("rb") as fast_file, path.open("rb") as slow_file:
        fast = PdfReader(fast_file, strict=False)
        slow = PdfReader(slow_file, strict=False)
        before = {(g, i) for g, i, _ in unparsed_objects(fast)}
        count = prime(fast, fast_file).objects
        primed = before - {(g, i) for g, i, _ in unparsed_objects(fast)}
        assert len(primed) == count
        for generation, idnum in primed:
            ours = cached(fast, IndirectObject(idnum, generation, fast))
            theirs = slow.get_object(IndirectObject(idnum, generation, slow))
            assert same(ours, theirs), f"{path.name} object {idnum}: {ours!r} != {theirs!r}"
        return count, len(before)


def test_every_corpus_file_reads_the_same(corpus: Path) -> None:
    primed_total = 0
    for path in sorted(corpus.glob("*.pdf")):
        try:
            PdfReader(path, strict=False)
        except UNREADABLE:  # pypdf cannot open it at all: there is nothing to compare
            continue
        primed, _ = primed_and_checked(path)
        primed_total += primed
    assert primed_total > 3000  # the fast path is really taken on real files


def test_a_plain_pdf_is_read_almost_wholly_by_the_fast_path(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "plain.pdf", [f"Page {n}" for n in range(30)])
    primed, objects = primed_and_checked(path)
    assert primed >= objects - 3  # the info dictionary's strings are left to pypdf


def write_pdf(path: Path, bodies: list[bytes]) -> Path:
    """A PDF whose objects 1..N are ``bodies``, object 1 a one-page catalog's page tree."""
    path.write_bytes(raw_pdf(bodies))
    return path


CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>",
           b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
           b"<< /Length 0 >>\nstream\n\nendstream"]

# Odd but legal (or at least readable) objects: each must come out exactly as pypdf
# reads it, whether the fast reader takes it or leaves it.
AWKWARD = [
    b"<< /Name /Substream /Other /endobjX >>",
    b"/Fooendobj",
    b"(a string with endobj and stream in it)",
    b"<< /A (x) /B 1 >>",
    b"<< /A 1 /A 2 >>",
    b"<< /A\x0b/B >>",
    b"<< /A\x00/B >>",
    b"<< /A /B#20C >>",
    b"<< /A 1 % a comment\n/B 2 >>",
    b"[1 2 R 3 0 R -4 +5 .5 5. -.25 1.5.5 true false null]",
    b"[1          0                    R]",
    b"<< /Length 5 >>\nstream\r\nhello\r\nendstream",
    b"<< /Length 9 0 R >>\nstream\nhello\nendstream",
    b"5",
    b"<< /Length 3 >>\nstream\nhello\nendstream",
    b"<< /Length 50 >>\nstream\nhello\nendstream",
    b"<< /Length -1 >>\nstream\nhello\nendstream",
    b"<< /Filter /FlateDecode /Length 2 >>\nstream \nhi\nendstream",
    b"<< /Nested << /Deeper [ [ [ << /X 1 >> ] ] ] >> >>",
    b"[" * 40 + b"]" * 40,
    b"<< /K 12345678901 0 R >>",
    b"<< /Kids [4 0 R]>>",
    b"<</Type/Page/Resources<</Font<</F1 5 0 R>>>>>>",
    b"[/a/b/c<</d/e>>[/f]]",
    b"<< /Unicode /caf\xc3\xa9 >>",
    b"<< /PTEX.FileName (./figures/Torus.pdf) /Length 5 >>\nstream\nhello\nendstream",
    b"<< /ColorSpace [/Indexed /DeviceRGB 1 <00ff00 ff0000>] /Length 2 >>\nstream\nhi\nendstream",
    b"<< /A (unbalanced /Length 5 >>\nstream\nhello\nendstream",
    b"<< /A (x) /A (y) /Length 5 >>\nstream\nhello\nendstream",
    b"<< /A (x) /Length 5 >> 7 >>\nstream\nhello\nendstream",
    # Strings: the fast reader takes those with no escape and no parenthesis in them.
    b"(plain)",
    b"()",
    b"<< /S /URI /URI (packgen-page:17) /Border [0 0 0] >>",
    b"[(a) (b c) () (100%) (x >> y) (3 0 R) (/Name) ([) (<<)]",
    b"<< /T (line one\r\nline two\rthree\nfour) >>",
    b"<< /T (\xfe\xff\x00A\x00B) /U (\xff\xfeA\x00) /V (\xef\xbb\xbfcaf\xc3\xa9) >>",
    b"<< /T (\xfe\xff\x00) /U (caf\xe9 \x7f \x9f) /V (\x00\x01\x02) >>",
    b"<< /T (a (nested) string) /B 1 >>",
    b"<< /T (an escaped \\) paren) /B 1 >>",
    b"<< /T (an octal \\101) /B 1 >>",
    b"<< /T (unterminated /B 1 >>",
    b"<< /T (one) (two) >>",
    b"<< (key) /value >>",
    b"<< /T (a string) /Length 5 >>\nstream\nhello\nendstream",
]


@pytest.mark.parametrize("body", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_objects_read_the_same(tmp_path: Path, body: bytes) -> None:
    path = write_pdf(tmp_path / "awkward.pdf", [*CATALOG, body, b"", b"", b"", b"5"])
    primed_and_checked(path)


@pytest.mark.parametrize(("body", "taken"), [
    (b"<< /Length 9 0 R >>\nstream\nhello\nendstream", True),
    (b"<< /Name /Substream >>", True),
    (b"/Fooendobj", False),
    (b"<< /A (x) /B 1 >>", True),  # a string with no escape or parenthesis in it
    (b"<< /A (x\\) y) /B 1 >>", False),  # an escaped one: pypdf reads it
    (b"<< /A (a (b) c) /B 1 >>", False),  # parentheses within: pypdf reads it
    (b"<< /Length 50 >>\nstream\nhello\nendstream", False),
    (b"<< /A (x) /Length 5 >>\nstream\nhello\nendstream", True),  # its bytes stay mapped
    (b"<< /A (x) /A (y) /Length 5 >>\nstream\nhello\nendstream", False),  # pypdf warns
])
def test_what_the_fast_reader_takes_and_leaves(tmp_path: Path, body: bytes,
                                                taken: bool) -> None:
    path = write_pdf(tmp_path / "one.pdf", [*CATALOG, body, b"", b"", b"", b"5"])
    with path.open("rb") as stream:
        reader = PdfReader(stream, strict=False)
        prime(reader, stream)
        found = cached(reader, IndirectObject(5, 0, reader))
        assert (found is not None) is taken
        if isinstance(found, StreamObject):  # read from the map: its bytes stay there
            assert stored_window(found) is not None and stored_data(found) == b"hello"


def test_an_encrypted_file_is_left_to_pypdf(corpus: Path) -> None:
    encrypted = [p for p in corpus.glob("*.pdf") if b"/Encrypt" in p.read_bytes()]
    assert encrypted
    for path in encrypted:
        with path.open("rb") as stream:
            assert prime(PdfReader(stream, strict=False), stream).objects == 0


def test_a_name_that_is_an_object_of_its_own_is_not_shared(tmp_path: Path) -> None:
    # Object 5 is the bare name /Shared; object 6 uses the same name as a value.
    path = write_pdf(tmp_path / "names.pdf", [*CATALOG, b"/Shared", b"<< /Key /Shared >>"])
    with path.open("rb") as stream:
        reader = PdfReader(stream, strict=False)
        prime(reader, stream)
        own = cached(reader, IndirectObject(5, 0, reader))
        used = dict.__getitem__(cached(reader, IndirectObject(6, 0, reader)), "/Key")
        assert own == used == "/Shared"
        assert own.indirect_reference is not None
        assert getattr(used, "indirect_reference", None) is None
