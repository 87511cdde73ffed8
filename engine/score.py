"""Stage 4, score: indicator results → node scores, coverage, gates and grade.

Pure arithmetic on exact fractions: no I/O, no clock. The aggregation is the one the rule set
declares (`pooled` or `mean_of_children`). A node with nothing to count is not rated (None), never 0 or 100 %.
"""

from __future__ import annotations

import datetime as dt
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
    SourceUse,
    SourceWeights,
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
    return sum(values, Fraction(0)) / len(values) if values else own


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


Sums = tuple[Fraction, Fraction]  # (sum of weights, sum of weighted scores) of counted indicators
Scored = Sequence[tuple[Node, Fraction | None]]  # child nodes with their scores


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
    return weighted / weights if weights else None


def _mean_of_children(sums: Sums, children: Scored) -> Fraction | None:
    return _weighted_mean([(c.weight, s) for c, s in children if s is not None])


def _share_pooled(tree: _Tree, nodes: Sequence[Node], share: Fraction) -> None:
    """Every counted indicator below `nodes` shares `share` by its weight."""
    pairs = [
        (i, tree.weights[i.id])
        for n in nodes
        for i in counted_indicators(n)
        if tree.values[i.id] is not None
    ]
    total = sum((w for _, w in pairs), Fraction(0))
    for indicator, weight in pairs:
        tree.shares[indicator.id] = share * weight / total if total else Fraction(0)


def _share_by_children(tree: _Tree, nodes: Sequence[Node], share: Fraction) -> None:
    """Each rated node takes its weight's part of `share`, and passes it on to its children."""
    rated = [n for n in nodes if tree.scores.get(n.id) is not None]
    total = sum((n.weight for n in rated), Fraction(0))
    for node in rated:
        node_share = share * node.weight / total
        if node.indicators:
            counted = [i for i in node.indicators if tree.values[i.id] is not None]
            weights = sum((tree.weights[i.id] for i in counted), Fraction(0))
            for indicator in counted:
                tree.shares[indicator.id] = node_share * tree.weights[indicator.id] / weights
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


class _Tree:
    """Scores of every node under the rule set's scoring method, and each indicator's share."""

    def __init__(self, rule_set: RuleSet, results: Mapping[str, IndicatorResult]) -> None:
        self.method = SCORING_METHODS[rule_set.scoring.method]
        self.results = results
        self.scores: dict[str, Fraction | None] = {}
        self.statuses: dict[str, list[Status]] = {}
        self.shares: dict[str, Fraction] = {}
        self.paths: dict[str, tuple[str, ...]] = {}
        self.parents: dict[str, str | None] = {}
        self.sums: dict[str, Sums] = {}  # of the counted indicators below each node
        self.values = {r: result_score(res, rule_set) for r, res in results.items()}
        sourced = sourced_weights(rule_set)
        # the weight each counts with: its own, or the one for being scored from questions
        self.weights = {
            r: sourced[r] if res.sourced is not None and r in sourced else res.indicator.weight
            for r, res in results.items()
        }

    def pooled_sums(self, nodes: Sequence[Node]) -> Sums:
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
        children: list[tuple[Node, Fraction | None]] = []
        for child in node.children:
            value = self.score(child, (*path, node.id), node.id)
            if not child.performance_data:  # benchmarks are scored, but never count above
                children.append((child, value))
                statuses.extend(self.statuses[child.id])
        self.statuses[node.id] = statuses
        own = [
            (self.weights[i.id], s) for i in node.indicators if (s := self.values[i.id]) is not None
        ]
        below_w, below_ws = self.pooled_sums(counted_children(node))
        sums = (
            below_w + sum((w for w, _ in own), Fraction(0)),
            below_ws + sum((w * s for w, s in own), Fraction(0)),
        )
        self.sums[node.id] = sums
        value = _pooled(sums, children) if node.indicators else self.method.combine(sums, children)
        self.scores[node.id] = value
        return value


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
        value = tree.values[result.indicator.id]
        share = tree.shares.get(result.indicator.id, Fraction(0))
        lost = share * (1 - value) if value is not None else Fraction(0)
        benchmark = result.indicator.id in benchmarks
        weight = tree.weights[result.indicator.id]
        scored.append(
            ScoredIndicator(
                result,
                value,
                share,
                lost,
                tree.paths[result.indicator.id],
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
        _pathway(scored),
        _source_uses(results, sources or {}),
    )


def _source_uses(
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
