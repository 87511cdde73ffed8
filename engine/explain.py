"""Why an indicator has its status, in words: the conditions evaluated again, with their trace.

engine.evaluate decides the statuses without a trace; an `IndicatorResult` asks `explain` for its
explanation when it is first read (a record, a report, a comparison). The status rules are
engine.decide's, the same as evaluate's, so the words state the status the indicator has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine import decide
from engine.conditions.words import but_sentences, join_sentences, lower_first, sentence
from engine.derived import fact_at
from engine.errors import Position
from engine.model import (
    Answer,
    AssessorAnswer,
    Condition,
    Explanation,
    FactRef,
    Indicator,
    Method,
    Override,
    Respondents,
    SourcedScore,
    SourceQuestion,
    Status,
    TraceEntry,
)

STATUS_WORDS = {
    Status.PASS: "met",
    Status.PARTIAL: "partly met",
    Status.FAIL: "not met",
    Status.NOT_APPLICABLE: "not applicable",
    Status.NOT_ASSESSED: "not assessed",
}


@dataclass(frozen=True, slots=True)
class Worded:
    """An indicator evaluated again with its trace: the statuses it found, and the words."""

    status: Status  # as computed, before any override
    data_status: Status | None
    answer_status: Status | None
    respondent_statuses: tuple[Status, ...]
    sourced: SourcedScore | None
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Inputs:
    """What an indicator was evaluated from; called, it gives the explanation (`explain`)."""

    indicator: Indicator
    facts: Mapping[str, object]
    answer: AssessorAnswer | None
    override: Override | None = None
    fact_positions: Mapping[str, Position] | None = None
    answer_source: str = ""  # "framework id" when the answer came through a mapping
    override_source: str = ""
    sourced: tuple[SourceQuestion, ...] = ()  # the answered questions it is scored from

    def __call__(self) -> Explanation:
        """The explanation: the conditions evaluated again, with their trace."""
        return explain(self).explanation


def explain(inputs: Inputs) -> Worded:
    """Why one indicator has its status, with the evidence it rests on.

    With `sourced` (the answered questions of another framework it is declared `scored_from`),
    the indicator is scored from them: applies_when first, then the mean of their scores.
    """
    indicator, facts, answer = inputs.indicator, inputs.facts, inputs.answer
    positions, sourced = inputs.fact_positions or {}, inputs.sourced
    several: tuple[Status, ...] = ()
    data_status = answer_status = None
    from_questions: SourcedScore | None = None
    if sourced:
        applies: list[TraceEntry] = []
        decision = _not_applicable(indicator, facts, applies)
        if decision is None:
            from_questions, decision = _from_questions(sourced, answer)
            cited = tuple({f.path: f for q in sourced for f in q.facts}.values())
        else:
            cited = _fact_refs(applies, decision.status, facts, positions)
        status, explanation, summary = decision.status, decision.explanation, decision.summary
    elif indicator.respondents is not None:
        status, explanation, summary, cited, several = _by_respondent(
            indicator, indicator.respondents, facts, answer, positions, inputs.answer_source
        )
    else:
        trace: list[TraceEntry] = []
        decision = _decide(indicator, facts, answer, trace, inputs.answer_source)
        status, explanation = decision.status, decision.explanation
        summary = decision.summary
        data_status, answer_status = decision.data_status, decision.answer_status
        cited = _fact_refs(trace, status, facts, positions)
    override, override_source = inputs.override, inputs.override_source
    if override is not None:
        via = f" (given for {override_source})" if override_source else ""
        explanation = (
            f"Overridden to {override.status} by {override.by} on {override.on}{via}: "
            f"{override.reason} (computed: {status}; {explanation})"
        )
        summary = _overridden(override, override_source, status, summary)
    return Worded(
        status,
        data_status,
        answer_status,
        several,
        from_questions,
        Explanation(explanation, cited, summary),
    )


def _percent(value: Fraction) -> str:
    """A score as a percentage, to at most one decimal ('75', '66.7')."""
    return f"{float(value * 100):.1f}".removesuffix(".0")


def _from_questions(
    questions: Sequence[SourceQuestion], answer: AssessorAnswer | None
) -> tuple[SourcedScore, _Decision]:
    """The mean of the questions' scores: pass at 1, fail at 0, partial between."""
    first = questions[0]
    sourced = decide.sourced_score(questions)
    mean = sourced.score
    scores = ", ".join(
        f"{q.id} {q.status} ({'not counted' if q.score is None else _percent(q.score)})"
        for q in questions
    )
    words = ", ".join(
        f"{q.id} {'is not counted' if q.score is None else 'scores ' + _percent(q.score)}"
        for q in questions
    )
    source = f"the {first.framework_title} answers"
    aside = ""
    if answer is not None:
        aside = f" The assessor's answer ('{answer.answer}') is left aside: {source} decide."
    status = decide.mean_status(mean)
    if mean is None:
        text = f"Scored from {first.framework} {scores}: none is counted."
        plain = (
            f"Not applicable: none of the {first.framework_title} questions it stands for counts."
        )
    else:
        text = f"Scored from {first.framework}: {scores}; mean {_percent(mean)} %."
        plain = f"Scored from {source}: {words}; a mean of {_percent(mean)} %."
    return sourced, _Decision(status, text + aside, plain + aside)


@dataclass(frozen=True, slots=True)
class _Decision:
    status: Status
    explanation: str
    summary: str  # the explanation in plain words
    data_status: Status | None = None  # for method both: each side's own status
    answer_status: Status | None = None


def _by_respondent(
    indicator: Indicator,
    respondents: Respondents,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
    positions: Mapping[str, Position],
    answer_source: str,
) -> tuple[Status, str, str, tuple[FactRef, ...], tuple[Status, ...]]:
    """Evaluate once per respondent of the list, or once with `each`, or not at all.

    The combined status is not_assessed if any respondent's is, pass or fail if all applicable
    respondents agree, else partial; the score (engine.score) is the mean of theirs.
    """
    items = fact_at(facts, respondents.list)
    if not (isinstance(items, list) and items):
        if fact_at(facts, respondents.each) is None:
            return (
                Status.NOT_ASSESSED,
                f"No respondent's answers in the evidence ({respondents.each} or "
                f"{respondents.list}).",
                "The evidence gives no respondent's answers.",
                (),
                (),
            )
        trace: list[TraceEntry] = []
        decision = _decide(indicator, facts, answer, trace, answer_source)
        status, explanation = decision.status, decision.explanation
        cited_once = _fact_refs(trace, status, facts, positions)
        return status, explanation, decision.summary, cited_once, ()
    statuses: list[Status] = []
    texts: list[str] = []
    words: list[str] = []
    cited: dict[str, FactRef] = {}
    head = respondents.each.split(".")
    for number, item in enumerate(items, start=1):
        own = decide.respondent_facts(facts, head, item)
        prefix = f"{respondents.list}.{number - 1}"
        shifted = _ShiftedPositions(positions, respondents.each, prefix)
        trace = []
        decision = _decide(indicator, own, answer, trace, answer_source)
        status, explanation = decision.status, decision.explanation
        statuses.append(status)
        texts.append(f"Respondent {number} of {len(items)}: {status}. {explanation}")
        words.append(
            f"Respondent {number} of {len(items)}: {STATUS_WORDS[status]}. {decision.summary}"
        )
        for ref in _fact_refs(trace, status, own, shifted):
            name = prefix + ref.path[len(respondents.each) :]
            cited.setdefault(name, FactRef(name, ref.value, ref.position))
    combined = decide.respondents_status(statuses)
    note = (
        " Its score is the mean of the respondents' scores."
        if combined is Status.PARTIAL and len(set(statuses)) > 1
        else ""
    )
    summary = " ".join(words) + note
    return combined, " ".join(texts) + note, summary, tuple(cited.values()), tuple(statuses)


class _ShiftedPositions(Mapping[str, Position]):
    """Positions of one respondent's facts: `each.x` is found at `<list>.<n>.x`."""

    def __init__(self, positions: Mapping[str, Position], each: str, prefix: str) -> None:
        self._positions = positions
        self._each = each
        self._prefix = prefix

    def _key(self, key: str) -> str:
        if key == self._each or key.startswith(self._each + "."):
            return self._prefix + key[len(self._each) :]
        return key

    def __getitem__(self, key: str) -> Position:
        return self._positions[self._key(key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


def _not_applicable(
    indicator: Indicator, facts: Mapping[str, object], trace: list[TraceEntry]
) -> _Decision | None:
    """The not-applicable decision when `applies_when` is false, else None."""
    if indicator.applies_when is None:
        return None
    applies_trace: list[TraceEntry] = []
    if indicator.applies_when.evaluate(facts, applies_trace) is not False:
        return None
    trace.extend(applies_trace)
    why = (
        "; ".join(e.text for e in applies_trace if e.result is False) or indicator.applies_when.text
    )
    reason = f" {indicator.not_applicable_reason}" if indicator.not_applicable_reason else ""
    because = indicator.not_applicable_reason.strip()
    found = _plain(applies_trace, False, indicator.applies_when)
    summary = (
        sentence(f"Not applicable: {lower_first(because)}")
        if because
        else f"Not applicable ({lower_first(found).rstrip('.')})."
    )
    return _Decision(Status.NOT_APPLICABLE, f"Not applicable: {why}.{reason}", summary)


def _decide(
    indicator: Indicator,
    facts: Mapping[str, object],
    answer: AssessorAnswer | None,
    trace: list[TraceEntry],
    answer_source: str,
) -> _Decision:
    not_applicable = _not_applicable(indicator, facts, trace)
    if not_applicable is not None:
        return not_applicable
    data: _Side = (None, "", "")
    if indicator.method is not Method.ANSWER:
        data = _check(indicator, facts, trace)
    given: _Side = (None, "", "")
    if indicator.method is not Method.CHECK:
        given = _answer(answer, answer_source)
    status = decide.method_status(indicator.method, data[0], given[0])
    match indicator.method:
        case Method.CHECK:
            return _Decision(status, data[1], data[2])
        case Method.ANSWER:
            return _Decision(status, given[1], given[2])
        case _:  # Method.BOTH
            text, words = _combine(status, data, given)
            return _Decision(status, text, words, data[0], given[0])


# A side of the decision: its status (None: it has nothing to say), machine text and plain words.
_Side = tuple[Status | None, str, str]


def _combine(status: Status, data: _Side, given: _Side) -> tuple[str, str]:
    """The words of data and an assessor answer combined into `status` (engine.decide's rule)."""
    data_status, data_text, data_words = data
    answer_status, answer_text, answer_words = given
    if answer_status is Status.NOT_APPLICABLE:
        return answer_text, answer_words
    if data_status is None:
        return f"{answer_text} {data_text}", f"{answer_words} {data_words}"
    if answer_status is None:
        return f"{data_text} {answer_text}", f"{data_words} {answer_words}"
    note = words = ""
    if data_status != answer_status:
        note = f" Data and assessor differ; the lower status ({status}) counts."
        words = (
            " The data and the assessor's answer differ; the lower result counts: "
            f"{STATUS_WORDS[status]}."
        )
    return f"{data_text} {answer_text}{note}", f"{data_words} {answer_words}{words}"


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
    partial = indicator.partial_check
    partial_trace: list[TraceEntry] = []
    partly = value is False and partial is not None and partial.evaluate(facts, partial_trace)
    status = decide.data_status(value, partly is True)
    if status is Status.PASS:
        text = f"Data meets the check: {_texts(check_trace, True) or check.text}."
        return status, text, _plain(check_trace, True, check)
    if status is None:
        text = f"Data missing for the check ({_texts(check_trace, None) or check.text})."
        return None, text, _plain(check_trace, None, check)
    failed = _texts(check_trace, False) or check.text
    failed_words = _sentences(check_trace, False, check)
    if status is Status.PARTIAL and partial is not None:
        trace.extend(partial_trace)
        partly_words = _sentences(partial_trace, True, partial)
        return (
            status,
            f"Data partly meets the check: {failed}; but {_texts(partial_trace, True)}.",
            but_sentences(failed_words, partly_words),
        )
    return status, f"Data fails the check: {failed}.", join_sentences(failed_words)


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
    return decide.answer_status(answer), text, sentence(f"{said}{given_for}{comment}")


def _overridden(override: Override, source: str, computed: Status, summary: str) -> str:
    """The override in words, where it was given, then what the evidence gave."""
    by = f" by {override.by}" if override.by else ""
    on = f" on {override.on}" if override.on else ""
    via = f" (given for {source.replace(':', ' ', 1)})" if source else ""
    reason = f": {override.reason.strip()}" if override.reason.strip() else ""
    changed = sentence(
        f"The result was changed to {STATUS_WORDS[override.status]}{by}{on}{via}{reason}"
    )
    return f"{changed} Computed result: {STATUS_WORDS[computed]}. {summary}"


_WANTED = {Status.PASS: True, Status.FAIL: False, Status.NOT_ASSESSED: None}  # trace results cited


def _fact_refs(
    trace: Sequence[TraceEntry],
    status: Status,
    facts: Mapping[str, object],
    positions: Mapping[str, Position],
) -> tuple[FactRef, ...]:
    entries = (
        [e for e in trace if e.result is _WANTED[status]] if status in _WANTED else list(trace)
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
        if type(current) is not dict and not isinstance(current, Mapping):
            return None
        current = current.get(part)
    if isinstance(current, (list, dict)):
        return f"{len(current)} item(s)" if isinstance(current, list) else "…"
    return current
