"""The portfolio summary of a batch, as numbers: distributions, quartiles, counts, peer groups.

Input: the batch's items (one per evidence file) and the rule sets they were assessed against (for
titles and the order of grades). Output: a `PortfolioSummary`, exact (scores stay `Fraction`s), which
`portfolio_report` shows as HTML and PDF. Nothing here formats or writes.

Peer groups are the country, the legal form and the size class of the portfolio table
(`engine/peers.py`: by active borrowers). Quartiles are the inclusive method with linear
interpolation between the closest ranks (`statistics.quantiles(values, n=4, method="inclusive")`,
the method of Excel's QUARTILE.INC and of numpy's default): for sorted values x₀ … xₙ₋₁, the
quartile k sits at rank k·(n − 1)/4.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.batch import BatchItem, PortfolioRow
from engine.errors import ExitCode
from engine.model import Indicator, RuleSet
from engine.peers import SIZE_RULE
from engine.report.profile import LEGAL_FORM, country_name

QUARTILE_METHOD = (
    "inclusive, with linear interpolation between the closest ranks "
    "(Python's statistics.quantiles(method=\"inclusive\"), Excel's QUARTILE.INC): "
    "for n sorted values the quartile k sits at rank k·(n − 1)/4, counted from 0"
)
BINS = 10  # the histogram's bins: 0-10 %, 10-20 %, …, 90-100 % (100 % in the last)
TOP = 10  # gates and indicators listed per framework
NO_SIZE = "size unknown"


@dataclass(frozen=True, slots=True)
class Quartiles:
    """Five numbers of a distribution, exact."""

    count: int
    minimum: Fraction
    q1: Fraction
    median: Fraction
    q3: Fraction
    maximum: Fraction


@dataclass(frozen=True, slots=True)
class Bin:
    """One bar of the score histogram: institutions scoring from `low` to `high` (shares of 1)."""

    low: Fraction
    high: Fraction
    count: int


@dataclass(frozen=True, slots=True)
class GradeCount:
    """How many institutions got one grade (`grade` empty: no grade, coverage too low)."""

    grade: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class GateCount:
    """One gate's verdicts across the portfolio."""

    id: str
    title: str
    failed: int
    undecided: int
    passed: int


@dataclass(frozen=True, slots=True)
class IndicatorCount:
    """An indicator not met at `failed` of the framework's institutions."""

    id: str
    title: str
    critical: bool
    failed: int


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """The institutions sharing a country, a legal form or a size class, under one framework."""

    dimension: str  # country, legal form, size class
    name: str
    score: Quartiles | None  # None when no institution of the group was rated
    coverage: Quartiles | None


@dataclass(frozen=True, slots=True)
class FrameworkSummary:
    """One framework (or profile) across the portfolio."""

    id: str
    title: str
    versions: tuple[str, ...]
    institutions: int  # assessed under it, with some evidence (coverage above 0)
    no_evidence: int  # assessed under it with nothing assessed (coverage 0): in no figure
    not_rated: int  # institutions whose overall score is null (nothing to count)
    scores: tuple[Fraction, ...]  # every overall score, sorted (the strip chart)
    score: Quartiles | None
    coverage: Quartiles | None
    histogram: tuple[Bin, ...]
    grades: tuple[GradeCount, ...]  # best grade first, then no grade; () without a grade scale
    gates: tuple[GateCount, ...]  # failed most often first
    indicators: tuple[IndicatorCount, ...]  # the TOP failed most often
    indicators_failed: int  # distinct indicators failed somewhere
    peers: tuple[PeerGroup, ...]


@dataclass(frozen=True, slots=True)
class NotAssessed:
    """An evidence file of the batch that was refused (or met an internal error)."""

    file: str
    status: str  # refused, error
    problems: int
    first_problem: str


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """The whole portfolio: per framework, and the files not assessed."""

    files: int
    assessed: int
    frameworks: tuple[FrameworkSummary, ...]
    not_assessed: tuple[NotAssessed, ...]
    dimensions: tuple[str, ...]  # the peer-group dimensions the evidence held
    dimensions_absent: tuple[str, ...]  # those no institution recorded (size: no active borrowers)
    first_assessed: str  # the earliest and latest assessment dates (ISO), "" when none assessed
    last_assessed: str
    quartile_method: str = QUARTILE_METHOD
    size_rule: str = SIZE_RULE


def quartiles(values: Iterable[Fraction]) -> Quartiles | None:
    """Minimum, Q1, median, Q3 and maximum by QUARTILE_METHOD (None for no values)."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        (only,) = data
        return Quartiles(1, only, only, only, only, only)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Quartiles(len(data), data[0], Fraction(q1), Fraction(median), Fraction(q3), data[-1])


def histogram(scores: Sequence[Fraction]) -> tuple[Bin, ...]:
    """BINS equal bins from 0 to 1; a score on a boundary goes to the upper bin, 1 to the last."""
    counts = Counter(min(int(s * BINS), BINS - 1) for s in scores)
    return tuple(Bin(Fraction(i, BINS), Fraction(i + 1, BINS), counts[i]) for i in range(BINS))


def _grades(rule_set: RuleSet | None, rows: Sequence[PortfolioRow]) -> tuple[GradeCount, ...]:
    counts = Counter(r.grade or "" for r in rows)
    bands = rule_set.grade_scale.bands if rule_set and rule_set.grade_scale else ()
    if not bands and not any(counts):
        return ()  # the rule set gives no grade
    ordered = [GradeCount(b.grade, b.label, counts.pop(b.grade, 0)) for b in bands]
    ungraded = counts.pop("", 0)
    ordered += [GradeCount(g, "", n) for g, n in sorted(counts.items())]  # a grade not in the scale
    if ungraded or not bands:
        ordered.append(GradeCount("", "no grade (coverage below the scale's minimum)", ungraded))
    return tuple(ordered)


def _gates(rule_set: RuleSet | None, rows: Sequence[PortfolioRow]) -> tuple[GateCount, ...]:
    titles = {g.id: g.title for g in rule_set.gates} if rule_set else {}
    failed = Counter(g for r in rows for g in r.gates_failed)
    undecided = Counter(g for r in rows for g in r.gates_undecided)
    passed = Counter(g for r in rows for g in r.gates_passed)
    ids = sorted(set(titles) | set(failed) | set(undecided) | set(passed))
    counts = [
        GateCount(g, titles.get(g, g), failed[g], undecided[g], passed[g])
        for g in ids
        if failed[g] or undecided[g] or passed[g]
    ]
    return tuple(sorted(counts, key=lambda c: (-c.failed, -c.undecided, c.id)))[:TOP]


def _indicators(
    rule_set: RuleSet | None, rows: Sequence[PortfolioRow]
) -> tuple[tuple[IndicatorCount, ...], int]:
    known: dict[str, Indicator] = {i.id: i for i in rule_set.indicators()} if rule_set else {}
    failed = Counter(i for r in rows for i in r.failed_indicators)
    order = {i: n for n, i in enumerate(known)}
    ranked = sorted(failed, key=lambda i: (-failed[i], order.get(i, len(order)), i))
    counts = tuple(
        IndicatorCount(
            i,
            known[i].title if i in known else i,
            known[i].critical if i in known else False,
            failed[i],
        )
        for i in ranked[:TOP]
    )
    return counts, len(failed)


def _peer_keys(item: BatchItem) -> dict[str, str]:
    form = item.peer_facts.legal_form
    return {
        "country": country_name(item.country) if item.country else "country unknown",
        "legal form": str(LEGAL_FORM.get(form, form)) if form else "legal form unknown",
        "size class": item.peer_facts.size_class or NO_SIZE,
    }


def _peers(
    pairs: Sequence[tuple[BatchItem, PortfolioRow]], dimensions: Sequence[str]
) -> tuple[PeerGroup, ...]:
    groups: dict[tuple[str, str], list[PortfolioRow]] = {}
    for item, row in pairs:
        keys = _peer_keys(item)
        for dimension in dimensions:
            groups.setdefault((dimension, keys[dimension]), []).append(row)
    rank = {d: n for n, d in enumerate(dimensions)}
    return tuple(
        PeerGroup(
            dimension,
            name,
            quartiles(r.score for r in rows if r.score is not None),
            quartiles(r.coverage for r in rows if r.coverage is not None),
        )
        for (dimension, name), rows in sorted(
            groups.items(), key=lambda g: (rank[g[0][0]], g[0][1])
        )
    )


def _framework(
    framework: str,
    pairs: Sequence[tuple[BatchItem, PortfolioRow]],
    rule_set: RuleSet | None,
    dimensions: Sequence[str],
) -> FrameworkSummary:
    everyone = len(pairs)
    versions = tuple(sorted({row.framework_version for _, row in pairs}))
    pairs = [(item, row) for item, row in pairs if row.coverage != 0]
    rows = [row for _, row in pairs]
    scores = tuple(sorted(r.score for r in rows if r.score is not None))
    indicators, distinct = _indicators(rule_set, rows)
    return FrameworkSummary(
        id=framework,
        title=rule_set.title if rule_set else framework,
        versions=versions,
        institutions=len(rows),
        no_evidence=everyone - len(rows),
        not_rated=len(rows) - len(scores),
        scores=scores,
        score=quartiles(scores),
        coverage=quartiles(r.coverage for r in rows if r.coverage is not None),
        histogram=histogram(scores),
        grades=_grades(rule_set, rows),
        gates=_gates(rule_set, rows),
        indicators=indicators,
        indicators_failed=distinct,
        peers=_peers(pairs, dimensions),
    )


def summarise(items: Sequence[BatchItem], rule_sets: Sequence[RuleSet]) -> PortfolioSummary:
    """The portfolio summary of a batch's items, against the rule sets they were assessed with."""
    by_id: Mapping[str, RuleSet] = {rs.id: rs for rs in rule_sets}
    assessed = [i for i in items if i.exit_code is ExitCode.OK]
    dimensions = ["country", "legal form", "size class"]
    absent = []
    if assessed and not any(i.peer_facts.legal_form for i in assessed):
        absent.append("legal form")
    if assessed and not any(i.peer_facts.size_class for i in assessed):
        absent.append("size class")
    dimensions = [d for d in dimensions if d not in absent]
    pairs: dict[str, list[tuple[BatchItem, PortfolioRow]]] = {}
    for item in assessed:
        for row in item.rows:
            pairs.setdefault(row.framework, []).append((item, row))
    order: dict[str, int] = {rs.id: n for n, rs in enumerate(rule_sets)}
    frameworks = tuple(
        _framework(f, pairs[f], by_id.get(f), dimensions)
        for f in sorted(pairs, key=lambda f: (order.get(f, len(order)), f))
    )
    not_assessed = tuple(
        NotAssessed(
            i.source.name,
            "refused" if i.exit_code is ExitCode.INVALID_INPUT else "error",
            len(i.problems),
            i.problems[0] if i.problems else "",
        )
        for i in items
        if i.exit_code is not ExitCode.OK
    )
    return PortfolioSummary(
        files=len(items),
        assessed=len(assessed),
        frameworks=frameworks,
        not_assessed=not_assessed,
        dimensions=tuple(dimensions),
        dimensions_absent=tuple(absent),
        first_assessed=min((i.assessed_on for i in assessed), default=""),
        last_assessed=max((i.assessed_on for i in assessed), default=""),
    )
