"""A comparison of two assessments of one institution: what moved between the earlier and the later.

Built by `engine.compare` from two result records; shown by `spm-audit compare` and, through
`AuditResult.progress`, in the report of `assess --previous`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

from engine.model.values import Status, Verdict


class FindingChange(enum.StrEnum):
    """What became of a finding (an indicator not met or partly met) between two assessments."""

    CLOSED = "closed"  # a finding before, met now
    NEW = "new"  # not a finding before (met, not assessed, not applicable or absent), a finding now
    RECURRING = "recurring"  # a finding on both dates


class ActionState(enum.StrEnum):
    """What became of an action of the earlier plan, judged on the later statuses."""

    DONE = "done"  # every indicator it settles now passes (or no longer applies)
    LATE = "late"  # still not met, and its due date is before the later assessment
    OPEN = "open"  # still not met, not yet due (or no due date)
    NOT_ASSESSED = "not_assessed"  # the later assessment could not tell
    DROPPED = "dropped"  # none of its indicators is in the later assessment


@dataclass(frozen=True, slots=True)
class Side:
    """Which assessment one side of a comparison is."""

    file: str
    institution: str
    assessment_type: str
    period_start: str
    period_end: str
    assessed_on: str


@dataclass(frozen=True, slots=True)
class ScoreDelta:
    """One node's (or a framework's overall) score and coverage on both dates; None: not rated or absent."""

    id: str
    title: str
    level: str
    parent: str | None
    old_score: Fraction | None
    new_score: Fraction | None
    old_coverage: Fraction | None
    new_coverage: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        """New score minus old score, when both are rated."""
        if self.old_score is None or self.new_score is None:
            return None
        return self.new_score - self.old_score

    @property
    def coverage_delta(self) -> Fraction | None:
        """New coverage minus old coverage, when both are known."""
        if self.old_coverage is None or self.new_coverage is None:
            return None
        return self.new_coverage - self.old_coverage


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An indicator whose status differs between the two dates (None: absent from that side)."""

    id: str
    title: str
    old: Status | None
    new: Status | None
    critical: bool
    was: tuple[str, ...] = ()  # the earlier id(s), when the later rule set renamed, split or merged


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding closed, new or recurring, with its statuses on both dates."""

    id: str
    title: str
    change: FindingChange
    old: Status | None
    new: Status | None
    critical: bool
    finding: str  # the finding's text on the later date (the earlier one for a closed finding)
    was: tuple[str, ...] = ()  # the earlier id(s), when the later rule set renamed, split or merged


@dataclass(frozen=True, slots=True)
class GateDelta:
    """A gate's verdict on both dates (None: the gate was not in that assessment)."""

    id: str
    title: str
    old: Verdict | None
    new: Verdict | None


@dataclass(frozen=True, slots=True)
class FrameworkComparison:
    """One framework assessed on both dates (or on one of them only)."""

    id: str
    title: str
    old_version: str | None  # None: not assessed on that date
    new_version: str | None
    overall: ScoreDelta
    nodes: tuple[ScoreDelta, ...]  # document order of the later rule set, then nodes gone
    status_changes: tuple[StatusChange, ...]
    findings: tuple[Finding, ...]  # closed, then new, then recurring
    gates: tuple[GateDelta, ...]
    old_grade: str | None
    new_grade: str | None

    def findings_of(self, change: FindingChange) -> tuple[Finding, ...]:
        """The findings of one kind."""
        return tuple(f for f in self.findings if f.change is change)


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """A social goal on both dates: target and actual (None: not given on that date)."""

    id: str
    goal: str
    indicator: str
    unit: str
    direction: str  # increase or decrease
    old_target: float | None
    old_actual: float | None
    new_target: float | None
    new_actual: float | None
    old_met: bool | None  # None: no target or no actual on that date
    new_met: bool | None


@dataclass(frozen=True, slots=True)
class SettledStatus:
    """An indicator an earlier action settles, with its status now (None: not in the later assessment)."""

    framework: str
    id: str
    old: Status
    new: Status | None


@dataclass(frozen=True, slots=True)
class ActionProgress:
    """An action of the earlier plan and what became of it."""

    recommendation: str
    settles: tuple[SettledStatus, ...]
    owner: str
    due: str
    state: ActionState
    critical: bool


@dataclass(frozen=True, slots=True)
class CitedEvidence:
    """What one side's rating of an indicator rests on, as its record gives it."""

    answer: str  # the answer given (yes, partially, no, na), '' when the data decided
    comment: str
    documents: tuple[str, ...]  # 'K-CREDIT Credit policy manual, pp. 21-23'
    facts: tuple[str, ...]  # 'portfolio.par30 = 0.038'
    summary: str = ""  # the rating in plain words, as the report gives it


@dataclass(frozen=True, slots=True)
class RatingGap:
    """An indicator the institution rated higher in its self-assessment than the external auditor."""

    framework: str
    id: str
    title: str
    critical: bool
    self_status: Status
    external_status: Status
    self_evidence: CitedEvidence
    external_evidence: CitedEvidence


@dataclass(frozen=True, slots=True)
class SelfVsExternal:
    """A self-assessment set against an external assessment of the same institution."""

    rated_higher: tuple[RatingGap, ...]  # largest gap first, critical first
    rated_lower: int  # indicators the institution rated lower than the auditor
    rated_same: int
    compared: int  # indicators both sides assessed (met, partly met or not met)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two assessments of one institution, the earlier (old) and the later (new)."""

    old: Side
    new: Side
    frameworks: tuple[FrameworkComparison, ...]
    goals: tuple[GoalProgress, ...]
    actions: tuple[ActionProgress, ...]
    notes: tuple[str, ...]  # what a reader must know: other institution, other rule set version, …
    self_vs_external: SelfVsExternal | None = None  # old: the self-assessment, new: the external

    def framework(self, framework_id: str) -> FrameworkComparison | None:
        """The comparison of one framework, by id."""
        return next((f for f in self.frameworks if f.id == framework_id), None)
