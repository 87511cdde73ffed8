"""Identifiers, statuses and the other enums every stage shares; no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NewType, Protocol

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
        return _PRIORITY_RANK[self]


# findings are sorted by it, thousands of times a run
_PRIORITY_RANK = {p: n for n, p in enumerate(Priority)}


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


class SourceWeights(enum.StrEnum):
    """How indicators scored from another framework's questions weigh (see `ScoredFrom`)."""

    QUESTIONS = "questions"  # as many questions as each stands for, the node's total kept
    INDICATOR = "indicator"  # its own weight


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
