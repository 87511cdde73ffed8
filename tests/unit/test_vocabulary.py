"""The operator table and what is generated from it: schema vocabulary, docs, synonyms."""

import json

import pytest

from engine.conditions import vocabulary
from engine.conditions.operators import CONDITIONS, EXPRESSIONS, KEYS, SYNONYMS, Role
from engine.schemacheck import check
from engine.yamlsource import parse_yaml

OPERATORS = [*CONDITIONS.values(), *EXPRESSIONS.values()]


def test_committed_schema_and_docs_are_what_the_table_generates() -> None:
    assert vocabulary.outdated() == [], "run `make vocabulary` and commit the result"


def test_the_command_reports_drift_and_rewrites(tmp_path, monkeypatch) -> None:
    schema, docs = tmp_path / "ruleset.schema.json", tmp_path / "rule-language.md"
    stale = json.loads(vocabulary.SCHEMA_FILE.read_text(encoding="utf-8"))
    stale["$defs"]["condition"]["properties"].pop("matches")
    schema.write_text(json.dumps(stale, indent=2) + "\n", encoding="utf-8")
    docs.write_text(
        f"# Rules\n\n{vocabulary.BEGIN}\nold table\n{vocabulary.END}\n", encoding="utf-8"
    )
    monkeypatch.setattr(vocabulary, "SCHEMA_FILE", schema)
    monkeypatch.setattr(vocabulary, "DOCS_FILE", docs)
    assert vocabulary.main([]) == 1
    assert vocabulary.outdated() == [schema, docs]
    assert vocabulary.main(["--write"]) == 0
    assert vocabulary.outdated() == []
    assert "matches" in json.loads(schema.read_text())["$defs"]["condition"]["properties"]
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Rules\n\n")
    assert "old table" not in text
    assert "| `{path: P, lte: X}` |" in text


def test_docs_without_markers_are_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        vocabulary.docs_text("# Rules without the generated block\n")


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.name)
def test_every_operator_is_declared_in_full(op) -> None:
    assert op.name in op.form
    assert op.doc
    assert op.semantics
    assert op.accepts
    assert set(op.keys) <= {k.name for k in KEYS}
    assert (op.name in CONDITIONS) == (op.role is Role.CONDITION)


def test_schema_vocabulary_is_the_table() -> None:
    defs = json.loads(vocabulary.SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    condition = set(defs["condition"]["properties"])
    assert condition == {*CONDITIONS, "where", "path", "default", "value"}
    expression = set(defs["expression"]["oneOf"][1]["properties"])
    assert expression == {*EXPRESSIONS, "where", "default"}
    for name in CONDITIONS:
        assert name in defs["condition"]["description"]
    for name in EXPRESSIONS:
        assert name in defs["expression"]["description"]


def test_every_synonym_of_the_schema_check_is_kept() -> None:
    # The list engine.schemacheck held before the table: none may be lost.
    before = {
        "==": "eq", "equals": "eq", "equal": "eq", "is": "eq", "!=": "ne", "neq": "ne",
        "not_equal": "ne", "<": "lt", "less_than": "lt", "<=": "lte", "le": "lte",
        "less_or_equal": "lte", "max": "lte", ">": "gt", "greater_than": "gt", ">=": "gte",
        "ge": "gte", "greater_or_equal": "gte", "min": "gte", "regex": "matches",
        "match": "matches", "includes": "contains", "has": "contains", "and": "all", "or": "any",
    }  # fmt: skip
    assert {k: SYNONYMS[k] for k in before} == before


@pytest.mark.parametrize(
    ("written", "meant"),
    [("le", "lte"), ("==", "eq"), ("and", "all"), ("min", "gte"), ("less_than", "lt")],
)
def test_a_synonym_is_suggested(written: str, meant: str) -> None:
    doc = parse_yaml(f'c: {{path: portfolio.par30, "{written}": 0.05}}\n', "r.yaml")
    assert isinstance(doc.data, dict)
    problems = check(doc, doc.data["c"], "ruleset", ("c",), pointer="#/$defs/condition")
    assert [p.message for p in problems] == [
        f"unknown operator '{written}' (did you mean '{meant}'?)"
    ]
