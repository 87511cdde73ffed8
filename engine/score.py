"""Stage 4, score: indicator results → node scores, coverage, gates and grade.

Pure arithmetic on exact fractions: no I/O, no clock. The aggregation is the one the rule set
declares (`pooled` or `mean_of_children`). A node with nothing to count is not rated (None), never 0 or 100 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    RuleSet,
    ScoredIndicator,
    Status,
    Verdict,
    walk_nodes,
)

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
            return Fraction(0) if rule_set.scoring.not_assessed is NotAssessedPolicy.ZERO else None
        case Status.NOT_APPLICABLE:
            return None
        case _:  # pragma: no cover
            raise AssertionError(status)


def result_score(result: IndicatorResult, rule_set: RuleSet) -> Fraction | None:
    """An indicator result's score: the mean of its respondents' scores when it has several."""
    own = indicator_score(result.status, rule_set)
    if result.override is not None or not result.respondent_statuses or own is None:
        return own
    values = [
        v for s in result.respondent_statuses if (v := indicator_score(s, rule_set)) is not None
    ]
    return sum(values, Fraction(0)) / len(values) if values else own


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
    return Fraction(counts.assessed, counts.applicable) if counts.applicable else None


def _weighted_mean(pairs: Sequence[tuple[Fraction, Fraction]]) -> Fraction | None:
    total = sum((w for w, _ in pairs), Fraction(0))
    if not pairs or total == 0:
        return None
    return sum((w * s for w, s in pairs), Fraction(0)) / total


class _Tree:
    """Scores of every node under one aggregation method, and each indicator's share."""

    def __init__(self, rule_set: RuleSet, results: Mapping[str, IndicatorResult]) -> None:
        self.rule_set = rule_set
        self.results = results
        self.scores: dict[str, Fraction | None] = {}
        self.statuses: dict[str, list[Status]] = {}
        self.shares: dict[str, Fraction] = {}
        self.paths: dict[str, tuple[str, ...]] = {}
        self.parents: dict[str, str | None] = {}
        # (sum of weights, sum of weighted scores) of the counted indicators below each node
        self.sums: dict[str, tuple[Fraction, Fraction]] = {}
        self.values = {r: result_score(res, rule_set) for r, res in results.items()}

    def ind_score(self, indicator_id: str) -> Fraction | None:
        return self.values[indicator_id]

    def pooled_sums(self, nodes: Sequence[Node]) -> tuple[Fraction, Fraction]:
        weights, weighted = Fraction(0), Fraction(0)
        for node in nodes:
            w, ws = self.sums[node.id]
            weights += w
            weighted += ws
        return weights, weighted

    def score(self, node: Node, path: tuple[str, ...], parent: str | None) -> Fraction | None:
        self.parents[node.id] = parent
        statuses = [self.results[i.id].status for i in node.indicators]
        for i in node.indicators:
            self.paths[i.id] = (*path, node.id)
        child_scores = []
        for child in node.children:
            value = self.score(child, (*path, node.id), node.id)
            if not child.performance_data:  # benchmarks are scored, but never count above
                child_scores.append((child, value))
                statuses.extend(self.statuses[child.id])
        self.statuses[node.id] = statuses
        own = [(i.weight, s) for i in node.indicators if (s := self.values[i.id]) is not None]
        below_w, below_ws = self.pooled_sums(counted_children(node))
        weights = below_w + sum((w for w, _ in own), Fraction(0))
        weighted = below_ws + sum((w * s for w, s in own), Fraction(0))
        self.sums[node.id] = (weights, weighted)
        if self.rule_set.scoring.method is Aggregation.POOLED or node.indicators:
            value = weighted / weights if weights else None
        else:
            value = _weighted_mean([(c.weight, s) for c, s in child_scores if s is not None])
        self.scores[node.id] = value
        return value

    def distribute(self, nodes: Sequence[Node], share: Fraction) -> None:
        """Give each counted indicator its share of the overall score."""
        nodes = [n for n in nodes if not n.performance_data]
        if self.rule_set.scoring.method is Aggregation.POOLED:
            pairs = [
                (i, i.weight)
                for n in nodes
                for i in counted_indicators(n)
                if self.ind_score(i.id) is not None
            ]
            total = sum((w for _, w in pairs), Fraction(0))
            for indicator, weight in pairs:
                self.shares[indicator.id] = share * weight / total if total else Fraction(0)
            return
        rated = [n for n in nodes if self.scores.get(n.id) is not None]
        total = sum((n.weight for n in rated), Fraction(0))
        for node in rated:
            node_share = share * node.weight / total
            if node.indicators:
                counted = [i for i in node.indicators if self.ind_score(i.id) is not None]
                weights = sum((i.weight for i in counted), Fraction(0))
                for indicator in counted:
                    self.shares[indicator.id] = node_share * indicator.weight / weights
            self.distribute(node.children, node_share)


def score_rule_set(
    rule_set: RuleSet, results: Sequence[IndicatorResult], assessed_on: str
) -> FrameworkResult:
    """Score one rule set's indicator results."""
    by_id: dict[str, IndicatorResult] = {r.indicator.id: r for r in results}
    tree = _Tree(rule_set, by_id)
    top_scores = [(n, tree.score(n, (), None)) for n in rule_set.nodes]
    if rule_set.scoring.method is Aggregation.POOLED:
        weights, weighted = tree.pooled_sums(rule_set.nodes)
        overall_score = weighted / weights if weights else None
    else:
        overall_score = _weighted_mean([(n.weight, s) for n, s in top_scores if s is not None])
    tree.distribute(rule_set.nodes, Fraction(1))
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
    overall_counts = _counts(all_statuses)
    overall = NodeScore(root, None, overall_score, _coverage(overall_counts), overall_counts)
    node_scores = []
    for node in walk_nodes(rule_set.nodes):
        counts = _counts(tree.statuses[node.id])
        node_scores.append(
            NodeScore(node, tree.parents[node.id], tree.scores[node.id], _coverage(counts), counts)
        )
    scored = []
    for result in results:
        value = tree.ind_score(result.indicator.id)
        share = tree.shares.get(result.indicator.id, Fraction(0))
        lost = share * (1 - value) if value is not None else Fraction(0)
        benchmark = result.indicator.id in benchmarks
        scored.append(
            ScoredIndicator(
                result,
                value,
                share,
                lost,
                tree.paths[result.indicator.id],
                "" if benchmark else priority(result.status, result.indicator.critical, lost),
                benchmark,
            )
        )
    gates = tuple(_gate(g, rule_set, node_scores, results, assessed_on) for g in rule_set.gates)
    grade = _grade(rule_set, overall, gates)
    return FrameworkResult(
        rule_set, overall, tuple(node_scores), tuple(scored), gates, grade, _pathway(scored)
    )


HIGH_POINTS_LOST = Fraction(1, 100)


def priority(status: Status, critical: bool, points_lost: Fraction) -> str:
    """Action-plan priority: high for a critical failure or a failure costing 1 point or more."""
    if status is Status.FAIL:
        return "high" if critical or points_lost >= HIGH_POINTS_LOST else "medium"
    if status is Status.PARTIAL:
        return "medium" if critical else "low"
    return ""


def _pathway(scored: Sequence[ScoredIndicator]) -> tuple[PathwayScore, ...]:
    rows = []
    for stage in Pathway:
        members = [s for s in scored if s.result.indicator.pathway is stage and not s.benchmark]
        values = [s.score for s in members if s.score is not None]
        mean = sum(values, Fraction(0)) / len(values) if values else None
        rows.append(PathwayScore(stage, mean, _counts(s.result.status for s in members)))
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
    assessed_on: str,
) -> GateResult:
    scope = _in_scope(gate, rule_set)
    scores = {ns.node.id: ns for ns in node_scores}
    not_met, undetermined, counted = [], [], 0
    for node in scope:
        if node.level != gate.each:
            continue
        ns = scores[node.id]
        if ns.score is None:
            continue  # nothing applies (e.g. a product not offered): the node drops out
        counted += 1
        if ns.score < gate.threshold:
            not_met.append((node.id, node.title, ns.score))
        elif ns.coverage is not None and ns.coverage < gate.min_coverage:
            undetermined.append(node.id)
    critical: list[str] = []
    if gate.no_critical_failures:
        indicator_ids = {i.id for n in scope for i in n.indicators}
        critical = [
            r.indicator.id
            for r in results
            if r.indicator.critical and r.status is Status.FAIL and r.indicator.id in indicator_ids
        ]
    if not_met or critical:
        verdict = Verdict.FAILED
    elif undetermined or counted == 0:
        verdict = Verdict.NOT_DETERMINED
    else:
        verdict = Verdict.PASSED
    valid_until = surveillance = None
    if verdict is Verdict.PASSED and gate.validity_years:
        day = dt.date.fromisoformat(assessed_on)
        valid_until = add_years(day, gate.validity_years).isoformat()
        if gate.surveillance_after_years:
            surveillance = add_years(day, gate.surveillance_after_years).isoformat()
    return GateResult(
        gate,
        verdict,
        tuple(not_met),
        tuple(critical),
        tuple(undetermined),
        counted,
        valid_until,
        surveillance,
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
