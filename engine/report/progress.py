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

from engine.i18n import N_, SOURCE, current_language, date_text, ngettext, number
from engine.i18n import gettext as _
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
from engine.report.labels import ASSESSMENT_TYPE, STATUS_LABEL, VERDICT_LABEL, pct
from engine.report.model import (
    FrameworkView,
    NodeView,
    ProgressFramework,
    ProgressRow,
    ProgressView,
)

ACTION_LABEL = {
    ActionState.DONE: N_("done"),
    ActionState.LATE: N_("late"),
    ActionState.OPEN: N_("open"),
    ActionState.NOT_ASSESSED: N_("not assessed"),
    ActionState.DROPPED: N_("dropped"),
}


def trend(delta: Fraction | None) -> str:
    """A change of score in points with an arrow: '▲ 3.2', '▼ 1.0', '= 0.0' ('' when none)."""
    if delta is None:
        return ""
    points = abs(float(delta * 100))
    shown = number(points, 1)
    if f"{points:.1f}" == "0.0":
        return f"= {shown}"
    return f"▲ {shown}" if delta > 0 else f"▼ {shown}"


def trend_words(delta: ScoreDelta, since: str) -> str:
    """'up 3.2 points since 2026-01-30 (was 90 %)', or '' when the change is unknown."""
    change = delta.delta
    if change is None:
        if delta.old_score is None:
            return ""
        return _("was {score} on {date}").format(score=pct(delta.old_score), date=date_text(since))
    points = abs(float(change * 100))
    shown = number(points, 1)
    way = (
        _("unchanged")
        if f"{points:.1f}" == "0.0"
        else (_("up {points} points") if change > 0 else _("down {points} points")).format(
            points=shown
        )
    )
    return _("{change} since {date} (was {score})").format(
        change=way, date=date_text(since), score=pct(delta.old_score)
    )


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
    return _("absent") if status is None else STATUS_LABEL[status]


def _framework(f: FrameworkComparison, titles: Mapping[str, str]) -> ProgressFramework:
    """One framework's changes; `titles`: its own ('' key), its indicators' and gates' as shown."""
    o = f.overall
    verdicts = []
    if f.old_grade != f.new_grade:
        verdicts.append(
            _("Indicative grade: {before} → {now}.").format(
                before=f.old_grade or _("none"), now=f.new_grade or _("none")
            )
        )
    for g in f.gates:
        if g.old is not g.new:
            before = _("not assessed") if g.old is None else VERDICT_LABEL[g.old].lower()
            now = _("not assessed") if g.new is None else VERDICT_LABEL[g.new].lower()
            verdicts.append(f"{titles.get(g.id, g.title)}: {before} → {now}.")
    closed = len(f.findings_of(FindingChange.CLOSED))
    counts = [
        ngettext("{count} finding closed", "{count} findings closed", closed).format(count=closed),
        _("{count} new").format(count=len(f.findings_of(FindingChange.NEW))),
        _("{count} recurring").format(count=len(f.findings_of(FindingChange.RECURRING))),
    ]
    kinds = {x.id: str(x.change) for x in f.findings}
    summary = _("Overall {before} → {now}").format(before=pct(o.old_score), now=pct(o.new_score))
    if o.delta is not None:
        summary += " " + _("({trend} points)").format(trend=trend(o.delta))
    summary += _("; coverage {before} → {now}.").format(
        before=pct(o.old_coverage), now=pct(o.new_coverage)
    )
    return ProgressFramework(
        title=titles.get("", f.title),
        summary=summary,
        verdicts=tuple(verdicts),
        findings_text=", ".join(counts) + ".",
        changes=tuple(
            ProgressRow(
                _("{id} (was {ids})").format(id=c.id, ids=", ".join(c.was)) if c.was else c.id,
                titles.get(c.id, c.title),
                _status(c.old),
                _status(c.new),
                _("critical") if c.critical else "",
                kinds.get(c.id, "changed"),
            )
            for c in f.status_changes
        ),
    )


def _goal_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("share", "rate", "%"):
        shown = number(value * 100, 1)
        return shown.removesuffix(".0").removesuffix(",0") + " %"
    if current_language() == SOURCE:
        return f"{value:,.2f}".removesuffix(".00")
    return number(value, 2).removesuffix(",00")


def _goal_cell(target: float | None, actual: float | None, met: bool | None, unit: str) -> str:
    if target is None and actual is None:
        return _("not set")
    verdict = _("no data") if met is None else _("met") if met else _("missed")
    return _("{actual} against {target}: {verdict}").format(
        actual=_goal_value(actual, unit), target=_goal_value(target, unit), verdict=verdict
    )


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
    comparison: Comparison,
    policy: AudiencePolicy,
    shown: Sequence[str],
    titles: Mapping[str, Mapping[str, str]] | None = None,
) -> ProgressView:
    """The progress section for one audience: `shown` names the frameworks the report lays out.

    `titles`: by framework id, its title ('' key), its indicators' and its gates' titles in the
    report's language (default: as the comparison holds them, in English).
    """
    old = comparison.old
    named = titles or {}
    frameworks = tuple(
        _framework(f, named.get(f.id, {}))
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
                date_text(a.due) if a.due else "—",
                str(a.state),
            )
            for a in comparison.actions
        )
        tally = {s: sum(a.state is s for a in comparison.actions) for s in ActionState}
    notes = tuple(n[0].upper() + n[1:] + "." for n in comparison.notes)
    kind = old.assessment_type.replace("_", " ")
    if current_language() != SOURCE and old.assessment_type in ASSESSMENT_TYPE:
        kind = ASSESSMENT_TYPE[old.assessment_type].lower()
    return ProgressView(
        intro=_(
            "Compared with the previous assessment ({kind}, period {start} to {end}, assessed on "
            "{assessed}; {file}). Changes are in points of the overall score (out of 100)."
        ).format(
            kind=kind,
            start=date_text(old.period_start),
            end=date_text(old.period_end),
            assessed=date_text(old.assessed_on),
            file=old.file,
        ),
        notes=notes if policy.evidence_text else (),
        frameworks=frameworks,
        goals=tuple(_goal(g) for g in comparison.goals),
        actions=actions,
        actions_text=(
            _(
                "Of the previous action plan: {tally}. Done: every indicator it settles is now "
                "met; late: still not met after its due date; open: still not met, not yet due "
                "or without a due date; dropped: its indicators are no longer assessed."
            ).format(tally=", ".join(f"{n} {_(ACTION_LABEL[s])}" for s, n in tally.items() if n))
            if actions
            else ""
        ),
    )
