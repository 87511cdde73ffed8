"""JSON Schema validation with positions and messages people can act on.

Every schema error becomes a `Diagnostic` placed at the key or item it concerns, with a
suggestion for misspelt keys. Used by validate (stage 2) only.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import schemacache, schemaquick
from engine.errors import Diagnostic, closest, did_you_mean
from engine.resources import SCHEMAS_DIR
from engine.yamlsource import PathKey, YamlDocument

if TYPE_CHECKING:  # jsonschema is imported when something is validated: a run whose files all
    # passed before (engine.schemacache) never pays its import
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

SCHEMA_NAMES = (
    "ruleset",
    "ruleset-part",
    "evidence",
    "evidence-checks",
    "profile",
    "result",
    "comparison",
    "peers",
)


@functools.cache
def load_schema(name: str) -> Mapping[str, Any]:
    """One of the bundled schemas, by name (e.g. 'evidence')."""
    with (SCHEMAS_DIR / f"{name}.schema.json").open(encoding="utf-8") as f:
        schema: Mapping[str, Any] = json.load(f)
    return schema


@functools.cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

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
    from jsonschema import Draft202012Validator

    return Draft202012Validator(target, registry=_registry())


def check(
    doc: YamlDocument, data: object, name: str, prefix: PathKey = (), *, pointer: str = ""
) -> list[Diagnostic]:
    """Every error of `data` (found at `prefix` in `doc`) against the bundled schema `name`.

    `pointer` checks against a part of the schema instead (`#/$defs/facts`).
    """
    found = check_paths(doc, data, name, prefix, pointer=pointer)
    return sorted({diagnostic for _, diagnostic in found})


@functools.cache
def _quick(name: str, pointer: str) -> Callable[[object], bool] | None:
    return schemaquick.compile_schema(load_schema(name), pointer, _schema_with_id)


def _schema_with_id(uri: str) -> Mapping[str, Any] | None:
    """The schema of `_registry` whose `$id` is `uri` (they end in `<name>.schema.json`), or None."""
    name = uri.rsplit("/", 1)[-1].removesuffix(".schema.json")
    if name not in SCHEMA_NAMES:
        return None
    schema = load_schema(name)
    return schema if schema.get("$id") == uri else None


def check_file(doc: YamlDocument, sha256: str, name: str) -> list[Diagnostic]:
    """`check` of a whole file against schema `name`, skipped when these bytes already passed it."""
    if schemacache.is_known_valid(name, sha256):
        return []
    found = check(doc, doc.data, name)
    if not found:
        schemacache.remember_valid(name, sha256)
    return found


def check_paths(
    doc: YamlDocument, data: object, name: str, prefix: PathKey = (), *, pointer: str = ""
) -> list[tuple[PathKey, Diagnostic]]:
    """Every schema error with the data path it concerns, so callers can skip broken parts.

    Data the quick check passes (engine.schemaquick) has no error, and jsonschema is not even
    imported for it; jsonschema finds and words the errors of the rest.
    """
    quick = _quick(name, pointer)
    if quick is not None and quick(data):
        return []
    schema = validator(name, pointer)
    found = []
    suggested: set[tuple[PathKey, str]] = set()  # (object path, key an unknown key may stand for)
    missing: list[tuple[PathKey, str, Diagnostic]] = []
    for error in _leaf_errors(schema.iter_errors(data)):
        path = (*prefix, *error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            for unknown, message, meant in _unknown_keys(error):
                at = (*path, unknown) if (*path, unknown) in doc.positions else path
                found.append((path, Diagnostic(doc.position_of(at), message, code="schema")))
                if meant is not None:
                    suggested.add((path, meant))
            continue
        key, message = _describe(error)
        at = (*path, key) if key is not None and (*path, key) in doc.positions else path
        diagnostic = Diagnostic(doc.position_of(at), message, code="schema")
        if error.validator == "required":
            missing.append((path, _missing_key(error), diagnostic))
        else:
            found.append((path, diagnostic))
    # A misspelt required key gives "unknown key 'x' (did you mean 'y'?)"; "'y' is missing" adds nothing.
    found.extend((path, d) for path, key, d in missing if (path, key) not in suggested)
    return found


def _missing_key(error: ValidationError) -> str:
    return str(error.message).split("'")[1] if "'" in error.message else str(error.message)


def _unknown_keys(error: ValidationError) -> Iterator[tuple[str, str, str | None]]:
    """Each key not allowed in an object: (key, message, the known key it probably stands for)."""
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    known = list(schema.get("properties", {}))
    # Spellings authors reach for ('le' for 'lte'): generated into the schema from the operator
    # table (engine.conditions.vocabulary).
    synonyms: Mapping[str, str] = schema.get("x-synonyms", {})
    instance: Mapping[str, object] = error.instance if isinstance(error.instance, Mapping) else {}
    is_condition = "path" in known and ("eq" in known or "param" in known)
    noun = "operator" if is_condition else "key"
    for key in instance:
        if key in known:
            continue
        # A synonym from the operator table is exact ('and' means 'all', not the closer 'any').
        synonym = synonyms.get(str(key).lower())
        close = synonym if synonym in known else closest(str(key), known)
        if close is not None:
            hint = f" (did you mean '{close}'?)"
        elif len(known) <= 12 or is_condition:
            hint = f" (expected one of: {', '.join(known)})"
        else:
            hint = ""
        yield str(key), f"unknown {noun} '{key}'{hint}", close


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            best = best_match(error.context)
            yield best if best is not None else error
        else:
            yield error


_SCHEMA_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean (true or false)",
    "null": "null",
}


def _type_name(value: object) -> str:
    if value is None:
        return "null"
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
    if kind == "required":
        return None, f"required key '{_missing_key(error)}' is missing"
    if kind == "enum":
        options = ", ".join(str(v) for v in expected_value)
        hint = did_you_mean(str(value), [str(v) for v in expected_value])
        return None, f"{_short(value)} is not one of: {options}{hint}"
    if kind == "const":
        return None, f"expected {_short(expected_value)}, found {_short(value)}"
    if kind == "type":
        names = expected_value if isinstance(expected_value, list) else [expected_value]
        expected_text = " or ".join(_SCHEMA_TYPES.get(str(n), str(n)) for n in names)
        found = _type_name(value)
        shown = "" if value is None else f" ({_short(value)})"
        return None, f"expected {expected_text}, found {found}{shown}"
    if kind == "pattern":
        expected = str(schema.get("description", "")).rstrip(".") or f"pattern {expected_value}"
        first_word = expected.split(" ", 1)[0]
        if len(first_word) == 1 or not first_word.isupper():  # "A date" → "a date"; keep "ISO"
            expected = expected[:1].lower() + expected[1:]
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


@dataclass(frozen=True)
class SoundPart:
    """What of a document passes its schema: the document without the refused parts.

    `removed` holds each part taken out, as (path, value) at the time it was taken out, so that
    later checks can tell "refers to a broken entry" from "refers to nothing".
    """

    document: YamlDocument
    removed: tuple[tuple[PathKey, object], ...]


def sound_part(
    doc: YamlDocument,
    schema: Draft202012Validator,
    *,
    incomplete_ok: Collection[PathKey] = (),
    rounds: int = 10,
) -> SoundPart | None:
    """`doc` with every part `schema` refuses taken out, or None when the root itself is refused.

    An unknown key goes alone; another refused value goes with its key or list item; a mapping
    missing a required key goes whole, unless its path is in `incomplete_ok` (the caller reads
    those with care). Taking a part out can make its parent incomplete, so this repeats until
    the rest passes. Positions of what is kept stay those of the original file. Lets later
    checks (references, ids) run in the same run as the schema check.
    """
    data: object = copy.deepcopy(doc.data)
    positions: dict[PathKey, Any] = dict(doc.positions.items())
    removed: list[tuple[PathKey, object]] = []
    for _ in range(rounds):
        broken = _refused_paths(schema, data, incomplete_ok)
        if not broken:
            return SoundPart(YamlDocument(doc.file, data, positions, doc.text), tuple(removed))
        if () in broken:
            return None
        top = {p for p in broken if not any(p[:k] in broken for k in range(1, len(p)))}
        removed.extend((p, copy.deepcopy(_at(data, p))) for p in sorted(top, key=repr))
        data, positions = _without(data, positions, top)
    return None


def _refused_paths(
    schema: Draft202012Validator, data: object, incomplete_ok: Collection[PathKey]
) -> set[PathKey]:
    found: set[PathKey] = set()
    for error in _leaf_errors(schema.iter_errors(data)):
        path: PathKey = tuple(error.absolute_path)
        if error.validator == "required" and path in incomplete_ok:
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            found.update((*path, key) for key, _, _ in _unknown_keys(error))
        else:
            found.add(path)
    return found


def _at(data: object, path: PathKey) -> object:
    for step in path:
        data = data[step]  # type: ignore[index]
    return data


def _without(
    data: object, positions: dict[PathKey, Any], paths: set[PathKey]
) -> tuple[object, dict[PathKey, Any]]:
    """`data` without `paths` (none inside another), and positions re-keyed to the new paths."""
    by_parent: dict[PathKey, list[str | int]] = {}
    for path in paths:
        by_parent.setdefault(path[:-1], []).append(path[-1])
    # Deeper parents first: removing a list item shifts the paths below its later siblings.
    for parent in sorted(by_parent, key=len, reverse=True):
        container = _at(data, parent)
        for step in sorted(by_parent[parent], key=lambda s: (isinstance(s, str), s), reverse=True):
            del container[step]  # type: ignore[attr-defined]

    def moved(path: PathKey) -> PathKey | None:
        new: list[str | int] = []
        for depth, step in enumerate(path):
            gone = by_parent.get(path[:depth], ())
            if step in gone:
                return None
            if isinstance(step, int):
                step -= sum(1 for g in gone if isinstance(g, int) and g < step)
            new.append(step)
        return tuple(new)

    kept = {}
    for path, position in positions.items():
        target = moved(path)
        if target is not None:
            kept[target] = position
    return data, kept
