"""The `compare` report: a plain record (JSON, comparison.schema.json) and Markdown for people.

Scores are written as the nearest float and exactly ("numerator/denominator"), deltas in both too.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from engine.model.progress import (
    ActionState,
    CitedEvidence,
    Comparison,
    FindingChange,
    FrameworkComparison,
)
from engine.output import json_bytes
from engine.pipeline import compare_files
from engine.render.comparison import comparison_record
from engine.report.progress import trend

# --- Markdown ----------------------------------------------------------------------------------


def points(value: Fraction | None) -> str:
    """A score as points out of 100, one decimal ('—' when not rated)."""
    return "—" if value is None else f"{float(value * 100):.1f}"


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _status_word(value: object) -> str:
    return "absent" if value is None else str(value).replace("_", " ")


def _goal_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("share", "rate", "%"):
        return f"{value * 100:.0f} %"
    return f"{value:g}"


def _met_word(met: bool | None) -> str:
    return "no data" if met is None else "met" if met else "missed"


ACTION_WORDS = {
    ActionState.DONE: "done",
    ActionState.LATE: "late",
    ActionState.OPEN: "open",
    ActionState.NOT_ASSESSED: "not assessed",
    ActionState.DROPPED: "dropped",
}


def action_words(state: ActionState, due: str) -> str:
    """An action's state in words ('open, not yet due', 'open, no due date', 'late', …)."""
    if state is ActionState.OPEN:
        return "open, not yet due" if due else "open, no due date"
    return ACTION_WORDS[state]


def _goal_cell(target: float | None, actual: float | None, met: bool | None, unit: str) -> str:
    if target is None and actual is None:
        return "not set"
    return f"{_goal_value(target, unit)} / {_goal_value(actual, unit)} ({_met_word(met)})"


def comparison_markdown(c: Comparison, *, all_nodes: bool = False) -> str:
    """The comparison for people; nodes whose score did not move are left out unless `all_nodes`."""
    lines = [
        f"# Progress: {c.new.institution}",
        "",
        f"- Earlier: {c.old.file} — {c.old.assessment_type}, period {c.old.period_start} to "
        f"{c.old.period_end}, assessed {c.old.assessed_on}",
        f"- Later: {c.new.file} — {c.new.assessment_type}, period {c.new.period_start} to "
        f"{c.new.period_end}, assessed {c.new.assessed_on}",
    ]
    lines += [f"- Note: {n}" for n in c.notes]
    for f in c.frameworks:
        lines += ["", *_framework_md(f, all_nodes)]
    if c.goals:
        lines += [
            "",
            "## Social goals",
            "",
            "| goal | earlier: target / actual | later: target / actual |",
            "|---|---|---|",
        ]
        for g in c.goals:
            lines.append(
                f"| {_md(g.id)} {_md(g.goal)} | "
                f"{_goal_cell(g.old_target, g.old_actual, g.old_met, g.unit)} | "
                f"{_goal_cell(g.new_target, g.new_actual, g.new_met, g.unit)} |"
            )
    if c.actions:
        tally = {s: sum(a.state is s for a in c.actions) for s in ActionState}
        lines += [
            "",
            "## The earlier action plan",
            "",
            ", ".join(f"{n} {ACTION_WORDS[s]}" for s, n in tally.items() if n) + ".",
            "",
            "| action | settles (earlier → later) | due | state |",
            "|---|---|---|---|",
        ]
        for a in c.actions:
            settles = "; ".join(
                f"{s.framework} {s.id}: {_status_word(s.old)} → {_status_word(s.new)}"
                for s in a.settles
            )
            lines.append(
                f"| {_md(a.recommendation)} | {_md(settles)} | {a.due or '—'} | "
                f"{action_words(a.state, a.due)} |"
            )
    return "\n".join(lines) + "\n"


def _framework_md(f: FrameworkComparison, all_nodes: bool) -> list[str]:
    o = f.overall
    if f.old_version is None or f.new_version is None:
        which = "later" if f.old_version is None else "earlier"
        return [f"## {f.title}", "", f"Assessed in the {which} assessment only."]
    if not o.old_coverage and not o.new_coverage:
        return [f"## {f.title}", "", "Nothing assessed on either date."]
    lines = [
        f"## {f.title}",
        "",
        f"Overall: {points(o.old_score)} → {points(o.new_score)} ({trend(o.delta) or 'n/a'}); "
        f"coverage {points(o.old_coverage)} % → {points(o.new_coverage)} %.",
    ]
    if f.old_grade != f.new_grade:
        lines.append(f"Grade: {f.old_grade or 'none'} → {f.new_grade or 'none'}.")
    lines.extend(
        f"Gate {g.id}: {_status_word(g.old)} → {_status_word(g.new)}."
        for g in f.gates
        if g.old is not g.new
    )
    moved = [n for n in f.nodes if all_nodes or n.delta != 0 or n.coverage_delta != 0]
    if moved:
        lines += ["", "| node | earlier | later | change | coverage |", "|---|---|---|---|---|"]
        for n in moved:
            lines.append(
                f"| {_md(n.id)} {_md(n.title)} | {points(n.old_score)} | {points(n.new_score)} | "
                f"{trend(n.delta) or 'n/a'} | {points(n.old_coverage)} → "
                f"{points(n.new_coverage)} % |"
            )
    for kind, title in (
        (FindingChange.CLOSED, "Findings closed"),
        (FindingChange.NEW, "New findings"),
        (FindingChange.RECURRING, "Recurring findings"),
    ):
        found = f.findings_of(kind)
        if found:
            lines += ["", f"### {title} ({len(found)})", ""]
            lines += [
                f"- {x.id}{_was(x.was)} {x.title}: {_status_word(x.old)} → "
                f"{_status_word(x.new)}" + (" (critical)" if x.critical else "")
                for x in found
            ]
    listed = {x.id for x in f.findings}
    others = [c for c in f.status_changes if c.id not in listed]
    if others:
        lines += ["", f"### Other status changes ({len(others)})", ""]
        lines += [
            f"- {c.id}{_was(c.was)} {c.title}: {_status_word(c.old)} → {_status_word(c.new)}"
            for c in others
        ]
    return lines


def _was(ids: tuple[str, ...]) -> str:
    """' (was 4.A.1.3)' for an indicator the later rule set renamed ('' otherwise)."""
    return f" (was {', '.join(ids)})" if ids else ""


def _status_label(status: object) -> str:
    return {"pass": "met", "partial": "partly met", "fail": "not met"}.get(str(status), str(status))


def _evidence_md(e: CitedEvidence) -> str:
    parts = []
    if e.summary:
        parts.append(_md(e.summary))
    else:  # an edition without evidence text: what is left of it
        if e.answer:
            parts.append(f"answered {e.answer}")
        if e.facts:
            parts.append("data: " + "; ".join(_md(f) for f in e.facts))
    if e.documents:
        parts.append("Documents: " + "; ".join(_md(d) for d in e.documents) + ".")
    return " ".join(parts) or "no evidence cited"


def self_external_markdown(c: Comparison) -> str:
    """A self-assessment set against an external assessment, for people."""
    s = c.self_vs_external
    assert s is not None  # noqa: S101 - compare(..., self_assessment=True) sets it
    lines = [
        f"# Self-assessment and external assessment: {c.new.institution}",
        "",
        f"- Self-assessment: {c.old.file} — {c.old.assessment_type}, period "
        f"{c.old.period_start} to {c.old.period_end}, assessed {c.old.assessed_on}",
        f"- External: {c.new.file} — {c.new.assessment_type}, period {c.new.period_start} to "
        f"{c.new.period_end}, assessed {c.new.assessed_on}",
    ]
    lines += [f"- Note: {n}" for n in c.notes]
    lines += ["", "## Scores", "", "| framework | self | external | self minus external |"]
    lines.append("|---|---|---|---|")
    for f in c.frameworks:
        o = f.overall
        gap = None if o.delta is None else -o.delta
        lines.append(
            f"| {_md(f.title)} | {points(o.old_score)} | {points(o.new_score)} | "
            f"{trend(gap) or 'n/a'} |"
        )
    lines += [
        "",
        f"Of {s.compared} indicators both sides rated (met, partly met or not met): "
        f"{s.rated_same} the same, {len(s.rated_higher)} higher by the institution, "
        f"{s.rated_lower} lower by the institution.",
        "",
        f"## Where the institution rated itself higher ({len(s.rated_higher)})",
    ]
    if not s.rated_higher:
        lines += ["", "None."]
    for g in s.rated_higher:
        lines += [
            "",
            f"### {g.framework} {g.id} {_md(g.title)}" + (" (critical)" if g.critical else ""),
            "",
            f"- Self-assessment: **{_status_label(g.self_status)}** — "
            f"{_evidence_md(g.self_evidence)}",
            f"- External: **{_status_label(g.external_status)}** — "
            f"{_evidence_md(g.external_evidence)}",
        ]
    return "\n".join(lines) + "\n"


def compare_report(
    old: Path,
    new: Path,
    frameworks: Sequence[str] = (),
    fmt: str = "markdown",
    *,
    self_assessment: bool = False,
) -> bytes:
    """`spm-audit compare`: the comparison of two assessments as Markdown or JSON bytes."""
    comparison = compare_files(old, new, frameworks, self_assessment=self_assessment)
    if fmt == "json":
        return json_bytes(comparison_record(comparison))
    if self_assessment:
        return self_external_markdown(comparison).encode("utf-8")
    return comparison_markdown(comparison).encode("utf-8")
