"""Progress since the previous assessment, in the typed report (`assess --previous`).

Two things: every framework and node score gets its change beside it (`NodeView.trend`), and the
report gets a "Progress since the last assessment" section (`ProgressView`): score, grade and gate
changes, findings closed, new and recurring, indicators whose status changed, the social goals on
both dates and, where the audience sees the action plan, what became of the previous one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from fractions import Fraction

from engine.model import Status
from engine.model.progress import (
    ActionState,
    Comparison,
    FindingChange,
    FrameworkComparison,
    GoalProgress,
    ScoreDelta,
)
from engine.report.audience import AudiencePolicy
from engine.report.labels import STATUS_LABEL, VERDICT_LABEL, pct, plural
from engine.report.model import (
    FrameworkView,
    NodeView,
    ProgressFramework,
    ProgressRow,
    ProgressView,
)

ACTION_LABEL = {
    ActionState.DONE: "Done",
    ActionState.LATE: "Late",
    ActionState.OPEN: "Open",
    ActionState.NOT_ASSESSED: "Not assessed",
    ActionState.DROPPED: "Dropped",
}


def trend(delta: Fraction | None) -> str:
    """A change of score in points with an arrow: '▲ 3.2', '▼ 1.0', '= 0.0' ('' when none)."""
    if delta is None:
        return ""
    shown = f"{abs(float(delta * 100)):.1f}"
    if shown == "0.0":
        return "= 0.0"
    return f"▲ {shown}" if delta > 0 else f"▼ {shown}"


def trend_words(delta: ScoreDelta, since: str) -> str:
    """'up 3.2 points since 2026-01-30 (was 90 %)', or '' when the change is unknown."""
    change = delta.delta
    if change is None:
        return "" if delta.old_score is None else f"was {pct(delta.old_score)} on {since}"
    shown = f"{abs(float(change * 100)):.1f}"
    way = "unchanged" if shown == "0.0" else f"{'up' if change > 0 else 'down'} {shown} points"
    return f"{way} since {since} (was {pct(delta.old_score)})"


def with_trends(view: FrameworkView, comparison: Comparison) -> FrameworkView:
    """The framework's view with each score's change since the previous assessment beside it."""
    framework = comparison.framework(view.id)
    if framework is None or framework.old_version is None:
        return view
    deltas = {n.id: n for n in framework.nodes}
    deltas[view.overall.id] = framework.overall
    since = comparison.old.assessed_on

    def mark(node: NodeView) -> NodeView:
        delta = deltas.get(node.id)
        return dataclasses.replace(
            node,
            children=tuple(mark(c) for c in node.children),
            trend=trend(delta.delta) if delta else "",
            trend_text=trend_words(delta, since) if delta else "",
            previous_score=delta.old_score if delta else None,
        )

    return dataclasses.replace(
        view, overall=mark(view.overall), top=tuple(mark(n) for n in view.top)
    )


def _status(status: Status | None) -> str:
    return "absent" if status is None else STATUS_LABEL[status]


def _framework(f: FrameworkComparison) -> ProgressFramework:
    o = f.overall
    verdicts = []
    if f.old_grade != f.new_grade:
        verdicts.append(f"Indicative grade: {f.old_grade or 'none'} → {f.new_grade or 'none'}.")
    for g in f.gates:
        if g.old is not g.new:
            before = "not assessed" if g.old is None else VERDICT_LABEL[g.old].lower()
            now = "not assessed" if g.new is None else VERDICT_LABEL[g.new].lower()
            verdicts.append(f"{g.title}: {before} → {now}.")
    counts = [
        plural(len(f.findings_of(FindingChange.CLOSED)), "finding") + " closed",
        f"{len(f.findings_of(FindingChange.NEW))} new",
        f"{len(f.findings_of(FindingChange.RECURRING))} recurring",
    ]
    kinds = {x.id: str(x.change) for x in f.findings}
    return ProgressFramework(
        title=f.title,
        summary=(
            f"Overall {pct(o.old_score)} → {pct(o.new_score)}"
            + (f" ({trend(o.delta)} points)" if o.delta is not None else "")
            + f"; coverage {pct(o.old_coverage)} → {pct(o.new_coverage)}."
        ),
        verdicts=tuple(verdicts),
        findings_text=", ".join(counts) + ".",
        changes=tuple(
            ProgressRow(
                f"{c.id} (was {', '.join(c.was)})" if c.was else c.id,
                c.title,
                _status(c.old),
                _status(c.new),
                "critical" if c.critical else "",
                kinds.get(c.id, "changed"),
            )
            for c in f.status_changes
        ),
    )


def _goal_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("share", "rate", "%"):
        return f"{value * 100:.1f}".removesuffix(".0") + " %"
    return f"{value:,.2f}".removesuffix(".00")


def _goal_cell(target: float | None, actual: float | None, met: bool | None, unit: str) -> str:
    if target is None and actual is None:
        return "not set"
    verdict = "no data" if met is None else "met" if met else "missed"
    return f"{_goal_value(actual, unit)} against {_goal_value(target, unit)}: {verdict}"


def _goal(g: GoalProgress) -> ProgressRow:
    kind = {True: "met", False: "missed", None: "no_data"}[g.new_met]
    return ProgressRow(
        g.id,
        g.goal,
        _goal_cell(g.old_target, g.old_actual, g.old_met, g.unit),
        _goal_cell(g.new_target, g.new_actual, g.new_met, g.unit),
        g.indicator,
        kind,
    )


def progress_view(
    comparison: Comparison, policy: AudiencePolicy, shown: Sequence[str]
) -> ProgressView:
    """The progress section for one audience: `shown` names the frameworks the report lays out."""
    old = comparison.old
    frameworks = tuple(
        _framework(f)
        for f in comparison.frameworks
        if f.id in shown and f.old_version is not None and f.new_version is not None
    )
    actions: tuple[ProgressRow, ...] = ()
    tally: Mapping[ActionState, int] = {}
    if policy.action_plan:
        actions = tuple(
            ProgressRow(
                "; ".join(
                    f"{s.framework} {s.id}: {_status(s.old).lower()} → {_status(s.new).lower()}"
                    for s in a.settles
                ),
                a.recommendation,
                "",
                "",
                a.due or "—",
                str(a.state),
            )
            for a in comparison.actions
        )
        tally = {s: sum(a.state is s for a in comparison.actions) for s in ActionState}
    notes = tuple(n[0].upper() + n[1:] + "." for n in comparison.notes)
    return ProgressView(
        intro=(
            f"Compared with the previous assessment ({old.assessment_type.replace('_', ' ')}, "
            f"period {old.period_start} to {old.period_end}, assessed on {old.assessed_on}; "
            f"{old.file}). Changes are in points of the overall score (out of 100)."
        ),
        notes=notes if policy.evidence_text else (),
        frameworks=frameworks,
        goals=tuple(_goal(g) for g in comparison.goals),
        actions=actions,
        actions_text=(
            "Of the previous action plan: "
            + ", ".join(f"{n} {ACTION_LABEL[s].lower()}" for s, n in tally.items() if n)
            + ". Done: every indicator it settles is now met; late: still not met after its due "
            "date; open: still not met, not yet due or without a due date; dropped: its "
            "indicators are no longer assessed."
            if actions
            else ""
        ),
    )
