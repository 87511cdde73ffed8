"""Property-based tests: evidence generated from the evidence schema never breaks the engine.

The facts are drawn from `schemas/evidence.schema.json` `$defs/facts` (every key optional, numbers
within their bounds, enums, booleans, dates, short strings, small lists), the answers are random
answers to random Universal Standards indicators. Each example goes through the real loader
(JSON text → parse → validate), then evaluate and score.

`make test` runs a small budget; `make fuzz` sets HYPOTHESIS_PROFILE=fuzz for a long run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.evidence import build_evidence, check_evidence_for
from engine.load import parse_text
from engine.model import AuditResult, FrameworkResult, Method, RuleSet, TraceEntry
from engine.pipeline import assess
from engine.render.json_report import JsonRenderer
from engine.rulesets import load_rule_set
from engine.schemacheck import load_schema

settings.register_profile(
    "default",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

EVIDENCE_SCHEMA = load_schema("evidence")
DEFS: Mapping[str, Any] = EVIDENCE_SCHEMA["$defs"]
ASSESSED_ON = dt.date(2026, 1, 30)
COUNTER = {"examples": 0, "invalid": 0}


_UNIVERSAL: list[RuleSet] = []


def universal_rules() -> RuleSet:
    if not _UNIVERSAL:
        from engine.rulesets import bundled_frameworks

        _UNIVERSAL.append(load_rule_set(bundled_frameworks()["universal-standards"]))
    return _UNIVERSAL[0]


# ---------------------------------------------------------------------------------------------
# A strategy builder for the JSON Schema subset the facts use
# ---------------------------------------------------------------------------------------------

SHORT_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
) | st.sampled_from(["<img src=x>", "{{ 1+1 }}", "no", "NO", "12:30", "0755", "  "])


def from_schema(schema: Mapping[str, Any], name: str = "") -> st.SearchStrategy[Any]:
    """Values valid against `schema` (a fragment of the evidence schema)."""
    if "$ref" in schema:
        ref = str(schema["$ref"]).rsplit("/", 1)[-1]
        if ref == "date":
            return dates()
        return from_schema(DEFS[ref], ref)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([from_schema(s, name) for s in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, name) for k in kind])
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, k) for k, v in properties.items() if k in required},
            optional={k: from_schema(v, k) for k, v in properties.items() if k not in required},
        )
    if kind == "array":
        items = from_schema(schema.get("items", {}), name)
        size = min(int(schema.get("maxItems", 3)), 3)
        return st.lists(
            items, max_size=size, unique_by=_unique_key if schema.get("uniqueItems") else None
        )
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        integers = st.integers(
            min_value=int(low if low is not None else -(10**6)) + ("exclusiveMinimum" in schema),
            max_value=int(high if high is not None else 10**9) - ("exclusiveMaximum" in schema),
        )
        if kind == "integer":
            return integers
        floats = st.floats(
            min_value=low if low is not None else -1e9,
            max_value=high if high is not None else 1e12,
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
            allow_nan=False,
            allow_infinity=False,
        )
        return integers | floats
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if "pattern" in schema:
            limit = int(schema.get("maxLength", 40))
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= limit
            )
        low = int(schema.get("minLength", 0))
        return SHORT_TEXT.filter(lambda s: len(s) >= low) if low else SHORT_TEXT
    return st.none()  # pragma: no cover - the facts schema uses only the kinds above


def _unique_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def dates() -> st.SearchStrategy[str]:
    return st.dates(dt.date(1990, 1, 1), ASSESSED_ON).map(dt.date.isoformat)


FACTS = from_schema(DEFS["facts"])
ANSWER = st.sampled_from(["yes", "partially", "no", "na"])


@st.composite
def evidence_documents(draw: st.DrawFn) -> dict[str, Any]:
    ids = sorted(ind.id for ind in universal_rules().indicators())
    chosen = draw(st.lists(st.sampled_from(ids), max_size=40, unique=True))
    answers = {}
    for rid in chosen:
        entry: dict[str, Any] = {"answer": draw(ANSWER)}
        if draw(st.booleans()):
            entry["comment"] = draw(SHORT_TEXT)
        answers[rid] = entry
    document: dict[str, Any] = {
        "schema_version": 1,
        "institution": {"name": "Generated MFI", "country": "HT"},
        "assessment": {
            "type": "external_audit",
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
            "assessed_on": ASSESSED_ON.isoformat(),
        },
        "facts": draw(FACTS),
    }
    if answers:
        document["answers"] = {"universal-standards": answers}
    return document


def run(document: Mapping[str, Any]) -> AuditResult | None:
    """The real path from JSON text to a result; None when the input is (rightly) invalid."""
    raw = json.dumps(document, ensure_ascii=bool(len(str(document)) % 2)).encode()
    try:
        evidence = build_evidence(parse_text(raw, "gen.json", is_json=True), "0" * 64)
        rules = universal_rules()
        problems = check_evidence_for(evidence, [rules], ["universal-standards"])
        if any(p.severity == "error" for p in problems):
            raise InvalidInputError(problems)
    except InvalidInputError:
        COUNTER["invalid"] += 1
        return None
    COUNTER["examples"] += 1
    return assess(evidence, [rules])


def check_framework(framework: FrameworkResult) -> None:
    for scored in framework.indicators:
        assert scored.score is None or 0 <= scored.score <= 1
        assert scored.result.summary.strip(), scored.result.indicator.id
    for node in (framework.overall, *framework.nodes):
        assert node.score is None or 0 <= node.score <= 1, node.node.id
        counts = node.counts
        if counts.applicable:
            assert node.coverage == Fraction(counts.assessed, counts.applicable)
        else:
            assert node.coverage is None
            assert node.score is None
    overall = framework.overall.counts
    # benchmarks (performance-data parts) are scored apart and never counted above
    statuses = [s.result.status for s in framework.indicators if not s.benchmark]
    assert overall.passed == statuses.count("pass")
    assert overall.partial == statuses.count("partial")
    assert overall.failed == statuses.count("fail")
    assert overall.not_applicable == statuses.count("not_applicable")
    assert overall.not_assessed == statuses.count("not_assessed")
    assert len(framework.indicators) == len(framework.ruleset.indicators())


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@given(evidence_documents())
def test_engine_never_crashes_and_scores_are_consistent(document: dict[str, Any]) -> None:
    result = run(document)
    if result is None:
        return
    for framework in result.frameworks:
        check_framework(framework)


@given(evidence_documents())
def test_every_trace_entry_has_plain_words(document: dict[str, Any]) -> None:
    result = run(document)
    if result is None:
        return
    facts = result.evidence.facts
    for indicator in universal_rules().indicators():
        for condition in (indicator.applies_when, indicator.check, indicator.partial_check):
            if condition is None:
                continue
            trace: list[TraceEntry] = []
            condition.evaluate(facts, trace)
            for entry in trace:
                assert entry.plain.strip().endswith("."), (indicator.id, entry)


@given(evidence_documents())
def test_same_input_same_json_bytes(document: dict[str, Any]) -> None:
    first = run(document)
    if first is None:
        return
    second = run(json.loads(json.dumps(document)))
    assert second is not None
    assert JsonRenderer().render(first) == JsonRenderer().render(second)


@given(evidence_documents(), st.data())
def test_turning_a_fail_into_a_pass_never_lowers_a_score(
    document: dict[str, Any], data: st.DataObject
) -> None:
    answer_only = sorted(
        ind.id for ind in universal_rules().indicators() if ind.method is Method.ANSWER
    )
    rid = data.draw(st.sampled_from(answer_only))
    answers = document.setdefault("answers", {}).setdefault("universal-standards", {})
    answers[rid] = {"answer": "no"}
    failing = run(document)
    if failing is None:
        return
    status = {s.result.indicator.id: s.result.status for s in failing.frameworks[0].indicators}
    if status[rid] != "fail":  # not applicable here, or overridden
        return
    answers[rid] = {"answer": "yes"}
    passing = run(document)
    assert passing is not None
    before = {n.node.id: n.score for n in failing.frameworks[0].nodes}
    after = {n.node.id: n.score for n in passing.frameworks[0].nodes}
    for node_id, score in before.items():
        if score is not None:
            assert after[node_id] is not None
            assert after[node_id] >= score, node_id
    old, new = failing.frameworks[0].overall.score, passing.frameworks[0].overall.score
    assert old is None or (new is not None and new >= old)


def test_zz_report_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Say how many generated evidence files reached a result (shown with -s or in make fuzz)."""
    with capsys.disabled():
        print(
            f"\nhypothesis: {COUNTER['examples']} generated evidence files assessed, "
            f"{COUNTER['invalid']} rejected with diagnostics "
            f"(profile {os.environ.get('HYPOTHESIS_PROFILE', 'default')})"
        )
    assert COUNTER["examples"] + COUNTER["invalid"] > 0
