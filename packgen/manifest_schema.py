"""The JSON Schema (draft 2020-12) of ``manifest.json``: ``packgen schema manifest``.

Written out as data, and the one statement of the manifest's shape: :mod:`packgen.manifest`
reads an old manifest by it (:func:`problems`, which knows the few keywords used here),
and the tests check every manifest packgen writes against it with ``jsonschema``.
"""

from __future__ import annotations

import re
from typing import Any

MANIFEST_VERSION = 1

_SHA256: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_LABEL: dict[str, Any] = {"type": "string", "minLength": 1,
                          "description": 'A page number as printed: "17", or "ii" on a front '
                                         "sheet that is not counted."}
_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_LANGUAGE: dict[str, Any] = {**_NULLABLE_TEXT, "description": "Its title's language where it "
                             "is not the pack's (an edition's untranslated title), or null."}


def _record(description: str, properties: dict[str, Any],
            optional: dict[str, Any] | None = None) -> dict[str, Any]:
    # ``optional``: keys a later packgen added, absent from the manifests earlier ones wrote.
    return {"type": "object", "description": description,
            "properties": {**properties, **(optional or {})},
            "required": list(properties), "additionalProperties": False}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://packgen.invalid/schema/manifest-1.json",
    "title": "packgen manifest",
    **_record("What one meeting's published packs hold: its items, its public documents, "
              "their pages and hashes, from the layout the packs were written from.", {
                  "manifest_version": {"const": MANIFEST_VERSION},
                  "packgen_version": {"type": "string"},
                  "generated": {"type": "string",
                                "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                                "description": "UTC: SOURCE_DATE_EPOCH, else the time it "
                                               "was made."},
                  "inputs_sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$",
                                    "description": "Of the meeting's inputs (packgen site), "
                                                   "null from packgen build."},
                  "sequence": {"type": "integer", "minimum": 0,
                               "description": "How many times the meeting was republished "
                                              "(0: published once)."},
                  "meeting": _record("The meeting.", {
                      "organisation": {"type": "string"},
                      "body": {"type": "string"},
                      "date": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"},
                      "time": {"type": "string", "pattern": r"^\d\d:\d\d$"},
                      "end_time": {"type": ["string", "null"], "pattern": r"^\d\d:\d\d$",
                                   "description": "meeting.yaml's end_time, or null: "
                                                  "calendars then give it two hours."},
                      "venue": {"type": "string"},
                      "language": {"type": "string"},
                      "jurisdiction": {"type": "string"},
                      "source": {"type": "string", "description": "meeting.yaml, relative "
                                                                  "to the repository root."},
                      "url": {"type": ["string", "null"],
                              "description": "The meeting's page, relative to the site's "
                                             "root; null from packgen build."},
                  }),
                  "republished": {"oneOf": [{"type": "null"}, _record(
                      "meeting.yaml's republished: when and why it was published again.", {
                          "date": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"},
                          "reason": {"type": "string"},
                      })]},
                  "packs": {"type": "array", "minItems": 1, "items": _record(
                      "The main pack, then each supplement.", {
                          "file": {"type": "string", "minLength": 1},
                          "supplement": {"type": ["integer", "null"], "minimum": 1},
                          "pages": {"type": "integer", "minimum": 1},
                          "sha256": _SHA256,
                      })},
                  "items": {"type": "array", "items": _record(
                      "Each agenda item of each pack, in order.", {
                          "number": {"type": "string"},
                          "title": {"type": "string"},
                          "exempt": {**_NULLABLE_TEXT, "description": "The wording the "
                                     "agenda prints for its exempt part, or null."},
                          "pack": {"type": "integer", "minimum": 0},
                          "pages": {"type": "array", "items": _record(
                              "Printed first and last page of its documents.",
                              {"first": _LABEL, "last": _LABEL})},
                      }, {
                          "description": {**_NULLABLE_TEXT, "description": "As the agenda "
                                          "prints it beneath the title, or null."},
                          "presenter": {**_NULLABLE_TEXT, "description": "Whose report it "
                                        "is, as the agenda prints it, or null."},
                          "language": _LANGUAGE,
                      })},
                  "documents": {"type": "array", "items": _record(
                      "Each public document of each pack, in pack order.", {
                          "title": {"type": "string", "description": "As its bookmark."},
                          "kind": {"enum": ["report", "minutes", "document", "pdf"]},
                          "item": {"type": "string"},
                          "appendix_of": {"type": ["integer", "null"], "minimum": 0,
                                          "description": "The index of the report it "
                                                         "belongs to, in documents."},
                          "pack": {"type": "integer", "minimum": 0},
                          "first_page": _LABEL,
                          "last_page": _LABEL,
                          "first_index": {"type": "integer", "minimum": 1,
                                          "description": "1-based page of the pack's file."},
                          "last_index": {"type": "integer", "minimum": 1},
                          "file": {"type": "string", "description": "Its own PDF, relative "
                                                                    "to the meeting's page."},
                          "sha256": {"type": ["string", "null"],
                                     "pattern": "^[0-9a-f]{64}$",
                                     "description": "Of its own PDF; null where none was "
                                                    "made."},
                          "source": {"type": "string", "description": "The file it came "
                                     "from, relative to the repository root."},
                          "source_sha256": _SHA256,
                      }, {"language": {**_NULLABLE_TEXT, "description": "The document's "
                                       "language where it is not the pack's (in an edition, "
                                       "one with no translation), or null."}})},
              }, {
                  "editions": {"type": "array", "description": "The meeting in its other "
                               "languages (a meeting in Wales: its Welsh edition): absent "
                               "or empty for none."},
              }),
}

_TOP = SCHEMA["properties"]
_TOP["editions"]["items"] = _record(
    "One edition in another language: its own page, packs, items and documents; its files "
    "are named relative to the meeting's page, like the main edition's.", {
        "language": {"type": "string", "minLength": 1},
        "url": {"type": ["string", "null"], "description": "Its page, relative to the "
                "site's root; null from packgen build."},
        "meeting": _record("The meeting's details in this language.", {
            "organisation": {"type": "string"}, "body": {"type": "string"},
            "venue": {"type": "string"}}),
        "packs": _TOP["packs"], "items": _TOP["items"], "documents": _TOP["documents"]})


def problems(value: Any, schema: dict[str, Any] = SCHEMA, path: str = "") -> list[str]:
    """Where ``value`` breaks ``schema``: one line each, naming its key path. Only the
    keywords :data:`SCHEMA` uses are known (a manifest is checked by the schema it says it
    follows, without a JSON Schema library at run time)."""
    at = f"{path}: " if path else ""
    if "const" in schema and value != schema["const"]:
        return [f"{at}expected {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}expected one of {', '.join(schema['enum'])}"]
    if "oneOf" in schema:
        if sum(not problems(value, one, path) for one in schema["oneOf"]) != 1:
            return [f"{at}not of any expected form"]
        return []
    if "type" in schema and not _typed(value, schema["type"]):
        return [f"{at}expected {_types(schema['type'])}"]
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or (
                "pattern" in schema and not re.search(schema["pattern"], value)):
            return [f"{at}not of the expected form"]
    if isinstance(value, int) and not isinstance(value, bool) \
            and value < schema.get("minimum", value):
        return [f"{at}at least {schema['minimum']} expected"]
    found: list[str] = []
    if isinstance(value, dict):
        fields = schema.get("properties", {})
        found += [f'{at}missing key "{key}"' for key in schema.get("required", ())
                  if key not in value]
        if schema.get("additionalProperties") is False:
            found += [f'{at}unknown key "{key}"' for key in value if key not in fields]
        for key, child in value.items():
            if key in fields:
                found += problems(child, fields[key], f"{path}.{key}" if path else key)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{at}at least {schema['minItems']} entries expected")
        if "items" in schema:
            for n, child in enumerate(value):
                found += problems(child, schema["items"], f"{path}[{n}]")
    return found


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "object": (dict,), "array": (list,),
    "null": (type(None),), "boolean": (bool,)}


def _typed(value: Any, wanted: str | list[str]) -> bool:
    names = [wanted] if isinstance(wanted, str) else wanted
    for name in names:
        if name == "integer" and isinstance(value, bool):
            continue
        if isinstance(value, _JSON_TYPES[name]):
            return True
    return False


def _types(wanted: str | list[str]) -> str:
    names = [wanted] if isinstance(wanted, str) else wanted
    words = {"string": "text", "integer": "a whole number", "object": "a mapping",
             "array": "a list", "null": "null", "boolean": "true or false"}
    return " or ".join(words[name] for name in names)
