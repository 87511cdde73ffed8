"""The score plan (a rule set prepared once for scoring) and the records scoring makes.

Scoring works on the rule set numbered once (engine/scoreplan.py): the results must come out the
same whatever order the indicator results are given in, performance-data parts must stay out of
what counts above them, and one plan serves every evidence file scored against one rule set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from engine.model import (
    Aggregation,
    Counts,
    IndicatorResult,
    Node,
    RuleSet,
    Status,
    Verdict,
)
from engine.score import score_rule_set
from engine.scoreplan import score_plan

P, H, F, NA = Status.PASS, Status.PARTIAL, Status.FAIL, Status.NOT_APPLICABLE
DAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def mini() -> RuleSet:
    from engine.rulesets import load_rule_set

    return load_rule_set(Path(__file__).parents[1] / "fixtures" / "mini")


def results_for(rule_set: RuleSet, *statuses: Status) -> list[IndicatorResult]:
    indicators = rule_set.indicators()
    return [IndicatorResult(i, s, s, "test") for i, s in zip(indicators, statuses, strict=True)]


def replaced(node: Node, changes: dict[str, dict[str, object]]) -> Node:
    """The node with its descendants and indicators changed as `changes` says, by id."""
    return dataclasses.replace(
        node,
        **changes.get(node.id, {}),
        children=tuple(replaced(c, changes) for c in node.children),
        indicators=tuple(dataclasses.replace(i, **changes.get(i.id, {})) for i in node.indicators),
    )


def variant(rule_set: RuleSet, method: Aggregation, **changes: dict[str, object]) -> RuleSet:
    return dataclasses.replace(
        rule_set,
        nodes=tuple(replaced(n, changes) for n in rule_set.nodes),
        scoring=dataclasses.replace(rule_set.scoring, method=method),
    )


@pytest.mark.parametrize("method", list(Aggregation))
def test_results_in_another_order_score_the_same(mini: RuleSet, method: Aggregation) -> None:
    rule_set = variant(mini, method, **{"1.A.2": {"critical": True}})
    results = results_for(rule_set, F, F, H, P, NA)
    given = list(reversed(results))
    forward = score_rule_set(rule_set, results, DAY)
    backward = score_rule_set(rule_set, given, DAY)
    assert backward.overall == forward.overall
    assert backward.nodes == forward.nodes
    assert backward.pathway == forward.pathway
    assert [s.result for s in backward.indicators] == given  # in the order given
    assert list(reversed(backward.indicators)) == list(forward.indicators)
    assert forward.gates[0].critical_failures == ("1.A.1", "1.A.2")
    assert backward.gates[0].critical_failures == ("1.A.2", "1.A.1")  # as given, as before


def test_one_result_per_indicator(mini: RuleSet) -> None:
    results = results_for(mini, P, P, P, P, P)
    with pytest.raises(ValueError, match="one result per indicator"):
        score_rule_set(mini, [*results, results[0]], DAY)
    with pytest.raises(ValueError, match="one result per indicator"):
        score_rule_set(mini, results[1:], DAY)


def test_performance_data_part_is_scored_apart(mini: RuleSet) -> None:
    rule_set = variant(mini, Aggregation.POOLED, **{"1A": {"performance_data": True}})
    result = score_rule_set(rule_set, results_for(rule_set, F, P, P, P, P), DAY)
    scores = {n.node.id: n.score for n in result.nodes}
    assert scores["1A"] == Fraction(1, 2)  # scored
    assert scores["1"] == 1  # but not counted above: 1B alone
    assert result.overall.score == 1
    assert result.overall.counts == Counts(passed=3)  # benchmarks left out
    benchmarks = [s for s in result.indicators if s.benchmark]
    assert [s.result.indicator.id for s in benchmarks] == ["1.A.1", "1.A.2"]
    assert all(s.priority is None and s.effective_weight == 0 for s in benchmarks)
    gate = result.gates[0]  # 1A is out of its scope, with its critical failure
    assert (gate.verdict, gate.nodes_counted, gate.critical_failures) == (Verdict.PASSED, 1, ())
    assert sum(p.counts.passed + p.counts.failed for p in result.pathway) == 3
    plain = score_rule_set(mini, results_for(mini, F, P, P, P, P), DAY)
    assert plain.gates[0].critical_failures == ("1.A.1",)


def test_one_plan_per_rule_set(mini: RuleSet) -> None:
    plan = score_plan(mini)
    assert score_plan(mini) is plan
    assert plan.ids == [i.id for i in mini.indicators()]
    assert plan.paths[plan.ids.index("1.B.1")] == ("1", "1B")
    other = dataclasses.replace(mini, title="Another")
    assert score_plan(other) is not plan
    assert score_plan(other).rule_set is other
    assert score_rule_set(other, results_for(other, P, F, P, P, P), DAY).overall.node.title == (
        "Another"
    )
