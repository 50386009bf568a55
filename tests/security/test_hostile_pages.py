"""Hostile attachment pages: whatever a page, its annotations, its form fields and its
resources reach, nothing active, embedded, secret or hidden reaches the pack; what a reader
of the attachment sees and prints still does.

Each fixture starts from a generated page that prints its own marker and adds one family of
hostile objects with pypdf; every hostile object carries a canary (a unique word), and a
canary anywhere in the pack's decompressed bytes or its extracted text is a leak. Each
fixture is also built in the forms a hostile file arrives in: with object streams, and
encrypted with an empty user password.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting, page_texts
from tests.security.readback import active_names, canaries, decompressed

Obj = dict[str, PdfObject]


def dictionary(**entries: PdfObject) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{k}"): v for k, v in entries.items()})


def name(value: str) -> NameObject:
    return NameObject(f"/{value}")


def text(value: str) -> TextStringObject:
    return TextStringObject(value)


def numbers(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in values)


def javascript(canary: str) -> DictionaryObject:
    return dictionary(S=name("JavaScript"), JS=text(f"app.alert('{canary}')"))


def stream(writer: PdfWriter, data: bytes, **entries: PdfObject) -> IndirectObject:
    obj = DecodedStreamObject()
    obj.set_data(data)
    obj.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return writer._add_object(obj)


def embedded(writer: PdfWriter, canary: str) -> IndirectObject:
    """A file specification with an embedded file holding the canary."""
    data = stream(writer, canary.encode(), Type=name("EmbeddedFile"))
    return writer._add_object(dictionary(
        Type=name("Filespec"), F=text(f"{canary}.txt"), UF=text(f"{canary}.txt"),
        EF=dictionary(F=data)))


def font(writer: PdfWriter) -> IndirectObject:
    return writer._add_object(dictionary(Type=name("Font"), Subtype=name("Type1"),
                                         BaseFont=name("Helvetica")))


def form(writer: PdfWriter, words: str, **entries: PdfObject) -> IndirectObject:
    """A form XObject that prints ``words``."""
    resources = entries.pop("Resources", None) or dictionary(
        Font=dictionary(PkHv=font(writer)))
    return stream(writer, f"BT /PkHv 10 Tf 2 4 Td ({words}) Tj ET".encode(),
                  Type=name("XObject"), Subtype=name("Form"), BBox=numbers(0, 0, 200, 20),
                  Resources=resources, **entries)


def annotation(subtype: PdfObject, y: float, **entries: PdfObject) -> DictionaryObject:
    return dictionary(Type=name("Annot"), Subtype=subtype, Rect=numbers(50, y, 250, y + 20),
                      **entries)


def draw(writer: PdfWriter, page_index: int, content: bytes, **resources: PdfObject) -> None:
    """Append content to a page, with the resources it names."""
    page = writer.pages[page_index]
    page[NameObject("/Contents")] = ArrayObject(
        [*ArrayObject([page.raw_get("/Contents")]), stream(writer, content)])
    current = page["/Resources"].get_object()
    for kind, entries in resources.items():
        existing = current.get(f"/{kind}")
        merged = existing.get_object() if existing is not None else DictionaryObject()
        merged.update(entries.get_object())  # type: ignore[union-attr]
        current[NameObject(f"/{kind}")] = merged


def add_annotations(writer: PdfWriter, page_index: int,
                    annots: list[DictionaryObject | IndirectObject]) -> None:
    page = writer.pages[page_index]
    refs = [a if isinstance(a, IndirectObject) else writer._add_object(a) for a in annots]
    for ref in refs:
        ref.get_object()[NameObject("/P")] = page.indirect_reference  # type: ignore[index]
    page[NameObject("/Annots")] = ArrayObject(refs)


Variant = Callable[[Path], None]


def plain(path: Path) -> None:
    del path


def object_streams(path: Path) -> None:
    _qpdf(path, "--object-streams=generate")


def encrypted(path: Path) -> None:
    _qpdf(path, "--encrypt", "", "owner-secret", "256", "--")


def _qpdf(path: Path, *args: str) -> None:
    out = path.with_suffix(".tmp.pdf")
    subprocess.run(["qpdf", *args, str(path), str(out)], check=True, capture_output=True)
    out.replace(path)


VARIANTS = [pytest.param(plain, id="plain"), pytest.param(object_streams, id="object-streams"),
            pytest.param(encrypted, id="encrypted")]


def build(folder: MeetingFolder, craft: Callable[[PdfWriter], None], variant: Variant,
          pages: int = 1) -> Path:
    """Build a pack of one attachment made hostile by ``craft``; the pack's path."""
    pdf = folder.pdf("hostile.pdf", pages)
    path = folder.folder / pdf
    writer = PdfWriter(clone_from=PdfReader(path))
    craft(writer)
    with path.open("wb") as out:
        writer.write(out)
    variant(path)
    meeting = folder.write(basic_meeting([{"title": "Hostile", "attachments": [pdf]}]))
    pack = folder.root / "pack.pdf"
    build_pack(meeting, pack)
    return pack


def detached(pack: Path) -> str:
    return subprocess.run(["pdfdetach", "-list", str(pack)], check=True, capture_output=True,
                          text=True).stdout


def pack_annotations(pack: Path) -> list[DictionaryObject]:
    page = PdfReader(pack).pages[2]  # the attachment's first page: after the front sheet
    return [a.get_object() for a in page.get("/Annots", [])]


# Finding 2: an indirect /Subtype must be resolved before it is compared.

def indirect_subtypes(writer: PdfWriter) -> None:
    def subtype(value: str) -> IndirectObject:
        return writer._add_object(name(value))

    field = writer._add_object(dictionary(
        FT=name("Tx"), T=text("applicant"), V=text("Ada Lovelace"),
        AA=dictionary(K=javascript("canary-field-aa"))))
    widget = annotation(subtype("Widget"), 300, Parent=field, F=NumberObject(4),
                        AP=dictionary(N=form(writer, "Ada Lovelace")),
                        AA=dictionary(E=javascript("canary-widget-aa")))
    widget_ref = writer._add_object(widget)
    field.get_object()[NameObject("/Kids")] = ArrayObject([widget_ref])  # type: ignore[index]
    rich = annotation(subtype("RichMedia"), 200, RichMediaContent=dictionary(
        Assets=dictionary(Names=ArrayObject([text("movie.swf"),
                                             embedded(writer, "canary-richmedia")]))))
    attached = annotation(subtype("FileAttachment"), 100, FS=embedded(writer, "canary-attached"),
                          Name=name("PushPin"))
    link = annotation(subtype("Link"), 400, A=dictionary(
        S=name("URI"), URI=text("https://www.example.org/")))
    add_annotations(writer, 0, [attached, rich, widget_ref, link])


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_indirect_subtype_does_not_pass_for_a_harmless_one(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, indirect_subtypes, variant)
    assert "0 embedded files" in detached(pack)
    assert canaries(pack, tmp_path, b"canary") == []
    assert active_names(pack, tmp_path) == []
    kinds = [str(a["/Subtype"]) for a in pack_annotations(pack)]
    assert kinds == ["/Link"]
    assert pack_annotations(pack)[0]["/A"]["/URI"] == "https://www.example.org/"
    assert "Ada Lovelace" in page_texts(pack)[2]  # the field's value, flattened into the page


# Finding 3: a page and its annotations are copied by allowlist; resources lose side data.

def everything_else(writer: PdfWriter) -> None:
    page = writer.pages[0]
    page[NameObject("/PresSteps")] = dictionary(
        Type=name("NavNode"), NA=javascript("canary-pres-next"),
        PA=dictionary(S=name("Launch"), F=text("canary-launch.exe")))
    page[NameObject("/AF")] = ArrayObject([embedded(writer, "canary-page-af")])
    # A key nobody knows, pointing at the document's own catalog, stripped of its /Type.
    root = writer._root_object
    del root["/Type"]
    root[NameObject("/OpenAction")] = javascript("canary-open-action")
    writer.add_attachment("canary-catalog-file.txt", b"canary-catalog-file")
    page[NameObject("/Elsewhere")] = root.indirect_reference  # type: ignore[assignment]
    thread = writer._add_object(dictionary(Type=name("Thread"),
                                           I=dictionary(Title=text("canary-thread-info"))))
    bead = writer._add_object(dictionary(Type=name("Bead"), T=thread, P=page.indirect_reference,
                                         R=numbers(0, 0, 100, 100)))
    bead.get_object().update({NameObject("/N"): bead, NameObject("/V"): bead})  # type: ignore[union-attr]
    thread.get_object()[NameObject("/F")] = bead  # type: ignore[index]
    page[NameObject("/B")] = ArrayObject([bead])
    root[NameObject("/Threads")] = ArrayObject([thread])
    # A form XObject the page draws, carrying associated files, metadata and private data.
    logo = form(writer, "form-visible-words",
                AF=ArrayObject([embedded(writer, "canary-form-af")]),
                Metadata=stream(writer, b"<x>canary-form-metadata</x>", Type=name("Metadata"),
                                Subtype=name("XML")),
                PieceInfo=dictionary(App=dictionary(Private=text("canary-piece-info"))),
                Ref=dictionary(F=embedded(writer, "canary-reference-xobject"),
                               Page=NumberObject(0)))
    draw(writer, 0, b"q 1 0 0 1 72 600 cm /PkForm Do Q",
         XObject=dictionary(PkForm=logo))
    add_annotations(writer, 0, [
        annotation(name("Link"), 100, A=dictionary(S=name("Named"), N=name("Print"))),
        annotation(name("Link"), 130, A=dictionary(S=name("Named"), N=name("NextPage"))),
        annotation(name("Link"), 160, A=dictionary(S=name("URI"), URI=text("https://example.org/")),
                   Unknown=embedded(writer, "canary-annotation-key"),
                   BS=dictionary(W=NumberObject(1), AF=embedded(writer, "canary-border-af"))),
        annotation(name("Square"), 190, AA=dictionary(PO=javascript("canary-square-aa")),
                   AP=dictionary(N=form(writer, "square-words")), F=NumberObject(4),
                   Popup=writer._add_object(dictionary(
                       Type=name("Annot"), Subtype=name("Popup"), Rect=numbers(0, 0, 9, 9),
                       AA=dictionary(PO=javascript("canary-popup-aa"))))),
    ])


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_what_draws_the_page_or_a_safe_link_is_copied(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, everything_else, variant, pages=2)
    assert "0 embedded files" in detached(pack)
    assert canaries(pack, tmp_path, b"canary") == []
    # Of the named actions only a standard page move is kept.
    assert active_names(pack, tmp_path, allowed=("Named",)) == []
    annots = pack_annotations(pack)
    actions = [(str(a["/A"]["/S"]), str(a["/A"].get("/N", a["/A"].get("/URI"))))
               for a in annots if "/A" in a]
    assert actions == [("/Named", "/NextPage"), ("/URI", "https://example.org/")]
    assert [str(a["/Subtype"]) for a in annots] == ["/Link", "/Link", "/Link", "/Square"]
    words = page_texts(pack)[2]
    assert "hostile-p1" in words and "form-visible-words" in words
    assert "hostile-p2" in page_texts(pack)[3]


# Finding 4: a flattened form prints what a viewer would print, and never a password.

PASSWORD = 1 << 13
HIDDEN, PRINT, NO_VIEW = 2, 4, 32


def form_fields(writer: PdfWriter) -> None:
    """Filled-in text fields, each drawn as a viewer drew it (appearance and value)."""
    helvetica = font(writer)
    fields: list[IndirectObject] = []

    def field(value: str, y: float, flags: int = 0, annot_flags: int = PRINT,
              kid: bool = False) -> None:
        entries: Obj = {"FT": name("Tx"), "T": text(f"field{len(fields)}"), "V": text(value),
                        "DA": text("/PkHv 10 Tf 0 g"), "Ff": NumberObject(flags)}
        widget: Obj = {"F": NumberObject(annot_flags),
                       "AP": dictionary(N=form(writer, value))}
        if kid:
            parent = writer._add_object(dictionary(**entries))
            ref = writer._add_object(annotation(name("Widget"), y, Parent=parent, **widget))
            parent.get_object()[NameObject("/Kids")] = ArrayObject([ref])  # type: ignore[index]
            fields.append(parent)
        else:
            ref = writer._add_object(annotation(name("Widget"), y, **entries, **widget))
            fields.append(ref)
        page = writer.pages[0]
        annots = page.get("/Annots", ArrayObject())
        page[NameObject("/Annots")] = ArrayObject([*annots, ref])

    field("canary-password", 100, flags=PASSWORD)
    field("canary-kid-password", 130, flags=PASSWORD, kid=True)
    field("canary-hidden", 160, annot_flags=PRINT | HIDDEN)
    field("canary-noview", 190, annot_flags=PRINT | NO_VIEW)
    field("canary-not-printed", 220, annot_flags=0)
    field("printed-value", 250)
    field("printed-kid-value", 280, kid=True)
    writer._root_object[NameObject("/AcroForm")] = dictionary(
        Fields=ArrayObject(fields), DA=text("/PkHv 10 Tf 0 g"),
        DR=dictionary(Font=dictionary(PkHv=helvetica)))


@pytest.mark.parametrize("variant", VARIANTS)
def test_flattened_fields_print_as_a_viewer_prints_them(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, form_fields, variant)
    assert canaries(pack, tmp_path, b"canary") == []
    words = page_texts(pack)[2]
    assert "printed-value" in words and "printed-kid-value" in words and "hostile-p1" in words
    assert pack_annotations(pack) == []


# Finding 5: content of a layer that is off when the attachment opens is not in the pack.

def layers(base_state_off: bool) -> Callable[[PdfWriter], None]:
    def craft(writer: PdfWriter) -> None:
        def group(label: str) -> IndirectObject:
            return writer._add_object(dictionary(Type=name("OCG"), Name=text(label)))

        off, on = group("Draft redactions"), group("Published")
        all_on = writer._add_object(dictionary(Type=name("OCMD"), OCGs=ArrayObject([off, on]),
                                               P=name("AllOn")))
        not_off = writer._add_object(dictionary(Type=name("OCMD"), VE=ArrayObject(
            [name("Not"), off])))
        properties = dictionary(PkOff=off, PkOn=on, PkAll=all_on, PkNot=not_off)
        helvetica = dictionary(PkHv=font(writer))
        nested = form(writer, "nested-visible", Resources=dictionary(
            Font=helvetica, Properties=properties))
        nested_data = (b"BT /PkHv 10 Tf 2 4 Td (nested-visible) Tj ET "
                       b"/OC /PkOff BDC BT /PkHv 10 Tf 2 14 Td (canary-nested-off) Tj ET EMC")
        nested.get_object().set_data(nested_data)  # type: ignore[union-attr]
        draw(writer, 0, b"\n".join([
            b"/OC /PkOff BDC BT /PkHv 12 Tf 72 700 Td (canary-layer-off) Tj ET EMC",
            b"/OC /PkOn BDC BT /PkHv 12 Tf 72 680 Td (layer-on-words) Tj ET EMC",
            b"/OC /PkAll BDC /Span <</ActualText (canary-actual-text)>> BDC "
            b"BT /PkHv 12 Tf 72 660 Td [(canary-membership)] TJ ET EMC EMC",
            b"/OC /PkNot BDC BT /PkHv 12 Tf 72 640 Td (membership-on-words) Tj ET EMC",
            b"q 1 0 0 1 72 500 cm /PkOffForm Do Q q 1 0 0 1 72 450 cm /PkNested Do Q",
            b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",  # an inline image outside any layer
        ]), Properties=properties, Font=helvetica, XObject=dictionary(
            PkOffForm=form(writer, "canary-form-off", OC=off), PkNested=nested))
        add_annotations(writer, 0, [
            annotation(name("Square"), 100, OC=off, F=NumberObject(PRINT),
                       AP=dictionary(N=form(writer, "canary-annotation-off"))),
            annotation(name("Square"), 130, OC=on, F=NumberObject(PRINT),
                       AP=dictionary(N=form(writer, "annotation-on-words")))])
        config = (dictionary(BaseState=name("OFF"), ON=ArrayObject([on])) if base_state_off
                  else dictionary(OFF=ArrayObject([off])))
        writer._root_object[NameObject("/OCProperties")] = dictionary(
            OCGs=ArrayObject([off, on]), D=config)
    return craft


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("base_state_off", [False, True], ids=["off-list", "base-state-off"])
def test_a_hidden_layer_is_removed_and_a_visible_one_prints(
        folder: MeetingFolder, tmp_path: Path, variant: Variant, base_state_off: bool) -> None:
    pack = build(folder, layers(base_state_off), variant, pages=2)
    assert canaries(pack, tmp_path, b"canary") == []
    words = page_texts(pack)[2]
    for visible in ("hostile-p1", "layer-on-words", "membership-on-words", "nested-visible"):
        assert visible in words
    # The annotation in the layer that is on is kept (poppler extracts no annotation text).
    assert [str(a["/Subtype"]) for a in pack_annotations(pack)] == ["/Square"]
    data = decompressed(pack, tmp_path)
    assert b"annotation-on-words" in data and b"/OCProperties" not in data


def test_a_page_without_hidden_layers_keeps_its_content_as_stored(
        folder: MeetingFolder, tmp_path: Path) -> None:
    """Layers off elsewhere in the document do not make other pages' content be rewritten."""
    pack = build(folder, layers(False), plain, pages=2)
    source = PdfReader(folder.folder / "hostile.pdf").pages[1]["/Contents"].get_object()
    assert source._data in pack.read_bytes()
    assert "hostile-p2" in page_texts(pack)[3]
