"""The plain record of a comparison of two assessments (comparison.schema.json).

Written by `spm-audit compare --format json`, and as `progress` in the result record of
`assess --previous`. Scores are shares (0.05 is 5 points), written as floats; changes also exactly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.model.progress import (
    CitedEvidence,
    Comparison,
    FindingChange,
    FrameworkComparison,
    GoalProgress,
    ScoreDelta,
    SelfVsExternal,
    Side,
)

COMPARISON_VERSION = 1


def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _side(s: Side) -> dict[str, Any]:
    return {
        "file": s.file,
        "institution": s.institution,
        "assessment_type": s.assessment_type,
        "period": {"start": s.period_start, "end": s.period_end},
        "assessed_on": s.assessed_on,
    }


def _delta(d: ScoreDelta) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "level": d.level,
        "parent": d.parent,
        "old_score": _number(d.old_score),
        "new_score": _number(d.new_score),
        "delta": _number(d.delta),
        "delta_exact": None if d.delta is None else _signed_exact(d.delta),
        "old_coverage": _number(d.old_coverage),
        "new_coverage": _number(d.new_coverage),
        "coverage_delta": _number(d.coverage_delta),
    }


def _signed_exact(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _status(value: object) -> str | None:
    return None if value is None else str(value)


def _framework(f: FrameworkComparison) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "old_version": f.old_version,
        "new_version": f.new_version,
        "overall": _delta(f.overall),
        "nodes": [_delta(n) for n in f.nodes],
        "status_changes": [
            {
                "id": c.id,
                "title": c.title,
                "old": _status(c.old),
                "new": _status(c.new),
                "critical": c.critical,
            }
            | ({"was": list(c.was)} if c.was else {})
            for c in f.status_changes
        ],
        "findings": {
            str(kind): [
                {
                    "id": x.id,
                    "title": x.title,
                    "old": _status(x.old),
                    "new": _status(x.new),
                    "critical": x.critical,
                    "finding": x.finding or None,
                }
                | ({"was": list(x.was)} if x.was else {})
                for x in f.findings_of(kind)
            ]
            for kind in FindingChange
        },
        "gates": [
            {"id": g.id, "title": g.title, "old": _status(g.old), "new": _status(g.new)}
            for g in f.gates
        ],
        "grade": {"old": f.old_grade, "new": f.new_grade},
    }


def _goal(g: GoalProgress) -> dict[str, Any]:
    return {
        "id": g.id,
        "goal": g.goal,
        "indicator": g.indicator,
        "unit": g.unit,
        "direction": g.direction,
        "old": {"target": g.old_target, "actual": g.old_actual, "met": g.old_met},
        "new": {"target": g.new_target, "actual": g.new_actual, "met": g.new_met},
    }


def _cited(e: CitedEvidence) -> dict[str, Any]:
    return {
        "answer": e.answer or None,
        "comment": e.comment or None,
        "documents": list(e.documents),
        "facts": list(e.facts),
        "summary": e.summary or None,
    }


def _self_vs_external(s: SelfVsExternal) -> dict[str, Any]:
    return {
        "compared": s.compared,
        "rated_same": s.rated_same,
        "rated_lower": s.rated_lower,
        "rated_higher": [
            {
                "framework": g.framework,
                "id": g.id,
                "title": g.title,
                "critical": g.critical,
                "self": str(g.self_status),
                "external": str(g.external_status),
                "self_evidence": _cited(g.self_evidence),
                "external_evidence": _cited(g.external_evidence),
            }
            for g in s.rated_higher
        ],
    }


def comparison_record(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data."""
    record = _comparison_record(c)
    if c.self_vs_external is not None:
        record["self_vs_external"] = _self_vs_external(c.self_vs_external)
    return record


def _comparison_record(c: Comparison) -> dict[str, Any]:
    return {
        "schema_version": COMPARISON_VERSION,
        "old": _side(c.old),
        "new": _side(c.new),
        "notes": list(c.notes),
        "frameworks": [_framework(f) for f in c.frameworks],
        "goals": [_goal(g) for g in c.goals],
        "previous_actions": [
            {
                "recommendation": a.recommendation,
                "settles": [
                    {"framework": s.framework, "id": s.id, "old": str(s.old), "new": _status(s.new)}
                    for s in a.settles
                ],
                "owner": a.owner or None,
                "due": a.due or None,
                "critical": a.critical,
                "state": str(a.state),
            }
            for a in c.actions
        ],
    }
