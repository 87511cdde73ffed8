"""Scores made in integers over common denominators equal plain Fraction arithmetic, exactly.

The reference below is the scoring as first written (every sum a Fraction sum); the engine now sums
integers and makes one Fraction per score. Random weights (any denominators), statuses, partial
values and respondents must give the same rational numbers for every node, share and point lost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model import (
    Aggregation,
    Explanation,
    IndicatorResult,
    Node,
    NotAssessedPolicy,
    RuleSet,
    Status,
)
from engine.rulesets import load_rule_set
from engine.score import score_rule_set

MINI = load_rule_set(Path(__file__).parents[1] / "fixtures" / "mini")
IDS = [i.id for i in MINI.indicators()]
FRACTIONS = st.fractions(min_value=0, max_value=5, max_denominator=12)
POSITIVE = st.fractions(min_value=Fraction(1, 12), max_value=5, max_denominator=12)


def value(status: Status, rule_set: RuleSet) -> Fraction | None:
    scoring = rule_set.scoring
    return {
        Status.PASS: Fraction(1),
        Status.PARTIAL: scoring.partial,
        Status.FAIL: Fraction(0),
        Status.NOT_ASSESSED: Fraction(0)
        if scoring.not_assessed is NotAssessedPolicy.ZERO
        else None,
        Status.NOT_APPLICABLE: None,
    }[status]


def result_value(result: IndicatorResult, rule_set: RuleSet) -> Fraction | None:
    own = value(result.status, rule_set)
    if own is None or not result.respondent_statuses:
        return own
    values = [v for s in result.respondent_statuses if (v := value(s, rule_set)) is not None]
    return sum(values, Fraction(0)) / len(values) if values else own


def reference(rule_set: RuleSet, results: dict[str, IndicatorResult]):
    """Node scores, shares and points lost in plain Fraction arithmetic."""
    values = {i: result_value(r, rule_set) for i, r in results.items()}
    mean_of_children = rule_set.scoring.method is Aggregation.MEAN_OF_CHILDREN
    scores: dict[str, Fraction | None] = {}

    def below(node: Node) -> list:
        found = [i for i in node.indicators if values[i.id] is not None]
        for child in node.children:
            found.extend(below(child))
        return found

    def pooled(indicators: list) -> Fraction | None:
        total = sum((i.weight for i in indicators), Fraction(0))
        if total == 0:
            return None
        return sum((i.weight * values[i.id] for i in indicators), Fraction(0)) / total

    def mean(pairs: list) -> Fraction | None:
        total = sum((w for w, _ in pairs), Fraction(0))
        if not pairs or total == 0:
            return None
        return sum((w * s for w, s in pairs), Fraction(0)) / total

    def score(node: Node) -> Fraction | None:
        child_scores = [(c, score(c)) for c in node.children]
        if node.indicators or not mean_of_children:
            scores[node.id] = pooled(below(node))
        else:
            scores[node.id] = mean([(c.weight, s) for c, s in child_scores if s is not None])
        return scores[node.id]

    top = [(n, score(n)) for n in rule_set.nodes]
    everything = [i for n in rule_set.nodes for i in below(n)]
    rated = [(n.weight, s) for n, s in top if s is not None]
    overall = mean(rated) if mean_of_children else pooled(everything)
    shares: dict[str, Fraction] = {}

    def share_out(nodes: tuple[Node, ...], share: Fraction) -> None:
        rated = [n for n in nodes if scores[n.id] is not None]
        total = sum((n.weight for n in rated), Fraction(0))
        for node in rated:
            node_share = share * node.weight / total
            counted = [i for i in node.indicators if values[i.id] is not None]
            weights = sum((i.weight for i in counted), Fraction(0))
            for i in counted:
                shares[i.id] = node_share * i.weight / weights
            share_out(node.children, node_share)

    if mean_of_children:
        share_out(rule_set.nodes, Fraction(1))
    else:
        total = sum((i.weight for i in everything), Fraction(0))
        for i in everything:
            shares[i.id] = i.weight / total if total else Fraction(0)
    lost = {
        i: shares.get(i, Fraction(0)) * (1 - v) if v is not None else Fraction(0)
        for i, v in values.items()
    }
    return overall, scores, shares, lost


def reweighted(node: Node, weights: dict[str, Fraction], node_weights: dict[str, Fraction]) -> Node:
    return dataclasses.replace(
        node,
        weight=node_weights[node.id],
        indicators=tuple(dataclasses.replace(i, weight=weights[i.id]) for i in node.indicators),
        children=tuple(reweighted(c, weights, node_weights) for c in node.children),
    )


NODE_IDS = [n.id for n in MINI.nodes] + [c.id for n in MINI.nodes for c in n.children]
STATUSES = st.sampled_from(list(Status))


@settings(max_examples=200)
@given(
    method=st.sampled_from(list(Aggregation)),
    policy=st.sampled_from(list(NotAssessedPolicy)),
    partial=st.fractions(min_value=0, max_value=1, max_denominator=7),
    weights=st.lists(FRACTIONS, min_size=len(IDS), max_size=len(IDS)),
    node_weights=st.lists(POSITIVE, min_size=len(NODE_IDS), max_size=len(NODE_IDS)),
    statuses=st.lists(STATUSES, min_size=len(IDS), max_size=len(IDS)),
    respondents=st.lists(st.lists(STATUSES, max_size=4), min_size=len(IDS), max_size=len(IDS)),
)
def test_integer_scoring_equals_fraction_scoring(
    method, policy, partial, weights, node_weights, statuses, respondents
) -> None:
    by_id = dict(zip(IDS, weights, strict=True))
    nodes = tuple(
        reweighted(n, by_id, dict(zip(NODE_IDS, node_weights, strict=True))) for n in MINI.nodes
    )
    scoring = dataclasses.replace(MINI.scoring, method=method, not_assessed=policy, partial=partial)
    rule_set = dataclasses.replace(MINI, nodes=nodes, scoring=scoring)
    indicators = {i.id: i for i in rule_set.indicators()}
    results = {
        i: IndicatorResult(indicators[i], s, s, Explanation("test"), respondent_statuses=tuple(r))
        for i, s, r in zip(IDS, statuses, respondents, strict=True)
    }
    framework = score_rule_set(rule_set, list(results.values()), dt.date(2025, 1, 1))
    overall, scores, shares, lost = reference(rule_set, results)
    assert framework.overall.score == overall
    assert {n.node.id: n.score for n in framework.nodes} == scores
    for s in framework.indicators:
        assert s.score == result_value(s.result, rule_set)
        assert s.effective_weight == shares.get(s.result.indicator.id, Fraction(0))
        assert s.points_lost == lost[s.result.indicator.id]
