"""What the action plan would lift, in the report of a self-assessment (issue 12).

An institution preparing for a rating reads which actions would pass a failed gate or reach the
next grade band ("these five actions lift the grade to B"), computed by `engine.whatif`: each
action's indicators set to pass and the frameworks rescored by the same scoring, not estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from engine.model import AuditResult
from engine.report.labels import pct
from engine.report.model import Action, FrameworkView, LiftRow, LiftView
from engine.report.progress import trend
from engine.whatif import Candidate, Gain, Target, WhatIf, what_if

SELF_TYPES = frozenset({"self_assessment", "accompanied_self_assessment"})
BEST = 5  # the actions listed for what they change on their own
NAMED = 8  # a set of more actions is named by its first ones and a count


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
    return LiftView(
        intro=(
            "What the action plan would change if its actions were done, each action's "
            "indicators being met and the frameworks rescored exactly (not estimated). The "
            "actions are those of the roadmap and the action plan."
        ),
        targets=tuple(_target(t, candidates, names) for t in w.targets),
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
            part += f", grade {before.grade} → {after.grade}"
        parts.append(part)
    return LiftRow(
        g.action.recommendation,
        ", ".join(f"{f} {i}" for f, i in g.action.settles),
        "; ".join(parts) + (f"; passes {', '.join(g.gates_passed)}" if g.gates_passed else ""),
    )


def _target(t: Target, candidates: Sequence[Candidate], names: dict[str, str]) -> str:
    framework = names.get(t.framework, t.framework)
    if not t.reachable:
        return f"{framework} — {t.title}: out of reach of the action plan ({t.reason})."
    chosen = [c for c in candidates if c.number in t.actions]
    settled = [f"{i}" for c in chosen for f, i in c.settles if f == t.framework]
    named = ", ".join(settled[:NAMED]) + (
        f" and {len(settled) - NAMED} more" if len(settled) > NAMED else ""
    )
    after = t.after
    score = pct(after.score if after else Fraction(0))
    grade = f", grade {after.grade}" if after and after.grade else ""
    how = "no fewer actions would do" if t.exact else "found step by step; fewer may do"
    return (
        f"{framework} — {t.title}: {len(chosen)} action(s), those on {named} "
        f"(then {score}{grade}; {how})."
    )
