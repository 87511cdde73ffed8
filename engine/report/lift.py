"""What the action plan would lift, in the report of a self-assessment (issue 12).

An institution preparing for a rating reads which actions would pass a failed gate or reach the
next grade band ("these five actions lift the grade to B"), computed by `engine.whatif`: each
action's indicators set to pass and the frameworks rescored by the same scoring, not estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from engine.i18n import N_, SOURCE, current_language, number
from engine.i18n import gettext as _
from engine.model import AuditResult, FrameworkResult
from engine.report.findings import Action
from engine.report.labels import pct
from engine.report.model import FrameworkView, LiftRow, LiftView
from engine.report.progress import trend
from engine.whatif import WHY_NOT_GATE, Candidate, Gain, Target, WhatIf, what_if

SELF_TYPES = frozenset({"self_assessment", "accompanied_self_assessment"})
BEST = 5  # the actions listed for what they change on their own
NAMED = 8  # a set of more actions is named by its first ones and a count
# why a target is out of reach, as engine.whatif says it, for the catalogue
REASONS = {
    WHY_NOT_GATE: N_(
        "too little of its scope is assessed: it needs evidence for the indicators not assessed, "
        "which no action of the plan gives"
    ),
    "not even every action of the plan together reaches it": N_(
        "not even every action of the plan together reaches it"
    ),
}


def lift_view(
    result: AuditResult, frameworks: Sequence[FrameworkView], actions: Sequence[Action]
) -> LiftView | None:
    """The what-if of a self-assessment's action plan; None for other assessments or no plan."""
    if str(result.evidence.assessment.get("type")) not in SELF_TYPES or not actions:
        return None
    shown = {f.id: f for f in frameworks}
    candidates = [
        Candidate(n, a.recommendation, tuple((s.framework, s.id) for s in a.settles))
        for n, a in enumerate(actions, start=1)
    ]
    w = what_if(
        [f for f in result.frameworks if f.ruleset.id in shown],
        candidates,
        result.evidence.dates.assessed_on,
    )
    names = {f.id: f.short_title for f in frameworks}
    results: dict[str, FrameworkResult] = {f.ruleset.id: f for f in result.frameworks}
    return LiftView(
        intro=_(
            "What the action plan would change if its actions were done, each action's "
            "indicators being met and the frameworks rescored exactly (not estimated). The "
            "actions are those of the roadmap and the action plan."
        ),
        targets=tuple(_target(t, candidates, names, results.get(t.framework)) for t in w.targets),
        best=tuple(_row(g, names) for g in _best(w)),
    )


def _best(w: WhatIf) -> list[Gain]:
    return [g for g in w.gains if g.points > 0 or g.gates_passed][:BEST]


def _row(g: Gain, names: dict[str, str]) -> LiftRow:
    parts = []
    for before, after in zip(g.before, g.after, strict=True):
        delta = None if before.score is None or after.score is None else after.score - before.score
        part = f"{names.get(after.framework, after.framework)} {trend(delta)}"
        if before.grade != after.grade:
            part += _(", grade {before} → {after}").format(before=before.grade, after=after.grade)
        parts.append(part)
    passes = _("; passes {gates}").format(gates=", ".join(g.gates_passed))
    return LiftRow(
        g.action.recommendation,
        ", ".join(f"{f} {i}" for f, i in g.action.settles),
        "; ".join(parts) + (passes if g.gates_passed else ""),
    )


def _title(t: Target, framework: FrameworkResult | None) -> str:
    """What the target is, in the report's language ('pass Client protection essentials')."""
    if current_language() == SOURCE or framework is None:
        return t.title
    if t.kind == "gate":
        gate = next((g.gate.title for g in framework.gates if g.gate.id == t.id), t.id)
        return _("pass {gate}").format(gate=gate)
    bands = framework.ruleset.grade_scale.bands if framework.ruleset.grade_scale else ()
    band = next((b for b in bands if b.grade == t.id), None)
    if band is None:
        return _("get a grade")
    return _("reach grade {grade} ({label}, from {min} %)").format(
        grade=band.grade, label=band.label, min=number(float(band.min * 100), None)
    )


def _target(
    t: Target,
    candidates: Sequence[Candidate],
    names: dict[str, str],
    result: FrameworkResult | None = None,
) -> str:
    framework = names.get(t.framework, t.framework)
    title = _title(t, result)
    if not t.reachable:
        reason = _(REASONS[t.reason]) if t.reason in REASONS else t.reason
        return _("{framework} — {target}: out of reach of the action plan ({reason}).").format(
            framework=framework, target=title, reason=reason
        )
    chosen = [c for c in candidates if c.number in t.actions]
    settled = [f"{i}" for c in chosen for f, i in c.settles if f == t.framework]
    named = ", ".join(settled[:NAMED]) + (
        _(" and {count} more").format(count=len(settled) - NAMED) if len(settled) > NAMED else ""
    )
    after = t.after
    score = pct(after.score if after else Fraction(0))
    grade = _(", grade {grade}").format(grade=after.grade) if after and after.grade else ""
    how = _("no fewer actions would do") if t.exact else _("found step by step; fewer may do")
    return _(
        "{framework} — {target}: {count} action(s), those on {named} (then {score}{grade}; {how})."
    ).format(
        framework=framework,
        target=title,
        count=len(chosen),
        named=named,
        score=score,
        grade=grade,
        how=how,
    )
