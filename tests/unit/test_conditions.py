from typing import Any

import pytest

from engine.conditions import CompiledCondition, ConditionCompiler
from engine.errors import Diagnostic
from engine.evidence import evidence_fact_types
from engine.model import Parameter, TraceEntry
from engine.yamlsource import parse_yaml

PARAMS = {"limit": Parameter("limit", "number", 0.05, "a limit")}


def compile_text(text: str) -> tuple[CompiledCondition | None, list[Diagnostic]]:
    doc = parse_yaml(text, "r.yaml")
    problems: list[Diagnostic] = []
    assert isinstance(doc.data, dict)
    compiled = ConditionCompiler(evidence_fact_types(), PARAMS, doc, problems).compile(
        doc.data["c"], ("c",)
    )
    return compiled, problems


def run(text: str, facts: dict[str, Any]) -> tuple[bool | None, list[TraceEntry]]:
    compiled, problems = compile_text(text)
    assert compiled is not None, [str(p) for p in problems]
    trace: list[TraceEntry] = []
    return compiled.evaluate(facts, trace), trace


T, F, U = {"portfolio": {"par30": 0.01}}, {"portfolio": {"par30": 0.5}}, {}
LEAF = "{path: portfolio.par30, lte: {param: limit}}"


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        # Kleene's tables: unknown only matters where it decides.
        ("all", T, T, True),
        ("all", T, F, False),
        ("all", F, U, False),
        ("all", T, U, None),
        ("all", U, U, None),
        ("any", F, F, False),
        ("any", F, T, True),
        ("any", T, U, True),
        ("any", F, U, None),
        ("any", U, U, None),
    ],
)
def test_kleene_tables(op: str, left: dict, right: dict, expected: bool | None) -> None:
    text = f"c: {{{op}: [{LEAF}, {{path: clients.women_share, gte: 0.5}}]}}\n"
    second = {"clients": {"women_share": 0.9 if right is T else 0.1}} if right is not U else {}
    value, _ = run(text, {**left, **second})
    assert value is expected


@pytest.mark.parametrize(("facts", "expected"), [(T, False), (F, True), (U, None)])
def test_not_keeps_unknown(facts: dict, expected: bool | None) -> None:
    assert run(f"c: {{not: {LEAF}}}\n", facts)[0] is expected


def test_trace_explains_failure_with_value_and_parameter() -> None:
    value, trace = run(f"c: {LEAF}\n", F)
    assert value is False
    assert trace[0].text == "portfolio.par30 = 0.5, expected ≤ 0.05 (limit)"


def test_missing_evidence_is_unknown_not_false() -> None:
    value, trace = run(f"c: {LEAF}\n", U)
    assert value is None
    assert trace[0].text == "portfolio.par30 is missing"


def test_exists_is_never_unknown() -> None:
    assert run("c: {exists: portfolio.par30}\n", U)[0] is False
    assert run("c: {exists: portfolio.par30}\n", T)[0] is True


def test_every_and_some_over_products_with_outer_reference() -> None:
    text = "c: {every: products, where: {path: '@.apr', lte: {mul: [{path: '@.peer_median_apr'}, 1.2]}}}\n"
    good = {
        "products": [{"id": "A", "name": "a", "type": "loan", "apr": 0.5, "peer_median_apr": 0.5}]
    }
    bad = {
        "products": [
            *good["products"],
            {"id": "B", "name": "b", "type": "loan", "apr": 0.9, "peer_median_apr": 0.5},
        ]
    }
    assert run(text, good)[0] is True
    value, trace = run(text, bad)
    assert value is False
    assert (
        trace[-1].text
        == "products[1] (B) does not meet the condition: @.apr = 0.9, expected ≤ 0.6 ((@.peer_median_apr × 1.2))"
    )
    assert run(text, {"products": []})[0] is True
    assert run(text, U)[0] is None
    some = "c: {some: products, where: {path: '@.type', eq: savings}}\n"
    assert run(some, bad)[0] is False


def test_arithmetic_ratio_and_division_by_zero() -> None:
    text = "c: {value: {div: [{path: complaints.resolved_within_30_days}, {path: complaints.received}]}, gte: 0.9}\n"
    assert run(text, {"complaints": {"received": 10, "resolved_within_30_days": 9}})[0] is True
    assert run(text, {"complaints": {"received": 10, "resolved_within_30_days": 8}})[0] is False
    assert run(text, {"complaints": {"received": 0, "resolved_within_30_days": 0}})[0] is None


def test_count_and_ratio() -> None:
    text = "c: {value: {ratio: products, where: {path: '@.apr_disclosed', eq: true}}, gte: 0.5}\n"
    facts = {
        "products": [
            {"id": "a", "name": "a", "type": "loan", "apr_disclosed": True},
            {"id": "b", "name": "b", "type": "loan", "apr_disclosed": False},
        ]
    }
    assert run(text, facts)[0] is True
    assert run("c: {value: {count: products}, gte: 3}\n", facts)[0] is False


def test_membership_contains_matches() -> None:
    assert (
        run(
            "c: {path: sp_data.poverty_tool, in: [ppi, eqt]}\n",
            {"sp_data": {"poverty_tool": "ppi"}},
        )[0]
        is True
    )
    assert (
        run(
            "c: {path: profile.target_clients, contains: women}\n",
            {"profile": {"target_clients": ["rural"]}},
        )[0]
        is False
    )
    assert (
        run(
            "c: {path: profile.mission_statement, matches: '.*women.*'}\n",
            {"profile": {"mission_statement": "serve women"}},
        )[0]
        is True
    )


def test_type_confusion_at_run_time_is_unknown() -> None:
    # evidence is schema-checked, but a condition must still never pass on a wrong type
    assert run(f"c: {LEAF}\n", {"portfolio": {"par30": "high"}})[0] is None


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "{path: portfolio.par_30, lte: 0.1}",
            "1:5: unknown evidence path 'portfolio.par_30' (did you mean 'portfolio.par30'?)",
        ),
        (
            "{path: portfolio.par30, lte: 'high'}",
            "1:28: 'lte' compares numbers or dates, but portfolio.par30 is a number and 'high' is a string",
        ),
        (
            "{path: market.over_indebtedness_risk, eq: hihg}",
            "1:42: 'hihg' is not one of the allowed values (low, moderate, high) (did you mean 'high'?)",
        ),
        (
            "{path: portfolio.par30, lte: {param: limt}}",
            "1:34: unknown parameter 'limt' (did you mean 'limit'?)",
        ),
        (
            "{path: portfolio.par30, lte: 1, gte: 0}",
            "1:1: a condition takes exactly one operator, found lte, gte",
        ),
        ("{some: portfolio, where: {exists: '@'}}", "1:5: 'portfolio' is an object, not a list"),
        (
            "{path: '@.apr', lte: 1}",
            "1:5: '@.apr' refers to an item, but it is not inside some, every, count or ratio",
        ),
        (
            "{path: profile.mission_statement, matches: '(a+)+$'}",
            "1:38: regular expression with nested quantifiers can backtrack catastrophically; simplify it",
        ),
        (
            "{path: profile.mission_statement, matches: '((a+)b)*$'}",
            "1:38: regular expression with nested quantifiers can backtrack catastrophically; simplify it",
        ),
        (
            "{path: profile.mission_statement, matches: '(unclosed'}",
            "1:38: invalid regular expression '(unclosed': missing ), unterminated subpattern at position 0",
        ),
        (
            "{path: profile.target_clients, contains: wimen}",
            "1:35: 'wimen' is not one of the allowed values of profile.target_clients (women, rural, poor, youth, smallholder_farmers, microentrepreneurs, small_enterprises, low_income_urban, refugees, persons_with_disabilities, indigenous, general) (did you mean 'women'?)",
        ),
    ],
)
def test_compile_errors_have_positions_and_suggestions(condition: str, message: str) -> None:
    compiled, problems = compile_text(f"c: {condition}\n")
    assert compiled is None
    assert [f"{p.position.line}:{p.position.column}: {p.message}" for p in problems] == [message]


# -- default: what a missing path counts as ------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"portfolio": {"par30": 0.01}}, True),
        ({"portfolio": {"par30": 0.5}}, False),
        ({}, True),  # missing counts as 0, which is within the limit
    ],
)
def test_default_decides_where_the_path_is_missing(facts: dict, expected: bool) -> None:
    value, trace = run("c: {path: portfolio.par30, default: 0, lte: 0.05}\n", facts)
    assert value is expected
    if not facts:
        assert trace[-1].text == "portfolio.par30 (missing counts as 0) = 0 ≤ 0.05"


def test_default_of_a_list_for_count_and_quantifiers() -> None:
    count = "c: {value: {count: profile.target_clients, default: []}, gte: 1}\n"
    assert run(count, {})[0] is False
    assert run(count, {"profile": {"target_clients": ["women"]}})[0] is True
    every = "c: {every: products, default: [], where: {path: '@.type', eq: loan}}\n"
    assert run(every, {})[0] is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c: {path: portfolio.par30, default: 'high', lte: 0.05}\n", "portfolio.par30 is a number"),
        (
            "c: {value: {count: products, default: 3}, gte: 1}\n",
            "the default of a list must be a list",
        ),
        ("c: {value: 0.1, default: 0, lte: 0.05}\n", "'default' goes with 'path'"),
        ("c: {value: {add: [1, 2], default: 0}, lte: 5}\n", "'default' does not go with 'add'"),
        (
            "c: {path: clients.women_share, default: [0.5], gte: 0.5}\n",
            "a list cannot be the default",
        ),
    ],
)
def test_default_must_fit_its_path(text: str, message: str) -> None:
    compiled, problems = compile_text(text)
    assert compiled is None
    assert any(message in p.message for p in problems), [p.message for p in problems]


# -- count_true: how many of several conditions hold ------------------------------------------


COUNT_TRUE = (
    "c: {value: {count_true: [{path: policies.credit.credit_bureau_check, eq: true},"
    " {path: policies.credit.restructuring_policy, eq: true},"
    " {path: complaints.mechanism, default: false, eq: true}]}, gte: 2}\n"
)


@pytest.mark.parametrize(
    ("bureau", "restructuring", "mechanism", "expected"),
    [
        (True, True, None, True),  # two true; the third is missing and counts as false
        (True, False, True, True),
        (True, False, False, False),
        (False, False, None, False),
        (None, True, True, None),  # a condition without a default is unknown: so is the count
    ],
)
def test_count_true(
    bureau: bool | None, restructuring: bool | None, mechanism: bool | None, expected: bool | None
) -> None:
    credit = {
        k: v
        for k, v in (("credit_bureau_check", bureau), ("restructuring_policy", restructuring))
        if v is not None
    }
    facts: dict[str, Any] = {"policies": {"credit": credit}}
    if mechanism is not None:
        facts["complaints"] = {"mechanism": mechanism}
    assert run(COUNT_TRUE, facts)[0] is expected
