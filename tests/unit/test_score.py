import dataclasses
import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from engine.model import (
    Aggregation,
    Explanation,
    IndicatorResult,
    NotAssessedPolicy,
    RuleSet,
    Status,
    Verdict,
)
from engine.rulesets import load_rule_set
from engine.score import add_years, score_rule_set

P, H, F, NA, NS = (
    Status.PASS,
    Status.PARTIAL,
    Status.FAIL,
    Status.NOT_APPLICABLE,
    Status.NOT_ASSESSED,
)
IDS = (
    "1.A.1",
    "1.A.2",
    "1.B.1",
    "2.A.1",
    "2.A.2",
)  # mini: 1 > 1A > (1.A.1, 1.A.2); 1 > 1B > 1.B.1; 2 > 2A > (2.A.1, 2.A.2)


@pytest.fixture(scope="module")
def mini() -> RuleSet:
    return load_rule_set(Path(__file__).parents[1] / "fixtures" / "mini")


def scored(
    rule_set: RuleSet,
    *statuses: Status,
    method: Aggregation | None = None,
    not_assessed: NotAssessedPolicy | None = None,
):
    scoring = rule_set.scoring
    if method is not None:
        scoring = dataclasses.replace(scoring, method=method)
    if not_assessed is not None:
        scoring = dataclasses.replace(scoring, not_assessed=not_assessed)
    rule_set = dataclasses.replace(rule_set, scoring=scoring)
    by_id = {i.id: i for i in rule_set.indicators()}
    results = [
        IndicatorResult(by_id[i], s, s, Explanation("test"))
        for i, s in zip(IDS, statuses, strict=True)
    ]
    return score_rule_set(rule_set, results, dt.date(2024, 2, 29))


def node(result, node_id: str):
    return next(n for n in result.nodes if n.node.id == node_id)


@pytest.mark.parametrize(
    ("statuses", "method", "overall"),
    [
        ((P, P, P, P, P), Aggregation.MEAN_OF_CHILDREN, Fraction(1)),
        (
            (F, P, P, P, P),
            Aggregation.MEAN_OF_CHILDREN,
            Fraction(7, 8),
        ),  # 1A 1/2, 1B 1 -> 1 = 3/4; 2 = 1
        ((F, P, P, P, P), Aggregation.POOLED, Fraction(4, 5)),
        ((H, H, H, H, H), Aggregation.POOLED, Fraction(1, 2)),
        ((F, F, NA, P, P), Aggregation.MEAN_OF_CHILDREN, Fraction(1, 2)),  # 1B not rated, drops out
        (
            (NS, P, P, P, P),
            Aggregation.MEAN_OF_CHILDREN,
            Fraction(7, 8),
        ),  # not assessed counts as 0
        ((NA, NA, NA, NA, NA), Aggregation.MEAN_OF_CHILDREN, None),  # nothing to count: not rated
        ((NA, NA, NA, NA, NA), Aggregation.POOLED, None),
    ],
)
def test_overall_score(mini: RuleSet, statuses, method, overall) -> None:
    assert scored(mini, *statuses, method=method).overall.score == overall


def test_not_assessed_excluded_but_coverage_falls(mini: RuleSet) -> None:
    result = scored(mini, NS, P, P, P, P, not_assessed=NotAssessedPolicy.EXCLUDE)
    assert result.overall.score == 1
    assert result.overall.coverage == Fraction(4, 5)
    assert node(result, "1A").coverage == Fraction(1, 2)


def test_not_rated_node_is_null_with_null_coverage(mini: RuleSet) -> None:
    result = scored(mini, P, P, NA, P, P)
    assert node(result, "1B").score is None
    assert node(result, "1B").coverage is None
    assert node(result, "1B").counts.not_applicable == 1


def test_effective_weights_sum_to_one_and_points_lost(mini: RuleSet) -> None:
    for method in Aggregation:
        result = scored(mini, F, P, H, P, NA, method=method)
        weights = [i.effective_weight for i in result.indicators]
        assert sum(weights) == 1
        lost = sum(i.points_lost for i in result.indicators)
        assert result.overall.score == 1 - lost


def test_gate_names_standards_not_met_and_critical_failures(mini: RuleSet) -> None:
    gate = scored(mini, F, P, P, P, P).gates[0]
    assert gate.verdict is Verdict.FAILED
    assert [n[0] for n in gate.nodes_not_met] == ["1A"]
    assert gate.critical_failures == ("1.A.1",)


def test_gate_drops_standards_with_nothing_applicable(mini: RuleSet) -> None:
    gate = scored(mini, P, P, NA, F, F).gates[0]
    assert gate.verdict is Verdict.PASSED
    assert gate.nodes_counted == 1


def test_grade_boundary_is_inclusive_and_cap_applies(mini: RuleSet) -> None:
    result = scored(mini, P, P, P, F, P, method=Aggregation.POOLED)  # 4/5 = 0.8 exactly
    assert result.overall.score == Fraction(4, 5)
    assert result.grade is not None
    assert result.grade.grade == "A"
    capped = scored(mini, F, P, P, P, P, method=Aggregation.POOLED)  # 0.8, but gate fails
    assert capped.grade is not None
    assert (capped.grade.uncapped_grade, capped.grade.grade, capped.grade.capped_by) == (
        "A",
        "B",
        ("protect",),
    )


def test_no_grade_below_minimum_coverage(mini: RuleSet) -> None:
    result = scored(mini, NS, NS, NS, P, P)
    assert result.grade is not None
    assert result.grade.grade is None
    assert "coverage 40% is below the 50%" in result.grade.reason


def test_add_years_on_leap_day() -> None:
    import datetime as dt

    assert add_years(dt.date(2024, 2, 29), 4).isoformat() == "2028-02-29"
    assert add_years(dt.date(2024, 2, 29), 2).isoformat() == "2026-02-28"


def _with_gate_coverage(rule_set: RuleSet, min_coverage: Fraction) -> RuleSet:
    gate = dataclasses.replace(rule_set.gates[0], min_coverage=min_coverage)
    return dataclasses.replace(rule_set, gates=(gate,))


@pytest.mark.parametrize(
    ("statuses", "verdict", "undetermined"),
    [
        # scope 1 = 1A (1.A.1 critical, 1.A.2) + 1B (1.B.1); requirement 80 % assessed
        ((P, P, P, P, P), Verdict.PASSED, ()),
        ((F, P, P, P, P), Verdict.FAILED, ()),  # a critical failure, judged on full coverage
        ((NS, NS, F, P, P), Verdict.INSUFFICIENT_EVIDENCE, ("1A",)),  # 1/3 of the scope assessed
        ((F, NS, NS, P, P), Verdict.INSUFFICIENT_EVIDENCE, ("1A", "1B")),  # failures so far only
        ((P, NS, P, P, P), Verdict.INSUFFICIENT_EVIDENCE, ("1A",)),  # 2/3 assessed < 80 %
    ],
)
def test_gate_decides_only_on_enough_evidence(
    mini: RuleSet, statuses: tuple[Status, ...], verdict: Verdict, undetermined: tuple[str, ...]
) -> None:
    gate = scored(_with_gate_coverage(mini, Fraction(4, 5)), *statuses).gates[0]
    assert gate.verdict is verdict
    assert gate.undetermined == undetermined


def test_gate_at_enough_coverage_judges_the_parts_that_have_it(mini: RuleSet) -> None:
    # 1A half assessed (below its 60 %), 1B fully assessed and failed; scope 2/3 ≥ 60 %
    gate = scored(_with_gate_coverage(mini, Fraction(3, 5)), P, NS, F, P, P).gates[0]
    assert gate.coverage == Fraction(2, 3)
    assert gate.verdict is Verdict.FAILED
    assert gate.undetermined == ("1A",)
    assert [n[0] for n in gate.nodes_not_met] == ["1A", "1B"]  # 1A listed, but only 1B decides


@pytest.mark.parametrize(
    ("status", "critical", "expected"),
    [
        (F, True, "high"),
        (H, True, "high"),
        (F, False, "medium"),
        (H, False, "low"),
        (P, True, None),
        (NS, True, None),
        (NA, False, None),
    ],
)
def test_priority_follows_client_harm_not_weight(
    status: Status, critical: bool, expected: str | None
) -> None:
    from engine.score import priority

    found = priority(status, critical)
    assert (None if found is None else str(found)) == expected
