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
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen import build_pack, validate
from packgen.errors import PackgenError
from packgen.pdf.assemble import Assembled
from packgen.pdf.bridge import add_object, stored_data
from packgen.pdf.write import write_pdf
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
    return add_object(writer, obj)


def embedded(writer: PdfWriter, canary: str) -> IndirectObject:
    """A file specification with an embedded file holding the canary."""
    data = stream(writer, canary.encode(), Type=name("EmbeddedFile"))
    return add_object(writer, dictionary(
        Type=name("Filespec"), F=text(f"{canary}.txt"), UF=text(f"{canary}.txt"),
        EF=dictionary(F=data)))


def font(writer: PdfWriter) -> IndirectObject:
    return add_object(writer, dictionary(Type=name("Font"), Subtype=name("Type1"),
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
    refs = [a if isinstance(a, IndirectObject) else add_object(writer, a) for a in annots]
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
        return add_object(writer, name(value))

    field = add_object(writer, dictionary(
        FT=name("Tx"), T=text("applicant"), V=text("Ada Lovelace"),
        AA=dictionary(K=javascript("canary-field-aa"))))
    widget = annotation(subtype("Widget"), 300, Parent=field, F=NumberObject(4),
                        AP=dictionary(N=form(writer, "Ada Lovelace")),
                        AA=dictionary(E=javascript("canary-widget-aa")))
    widget_ref = add_object(writer, widget)
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
    root = writer.root_object
    del root["/Type"]
    root[NameObject("/OpenAction")] = javascript("canary-open-action")
    writer.add_attachment("canary-catalog-file.txt", b"canary-catalog-file")
    page[NameObject("/Elsewhere")] = root.indirect_reference  # type: ignore[assignment]
    thread = add_object(writer, dictionary(Type=name("Thread"),
                                           I=dictionary(Title=text("canary-thread-info"))))
    bead = add_object(writer, dictionary(Type=name("Bead"), T=thread, P=page.indirect_reference,
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
                   Popup=add_object(writer, dictionary(
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
            parent = add_object(writer, dictionary(**entries))
            ref = add_object(writer, annotation(name("Widget"), y, Parent=parent, **widget))
            parent.get_object()[NameObject("/Kids")] = ArrayObject([ref])  # type: ignore[index]
            fields.append(parent)
        else:
            ref = add_object(writer, annotation(name("Widget"), y, **entries, **widget))
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
    writer.root_object[NameObject("/AcroForm")] = dictionary(
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
            return add_object(writer, dictionary(Type=name("OCG"), Name=text(label)))

        off, on = group("Draft redactions"), group("Published")
        all_on = add_object(writer, dictionary(Type=name("OCMD"), OCGs=ArrayObject([off, on]),
                                               P=name("AllOn")))
        not_off = add_object(writer, dictionary(Type=name("OCMD"), VE=ArrayObject(
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
        writer.root_object[NameObject("/OCProperties")] = dictionary(
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
    assert stored_data(source) in pack.read_bytes()
    assert "hostile-p2" in page_texts(pack)[3]


def assert_clean(pack: Path, tmp_path: Path) -> None:
    """No embedded file, no canary and no active-content name anywhere in the pack."""
    assert "0 embedded files" in detached(pack)
    assert canaries(pack, tmp_path, b"canary") == []
    assert active_names(pack, tmp_path) == []


# Review 2, finding 1: a value on the page allowlist is kept only as the type it should be.

def page_entries(writer: PdfWriter) -> None:
    first, second = writer.pages
    first[NameObject("/TrimBox")] = add_object(writer, dictionary(
        OpenAction=javascript("canary-trimbox-open"),
        Names=dictionary(JavaScript=dictionary(Names=ArrayObject(
            [text("x"), javascript("canary-trimbox-names")]))),
        FS=dictionary(Type=name("Filespec"), F=text("canary-trimbox.exe"),
                      EF=dictionary(F=stream(writer, b"canary-trimbox-file",
                                             Type=name("EmbeddedFile"))))))
    first[NameObject("/BleedBox")] = ArrayObject(
        [*numbers(0, 0, 10, 10), javascript("canary-bleed-fifth")])
    first[NameObject("/ArtBox")] = ArrayObject(
        [*numbers(0, 0), add_object(writer, FloatObject(300)), FloatObject(400)])
    first[NameObject("/Tabs")] = javascript("canary-tabs")
    first[NameObject("/UserUnit")] = dictionary(S=name("Launch"), F=text("canary-unit.exe"))
    first[NameObject("/Group")] = dictionary(S=name("JavaScript"), JS=text("canary-group"))
    first[NameObject("/Rotate")] = add_object(writer, NumberObject(0))
    second[NameObject("/Tabs")] = add_object(writer, name("S"))
    second[NameObject("/UserUnit")] = NumberObject(2)
    second[NameObject("/Group")] = dictionary(Type=name("Group"), S=name("Transparency"),
                                              CS=name("DeviceRGB"))


@pytest.mark.parametrize("variant", VARIANTS)
def test_page_boxes_and_settings_are_kept_only_as_what_they_should_be(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, page_entries, variant, pages=2)
    assert_clean(pack, tmp_path)
    first, second = PdfReader(pack).pages[2:4]
    assert not {"/TrimBox", "/BleedBox", "/Tabs", "/UserUnit", "/Group"} & set(first)
    assert [float(v) for v in first["/ArtBox"]] == [0, 0, 300, 400]
    assert first["/Rotate"] == 0
    assert (second["/Tabs"], second["/UserUnit"]) == ("/S", 2)
    assert second["/Group"]["/S"] == "/Transparency"
    assert "hostile-p1" in page_texts(pack)[2]


# Review 2, finding 2: a destination is rebuilt, never copied: its page must be one of the
# attachment's, its view one PDF defines with the right numbers.

def destinations(writer: PdfWriter) -> None:
    second = writer.pages[1].indirect_reference
    payload = add_object(writer, dictionary(
        OpenAction=javascript("canary-dest-open"), AA=dictionary(O=javascript("canary-dest-aa")),
        L=dictionary(S=name("Launch"), F=text("canary-dest-launch.exe")),
        FS=embedded(writer, "canary-dest-file")))

    def go(y: float, dest: ArrayObject, action: bool = False) -> DictionaryObject:
        if action:
            return annotation(name("Link"), y, A=dictionary(S=name("GoTo"), D=dest))
        return annotation(name("Link"), y, Dest=dest)

    add_annotations(writer, 0, [
        go(100, ArrayObject([payload, name("Fit")])),
        go(130, ArrayObject([dictionary(AA=dictionary(O=javascript("canary-goto-aa")),
                                        S=name("Launch")), name("Fit")]), action=True),
        go(160, ArrayObject([second, name("XYZ"), FloatObject(10), FloatObject(20), NullObject(),
                             javascript("canary-dest-extra")])),
        go(190, ArrayObject([second, name("FitR"), *numbers(1, 2, 3)])),
        go(220, ArrayObject([NumberObject(5), name("Fit")])),
        go(250, ArrayObject([second, javascript("canary-dest-view")])),
        go(280, ArrayObject([second, name("FitH"), add_object(writer, FloatObject(700))])),
        go(310, ArrayObject([NumberObject(1), name("XYZ"), FloatObject(5)]), action=True),
    ])


@pytest.mark.parametrize("variant", VARIANTS)
def test_link_destinations_are_rebuilt_from_pages_and_numbers(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, destinations, variant, pages=2)
    assert_clean(pack, tmp_path)
    target = PdfReader(pack).pages[3].indirect_reference
    kept = []
    for annot in pack_annotations(pack):
        dest = annot.get("/Dest", annot.get("/A", {}).get("/D"))
        if dest is not None:
            assert dest[0].idnum == target.idnum  # type: ignore[union-attr]
            kept.append([str(v) if isinstance(v, NameObject) else
                         None if isinstance(v, NullObject) else v for v in dest[1:]])
    assert kept == [["/FitH", 700], ["/XYZ", 5, None, None]]


# Review 2, finding 3: a form without resources of its own draws with those of whatever
# draws it, layers included.

def inherited_layers(writer: PdfWriter) -> None:
    first, second = writer.pages
    off = add_object(writer, dictionary(Type=name("OCG"), Name=text("Redacted")))
    on = add_object(writer, dictionary(Type=name("OCG"), Name=text("Shown")))
    writer.root_object[NameObject("/OCProperties")] = dictionary(
        OCGs=ArrayObject([off, on]), D=dictionary(OFF=ArrayObject([off])))
    helvetica = dictionary(PkHv=font(writer))

    def bare(words: bytes) -> IndirectObject:
        """A form with no /Resources: its names are those of whatever draws it."""
        return stream(writer, b"BT /PkHv 10 Tf 2 4 Td (" + words + b"-shown) Tj ET "
                      b"/OC /PkL BDC BT /PkHv 10 Tf 2 14 Td (canary-" + words + b") Tj ET EMC",
                      Type=name("XObject"), Subtype=name("Form"), BBox=numbers(0, 0, 300, 30))

    from_page, shared = bare(b"from-page"), bare(b"shared")
    parent = form(writer, "parent-shown", Resources=dictionary(
        Font=helvetica, Properties=dictionary(PkL=off),
        XObject=dictionary(PkChild=bare(b"from-parent"))))
    parent.get_object().set_data(b"q /PkChild Do Q")  # type: ignore[union-attr]
    # The same bare form on two pages, where /PkL is the shown layer on the first and the
    # redacted one on the second (its pages' resources are their own): hidden in either,
    # it is cut from both.
    second[NameObject("/Resources")] = DictionaryObject(second["/Resources"].get_object())
    draw(writer, 0, b"q 1 0 0 1 72 500 cm /PkShared Do Q",
         Font=helvetica, Properties=dictionary(PkL=on), XObject=dictionary(PkShared=shared))
    draw(writer, 1, b"q 1 0 0 1 72 600 cm /PkPage Do Q q 1 0 0 1 72 550 cm /PkParent Do Q "
                    b"q 1 0 0 1 72 500 cm /PkShared Do Q",
         Font=helvetica, Properties=dictionary(PkL=off),
         XObject=dictionary(PkPage=from_page, PkParent=parent, PkShared=shared))


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_hidden_layer_in_a_form_without_resources_is_removed(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, inherited_layers, variant, pages=2)
    assert canaries(pack, tmp_path, b"canary") == []
    first, second = page_texts(pack)[2:4]
    assert "shared-shown" in first and "hostile-p1" in first
    for shown in ("from-page-shown", "from-parent-shown", "shared-shown", "hostile-p2"):
        assert shown in second


def escaped_layer_name(writer: PdfWriter) -> None:
    """A layer's name in /Properties spelled with a #xx escape: /Pk#4Cx is /PkLx."""
    off = add_object(writer, dictionary(Type=name("OCG"), Name=text("Redacted")))
    writer.root_object[NameObject("/OCProperties")] = dictionary(
        OCGs=ArrayObject([off]), D=dictionary(OFF=ArrayObject([off])))
    draw(writer, 0, b"/OC /PkLx BDC BT /PkHv 12 Tf 72 700 Td (canary-escaped) Tj ET EMC",
         Font=dictionary(PkHv=font(writer)),
         Properties=DictionaryObject({NameObject("/Pk#4Cx"): off}))


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_hidden_layer_named_with_an_escape_is_removed(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, escaped_layer_name, variant)
    assert canaries(pack, tmp_path, b"canary") == []
    assert "hostile-p1" in page_texts(pack)[2]


# Review 2, finding 4: an action or a catalog's entries are nothing wherever they are
# reached, even where nothing would run them.

def inert(writer: PdfWriter) -> None:
    catalog_like = dictionary(
        OpenAction=javascript("canary-props-open"), Names=dictionary(JavaScript=dictionary()),
        AcroForm=dictionary(XFA=text("canary-xfa"), Fields=ArrayObject()),
        StructTreeRoot=dictionary(K=javascript("canary-structure")),
        Outlines=dictionary(First=dictionary(Title=text("canary-outline"))),
        Dests=dictionary(X=text("canary-dests")), Threads=ArrayObject([text("canary-threads")]))
    state = dictionary(
        Type=name("ExtGState"), CA=FloatObject(1),
        Foo=dictionary(S=name("Launch"), F=text("canary-cmd.exe"),
                       Win=dictionary(F=text("canary-win.exe"))),
        Bar=dictionary(S=add_object(writer, name("SubmitForm")),
                       F=dictionary(FS=name("URL"), F=text("http://canary-submit"))),
        Baz=dictionary(Type=name("Action"), JS=text("canary-typed-action")))
    draw(writer, 0, b"/PkGs gs", ExtGState=dictionary(PkGs=state),
         Properties=dictionary(PkCat=catalog_like))


@pytest.mark.parametrize("variant", VARIANTS)
def test_actions_and_catalog_entries_are_dropped_wherever_they_are_reached(
        folder: MeetingFolder, tmp_path: Path, variant: Variant) -> None:
    pack = build(folder, inert, variant)
    assert canaries(pack, tmp_path, b"canary") == []
    assert active_names(pack, tmp_path) == []
    assert "hostile-p1" in page_texts(pack)[2]


# Review 2, finding 5: a link's address must be a whole web, mail or phone address.

URIS = ["JavaScript:app.alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
        "http:javascript:alert(1)", "file:///etc/passwd", "https://ok.example\x00javascript:x",
        "https://", "mailto:", "HTTP://Kept.example/a", "MailTo:clerk@example.org"]


def uris(writer: PdfWriter) -> None:
    add_annotations(writer, 0, [
        annotation(name("Link"), 100 + 20 * i, A=dictionary(S=name("URI"), URI=text(uri)))
        for i, uri in enumerate(URIS)])


def test_a_link_keeps_only_a_whole_web_mail_or_phone_address(
        folder: MeetingFolder, tmp_path: Path) -> None:
    pack = build(folder, uris, plain)
    kept = [str(a["/A"]["/URI"]) for a in pack_annotations(pack) if "/A" in a]
    assert kept == ["HTTP://Kept.example/a", "MailTo:clerk@example.org"]


# Review 2, finding 6: a form field whose appearance cannot be placed is refused when the
# file is opened, by validate as by build, naming the page.

def damaged_field(entries: Obj) -> Callable[[PdfWriter], None]:
    def craft(writer: PdfWriter) -> None:
        appearance = stream(writer, b"BT /PkHv 8 Tf (canary-field) Tj ET", Type=name("XObject"),
                            Subtype=name("Form"), **entries)
        add_annotations(writer, 1, [annotation(
            name("Widget"), 300, FT=name("Tx"), T=text("f"), F=NumberObject(PRINT),
            AP=dictionary(N=appearance))])
    return craft


@pytest.mark.parametrize(("entries", "said"), [
    ({"BBox": ArrayObject([*numbers(0, 0), name("x"), FloatObject(10)])}, "/BBox [0 0 /x 10]"),
    ({"BBox": numbers(0, 0, 10)}, "/BBox [0 0 10]"),
    ({"BBox": dictionary(a=NumberObject(1))}, "/BBox a dictionary"),
    ({"BBox": numbers(0, 0, 10, 10), "Matrix": numbers(1, 0, 0, 1, 0)},
     "/Matrix [1 0 0 1 0]"),
    ({"BBox": numbers(0, 0, 10, 10), "Matrix": ArrayObject([text("a")] * 6)},
     "/Matrix [(a) (a) (a) (a) (a) (a)]"),
], ids=["bbox-name", "bbox-3", "bbox-dict", "matrix-5", "matrix-strings"])
def test_a_field_whose_appearance_cannot_be_placed_is_refused_naming_the_page(
        folder: MeetingFolder, entries: Obj, said: str) -> None:
    with pytest.raises(PackgenError) as built:
        build(folder, damaged_field(entries), plain, pages=2)
    meeting = folder.folder / "meeting.yaml"
    with pytest.raises(PackgenError) as checked:
        validate(meeting)
    assert checked.value.problems == built.value.problems
    [problem] = built.value.problems
    assert (problem.position.line, problem.severity) == (9, "error")
    assert problem.message == (
        f'"hostile.pdf": page 2 has a form field whose appearance is damaged ({said}), so it '
        "cannot be printed where the form puts it; export the PDF again, or print it to PDF")
    assert not (folder.root / "pack.pdf").exists()


def test_a_field_with_no_place_or_not_printed_is_left_out_quietly(
        folder: MeetingFolder, tmp_path: Path) -> None:
    """A /Rect that is not four numbers places the field nowhere, as in a viewer; a damaged
    appearance of a field that does not print is never read."""
    def craft(writer: PdfWriter) -> None:
        damaged_field({"BBox": numbers(0, 0, 10)})(writer)
        widget = writer.pages[1]["/Annots"][0].get_object()
        widget[NameObject("/F")] = NumberObject(PRINT | HIDDEN)
        nowhere = annotation(name("Widget"), 0, F=NumberObject(PRINT),
                             AP=dictionary(N=form(writer, "canary-nowhere")))
        nowhere[NameObject("/Rect")] = ArrayObject([text("a")] * 4)
        add_annotations(writer, 0, [nowhere])
    pack = build(folder, craft, plain, pages=2)
    assert canaries(pack, tmp_path, b"canary") == []


# Review 2, finding 8: the writer's last line catches a file or an action wherever it sits,
# direct inside another object or an object of its own, by the cleaner's own test.

def test_the_writer_never_writes_a_file_or_an_action(tmp_path: Path) -> None:
    """Written straight from an attachment's page, with no cleaning: only the writer's
    guard stands between the page's objects and the pack."""
    source = PdfWriter()
    source.add_blank_page(200, 200)
    data = stream(source, b"canary-direct-file", Type=name("EmbeddedFile"))
    holder = add_object(source, dictionary(
        Kept=text("kept-words"),
        Spec=dictionary(Type=name("Filespec"), F=text("canary-spec.txt"), EF=dictionary(F=data)),
        Files=ArrayObject([dictionary(EF=dictionary(F=data), F=text("canary-bare-ef"))]),
        Run=dictionary(S=name("Launch"), F=text("canary-launch.exe")),
        Typed=add_object(source, dictionary(Type=name("Action"), JS=text("canary-typed"))),
        A=dictionary(S=name("JavaScript"), JS=text("canary-in-a-slot"))))
    source.pages[0][NameObject("/Resources")] = dictionary(PkHolder=holder)
    attachment = tmp_path / "source.pdf"
    with attachment.open("wb") as out:
        source.write(out)
    pack = Assembled(PdfWriter())
    pack.add(PdfReader(attachment).pages[0])
    written = tmp_path / "pack.pdf"
    with written.open("wb") as out:
        write_pdf(pack.writer, out, ArrayObject([ByteStringObject(b"0" * 16)] * 2), pack.copies)
    assert canaries(written, tmp_path, b"canary") == []
    assert active_names(written, tmp_path) == []
    assert b"kept-words" in decompressed(written, tmp_path)
