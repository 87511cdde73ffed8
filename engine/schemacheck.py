"""JSON Schema validation with positions and messages people can act on.

Every schema error becomes a `Diagnostic` placed at the key or item it concerns, with a
suggestion for misspelt keys. Used by validate (stage 2) only.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from engine.errors import Diagnostic
from engine.resources import SCHEMAS_DIR
from engine.yamlsource import PathKey, YamlDocument

SCHEMA_NAMES = ("ruleset", "ruleset-part", "evidence", "profile", "result")


@functools.cache
def load_schema(name: str) -> Mapping[str, Any]:
    """One of the bundled schemas, by name (e.g. 'evidence')."""
    with (SCHEMAS_DIR / f"{name}.schema.json").open(encoding="utf-8") as f:
        schema: Mapping[str, Any] = json.load(f)
    return schema


@functools.cache
def _registry() -> Registry[Any]:
    resources = []
    for name in SCHEMA_NAMES:
        if (SCHEMAS_DIR / f"{name}.schema.json").exists():
            schema = load_schema(name)
            resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str, pointer: str = "") -> Draft202012Validator:
    """A validator for a schema, or for a definition inside it (`pointer` like '#/$defs/facts')."""
    schema = load_schema(name)
    target: Mapping[str, Any] = {"$ref": schema["$id"] + pointer} if pointer else schema
    return Draft202012Validator(target, registry=_registry())


def check(
    doc: YamlDocument, data: object, schema: Draft202012Validator, prefix: PathKey = ()
) -> list[Diagnostic]:
    """Every schema error in `data` (found at `prefix` in `doc`) as a diagnostic."""
    return sorted({diagnostic for _, diagnostic in check_paths(doc, data, schema, prefix)})


def check_paths(
    doc: YamlDocument, data: object, schema: Draft202012Validator, prefix: PathKey = ()
) -> list[tuple[PathKey, Diagnostic]]:
    """Every schema error with the data path it concerns, so callers can skip broken parts."""
    found = []
    for error in _leaf_errors(schema.iter_errors(data)):
        path = (*prefix, *error.absolute_path)
        key, message = _describe(error)
        at = (*path, key) if key is not None and (*path, key) in doc.positions else path
        found.append((path, Diagnostic(doc.position_of(at), message, code="schema")))
    return found


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            best = best_match(error.context)
            yield best if best is not None else error
        else:
            yield error


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null"


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: ValidationError) -> tuple[str | None, str]:
    """The key the error is about (if any) and a message."""
    kind, value = error.validator, error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    expected_value: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(value, Mapping):
        known = list(schema.get("properties", {}))
        unknown = [k for k in value if k not in known]
        key = unknown[0] if unknown else None
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = (
            f" (did you mean '{close[0]}'?)"
            if close
            else f" (expected one of: {', '.join(known)})"
            if len(known) <= 12
            else ""
        )
        return key, f"unknown key '{key}'{hint}"
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return None, f"required key '{missing}' is missing"
    if kind == "enum":
        options = ", ".join(str(v) for v in expected_value)
        close = difflib.get_close_matches(
            str(value), [str(v) for v in expected_value], n=1, cutoff=0.6
        )
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return None, f"{_short(value)} is not one of: {options}{hint}"
    if kind == "const":
        return None, f"expected {_short(expected_value)}, found {_short(value)}"
    if kind == "type":
        expected = expected_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        return None, f"expected {expected_text}, found {_type_name(value)} ({_short(value)})"
    if kind == "pattern":
        expected = str(schema.get("description", "")).rstrip(".") or f"pattern {expected_value}"
        return None, f"{_short(value)} does not have the expected form ({expected})"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[str(kind)]
        return None, f"{_short(value)} is out of range: expected {word} {expected_value}"
    if kind in ("minLength", "maxLength"):
        word = "at least" if kind == "minLength" else "at most"
        size = len(value) if isinstance(value, Sequence) else 0
        return None, f"text of {size} characters: expected {word} {expected_value}"
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties"):
        word = "at least" if kind.startswith("min") else "at most"
        noun = "items" if kind.endswith("Items") else "entries"
        size = len(value) if isinstance(value, (list, dict)) else 0
        return None, f"{size} {noun}: expected {word} {expected_value}"
    if kind == "propertyNames":
        return None, f"invalid key: {error.message}"
    return None, str(error.message)
