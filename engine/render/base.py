"""The one template context: sorted, grouped and formatted, so templates do no arithmetic.

Built from the canonical record (`record.py`), so every human format shows exactly what the JSON
holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.model import AuditResult
from engine.render.record import result_record

STATUS_LABEL = {
    "pass": "Met",
    "partial": "Partly met",
    "fail": "Not met",
    "not_applicable": "Not applicable",
    "not_assessed": "Not assessed",
}
PATHWAY_LABEL = {
    "intent_design": "Intent and design",
    "internal_systems": "Internal systems and activities",
    "outputs": "Outputs",
    "outcomes": "Outcomes",
    "impact": "Impact",
}
ASSESSMENT_TYPE = {
    "self_assessment": "Self-assessment",
    "accompanied_self_assessment": "Accompanied self-assessment",
    "external_audit": "External audit",
    "social_rating": "Social rating",
    "due_diligence": "Investor due diligence",
}
KEY_FINDINGS = 5  # the executive summary names the five findings that cost most points
FINDING_CARDS = 10  # the most severe findings get a card with their evidence; the rest a line
VERDICT_LABEL = {"passed": "Passed", "failed": "Not passed", "not_determined": "Not determined"}


def pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage for display; '—' when not rated."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f} %"


_PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _severity(ind: Mapping[str, Any]) -> tuple[int, int, float]:
    """Findings order: priority, then critical first, then points lost (stable on document order)."""
    return (
        _PRIORITY_RANK.get(ind["priority"] or "", 3),
        0 if ind["critical"] else 1,
        -float(ind["points_lost"] or 0),
    )


def build_context(result: AuditResult, *, audience: str = "full") -> dict[str, Any]:
    """Everything the report templates show."""
    record = result_record(result)
    assessment = {
        "title": None,
        "approved_by": None,
        "approved_on": None,
        "status": "draft",
        "language": "en",
        "assessors": [],
        **record["assessment"],
    }
    institution = {
        "short_name": None,
        "legal_form": None,
        "website": None,
        "fictional": False,
        **record["institution"],
    }
    approved = assessment.get("status") == "approved"
    frameworks = [_framework(f, record, audience) for f in record["frameworks"]]
    return {
        "record": record,
        "audience": audience,
        "institution": institution,
        "assessment": assessment,
        "assessment_type": ASSESSMENT_TYPE.get(assessment["type"], assessment["type"]),
        "is_draft": not approved,
        "status_label": "Approved"
        if approved
        else "Draft"
        if assessment.get("status", "draft") == "draft"
        else "Reviewed",
        "assessors": [
            {"organisation": None, "role": None, **a} for a in assessment.get("assessors", [])
        ],
        "frameworks": frameworks,
        "action_plan": _by_priority(action_plan(frameworks)),
        "documents": record["documents"],
        "warnings": record["warnings"],
        "provenance": record["provenance"],
        "title": f"Social performance assessment — {institution['name']}",
    }


def _framework(f: Mapping[str, Any], record: Mapping[str, Any], audience: str) -> dict[str, Any]:
    nodes = {n["id"]: n for n in f["nodes"]}
    children: dict[str | None, list[Mapping[str, Any]]] = {}
    for n in f["nodes"]:
        children.setdefault(n["parent"], []).append(n)
    all_indicators = [_indicator(i, nodes, audience) for i in f["indicators"]]
    indicators_by_parent: dict[str, list[Mapping[str, Any]]] = {}
    for ind in all_indicators:
        indicators_by_parent.setdefault(ind["path"][-1], []).append(ind)

    def tree(node: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **_node(node),
            "children": [tree(c) for c in children.get(node["id"], [])],
            "indicators": indicators_by_parent.get(node["id"], []),
        }

    findings = sorted(
        (i for i in all_indicators if i["status"] in ("fail", "partial")), key=_severity
    )
    gaps = [i for i in all_indicators if i["status"] == "not_assessed"]
    not_applicable = [i for i in all_indicators if i["status"] == "not_applicable"]
    overridden = [i for i in all_indicators if i["override"]]
    key_findings = _key_findings(findings)
    critical = sum(1 for i in findings if i["critical"])
    top = [tree(n) for n in children.get(None, [])]
    pathway = _pathway(f)
    return {
        "id": f["id"],
        "title": f["title"],
        "version": f["version"],
        "based_on": f["based_on"],
        "publisher": f["publisher"],
        "disclaimer": f["disclaimer"],
        "sources": f["sources"],
        "levels": f["levels"],
        "scoring": f["scoring"],
        "parameters": sorted(f["parameters"].items()),
        "overall": _node(f["overall"]),
        "top": top,
        "gates": [_gate(g) for g in f["gates"]],
        "grade": f["grade"],
        "findings": findings,
        "key_findings": key_findings,
        "critical_findings": critical,
        "critical_not_shown": sum(1 for i in key_findings if i["critical"]) < critical,
        "finding_cards": findings[:FINDING_CARDS],
        "further_findings": findings[FINDING_CARDS:],
        "costliest_gaps": sorted(
            (i for i in all_indicators if i["status"] == "not_assessed" and i["points_lost"]),
            key=lambda i: (-float(i["points_lost"] or 0), i["id"]),
        )[:5],
        "gaps": gaps,
        "not_applicable": not_applicable,
        "overridden": overridden,
        "pathway": pathway,
        "indicator_count": len(all_indicators),
        "rule_set": next(r for r in record["provenance"]["rule_sets"] if r["id"] == f["id"]),
        "inferred_count": sum(1 for i in all_indicators if i["inferred"]),
    }


def action_plan(frameworks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One action per finding, with findings equivalent across the run's frameworks merged.

    An institution failing the same practice in three frameworks has one thing to fix, not three:
    findings linked by an `equivalent` mapping (directly or through a chain) become one action,
    which names every indicator it settles. The action takes the recommendation, priority and
    status of its most severe finding, and the owner and due date the evidence file gives for any
    of them. Actions are ordered like findings: most severe first.
    """
    order = {f["id"]: n for n, f in enumerate(frameworks)}
    findings = {(f["id"], i["id"]): i for f in frameworks for i in f["findings"]}
    parent = {key: key for key in findings}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key, finding in findings.items():
        for link in finding["lands_in"]:
            other = (link["framework"], link["id"])
            if link["relation"] == "equivalent" and other in findings:
                parent[root(other)] = root(key)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in findings:
        groups.setdefault(root(key), []).append(key)
    actions = []
    for members in groups.values():
        members.sort(key=lambda k: (_severity(findings[k]), order[k[0]], k[1]))
        lead = findings[members[0]]
        given = next((findings[k]["action"] for k in members if findings[k]["action"]), None) or {}
        actions.append(
            {
                "lead": lead,
                "recommendation": lead["recommendation"],
                "finding": lead["finding"],
                "status": "fail"
                if any(findings[k]["status"] == "fail" for k in members)
                else "partial",
                "priority_label": lead["priority_label"],
                "critical": any(findings[k]["critical"] for k in members),
                "settles": [
                    {"framework": k[0], "id": k[1], "status_label": findings[k]["status_label"]}
                    for k in sorted(members, key=lambda k: (order[k[0]], k[1]))
                ],
                "owner": given.get("owner"),
                "due": given.get("due"),
                "progress": (given.get("status") or "").replace("_", " ") or None,
            }
        )
    actions.sort(
        key=lambda a: (_severity(a["lead"]), a["settles"][0]["framework"], a["settles"][0]["id"])
    )
    return actions


def _by_priority(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions under headings: high, medium, low priority, then those with none set."""
    groups = []
    for label in ("High", "Medium", "Low", ""):
        chosen = [a for a in actions if a["priority_label"] == label]
        if chosen:
            title = f"{label} priority" if label else "No priority set"
            groups.append({"title": title, "actions": chosen})
    return groups


def _key_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For the executive summary: the findings that cost most points, and the most severe critical ones.

    Ordered like the findings section (most severe first).
    """
    costliest = sorted(findings, key=lambda i: (-float(i["points_lost"] or 0), i["id"]))
    critical = [i for i in findings if i["critical"]]
    chosen = {i["id"] for i in costliest[:KEY_FINDINGS]} | {
        i["id"] for i in critical[:KEY_FINDINGS]
    }
    return [i for i in findings if i["id"] in chosen]


def _node(n: Mapping[str, Any]) -> dict[str, Any]:
    c = n["counts"]
    return {
        **n,
        "score_pct": pct(n["score"]),
        "score_bar": 0 if n["score"] is None else round(n["score"] * 100),
        "coverage_pct": pct(n["coverage"]),
        "counts_text": f"{c['pass']} met · {c['partial']} partly · {c['fail']} not met · "
        f"{c['not_assessed']} not assessed · {c['not_applicable']} n/a",
        "rated": n["score"] is not None,
    }


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "missing"
    return str(value)


def _documents_text(i: Mapping[str, Any], audience: str) -> str:
    """'K-FIN p. 26-28; K-CREDIT p. 21-23': the documents a result cites that this audience sees."""
    return "; ".join(
        f"{d['id']}{' p. ' + d['pages'] if d['pages'] else ''}"
        for d in i["evidence"]["documents"]
        if audience == "full" or not d.get("confidential")
    )


def _rests_on(i: Mapping[str, Any], audience: str) -> str:
    """What the detailed results print under an indicator.

    For a met indicator, a one-line account of what it rests on (facts read, the assessor's
    answer, documents); for the others the full explanation, then the documents cited.
    """
    documents = _documents_text(i, audience)
    if i["status"] != "pass":
        return f"{i['explanation']} Documents: {documents}." if documents else i["explanation"]
    parts = [f"{f['path']} = {_value_text(f['value'])}" for f in i["evidence"]["facts"]]
    answer = i["answer"]
    if answer is not None:
        given = f" (given for {answer['given_for']})" if answer["given_for"] else ""
        parts.append(f"assessor: {answer['answer']}{given}")
    if documents:
        parts.append(documents)
    return "; ".join(parts) or i["explanation"]


def _indicator(
    i: Mapping[str, Any], nodes: Mapping[str, Mapping[str, Any]], audience: str
) -> dict[str, Any]:
    top = nodes.get(i["path"][0]) if i["path"] else None
    standard = nodes.get(i["path"][1]) if len(i["path"]) > 1 else top
    return {
        **i,
        "status_label": STATUS_LABEL[i["status"]],
        "rests_on": _rests_on(i, audience),
        "facts": [{**f, "value_text": _value_text(f["value"])} for f in i["evidence"]["facts"]],
        "computed_label": STATUS_LABEL[i["computed_status"]],
        "pathway_label": PATHWAY_LABEL[i["pathway"]],
        "score_pct": pct(i["score"]),
        "effective_weight_pct": pct(i["effective_weight"], 2),
        "points_lost_pct": f"{(i['points_lost'] or 0) * 100:.2f}",
        "dimension": top["title"] if top else "",
        "standard_id": standard["id"] if standard else "",
        "standard_title": standard["title"] if standard else "",
        "priority_label": (i["priority"] or "").capitalize(),
    }


def _gate(g: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **g,
        "verdict_label": VERDICT_LABEL[g["verdict"]],
        "threshold_pct": pct(g["threshold"]),
        "not_met": [{**n, "score_pct": pct(n["score"])} for n in g["not_met"]],
    }


def _pathway(f: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **p,
            "label": PATHWAY_LABEL[p["stage"]],
            "indicators": sum(p["counts"].values()),
            "score_pct": pct(p["score"]),
            "score_bar": 0 if p["score"] is None else round(p["score"] * 100),
        }
        for p in f["pathway"]
    ]
