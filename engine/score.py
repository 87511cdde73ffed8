"""Stage 4, score: indicator results → node scores, coverage, gates and grade.

Pure arithmetic on exact fractions: no I/O, no clock. The aggregation is the one the rule set
declares (`pooled` or `mean_of_children`). A node with nothing to count is not rated (None), never 0 or 100 %.

Exact, but in integers: every indicator weight is an integer over the rule set's common weight
denominator, every value an integer over a common value denominator, so sums below a node are
plain integer additions and a Fraction is made once per score. The results are the same rational
numbers as plain Fraction arithmetic gives (tests/unit/test_score_exact.py), so the same bytes.
What depends on the rule set alone (the tree numbered, paths, benchmarks, weights, gates' scopes)
is prepared once per rule set by engine.scoreplan and reused for every evidence file.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.model import (
    Aggregation,
    Counts,
    FrameworkResult,
    GateResult,
    GradeResult,
    IndicatorResult,
    NodeScore,
    PathwayScore,
    RuleSet,
    ScoredIndicator,
    Status,
    Verdict,
)
from engine.scoredfrom import source_uses
from engine.scoreplan import (
    OVERALL_LEVEL,
    STATUS_BITS,
    GatePlan,
    ScorePlan,
    indicator_score,
    priority,
    score_plan,
    weight_units,
)

__all__ = [
    "FORMULA",
    "OVERALL_LEVEL",
    "PRIORITY_RULE",
    "SCORING_METHODS",
    "ScoringMethod",
    "add_years",
    "indicator_score",
    "priority",
    "result_score",
    "score_rule_set",
]

_ONE, _ZERO = Fraction(1), Fraction(0)


def _mean(values: Sequence[Fraction]) -> Fraction:
    """The mean of a few fractions with small denominators, summed as integers."""
    scale = math.lcm(*{v.denominator for v in values})
    total = sum(v.numerator * (scale // v.denominator) for v in values)
    return Fraction(total, scale * len(values))


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


@functools.lru_cache(maxsize=4096)
def _fraction(numerator: int, denominator: int) -> Fraction:
    """A ratio of two counts (many nodes share one: 1, 3/4 …), made once."""
    return Fraction(numerator, denominator)


def _ratio(numerator: int, denominator: int, scale: Fraction = _ONE) -> Fraction:
    """`scale` × numerator / denominator, making one Fraction."""
    return Fraction(scale.numerator * numerator, scale.denominator * denominator)


def _weighted_mean(pairs: Sequence[tuple[Fraction, Fraction]]) -> Fraction | None:
    total = sum((w for w, _ in pairs), Fraction(0))
    if not pairs or total == 0:
        return None
    return sum((w * s for w, s in pairs), Fraction(0)) / total


_MASK = (1 << STATUS_BITS) - 1
_TALLIES: dict[int, tuple[Fraction | None, Counts]] = {}  # packed tally → coverage and counts


def _counted(tally: int) -> tuple[Fraction | None, Counts]:
    """The coverage and the counts of a packed tally (see scoreplan.TALLY_ONE), made once."""
    found = _TALLIES.get(tally)
    if found is None:
        counts = Counts(*((tally >> (STATUS_BITS * n)) & _MASK for n in range(5)))
        coverage = _fraction(counts.assessed, counts.applicable) if counts.applicable else None
        if len(_TALLIES) >= 4096:
            _TALLIES.clear()
        found = _TALLIES[tally] = (coverage, counts)
    return found


class _Run:
    """One evidence file's results on a rule set's plan: lists indexed by the plan's numbers.

    Values are integers over `scale` (0 for an indicator not counted), weights integers over
    their common denominator; `counted` is 1 for a counted indicator, else 0.
    """

    def __init__(self, plan: ScorePlan, results: Sequence[IndicatorResult]) -> None:
        self.plan = plan
        statuses = self.statuses = list(map(_STATUS, results))
        rows = map(plan.by_status.__getitem__, statuses)
        columns = zip(*rows, strict=True) if statuses else [(), (), (), ()]
        values, units, self.counted, self.tallies = (list(c) for c in columns)
        self.values = values
        # scores of their own: from several respondents, or from another framework's questions
        scale = plan.value_scale
        special = []
        own_scores = [k for k, r in enumerate(results) if r.respondent_statuses or r.sourced]
        self.sourced = [results[k] for k in own_scores if results[k].sourced is not None]
        for k in own_scores:
            own = values[k]
            if own is not None and results[k].override is None:
                value = values[k] = _own_value(results[k], own, plan)
                special.append((k, value))
                if scale % value.denominator:
                    scale = math.lcm(scale, value.denominator)
        if scale != plan.value_scale:
            units = list(map(operator.mul, units, itertools.repeat(scale // plan.value_scale)))
        for k, value in special:
            units[k] = value.numerator * (scale // value.denominator)
        self.scale, self.value_units = scale, units
        # the weight each counts with: its own, or the one for being scored from questions
        used = (
            [(k, w) for k, w in plan.sourced if results[k].sourced is not None]
            if self.sourced
            else []
        )
        self.weights: Iterable[Fraction | None] = itertools.repeat(None, len(results))
        self.units = plan.units
        if used:
            weights = list(plan.weights)
            shown: list[Fraction | None] = [None] * len(weights)
            for k, w in used:
                weights[k] = w
                shown[k] = None if w == plan.weights[k] else w
            self.units, self.weights = weight_units(weights), shown
        self.shares = [_ZERO] * len(results)
        self.scores: list[Fraction | None] = []
        self.node_tallies: list[int] = []
        self.sums: list[tuple[int, int]] = []  # (Σ weight × value scale, Σ weight × value) below

    def score_nodes(self, combine: Combine) -> None:
        """Every node's score, tally and sums, children before parents.

        A node counts runs of consecutive indicators (its own, then its counted children's): the
        sums over a run are differences of running totals.
        """
        plan, scale = self.plan, self.scale
        ones = list(itertools.accumulate(self.tallies, initial=0))
        weights = list(itertools.accumulate(map(operator.mul, self.units, self.counted), initial=0))
        weighted = list(
            itertools.accumulate(map(operator.mul, self.units, self.value_units), initial=0)
        )
        count = len(plan.nodes)
        scores: list[Fraction | None] = [None] * count
        tallies, sums = [0] * count, [(0, 0)] * count
        self.scores = scores  # combine reads the children's scores
        spans, own = plan.spans, plan.own
        for j in plan.post_order:
            tally = w = ws = 0
            for start, stop in spans[j]:
                tally += ones[stop] - ones[start]
                w += weights[stop] - weights[start]
                ws += weighted[stop] - weighted[start]
            tallies[j] = tally
            sums[j] = node_sums = (w * scale, ws)
            scores[j] = (
                _pooled(self, node_sums, ())
                if own[j]
                else combine(self, node_sums, plan.counted[j])
            )
        self.node_tallies, self.sums = tallies, sums

    def lost(self) -> list[Fraction]:
        """Each indicator's share × (1 - its value): the points it costs, made once per kind."""
        scale = self.scale
        found: dict[tuple[int, int], Fraction] = {}

        def part(share: Fraction, value: int) -> Fraction:
            key = (id(share), value)
            made = found.get(key)
            if made is None:
                made = found[key] = _ratio(scale - value, scale, share)
            return made

        return [
            _ZERO if not counted or value == scale else share if value == 0 else part(share, value)
            for share, value, counted in zip(
                self.shares, self.value_units, self.counted, strict=True
            )
        ]


def _own_value(result: IndicatorResult, own: Fraction, plan: ScorePlan) -> Fraction:
    """The score of a result from several respondents or from another framework (result_score)."""
    if result.sourced is not None and result.sourced.score is not None:
        return result.sourced.score
    if not result.respondent_statuses:
        return own
    statuses = result.respondent_statuses
    mean = plan.means.get(statuses, _NONE)
    if mean is _NONE:
        counted = sum(map(plan.counts.__getitem__, statuses))
        total = sum(map(plan.value_units.__getitem__, statuses))  # the mean of their scores
        mean = Fraction(total, plan.value_scale * counted) if counted else None
        if len(plan.means) < 4096:  # one per combination of statuses met
            plan.means[statuses] = mean
    return own if mean is None else mean


_NONE = Fraction(-1)  # not yet known


Sums = tuple[int, int]  # (Σ weight × value scale, Σ weight × value) of counted indicators, in units
Combine = Callable[[_Run, Sums, Sequence[int]], Fraction | None]  # a node from its children


def _pooled(run: _Run, sums: Sums, children: Sequence[int]) -> Fraction | None:
    weights, weighted = sums
    if not weights:
        return None
    if weighted == weights:
        return _ONE
    return Fraction(weighted, weights) if weighted else _ZERO


def _mean_of_children(run: _Run, sums: Sums, children: Sequence[int]) -> Fraction | None:
    nodes, scores = run.plan.nodes, run.scores
    return _weighted_mean([(nodes[c].weight, s) for c in children if (s := scores[c]) is not None])


def _share_pooled(run: _Run, nodes: Sequence[int], share: Fraction) -> None:
    """Every counted indicator below the top-level nodes shares `share` by its weight."""
    pooled = list(map(operator.and_, run.counted, run.plan.pooled))
    weights = list(map(operator.mul, run.units, pooled))
    total = sum(weights)
    if total:  # else every share stays 0
        by_weight = {w: _ratio(w, total, share) for w in set(weights)}  # 0 for those not pooled
        run.shares = list(map(by_weight.__getitem__, weights))


def _share_by_children(run: _Run, nodes: Sequence[int], share: Fraction) -> None:
    """Each rated node takes its weight's part of `share`, and passes it on to its children."""
    plan, units = run.plan, run.units
    rated = [j for j in nodes if run.scores[j] is not None]
    total = sum((plan.nodes[j].weight for j in rated), Fraction(0))
    for j in rated:
        node_share = share * plan.nodes[j].weight / total
        if plan.own[j]:
            counted = [k for k in plan.own[j] if run.counted[k]]
            weights = sum(units[k] for k in counted)
            for k in counted:
                run.shares[k] = _ratio(units[k], weights, node_share)
        _share_by_children(run, plan.counted[j], node_share)


@dataclass(frozen=True, slots=True)
class ScoringMethod:
    """How a node with child nodes is scored, and how the overall score is shared out.

    A node holding indicators is always the weighted mean of its counted indicators; the methods
    differ above that.
    """

    name: Aggregation
    formula: str  # in words, for the annex and the JSON record
    combine: Combine
    distribute: Callable[[_Run, Sequence[int], Fraction], None]


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
FORMULA = {name: method.formula for name, method in SCORING_METHODS.items()}


_INDICATOR, _STATUS = operator.attrgetter("indicator"), operator.attrgetter("status")


def _in_document_order(
    results: Sequence[IndicatorResult], plan: ScorePlan
) -> tuple[Sequence[IndicatorResult], list[int] | None]:
    """The results in the rule set's order, and where each given one went (None: as given)."""
    if len(results) == len(plan.indicators) and all(
        map(operator.is_, map(_INDICATOR, results), plan.indicators)
    ):
        return results, None
    ids = [r.indicator.id for r in results]
    if ids == plan.ids:
        return results, None
    number = {rid: k for k, rid in enumerate(plan.ids)}
    order = [number.get(rid, -1) for rid in ids]
    if len(set(order)) != len(order) or len(order) != len(number) or -1 in order:
        raise ValueError(
            f"rule set {plan.rule_set.id}: score_rule_set takes one result per indicator"
        )
    ordered: list[IndicatorResult] = [results[0]] * len(order)
    for result, k in zip(results, order, strict=True):
        ordered[k] = result
    return ordered, order


def score_rule_set(
    rule_set: RuleSet,
    results: Sequence[IndicatorResult],
    assessed_on: dt.date,
    sources: Mapping[str, FrameworkResult] | None = None,
) -> FrameworkResult:
    """Score one rule set's indicator results (one per indicator, in any order).

    `sources` are the results of the frameworks some indicators were scored from, by id: the
    result names each node so scored, with that framework's overall score.
    """
    plan = score_plan(rule_set)
    ordered, order = _in_document_order(results, plan)
    method = SCORING_METHODS[rule_set.scoring.method]
    run = _Run(plan, ordered)
    run.score_nodes(method.combine)
    weights = weighted = 0
    for j in plan.top:
        w, ws = run.sums[j]
        weights += w
        weighted += ws
    overall_score = method.combine(run, (weights, weighted), plan.top)
    method.distribute(run, plan.top, _ONE)
    overall_coverage, overall_counts = _counted(sum(run.node_tallies[j] for j in plan.top_counted))
    overall = NodeScore(plan.root, None, overall_score, overall_coverage, overall_counts)
    node_scores = [
        NodeScore(node, parent, score, *_counted(tally))
        for node, parent, score, tally in zip(
            plan.nodes, plan.parents, run.scores, run.node_tallies, strict=True
        )
    ]
    statuses = run.statuses
    scored = list(
        map(
            ScoredIndicator,
            ordered,
            run.values,
            run.shares,
            run.lost(),
            plan.paths,
            map(dict.__getitem__, plan.priorities, statuses),
            plan.benchmark,
            run.weights,
        )
    )
    gates = tuple(_gate(g, run, assessed_on, order) for g in plan.gates)
    grade = _grade(rule_set, overall, gates)
    return FrameworkResult(
        rule_set,
        overall,
        tuple(node_scores),
        tuple(scored) if order is None else tuple(scored[k] for k in order),
        gates,
        grade,
        _pathway(run),
        source_uses(run.sourced if order is None else results, sources or {}),
    )


PRIORITY_RULE = (
    "high: a critical indicator (one whose failure harms clients) not met or only partly met; "
    "medium: any other indicator not met; low: any other indicator partly met. Within a priority, "
    "findings are ordered by the points of the overall score they cost"
)


def _pathway(run: _Run) -> tuple[PathwayScore, ...]:
    """The unweighted mean score of each stage's counted indicators (benchmarks left out)."""
    value_units, counted, ones, scale = run.value_units, run.counted, run.tallies, run.scale
    rows = []
    for stage, pick in run.plan.pathway:
        found = sum(pick(counted))
        mean = _fraction(sum(pick(value_units)), found * scale) if found else None
        rows.append(PathwayScore(stage, mean, _counted(sum(pick(ones)))[1]))
    return tuple(rows)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _less(a: Fraction, b: Fraction) -> bool:
    """A < b, in integers (Fraction's comparison checks types first)."""
    return a.numerator * b.denominator < b.numerator * a.denominator


def _gate(
    gate_plan: GatePlan, run: _Run, assessed_on: dt.date, order: list[int] | None
) -> GateResult:
    """A gate's verdict: decided only on enough evidence.

    Below the gate's coverage requirement (over its whole scope) the verdict is
    `insufficient_evidence`, whatever was found so far (the result still lists it). Otherwise a
    node is judged only when its own coverage meets the requirement: a judged node below the
    threshold, or a critical indicator not met, fails the gate; nodes too thin to judge leave it
    `insufficient_evidence`; else it passes.
    """
    gate, nodes, scores, tallies = gate_plan.gate, run.plan.nodes, run.scores, run.node_tallies
    threshold = gate.threshold
    coverage = _counted(sum(tallies[j] for j in gate_plan.tallied))[0]
    not_met: list[tuple[str, str, Fraction | None]] = []
    undetermined: list[str] = []
    counted = 0
    for j in gate_plan.judged:
        score = scores[j]
        if score is None:
            continue  # nothing applies (e.g. a product not offered): the node drops out
        counted += 1
        node = nodes[j]
        below = score.numerator * threshold.denominator < threshold.numerator * score.denominator
        node_coverage = _counted(tallies[j])[0]
        if node_coverage is not None and _less(node_coverage, gate.min_coverage):
            undetermined.append(node.id)
            if below:
                not_met.append((node.id, node.title, score))  # so far: listed, not decisive
        elif below:
            not_met.append((node.id, node.title, score))
    critical: list[str] = []
    if gate.no_critical_failures:
        failed = [k for k in gate_plan.critical if run.statuses[k] is Status.FAIL]
        if order is not None:  # as the results were given
            given = {k: n for n, k in enumerate(order)}
            failed.sort(key=given.__getitem__)
        critical = [run.plan.ids[k] for k in failed]
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
