"""The crosswalk between frameworks, from the mappings that indicators declare.

A mapping declared on either side links two indicators; `equivalent` links carry an assessor's
answer from one framework to the other, so the same question is answered once. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from engine.model import (
    AssessorAnswer,
    Conflict,
    CrossLink,
    EvidenceSet,
    FrameworkResult,
    Override,
    Relation,
    RuleSet,
    SourceQuestion,
    Status,
)

T = TypeVar("T")

Key = tuple[str, str]  # (framework id answers are given under, indicator id)


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """Undirected links between indicators of different frameworks, with the relation seen from each side."""

    links: Mapping[Key, tuple[tuple[Key, Relation], ...]]
    # per indicator, in link order, the indicators it is equivalent to (what answers travel along)
    equivalents: Mapping[Key, tuple[Key, ...]]

    def neighbours(self, key: Key) -> tuple[tuple[Key, Relation], ...]:
        """Indicators linked to `key`, with the relation of `key` to each."""
        return self.links.get(key, ())


# The crosswalks of the rule set combinations met, by the rule sets' identities (each entry holds
# its rule sets, so that no id is reused while it lives): rule sets are frozen, and a batch or an
# `Auditor` assesses every file against the same ones.
_BUILT: dict[tuple[int, ...], tuple[tuple[RuleSet, ...], Crosswalk]] = {}
_BUILT_LIMIT = 64


def build_crosswalk(rule_sets: Sequence[RuleSet]) -> Crosswalk:
    """Every link declared by the indicators of `rule_sets`, in both directions."""
    key = tuple(id(rs) for rs in rule_sets)
    known = _BUILT.get(key)
    if known is not None:
        return known[1]
    links: dict[Key, dict[Key, Relation]] = {}
    for rule_set in rule_sets:
        for indicator in rule_set.indicators():
            here = (rule_set.answers_key, indicator.id)
            for mapping in indicator.mappings:
                there = (mapping.framework, mapping.id)
                links.setdefault(here, {}).setdefault(there, mapping.relation)
                links.setdefault(there, {}).setdefault(here, mapping.relation.reverse)
    ordered = {k: tuple(sorted(v.items())) for k, v in links.items()}
    equivalents = {
        k: same
        for k, v in ordered.items()
        if (same := tuple(other for other, r in v if r is Relation.EQUIVALENT))
    }
    crosswalk = Crosswalk(ordered, equivalents)
    if len(_BUILT) >= _BUILT_LIMIT:
        _BUILT.clear()
    _BUILT[key] = (tuple(rule_sets), crosswalk)
    return crosswalk


def _shared(
    rule_set: RuleSet, given: Mapping[str, Mapping[str, T]], crosswalk: Crosswalk
) -> dict[str, tuple[T, str]]:
    """What was given for an equivalent indicator, for the indicators given nothing directly."""
    own = given.get(rule_set.answers_key, {})
    shared: dict[str, tuple[T, str]] = {}
    here = rule_set.answers_key
    for indicator in rule_set.indicators():
        same = crosswalk.equivalents.get((here, indicator.id))
        if same is None or indicator.id in own:
            continue
        for framework, other in same:
            item = given.get(framework, {}).get(other)
            if item is not None:
                shared[indicator.id] = (item, f"{framework} {other}")
                break
    return shared


def shared_answers(
    rule_set: RuleSet, evidence: EvidenceSet, crosswalk: Crosswalk
) -> dict[str, tuple[AssessorAnswer, str]]:
    """Answers reaching `rule_set` through equivalent links, for indicators not answered directly."""
    return _shared(rule_set, evidence.answers, crosswalk)


def shared_overrides(
    rule_set: RuleSet, evidence: EvidenceSet, crosswalk: Crosswalk
) -> dict[str, tuple[Override, str]]:
    """Overrides reaching `rule_set` through equivalent links: one verdict per fact.

    An override whose scope is its own indicator only does not travel.
    """
    travelling = {
        fw: {rid: o for rid, o in per.items() if o.reaches_equivalents}
        for fw, per in evidence.overrides.items()
    }
    return _shared(rule_set, travelling, crosswalk)


def conflicts(frameworks: Sequence[FrameworkResult], crosswalk: Crosswalk) -> tuple[Conflict, ...]:
    """Equivalent indicators of the run that reached different statuses, each pair once."""
    statuses: dict[Key, tuple[str, Status]] = {}
    for framework in frameworks:
        for scored in framework.indicators:
            here: Key = (framework.ruleset.answers_key, scored.result.indicator.id)
            statuses.setdefault(here, (framework.ruleset.id, scored.result.status))
    found: dict[frozenset[Key], Conflict] = {}
    for key, (assessed_as, status) in statuses.items():
        for other, relation in crosswalk.neighbours(key):
            if relation is not Relation.EQUIVALENT or other not in statuses:
                continue
            other_as, other_status = statuses[other]
            pair = frozenset((key, other))
            if other_status is not status and pair not in found:
                found[pair] = Conflict(
                    assessed_as, key[1], status, other_as, other[1], other_status
                )
    return tuple(found.values())


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


def source_questions(framework: FrameworkResult) -> dict[Key, SourceQuestion]:
    """A scored framework's questions, by (framework id, id), for the indicators scored from them."""
    rule_set = framework.ruleset
    return {
        (rule_set.id, s.result.indicator.id): SourceQuestion(
            rule_set.id,
            rule_set.short_title or rule_set.id,
            s.result.indicator.id,
            s.result.indicator.title,
            s.result.status,
            s.score,
            s.result.facts,
        )
        for s in framework.indicators
    }
