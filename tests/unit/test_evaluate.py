from pathlib import Path

import pytest

from engine.errors import Position
from engine.evaluate import evaluate_indicator
from engine.model import Answer, AssessorAnswer, Indicator, Override, Status
from engine.rulesets import load_rule_set

HERE = Position("e.yaml", 1, 1)


@pytest.fixture(scope="module")
def indicators() -> dict[str, Indicator]:
    rs = load_rule_set(Path(__file__).parents[1] / "fixtures" / "mini")
    return {i.id: i for i in rs.indicators()}


def answer(value: str, comment: str = "") -> AssessorAnswer:
    return AssessorAnswer(Answer(value), comment, (), "A. Assessor", "2026-01-10", HERE)


CAPACITY_TRUE = {"policies": {"credit": {"repayment_capacity_analysis": True}}}
CAPACITY_FALSE = {"policies": {"credit": {"repayment_capacity_analysis": False}}}


@pytest.mark.parametrize(
    ("facts", "given", "expected"),
    [
        (CAPACITY_TRUE, "yes", Status.PASS),
        (CAPACITY_TRUE, "partially", Status.PARTIAL),  # the lower of data and answer
        (CAPACITY_FALSE, "yes", Status.FAIL),
        ({}, "partially", Status.PARTIAL),  # data missing: the answer decides
        (CAPACITY_TRUE, None, Status.PASS),  # no answer: the data decides
        ({}, None, Status.NOT_ASSESSED),
        (CAPACITY_TRUE, "na", Status.NOT_APPLICABLE),
    ],
)
def test_method_both(indicators, facts, given, expected) -> None:
    result = evaluate_indicator(indicators["1.A.2"], facts, answer(given, "why") if given else None)
    assert result.status is expected


def test_disagreement_is_explained(indicators) -> None:
    result = evaluate_indicator(indicators["1.A.2"], CAPACITY_FALSE, answer("yes"))
    assert "Data and assessor differ; the lower status (fail) counts." in result.explanation


def test_applies_when_false_is_not_applicable_and_unknown_is_assessed(indicators) -> None:
    ind = indicators["1.B.1"]
    assert (
        evaluate_indicator(ind, {"profile": {"offers": {"credit": False}}}, None).status
        is Status.NOT_APPLICABLE
    )
    assert evaluate_indicator(ind, {}, None).status is Status.NOT_ASSESSED


def test_override_keeps_the_computed_status(indicators) -> None:
    override = Override(Status.PASS, "Policy adopted after the visit", "Lead", "2026-02-01", HERE)
    result = evaluate_indicator(indicators["1.A.1"], {"portfolio": {"par30": 0.2}}, None, override)
    assert (result.status, result.computed_status) == (Status.PASS, Status.FAIL)
    assert result.explanation.startswith(
        "Overridden to pass by Lead on 2026-02-01: Policy adopted after the visit"
    )


def test_cited_facts_carry_values_and_positions(indicators) -> None:
    positions = {"portfolio.par30": Position("ev.yaml", 7, 15)}
    result = evaluate_indicator(
        indicators["1.A.1"], {"portfolio": {"par30": 0.2}}, None, fact_positions=positions
    )
    assert result.status is Status.FAIL
    assert [(f.path, f.value, str(f.position)) for f in result.facts] == [
        ("portfolio.par30", 0.2, "ev.yaml:7:15")
    ]
    assert (
        result.explanation
        == "Data fails the check: portfolio.par30 = 0.2, expected ≤ 0.05 (par30_limit)."
    )
