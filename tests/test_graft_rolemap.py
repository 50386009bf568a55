"""A LibreOffice export with "Tagged PDF" alone maps each standard type to itself in its
role map; in the pack its headings, tables and links must still read as such."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

FIXTURE = Path(__file__).parent / "fixtures" / "graft" / "tagged-only.pdf"
STANDARD = {"/Document", "/Part", "/Sect", "/Div", "/P", "/H1", "/H2", "/H3", "/Table",
            "/THead", "/TBody", "/TR", "/TH", "/TD", "/L", "/LI", "/Lbl", "/LBody", "/Link",
            "/Span", "/Figure", "/Caption", "/Annot", "/Form", "/Note", "/Reference"}


def _roles(pdf: Path) -> tuple[dict[str, str], list[str]]:
    root = PdfReader(pdf).root_object["/StructTreeRoot"]
    role_map = {str(k): str(v) for k, v in root.get("/RoleMap", DictionaryObject()).items()}
    seen: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            seen.append(str(node["/S"]))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(root["/K"])
    return role_map, seen


def test_identity_role_map_keeps_the_standard_roles(tmp_path: Path) -> None:
    original = PdfReader(FIXTURE).root_object["/StructTreeRoot"]["/RoleMap"]
    assert original["/H1"] == "/H1"  # the fixture is the case this test is about
    shutil.copy(FIXTURE, tmp_path / "appendix.pdf")
    (tmp_path / "meeting.yaml").write_text(
        "body: Executive Board\ndate: 2026-07-21\ntime: \"14:00\"\nvenue: Loxley House\n"
        "items:\n  - title: Virements\n    attachments: [appendix.pdf]\n")
    (tmp_path / "packgen.yaml").write_text("organisation: Nottingham City Council\n")
    subprocess.run([sys.executable, "-m", "packgen", "build", "-q", "meeting.yaml", "-o",
                    "pack.pdf"], cwd=tmp_path, check=True)
    role_map, seen = _roles(tmp_path / "pack.pdf")
    assert all(key != value for key, value in role_map.items()), role_map
    for role in seen:  # every element resolves to a standard type, in one step at most
        assert role in STANDARD or role_map.get(role) in STANDARD, (role, role_map)
    assert {"/H1", "/Table", "/TH"} <= set(seen)
