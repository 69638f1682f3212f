"""The JSON Schema of data/umkm.yaml, derived from declarations.py (committed in schema/)."""

from __future__ import annotations

import json
from typing import Any

from .declarations import BOOL, DATE, INT, LABELS, NAMED, RECORD, RECORDS, ROOT, TEXT, TEXTS, Field

SCHEMA_PATH = "schema/umkm.schema.json"


def _schema(f: Field) -> dict[str, Any]:
    s: dict[str, Any]
    if f.kind == TEXT:
        s = {"type": "string"}
        if f.pattern:
            s["pattern"] = f.pattern
        if f.choices:
            s["enum"] = list(f.choices)
    elif f.kind == DATE:
        s = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif f.kind == BOOL:
        s = {"type": "boolean"}
    elif f.kind == INT:
        s = {"type": "integer"}
        if f.bounds:
            s["minimum"], s["maximum"] = f.bounds
    elif f.kind == TEXTS:
        s = {"type": "array", "items": {"type": "string"}}
        if f.unique:
            s["uniqueItems"] = True
    elif f.kind == RECORD:
        s = _record(f.fields)
    elif f.kind == RECORDS:
        s = {"type": "array", "items": _record(f.fields)}
    elif f.kind == LABELS:
        s = {
            "type": "object",
            "propertyNames": {"pattern": f.pattern},
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        }
    elif f.kind == NAMED:
        s = {
            "type": "object",
            "propertyNames": {"pattern": f.pattern},
            "additionalProperties": _record(f.fields),
            "minProperties": 1,
        }
    else:  # pragma: no cover - declarations.py declares no other kind
        raise AssertionError(f.kind)
    if not f.required and f.kind != RECORDS:
        # `key:` left empty is the same as no key for the checker: let editors agree
        s["type"] = [s["type"], "null"]
        if "enum" in s:
            s["enum"] = [*s["enum"], None]
    elif f.required and f.kind == TEXTS:
        s["minItems"] = 1
    if f.doc:
        s["description"] = f.doc
    if f.default is not None:
        s["default"] = f.default
    return s


def _record(fields: tuple[Field, ...]) -> dict[str, Any]:
    s: dict[str, Any] = {
        "type": "object",
        "properties": {f.key: _schema(f) for f in fields},
        "additionalProperties": False,
    }
    required = [f.key for f in fields if f.required]
    if required:
        s["required"] = required
    return s


def json_schema() -> dict[str, Any]:
    s = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Registri UMKM: data/umkm.yaml",
        **_record(ROOT.fields),
        "description": ROOT.doc,
    }
    return s


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
