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


# -- the explanation in plain words (summary) ------------------------------------------------------


@pytest.mark.parametrize(
    ("ind", "facts", "given", "summary"),
    [
        ("1.A.1", {"portfolio": {"par30": 0.03}}, None, "PAR30 is 3 %, within the 5 % limit."),
        (
            "1.A.1",
            {"portfolio": {"par30": 0.07}},
            None,
            "PAR30 is 7 %, above the 5 % limit, but within the 10 % limit.",
        ),
        ("1.A.1", {"portfolio": {"par30": 0.2}}, None, "PAR30 is 20 %, above the 5 % limit."),
        ("1.A.1", {}, None, "The evidence does not give PAR30."),
        ("2.A.1", {}, None, "No assessor answer is recorded."),
        (
            "2.A.1",
            {},
            answer("partially", "Approved, not yet applied in the branches"),
            "The assessor answered 'partially': Approved, not yet applied in the branches.",
        ),
        (
            "2.A.1",
            {},
            answer("na", "No lending."),
            "The assessor marked it not applicable: No lending.",
        ),
        (
            "1.A.2",
            CAPACITY_FALSE,
            answer("yes"),
            "Repayment-capacity analysis in every loan file: no. The assessor answered 'yes'. "
            "The data and the assessor's answer differ; the lower result counts: not met.",
        ),
        (
            "1.A.2",
            {},
            answer("partially"),
            "The assessor answered 'partially'. Repayment-capacity analysis in every loan file: "
            "not in the evidence.",
        ),
        (
            "1.B.1",
            {"profile": {"offers": {"credit": False}}},
            None,
            "Not applicable (offers credit: no).",
        ),
        (
            "1.B.1",
            {
                "products": [
                    {
                        "id": "P1",
                        "name": "Group loan",
                        "type": "loan",
                        "apr": 0.9,
                        "peer_median_apr": 0.45,
                    }
                ]
            },
            None,
            "Group loan (P1) is a loan; its APR is 90 %, above 1.2 times its peers' median APR (54 %).",
        ),
    ],
)
def test_summary_in_plain_words(indicators, ind, facts, given, summary) -> None:
    assert evaluate_indicator(indicators[ind], facts, given).summary == summary


def test_summary_says_where_a_shared_answer_was_given(indicators) -> None:
    result = evaluate_indicator(
        indicators["2.A.1"], {}, answer("yes", "Seen"), answer_source="smart-campaign:2.1.1"
    )
    assert result.summary == "The assessor answered 'yes' (given for smart-campaign 2.1.1): Seen."
    assert result.explanation == "Assessor answered 'yes' (given for smart-campaign:2.1.1): Seen"


def test_summary_says_the_override_and_what_the_evidence_gave(indicators) -> None:
    override = Override(Status.PASS, "Policy adopted after the visit", "Lead", "2026-02-01", HERE)
    result = evaluate_indicator(indicators["1.A.1"], {"portfolio": {"par30": 0.2}}, None, override)
    assert result.summary == (
        "The result was changed to met by Lead on 2026-02-01: Policy adopted after the visit. "
        "Computed result: not met. PAR30 is 20 %, above the 5 % limit."
    )


def test_summary_of_a_reasoned_not_applicable(indicators) -> None:
    from dataclasses import replace

    ind = replace(indicators["1.B.1"], not_applicable_reason="The institution does not lend.")
    result = evaluate_indicator(ind, {"profile": {"offers": {"credit": False}}}, None)
    assert result.summary == "Not applicable: the institution does not lend."
    assert result.explanation == (
        "Not applicable: profile.offers.credit = false, expected = true. The institution does not lend."
    )
