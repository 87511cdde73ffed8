"""The evidence vocabulary as types: every fact has a title, a unit where it has one, its roles."""

from collections.abc import Iterator, Mapping
from typing import Any

from engine.conditions import FieldType
from engine.evidence import evidence_fact_types
from engine.schemacheck import load_schema

DEFS: Mapping[str, Any] = load_schema("evidence")["$defs"]


def facts_of(schema: Mapping[str, Any], path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every field of the facts at every level, list items and shared objects included."""
    yield path, schema
    target = schema
    if "$ref" in schema:  # an object defined once (a Green Index submission): its fields too
        target = DEFS[schema["$ref"].rsplit("/", 1)[-1]]
    for name, sub in target.get("properties", {}).items():
        yield from facts_of(sub, f"{path}.{name}" if path else name)
    if "items" in schema:
        yield from facts_of(schema["items"], f"{path}[]")


def test_every_fact_has_a_short_title() -> None:
    untitled = [
        path or "facts" for path, schema in facts_of(DEFS["facts"], "") if not schema.get("title")
    ]
    assert untitled == []
    long = [path for path, schema in facts_of(DEFS["facts"], "") if len(schema["title"]) > 70]
    assert long == []


def test_units_come_from_the_shared_definitions_or_x_unit() -> None:
    facts = evidence_fact_types()

    def field(path: str) -> FieldType:
        current = facts
        for name in path.split("."):
            current = current.items if name == "[]" else current.fields[name]  # type: ignore[assignment]
        return current

    assert (field("portfolio.par30").title, field("portfolio.par30").unit) == ("PAR30", "percent")
    assert field("portfolio.gross_loan_portfolio").unit == "amount"
    assert field("clients.active_clients").unit == "count"
    assert field("finance.operational_self_sufficiency").unit == "percent"  # x-unit
    assert field("complaints.average_resolution_days").unit == "days"
    assert field("products.[].type").role == "kind"
    assert field("products.[].type").words["loan"] == "a loan"
    assert field("products.[].compulsory").role == "adjective"
    assert field("products.[].prepayment_penalty").words["true"] == "charges a prepayment penalty"
    assert field("profile.target_clients.[]").words["general"] == "the general public"


def test_enum_words_and_yes_no_words_name_real_values() -> None:
    for path, schema in facts_of(DEFS["facts"], ""):
        target = DEFS[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
        words = {**target.get("x-words", {}), **schema.get("x-words", {})}
        allowed = set(target.get("enum", [])) or (
            {"true", "false"} if target.get("type") == "boolean" else set()
        )
        assert set(words) <= allowed, path
