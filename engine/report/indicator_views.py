"""Indicator views of the typed report: one indicator's result as an audience may see it.

And a framework's findings alone (`framework_findings`), which the action plan of a JSON record or a
batch is built from without the rest of the report's layout (`engine.report.views`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from engine.errors import Position
from engine.i18n import SOURCE, current_language, date_text, number, translated
from engine.i18n import gettext as _
from engine.model import (
    ActionItem,
    AuditResult,
    CrossLink,
    FrameworkResult,
    IndicatorResult,
    ScoredIndicator,
    Status,
)
from engine.report.actions import severity
from engine.report.audience import AudiencePolicy
from engine.report.findings import (
    CitedDocument,
    FactLine,
    FrameworkFindings,
    IndicatorView,
    Landing,
    OverrideView,
)
from engine.report.labels import PATHWAY_LABEL, STATUS_LABEL, pct, value_text


def shown_position(position: Position | None) -> str | None:
    """A position with the file's base name, as reports print it."""
    return (
        None
        if position is None
        else f"{_base_name(position.file)}:{position.line}:{position.column}"
    )


@functools.lru_cache(maxsize=1024)
def _base_name(file: str) -> str:
    """A file's base name (cached: a report names the same few files thousands of times)."""
    return PurePath(file).name


def framework_findings(
    f: FrameworkResult, result: AuditResult, policy: AudiencePolicy
) -> FrameworkFindings:
    """A framework's findings alone, as `framework_view` gives them (what the action plan needs).

    Only the failed and partly met indicators are viewed: a JSON record or a batch needs the plan,
    not the views of the hundreds of indicators met.
    """
    titles = {
        ns.node.id: translated(ns.node.translations, "title", ns.node.title) for ns in f.nodes
    }
    plan = result.evidence.action_plan.get(f.ruleset.answers_key, {})
    found = (
        indicator_view(si, f, result, plan.get(si.result.indicator.id), titles, policy)
        for si in f.indicators
        if si.result.status in (Status.FAIL, Status.PARTIAL)
    )
    return FrameworkFindings(f.ruleset.id, tuple(sorted(found, key=severity)))


def indicator_view(
    si: ScoredIndicator,
    f: FrameworkResult,
    result: AuditResult,
    action: ActionItem | None,
    titles: Mapping[str, str],
    policy: AudiencePolicy,
) -> IndicatorView:
    """One indicator's result as the audience may see it."""
    r = si.result
    ind = r.indicator.in_language(current_language())
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
            r.override.by if policy.names else "",
            r.override.on,
            r.override.reason,
            r.override.authority,
            date_text(r.override.expires) if r.override.expires else "",
            "" if r.override.reaches_equivalents else _("this indicator only"),
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
        points_lost_pct=number(float(si.points_lost) * 100, 2),
        critical=ind.critical,
        priority=si.priority,
        priority_label="" if si.priority is None else _(si.priority.capitalize()),
        pathway_label=PATHWAY_LABEL[ind.pathway],
        inferred=ind.inferred,
        benchmark=si.benchmark,
        finding=ind.finding_for(r.status),
        recommendation=ind.recommendation_for(r.status),
        explanation=r.explanation if policy.evidence_text else "",
        summary=_words(r) if policy.evidence_text else "",
        rests_on=_rests_on(si, cited) if policy.evidence_text else "",
        facts=facts,
        documents=cited,
        evidence_sought=ind.evidence,
        evidence_sought_text="; ".join(ind.evidence),
        lands_in=tuple(_landing(x) for x in result.crosswalk.get((f.ruleset.id, ind.id), ())),
        override=override,
        overridden=r.override is not None,
        owner=(action.owner if policy.names else "") if action else "",
        due=action.due if action else "",
        progress=_(action.status.replace("_", " ")) if action else "",
        effort=action.effort if action else "",
        standard_id=standard_id,
        standard_title=titles.get(standard_id, ""),
        scored_from=tuple((q.framework, q.id) for q in r.sourced.questions) if r.sourced else (),
    )


def _landing(link: CrossLink) -> Landing:
    return Landing(
        link.framework,
        link.id,
        link.relation,
        link.status,
        _(str(link.status).replace("_", " ")),
    )


def _documents_text(cited: Sequence[CitedDocument]) -> str:
    """'K-FIN p. 26-28; K-CREDIT p. 21-23'."""
    return "; ".join(f"{d.id}{' ' + _('p.') + ' ' + d.pages if d.pages else ''}" for d in cited)


def _words(r: IndicatorResult) -> str:
    """An indicator's result in plain words, in the report's language where it has the patterns."""
    if not r.summary:
        return r.explanation
    if current_language() == SOURCE:
        return r.summary
    from engine.report.sentences import translated_words  # its patterns only for fr and es

    free = [r.answer.comment.strip()] if r.answer is not None else []
    if r.override is not None:
        free += [r.override.reason.strip(), r.override.by]
    return translated_words(r.summary, free)


def _rests_on(si: ScoredIndicator, cited: Sequence[CitedDocument]) -> str:
    """What the detailed results print under an indicator: its result in plain words, and documents.

    The machine trace is in the evidence-trail annex and the JSON.
    """
    documents = _documents_text(cited)
    words = _words(si.result)
    return f"{words} {_('Documents:')} {documents}." if documents else words
