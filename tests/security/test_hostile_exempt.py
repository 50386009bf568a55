"""An exempt file can never be published by naming it a second way.

Each case names one exempt file from a public place as well: as a report's appendix,
through a hard link or a symlink, or as a byte-for-byte copy. Each must be refused at
both YAML lines, by ``validate`` and by ``build``, with nothing written; and the same
meeting without the second name must build a public pack that holds no canary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from packgen import build_pack, validate
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting
from tests.security.readback import canaries

CANARY = b"ZQXSECRET"
HINT = "give the public and the exempt version their own files"


def secret(folder: MeetingFolder, name: str = "sec.pdf") -> str:
    return folder.pdf(name, [f"{CANARY.decode()}-page-{i}" for i in range(2)])


def report(folder: MeetingFolder, name: str, appendices: list[str]) -> str:
    lines = [f"kind: report\ntitle: {name}\nappendices:\n"] + [f"  - {a}\n" for a in appendices]
    (folder.folder / name).write_text("".join(lines))
    return name


def public_appendix(folder: MeetingFolder) -> dict[str, object]:
    """A public report appends the file an exempt item attaches."""
    secret(folder)
    return basic_meeting([
        {"title": "Budget", "attachments": [report(folder, "budget.yaml", ["sec.pdf"])]},
        {"title": "Land sale", "exempt": 3, "attachments": ["sec.pdf"]}])


def exempt_appendix(folder: MeetingFolder) -> dict[str, object]:
    """An exempt report's appendix is also attached publicly."""
    secret(folder)
    return basic_meeting([
        {"title": "Land sale", "exempt": 3,
         "attachments": [report(folder, "land.yaml", ["sec.pdf"])]},
        {"title": "Budget", "attachments": ["sec.pdf"]}])


def shared_appendix(folder: MeetingFolder) -> dict[str, object]:
    """A public and an exempt report share one appendix."""
    secret(folder)
    return basic_meeting([
        {"title": "Budget", "attachments": [report(folder, "budget.yaml", ["sec.pdf"])]},
        {"title": "Land sale", "attachments": [
            {"file": report(folder, "land.yaml", ["sec.pdf"]), "exempt": 3}]}])


def late_exempt_attachment(folder: MeetingFolder) -> dict[str, object]:
    """Public in the main pack, exempt in a supplement."""
    secret(folder)
    return basic_meeting([
        {"title": "Budget", "attachments": ["sec.pdf"]},
        {"title": "Land sale", "supplement": 1, "attachments": [
            {"file": "sec.pdf", "exempt": 3}]}])


def _second_name(make: Callable[[Path, Path], None]) -> Callable[[MeetingFolder],
                                                                  dict[str, object]]:
    def meeting(folder: MeetingFolder) -> dict[str, object]:
        secret(folder)
        make(folder.folder / "sec.pdf", folder.folder / "pub.pdf")
        return basic_meeting([{"title": "Budget", "attachments": ["pub.pdf"]},
                              {"title": "Land sale", "exempt": 3, "attachments": ["sec.pdf"]}])
    return meeting


hard_link = _second_name(lambda src, dst: os.link(src, dst))
symlink = _second_name(lambda src, dst: dst.symlink_to(src.name))
copy = _second_name(lambda src, dst: shutil.copyfile(src, dst))


def _copy_behind_symlink(src: Path, dst: Path) -> None:
    (dst.parent / "papers").mkdir()
    shutil.copyfile(src, dst.parent / "papers" / "pub.pdf")
    dst.symlink_to("papers/pub.pdf")


copy_behind_symlink = _second_name(_copy_behind_symlink)

CASES = {
    "public report's appendix": (public_appendix, "is also attached"),
    "exempt report's appendix": (exempt_appendix, "is also attached"),
    "shared appendix": (shared_appendix, "is also attached"),
    "exempt in a supplement": (late_exempt_attachment, "is also attached"),
    "hard link": (hard_link, 'is the same file as "'),
    "symlink": (symlink, 'is the same file as "'),
    "copy": (copy, 'has the same content as "'),
    "copy behind a symlink": (copy_behind_symlink, 'has the same content as "'),
}


@pytest.mark.parametrize("case", CASES)
def test_one_file_public_and_exempt_is_refused(folder: MeetingFolder, case: str) -> None:
    make, said = CASES[case]
    path = folder.write(make(folder))
    out = folder.root / "pack.pdf"
    for check in (lambda: validate(path), lambda: build_pack(path, out),
                  lambda: build_pack(path, out, private=True)):
        with pytest.raises(ValidationError) as caught:
            check()
        messages = [p.message for p in caught.value.problems]
        # Both places are named: the public one and the exempt one.
        assert len(messages) == 2, messages
        assert all(m.endswith(HINT) for m in messages), messages
        assert any("attached to an exempt item" in m for m in messages), messages
        assert any("attached to a public item" in m for m in messages), messages
        assert any(said in m for m in messages), messages
        assert not out.exists()


def test_without_the_second_name_nothing_exempt_is_published(folder: MeetingFolder,
                                                              tmp_path: Path) -> None:
    """The control: the canary really is in the exempt file, and stays in the private pack."""
    secret(folder)
    shutil.copyfile(folder.folder / "sec.pdf", folder.folder / "other.pdf")
    (folder.folder / "other.pdf").write_bytes(
        (folder.folder / "other.pdf").read_bytes() + b"\n% a different file\n")
    path = folder.write(basic_meeting([
        {"title": "Budget", "attachments": [report(folder, "budget.yaml", ["appendix.pdf"])]},
        {"title": "Land sale", "exempt": 3, "attachments": [
            report(folder, "land.yaml", ["sec.pdf"]), "other.pdf"]}]))
    folder.pdf("appendix.pdf", 1)
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    assert canaries(public, tmp_path, CANARY) == []
    assert len(canaries(private, tmp_path, CANARY)) >= 4


def test_a_template_cannot_print_what_the_public_pack_withholds(folder: MeetingFolder,
                                                                tmp_path: Path) -> None:
    """An override (an officer's, or a pull request's) that walks the meeting for exempt
    documents finds only that they exist: no name, title, text, appendix or reason."""
    secret(folder)
    (folder.folder / "land.yaml").write_text(
        f"kind: report\ntitle: {CANARY.decode()}-TITLE\nsummary: {CANARY.decode()}-SUMMARY\n"
        "appendices: [sec.pdf]\n")
    folder.pdf("terms-ZQXSECRET-NAME.pdf", 1)
    templates = folder.folder / "templates"
    templates.mkdir()
    walk = ('{% for item in meeting.items %}<p>{{ item.title }} {{ item.reason }}</p>'
            '{% for a in item.attachments %}<p>{{ a.file.name }} {{ a.title }} {{ a.reason }} '
            '{{ a.document.title if a.document else "" }}</p>'
            '{{ a.document.summary if a.document and a.document.kind == "report" else "" }}'
            '{% endfor %}{% endfor %}')
    (templates / "frontsheet.html").write_text(
        '{% extends "!theme/frontsheet.html" %}{% block notices %}' + walk + "{% endblock %}")
    for name in ("document.html", "filler.html"):
        (templates / name).write_text(
            ('{% extends "!theme/document.html" %}{% block body %}' if name == "document.html"
             else "") + walk + ("{% endblock %}" if name == "document.html" else ""))
    (folder.folder / "notes.md").write_text("# Notes\n\nPublic notes.\n")
    path = folder.write(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1), "notes.md"]},
        {"title": "Land sale", "exempt": 3, "reason": f"{CANARY.decode()}-REASON",
         "attachments": ["land.yaml"]},
        {"title": "Leisure", "attachments": [
            {"file": "terms-ZQXSECRET-NAME.pdf", "exempt": 1,
             "title": f"{CANARY.decode()}-ATTACHMENT-TITLE"}]}]))
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public, html=True)
    build_pack(path, private, private=True)
    assert canaries(public, tmp_path, CANARY) == []
    assert CANARY.decode() not in (folder.root / "public.html").read_text()
    found = {c.decode() for c in canaries(private, tmp_path, CANARY)}
    assert {"ZQXSECRET-TITLE", "ZQXSECRET-SUMMARY", "ZQXSECRET-REASON",
            "ZQXSECRET-ATTACHMENT-TITLE", "ZQXSECRET-NAME"} <= found
