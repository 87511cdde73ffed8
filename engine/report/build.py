"""`build_report`: an `AuditResult` and an audience → the typed `Report` every human format lays out.

The audience policy is applied here, once: what a reader may not see is left out of the report.
Ordering, key findings, gaps, the merged action plan, labels and plurals are decided here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from engine.errors import Position
from engine.model import (
    ActionItem,
    AuditResult,
    CrossLink,
    DocumentRef,
    FrameworkResult,
    GateResult,
    GradeResult,
    NodeScore,
    ScoredIndicator,
    Status,
)
from engine.report.actions import build_actions, group_actions, severity
from engine.report.audience import Audience, AudiencePolicy, policy_for
from engine.report.labels import (
    ASSESSMENT_TYPE,
    PATHWAY_LABEL,
    STATUS_LABEL,
    VERDICT_LABEL,
    pct,
    pct_nb,
    value_text,
)
from engine.report.model import (
    CitedDocument,
    DocumentView,
    FactLine,
    FrameworkView,
    GateView,
    GradeView,
    IndicatorView,
    Landing,
    NodeView,
    OverrideView,
    PathwayRow,
    Person,
    Report,
)
from engine.score import FORMULA

KEY_FINDINGS = 5  # the executive summary names the five findings that cost most points
FINDING_CARDS = 10  # the most severe findings get a card with their evidence; the rest a line
COSTLIEST_GAPS = 5
GATE_LIST_IN_FULL = 6  # a gate names more parts not met by id and score only


def build_report(result: AuditResult, audience: Audience | str = Audience.FULL) -> Report:
    """Everything the human formats show, for one audience."""
    policy = policy_for(audience)
    evidence = result.evidence
    institution, assessment = evidence.institution, evidence.assessment
    approved = assessment.get("status") == "approved"
    status = str(assessment.get("status", "draft"))
    status_label = "Approved" if approved else "Draft" if status == "draft" else "Reviewed"
    assessors = _assessors(_list(assessment.get("assessors")), policy)
    frameworks = tuple(_framework(f, result, policy) for f in result.frameworks)
    actions = build_actions(frameworks) if policy.action_plan else ()
    count = len(frameworks)
    several = count > 1
    type_code = str(assessment["type"])
    period = _mapping(assessment["period"])
    return Report(
        policy=policy,
        title=f"Social performance assessment — {institution['name']}",
        language=str(assessment.get("language", "en")),
        institution_name=str(institution["name"]),
        institution_short_name=str(institution.get("short_name") or ""),
        country=str(institution["country"]),
        fictional=bool(institution.get("fictional", False)),
        assessment_title=str(assessment.get("title") or ""),
        assessment_type=ASSESSMENT_TYPE.get(type_code, type_code),
        period_text=f"{period['start']} to {period['end']}",
        period_start=str(period["start"]),
        period_end=str(period["end"]),
        assessed_on=str(assessment["assessed_on"]),
        modified_on=str(assessment.get("approved_on") or assessment["assessed_on"]),
        status_label=status_label,
        is_draft=not approved,
        draft_flag="APPROVED"
        if approved
        else f"DRAFT{'' if status_label == 'Draft' else ' — ' + status_label.upper()} — NOT APPROVED",
        approval_text=(
            f"{status_label} — approved by {assessment.get('approved_by')} on "
            f"{assessment.get('approved_on')}"
            if approved and policy.names
            else status_label
        ),
        approved_by=str(assessment.get("approved_by") or "") if policy.names else "",
        approved_on=str(assessment.get("approved_on") or ""),
        assessors=assessors,
        author_text=", ".join(a.name or a.organisation for a in assessors),
        frameworks=frameworks,
        frameworks_text="; ".join(f.title for f in frameworks),
        framework_ids_text=", ".join(f.id for f in frameworks),
        cover_notice=_cover_notice(several),
        summary_note=(
            "Score: the framework's overall score. Coverage: the share of applicable indicators "
            "assessed. Findings: indicators not met or partly met."
            + (
                " Grades are indicative, not a rating issued by an agency."
                if any(f.grade for f in frameworks)
                else ""
            )
        ),
        top_levels_text=", ".join(dict.fromkeys(f.top_level for f in frameworks)),
        points_note=(
            "Points: the share of the framework's overall score (out of 100) the indicator would "
            "add if fully met"
            + (
                "; an indicator not assessed counts as zero until its evidence is given"
                if any(f.not_assessed_counts_zero for f in frameworks)
                else ""
            )
            + "."
        ),
        scoring_note=_scoring_note(frameworks),
        any_grade=any(f.grade for f in frameworks),
        plan_note=(
            "One action per finding, most severe first"
            + (
                "; where findings in several frameworks are equivalent, one action settles them "
                "all and is listed once"
                if several
                else ""
            )
            + '. Owner and due date come from the evidence file; "to agree" where it gives none.'
        ),
        actions=actions,
        action_groups=group_actions(actions),
        shows_action_plan=policy.action_plan,
        shows_detail=True,
        documents=tuple(
            _document(d)
            for d in evidence.documents.values()
            if policy.shows_document(d.confidential)
        ),
        shows_documents=policy.documents,
        warnings=tuple(str(w) for w in result.warnings) if policy.evidence_text else (),
        engine_version=result.engine_version,
        evidence_file=PurePath(evidence.file).name,
        evidence_sha256=evidence.sha256,
    )


def _cover_notice(several: bool) -> str:
    s, are, it = ("s", "are", "They are") if several else ("", "is", "It is")
    return (
        f"The rule set{s} behind this report {are} modelled on the public framework{s} named "
        "above: structure and numbering follow the published documents, the wording, checks and "
        "thresholds are the spm-audit project's paraphrase and interpretation, and items marked "
        f'"inferred" were not confirmed from the published text. {it} not the official '
        f"instrument{s}, and the results are not an official audit, rating or certification. "
        "The methodology annex gives each rule set's own statement."
    )


def _scoring_note(frameworks: Sequence[FrameworkView]) -> str:
    zero = any(f.not_assessed_counts_zero for f in frameworks)
    return (
        "Every indicator gets a status from the evidence: met, partly met, not met, not assessed "
        "(no evidence) or not applicable. The rule set's scoring model turns statuses into scores "
        "(below, per framework). The denominator of every node is its counted indicators: met, "
        "partly met and not met"
        + (", and not assessed, counted as zero" if zero else "")
        + "; indicators not applicable are left out, and a node with nothing to count is not "
        "rated. Each indicator's effective weight, the share of the overall score it carries, is "
        'printed after its score in the detailed results ("w"); the points lost by a finding are '
        "its effective weight times what it missed. Coverage is the share of applicable "
        "indicators that were assessed. Scores are computed exactly and rounded only here."
    )


def _list(value: object) -> list[Mapping[str, object]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _assessors(raw: Sequence[Mapping[str, object]], policy: AudiencePolicy) -> tuple[Person, ...]:
    """The assessors; for an audience that sees no names, their organisations only."""
    people = tuple(_person(a) for a in raw)
    if policy.names:
        return people
    organisations = dict.fromkeys(p.organisation for p in people if p.organisation)
    return tuple(Person("", "", o, o) for o in organisations)


def _person(raw: Mapping[str, object]) -> Person:
    name, role, organisation = (str(raw.get(k) or "") for k in ("name", "role", "organisation"))
    line = name + (f", {role}" if role else "") + (f" ({organisation})" if organisation else "")
    return Person(name, (role or "assessor").capitalize(), organisation, line)


def _document(d: DocumentRef) -> DocumentView:
    return DocumentView(d.id, d.title, d.kind, d.date or "—", d.confidential)


def shown_position(position: Position | None) -> str | None:
    """A position with the file's base name, as reports print it."""
    return (
        None
        if position is None
        else f"{PurePath(position.file).name}:{position.line}:{position.column}"
    )


# ---------------------------------------------------------------------------------------------
# Frameworks
# ---------------------------------------------------------------------------------------------


def _framework(f: FrameworkResult, result: AuditResult, policy: AudiencePolicy) -> FrameworkView:
    rs = f.ruleset
    titles = {ns.node.id: ns.node.title for ns in f.nodes}
    plan = result.evidence.action_plan.get(rs.answers_key, {})
    indicators = [
        _indicator(si, f, result, plan.get(si.result.indicator.id), titles, policy)
        for si in f.indicators
    ]
    by_parent: dict[str, list[IndicatorView]] = {}
    for view in indicators:
        by_parent.setdefault(view.path[-1], []).append(view)
    children: dict[str | None, list[NodeScore]] = {}
    for ns in f.nodes:
        children.setdefault(ns.parent, []).append(ns)

    def tree(ns: NodeScore) -> NodeView:
        return _node(
            ns,
            tuple(tree(c) for c in children.get(ns.node.id, [])),
            tuple(by_parent.get(ns.node.id, [])),
        )

    findings = sorted(
        (i for i in indicators if i.status in (Status.FAIL, Status.PARTIAL)), key=severity
    )
    key_findings = _key_findings(findings)
    critical = sum(1 for i in findings if i.critical)
    shown_critical = sum(1 for i in key_findings if i.critical)
    method = str(rs.scoring.method)
    na = "0" if rs.scoring.not_assessed == "zero" else "left out"
    inferred = sum(1 for i in indicators if i.inferred)
    return FrameworkView(
        id=rs.id,
        title=rs.title,
        short_title=rs.short_title or rs.id,
        version=rs.version,
        based_on=rs.based_on,
        publisher=rs.publisher,
        disclaimer=rs.disclaimer,
        sources_text="; ".join(rs.sources),
        levels_text=", ".join(rs.levels),
        top_level=rs.levels[0],
        scoring_method=method.replace("_", " "),
        scoring_formula=FORMULA[rs.scoring.method].format(partial=float(rs.scoring.partial), na=na),
        not_assessed_counts_zero=rs.scoring.not_assessed == "zero",
        parameters=tuple(sorted((p.name, str(p.value)) for p in rs.parameters.values())),
        overall=_node(f.overall, (), ()),
        top=tuple(tree(ns) for ns in children.get(None, [])),
        gates=tuple(_gate(g) for g in f.gates),
        grade=_grade(f.grade),
        findings=tuple(findings),
        finding_count=len(findings),
        key_findings=tuple(key_findings),
        key_findings_title="The findings that cost most, and the most severe critical ones"
        if critical
        else "The findings that cost most",
        critical_note=(
            f"{critical} critical indicators are not or only partly met in all; the findings "
            "section lists every one."
            if shown_critical < critical
            else ""
        ),
        finding_cards=tuple(findings[:FINDING_CARDS]),
        further_findings=tuple(findings[FINDING_CARDS:]),
        costliest_gaps=tuple(
            sorted(
                (i for i in indicators if i.status is Status.NOT_ASSESSED and i.points_lost),
                key=lambda i: (-i.points_lost, i.id),
            )[:COSTLIEST_GAPS]
        ),
        gaps=tuple(i for i in indicators if i.status is Status.NOT_ASSESSED),
        not_applicable=tuple(i for i in indicators if i.status is Status.NOT_APPLICABLE),
        overridden=tuple(i for i in indicators if i.overridden),
        pathway=tuple(
            PathwayRow(
                PATHWAY_LABEL[p.stage],
                p.counts.applicable + p.counts.not_applicable,
                p.counts.passed,
                p.counts.partial,
                p.counts.failed,
                p.score,
                pct(p.score),
                0 if p.score is None else round(p.score * 100),
            )
            for p in f.pathway
        ),
        indicator_count=len(indicators),
        inferred_text=(
            f"{inferred} of {len(indicators)} indicators are marked inferred (not confirmed from "
            "the published text)."
        ),
        sha256=rs.sha256,
    )


def _key_findings(findings: Sequence[IndicatorView]) -> list[IndicatorView]:
    """For the executive summary: the findings that cost most points, and the most severe critical ones.

    Ordered like the findings section (most severe first).
    """
    costliest = sorted(findings, key=lambda i: (-i.points_lost, i.id))
    critical = [i for i in findings if i.critical]
    chosen = {i.id for i in costliest[:KEY_FINDINGS]} | {i.id for i in critical[:KEY_FINDINGS]}
    return [i for i in findings if i.id in chosen]


def _counts_text(ns: NodeScore) -> str:
    c = ns.counts
    return (
        f"{c.passed} met · {c.partial} partly · {c.failed} not met · "
        f"{c.not_assessed} not assessed · {c.not_applicable} n/a"
    )


def _node(
    ns: NodeScore, children: tuple[NodeView, ...], indicators: tuple[IndicatorView, ...]
) -> NodeView:
    return NodeView(
        id=ns.node.id,
        title=ns.node.title,
        level=ns.node.level,
        score=ns.score,
        coverage=ns.coverage,
        score_pct=pct(ns.score),
        coverage_pct=pct(ns.coverage),
        counts_text=_counts_text(ns),
        inferred=ns.node.inferred,
        provisional=ns.node.provisional,
        performance_data=ns.node.performance_data,
        children=children,
        indicators=indicators,
    )


def _gate(g: GateResult) -> GateView:
    parts = []
    if len(g.nodes_not_met) > GATE_LIST_IN_FULL:
        listed = ", ".join(f"{i} ({pct_nb(s)})" for i, _, s in g.nodes_not_met)
        parts.append(f"Not met: {len(g.nodes_not_met)} parts — {listed}.")
    elif g.nodes_not_met:
        parts.append(
            "Not met: " + "; ".join(f"{i} {t} ({pct_nb(s)})" for i, t, s in g.nodes_not_met) + "."
        )
    if g.critical_failures:
        parts.append(f" Critical indicators failed: {', '.join(g.critical_failures)}.")
    if g.undetermined:
        parts.append(f" Too little evidence for: {', '.join(g.undetermined)}.")
    if g.valid_until:
        parts.append(f" Valid until {g.valid_until}; surveillance audit due {g.surveillance_due}.")
    return GateView(
        g.gate.id,
        g.gate.title,
        g.gate.description,
        g.verdict,
        VERDICT_LABEL[g.verdict],
        "".join(parts),
    )


def _grade(g: GradeResult | None) -> GradeView | None:
    if g is None:
        return None
    after = ""
    if g.grade:
        after = f"({g.label})"
        if g.capped_by:
            after += f"; {g.reason} (uncapped: {g.uncapped_grade})"
    bands = "; ".join(
        f"{b.grade} {b.label} ≥\u00a0{round(b.min * 100)}\u00a0%" for b in g.scale.bands
    )
    return GradeView(
        g.grade, g.label, after, "" if g.grade else g.reason, g.scale.notice, g.scale.name, bands
    )


# ---------------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------------


def _indicator(
    si: ScoredIndicator,
    f: FrameworkResult,
    result: AuditResult,
    action: ActionItem | None,
    titles: Mapping[str, str],
    policy: AudiencePolicy,
) -> IndicatorView:
    r = si.result
    ind = r.indicator
    documents = result.evidence.documents
    cited = (
        tuple(
            CitedDocument(
                c.document,
                documents[c.document].title if c.document in documents else None,
                c.pages or None,
                c.note or None,
                documents[c.document].confidential if c.document in documents else False,
            )
            for c in r.answer.citations
            if policy.shows_document(
                documents[c.document].confidential if c.document in documents else False
            )
        )
        if r.answer is not None and policy.evidence_text
        else ()
    )
    facts = (
        tuple(FactLine(x.path, value_text(x.value), shown_position(x.position)) for x in r.facts)
        if policy.evidence_text
        else ()
    )
    standard_id = si.path[1] if len(si.path) > 1 else si.path[0] if si.path else ""
    override = None
    if r.override is not None and policy.evidence_text:
        override = OverrideView(
            r.override.by if policy.names else "", r.override.on, r.override.reason
        )
    return IndicatorView(
        framework=f.ruleset.id,
        id=ind.id,
        title=ind.title,
        path=si.path,
        status=r.status,
        status_label=STATUS_LABEL[r.status],
        computed_label=STATUS_LABEL[r.computed_status],
        score_pct=pct(si.score),
        effective_weight_pct=pct(si.effective_weight, 2),
        points_lost=si.points_lost,
        points_lost_pct=f"{float(si.points_lost) * 100:.2f}",
        critical=ind.critical,
        priority=si.priority,
        priority_label="" if si.priority is None else si.priority.capitalize(),
        pathway_label=PATHWAY_LABEL[ind.pathway],
        inferred=ind.inferred,
        benchmark=si.benchmark,
        finding=ind.finding_for(r.status),
        recommendation=ind.recommendation_for(r.status),
        explanation=r.explanation if policy.evidence_text else "",
        rests_on=_rests_on(si, facts, cited) if policy.evidence_text else "",
        facts=facts,
        documents=cited,
        evidence_sought=ind.evidence,
        evidence_sought_text="; ".join(ind.evidence),
        lands_in=tuple(_landing(x) for x in result.crosswalk.get((f.ruleset.id, ind.id), ())),
        override=override,
        overridden=r.override is not None,
        owner=(action.owner if policy.names else "") if action else "",
        due=action.due if action else "",
        progress=action.status.replace("_", " ") if action else "",
        standard_id=standard_id,
        standard_title=titles.get(standard_id, ""),
    )


def _landing(link: CrossLink) -> Landing:
    return Landing(
        link.framework, link.id, link.relation, link.status, str(link.status).replace("_", " ")
    )


def _documents_text(cited: Sequence[CitedDocument]) -> str:
    """'K-FIN p. 26-28; K-CREDIT p. 21-23'."""
    return "; ".join(f"{d.id}{' p. ' + d.pages if d.pages else ''}" for d in cited)


def _rests_on(
    si: ScoredIndicator, facts: Sequence[FactLine], cited: Sequence[CitedDocument]
) -> str:
    """What the detailed results print under an indicator.

    For a met indicator, a one-line account of what it rests on (facts read, the assessor's
    answer, documents); for the others the full explanation, then the documents cited.
    """
    r = si.result
    documents = _documents_text(cited)
    if r.status is not Status.PASS:
        return f"{r.explanation} Documents: {documents}." if documents else r.explanation
    parts = [f"{x.path} = {x.value_text}" for x in facts]
    if r.answer is not None:
        given = f" (given for {r.answer_source})" if r.answer_source else ""
        parts.append(f"assessor: {r.answer.answer}{given}")
    if documents:
        parts.append(documents)
    return "; ".join(parts) or r.explanation
