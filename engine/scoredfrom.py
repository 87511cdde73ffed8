"""Indicators scored from another framework's questions (`scored_from`): their weights, their record.

Dimension 7 of the Universal Standards is scored from the Green Index 3.0 answers when the evidence
holds them (docs/green-index-dimension-7.md). Here: the weight such an indicator counts with, and
the line the result keeps for each node whose indicators were so scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from engine.model import (
    FrameworkResult,
    Indicator,
    IndicatorResult,
    RuleSet,
    SourceUse,
    SourceWeights,
)


def sourced_weights(rule_set: RuleSet) -> dict[str, Fraction]:
    """The weight of each indicator declared `scored_from` with weights `questions`, when so scored.

    It weighs its own weight times the number of questions it stands for, rescaled so that the
    indicators of the declaring node keep their total weight (the node's share of the score).
    """
    groups: dict[tuple[str, str], list[Indicator]] = {}
    for indicator in rule_set.indicators():
        spec = indicator.scored_from
        if spec is not None and spec.weights is SourceWeights.QUESTIONS:
            groups.setdefault((spec.node, spec.framework), []).append(indicator)
    weights: dict[str, Fraction] = {}
    for members in groups.values():
        total = sum((i.weight for i in members), Fraction(0))
        questions = sum(
            (i.weight * len(i.scored_from.questions) for i in members if i.scored_from),
            Fraction(0),
        )
        for i in members:
            if i.scored_from and questions:
                weights[i.id] = i.weight * len(i.scored_from.questions) * total / questions
    return weights


def source_uses(
    results: Sequence[IndicatorResult], sources: Mapping[str, FrameworkResult]
) -> tuple[SourceUse, ...]:
    """Each declaring node whose indicators were scored from another framework in this run."""
    used: dict[tuple[str, str], list[IndicatorResult]] = {}
    for result in results:
        spec = result.indicator.scored_from
        if result.sourced is not None and spec is not None:
            used.setdefault((spec.node, spec.framework), []).append(result)
    uses = []
    for (node, framework), members in used.items():
        source = sources.get(framework)
        questions = {q.id for r in members if r.sourced for q in r.sourced.questions}
        uses.append(
            SourceUse(
                node,
                framework,
                members[0].sourced.questions[0].framework_title if members[0].sourced else "",
                source.overall.score if source is not None else None,
                len(members),
                len(questions),
            )
        )
    return tuple(uses)
