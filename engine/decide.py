"""The status rules of an indicator, once: from a check's value, an answer, respondents, questions.

engine.evaluate applies them to conditions evaluated without a trace (the statuses scoring needs);
engine.explain applies the same rules to conditions evaluated with one, to say why in words. Both
read them here, so the status an explanation states is the status the indicator has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from engine.model import (
    STATUS_RANK,
    Answer,
    AssessorAnswer,
    Method,
    SourcedScore,
    SourceQuestion,
    Status,
)

ANSWER_STATUS = {
    Answer.YES: Status.PASS,
    Answer.PARTIALLY: Status.PARTIAL,
    Answer.NO: Status.FAIL,
    Answer.NA: Status.NOT_APPLICABLE,
}


def data_status(value: bool | None, partly: bool) -> Status | None:
    """The data's status from its check's value (None: the data has nothing to say).

    `partly`: whether the partial check holds, asked only when the check fails.
    """
    if value is None:
        return None
    if value:
        return Status.PASS
    return Status.PARTIAL if partly else Status.FAIL


def answer_status(answer: AssessorAnswer | None) -> Status | None:
    """The assessor's answer as a status (None: no answer)."""
    return None if answer is None else ANSWER_STATUS[answer.answer]


def method_status(method: Method, data: Status | None, given: Status | None) -> Status:
    """The indicator's status from its data's and its answer's, by its method."""
    match method:
        case Method.CHECK:
            return data or Status.NOT_ASSESSED
        case Method.ANSWER:
            return given or Status.NOT_ASSESSED
        case Method.BOTH:
            return both_status(data, given)
        case _:  # pragma: no cover
            raise AssertionError(method)


def both_status(data: Status | None, given: Status | None) -> Status:
    """Data and an assessor answer: N/A wins, a missing side gives way, else the lower counts."""
    if given is Status.NOT_APPLICABLE:
        return Status.NOT_APPLICABLE
    if data is None:
        return given or Status.NOT_ASSESSED
    if given is None:
        return data
    return lower_status(data, given)


def lower_status(data: Status, given: Status) -> Status:
    """The lower of two assessed statuses."""
    return min(data, given, key=STATUS_RANK.__getitem__)


def respondents_status(statuses: Sequence[Status]) -> Status:
    """Several respondents' statuses as one.

    not_assessed if any respondent's is, pass or fail if all applicable respondents agree, else
    partial; the score (engine.score) is the mean of theirs.
    """
    if Status.NOT_ASSESSED in statuses:
        return Status.NOT_ASSESSED
    applicable = [s for s in statuses if s is not Status.NOT_APPLICABLE]
    if not applicable:
        return Status.NOT_APPLICABLE
    if all(s is Status.PASS for s in applicable):
        return Status.PASS
    if all(s is Status.FAIL for s in applicable):
        return Status.FAIL
    return Status.PARTIAL


def respondent_facts(
    facts: Mapping[str, object], path: Sequence[str], value: object
) -> dict[str, object]:
    """A shallow copy of `facts` with one respondent's `value` at `path` (copies stop at the path)."""
    copy = dict(facts)
    if len(path) == 1:
        copy[path[0]] = value
        return copy
    inner = copy.get(path[0])
    copy[path[0]] = respondent_facts(inner if isinstance(inner, Mapping) else {}, path[1:], value)
    return copy


def sourced_score(questions: Sequence[SourceQuestion]) -> SourcedScore:
    """An indicator scored from another framework's questions: the mean of their scores.

    The mean is None when none of them is counted.
    """
    counted = [q.score for q in questions if q.score is not None]
    mean = sum(counted, Fraction(0)) / len(counted) if counted else None
    return SourcedScore(questions[0].framework, tuple(questions), mean)


def mean_status(mean: Fraction | None) -> Status:
    """An indicator scored from questions: pass at 1, fail at 0, partial between."""
    if mean is None:
        return Status.NOT_APPLICABLE
    return Status.PASS if mean == 1 else Status.FAIL if mean == 0 else Status.PARTIAL
