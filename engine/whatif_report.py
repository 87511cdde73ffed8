"""The `whatif` report: a plain record (JSON, whatif.schema.json) and Markdown built from it alone."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.load import display_name
from engine.output import json_bytes
from engine.pipeline import what_if_file
from engine.report.progress import trend
from engine.whatif import Gain, Outcome, Target, WhatIf

WHATIF_VERSION = 1
TOP = 20  # actions the Markdown lists (the JSON has them all)


def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "framework": o.framework,
        "score": _number(o.score),
        "score_exact": _exact(o.score),
        "grade": o.grade,
        "gates": [{"id": g, "verdict": str(v)} for g, v in o.gates],
    }


def _gain(rank: int, g: Gain) -> dict[str, Any]:
    return {
        "rank": rank,
        "number": g.action.number,
        "recommendation": g.action.recommendation,
        "settles": [{"framework": f, "id": i} for f, i in g.action.settles],
        "points": _number(g.points),
        "points_exact": _exact(g.points),
        "gates_passed": list(g.gates_passed),
        "grade_steps": g.grade_steps,
        "before": [_outcome(o) for o in g.before],
        "after": [_outcome(o) for o in g.after],
    }


def _target(t: Target) -> dict[str, Any]:
    return {
        "framework": t.framework,
        "kind": t.kind,
        "id": t.id,
        "title": t.title,
        "reachable": t.reachable,
        "actions": list(t.actions),
        "exact": t.exact,
        "after": None if t.after is None else _outcome(t.after),
        "reason": t.reason,
    }


def whatif_record(w: WhatIf, file: str = "") -> dict[str, Any]:
    """The what-if as plain data."""
    return {
        "schema_version": WHATIF_VERSION,
        "file": file,
        "method": (
            "each action done: every indicator it settles set to pass and its frameworks "
            "rescored by the rule set's own scoring (exact); ranked by gates passed, then grade "
            "steps, then points of overall score summed over the frameworks it touches"
        ),
        "baseline": [_outcome(o) for o in w.baseline],
        "actions": [_gain(n, g) for n, g in enumerate(w.gains, start=1)],
        "targets": [_target(t) for t in w.targets],
    }


def _pct(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value * 100):.1f} %"


def _gates(o: Outcome) -> str:
    return ", ".join(f"{g} {str(v).replace('_', ' ')}" for g, v in o.gates) or "no gate"


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _change(g: Gain) -> str:
    parts = []
    for before, after in zip(g.before, g.after, strict=True):
        delta = None if before.score is None or after.score is None else after.score - before.score
        part = f"{after.framework} {trend(delta)}"
        if before.grade != after.grade:
            part += f", grade {before.grade} → {after.grade}"
        parts.append(part)
    return "; ".join(parts)


def whatif_markdown(w: WhatIf, file: str = "", top: int = TOP) -> str:
    """The what-if for people: where things stand, the best actions, the targets in reach."""
    lines = [
        f"# What if the actions were done{f': {file}' if file else ''}",
        "",
        "Each action is done when every indicator it settles is met; its frameworks are then "
        "rescored with the rule set's own scoring, so the changes are exact, not estimates. "
        "Changes are in points of the overall score (out of 100).",
        "",
        "## Now",
        "",
        "| framework | score | grade | gates |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {o.framework} | {_pct(o.score)} | {o.grade or '—'} | {_gates(o)} |" for o in w.baseline
    ]
    lines += [
        "",
        f"## Actions by what they would change ({min(top, len(w.gains))} of {len(w.gains)})",
        "",
        "Ranked by gates they would pass on their own, then grade bands, then points.",
        "",
        "| rank | plan # | action | settles | change | gates passed |",
        "|---|---|---|---|---|---|",
    ]
    for rank, g in enumerate(w.gains[:top], start=1):
        settles = ", ".join(f"{f} {i}" for f, i in g.action.settles)
        lines.append(
            f"| {rank} | {g.action.number} | {_md(g.action.recommendation)} | {settles} | "
            f"{_change(g)} | {', '.join(g.gates_passed) or '—'} |"
        )
    lines += ["", "## Targets", ""]
    if not w.targets:
        lines.append("None: every gate passes and every graded framework has its best grade.")
    for t in w.targets:
        lines += [f"### {t.framework}: {t.title}", ""]
        if not t.reachable:
            lines.append(f"Out of reach of the action plan: {t.reason}.")
        else:
            numbers = ", ".join(f"#{n}" for n in t.actions)
            assert t.after is not None  # noqa: S101 - a reachable target has its outcome
            lines.append(
                f"{len(t.actions)} action(s): {numbers}. Then: score {_pct(t.after.score)}, "
                f"grade {t.after.grade or '—'}, {_gates(t.after)}. Found by {t.reason}."
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def whatif_report(
    path: Path, frameworks: Sequence[str] = (), fmt: str = "markdown", top: int = TOP
) -> bytes:
    """`spm-audit whatif`: the what-if of a result JSON or evidence file, as Markdown or JSON."""
    w = what_if_file(path, frameworks)
    shown = display_name(path)
    if fmt == "json":
        return json_bytes(whatif_record(w, shown))
    return whatif_markdown(w, shown, top).encode("utf-8")
