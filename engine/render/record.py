"""The canonical record of a result: plain, JSON-ready data, validated by result.schema.json.

Every other format could be rebuilt from it. Scores are exact fractions, written twice: as the
nearest float (`score`) and exactly (`score_exact`, "numerator/denominator"). Positions name files
by their base name so the record does not depend on the working directory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from engine.errors import Position
from engine.model import (
    AuditResult,
    Counts,
    FrameworkResult,
    GateResult,
    GradeResult,
    NodeScore,
    RuleSet,
    ScoredIndicator,
)
from engine.report import Audience, AudiencePolicy, plan_actions, policy_for
from engine.report.findings import Action
from engine.report.indicator_views import shown_position
from engine.score import FORMULA

RECORD_VERSION = 1


def number(value: Fraction | None) -> float | None:
    """A fraction as the nearest float (None stays None)."""
    if type(value) is Fraction:  # what float() gives (Rational.__float__), without its two calls
        return value.numerator / value.denominator
    return None if value is None else float(value)


def exact(value: Fraction | None) -> str | None:
    """A fraction as 'numerator/denominator'."""
    return None if value is None else f"{value.numerator}/{value.denominator}"


def position(pos: Position | None) -> str | None:
    """A position with the file's base name."""
    return shown_position(pos)


def result_record(result: AuditResult, audience: Audience | str = Audience.FULL) -> dict[str, Any]:
    """The result as plain data: the complete record for `full`, the audience's view otherwise.

    What an audience may not see is withheld as the audience policy says: left out of lists
    (confidential documents, the action plan), or null (explanations, comments, names).
    """
    policy = policy_for(audience)
    record = _full_record(result)
    if result.progress is not None:
        from engine.render.comparison import comparison_record

        record["progress"] = comparison_record(result.progress)
    if result.peers is not None and policy.shows_peers:
        peers = dataclasses.asdict(result.peers)
        record["peers"] = peers | {"stats": [dataclasses.asdict(s) for s in result.peers.stats]}
    record["audience"] = str(policy.audience)
    record["action_plan"] = [action_record(a) for a in plan_actions(result, policy.audience)]
    return record if policy.audience is Audience.FULL else _withhold(record, policy)


def action_record(action: Action) -> dict[str, Any]:
    """One action of the merged action plan."""
    return {
        "recommendation": action.recommendation,
        "finding": action.finding,
        "status": str(action.status),
        "priority": None if action.priority is None else str(action.priority),
        "critical": action.critical,
        "settles": [{"framework": s.framework, "id": s.id} for s in action.settles],
        "owner": action.owner or None,
        "due": action.due or None,
        "progress": action.progress or None,
    }


def _withhold(record: dict[str, Any], policy: AudiencePolicy) -> dict[str, Any]:
    """The record with what `policy` does not show withheld (the record is modified and returned)."""
    confidential = {d["id"] for d in record["documents"] if d["confidential"]}
    record["documents"] = [
        d for d in record["documents"] if policy.shows_document(d["confidential"])
    ]
    if not policy.names:
        assessment = record["assessment"]
        for key in ("approved_by",):
            assessment.pop(key, None)
        assessment["assessors"] = [
            {k: v for k, v in a.items() if k != "name"} for a in assessment.get("assessors", [])
        ]
    if not policy.evidence_text:
        record["warnings"] = []
    progress = record.get("progress")
    if progress is not None:
        if not policy.action_plan:
            progress["previous_actions"] = []
        elif not policy.names:
            for action in progress["previous_actions"]:
                action["owner"] = None
        if not policy.evidence_text:
            progress["notes"] = []
    for expired in record["expired_overrides"]:
        if not policy.evidence_text:
            expired["reason"] = None
        if not policy.names:
            expired["by"] = None
    for framework in record["frameworks"]:
        for i in framework["indicators"]:
            i["evidence"]["documents"] = [
                d
                for d in i["evidence"]["documents"]
                if d["id"] not in confidential or policy.confidential_documents
            ]
            if not policy.evidence_text:
                i["explanation"] = i["summary"] = None
                i["evidence"] = {"documents": [], "facts": []}
            answer, override, action = i["answer"], i["override"], i["action"]
            if answer is not None:
                if not policy.evidence_text:
                    answer["comment"] = None
                    answer["position"] = None
                if not policy.names:
                    answer["by"] = None
            if override is not None:
                if not policy.evidence_text:
                    override["reason"] = None
                if not policy.names:
                    override["by"] = None
            if action is not None and not policy.action_plan:
                i["action"] = None
            elif action is not None and not policy.names:
                action["owner"] = None
    return record


def _scorecards(result: AuditResult) -> dict[str, Any]:
    """The poverty scorecards computed facts rest on, if any (the key is left out otherwise)."""
    used = result.evidence.scorecards
    if not used:
        return {}
    return {
        "scorecards": [
            {"id": s.id, "file": PurePath(s.file).name, "sha256": s.sha256} for s in used
        ]
    }


def _full_record(result: AuditResult) -> dict[str, Any]:
    """The whole result as plain data."""
    evidence = result.evidence
    return {
        "schema_version": RECORD_VERSION,
        "provenance": {
            "engine": "spm-audit",
            "engine_version": result.engine_version,
            "evidence": {"file": PurePath(evidence.file).name, "sha256": evidence.sha256},
            "rule_sets": [
                {
                    "id": f.ruleset.id,
                    "version": f.ruleset.version,
                    "sha256": f.ruleset.sha256,
                    "files": list(f.ruleset.files),
                }
                for f in result.frameworks
            ],
            **_scorecards(result),
        },
        "institution": dict(evidence.institution),
        "assessment": dict(evidence.assessment),
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind,
                "date": d.date or None,
                "pages": d.pages,
                "confidential": d.confidential,
            }
            for d in evidence.documents.values()
        ],
        "frameworks": [framework_record(f, result) for f in result.frameworks],
        "social_goals": social_goals_record(evidence.facts.get("social_goals")),
        "expired_overrides": [
            {
                "framework": fw,
                "id": rid,
                "status": str(o.status),
                "by": o.by,
                "on": o.on,
                "expires": o.expires.isoformat() if o.expires else None,
                "reason": o.reason,
            }
            for fw, per in result.evidence.expired_overrides.items()
            for rid, o in per.items()
        ],
        "conflicts": [
            {
                "framework": c.framework,
                "id": c.id,
                "status": str(c.status),
                "other_framework": c.other_framework,
                "other_id": c.other_id,
                "other_status": str(c.other_status),
            }
            for c in result.conflicts
        ],
        "warnings": [str(w) for w in result.warnings],
    }


GOAL_KEYS = ("id", "goal", "indicator", "unit", "direction", "baseline", "target", "actual")


def social_goals_record(raw: object) -> list[dict[str, Any]]:
    """The evidence's social goals (targets and actuals), so a later assessment can compare them."""
    goals = [g for g in raw if isinstance(g, Mapping)] if isinstance(raw, list) else []
    return [
        {
            **{key: goal.get(key) for key in GOAL_KEYS},
            "deadline": None if goal.get("deadline") is None else str(goal.get("deadline")),
        }
        for goal in goals
    ]


def _scoring(rule_set: RuleSet) -> dict[str, Any]:
    scoring = rule_set.scoring
    na = "0" if scoring.not_assessed == "zero" else "left out"
    return {
        "method": str(scoring.method),
        "partial": number(scoring.partial),
        "not_assessed": str(scoring.not_assessed),
        "formula": FORMULA[scoring.method].format(partial=float(scoring.partial), na=na),
    }


def framework_record(framework: FrameworkResult, result: AuditResult) -> dict[str, Any]:
    """One framework's results."""
    rs = framework.ruleset
    plan = result.evidence.action_plan.get(rs.answers_key, {})
    record = {
        "id": rs.id,
        "profile_of": rs.base,
        "title": rs.title,
        "version": rs.version,
        "publisher": rs.publisher,
        "based_on": rs.based_on,
        "disclaimer": rs.disclaimer,
        "sources": list(rs.sources),
        "levels": list(rs.levels),
        "scoring": _scoring(rs),
        "parameters": {p.name: p.value for p in rs.parameters.values()},
        "overall": node_record(framework.overall),
        "nodes": [node_record(n) for n in framework.nodes],
        "indicators": [indicator_record(i, result, plan, rs.id) for i in framework.indicators],
        "gates": [gate_record(g) for g in framework.gates],
        "grade": grade_record(framework.grade),
        "pathway": [
            {
                "stage": str(p.stage),
                "score": number(p.score),
                "score_exact": exact(p.score),
                "counts": counts_record(p.counts),
            }
            for p in framework.pathway
        ],
    }
    if framework.sources:  # only then: records without it stay as they were
        record["scored_from"] = [
            {
                "node": u.node,
                "framework": u.framework,
                "title": u.framework_title,
                "score": number(u.score),
                "score_exact": exact(u.score),
                "indicators": u.indicators,
                "questions": u.questions,
            }
            for u in framework.sources
        ]
    return record


def node_record(ns: NodeScore) -> dict[str, Any]:
    """A node's score, coverage and counts."""
    c = ns.counts
    return {
        "id": ns.node.id,
        "level": ns.node.level,
        "title": ns.node.title,
        "parent": ns.parent,
        "weight": number(ns.node.weight),
        "inferred": ns.node.inferred,
        "provisional": ns.node.provisional,
        "performance_data": ns.node.performance_data,
        "score": number(ns.score),
        "score_exact": exact(ns.score),
        "coverage": number(ns.coverage),
        "counts": counts_record(c),
    }


def counts_record(c: Counts) -> dict[str, int]:
    """Indicators per status."""
    return {
        "pass": c.passed,
        "partial": c.partial,
        "fail": c.failed,
        "not_applicable": c.not_applicable,
        "not_assessed": c.not_assessed,
    }


def indicator_record(
    si: ScoredIndicator, result: AuditResult, plan: Mapping[str, Any], framework_id: str
) -> dict[str, Any]:
    """One indicator's outcome with everything a report shows about it."""
    r = si.result
    ind = r.indicator
    documents = result.evidence.documents
    answer = None
    if r.answer is not None:
        answer = {
            "answer": str(r.answer.answer),
            "comment": r.answer.comment,
            "by": r.answer.answered_by or None,
            "on": r.answer.answered_on or None,
            "given_for": r.answer_source or None,
            "position": position(r.answer.position),
        }
    cited_documents = []
    if r.answer is not None:
        for c in r.answer.citations:
            doc = documents.get(c.document)
            cited_documents.append(
                {
                    "id": c.document,
                    "title": doc.title if doc else None,
                    "pages": c.pages or None,
                    "note": c.note or None,
                    "confidential": doc.confidential if doc else False,
                }
            )
    action = plan.get(ind.id)
    record = {
        "id": ind.id,
        "title": ind.title,
        "path": list(si.path),
        "status": str(r.status),
        "computed_status": str(r.computed_status),
        "score": number(si.score),
        "score_exact": exact(si.score),
        "weight": number(si.weight if si.weight is not None else ind.weight),
        "effective_weight": number(si.effective_weight),
        "effective_weight_exact": exact(si.effective_weight),
        "points_lost": number(si.points_lost),
        "critical": ind.critical,
        "priority": None if si.priority is None else str(si.priority),
        "pathway": str(ind.pathway),
        "method": str(ind.method),
        "inferred": ind.inferred,
        "explanation": r.explanation,
        "summary": r.summary,
        "evidence": {
            "documents": cited_documents,
            "facts": [
                {"path": f.path, "value": f.value, "position": position(f.position)}
                for f in r.facts
            ],
        },
        "evidence_sought": list(ind.evidence),
        "guidance": ind.guidance,
        "finding": ind.finding_for(r.status) or None,
        "recommendation": ind.recommendation_for(r.status) or None,
        "benchmark": si.benchmark,
        "check": ind.check.text if ind.check is not None else None,
        "answer": answer,
        "override": None
        if r.override is None
        else {
            "status": str(r.override.status),
            "reason": r.override.reason,
            "by": r.override.by,
            "on": r.override.on,
            "given_for": r.override_source or None,
            "authority": r.override.authority or None,
            "expires": r.override.expires.isoformat() if r.override.expires else None,
            "scope": "equivalents" if r.override.reaches_equivalents else "indicator",
        },
        "data_status": None if r.data_status is None else str(r.data_status),
        "answer_status": None if r.answer_status is None else str(r.answer_status),
        "action": None
        if action is None
        else {"owner": action.owner or None, "due": action.due or None, "status": action.status},
        "mappings": [
            {"framework": m.framework, "id": m.id, "relation": str(m.relation)}
            for m in ind.mappings
        ],
        "lands_in": [
            {
                "framework": link.framework,
                "id": link.id,
                "relation": str(link.relation),
                "status": str(link.status),
            }
            for link in result.crosswalk.get((framework_id, ind.id), ())
        ],
        "rule_position": position(ind.position),
    }
    if r.sourced is not None:
        record["scored_from"] = {
            "framework": r.sourced.framework,
            "score": number(r.sourced.score),
            "score_exact": exact(r.sourced.score),
            "questions": [
                {"id": q.id, "title": q.title, "status": str(q.status), "score": number(q.score)}
                for q in r.sourced.questions
            ],
        }
    return record


def gate_record(g: GateResult) -> dict[str, Any]:
    """A gate's verdict."""
    return {
        "id": g.gate.id,
        "title": g.gate.title,
        "description": g.gate.description,
        "verdict": str(g.verdict),
        "level": g.gate.each,
        "threshold": number(g.gate.threshold),
        "nodes_counted": g.nodes_counted,
        "not_met": [{"id": i, "title": t, "score": number(s)} for i, t, s in g.nodes_not_met],
        "critical_failures": list(g.critical_failures),
        "undetermined": list(g.undetermined),
        "coverage": number(g.coverage),
        "valid_until": g.valid_until,
        "surveillance_due": g.surveillance_due,
    }


def grade_record(g: GradeResult | None) -> dict[str, Any] | None:
    """The indicative grade."""
    if g is None:
        return None
    return {
        "scale": g.scale.name,
        "notice": g.scale.notice,
        "grade": g.grade,
        "label": g.label or None,
        "band": g.band or None,
        "uncapped_grade": g.uncapped_grade,
        "capped_by": list(g.capped_by),
        "reason": g.reason or None,
        "bands": [
            {"grade": b.grade, "min": number(b.min), "label": b.label} for b in g.scale.bands
        ],
    }
