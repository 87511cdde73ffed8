"""Results: of evaluation (`IndicatorResult`) and scoring (`NodeScore`, `GateResult`, `AuditResult`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from engine.errors import Diagnostic, Position
from engine.model.evidence import (
    AssessorAnswer,
    EvidenceSet,
    Override,
)
from engine.model.rules import (
    Gate,
    GradeScale,
    Indicator,
    Node,
    RuleSet,
)
from engine.model.values import (
    ASSESSED,
    Pathway,
    Priority,
    Relation,
    Status,
    Verdict,
)

if TYPE_CHECKING:  # a result holds a comparison after `assess --previous`, peers after --peers
    from engine.model.peers import PeerBenchmark
    from engine.model.progress import Comparison


@dataclass(frozen=True, slots=True)
class FactRef:
    """A fact an explanation rests on, with its value and position in the evidence file."""

    path: str
    value: object
    position: Position | None


@dataclass(frozen=True, slots=True)
class SourceQuestion:
    """A question of another framework, as that framework scored it in the run."""

    framework: str
    framework_title: str  # its short title, for explanations
    id: str
    title: str
    status: Status
    score: Fraction | None  # under that framework's scoring (None: not counted)
    facts: tuple[FactRef, ...] = ()


@dataclass(frozen=True, slots=True)
class SourcedScore:
    """How an indicator was scored from another framework's questions (see `ScoredFrom`)."""

    framework: str
    questions: tuple[SourceQuestion, ...]
    score: Fraction | None  # the mean of the questions' scores (None: none counted)


@dataclass(frozen=True, slots=True)
class SourceUse:
    """A node whose indicators were scored from another framework's answers in this run."""

    node: str
    framework: str
    framework_title: str
    score: Fraction | None  # that framework's overall score
    indicators: int  # indicators below the node scored from it
    questions: int  # distinct questions they used


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an indicator has its status: in the engine's words, in plain words, the facts it cites."""

    text: str
    facts: tuple[FactRef, ...] = ()
    summary: str = ""  # in plain words, for people


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """The outcome for one indicator.

    Its statuses are decided when it is evaluated; its explanation is written when first read
    (`explained` is then a function giving it), because scoring, gates, what-if and comparisons
    need the statuses only. Two results compare by everything but the explanation.
    """

    indicator: Indicator
    status: Status
    computed_status: Status
    explained: Explanation | Callable[[], Explanation] = field(compare=False, repr=False)
    answer: AssessorAnswer | None = None
    answer_source: str = ""  # "framework id" when the answer came through a mapping
    override: Override | None = None
    override_source: str = ""  # "framework id" when the override came through a mapping
    data_status: Status | None = None  # what the data alone gave, for method both
    answer_status: Status | None = None  # what the assessor alone gave, for method both
    # One status per respondent when the indicator was evaluated for several (see Respondents);
    # its score is then the mean of theirs, not the default of `status`.
    respondent_statuses: tuple[Status, ...] = ()
    # Scored from another framework's questions (their mean), not from its own check or answer.
    sourced: SourcedScore | None = None

    @property
    def why(self) -> Explanation:
        """The explanation, written on first use and then kept."""
        found = self.explained
        if not isinstance(found, Explanation):
            found = found()
            object.__setattr__(self, "explained", found)  # kept: a cache on a frozen result
        return found

    @property
    def explanation(self) -> str:
        """Why it has its status, in the engine's words."""
        return self.why.text

    @property
    def facts(self) -> tuple[FactRef, ...]:
        """The facts the explanation rests on, with their values and positions."""
        return self.why.facts

    @property
    def summary(self) -> str:
        """The explanation in plain words, for people."""
        return self.why.summary

    @property
    def contradicts(self) -> bool:
        """Whether the data and the assessor's answer give different statuses."""
        return (
            self.data_status in ASSESSED
            and self.answer_status in ASSESSED
            and self.data_status is not self.answer_status
        )


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
    weight: Fraction | None = None  # the weight it counted with, when not its own (scored_from)


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
    sources: tuple[SourceUse, ...] = ()  # nodes scored from another framework's answers


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
    progress: Comparison | None = None  # against the previous assessment (assess --previous)
    peers: PeerBenchmark | None = None  # against peers in a portfolio table (assess --peers)
