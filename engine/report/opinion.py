"""The rating rationale and the red flags that stand beside the scores.

The opinion is the assessor's, from the evidence (`assessment.opinion`). Without one, a draft is
generated from the results and clearly marked as a draft to edit: it states only what the scores
and findings show. Red flags are kept apart from the points: critical indicators not met, data
that contradicts the assessor, and frameworks that disagree on the same fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.i18n import N_, current_language, ngettext
from engine.i18n import gettext as _
from engine.model import STATUS_RANK, AuditResult, Status
from engine.report.findings import Action, IndicatorView, SettledIndicator
from engine.report.labels import STATUS_LABEL, Words, pct
from engine.report.model import FrameworkView, Opinion, RedFlag

OUTLOOK = Words(
    {
        "positive": N_("Positive"),
        "stable": N_("Stable"),
        "negative": N_("Negative"),
        "developing": N_("Developing"),
    }
)
STRONG = 0.85  # a top-level part at or above this is named among the strengths of a draft
WEAK = 0.6  # at or below this, among the weaknesses
DRAFT_NOTE = N_(
    "Draft opinion, generated from the results: the assessor should review and rewrite it "
    "(assessment.opinion in the evidence file) before the report is issued."
)


def opinion(
    raw: Mapping[str, object] | None, frameworks: Sequence[FrameworkView], institution: str
) -> Opinion:
    """The assessor's opinion, or a draft generated from the results."""
    if raw:
        outlook = str(raw.get("outlook", ""))
        return Opinion(
            summary=str(raw.get("summary", "")),
            strengths=tuple(str(s) for s in _strings(raw.get("strengths"))),
            weaknesses=tuple(str(s) for s in _strings(raw.get("weaknesses"))),
            outlook=OUTLOOK.get(outlook, ""),
            outlook_reason=str(raw.get("outlook_reason", "")),
            is_draft=False,
            note="",
        )
    return _draft(frameworks, institution)


def _strings(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _draft(frameworks: Sequence[FrameworkView], institution: str) -> Opinion:
    rated = [f for f in frameworks if f.assessed]
    sentences = []
    for f in rated:
        grade = (
            " "
            + _("(indicative grade {grade}, {label})").format(
                grade=f.grade.grade, label=f.grade.label
            )
            if f.grade and f.grade.grade
            else ""
        )
        coverage = (
            _(", on {share} of its indicators assessed").format(share=pct(f.overall.coverage))
            if f.overall.coverage is not None and f.overall.coverage < 1
            else ""
        )
        sentences.append(f"{f.short_title}: {f.overall.score_pct}{grade}{coverage}")
    summary = (
        _("{institution} reaches {results}.").format(
            institution=institution, results="; ".join(sentences)
        )
        if sentences
        else _("No framework could be scored for {institution}: the evidence is too thin.").format(
            institution=institution
        )
    )
    strengths, weaknesses = [], []
    for f in rated:
        parts = [n for n in f.top if n.score is not None and not n.performance_data]
        best = sorted(parts, key=lambda n: -n.score if n.score is not None else 0)
        strengths += [
            f"{f.short_title}, {n.id} {n.title}: {n.score_pct}"
            for n in best[:2]
            if n.score is not None and n.score >= STRONG
        ]
        weaknesses += [
            f"{f.short_title}, {n.id} {n.title}: {n.score_pct}"
            for n in best[::-1][:2]
            if n.score is not None and n.score <= WEAK
        ]
        critical = sum(1 for i in f.findings if i.critical)
        if critical:
            weaknesses.append(
                f"{f.short_title}: "
                + ngettext(
                    "{count} critical indicator not met or only partly met (see the red flags)",
                    "{count} critical indicators not met or only partly met (see the red flags)",
                    critical,
                ).format(count=critical)
            )
    return Opinion(
        summary=summary,
        strengths=tuple(strengths),
        weaknesses=tuple(weaknesses),
        outlook="",
        outlook_reason="",
        is_draft=True,
        note=_(DRAFT_NOTE),
    )


FLAGS_SHOWN = {"critical": 8, "contradiction": 5, "conflict": 5}  # the rest are counted


def red_flags(
    result: AuditResult, frameworks: Sequence[FrameworkView], actions: Sequence[Action]
) -> tuple[tuple[RedFlag, ...], str]:
    """The red flags to show, most severe first, and a line counting those not shown.

    Critical indicators not met, answers the data contradict, frameworks that disagree.
    """
    every = _every_flag(result, frameworks, actions)
    shown: list[RedFlag] = []
    left: dict[str, int] = {}
    for flag in every:
        if sum(1 for f in shown if f.kind == flag.kind) < FLAGS_SHOWN[flag.kind]:
            shown.append(flag)
        else:
            left[flag.kind] = left.get(flag.kind, 0) + 1
    words = {
        "critical": N_("{count} more critical findings"),
        "contradiction": N_("{count} more contradictions"),
        "conflict": N_("{count} more conflicts"),
    }
    more = (
        _(
            "Not listed here: {counts} (every one is in the findings and the detailed results)."
        ).format(counts=", ".join(_(words[k]).format(count=n) for k, n in left.items()))
        if left
        else ""
    )
    return tuple(shown), more


def _every_flag(
    result: AuditResult, frameworks: Sequence[FrameworkView], actions: Sequence[Action]
) -> list[RedFlag]:
    flags: list[RedFlag] = []
    critical = [a for a in actions if a.critical] or [
        # an audience without the action plan still sees its critical findings
        _as_action(i)
        for f in frameworks
        for i in f.findings
        if i.critical
    ]
    for action in critical:
        where = ", ".join(f"{s.framework} {s.id}" for s in action.settles)
        flags.append(
            RedFlag("critical", f"{action.finding} ({where}: {action.settles[0].status_text})")
        )
    titles = {(f.id, i.id): i.title for f in frameworks for i in (*f.findings, *f.gaps)}
    for f in result.frameworks:
        for scored in f.indicators:
            r = scored.result
            # the assessor rated higher than the data show: the data count, and it must be explained
            if (
                r.contradicts
                and r.data_status is not None
                and r.answer_status is not None
                and STATUS_RANK[r.answer_status] > STATUS_RANK[r.data_status]
            ):
                flags.append(
                    RedFlag(
                        "contradiction",
                        _(
                            "{framework} {id} {title}: the assessor answered '{answer}', but the "
                            "data give '{data}', which counts."
                        ).format(
                            framework=f.ruleset.short_title or f.ruleset.id,
                            id=r.indicator.id,
                            title=r.indicator.in_language(current_language()).title,
                            answer=STATUS_LABEL[r.answer_status].lower(),
                            data=STATUS_LABEL[r.data_status].lower(),
                        ),
                    )
                )
    for c in result.conflicts:
        title = titles.get((c.framework, c.id)) or titles.get((c.other_framework, c.other_id), "")
        flags.append(
            RedFlag(
                "conflict",
                _(
                    "The same question gets two verdicts: {framework} {id} is '{status}', "
                    "{other_framework} {other_id} is '{other_status}'{title}."
                ).format(
                    framework=c.framework,
                    id=c.id,
                    status=STATUS_LABEL[c.status].lower(),
                    other_framework=c.other_framework,
                    other_id=c.other_id,
                    other_status=STATUS_LABEL[c.other_status].lower(),
                    title=f" ({title})" if title else "",
                ),
            )
        )
    return flags


def _as_action(view: IndicatorView) -> Action:
    return Action(
        recommendation=view.recommendation,
        finding=view.finding,
        status=view.status if view.status in (Status.FAIL, Status.PARTIAL) else Status.FAIL,
        priority=view.priority,
        priority_label=view.priority_label,
        critical=view.critical,
        settles=(SettledIndicator(view.framework, view.id, view.status_label.lower()),),
        owner="",
        due="",
        progress="",
    )
