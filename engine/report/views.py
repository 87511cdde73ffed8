"""Framework views of the typed report.

Scores, the node tree, gates, grade and findings in order, filtered by the audience policy; each
indicator's view is `engine.report.indicator_views`.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.i18n import date_text, number, translated
from engine.i18n import gettext as _
from engine.model import (
    AuditResult,
    FrameworkResult,
    GateResult,
    GradeResult,
    NodeScore,
    SourceUse,
    Status,
)
from engine.report.actions import severity
from engine.report.audience import AudiencePolicy
from engine.report.findings import IndicatorView
from engine.report.indicator_views import indicator_view
from engine.report.labels import PATHWAY_LABEL, STATUS_LABEL, VERDICT_LABEL, pct, pct_nb
from engine.report.model import (
    ExpiredWaiver,
    FrameworkView,
    GateView,
    GradeView,
    NodeView,
    PathwayRow,
)
from engine.score import FORMULA

KEY_FINDINGS = 5  # the executive summary names the five findings that cost most points
FINDING_CARDS = 10  # the most severe findings get a card with their evidence; the rest a line
COSTLIEST_GAPS = 5
GATE_LIST_IN_FULL = 6  # a gate names more parts not met by id and score only


# ---------------------------------------------------------------------------------------------
# Frameworks
# ---------------------------------------------------------------------------------------------


def framework_view(
    f: FrameworkResult, result: AuditResult, policy: AudiencePolicy
) -> FrameworkView:
    """One framework's results, ordered for reading and filtered for the audience."""
    rs = f.ruleset
    titles = {
        ns.node.id: translated(ns.node.translations, "title", ns.node.title) for ns in f.nodes
    }
    plan = result.evidence.action_plan.get(rs.answers_key, {})
    indicators = [
        indicator_view(si, f, result, plan.get(si.result.indicator.id), titles, policy)
        for si in f.indicators
    ]
    by_parent: dict[str, list[IndicatorView]] = {}
    for view in indicators:
        by_parent.setdefault(view.path[-1], []).append(view)
    children: dict[str | None, list[NodeScore]] = {}
    for ns in f.nodes:
        children.setdefault(ns.parent, []).append(ns)

    uses = {u.node: u for u in f.sources}

    def tree(ns: NodeScore) -> NodeView:
        return _node(
            ns,
            tuple(tree(c) for c in children.get(ns.node.id, [])),
            tuple(by_parent.get(ns.node.id, [])),
            uses.get(ns.node.id),
        )

    findings = sorted(
        (i for i in indicators if i.status in (Status.FAIL, Status.PARTIAL)), key=severity
    )
    key_findings = _key_findings(findings)
    critical = sum(1 for i in findings if i.critical)
    shown_critical = sum(1 for i in key_findings if i.critical)
    method = str(rs.scoring.method)
    na = "0" if rs.scoring.not_assessed == "zero" else _("left out")
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
        levels_text=", ".join(_(level) for level in rs.levels),
        top_level=_(rs.levels[0]),
        scoring_method=_(method.replace("_", " ")),
        scoring_formula=_(FORMULA[rs.scoring.method]).format(
            partial=number(float(rs.scoring.partial), None), na=na
        ),
        not_assessed_counts_zero=rs.scoring.not_assessed == "zero",
        parameters=tuple(sorted((p.name, str(p.value)) for p in rs.parameters.values())),
        overall=_node(f.overall, (), ()),
        top=tuple(tree(ns) for ns in children.get(None, [])),
        gates=tuple(_gate(g) for g in f.gates),
        grade=_grade(f.grade),
        findings=tuple(findings),
        finding_count=len(findings),
        key_findings=tuple(key_findings),
        key_findings_title=_("The findings that cost most, and the most severe critical ones")
        if critical
        else _("The findings that cost most"),
        critical_note=(
            _(
                "{count} critical indicators are not or only partly met in all; the findings "
                "section lists every one."
            ).format(count=critical)
            if shown_critical < critical
            else ""
        ),
        finding_cards=tuple(findings[:FINDING_CARDS]),
        further_findings=tuple(findings[FINDING_CARDS:]),
        further_note=(
            _(
                "The other {count} findings, less severe, are in the detailed results (each with "
                "its explanation) and in the action plan of Annex A (each with its recommendation)."
            ).format(count=len(findings) - FINDING_CARDS)
            if len(findings) > FINDING_CARDS
            else ""
        ),
        costliest_gaps=tuple(
            sorted(
                (i for i in indicators if i.status is Status.NOT_ASSESSED and i.points_lost),
                key=lambda i: (-i.points_lost, i.id),
            )[:COSTLIEST_GAPS]
        ),
        gaps=tuple(i for i in indicators if i.status is Status.NOT_ASSESSED),
        not_applicable=tuple(i for i in indicators if i.status is Status.NOT_APPLICABLE),
        overridden=tuple(i for i in indicators if i.overridden),
        expired_waivers=tuple(
            ExpiredWaiver(
                rid,
                STATUS_LABEL[o.status],
                date_text(o.expires) if o.expires else "",
                o.by if policy.names else "",
                o.reason if policy.evidence_text else "",
            )
            for rid, o in result.evidence.expired_overrides.get(rs.answers_key, {}).items()
        ),
        pathway=tuple(
            PathwayRow(
                PATHWAY_LABEL[p.stage],
                p.counts.applicable + p.counts.not_applicable,
                p.counts.passed,
                p.counts.partial,
                p.counts.failed,
                p.counts.not_assessed,
                p.score,
                pct(p.score),
                0 if p.score is None else round(p.score * 100),
            )
            for p in f.pathway
        ),
        indicator_count=len(indicators),
        inferred_text=_(
            "{inferred} of {count} indicators are marked inferred (not confirmed from the "
            "published text)."
        ).format(inferred=inferred, count=len(indicators)),
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
    return _(
        "{met} met · {partial} partly · {failed} not met · {not_assessed} not assessed · "
        "{not_applicable} n/a"
    ).format(
        met=c.passed,
        partial=c.partial,
        failed=c.failed,
        not_assessed=c.not_assessed,
        not_applicable=c.not_applicable,
    )


def source_note(use: SourceUse, indicator_count: int) -> str:
    """'Computed from the Green Index 3.0 answers (GI score 49.4 %): …', for a node's view."""
    initials = "".join(w[0] for w in use.framework_title.split() if w[:1].isupper())
    name = initials if len(initials) > 1 else use.framework_title
    return _(
        "Computed from the {framework} answers ({name} score {score}): {indicators} of its "
        "{count} indicators are the mean of the questions they stand for ({questions} in all)."
    ).format(
        framework=use.framework_title,
        name=name,
        score=pct(use.score, 1),
        indicators=use.indicators,
        count=indicator_count,
        questions=use.questions,
    )


def _node(
    ns: NodeScore,
    children: tuple[NodeView, ...],
    indicators: tuple[IndicatorView, ...],
    use: SourceUse | None = None,
) -> NodeView:
    total = ns.counts.applicable + ns.counts.not_applicable
    return NodeView(
        id=ns.node.id,
        title=translated(ns.node.translations, "title", ns.node.title),
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
        source_note="" if use is None else source_note(use, total),
    )


def _gate(g: GateResult) -> GateView:
    parts = []
    if len(g.nodes_not_met) > GATE_LIST_IN_FULL:
        listed = ", ".join(f"{i} ({pct_nb(s)})" for i, _, s in g.nodes_not_met)
        parts.append(
            _("Not met: {count} parts — {listed}.").format(
                count=len(g.nodes_not_met), listed=listed
            )
        )
    elif g.nodes_not_met:
        parts.append(
            _("Not met: {listed}.").format(
                listed="; ".join(f"{i} {t} ({pct_nb(s)})" for i, t, s in g.nodes_not_met)
            )
        )
    if g.critical_failures:
        parts.append(
            " " + _("Critical indicators failed: {ids}.").format(ids=", ".join(g.critical_failures))
        )
    if g.undetermined:
        parts.append(
            " " + _("Too little evidence for: {ids}.").format(ids=", ".join(g.undetermined))
        )
    if g.valid_until:
        parts.append(
            " "
            + _("Valid until {until}; surveillance audit due {due}.").format(
                until=date_text(g.valid_until), due=date_text(g.surveillance_due)
            )
        )
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
