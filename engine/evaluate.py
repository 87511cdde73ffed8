"""Stage 3, evaluate: a rule set × an evidence set → one `IndicatorResult` per indicator.

Never raises on evidence content: missing or unusable evidence becomes `not_assessed`. The
statuses are decided here, with the conditions evaluated without a trace; the explanation of each
result is written by engine.explain when it is first read, under the same rules (engine.decide).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from engine import decide
from engine.decide import ANSWER_STATUS
from engine.derived import fact_at
from engine.errors import Position
from engine.explain import STATUS_WORDS, Inputs
from engine.model import (
    AssessorAnswer,
    EvidenceSet,
    Indicator,
    IndicatorResult,
    Method,
    Override,
    Respondents,
    RuleSet,
    SourcedScore,
    SourceQuestion,
    Status,
)

logger = logging.getLogger(__name__)

__all__ = ["ANSWER_STATUS", "STATUS_WORDS", "evaluate_indicator", "evaluate_rule_set"]


def evaluate_rule_set(
    rule_set: RuleSet,
    evidence: EvidenceSet,
    shared_answers: Mapping[str, tuple[AssessorAnswer, str]] | None = None,
    shared_overrides: Mapping[str, tuple[Override, str]] | None = None,
    sources: Mapping[tuple[str, str], SourceQuestion] | None = None,
) -> tuple[IndicatorResult, ...]:
    """Evaluate every indicator of `rule_set` against `evidence`.

    Args:
        rule_set: the compiled rule set.
        evidence: the validated evidence.
        shared_answers: answers reaching this rule set through equivalent mappings, by indicator
            id, with the "framework id" they were given for.
        shared_overrides: overrides reaching it the same way: one verdict per fact.
        sources: the questions of other frameworks as scored in this run, by (framework id,
            question id), for the indicators declared `scored_from` them.
    """
    answers = evidence.answers.get(rule_set.answers_key, {})
    overrides = evidence.overrides.get(rule_set.answers_key, {})
    indicators = rule_set.indicators()
    replaced = {old: ind.id for ind in indicators for old in ind.replaces}
    answers = {replaced.get(k, k): v for k, v in answers.items()}
    overrides = {replaced.get(k, k): v for k, v in overrides.items()}
    shared = shared_answers or {}
    shared_over = shared_overrides or {}
    results = []
    for indicator in indicators:
        answer, source = answers.get(indicator.id), ""
        if answer is None and indicator.id in shared:
            answer, source = shared[indicator.id]
        override, override_source = overrides.get(indicator.id), ""
        if override is None and indicator.id in shared_over:
            override, override_source = shared_over[indicator.id]
        results.append(
            evaluate_indicator(
                indicator,
                evidence.facts,
                answer,
                override,
                evidence.fact_positions,
                answer_source=source,
                override_source=override_source,
                sourced=_answered_questions(indicator, sources or {}),
            )
        )
    return tuple(results)


def _answered_questions(
    indicator: Indicator, sources: Mapping[tuple[str, str], SourceQuestion]
) -> tuple[SourceQuestion, ...]:
    """The questions an indicator is scored from, when the run answers at least one of them."""
    spec = indicator.scored_from
    if spec is None:
        return ()
    found = tuple(
        q for q in (sources.get((spec.framework, qid)) for qid in spec.questions) if q is not None
    )
    if all(q.status is Status.NOT_ASSESSED for q in found):
        return ()  # no answers to the questions (or the framework is not in the run): as usual
    return found


def evaluate_indicator(
    indicator: Indicator,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
    override: Override | None = None,
    fact_positions: Mapping[str, Position] | None = None,
    *,
    answer_source: str = "",
    override_source: str = "",
    sourced: Sequence[SourceQuestion] = (),
) -> IndicatorResult:
    """The status of one indicator; its explanation and the evidence it rests on when read.

    With `sourced` (the answered questions of another framework it is declared `scored_from`),
    the indicator is scored from them: applies_when first, then the mean of their scores.
    """
    several: tuple[Status, ...] = ()
    data = given = None
    from_questions: SourcedScore | None = None
    if sourced:
        if _not_applicable(indicator, facts):
            status = Status.NOT_APPLICABLE
        else:
            from_questions = decide.sourced_score(sourced)
            status = decide.mean_status(from_questions.score)
    elif indicator.respondents is not None:
        status, several = _by_respondent(indicator, indicator.respondents, facts, answer)
    elif _not_applicable(indicator, facts):
        status = Status.NOT_APPLICABLE
    else:
        status, data, given = _decide(indicator, facts, answer)
        if indicator.method is not Method.BOTH:
            data = given = None  # each side's own status is kept for method both only
    explained = Inputs(
        indicator,
        facts,
        answer,
        override,
        fact_positions,
        answer_source,
        override_source,
        tuple(sourced),
    )
    return IndicatorResult(
        indicator,
        override.status if override is not None else status,
        status,
        explained,
        answer,
        answer_source,
        override,
        override_source,
        data,
        given,
        several,
        from_questions,
    )


def _not_applicable(indicator: Indicator, facts: Mapping[str, object]) -> bool:
    """Whether `applies_when` is false."""
    applies = indicator.applies_when
    return applies is not None and applies.evaluate(facts, None) is False


def _decide(
    indicator: Indicator, facts: Mapping[str, object], answer: AssessorAnswer | None
) -> tuple[Status, Status | None, Status | None]:
    """(status, the data's status, the answer's status) of an indicator that applies."""
    data = given = None
    if indicator.method is not Method.ANSWER and indicator.check is not None:
        value = indicator.check.evaluate(facts, None)
        partial = indicator.partial_check
        partly = value is False and partial is not None and partial.evaluate(facts, None)
        data = decide.data_status(value, partly is True)
    if indicator.method is not Method.CHECK:
        given = decide.answer_status(answer)
    return decide.method_status(indicator.method, data, given), data, given


def _by_respondent(
    indicator: Indicator,
    respondents: Respondents,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
) -> tuple[Status, tuple[Status, ...]]:
    """(status, each respondent's): once per respondent of the list, or once with `each`.

    No list and no `each` in the evidence: not assessed.
    """
    items = fact_at(facts, respondents.list)
    if not (isinstance(items, list) and items):
        if fact_at(facts, respondents.each) is None:
            return Status.NOT_ASSESSED, ()
        return _applies_then_decides(indicator, facts, answer), ()
    head = respondents.each.split(".")
    statuses = tuple(
        _applies_then_decides(indicator, decide.respondent_facts(facts, head, item), answer)
        for item in items
    )
    return decide.respondents_status(statuses), statuses


def _applies_then_decides(
    indicator: Indicator, facts: Mapping[str, object], answer: AssessorAnswer | None
) -> Status:
    if _not_applicable(indicator, facts):
        return Status.NOT_APPLICABLE
    return _decide(indicator, facts, answer)[0]
