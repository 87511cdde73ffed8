"""Evidence: a validated evidence file, its documents, answers, overrides and action plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine.errors import Diagnostic, Position
from engine.model.values import (
    Answer,
    Status,
)


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
    authority: str = ""  # who approved it, beside the assessor
    expires: dt.date | None = None  # the last day it applies
    reaches_equivalents: bool = True  # scope: also the equivalent indicators of other frameworks


@dataclass(frozen=True, slots=True)
class ActionItem:
    """Owner, due date and status agreed for an indicator's recommendation."""

    owner: str
    due: str
    status: str
    effort: str = ""  # low, medium or high, when the evidence says


@dataclass(frozen=True, slots=True)
class ScorecardRef:
    """A poverty scorecard a client survey was scored with, for the result's provenance."""

    id: str
    file: str
    sha256: str


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
    # overrides whose `expires` is before the assessment date: listed, not applied
    expired_overrides: Mapping[str, Mapping[str, Override]] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()
    scorecards: tuple[ScorecardRef, ...] = ()  # the scorecards that computed facts rest on
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
