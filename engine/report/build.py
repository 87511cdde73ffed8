"""`build_report`: an `AuditResult` and an audience → the typed `Report` every human format lays out.

The audience policy is applied here, once: what a reader may not see is left out of the report.
Ordering, key findings, gaps, the merged action plan, labels and plurals are decided here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath

from engine.i18n import N_, date_text, use_language
from engine.i18n import gettext as _
from engine.model import AuditResult, DocumentRef, Node, RuleSet
from engine.report.actions import ROADMAP, build_actions, group_actions, roadmap
from engine.report.audience import Audience, AudiencePolicy, Edition, policy_for
from engine.report.labels import ASSESSMENT_TYPE, DOCUMENT_KIND
from engine.report.lift import lift_view
from engine.report.model import (
    DocumentView,
    FrameworkView,
    Person,
    Report,
)
from engine.report.opinion import opinion, red_flags
from engine.report.peers import peers_view
from engine.report.plan import framework_views
from engine.report.profile import LEGAL_FORM, country_name, key_figures, social_goals
from engine.report.progress import progress_view
from engine.score import PRIORITY_RULE


def build_report(
    result: AuditResult, audience: Audience | str = Audience.FULL, *, language: str | None = None
) -> Report:
    """Everything the human formats show, for one audience, in `language` (default: English)."""
    with use_language(language) as spoken:
        return _build(in_language(result, spoken), policy_for(audience), spoken)


def _shown_titles(result: AuditResult, language: str) -> dict[str, dict[str, str]]:
    """By framework id: its title ('' key), its indicators' and gates' titles in `language`."""
    if language == "en":
        return {}
    return {
        f.ruleset.id: {
            "": f.ruleset.title,
            **{g.gate.id: g.gate.title for g in f.gates},
            **{i.id: i.in_language(language).title for i in f.ruleset.indicators()},
        }
        for f in result.frameworks
    }


def in_language(result: AuditResult, language: str) -> AuditResult:
    """The result with its rule sets' titles, disclaimers, gates and grade words in `language`."""
    if language == "en":
        return result
    frameworks = []
    for f in result.frameworks:
        spoken = f.ruleset.in_language(language)
        gates = tuple(replace(g, gate=g.gate.in_language(language)) for g in f.gates)
        grade = f.grade
        if grade is not None:
            scale = grade.scale.in_language(language)
            label = next((b.label for b in scale.bands if b.grade == grade.grade), grade.label)
            grade = replace(grade, scale=scale, label=label)
        frameworks.append(replace(f, ruleset=spoken, gates=gates, grade=grade))
    return replace(result, frameworks=tuple(frameworks))


def _build(result: AuditResult, policy: AudiencePolicy, language: str) -> Report:
    """The report, its texts in the language in force (`use_language`)."""
    evidence = result.evidence
    institution, assessment = evidence.institution, evidence.assessment
    approved = assessment.get("status") == "approved"
    status = str(assessment.get("status", "draft"))
    status_label = _("Approved") if approved else _("Draft") if status == "draft" else _("Reviewed")
    assessors = _assessors(_list(assessment.get("assessors")), policy)
    every, frameworks = framework_views(result, policy)
    unassessed = tuple(f for f in every if f not in frameworks)
    merged = build_actions(frameworks)
    actions = merged if policy.action_plan else ()
    # red flags are built from the merged findings, whatever the audience sees of the plan
    flags, more_flags = red_flags(result, frameworks, merged)
    figures, figures_note = key_figures(evidence, policy.shows_document)
    goals, resting = social_goals(
        evidence,
        [f.ruleset for f in result.frameworks if f.ruleset.id in {v.id for v in frameworks}],
    )
    name = str(institution["name"])
    count = len(frameworks)
    several = count > 1
    type_code = str(assessment["type"])
    period = _mapping(assessment["period"])
    return Report(
        policy=policy,
        title=_("Social performance assessment — {name}").format(name=institution["name"]),
        language=language,
        institution_name=str(institution["name"]),
        institution_short_name=str(institution.get("short_name") or ""),
        country=str(institution["country"]),
        fictional=bool(institution.get("fictional", False)),
        assessment_title=str(assessment.get("title") or ""),
        assessment_type=ASSESSMENT_TYPE.get(type_code, type_code),
        period_text=_("{start} to {end}").format(
            start=date_text(period["start"]), end=date_text(period["end"])
        ),
        period_start=str(period["start"]),
        period_end=str(period["end"]),
        assessed_on=date_text(assessment["assessed_on"]),
        modified_on=str(assessment.get("approved_on") or assessment["assessed_on"]),
        status_label=status_label,
        is_draft=not approved,
        draft_flag=_("APPROVED")
        if approved
        else _("DRAFT — NOT APPROVED")
        if status == "draft"
        else _("DRAFT — {status} — NOT APPROVED").format(status=status_label.upper()),
        approval_text=(
            _("{status} — approved by {by} on {on}").format(
                status=status_label,
                by=assessment.get("approved_by"),
                on=date_text(assessment.get("approved_on")),
            )
            if approved and policy.names
            else status_label
        ),
        approved_by=str(assessment.get("approved_by") or "") if policy.names else "",
        approved_on=date_text(assessment.get("approved_on") or ""),
        assessors=assessors,
        author_text=", ".join(a.name or a.organisation for a in assessors),
        frameworks=frameworks,
        frameworks_text="; ".join(f.title for f in frameworks),
        framework_ids_text=", ".join(f.id for f in frameworks),
        cover_notice=_cover_notice(several),
        summary_note=(
            _(
                "Score: the framework's overall score. Coverage: the share of applicable "
                "indicators assessed. Findings: indicators not met or partly met."
            )
            + (
                " " + _("Grades are indicative, not a rating issued by an agency.")
                if any(f.grade for f in frameworks)
                else ""
            )
        ),
        top_levels_text=", ".join(dict.fromkeys(f.top_level for f in frameworks)),
        points_note=(
            _(
                "Points: the share of the framework's overall score (out of 100) the indicator "
                "would add if fully met; an indicator not assessed counts as zero until its "
                "evidence is given."
            )
            if any(f.not_assessed_counts_zero for f in frameworks)
            else _(
                "Points: the share of the framework's overall score (out of 100) the indicator "
                "would add if fully met."
            )
        ),
        scoring_note=_scoring_note(frameworks),
        any_grade=any(f.grade for f in frameworks),
        plan_note=(
            _(
                "One action per finding, most severe first; where findings in several frameworks "
                "are equivalent, one action settles them all and is listed once."
            )
            if several
            else _("One action per finding, most severe first.")
        )
        + " "
        + _('Owner and due date come from the evidence file; "to agree" where it gives none.'),
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
        shows_trail=policy.evidence_text,
        warnings=tuple(str(w) for w in result.warnings) if policy.evidence_text else (),
        engine_version=result.engine_version,
        evidence_file=PurePath(evidence.file).name,
        evidence_sha256=evidence.sha256,
        edition=str(policy.edition),
        unassessed_text=(
            _("Not assessed, the evidence holding nothing for them: {frameworks}.").format(
                frameworks="; ".join(
                    _("{title} ({count} indicators)").format(title=f.title, count=f.indicator_count)
                    for f in unassessed
                )
            )
            if unassessed
            else ""
        ),
        legal_form=LEGAL_FORM.get(str(institution.get("legal_form", "")), ""),
        country_name=country_name(str(institution["country"]), language),
        mission=str(_mapping(evidence.facts.get("profile")).get("mission_statement", "")),
        opinion=opinion(_mapping(assessment.get("opinion")) or None, frameworks, name),
        red_flags=flags,
        red_flags_more=more_flags,
        figures=figures,
        figures_note=figures_note,
        goals=goals,
        goals_note=(
            _("Indicators that read these goals: {ids}.").format(ids=", ".join(resting))
            if goals and resting
            else ""
        ),
        roadmap=roadmap(actions),
        roadmap_note=(
            _(
                "The {shown} most urgent of {count} actions: by harm to clients (priority), then "
                "the points they would add, then the lighter first."
            ).format(shown=min(len(actions), ROADMAP), count=len(actions))
            + (" " + _("The full list is in the annex.") if policy.edition is Edition.FULL else "")
            + " "
            + _("A blank owner or due date is still to agree.")
            if actions
            else ""
        ),
        priority_rule=_(PRIORITY_RULE),
        confirmed_text=tuple(
            _confirmed(f.ruleset)
            for f in result.frameworks
            if f.ruleset.id in {v.id for v in frameworks}
        ),
        scope=_scope(_mapping(assessment.get("scope"))),
        lift=lift_view(result, frameworks, actions),
        progress=None
        if result.progress is None
        else progress_view(
            result.progress, policy, [f.id for f in frameworks], _shown_titles(result, language)
        ),
        peers=peers_view(result.peers) if result.peers is not None and policy.shows_peers else None,
    )


def _confirmed(rule_set: RuleSet) -> str:
    """'universal-standards: confirmed against the published text: 16 of 20 standards, …'."""
    parts = []
    for depth, level in enumerate(rule_set.levels[:-1]):
        nodes = [n for n in _at_depth(rule_set.nodes, depth) if not n.performance_data]
        if nodes:
            confirmed = sum(1 for n in nodes if not n.inferred)
            parts.append(
                _("{confirmed} of {count} {level}").format(
                    confirmed=confirmed, count=len(nodes), level=_(plural_word(level, len(nodes)))
                )
            )
    indicators = rule_set.indicators()
    confirmed = sum(1 for i in indicators if not i.inferred)
    parts.append(
        _("{confirmed} of {count} indicators").format(confirmed=confirmed, count=len(indicators))
    )
    return _(
        "{rule_set}: confirmed against the published text: {parts}; the rest is the project's "
        "own reconstruction, marked inferred."
    ).format(rule_set=rule_set.short_title or rule_set.id, parts=", ".join(parts))


def _at_depth(nodes: Sequence[Node], depth: int) -> list[Node]:
    if depth == 0:
        return list(nodes)
    return [c for n in nodes for c in _at_depth(n.children, depth - 1)]


def plural_word(word: str, count: int) -> str:
    """'standard' or 'standards'; 'dimension' → 'dimensions'."""
    return word if count == 1 else word + "s"


SCOPE_KEYS = (
    ("description", N_("Scope")),
    ("sample", N_("Sample")),
    ("limitations", N_("Limitations")),
    ("independence", N_("Independence")),
)


def _scope(raw: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    given = tuple((_(label), str(raw[key])) for key, label in SCOPE_KEYS if raw.get(key))
    if given:
        return given
    return (
        (
            _("Scope"),
            _(
                "The evidence file does not describe the scope of the assessment, its sample, its "
                "limitations or the assessors' independence (assessment.scope): a reader cannot "
                "tell how far the findings reach."
            ),
        ),
    )


def _cover_notice(several: bool) -> str:
    if several:
        return _(
            "The rule sets behind this report are modelled on the public frameworks named "
            "above: structure and numbering follow the published documents, the wording, checks "
            "and thresholds are the spm-audit project's paraphrase and interpretation, and items "
            'marked "inferred" were not confirmed from the published text. They are not the '
            "official instruments, and the results are not an official audit, rating or "
            "certification. The methodology annex gives each rule set's own statement."
        )
    return _(
        "The rule set behind this report is modelled on the public framework named above: "
        "structure and numbering follow the published documents, the wording, checks and "
        "thresholds are the spm-audit project's paraphrase and interpretation, and items marked "
        '"inferred" were not confirmed from the published text. It is not the official '
        "instrument, and the results are not an official audit, rating or certification. The "
        "methodology annex gives each rule set's own statement."
    )


def _scoring_note(frameworks: Sequence[FrameworkView]) -> str:
    zero = any(f.not_assessed_counts_zero for f in frameworks)
    return _(
        "Every indicator gets a status from the evidence: met, partly met, not met, not assessed "
        "(no evidence) or not applicable. The rule set's scoring model turns statuses into scores "
        "(below, per framework). The denominator of every node is its counted indicators: met, "
        "partly met and not met{zero}; indicators not applicable are left out, and a node with nothing to count is not "
        "rated. Each indicator's effective weight, the share of the overall score it carries, is "
        'printed after its score in the detailed results ("w"); the points lost by a finding are '
        "its effective weight times what it missed. Coverage is the share of applicable "
        "indicators that were assessed. Scores are computed exactly and rounded only here."
    ).format(zero=_(", and not assessed, counted as zero") if zero else "")


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
    return Person(name, _((role or "assessor").capitalize()), organisation, line)


def _document(d: DocumentRef) -> DocumentView:
    return DocumentView(
        d.id,
        d.title,
        d.kind,
        DOCUMENT_KIND.get(d.kind, d.kind),
        date_text(d.date) or "—",
        d.confidential,
    )
