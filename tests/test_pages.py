"""Pages that share objects keep their own: what packgen adds to one page (flattened
fields, stamps, room for them) never lands on another, nor on the page's own names.

Each fixture is a two-page attachment whose pages share what real files share: one
/Resources dictionary (with its /Font and /XObject dictionaries), or one /Annots array.
"""

from __future__ import annotations

from tests.conftest import BuildFn, MeetingFolder, basic_meeting


def test_the_same_pack_whatever_the_process(folder: MeetingFolder, run_cli: BuildFn) -> None:
    """A copied annotation's entries keep their order, not a set's, which changes from one
    Python process to the next: a pack is reproducible across processes, as CI builds."""
    (folder.folder / "notes.md").write_text("# Notes\n\nSee [the plan](https://example.org/).\n")
    folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))
    packs = []
    for seed in ("1", "2", "3"):
        pack = folder.root / f"pack-{seed}.pdf"
        result = run_cli("build", "-q", str(folder.file), "-o", str(pack),
                         env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        packs.append(pack.read_bytes())
    assert packs[0] == packs[1] == packs[2]
