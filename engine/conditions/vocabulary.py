"""The operator vocabulary generated from the operator table, for the schema and the docs.

`$defs/condition` and `$defs/expression` of `schemas/ruleset.schema.json` (property names, their
shapes and descriptions, and in `x-synonyms` the spellings that engine.schemacheck suggests the
right operator for) and the operator tables of `docs/rule-language.md` (between marker
comments) are generated from `engine.conditions.operators`; a test fails when the committed files
differ. `make vocabulary` (`python -m engine.conditions.vocabulary --write`) rewrites them;
without `--write` the command only reports which files are out of date (exit 1).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.conditions.compare import MAX_REGEX_LENGTH
from engine.conditions.operators import (
    CONDITIONS,
    EXPRESSIONS,
    KEYS,
    SYNONYMS,
    Operator,
    Shape,
)
from engine.resources import SCHEMAS_DIR

SCHEMA_FILE = SCHEMAS_DIR / "ruleset.schema.json"
DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "rule-language.md"
BEGIN = (
    "<!-- BEGIN operators: generated from engine/conditions/operators.py by `make vocabulary`;"
    " do not edit -->"
)
END = "<!-- END operators -->"
_SCALAR = ["string", "number", "boolean"]
_PARAMETER_NAME = "^[a-z][a-z0-9_]{0,60}$"


def _shape(shape: Shape, op: Operator[Any] | None = None) -> dict[str, Any]:
    """The JSON Schema of what an operator's (or key's) value holds."""
    match shape:
        case Shape.CONDITIONS:
            return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
        case Shape.CONDITION:
            return {"$ref": "#/$defs/condition"}
        case Shape.PATH:
            return {"$ref": "#/$defs/path"}
        case Shape.EXPRESSION:
            return {"$ref": "#/$defs/expression"}
        case Shape.EXPRESSIONS:
            bounds = {"minItems": op.min_items if op else 1}
            if op is not None and op.max_items is not None:
                bounds["maxItems"] = op.max_items
            return {"type": "array", **bounds, "items": {"$ref": "#/$defs/expression"}}
        case Shape.LITERALS:
            return {"type": "array", "minItems": 1, "items": {"type": _SCALAR}}
        case Shape.LITERAL:
            return {"type": _SCALAR}
        case Shape.REGEX:
            return {"type": "string", "minLength": 1, "maxLength": MAX_REGEX_LENGTH}
        case Shape.PARAMETER:
            return {"type": "string", "pattern": _PARAMETER_NAME}
        case Shape.DEFAULT:
            return {"type": [*_SCALAR, "array"], "items": {"type": _SCALAR}}


def _described(schema: Mapping[str, Any], doc: str) -> dict[str, Any]:
    text = doc[:1].upper() + doc[1:]
    return {"description": text if text.endswith(".") else f"{text}.", **schema}


def _properties(ops: Sequence[Operator[Any]]) -> dict[str, Any]:
    """Operators that stand alone, then the keys that go with operators, then comparisons."""
    alone = [op for op in ops if "path" not in op.keys]
    sided = [op for op in ops if "path" in op.keys]
    names = {op.name for op in ops}
    used = [k for k in KEYS if k.name not in names and any(k.name in op.keys for op in ops)]
    properties = {op.name: _described(_shape(op.shape, op), op.doc) for op in alone}
    properties |= {k.name: _described(_shape(k.shape), k.doc) for k in used}
    properties |= {op.name: _described(_shape(op.shape, op), op.doc) for op in sided}
    return properties


def condition_schema() -> dict[str, Any]:
    """`$defs/condition`: one condition operator per mapping, with the keys that go with it."""
    alone = [op.name for op in CONDITIONS.values() if "path" not in op.keys]
    sided = [op.name for op in CONDITIONS.values() if "path" in op.keys]
    description = (
        f"One operator per mapping: {', '.join(alone)} (some and every take where), or a "
        f"comparison of path or value with one of {', '.join(sided)}; `default` gives what a "
        "missing path counts as."
    )
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "minProperties": 1,
        "properties": _properties(list(CONDITIONS.values())),
        # What rule authors write for an operator, for the schema check's "did you mean".
        "x-synonyms": dict(SYNONYMS),
    }


def expression_schema() -> dict[str, Any]:
    """`$defs/expression`: a literal, or a mapping with one expression operator."""
    forms = [
        op.name + (f" (with {' or '.join(op.keys)})" if op.keys else "")
        for op in EXPRESSIONS.values()
    ]
    return {
        "description": f"A literal, or one of {', '.join(forms)}.",
        "oneOf": [
            {"type": _SCALAR},
            {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": _properties(list(EXPRESSIONS.values())),
            },
        ],
    }


def schema_text(current: str) -> str:
    """The rule-set schema with its condition and expression definitions regenerated."""
    schema = json.loads(current)
    schema["$defs"]["condition"] = condition_schema()
    schema["$defs"]["expression"] = expression_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def docs_block() -> str:
    """The operator tables of docs/rule-language.md."""
    lines = [
        BEGIN,
        "",
        "| condition | holds when | takes | true, false or unknown |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{op.form}` | {_cell(op.doc)} | {op.accepts} | {_cell(op.semantics)} |"
        for op in CONDITIONS.values()
    ]
    lines += ["", "Keys that go with an operator:", ""]
    lines += [f"- `{k.name}`: {k.doc[:1].lower()}{k.doc[1:]}" for k in KEYS]
    lines += [
        "",
        "Expressions (`EXPR`) are a literal or one of:",
        "",
        "| expression | value | takes | unknown when |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{op.form}` | {_cell(op.doc)} | {op.accepts} | {_cell(op.semantics)} |"
        for op in EXPRESSIONS.values()
    ]
    synonyms = ", ".join(f"`{s}` → `{name}`" for s, name in SYNONYMS.items())
    lines += [
        "",
        f"A misspelt operator is an error that suggests the right one, also for names from other "
        f"rule languages: {synonyms}.",
        "",
        END,
    ]
    return "\n".join(lines)


def docs_text(current: str) -> str:
    """The docs with the generated block replaced (it must be there once, between its markers)."""
    start, end = current.find(BEGIN), current.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{DOCS_FILE}: the markers {BEGIN!r} and {END!r} are missing")
    return current[:start] + docs_block() + current[end + len(END) :]


def _targets() -> list[tuple[Path, str, str]]:
    """(file, committed text, generated text) of every generated file."""
    found = []
    for path, generate in ((SCHEMA_FILE, schema_text), (DOCS_FILE, docs_text)):
        current = path.read_text(encoding="utf-8")
        found.append((path, current, generate(current)))
    return found


def outdated() -> list[Path]:
    """The generated files whose committed text differs from what the table generates."""
    return [path for path, current, wanted in _targets() if current != wanted]


def write() -> list[Path]:
    """Regenerate the files; the ones that changed."""
    changed = []
    for path, current, wanted in _targets():
        if current != wanted:
            path.write_text(wanted, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: Sequence[str]) -> int:
    """Check (exit 1 when out of date) or, with --write, regenerate the vocabulary files."""
    changed = write() if "--write" in argv else outdated()
    verb = "rewrote" if "--write" in argv else "out of date (run make vocabulary)"
    for path in changed:
        sys.stderr.write(f"{path}: {verb}\n")
    return 1 if changed and "--write" not in argv else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
