"""Stage 4, score: indicator results → node scores, coverage, gates and grade.

Pure arithmetic on exact fractions: no I/O, no clock. The aggregation is the one the rule set
declares (`pooled` or `mean_of_children`). A node with nothing to count is not rated (None), never 0 or 100 %.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.model import (
    Aggregation,
    Counts,
    FrameworkResult,
    Gate,
    GateResult,
    GradeResult,
    Indicator,
    IndicatorResult,
    Node,
    NodeScore,
    NotAssessedPolicy,
    Pathway,
    PathwayScore,
    Priority,
    RuleSet,
    ScoredIndicator,
    Status,
    Verdict,
    walk_nodes,
)
from engine.scoredfrom import source_uses, sourced_weights

OVERALL_LEVEL = "overall"


def counted_children(node: Node) -> tuple[Node, ...]:
    """A node's children that count in its score: all but performance-data parts."""
    return tuple(c for c in node.children if not c.performance_data)


def counted_indicators(node: Node) -> list[Indicator]:
    """The indicators below a node that count in its score, in document order."""
    found = list(node.indicators)
    for child in counted_children(node):
        found.extend(counted_indicators(child))
    return found


def benchmark_ids(nodes: Sequence[Node]) -> set[str]:
    """Ids of the indicators in performance-data parts (scored apart, never counted above)."""
    return {i.id for n in walk_nodes(nodes) if n.performance_data for i in n.all_indicators()}


_ONE, _ZERO = Fraction(1), Fraction(0)


def _mean(values: Sequence[Fraction]) -> Fraction:
    """The mean of a few fractions with small denominators, summed as integers."""
    scale = math.lcm(*{v.denominator for v in values})
    total = sum(v.numerator * (scale // v.denominator) for v in values)
    return Fraction(total, scale * len(values))


def indicator_score(status: Status, rule_set: RuleSet) -> Fraction | None:
    """An indicator's score under the rule set's model; None when it is not counted."""
    match status:
        case Status.PASS:
            return _ONE
        case Status.PARTIAL:
            return rule_set.scoring.partial
        case Status.FAIL:
            return _ZERO
        case Status.NOT_ASSESSED:
            return _ZERO if rule_set.scoring.not_assessed is NotAssessedPolicy.ZERO else None
        case Status.NOT_APPLICABLE:
            return None
        case _:  # pragma: no cover
            raise AssertionError(status)


def result_score(result: IndicatorResult, rule_set: RuleSet) -> Fraction | None:
    """An indicator result's score under the rule set's model.

    The mean of its respondents' scores when it has several, and the mean of its questions' scores
    when it was scored from another framework's (`scored_from`); an override's status wins.
    """
    own = indicator_score(result.status, rule_set)
    if result.override is not None or own is None:
        return own
    if result.sourced is not None and result.sourced.score is not None:
        return result.sourced.score
    if not result.respondent_statuses:
        return own
    values = [
        v for s in result.respondent_statuses if (v := indicator_score(s, rule_set)) is not None
    ]
    return _mean(values) if values else own


def _counts(statuses: Iterable[Status]) -> Counts:
    tally = dict.fromkeys(Status, 0)
    for status in statuses:
        tally[status] += 1
    return Counts(
        tally[Status.PASS],
        tally[Status.PARTIAL],
        tally[Status.FAIL],
        tally[Status.NOT_APPLICABLE],
        tally[Status.NOT_ASSESSED],
    )


def _coverage(counts: Counts) -> Fraction | None:
    return _fraction(counts.assessed, counts.applicable) if counts.applicable else None


@functools.lru_cache(maxsize=4096)
def _fraction(numerator: int, denominator: int) -> Fraction:
    """A ratio of two counts (many nodes share one: 1, 3/4 …), made once."""
    return Fraction(numerator, denominator)


def _weighted_mean(pairs: Sequence[tuple[Fraction, Fraction]]) -> Fraction | None:
    total = sum((w for w, _ in pairs), Fraction(0))
    if not pairs or total == 0:
        return None
    return sum((w * s for w, s in pairs), Fraction(0)) / total


# Exact, but in integers: every indicator weight is an integer over the rule set's common weight
# denominator, every value an integer over the common value denominator, so sums below a node are
# plain integer additions and a Fraction is made once per score (Fraction arithmetic was ~60 % of
# evaluate + score). The results are the same rational numbers as before, so the same bytes.
Sums = tuple[int, int]  # (Σ weight × value scale, Σ weight × value) of counted indicators, in units
Scored = Sequence[tuple[Node, Fraction | None]]  # child nodes with their scores


def _ratio(numerator: int, denominator: int, scale: Fraction = Fraction(1)) -> Fraction:
    """`scale` × numerator / denominator, making one Fraction."""
    return Fraction(scale.numerator * numerator, scale.denominator * denominator)


@dataclass(frozen=True, slots=True)
class ScoringMethod:
    """How a node with child nodes is scored, and how the overall score is shared out.

    A node holding indicators is always the weighted mean of its counted indicators; the methods
    differ above that.
    """

    name: Aggregation
    formula: str  # in words, for the annex and the JSON record
    combine: Callable[[Sums, Scored], Fraction | None]
    distribute: Callable[[_Tree, Sequence[Node], Fraction], None]


def _pooled(sums: Sums, children: Scored) -> Fraction | None:
    weights, weighted = sums
    return Fraction(weighted, weights) if weights else None


def _mean_of_children(sums: Sums, children: Scored) -> Fraction | None:
    return _weighted_mean([(c.weight, s) for c, s in children if s is not None])


def _share_pooled(tree: _Tree, nodes: Sequence[Node], share: Fraction) -> None:
    """Every counted indicator below `nodes` shares `share` by its weight."""
    units = tree.units
    pairs = [
        (i.id, units[i.id])
        for n in nodes
        for i in counted_indicators(n)
        if tree.values[i.id] is not None
    ]
    total = sum(w for _, w in pairs)
    by_weight: dict[int, Fraction] = {}  # indicators of one weight have one share
    for indicator, weight in pairs:
        part = by_weight.get(weight)
        if part is None:
            part = by_weight[weight] = _ratio(weight, total, share) if total else _ZERO
        tree.shares[indicator] = part


def _share_by_children(tree: _Tree, nodes: Sequence[Node], share: Fraction) -> None:
    """Each rated node takes its weight's part of `share`, and passes it on to its children."""
    rated = [n for n in nodes if tree.scores.get(n.id) is not None]
    total = sum((n.weight for n in rated), Fraction(0))
    for node in rated:
        node_share = share * node.weight / total
        if node.indicators:
            counted = [i.id for i in node.indicators if tree.values[i.id] is not None]
            weights = sum(tree.units[i] for i in counted)
            for indicator in counted:
                tree.shares[indicator] = _ratio(tree.units[indicator], weights, node_share)
        _share_by_children(tree, counted_children(node), node_share)


SCORING_METHODS: Mapping[Aggregation, ScoringMethod] = {
    Aggregation.POOLED: ScoringMethod(
        Aggregation.POOLED,
        "indicator score: pass 1, partial {partial}, fail 0, not_assessed {na}, not_applicable "
        "left out; every node is the weighted mean of all counted indicators below it (pooled); "
        "a node with nothing to count is not rated (null)",
        _pooled,
        _share_pooled,
    ),
    Aggregation.MEAN_OF_CHILDREN: ScoringMethod(
        Aggregation.MEAN_OF_CHILDREN,
        "indicator score: pass 1, partial {partial}, fail 0, not_assessed {na}, not_applicable "
        "left out; a practice is the weighted mean of its counted indicators; every higher node is "
        "the weighted mean of its rated children; a node with nothing to count is not rated (null)",
        _mean_of_children,
        _share_by_children,
    ),
}

_STATUS_INDEX = {status: n for n, status in enumerate(Status)}
_COUNTS_ORDER = tuple(  # Counts' fields, as indexes of a tally
    _STATUS_INDEX[s]
    for s in (Status.PASS, Status.PARTIAL, Status.FAIL, Status.NOT_APPLICABLE, Status.NOT_ASSESSED)
)
_UNITS: dict[int, tuple[RuleSet, dict[str, int]]] = {}  # by id(rule set), the rule set kept alive


def _units(weights: Mapping[str, Fraction]) -> dict[str, int]:
    """Weights as integers over their common denominator (only their ratios matter)."""
    scale = math.lcm(*{w.denominator for w in weights.values()})
    return {r: w.numerator * (scale // w.denominator) for r, w in weights.items()}


def _weight_units(rule_set: RuleSet) -> dict[str, int]:
    """Each indicator's weight as an integer over the rule set's common weight denominator."""
    cached = _UNITS.get(id(rule_set))
    if cached is not None and cached[0] is rule_set:
        return cached[1]
    units = _units({i.id: i.weight for i in rule_set.indicators()})
    if len(_UNITS) >= 64:  # a long-lived process (a batch, rules diff) loads few rule sets
        _UNITS.pop(next(iter(_UNITS)))
    _UNITS[id(rule_set)] = (rule_set, units)
    return units


class _Tree:
    """Scores of every node under the rule set's scoring method, and each indicator's share."""

    def __init__(self, rule_set: RuleSet, results: Mapping[str, IndicatorResult]) -> None:
        self.method = SCORING_METHODS[rule_set.scoring.method]
        self.results = results
        self.scores: dict[str, Fraction | None] = {}
        self.tallies: dict[str, list[int]] = {}  # indicators per status (Status order) below a node
        self.shares: dict[str, Fraction] = {}
        self.paths: dict[str, tuple[str, ...]] = {}
        self.parents: dict[str, str | None] = {}
        self.sums: dict[str, Sums] = {}  # of the counted indicators below each node
        self.values = {r: result_score(res, rule_set) for r, res in results.items()}
        self._lost: dict[tuple[int, int, int], Fraction] = {}
        values = {id(v): v for v in self.values.values() if v is not None}  # few distinct objects
        value_scale = math.lcm(*{v.denominator for v in values.values()})
        in_units = {k: v.numerator * (value_scale // v.denominator) for k, v in values.items()}
        self.value_scale = value_scale
        # the weight each counts with: its own, or the one for being scored from questions
        sourced = sourced_weights(rule_set)
        used = {
            r: sourced[r] for r, res in results.items() if res.sourced is not None and r in sourced
        }
        self.weights = {r: used.get(r, res.indicator.weight) for r, res in results.items()}
        # weights in units of 1 / (their common denominator), values in units of 1 / value_scale
        self.units = _weight_units(rule_set) if not used else _units({**self.weights})
        self.value_units = {r: in_units[id(v)] for r, v in self.values.items() if v is not None}

    def pooled_sums(self, nodes: Sequence[Node]) -> Sums:
        weights = weighted = 0
        for node in nodes:
            w, ws = self.sums[node.id]
            weights += w
            weighted += ws
        return weights, weighted

    def score(self, node: Node, path: tuple[str, ...], parent: str | None) -> Fraction | None:
        self.parents[node.id] = parent
        tally = [0] * len(_STATUS_INDEX)
        results, units, value_units = self.results, self.units, self.value_units
        here = (*path, node.id)
        own_weights = weighted = 0
        for i in node.indicators:
            tally[_STATUS_INDEX[results[i.id].status]] += 1
            self.paths[i.id] = here
            units_of_value = value_units.get(i.id)
            if units_of_value is not None:
                weight = units[i.id]
                own_weights += weight
                weighted += weight * units_of_value
        weights = own_weights * self.value_scale
        children: list[tuple[Node, Fraction | None]] = []
        for child in node.children:
            score = self.score(child, here, node.id)
            if not child.performance_data:  # benchmarks are scored, but never count above
                children.append((child, score))
                below = self.tallies[child.id]
                for n in range(len(tally)):
                    tally[n] += below[n]
                w, ws = self.sums[child.id]
                weights += w
                weighted += ws
        self.tallies[node.id] = tally
        sums = (weights, weighted)
        self.sums[node.id] = sums
        value = _pooled(sums, children) if node.indicators else self.method.combine(sums, children)
        self.scores[node.id] = value
        return value

    def lost(self, share: Fraction, indicator_id: str) -> Fraction:
        """The share × (1 - the indicator's value): the points it costs, made once per kind."""
        missing = self.value_scale - self.value_units[indicator_id]
        if missing == 0:
            return _ZERO
        if missing == self.value_scale:
            return share
        key = (share.numerator, share.denominator, missing)
        found = self._lost.get(key)
        if found is None:
            found = self._lost[key] = _ratio(missing, self.value_scale, share)
        return found

    def counts(self, node_id: str) -> Counts:
        """The indicators per status below a node."""
        tally = self.tallies[node_id]
        return Counts(*(tally[n] for n in _COUNTS_ORDER))


FORMULA = {name: method.formula for name, method in SCORING_METHODS.items()}


def score_rule_set(
    rule_set: RuleSet,
    results: Sequence[IndicatorResult],
    assessed_on: dt.date,
    sources: Mapping[str, FrameworkResult] | None = None,
) -> FrameworkResult:
    """Score one rule set's indicator results.

    `sources` are the results of the frameworks some indicators were scored from, by id: the
    result names each node so scored, with that framework's overall score.
    """
    by_id: dict[str, IndicatorResult] = {r.indicator.id: r for r in results}
    tree = _Tree(rule_set, by_id)
    top_scores = [(n, tree.score(n, (), None)) for n in rule_set.nodes]
    overall_score = tree.method.combine(tree.pooled_sums(rule_set.nodes), top_scores)
    tree.method.distribute(tree, rule_set.nodes, Fraction(1))
    benchmarks = benchmark_ids(rule_set.nodes)
    all_statuses = [r.status for r in results if r.indicator.id not in benchmarks]
    root = Node(
        rule_set.id,
        rule_set.title,
        OVERALL_LEVEL,
        Fraction(1),
        rule_set.position,
        children=rule_set.nodes,
    )
    overall_counts = _counts(all_statuses)  # benchmarks left out
    overall = NodeScore(root, None, overall_score, _coverage(overall_counts), overall_counts)
    node_scores = []
    for node in walk_nodes(rule_set.nodes):
        counts = tree.counts(node.id)
        node_scores.append(
            NodeScore(node, tree.parents[node.id], tree.scores[node.id], _coverage(counts), counts)
        )
    scored = []
    values, shares, paths = tree.values, tree.shares, tree.paths
    for result in results:
        rid = result.indicator.id
        value = values[rid]
        share = shares.get(rid, _ZERO)
        lost = tree.lost(share, rid) if value is not None else _ZERO
        benchmark = rid in benchmarks
        weight = tree.weights[rid]
        scored.append(
            ScoredIndicator(
                result,
                value,
                share,
                lost,
                paths[rid],
                None if benchmark else priority(result.status, result.indicator.critical),
                benchmark,
                None if weight == result.indicator.weight else weight,
            )
        )
    gates = tuple(_gate(g, rule_set, node_scores, results, assessed_on) for g in rule_set.gates)
    grade = _grade(rule_set, overall, gates)
    return FrameworkResult(
        rule_set,
        overall,
        tuple(node_scores),
        tuple(scored),
        gates,
        grade,
        _pathway(scored, tree),
        source_uses(results, sources or {}),
    )


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


PRIORITY_RULE = (
    "high: a critical indicator (one whose failure harms clients) not met or only partly met; "
    "medium: any other indicator not met; low: any other indicator partly met. Within a priority, "
    "findings are ordered by the points of the overall score they cost"
)


def _pathway(scored: Sequence[ScoredIndicator], tree: _Tree) -> tuple[PathwayScore, ...]:
    members: dict[Pathway, list[ScoredIndicator]] = {stage: [] for stage in Pathway}
    for s in scored:
        if not s.benchmark:
            members[s.result.indicator.pathway].append(s)
    rows = []
    for stage, found in members.items():
        units = [tree.value_units[s.result.indicator.id] for s in found if s.score is not None]
        mean = _fraction(sum(units), len(units) * tree.value_scale) if units else None
        rows.append(PathwayScore(stage, mean, _counts(s.result.status for s in found)))
    return tuple(rows)


def _in_scope(gate: Gate, rule_set: RuleSet) -> list[Node]:
    """The nodes a gate looks at: its scope (or everything), without performance-data parts."""
    roots = (
        [n for n in walk_nodes(rule_set.nodes) if n.id in gate.scope]
        if gate.scope
        else list(rule_set.nodes)
    )
    return list(_walk_counted(roots))


def _walk_counted(nodes: Sequence[Node]) -> Iterator[Node]:
    for node in nodes:
        if not node.performance_data:
            yield node
            yield from _walk_counted(node.children)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _gate(
    gate: Gate,
    rule_set: RuleSet,
    node_scores: Sequence[NodeScore],
    results: Sequence[IndicatorResult],
    assessed_on: dt.date,
) -> GateResult:
    """A gate's verdict: decided only on enough evidence.

    Below the gate's coverage requirement (over its whole scope) the verdict is
    `insufficient_evidence`, whatever was found so far (the result still lists it). Otherwise a
    node is judged only when its own coverage meets the requirement: a judged node below the
    threshold, or a critical indicator not met, fails the gate; nodes too thin to judge leave it
    `insufficient_evidence`; else it passes.
    """
    scope = _in_scope(gate, rule_set)
    scores = {ns.node.id: ns for ns in node_scores}
    indicator_ids = {i.id for n in scope for i in n.indicators}
    in_scope = [r for r in results if r.indicator.id in indicator_ids]
    coverage = _coverage(_counts(r.status for r in in_scope))
    not_met, undetermined, counted = [], [], 0
    for node in scope:
        if node.level != gate.each:
            continue
        ns = scores[node.id]
        if ns.score is None:
            continue  # nothing applies (e.g. a product not offered): the node drops out
        counted += 1
        if ns.coverage is not None and ns.coverage < gate.min_coverage:
            undetermined.append(node.id)
            if ns.score < gate.threshold:
                not_met.append((node.id, node.title, ns.score))  # so far: listed, not decisive
        elif ns.score < gate.threshold:
            not_met.append((node.id, node.title, ns.score))
    critical: list[str] = []
    if gate.no_critical_failures:
        critical = [
            r.indicator.id for r in in_scope if r.indicator.critical and r.status is Status.FAIL
        ]
    judged_not_met = [n for n in not_met if n[0] not in undetermined]
    if counted == 0 or coverage is None or coverage < gate.min_coverage:
        verdict = Verdict.INSUFFICIENT_EVIDENCE
    elif judged_not_met or critical:
        verdict = Verdict.FAILED
    elif undetermined:
        verdict = Verdict.INSUFFICIENT_EVIDENCE
    else:
        verdict = Verdict.PASSED
    valid_until = surveillance = None
    if verdict is Verdict.PASSED and gate.validity_years:
        valid_until = add_years(assessed_on, gate.validity_years).isoformat()
        if gate.surveillance_after_years:
            surveillance = add_years(assessed_on, gate.surveillance_after_years).isoformat()
    return GateResult(
        gate,
        verdict,
        tuple(not_met),
        tuple(critical),
        tuple(undetermined),
        counted,
        coverage=coverage,
        valid_until=valid_until,
        surveillance_due=surveillance,
    )


def _grade(
    rule_set: RuleSet, overall: NodeScore, gates: Sequence[GateResult]
) -> GradeResult | None:
    scale = rule_set.grade_scale
    if scale is None:
        return None
    if overall.score is None:
        return GradeResult(
            scale, None, "", "", None, (), "not rated: no indicator could be counted"
        )
    coverage = overall.coverage or Fraction(0)
    if coverage < scale.min_coverage:
        return GradeResult(
            scale,
            None,
            "",
            "",
            None,
            (),
            f"no grade: coverage {float(coverage):.0%} is below the {float(scale.min_coverage):.0%} "
            "this scale requires",
        )
    index = next(i for i, band in enumerate(scale.bands) if overall.score >= band.min)
    uncapped = scale.bands[index].grade
    capped_by = []
    failed = {g.gate.id for g in gates if g.verdict is Verdict.FAILED}
    grades = [b.grade for b in scale.bands]
    for gate_id, max_grade in scale.caps:
        cap_index = grades.index(max_grade)
        if gate_id in failed and index < cap_index:
            index = cap_index
            capped_by.append(gate_id)
    band = scale.bands[index]
    reason = (
        f"capped at {band.grade} because gate(s) failed: {', '.join(capped_by)}"
        if capped_by
        else ""
    )
    return GradeResult(scale, band.grade, band.label, band.band, uncapped, tuple(capped_by), reason)
