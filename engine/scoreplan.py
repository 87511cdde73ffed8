"""What scoring needs from a rule set alone, prepared once and reused for every evidence file.

Scoring one evidence file walks the same tree each time: the nodes in order, each indicator's
path, the performance-data parts, the weights as integers, the gates' scopes. None of it depends
on the evidence, so `score_plan` prepares it once per rule set (rule sets are frozen) and keeps it
while the rule set is in use (a batch scores many files with one loaded rule set). Indicators and
nodes are numbered in document order; the score stage works on lists indexed by those numbers.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from engine.model import (
    Gate,
    Indicator,
    Node,
    NotAssessedPolicy,
    Pathway,
    Priority,
    RuleSet,
    Status,
)
from engine.scoredfrom import sourced_weights

OVERALL_LEVEL = "overall"

# A node's indicators per status, packed in one integer: STATUS_BITS bits per status, so adding
# two tallies is one integer addition (Counts' fields are read out of it at the end).
STATUS_BITS = 32
STATUS_ORDER = (
    Status.PASS,
    Status.PARTIAL,
    Status.FAIL,
    Status.NOT_APPLICABLE,
    Status.NOT_ASSESSED,
)  # Counts' field order
TALLY_ONE: Mapping[Status, int] = {s: 1 << (STATUS_BITS * n) for n, s in enumerate(STATUS_ORDER)}


def priority(status: Status, critical: bool) -> Priority | None:
    """How soon to act on a finding, by the harm to clients (PRIORITY_RULE says it in words)."""
    match status:
        case Status.FAIL | Status.PARTIAL if critical:
            return Priority.HIGH
        case Status.FAIL:
            return Priority.MEDIUM
        case Status.PARTIAL:
            return Priority.LOW
        case _:
            return None


_PRIORITIES = {critical: {s: priority(s, critical) for s in Status} for critical in (False, True)}
_NO_PRIORITY: dict[Status, Priority | None] = dict.fromkeys(Status)  # benchmarks


def indicator_score(status: Status, rule_set: RuleSet) -> Fraction | None:
    """An indicator's score under the rule set's model; None when it is not counted."""
    match status:
        case Status.PASS:
            return Fraction(1)
        case Status.PARTIAL:
            return rule_set.scoring.partial
        case Status.FAIL:
            return Fraction(0)
        case Status.NOT_ASSESSED:
            zero = rule_set.scoring.not_assessed is NotAssessedPolicy.ZERO
            return Fraction(0) if zero else None
        case Status.NOT_APPLICABLE:
            return None
        case _:  # pragma: no cover
            raise AssertionError(status)


def weight_units(weights: Sequence[Fraction]) -> list[int]:
    """Weights as integers over their common denominator (only their ratios matter)."""
    scale = math.lcm(*{w.denominator for w in weights})
    return [w.numerator * (scale // w.denominator) for w in weights]


Pick = Callable[[Sequence[int]], Sequence[int]]  # some items of a list, by their numbers


def picker(numbers: Sequence[int]) -> Pick:
    """A function taking the items numbered `numbers` out of a list (at C speed)."""
    if len(numbers) > 1:
        return operator.itemgetter(*numbers)
    if numbers:
        only = numbers[0]
        return lambda items: (items[only],)
    return lambda items: ()


@dataclass(frozen=True, slots=True)
class GatePlan:
    """A gate's scope, numbered: the nodes it judges, its critical indicators."""

    gate: Gate
    tallied: tuple[int, ...]  # the nodes whose tallies together count the indicators in scope
    judged: tuple[int, ...]  # nodes in scope at the gate's level, in scope order
    critical: tuple[int, ...]  # the critical indicators in scope, document order


@dataclass(frozen=True, slots=True)
class ScorePlan:
    """A rule set prepared for scoring: nodes and indicators numbered in document order.

    Nodes are numbered parents before children (as `walk_nodes`); indicators as
    `RuleSet.indicators()`. `post_order` lists the nodes children first, so one pass scores them.
    """

    rule_set: RuleSet
    root: Node  # the overall node: the rule set as one node over its top-level nodes
    ids: list[str]  # indicator ids
    indicators: tuple[Indicator, ...]
    paths: tuple[tuple[str, ...], ...]  # per indicator: its ancestors' ids, top first
    benchmark: tuple[bool, ...]  # per indicator: in a performance-data part
    priorities: tuple[dict[Status, Priority | None], ...]  # per indicator, by status
    weights: tuple[Fraction, ...]  # per indicator, its own weight
    units: list[int]  # per indicator, its weight over the common weight denominator
    sourced: tuple[tuple[int, Fraction], ...]  # indicators with a weight for being scored from
    values: Mapping[Status, Fraction | None]  # each status's score under the rule set's model
    value_scale: int  # the common denominator of `values`
    value_units: Mapping[Status, int]  # each status's score over `value_scale` (0: None)
    counts: Mapping[Status, int]  # 1 for a status whose indicators are counted, else 0
    # per status: its value, its value's units, whether counted, its tally (TALLY_ONE)
    by_status: Mapping[Status, tuple[Fraction | None, int, int, int]]
    nodes: tuple[Node, ...]
    parents: tuple[str | None, ...]  # per node, its parent's id
    own: tuple[tuple[int, ...], ...]  # per node, its own indicators
    spans: tuple[tuple[tuple[int, int], ...], ...]  # per node, the runs of indicators it counts
    children: tuple[tuple[int, ...], ...]  # per node, its children
    counted: tuple[tuple[int, ...], ...]  # per node, its children that count (not benchmarks)
    post_order: tuple[int, ...]
    top: tuple[int, ...]  # the top-level nodes
    top_counted: tuple[int, ...]  # the top-level nodes that are not performance-data parts
    pooled: tuple[bool, ...]  # per indicator: one that shares the overall score when pooled
    pathway: tuple[tuple[Pathway, Pick], ...]  # each stage, its indicators (benchmarks left out)
    gates: tuple[GatePlan, ...]
    means: dict[tuple[Status, ...], Fraction | None] = field(default_factory=dict)  # respondents'


def _gate_plan(gate: Gate, plan: _Numbered) -> GatePlan:
    """The nodes a gate looks at (its scope, or everything), without performance-data parts."""
    nodes = plan.nodes
    roots = [j for j, n in enumerate(nodes) if n.id in gate.scope] if gate.scope else plan.top
    scope = list(plan.walk_counted(roots))
    indicators = sorted({k for j in scope for k in plan.own[j]})
    # a node's tally counts its counted subtree, all in scope: the nodes whose parent is not
    in_scope = set(scope)
    return GatePlan(
        gate,
        tuple(sorted(j for j in in_scope if plan.parent_numbers[j] not in in_scope)),
        tuple(j for j in scope if nodes[j].level == gate.each),
        tuple(k for k in indicators if plan.indicators[k].critical),
    )


class _Numbered:
    """A rule set's nodes and indicators numbered in document order, with each one's place."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.nodes: list[Node] = []
        self.indicators: list[Indicator] = []
        self.parents: list[str | None] = []
        self.parent_numbers: list[int | None] = []
        self.paths: list[tuple[str, ...]] = []
        self.own: list[tuple[int, ...]] = []
        self.children: list[tuple[int, ...]] = []
        self.top = [self._number(n, (), None) for n in rule_set.nodes]

    def _number(self, node: Node, path: tuple[str, ...], parent: int | None) -> int:
        j = len(self.nodes)
        self.nodes.append(node)
        self.parents.append(None if parent is None else self.nodes[parent].id)
        self.parent_numbers.append(parent)
        here = (*path, node.id)
        first = len(self.indicators)
        self.indicators.extend(node.indicators)
        self.paths.extend([here] * len(node.indicators))
        self.own.append(tuple(range(first, len(self.indicators))))
        self.children.append(())
        self.children[j] = tuple(self._number(c, here, j) for c in node.children)
        return j

    def walk_counted(self, nodes: Sequence[int]) -> Iterator[int]:
        """Nodes and their descendants, parents first, without performance-data parts."""
        for j in nodes:
            if not self.nodes[j].performance_data:
                yield j
                yield from self.walk_counted(self.children[j])

    def counted_below(self, j: int) -> list[int]:
        """The indicators below a node that count in its score (`counted_indicators`)."""
        found = list(self.own[j])
        for c in self.children[j]:
            if not self.nodes[c].performance_data:
                found.extend(self.counted_below(c))
        return found

    def in_benchmark(self) -> list[bool]:
        """Per indicator: whether it lies in a performance-data part."""
        found = [False] * len(self.indicators)
        for j, node in enumerate(self.nodes):
            if node.performance_data:
                for k in self.below(j):
                    found[k] = True
        return found

    def below(self, j: int) -> list[int]:
        found = list(self.own[j])
        for c in self.children[j]:
            found.extend(self.below(c))
        return found


def _runs(numbers: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Increasing numbers as runs of consecutive ones, (start, stop) as range takes them."""
    runs: list[tuple[int, int]] = []
    for k in numbers:
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    return tuple(runs)


def build_score_plan(rule_set: RuleSet) -> ScorePlan:
    """Prepare a rule set for scoring (see ScorePlan)."""
    numbered = _Numbered(rule_set)
    nodes, indicators = numbered.nodes, numbered.indicators
    benchmark = numbered.in_benchmark()
    sourced = sourced_weights(rule_set)
    values = {s: indicator_score(s, rule_set) for s in Status}
    pathway: dict[Pathway, list[int]] = {stage: [] for stage in Pathway}
    for k, i in enumerate(indicators):
        if not benchmark[k]:
            pathway[i.pathway].append(k)
    pooled = {k for j in numbered.top for k in numbered.counted_below(j)}
    scale = math.lcm(*{v.denominator for v in values.values() if v is not None})
    return ScorePlan(
        rule_set,
        Node(
            rule_set.id,
            rule_set.title,
            OVERALL_LEVEL,
            Fraction(1),
            rule_set.position,
            children=rule_set.nodes,
        ),
        [i.id for i in indicators],
        tuple(indicators),
        tuple(numbered.paths),
        tuple(benchmark),
        tuple(
            _NO_PRIORITY if benchmark[k] else _PRIORITIES[i.critical]
            for k, i in enumerate(indicators)
        ),
        tuple(i.weight for i in indicators),
        weight_units([i.weight for i in indicators]),
        tuple((k, sourced[i.id]) for k, i in enumerate(indicators) if i.id in sourced),
        values,
        scale,
        {s: 0 if v is None else v.numerator * (scale // v.denominator) for s, v in values.items()},
        {s: int(v is not None) for s, v in values.items()},
        {
            s: (
                v,
                0 if v is None else v.numerator * (scale // v.denominator),
                int(v is not None),
                TALLY_ONE[s],
            )
            for s, v in values.items()
        },
        tuple(nodes),
        tuple(numbered.parents),
        tuple(numbered.own),
        tuple(_runs(numbered.counted_below(j)) for j in range(len(nodes))),
        tuple(numbered.children),
        tuple(tuple(c for c in cs if not nodes[c].performance_data) for cs in numbered.children),
        tuple(reversed(range(len(nodes)))),
        tuple(numbered.top),
        tuple(j for j in numbered.top if not nodes[j].performance_data),
        tuple(k in pooled for k in range(len(indicators))),
        tuple((stage, picker(found)) for stage, found in pathway.items()),
        tuple(_gate_plan(g, numbered) for g in rule_set.gates),
    )


_PLANS: dict[int, ScorePlan] = {}  # by id(rule set); the plan keeps its rule set alive
_KEPT = 64  # a long-lived process (a batch, rules diff, what-if) uses few rule sets at a time


def score_plan(rule_set: RuleSet) -> ScorePlan:
    """The rule set's score plan, prepared on first use and kept for the next evidence files."""
    plan = _PLANS.get(id(rule_set))
    if plan is not None and plan.rule_set is rule_set:
        return plan
    plan = build_score_plan(rule_set)
    if len(_PLANS) >= _KEPT:
        _PLANS.pop(next(iter(_PLANS)))
    _PLANS[id(rule_set)] = plan
    return plan
