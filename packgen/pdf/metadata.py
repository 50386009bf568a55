"""The pack's document metadata: info dictionary, XMP, language, file identifier.

Dates come from ``SOURCE_DATE_EPOCH`` when it is set, and otherwise from the
meeting itself, so the same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from html import escape

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from packgen import __version__
from packgen.layout import PUBLIC, Pack
from packgen.model import Meeting, Minutes


def build_time(meeting: Meeting) -> datetime.datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the meeting's own date and time (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    return datetime.datetime.combine(meeting.date, meeting.time, tzinfo=datetime.timezone.utc)


def pack_title(meeting: Meeting, pack: Pack = PUBLIC, draft: bool = False) -> str:
    """"Children's Partnership Board, 8 July 2026 — public document pack"; for a document
    built alone, "Library opening hours (draft for checking)"."""
    words = meeting.words
    if pack.alone:
        return f"{_sole_title(meeting)} {words.word('metadata_alone')}" + \
            (f" {words.word('metadata_draft')}" if draft else "")
    kind = words.word("metadata_private" if pack.private else "metadata_public")
    if pack.supplement is not None:
        kind = words.fill("metadata_supplementary_private" if pack.private
                          else "metadata_supplementary_public", n=pack.supplement)
    return f"{meeting.body}, {_held(meeting)} — {kind}" + \
        (f" {words.word('metadata_draft')}" if draft else "")


def _held(meeting: Meeting) -> str:
    """"8 July 2026": the meeting's date in its language's month names."""
    when = meeting.date
    return meeting.words.fill("metadata_date", day=when.day, year=when.year,
                              month=meeting.words.names("months")[when.month - 1])


def _sole_title(meeting: Meeting) -> str:
    """The title of the one document a meeting made for a document built alone holds."""
    document = meeting.items[0].attachments[0].document
    if isinstance(document, Minutes):
        return document.title_in(meeting.words)
    return str(getattr(document, "title", "")) or meeting.items[0].title


def set_metadata(writer: PdfWriter, meeting: Meeting, identity: bytes, pack: Pack = PUBLIC,
                 draft: bool = False, accessible: bool = False) -> ArrayObject:
    """Describe the pack; ``identity`` is a digest of everything the pack was built from.
    ``accessible``: every page is tagged, and the XMP claims PDF/UA-1
    (:func:`packgen.pdf.structure.build_structure` decides).

    Returns the file identifier for the trailer."""
    when = build_time(meeting)
    pdf_date = when.strftime("D:%Y%m%d%H%M%SZ")
    title = pack_title(meeting, pack, draft)
    subject = meeting.words.fill("metadata_subject", body=meeting.body, date=_held(meeting)) \
        if not pack.alone else meeting.words.word("metadata_alone_subject")
    creator = f"packgen {__version__}"
    writer.metadata = {
        "/Title": title, "/Author": meeting.organisation, "/Subject": subject,
        "/Creator": creator, "/Producer": creator,
        "/CreationDate": pdf_date, "/ModDate": pdf_date,
    }
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(meeting.language)
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    writer.xmp_metadata = _xmp(title, meeting.organisation, subject, creator, meeting.language,
                               when.strftime("%Y-%m-%dT%H:%M:%SZ"), accessible)
    stream = root["/Metadata"].get_object()
    assert isinstance(stream, StreamObject)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    file_id = ByteStringObject(hashlib.md5(identity, usedforsecurity=False).digest())
    return ArrayObject([file_id, file_id])


_PDFUA = """
  <rdf:Description rdf:about=""
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>"""
"""The PDF/UA-1 identifier (ISO 14289-1, 5): made only for a pack whose every page is
tagged."""


def _xmp(title: str, author: str, subject: str, creator: str, language: str, when: str,
         accessible: bool = False) -> bytes:
    t, a, s, c, lang = (escape(v, quote=False)
                        for v in (title, author, subject, creator, language))
    claim = _PDFUA if accessible else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{a}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{s}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>{c}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
   <pdf:Producer>{c}</pdf:Producer>
  </rdf:Description>{claim}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def xmp_packet(title: str, author: str, subject: str, creator: str, language: str,
               when: str, accessible: bool = False) -> bytes:
    """The XMP packet :func:`set_metadata` writes, for a PDF made from a pack (a document
    cut from it, :mod:`packgen.pdf.cut`): ``when`` as ``2026-07-01T09:00:00Z``."""
    return _xmp(title, author, subject, creator, language, when, accessible)
