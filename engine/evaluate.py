"""Stage 3, evaluate: a rule set × an evidence set → one `IndicatorResult` per indicator.

Never raises on evidence content: missing or unusable evidence becomes `not_assessed`, with an
explanation of what was missing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from engine.conditions.words import but_sentences, join_sentences, lower_first, sentence
from engine.errors import Position
from engine.model import (
    STATUS_RANK,
    Answer,
    AssessorAnswer,
    Condition,
    EvidenceSet,
    FactRef,
    Indicator,
    IndicatorResult,
    Method,
    Override,
    RuleSet,
    Status,
    TraceEntry,
)

logger = logging.getLogger(__name__)

STATUS_WORDS = {
    Status.PASS: "met",
    Status.PARTIAL: "partly met",
    Status.FAIL: "not met",
    Status.NOT_APPLICABLE: "not applicable",
    Status.NOT_ASSESSED: "not assessed",
}
ANSWER_STATUS = {
    Answer.YES: Status.PASS,
    Answer.PARTIALLY: Status.PARTIAL,
    Answer.NO: Status.FAIL,
    Answer.NA: Status.NOT_APPLICABLE,
}


def evaluate_rule_set(
    rule_set: RuleSet,
    evidence: EvidenceSet,
    shared_answers: Mapping[str, tuple[AssessorAnswer, str]] | None = None,
) -> tuple[IndicatorResult, ...]:
    """Evaluate every indicator of `rule_set` against `evidence`.

    Args:
        rule_set: the compiled rule set.
        evidence: the validated evidence.
        shared_answers: answers reaching this rule set through equivalent mappings, by indicator
            id, with the "framework:id" they were given for.
    """
    answers = evidence.answers.get(rule_set.answers_key, {})
    overrides = evidence.overrides.get(rule_set.answers_key, {})
    replaced = {old: ind.id for ind in rule_set.indicators() for old in ind.replaces}
    answers = {replaced.get(k, k): v for k, v in answers.items()}
    overrides = {replaced.get(k, k): v for k, v in overrides.items()}
    shared = shared_answers or {}
    results = []
    for indicator in rule_set.indicators():
        answer, source = answers.get(indicator.id), ""
        if answer is None and indicator.id in shared:
            answer, source = shared[indicator.id]
        results.append(
            evaluate_indicator(
                indicator,
                evidence.facts,
                answer,
                overrides.get(indicator.id),
                evidence.fact_positions,
                answer_source=source,
            )
        )
    return tuple(results)


def evaluate_indicator(
    indicator: Indicator,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
    override: Override | None = None,
    fact_positions: Mapping[str, Position] | None = None,
    *,
    answer_source: str = "",
) -> IndicatorResult:
    """The status of one indicator, with its explanation and the evidence it rests on."""
    positions = fact_positions or {}
    trace: list[TraceEntry] = []
    status, explanation, summary = _decide(indicator, facts, answer, trace, answer_source)
    cited = _fact_refs(trace, status, facts, positions)
    final = override.status if override is not None else status
    if override is not None:
        explanation = (
            f"Overridden to {override.status} by {override.by} on {override.on}: {override.reason} "
            f"(computed: {status}; {explanation})"
        )
        summary = _overridden(override, status, summary)
    return IndicatorResult(
        indicator, final, status, explanation, cited, answer, answer_source, override, summary
    )


# A side of the decision: its status (None: it has nothing to say), machine text and plain words.
_Side = tuple[Status | None, str, str]


def _decide(
    indicator: Indicator,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
    trace: list[TraceEntry],
    answer_source: str,
) -> tuple[Status, str, str]:
    if indicator.applies_when is not None:
        applies_trace: list[TraceEntry] = []
        if indicator.applies_when.evaluate(facts, applies_trace) is False:
            trace.extend(applies_trace)
            why = (
                "; ".join(e.text for e in applies_trace if e.result is False)
                or indicator.applies_when.text
            )
            reason = (
                f" {indicator.not_applicable_reason}" if indicator.not_applicable_reason else ""
            )
            because = indicator.not_applicable_reason.strip()
            found = _plain(applies_trace, False, indicator.applies_when)
            summary = (
                sentence(f"Not applicable: {lower_first(because)}")
                if because
                else f"Not applicable ({lower_first(found).rstrip('.')})."
            )
            return Status.NOT_APPLICABLE, f"Not applicable: {why}.{reason}", summary
    data: _Side = (None, "", "")
    if indicator.method is not Method.ANSWER:
        data = _check(indicator, facts, trace)
    given: _Side = (None, "", "")
    if indicator.method is not Method.CHECK:
        given = _answer(answer, answer_source)
    match indicator.method:
        case Method.CHECK:
            return (data[0] or Status.NOT_ASSESSED), data[1], data[2]
        case Method.ANSWER:
            return (given[0] or Status.NOT_ASSESSED), given[1], given[2]
        case Method.BOTH:
            return _combine(data, given)
        case _:  # pragma: no cover
            raise AssertionError(indicator.method)


def _combine(data: _Side, given: _Side) -> tuple[Status, str, str]:
    """Data and an assessor answer: N/A wins, a missing side gives way, else the lower counts."""
    data_status, data_text, data_words = data
    answer_status, answer_text, answer_words = given
    if answer_status is Status.NOT_APPLICABLE:
        return Status.NOT_APPLICABLE, answer_text, answer_words
    if data_status is None:
        return (
            (answer_status or Status.NOT_ASSESSED),
            f"{answer_text} {data_text}",
            f"{answer_words} {data_words}",
        )
    if answer_status is None:
        return data_status, f"{data_text} {answer_text}", f"{data_words} {answer_words}"
    lower = min(data_status, answer_status, key=STATUS_RANK.__getitem__)
    note = words = ""
    if data_status != answer_status:
        note = f" Data and assessor differ; the lower status ({lower}) counts."
        words = (
            f" The data and the assessor's answer differ; the lower result counts: "
            f"{STATUS_WORDS[lower]}."
        )
    return lower, f"{data_text} {answer_text}{note}", f"{data_words} {answer_words}{words}"


def _texts(trace: Sequence[TraceEntry], result: bool | None) -> str:
    return "; ".join(dict.fromkeys(e.text for e in trace if e.result is result))


def _plain(trace: Sequence[TraceEntry], result: bool | None, condition: Condition) -> str:
    """The plain words of the trace entries with this result, else what the condition asks."""
    return join_sentences(_sentences(trace, result, condition))


def _sentences(trace: Sequence[TraceEntry], result: bool | None, condition: Condition) -> list[str]:
    found = list(dict.fromkeys(e.plain for e in trace if e.result is result and e.plain))
    if found:
        return found
    asks = sentence(condition.plain) if condition.plain else condition.text
    if result is None:
        return [f"The evidence does not give what the check needs: {lower_first(asks)}"]
    return [f"{'Met' if result else 'Not met'}: {lower_first(asks)}"]


def _check(indicator: Indicator, facts: Mapping[str, object], trace: list[TraceEntry]) -> _Side:
    check: Condition | None = indicator.check
    if check is None:  # validation refuses method check/both without a check
        return None, "No check defined.", "No check is defined."
    check_trace: list[TraceEntry] = []
    value = check.evaluate(facts, check_trace)
    trace.extend(check_trace)
    if value is True:
        text = f"Data meets the check: {_texts(check_trace, True) or check.text}."
        return Status.PASS, text, _plain(check_trace, True, check)
    if value is None:
        text = f"Data missing for the check ({_texts(check_trace, None) or check.text})."
        return None, text, _plain(check_trace, None, check)
    failed = _texts(check_trace, False) or check.text
    failed_words = _sentences(check_trace, False, check)
    if indicator.partial_check is not None:
        partial_trace: list[TraceEntry] = []
        if indicator.partial_check.evaluate(facts, partial_trace) is True:
            trace.extend(partial_trace)
            partly = _sentences(partial_trace, True, indicator.partial_check)
            return (
                Status.PARTIAL,
                f"Data partly meets the check: {failed}; but {_texts(partial_trace, True)}.",
                but_sentences(failed_words, partly),
            )
    return Status.FAIL, f"Data fails the check: {failed}.", join_sentences(failed_words)


def _answer(answer: AssessorAnswer | None, source: str) -> _Side:
    if answer is None:
        return None, "No assessor answer recorded.", "No assessor answer is recorded."
    via = f" (given for {source})" if source else ""
    comment = f": {answer.comment.strip()}" if answer.comment.strip() else ""
    label = "N/A" if answer.answer is Answer.NA else f"'{answer.answer}'"
    text = f"Assessor answered {label}{via}{comment}"
    given_for = f" (given for {source.replace(':', ' ', 1)})" if source else ""
    said = (
        "The assessor marked it not applicable"
        if answer.answer is Answer.NA
        else f"The assessor answered '{answer.answer}'"
    )
    return ANSWER_STATUS[answer.answer], text, sentence(f"{said}{given_for}{comment}")


def _overridden(override: Override, computed: Status, summary: str) -> str:
    """The override in words, then what the evidence gave."""
    by = f" by {override.by}" if override.by else ""
    on = f" on {override.on}" if override.on else ""
    reason = f": {override.reason.strip()}" if override.reason.strip() else ""
    return (
        f"{sentence(f'The result was changed to {STATUS_WORDS[override.status]}{by}{on}{reason}')}"
        f" Computed result: {STATUS_WORDS[computed]}. {summary}"
    )


def _fact_refs(
    trace: Sequence[TraceEntry],
    status: Status,
    facts: Mapping[str, object],
    positions: Mapping[str, Position],
) -> tuple[FactRef, ...]:
    wanted = {Status.PASS: True, Status.FAIL: False, Status.NOT_ASSESSED: None}.get(status)
    entries = (
        [e for e in trace if e.result is wanted]
        if status in (Status.PASS, Status.FAIL, Status.NOT_ASSESSED)
        else list(trace)
    )
    refs: dict[str, FactRef] = {}
    for entry in entries or trace:
        for path in entry.paths:
            if path.startswith("@") or path in refs:
                continue
            refs[path] = FactRef(path, _lookup(facts, path), positions.get(path))
    return tuple(refs.values())


def _lookup(facts: Mapping[str, object], path: str) -> object:
    current: object = facts
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    if isinstance(current, (list, dict)):
        return f"{len(current)} item(s)" if isinstance(current, list) else "…"
    return current
