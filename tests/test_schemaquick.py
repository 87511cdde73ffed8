"""The quick schema check answers as jsonschema does, and never passes what jsonschema refuses."""

from __future__ import annotations

import copy
import math
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine import schemacheck, schemaquick
from engine.load import load_file
from engine.resources import EXAMPLES_DIR, RULES_DIR, SCHEMAS_DIR
from engine.schemacheck import load_schema, validator

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
EVIDENCE = load_schema("evidence")


def _quick(schema: dict[str, Any]) -> schemaquick.Check:
    check = schemaquick.compile_schema(schema)
    assert check is not None
    return check


# -- keyword by keyword, against jsonschema ------------------------------------------------------
CASES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, [1, 2.0, 2.5, True, "1", None, -0.0, float("nan")]),
    ({"type": "number"}, [1, 2.5, True, False, "1", float("inf"), float("nan")]),
    ({"type": ["string", "null"]}, ["a", None, 0, [], {}]),
    ({"type": "boolean"}, [True, False, 0, 1, "true"]),
    ({"type": "object"}, [{}, [], "x"]),
    ({"type": "array"}, [[], {}, (), "x"]),
    ({"enum": ["a", "b"]}, ["a", "c", 1, None, ["a"]]),
    ({"enum": [1, None, [1, 2]]}, [1, 1.0, True, None, [1, 2], [1.0, 2.0], [True, 2], "1"]),
    ({"enum": [True]}, [True, 1, 1.0, False]),
    ({"const": 0}, [0, 0.0, False, -0.0, "0", None]),
    ({"const": {"a": [1]}}, [{"a": [1]}, {"a": [True]}, {"a": [1], "b": 1}, {"a": [1.0]}]),
    ({"minimum": 0, "maximum": 1}, [0, 1, -1, 1.5, 0.5, True, "5", float("nan")]),
    ({"exclusiveMinimum": 0, "exclusiveMaximum": 1}, [0, 1, 0.5, -0.0, 1e-300]),
    ({"minLength": 2, "maxLength": 3}, ["a", "ab", "abcd", "éé", "😀😀", 12345, ["a"]]),
    ({"pattern": "[0-9]+"}, ["a1b", "abc", "", 5]),
    ({"pattern": "^[A-Z]{2}$"}, ["HT", "hT", "HTI", "HT\n"]),
    ({"minItems": 1, "maxItems": 2}, [[], [1], [1, 2], [1, 2, 3], "ab", {}]),
    ({"uniqueItems": True}, [[1, 2], [1, 1.0], [1, True], [0, False], ["a", "a"], [[1], [True]]]),
    ({"uniqueItems": True}, [[{"a": 1}, {"a": 1.0}], [{"a": 1}, {"a": 2}], [None, None], []]),
    ({"uniqueItems": False}, [[1, 1]]),
    ({"items": {"type": "string"}}, [[], ["a"], ["a", 1], "ab"]),
    ({"contains": {"const": 1}}, [[], [1], [2, 1], [True], [1.0], "1"]),
    ({"not": {"type": "string"}}, ["a", 1, None]),
    ({"not": {"enum": ["x"]}, "type": "string"}, ["x", "y", 1]),
    ({"required": ["a"], "maxProperties": 2}, [{"a": 1}, {}, {"a": 1, "b": 2, "c": 3}, []]),
    (
        {"properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        [{"a": 1}, {"a": "1"}, {"b": 1}, {}, "x"],
    ),
    (
        {"properties": {"a": {}}, "additionalProperties": {"type": "string"}},
        [{"a": 1, "b": "x"}, {"b": 2}],
    ),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, {"aB": 1}, {}]),
    (
        {
            "$defs": {"node": {"type": "object", "properties": {"kids": {"items": {"$ref": "#"}}}}},
            "$ref": "#/$defs/node",
        },
        [{"kids": [{"kids": []}]}, {"kids": [1]}, {"kids": [{"kids": [{"kids": ["x"]}]}]}],
    ),
    (
        {"$id": "https://example.org/tree", "items": {"$ref": "#"}, "maxItems": 2},
        [[], [[]], [[], [[], []]], [[], [[], [], []]], ["x"]],
    ),
    (True, [1, None]),
    (False, [1, None]),
    ({"items": False}, [[], [1]]),
    ({"title": "t", "description": "d", "x-words": {"a": "b"}, "default": 1}, [1, "x"]),
]


@pytest.mark.parametrize(("schema", "instances"), CASES)
def test_each_keyword_answers_as_jsonschema(schema: Any, instances: list[Any]) -> None:
    if isinstance(schema, bool):  # a boolean schema, as the schema of a property
        schema, instances = {"properties": {"x": schema}}, [{"x": i} for i in instances]
    quick, full = _quick(schema), Draft202012Validator(schema)
    for instance in instances:
        assert quick(instance) == full.is_valid(instance), instance


def test_a_nan_in_a_list_of_unique_items_is_left_to_jsonschema() -> None:
    quick = _quick({"uniqueItems": True})
    # jsonschema sorts first, and a NaN hides 1 == 1.0 from it: the quick check does not guess
    assert Draft202012Validator({"uniqueItems": True}).is_valid([1, math.nan, 1.0])
    assert quick([1, math.nan, 1.0]) is False
    assert quick([math.nan]) is False
    assert quick(["a", "b"]) is True


@pytest.mark.parametrize(
    "schema",
    [
        {"if": {"type": "string"}, "then": {}},
        {"patternProperties": {"a": {}}},
        {"contains": {}, "minContains": 2},
        {"format": "date"},
        {"$ref": "other.schema.json#/$defs/x"},
        {"$ref": "#/$defs/missing"},
        {"properties": {"a": {"$id": "https://example.org/a", "type": "string"}}},
        {"type": "complex"},
        {"unknown_keyword": 1},
    ],
)
def test_a_schema_using_what_the_quick_check_does_not_know_is_not_compiled(
    schema: dict[str, Any],
) -> None:
    assert schemaquick.compile_schema(schema) is None


def test_the_evidence_schema_and_its_facts_compile() -> None:
    assert schemaquick.compile_schema(EVIDENCE) is not None
    assert schemaquick.compile_schema(EVIDENCE, "#/$defs/facts") is not None


@pytest.mark.parametrize("name", sorted(p.name.split(".")[0] for p in SCHEMAS_DIR.glob("*.json")))
def test_every_bundled_schema_either_compiles_or_is_left_to_jsonschema(name: str) -> None:
    quick = schemacheck._quick(name, "")
    if name == "scorecard":  # prefixItems
        assert quick is None
        return
    assert quick is not None
    for data in ({}, [], {"schema_version": 1}, None):
        assert quick(data) == validator(name).is_valid(data)


@pytest.mark.parametrize(
    "schema",
    [
        {"anyOf": [{"type": "string"}, {"minimum": 3}]},
        {"oneOf": [{"type": "integer"}, {"minimum": 3}]},
        {"allOf": [{"type": "integer"}, {"minimum": 3}]},
        {"minProperties": 1, "maxProperties": 1},
    ],
)
def test_the_combinators_answer_as_jsonschema(schema: dict[str, Any]) -> None:
    quick, full = _quick(schema), Draft202012Validator(schema)
    for instance in [1, 2.0, 3, 3.5, 5, True, "x", None, {}, {"a": 1}, {"a": 1, "b": 2}, []]:
        assert quick(instance) == full.is_valid(instance), instance


def test_a_reference_into_another_bundled_schema_is_followed() -> None:
    quick = schemacheck._quick("ruleset-part", "")
    assert quick is not None
    assert schemacheck._schema_with_id("https://example.org/ruleset.schema.json") is None


# -- real documents and thousands of altered ones -----------------------------------------------
def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*path, index)))
    return found


_REPLACEMENTS: list[Any] = [
    None, True, False, 0, 1, -1, 2.0, 0.5, -0.5, 1e12, math.inf, "", "x", "HT", "2026-02-30",
    "2026-01-31", "yes", "no", "a" * 5000, [], ["x"], [1, 1], {}, {"unknown": 1},
]  # fmt: skip


def _mutant(data: Any, rng: random.Random) -> Any:
    """`data` with one random change somewhere: a value replaced, a key added or removed, a list
    item repeated or dropped, a number pushed past a bound."""
    changed = copy.deepcopy(data)
    path = rng.choice(_paths(changed)[1:])
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    value = parent[last]
    action = rng.randrange(6)
    if action == 0 and isinstance(parent, dict):
        del parent[last]
    elif action == 1 and isinstance(parent, list):
        parent.append(copy.deepcopy(value))  # a repeated item
    elif action == 2 and isinstance(value, dict):
        value[rng.choice(["unknown", "notes", "x-other", "Name"])] = rng.choice(_REPLACEMENTS)
    elif action == 3 and isinstance(value, int | float) and not isinstance(value, bool):
        parent[last] = rng.choice([value * 1000, -value - 1, value + 0.5, float(value), 101])
    elif action == 4 and isinstance(value, list) and value:
        value.pop(rng.randrange(len(value)))
    else:
        parent[last] = copy.deepcopy(rng.choice(_REPLACEMENTS))
    return changed


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_examples_and_their_alterations_get_jsonschemas_answer(path: Path) -> None:
    data = load_file(path).document.data
    quick, full = _quick(EVIDENCE), validator("evidence")
    assert quick(data) is True
    assert full.is_valid(data)
    rng = random.Random(path.stem)  # noqa: S311 - seeded test data
    valid = 0
    for _ in range(600):
        mutant = _mutant(data, rng)
        expected = full.is_valid(mutant)
        assert quick(mutant) == expected, next(iter(full.iter_errors(mutant)), "valid")
        valid += expected
    assert 20 < valid < 580  # both answers were exercised


def test_the_facts_of_every_rule_example_get_jsonschemas_answer() -> None:
    quick = schemaquick.compile_schema(EVIDENCE, "#/$defs/facts")
    assert quick is not None
    full = validator("evidence", "#/$defs/facts")
    rng = random.Random(7)  # noqa: S311 - seeded test data
    checked = 0
    for part in sorted(RULES_DIR.glob("*/*.yaml")):
        data = load_file(part).document.data
        for indicator in _indicators(data):
            for example in indicator.get("examples", {}).values():
                if "facts" in example:
                    facts = example["facts"]
                    assert quick(facts) == full.is_valid(facts)
                    mutant = _mutant(facts, rng) if facts else {"unknown": 1}
                    assert quick(mutant) == full.is_valid(mutant)
                    checked += 1
    assert checked > 300


def _files_of(name: str) -> list[Path]:
    folders = sorted(p.parent for p in RULES_DIR.glob("*/ruleset.yaml"))
    if name == "ruleset":
        return [f / "ruleset.yaml" for f in folders]
    if name == "profile":
        return sorted(p for f in folders for p in (f / "profiles").glob("*.yaml"))
    if name == "result":
        return sorted((Path(__file__).parent / "golden").glob("*/result.json"))
    return sorted(p for f in folders for p in f.glob("*.yaml") if p.name != "ruleset.yaml")


@pytest.mark.parametrize("name", ["ruleset", "ruleset-part", "profile", "result"])
def test_rule_files_results_and_their_alterations_get_jsonschemas_answer(name: str) -> None:
    quick = schemacheck._quick(name, "")
    assert quick is not None
    full = validator(name)
    rng = random.Random(name)  # noqa: S311 - seeded test data
    files = _files_of(name)
    assert files
    valid = invalid = 0
    for path in files:
        data = load_file(path).document.data
        assert quick(data) is True, path
        for _ in range(max(4, 240 // len(files))):
            mutant = _mutant(data, rng)
            expected = full.is_valid(mutant)
            assert quick(mutant) == expected, (path, next(iter(full.iter_errors(mutant)), "valid"))
            valid += expected
            invalid += not expected
    assert valid  # both answers were exercised
    assert invalid


def _indicators(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if "examples" in node and "id" in node:
            found.append(node)
        for value in node.values():
            found.extend(_indicators(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_indicators(value))
    return found


def test_edited_valid_evidence_is_read_without_importing_jsonschema(tmp_path: Path) -> None:
    # An evidence file just edited is new to the cache (engine.schemacache), and the quick check
    # passes it without jsonschema; so it does the bundled files, checked on the first run.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from engine.evidence import read_evidence\n"
        "read = read_evidence(Path(sys.argv[1]))\n"
        "assert read.evidence is not None and not read.has_errors, read.diagnostics\n"
        "print('jsonschema' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("SPM_AUDIT_NO_CACHE", None)
    imported = []
    for edit in ("first", "second"):
        edited = tmp_path / f"{edit}.yaml"
        edited.write_text(f"{EXAMPLES[0].read_text(encoding='utf-8')}\n# {edit}\n", "utf-8")
        out = subprocess.run(
            [sys.executable, "-c", script, str(edited)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        imported.append(out.stdout.strip())
    assert imported == ["False", "False"]  # the bundled files too pass the quick check
