"""Frozen dataclasses and enums shared by every stage. No I/O here.

Rule sets (`RuleSet` → `Node` → `Indicator`), evidence (`EvidenceSet`), and the results of
evaluation and scoring (`IndicatorResult`, `NodeScore`, `GateResult`, `GradeResult`,
`FrameworkResult`, `AuditResult`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NewType, Protocol

from engine.errors import Diagnostic, Position, Severity

RuleId = NewType("RuleId", str)
FrameworkId = NewType("FrameworkId", str)


class Status(enum.StrEnum):
    """Indicator statuses; the exact strings appear in JSON and tests."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    PARTIAL = "partial"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"  # applies_when was false, or N/A answered
    NOT_ASSESSED = "not_assessed"  # evidence missing or unusable; never quietly a pass


ASSESSED = frozenset({Status.PASS, Status.PARTIAL, Status.FAIL})
# Lower is worse: used where data and an assessor answer disagree.
STATUS_RANK = {Status.FAIL: 0, Status.PARTIAL: 1, Status.PASS: 2}


class Priority(enum.StrEnum):
    """How soon a finding should be acted on; the order is the enum's (high first)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for high, 1 for medium, 2 for low."""
        return list(Priority).index(self)


class Relation(enum.StrEnum):
    """How an indicator relates to its counterpart in another framework."""

    EQUIVALENT = "equivalent"  # the same question: an answer given for one reaches the other
    SUBSET = "subset"  # this indicator asks part of what the other asks
    SUPERSET = "superset"  # this indicator asks more than the other
    RELATED = "related"

    @property
    def reverse(self) -> Relation:
        """The relation seen from the other side."""
        return {Relation.SUBSET: Relation.SUPERSET, Relation.SUPERSET: Relation.SUBSET}.get(
            self, self
        )


class Method(enum.StrEnum):
    """How an indicator is decided."""

    ANSWER = "answer"
    CHECK = "check"
    BOTH = "both"


class Pathway(enum.StrEnum):
    """Stages of the social performance pathway."""

    INTENT_DESIGN = "intent_design"
    INTERNAL_SYSTEMS = "internal_systems"
    OUTPUTS = "outputs"
    OUTCOMES = "outcomes"
    IMPACT = "impact"


class Answer(enum.StrEnum):
    """An assessor's answer."""

    YES = "yes"
    PARTIALLY = "partially"
    NO = "no"
    NA = "na"


class Aggregation(enum.StrEnum):
    """Scoring methods a rule set may name."""

    POOLED = "pooled"
    MEAN_OF_CHILDREN = "mean_of_children"


class NotAssessedPolicy(enum.StrEnum):
    """Whether not_assessed counts as zero or is left out of the score."""

    ZERO = "zero"
    EXCLUDE = "exclude"


class Verdict(enum.StrEnum):
    """A gate's verdict."""

    PASSED = "passed"
    FAILED = "failed"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # too little of its scope assessed to decide


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One step of a condition's evaluation, for explanations."""

    result: bool | None
    text: str  # machine wording: "portfolio.par30 = 0.071, expected ≤ 0.05 (par30_limit)"
    paths: tuple[str, ...] = ()
    plain: str = ""  # plain words: "PAR30 is 7.1 %, above the 5 % limit."


class Condition(Protocol):
    """A compiled condition (see engine.conditions)."""

    @property
    def text(self) -> str:
        """The condition as a one-line expression."""
        ...

    @property
    def paths(self) -> tuple[str, ...]:
        """The evidence paths it reads ('@.x' for fields of list items)."""
        ...

    @property
    def plain(self) -> str:
        """What it asks, in plain words ("PAR30 is at most 5 %")."""
        ...

    def evaluate(self, facts: Mapping[str, object], trace: list[TraceEntry] | None) -> bool | None:
        """True, False, or None when the evidence needed is missing."""
        ...


@dataclass(frozen=True, slots=True)
class CrossReference:
    """An indicator's counterpart in another framework."""

    framework: str
    id: str
    relation: Relation
    position: Position | None = field(default=None, compare=False)  # of the mapping entry


@dataclass(frozen=True, slots=True)
class Respondents:
    """Where several respondents' answers sit: the indicators are evaluated once per respondent.

    `each` is the facts path the checks read (one respondent's answers, an object); `list` is the
    facts path of a list of such objects. With the list, each item in turn stands in for `each`
    and the indicator scores the mean of the respondents' scores.
    """

    each: str
    list: str


@dataclass(frozen=True, slots=True)
class Example:
    """A documented example: evidence fragment and the status it must reach."""

    expected: Status
    facts: Mapping[str, object]
    answer: Answer | None
    position: Position


@dataclass(frozen=True, slots=True)
class Indicator:
    """The leaf of a rule set: one thing to check."""

    id: RuleId
    title: str
    guidance: str
    evidence: tuple[str, ...]
    pathway: Pathway
    method: Method
    weight: Fraction
    critical: bool
    inferred: bool
    source: str
    finding: str  # when not met
    recommendation: str
    position: Position
    partial_finding: str = ""  # when partly met
    partial_recommendation: str = ""  # when partly met (default: recommendation)
    topics: tuple[str, ...] = ()  # what it is about, its own or its nearest node's
    translations: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # lang -> key -> text
    applies_when: Condition | None = None
    not_applicable_reason: str = ""
    check: Condition | None = None
    partial_check: Condition | None = None
    mappings: tuple[CrossReference, ...] = ()
    replaces: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    respondents: Respondents | None = None  # answered by several respondents, averaged

    @property
    def can_be_partial(self) -> bool:
        """Whether some evidence can make it partly met (an assessor's answer, or a partial check)."""
        return self.method is not Method.CHECK or self.partial_check is not None

    def finding_for(self, status: Status) -> str:
        """The finding its status states: the partial text when partly met, else the failure text."""
        if status is Status.PARTIAL and self.partial_finding:
            return self.partial_finding
        return self.finding if status in (Status.FAIL, Status.PARTIAL) else ""

    def recommendation_for(self, status: Status) -> str:
        """The recommendation for its status ('' when there is nothing to act on)."""
        if status is Status.PARTIAL and self.partial_recommendation:
            return self.partial_recommendation
        return self.recommendation if status in (Status.FAIL, Status.PARTIAL) else ""


@dataclass(frozen=True, slots=True)
class Node:
    """A level of the hierarchy above indicators (dimension, standard, practice, ...)."""

    id: str
    title: str
    level: str
    weight: Fraction
    position: Position
    description: str = ""
    inferred: bool = False
    source: str = ""
    provisional: bool = False  # the title is a reconstruction: the official one was not found
    performance_data: bool = (
        False  # the project's own benchmarks: scored apart, never counted above
    )
    topics: tuple[str, ...] = ()
    translations: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # lang -> key -> text
    children: tuple[Node, ...] = ()
    indicators: tuple[Indicator, ...] = ()

    def all_indicators(self) -> list[Indicator]:
        """The indicators of this node and of every node below it, in document order."""
        found = list(self.indicators)
        for child in self.children:
            found.extend(child.all_indicators())
        return found


def walk_nodes(nodes: Sequence[Node]) -> Iterator[Node]:
    """Every node of a tree, parents before children, in document order."""
    for node in nodes:
        yield node
        yield from walk_nodes(node.children)


@dataclass(frozen=True, slots=True)
class ScoringModel:
    """How statuses become scores, declared by the rule set."""

    method: Aggregation
    partial: Fraction
    not_assessed: NotAssessedPolicy


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named threshold a profile may set."""

    name: str
    type: str
    value: object
    description: str


@dataclass(frozen=True, slots=True)
class GradeBand:
    """One band of a grade scale."""

    grade: str
    min: Fraction
    label: str
    band: str


@dataclass(frozen=True, slots=True)
class GradeScale:
    """Maps an overall score to an indicative grade; caps apply when gates fail."""

    name: str
    notice: str
    min_coverage: Fraction
    bands: tuple[GradeBand, ...]  # best first
    caps: tuple[tuple[str, str], ...] = ()  # (gate id, max grade)


@dataclass(frozen=True, slots=True)
class EvidenceCheck:
    """A consistency rule on evidence: where `holds` is false, the evidence is refused or warned about."""

    id: str
    at: str  # the fact the diagnostic points at
    holds: Condition
    message: str
    severity: Severity
    position: Position  # where the rule is written


@dataclass(frozen=True, slots=True)
class Gate:
    """A verdict beside the score: every node of a level at or above a threshold."""

    id: str
    title: str
    description: str
    scope: tuple[str, ...]
    each: str
    threshold: Fraction
    no_critical_failures: bool
    min_coverage: Fraction
    validity_years: int | None = None
    surveillance_after_years: int | None = None


@dataclass(frozen=True, slots=True)
class IdChange:
    """One id change in a version of a rule set: renamed, split, merged or retired."""

    kind: str  # renamed, split, merged, retired
    sources: tuple[str, ...]  # the ids before (`from`)
    targets: tuple[str, ...]  # the ids after (`to`); empty when retired
    note: str
    position: Position


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """A version of a rule set in its changelog, with the id changes it brought."""

    version: str
    date: str
    summary: str
    changes: tuple[IdChange, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated, compiled rule set."""

    id: FrameworkId
    title: str
    version: str
    publisher: str
    based_on: str
    disclaimer: str
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    levels: tuple[str, ...]
    scoring: ScoringModel
    parameters: Mapping[str, Parameter]
    grade_scale: GradeScale | None
    gates: tuple[Gate, ...]
    nodes: tuple[Node, ...]
    sha256: str
    files: tuple[str, ...]
    position: Position
    evidence_checks: tuple[EvidenceCheck, ...] = ()  # the rule set's own consistency rules
    short_title: str = ""  # for tables and charts
    base: str | None = None  # for a profile: the rule set it tailors (answers are given for it)
    base_indicator_ids: frozenset[str] = frozenset()  # for a profile: every indicator of the base
    changelog: tuple[VersionEntry, ...] = ()  # oldest first
    base_version: str = ""  # for a profile: the version of the rule set it tailors

    @property
    def answers_key(self) -> str:
        """The framework id that answers, overrides and action items are given under."""
        return self.base or self.id

    def indicators(self) -> list[Indicator]:
        """Every indicator, in document order."""
        return [i for node in self.nodes for i in node.all_indicators()]


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document listed in the evidence file."""

    id: str
    title: str
    kind: str
    date: str
    pages: int | None
    confidential: bool
    position: Position
    topics: tuple[str, ...] = ()  # what it covers, when the evidence says


@dataclass(frozen=True, slots=True)
class Citation:
    """A document cited by an answer, with pages."""

    document: str
    pages: str
    note: str
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class AssessorAnswer:
    """An assessor's answer to one indicator."""

    answer: Answer
    comment: str
    citations: tuple[Citation, ...]
    answered_by: str
    answered_on: str
    position: Position


@dataclass(frozen=True, slots=True)
class Override:
    """An assessor's override of a computed status."""

    status: Status
    reason: str
    by: str
    on: str
    position: Position


@dataclass(frozen=True, slots=True)
class ActionItem:
    """Owner, due date and status agreed for an indicator's recommendation."""

    owner: str
    due: str
    status: str
    effort: str = ""  # low, medium or high, when the evidence says


@dataclass(frozen=True, slots=True)
class AssessmentDates:
    """The dates of an assessment, as dates."""

    period_start: dt.date
    period_end: dt.date
    assessed_on: dt.date
    approved_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EvidenceSet:
    """A validated evidence file."""

    file: str
    sha256: str
    institution: Mapping[str, object]
    assessment: Mapping[str, object]
    documents: Mapping[str, DocumentRef]
    facts: Mapping[str, object]
    answers: Mapping[str, Mapping[str, AssessorAnswer]]
    overrides: Mapping[str, Mapping[str, Override]]
    action_plan: Mapping[str, Mapping[str, ActionItem]]
    fact_positions: Mapping[str, Position]
    dates: AssessmentDates
    fact_sources: Mapping[str, str] = field(default_factory=dict)  # facts section -> document id
    warnings: tuple[Diagnostic, ...] = ()
    # framework id -> (the rule-set version the file was written for, where it says so)
    rule_set_versions: Mapping[str, tuple[str, Position]] = field(default_factory=dict)
    text: str = field(
        default="", repr=False, compare=False
    )  # the file as read, to locate characters

    def locate(self, characters: Iterable[str]) -> Position | None:
        """The position of the first of these characters in the file as read, if any."""
        wanted = set(characters)
        for number, line in enumerate(self.text.splitlines(), start=1):
            for column, character in enumerate(line, start=1):
                if character in wanted:
                    return Position(self.file, number, column)
        return None


@dataclass(frozen=True, slots=True)
class FactRef:
    """A fact an explanation rests on, with its value and position in the evidence file."""

    path: str
    value: object
    position: Position | None


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """The outcome for one indicator."""

    indicator: Indicator
    status: Status
    computed_status: Status
    explanation: str
    facts: tuple[FactRef, ...] = ()
    answer: AssessorAnswer | None = None
    answer_source: str = ""  # "framework id" when the answer came through a mapping
    override: Override | None = None
    override_source: str = ""  # "framework id" when the override came through a mapping
    data_status: Status | None = None  # what the data alone gave, for method both
    answer_status: Status | None = None  # what the assessor alone gave, for method both

    @property
    def contradicts(self) -> bool:
        """Whether the data and the assessor's answer give different statuses."""
        return (
            self.data_status in ASSESSED
            and self.answer_status in ASSESSED
            and self.data_status is not self.answer_status
        )

    # One status per respondent when the indicator was evaluated for several (see Respondents);
    # its score is then the mean of theirs, not the default of `status`.
    respondent_statuses: tuple[Status, ...] = ()
    summary: str = ""  # the explanation in plain words, for people


@dataclass(frozen=True, slots=True)
class Counts:
    """Indicators per status below a node."""

    passed: int = 0
    partial: int = 0
    failed: int = 0
    not_applicable: int = 0
    not_assessed: int = 0

    @property
    def applicable(self) -> int:
        """Indicators that apply (assessed or not)."""
        return self.passed + self.partial + self.failed + self.not_assessed

    @property
    def assessed(self) -> int:
        """Indicators with a pass, partial or fail status."""
        return self.passed + self.partial + self.failed


@dataclass(frozen=True, slots=True)
class NodeScore:
    """A node's score (None: not rated), coverage and counts."""

    node: Node
    parent: str | None
    score: Fraction | None
    coverage: Fraction | None
    counts: Counts


@dataclass(frozen=True, slots=True)
class ScoredIndicator:
    """An indicator result with its score and effective weight in the overall score."""

    result: IndicatorResult
    score: Fraction | None  # None when not counted (not applicable, or not assessed and excluded)
    effective_weight: Fraction  # share of the overall score it carries
    points_lost: Fraction  # effective_weight x (1 - score)
    path: tuple[str, ...]  # ancestor node ids, top first
    priority: Priority | None  # for failed and partly met indicators (not benchmarks)
    benchmark: bool = False  # in a performance-data part: scored apart, never counted above


@dataclass(frozen=True, slots=True)
class PathwayScore:
    """The unweighted mean score of the counted indicators at one stage of the pathway."""

    stage: Pathway
    score: Fraction | None
    counts: Counts


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate's verdict and what decided it."""

    gate: Gate
    verdict: Verdict
    nodes_not_met: tuple[tuple[str, str, Fraction | None], ...]  # id, title, score
    critical_failures: tuple[str, ...]
    undetermined: tuple[str, ...]  # nodes with too little coverage to be judged
    nodes_counted: int
    coverage: Fraction | None = None  # of the gate's whole scope
    valid_until: str | None = None
    surveillance_due: str | None = None


@dataclass(frozen=True, slots=True)
class GradeResult:
    """The indicative grade, or why there is none."""

    scale: GradeScale
    grade: str | None
    label: str
    band: str
    uncapped_grade: str | None
    capped_by: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class FrameworkResult:
    """One rule set's results for one evidence file."""

    ruleset: RuleSet
    overall: NodeScore
    nodes: tuple[NodeScore, ...]
    indicators: tuple[ScoredIndicator, ...]
    gates: tuple[GateResult, ...]
    grade: GradeResult | None
    pathway: tuple[PathwayScore, ...] = ()


@dataclass(frozen=True, slots=True)
class CrossLink:
    """Where an indicator lands in another framework of the same run."""

    framework: str
    id: str
    relation: Relation  # of this indicator to the other
    status: Status


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two indicators that ask the same question (an equivalent mapping) but reached different statuses."""

    framework: str
    id: str
    status: Status
    other_framework: str
    other_id: str
    other_status: Status


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Everything the renderers show: results per framework and provenance."""

    engine_version: str
    evidence: EvidenceSet
    frameworks: tuple[FrameworkResult, ...]
    warnings: tuple[Diagnostic, ...] = field(default=())
    # (rule set id, indicator id) -> where the indicator lands in the other frameworks assessed
    crosswalk: Mapping[tuple[str, str], tuple[CrossLink, ...]] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()  # equivalent indicators that disagree
