"""Rule sets: `RuleSet` → `Node` → `Indicator`, with their gates, grade scales and parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, overload

from engine.errors import Position, Severity
from engine.model.values import (
    Aggregation,
    Answer,
    Condition,
    FrameworkId,
    Method,
    NotAssessedPolicy,
    Pathway,
    Relation,
    RuleId,
    SourceWeights,
    Status,
)


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
class ScoredFrom:
    """An indicator scored from another framework's questions, when the evidence answers them.

    Declared on a node (`scored_from:`) for the indicators below it; `questions` are the ids this
    indicator maps to in `framework`. With answers, its score is the mean of those questions'
    scores in that framework, and it weighs as `weights` says (engine.scoredfrom.sourced_weights).
    """

    framework: str
    node: str  # the node that declares it
    questions: tuple[str, ...]
    weights: SourceWeights = SourceWeights.QUESTIONS


@dataclass(frozen=True, slots=True)
class Example:
    """A documented example: evidence fragment and the status it must reach."""

    expected: Status
    facts: Mapping[str, object]
    answer: Answer | None
    position: Position


class Examples(Sequence[Example]):
    """An indicator's examples, made when first read (`rules test` and lint do; an assessment not).

    Equal to the tuple of the same examples (and, like it, hashed by them).
    """

    __slots__ = ("_items", "_make")

    def __init__(self, make: Callable[[], tuple[Example, ...]]) -> None:
        self._make: Callable[[], tuple[Example, ...]] | None = make
        self._items: tuple[Example, ...] = ()

    def _all(self) -> tuple[Example, ...]:
        if self._make is not None:
            self._items = self._make()
            self._make = None
        return self._items

    @overload
    def __getitem__(self, index: int) -> Example: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Example, ...]: ...
    def __getitem__(self, index: int | slice) -> Example | tuple[Example, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Example]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Examples):
            other = other._all()
        return self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


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
    examples: Sequence[Example] = ()  # a tuple, or `Examples` made when first read
    respondents: Respondents | None = None  # answered by several respondents, averaged
    scored_from: ScoredFrom | None = None  # scored from another framework's questions when answered

    @property
    def can_be_partial(self) -> bool:
        """Whether some evidence can make it partly met.

        An assessor's answer, a partial check, or the mean of the questions it is scored from.
        """
        return (
            self.method is not Method.CHECK
            or self.partial_check is not None
            or self.scored_from is not None
        )

    def in_language(self, language: str) -> Indicator:
        """This indicator with its texts in `language` where the rule set gives them, else English."""
        texts = self.translations.get(language)
        if not texts:
            return self
        if not any(texts.get(k) for k in TRANSLATED_TEXTS):
            return self
        return replace(
            self,
            title=texts.get("title") or self.title,
            guidance=texts.get("guidance") or self.guidance,
            finding=texts.get("finding") or self.finding,
            partial_finding=texts.get("partial_finding") or self.partial_finding,
            recommendation=texts.get("recommendation") or self.recommendation,
            partial_recommendation=(
                texts.get("partial_recommendation") or self.partial_recommendation
            ),
        )

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


# The texts of an indicator that `translations` may give per language (`Node`: its title).
TRANSLATED_TEXTS = (
    "title",
    "guidance",
    "finding",
    "partial_finding",
    "recommendation",
    "partial_recommendation",
)


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
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def in_language(self, language: str) -> GradeScale:
        """This scale with its name, notice and band labels in `language` where given."""
        texts = self.translations.get(language)
        if not texts:
            return self
        labels = texts.get("labels") or {}
        return replace(
            self,
            name=texts.get("name") or self.name,
            notice=texts.get("notice") or self.notice,
            bands=tuple(replace(b, label=labels.get(b.label) or b.label) for b in self.bands),
        )


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
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def in_language(self, language: str) -> Gate:
        """This gate with its title and description in `language` where given."""
        texts = self.translations.get(language)
        if not texts:
            return self
        return replace(
            self,
            title=texts.get("title") or self.title,
            description=texts.get("description") or self.description,
        )


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
    translations: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # lang -> title, short_title, based_on, disclaimer

    def in_language(self, language: str) -> RuleSet:
        """This rule set with its metadata, gates and grade scale in `language` where given.

        Its nodes and indicators keep their own translations (`Indicator.in_language`).
        """
        texts = self.translations.get(language) or {}
        return replace(
            self,
            title=texts.get("title") or self.title,
            short_title=texts.get("short_title") or self.short_title,
            based_on=texts.get("based_on") or self.based_on,
            disclaimer=texts.get("disclaimer") or self.disclaimer,
            gates=tuple(g.in_language(language) for g in self.gates),
            grade_scale=self.grade_scale and self.grade_scale.in_language(language),
        )

    @property
    def answers_key(self) -> str:
        """The framework id that answers, overrides and action items are given under."""
        return self.base or self.id

    def indicators(self) -> list[Indicator]:
        """Every indicator, in document order."""
        return [i for node in self.nodes for i in node.all_indicators()]

    def source_frameworks(self) -> tuple[str, ...]:
        """The frameworks whose questions some indicators are scored from (`scored_from`)."""
        return tuple(sorted({i.scored_from.framework for i in self.indicators() if i.scored_from}))
