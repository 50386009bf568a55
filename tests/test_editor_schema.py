"""``packgen schema``: the JSON Schema editors use, made from the validator's declarations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from packgen.editor_schema import json_schema
from tests.conftest import EXAMPLE, BuildFn

EXAMPLES = EXAMPLE.parent.parent


def as_json(path: Path) -> Any:
    """A YAML file as an editor's language server sees it: dates as text."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


def files_of_kind() -> list[tuple[str, Path]]:
    found = [("config", EXAMPLES / "packgen.yaml")]
    found += [("meeting", p) for p in sorted(EXAMPLES.glob("*/meeting.yaml"))]
    for path in sorted(EXAMPLES.glob("*/*.yaml")):
        kind = yaml.safe_load(path.read_text()).get("kind")
        if kind:
            found.append((kind, path))
    return found


@pytest.mark.parametrize("kind, path", files_of_kind(), ids=lambda v: str(v).split("/")[-1])
def test_the_schema_accepts_every_example(kind: str, path: Path) -> None:
    jsonschema.validate(as_json(path), json_schema(kind))


def test_the_schema_rejects_a_typo() -> None:
    meeting = as_json(EXAMPLE)
    meeting["items"][0]["titel"] = meeting["items"][0].pop("title")
    with pytest.raises(jsonschema.ValidationError, match="titel"):
        jsonschema.validate(meeting, json_schema("meeting"))
    meeting = as_json(EXAMPLE)
    # The table is the jurisdiction's, known only once packgen.yaml is read: the schema
    # checks the shape of a key (a whole number, or a short word like "18A").
    meeting["items"][-1]["exempt"] = 3.5
    with pytest.raises(jsonschema.ValidationError, match="3.5 is not valid"):
        jsonschema.validate(meeting, json_schema("meeting"))


def test_schema_command(run_cli: BuildFn) -> None:
    result = run_cli("schema", "report")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "sections" in schema["properties"] and schema["required"] == ["kind", "title"]
    assert run_cli("schema", "agenda").returncode == 2


def test_init_writes_a_meeting_that_builds_at_once(run_cli: BuildFn, tmp_path: Path) -> None:
    result = run_cli("init", "council")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("next: packgen build "
                                              "council/first-meeting/meeting.yaml")
    built = run_cli("build", "council/first-meeting/meeting.yaml")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("wrote build/first-meeting.pdf")
    # Every YAML file names its schema for the editor, and passes it.
    for path in (tmp_path / "council").rglob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        schema_file = (path.parent / first.split("=", 1)[1]).resolve()
        jsonschema.validate(as_json(path), json.loads(schema_file.read_text()))


def test_init_never_overwrites(run_cli: BuildFn, tmp_path: Path) -> None:
    (tmp_path / "council").mkdir()
    (tmp_path / "council" / "packgen.yaml").write_text("organisation: Mine\n")
    result = run_cli("init", "council")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "council/packgen.yaml:1:1: error: already exists; packgen init never overwrites a file",
        "1 problem; nothing was written."]
    assert (tmp_path / "council" / "packgen.yaml").read_text() == "organisation: Mine\n"
    assert sorted(p.name for p in (tmp_path / "council").iterdir()) == ["packgen.yaml"]
