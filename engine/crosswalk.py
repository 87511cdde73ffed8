"""The crosswalk between frameworks, from the mappings that indicators declare.

A mapping declared on either side links two indicators; `equivalent` links carry an assessor's
answer from one framework to the other, so the same question is answered once. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.model import (
    AssessorAnswer,
    CrossLink,
    EvidenceSet,
    FrameworkResult,
    Relation,
    RuleSet,
    Status,
)

Key = tuple[str, str]  # (framework id answers are given under, indicator id)


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """Undirected links between indicators of different frameworks, with the relation seen from each side."""

    links: Mapping[Key, tuple[tuple[Key, Relation], ...]]

    def neighbours(self, key: Key) -> tuple[tuple[Key, Relation], ...]:
        """Indicators linked to `key`, with the relation of `key` to each."""
        return self.links.get(key, ())


def build_crosswalk(rule_sets: Sequence[RuleSet]) -> Crosswalk:
    """Every link declared by the indicators of `rule_sets`, in both directions."""
    links: dict[Key, dict[Key, Relation]] = {}
    for rule_set in rule_sets:
        for indicator in rule_set.indicators():
            here = (rule_set.answers_key, indicator.id)
            for mapping in indicator.mappings:
                there = (mapping.framework, mapping.id)
                links.setdefault(here, {}).setdefault(there, mapping.relation)
                links.setdefault(there, {}).setdefault(here, mapping.relation.reverse)
    return Crosswalk({k: tuple(sorted(v.items())) for k, v in links.items()})


def shared_answers(
    rule_set: RuleSet, evidence: EvidenceSet, crosswalk: Crosswalk
) -> dict[str, tuple[AssessorAnswer, str]]:
    """Answers reaching `rule_set` through equivalent links, for indicators not answered directly."""
    own = evidence.answers.get(rule_set.answers_key, {})
    shared: dict[str, tuple[AssessorAnswer, str]] = {}
    for indicator in rule_set.indicators():
        if indicator.id in own:
            continue
        for (framework, other), relation in crosswalk.neighbours(
            (rule_set.answers_key, indicator.id)
        ):
            answer = evidence.answers.get(framework, {}).get(other)
            if relation is Relation.EQUIVALENT and answer is not None:
                shared[indicator.id] = (answer, f"{framework} {other}")
                break
    return shared


def landings(
    frameworks: Sequence[FrameworkResult], crosswalk: Crosswalk
) -> dict[Key, tuple[CrossLink, ...]]:
    """For each (rule set id, indicator id), where it lands in the other frameworks assessed."""
    statuses: dict[Key, list[tuple[str, Status]]] = {}
    for framework in frameworks:
        for scored in framework.indicators:
            key = (framework.ruleset.answers_key, scored.result.indicator.id)
            statuses.setdefault(key, []).append((framework.ruleset.id, scored.result.status))
    found: dict[Key, tuple[CrossLink, ...]] = {}
    for framework in frameworks:
        for scored in framework.indicators:
            key = (framework.ruleset.answers_key, scored.result.indicator.id)
            links = [
                CrossLink(assessed_as, other[1], relation, status)
                for other, relation in crosswalk.neighbours(key)
                for assessed_as, status in statuses.get(other, [])
                if assessed_as != framework.ruleset.id
            ]
            if links:
                found[(framework.ruleset.id, scored.result.indicator.id)] = tuple(links)
    return found
