"""The typed report: everything a reader sees, ordered, labelled and filtered for one audience.

Built by `engine.report.build_report` from an `AuditResult`. Renderers and templates only lay it
out: every text, count, label and plural is here, and whatever an audience may not see is simply
absent (an empty text or tuple), so no renderer tests the audience. The findings and the action
plan, which the JSON record needs too, are typed in `engine.report.findings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from engine.model import Verdict
from engine.report.audience import AudiencePolicy
from engine.report.findings import Action, ActionGroup, IndicatorView


@dataclass(frozen=True, slots=True)
class ExpiredWaiver:
    """An override whose expiry is before the assessment date: listed, not applied."""

    id: str
    status_label: str
    expired_on: str
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class NodeView:
    """A node of the hierarchy with its score, and what lies below it."""

    id: str
    title: str
    level: str
    score: Fraction | None
    coverage: Fraction | None
    score_pct: str
    coverage_pct: str
    counts_text: str
    inferred: bool
    provisional: bool
    performance_data: bool
    children: tuple[NodeView, ...] = ()
    indicators: tuple[IndicatorView, ...] = ()
    source_note: str = ""  # scored from another framework's answers: which, and its score
    trend: str = ""  # since the previous assessment: '▲ 3.2', '▼ 1.0', '= 0.0' ('' when none)
    trend_text: str = ""  # the same in words: 'up 3.2 points since 2026-01-30 (was 90 %)'
    previous_score: Fraction | None = None  # at the previous assessment, when one was given

    @property
    def practices(self) -> tuple[NodeView, ...]:
        """The nodes holding this node's indicators: its children, or itself when it has none."""
        return self.children or (self,)


@dataclass(frozen=True, slots=True)
class GateView:
    """A gate's verdict, with what decided it in words."""

    id: str
    title: str
    description: str
    verdict: Verdict
    verdict_label: str
    details: str  # not met, critical failures, too little evidence, validity


@dataclass(frozen=True, slots=True)
class GradeView:
    """The indicative grade, or why there is none."""

    grade: str | None
    label: str
    text_after: str  # after the grade: '(Good)', '(Good); capped at B because … (uncapped: A)'
    text: str  # the reason there is no grade
    notice: str
    scale: str
    bands_text: str


@dataclass(frozen=True, slots=True)
class PathwayRow:
    """One stage of the social performance pathway."""

    label: str
    indicators: int
    met: int
    partial: int
    failed: int
    not_assessed: int
    score: Fraction | None
    score_pct: str
    score_bar: int


@dataclass(frozen=True, slots=True)
class FrameworkView:
    """One framework's results, ordered for reading."""

    id: str
    title: str
    short_title: str  # 'Universal Standards', 'Smart Campaign'
    version: str
    based_on: str
    publisher: str
    disclaimer: str
    sources_text: str
    levels_text: str
    top_level: str
    scoring_method: str
    scoring_formula: str
    not_assessed_counts_zero: bool
    parameters: tuple[tuple[str, str], ...]
    overall: NodeView
    top: tuple[NodeView, ...]
    gates: tuple[GateView, ...]
    grade: GradeView | None
    findings: tuple[IndicatorView, ...]  # failed and partly met, most severe first
    finding_count: int
    key_findings: tuple[IndicatorView, ...]
    key_findings_title: str
    critical_note: str  # how many critical findings in all, when the summary does not list them
    finding_cards: tuple[IndicatorView, ...]
    further_findings: tuple[IndicatorView, ...]
    further_note: str  # where the findings without a card are
    costliest_gaps: tuple[IndicatorView, ...]
    gaps: tuple[IndicatorView, ...]
    not_applicable: tuple[IndicatorView, ...]
    overridden: tuple[IndicatorView, ...]
    expired_waivers: tuple[ExpiredWaiver, ...]
    pathway: tuple[PathwayRow, ...]
    indicator_count: int
    inferred_text: str
    sha256: str

    @property
    def assessed(self) -> bool:
        """Whether anything of it was assessed (a framework with no evidence at all is not shown)."""
        return bool(self.overall.coverage)


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document reviewed."""

    id: str
    title: str
    kind: str
    kind_label: str
    date: str
    confidential: bool


@dataclass(frozen=True, slots=True)
class Person:
    """An assessor, as the cover and sign-off show them."""

    name: str
    role: str
    organisation: str
    line: str  # 'Marie Joseph, lead assessor (Lakou Social Audit)'


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One figure of the institution's profile, with where it comes from."""

    label: str
    value: str
    source: str


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """Key figures under one heading (outreach, portfolio, …)."""

    title: str
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True, slots=True)
class GoalRow:
    """A social goal against its target."""

    id: str
    goal: str
    indicator: str
    baseline: str
    target: str
    actual: str
    deadline: str
    status: str  # met, missed, no_data
    status_label: str


@dataclass(frozen=True, slots=True)
class Opinion:
    """The rating rationale: the assessor's, or a draft generated from the results."""

    summary: str
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    outlook: str
    outlook_reason: str
    is_draft: bool
    note: str  # why a draft is a draft


@dataclass(frozen=True, slots=True)
class RedFlag:
    """Something a reader must see whatever the score: harm to clients, or evidence that disagrees."""

    kind: str  # critical, contradiction, conflict
    text: str


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One line of the progress section: what it is, and its state before and now."""

    id: str
    title: str
    before: str
    now: str
    note: str = ""  # 'critical', a due date, …
    kind: str = ""  # for the style: closed, new, recurring, done, late, open, dropped, …


@dataclass(frozen=True, slots=True)
class ProgressFramework:
    """One framework's progress since the previous assessment."""

    title: str
    summary: str  # 'Overall 93 % → 94 % (▲ 1.0 points); coverage 100 % → 100 %.'
    verdicts: tuple[str, ...]  # grade and gate changes, one sentence each
    findings_text: str  # '4 findings closed, 1 new, 21 recurring.'
    changes: tuple[ProgressRow, ...]  # indicators whose status changed


@dataclass(frozen=True, slots=True)
class ProgressView:
    """Progress since the previous assessment (`assess --previous`)."""

    intro: str  # which assessment this one is compared with
    notes: tuple[str, ...]
    frameworks: tuple[ProgressFramework, ...]
    goals: tuple[ProgressRow, ...]
    actions: tuple[ProgressRow, ...]  # the previous action plan's state ('' where not shown)
    actions_text: str  # '4 done, 1 late, 23 open.'


@dataclass(frozen=True, slots=True)
class LiftRow:
    """An action of the plan and the exact change it would bring on its own."""

    recommendation: str
    settles_text: str  # 'universal-standards 4.A.1.1, smart-campaign 2.1.1'
    change: str  # 'Universal Standards ▲ 0.8; Smart Campaign ▲ 0.6, grade C → B'


@dataclass(frozen=True, slots=True)
class LiftView:
    """What the action plan would lift, for a self-assessment: the what-if in the report."""

    intro: str
    targets: tuple[str, ...]  # one sentence per failed gate and next grade band
    best: tuple[LiftRow, ...]  # the actions that would change most, on their own


@dataclass(frozen=True, slots=True)
class PeerRow:
    """One score or key figure of the institution against its peers: words, and the chart's numbers."""

    label: str
    kind: str  # score or figure
    value: str  # the institution's, as shown ('—' when not given)
    peers: int  # peers with a value
    q1: str
    median: str
    q3: str
    spread: str  # 'lowest to highest' among the peers
    standing: str  # 'third quarter, percentile 63'
    # for the box plot (None where not given): the peers' five numbers and the institution's
    minimum: float | None
    lower: float | None
    middle: float | None
    upper: float | None
    maximum: float | None
    own: float | None
    chart_text: str  # what the box plot shows, for screen readers


@dataclass(frozen=True, slots=True)
class PeersView:
    """The institution against its peers in a portfolio table (`assess --peers`)."""

    heading: str
    intro: str  # which table, which peer group, how many peers
    fallback: str  # why the whole table stands in for the peer group ('' when it does not)
    columns: tuple[str, ...]  # the table's headings
    rows: tuple[PeerRow, ...]
    method: str  # quartiles, ranks, size classes, who is left out


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report for one audience."""

    policy: AudiencePolicy
    title: str
    language: str
    institution_name: str
    institution_short_name: str
    country: str
    fictional: bool
    assessment_title: str
    assessment_type: str
    period_text: str
    period_start: str
    period_end: str
    assessed_on: str
    modified_on: str  # approval date, else the assessment date: the PDF's dates
    status_label: str
    is_draft: bool
    draft_flag: str  # 'DRAFT — NOT APPROVED', 'APPROVED'
    approval_text: str
    approved_by: str
    approved_on: str
    assessors: tuple[Person, ...]
    author_text: str
    frameworks: tuple[FrameworkView, ...]
    frameworks_text: str  # for metadata: titles joined
    framework_ids_text: str
    cover_notice: str
    summary_note: str
    top_levels_text: str
    points_note: str
    scoring_note: str
    any_grade: bool
    plan_note: str
    actions: tuple[Action, ...]
    action_groups: tuple[ActionGroup, ...]
    shows_action_plan: bool
    shows_detail: bool
    documents: tuple[DocumentView, ...]
    shows_documents: bool
    shows_trail: bool  # the evidence-trail annex: the machine trace of every finding
    warnings: tuple[str, ...]
    engine_version: str
    evidence_file: str
    evidence_sha256: str
    edition: str  # full, summary
    unassessed_text: str  # frameworks of the run with no evidence at all
    legal_form: str
    country_name: str
    mission: str
    opinion: Opinion
    red_flags: tuple[RedFlag, ...]
    red_flags_more: str  # how many are not listed
    figures: tuple[FigureGroup, ...]
    figures_note: str  # the date the figures describe, and the documents they come from
    goals: tuple[GoalRow, ...]
    goals_note: str  # which indicators read the goals
    roadmap: tuple[Action, ...]  # at most ROADMAP actions, most urgent first
    roadmap_note: str
    priority_rule: str
    confirmed_text: tuple[str, ...]  # how much of each rule set is confirmed against its source
    scope: tuple[tuple[str, str], ...]  # what the assessment covered: (heading, text)
    progress: ProgressView | None = None  # since the previous assessment, when one was given
    lift: LiftView | None = None  # for a self-assessment whose reader sees the action plan
    peers: PeersView | None = None  # against peers in a portfolio table (full edition only)
