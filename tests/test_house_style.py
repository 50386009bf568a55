"""The organisation's house style from packgen.yaml, without touching templates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, page_words

HOUSE_CONFIG = """\
organisation: Westbury District Council
style:
  logo: crest.png
  fonts: {regular: fonts/house.ttf}
  colours: {heading: "#ff0000"}
  page_size: Letter
  margins_mm: {left: 40, right: 30}
"""


def house_pack(folder: MeetingFolder, config: str = HOUSE_CONFIG) -> Path:
    from PIL import Image
    (folder.root / "fonts").mkdir()
    # A different face stands in for the house font: the bold DejaVu as "regular".
    shutil.copy(theme_dir() / "fonts" / "DejaVuSans-Bold.ttf", folder.root / "fonts" / "house.ttf")
    Image.new("RGB", (90, 90), (20, 60, 120)).save(folder.root / "crest.png")
    meeting = basic_meeting([{"title": "Budget", "attachments": [folder.pdf("b.pdf", 1)]}])
    del meeting["organisation"]
    path = folder.write(meeting, config)
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    return out


def test_house_style_applies_to_our_pages(folder: MeetingFolder) -> None:
    out = house_pack(folder)
    reader = PdfReader(out)
    front = reader.pages[0]
    assert (float(front.mediabox.width), float(front.mediabox.height)) == (612, 792)
    assert len(front.images) == 1  # the crest
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    # Every font of ours is the house face, embedded; the theme's regular face is gone.
    ours = [line for line in fonts.splitlines() if "DejaVu" in line]
    assert ours and all("DejaVuSans-Bold" in line and " yes " in line for line in ours)
    content = front.get_contents()
    assert content is not None and b"1 0 0 rg" in content.get_data()  # the heading colour
    width, _, words = page_words(out)[0]
    assert min(w.x0 for w in words) >= 40 * 72 / 25.4 - 1
    assert max(w.x1 for w in words) <= width - 30 * 72 / 25.4 + 1
    assert "Westbury District Council" in " ".join(w.text for w in words)


@pytest.mark.parametrize("config, expected", [
    ("organisation: X\nstyle:\n  colours: {heading: red}\n",
     ['packgen.yaml:3:22: style.colours.heading: expected a colour like "#1f4e8c", found "red"']),
    ("organisation: X\nstyle:\n  fonts: {regular: missing.ttf}\n",
     ['packgen.yaml:3:20: style.fonts.regular: no such file "missing.ttf"']),
    ("organisation: X\nstyle:\n  fonts: {regular: notes.ttf}\n",
     ['packgen.yaml:3:20: style.fonts.regular: "notes.ttf" is not a TrueType font']),
    ("organisation: X\nstyle:\n  logo: notes.png\n",
     ['packgen.yaml:3:9: style.logo: "notes.png" is not a PNG or JPEG image']),
    ("organisation: X\nstyle:\n  colors: {}\n",
     ['packgen.yaml:3:3: style: unknown key "colors" (did you mean "colours"?)']),
    ("organisation: X\nstyle:\n  paragraph_numbers: roman\n",
     ['packgen.yaml:3:22: style.paragraph_numbers: expected section, continuous or none, '
      'found "roman"']),
    ("organisation: X\nstyle:\n  page_size: B5\n",
     ['packgen.yaml:3:14: style.page_size: expected A4, A3, A5, Letter or Legal, found "B5"']),
])
def test_bad_house_style(folder: MeetingFolder, config: str, expected: list[str]) -> None:
    meeting = basic_meeting([{"title": "A"}])
    path = folder.write(meeting, config)
    for name in ("notes.ttf", "notes.png"):  # text files, named like a font and an image
        (folder.root / name).write_text("minutes of the last meeting\n")
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    got = [f"{p.position.file.name}:{p.position.line}:{p.position.column}: {p.message}"
           for p in caught.value.problems]
    assert got == expected
