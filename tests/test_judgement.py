"""Every finding of every bundled example is true to the evidence that decided it (issue 9).

Walks each failed and partly met indicator and checks it against its own decision: a data-decided
finding must rest on facts that are there and on a check that really fails on them; an
assessor-decided one on an answer that says so; an overridden one on an override. The text it
prints is the one written for its status. And one fact gets one verdict: indicators joined by an
`equivalent` mapping agree, or the result reports a conflict.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.crosswalk import build_crosswalk
from engine.evaluate import ANSWER_STATUS
from engine.model import (
    STATUS_RANK,
    AuditResult,
    IndicatorResult,
    Method,
    Relation,
    Status,
    TraceEntry,
)
from engine.pipeline import run_audit
from engine.resources import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def result(request: pytest.FixtureRequest) -> AuditResult:
    return run_audit(request.param, ["all"])


def _findings(result: AuditResult) -> list[tuple[str, IndicatorResult]]:
    return [
        (f.ruleset.id, s.result)
        for f in result.frameworks
        for s in f.indicators
        if s.result.status in (Status.FAIL, Status.PARTIAL)
    ]


def _data_status(r: IndicatorResult, facts: dict) -> Status | None:
    check = r.indicator.check
    assert check is not None
    value = check.evaluate(facts, None)
    if value is True:
        return Status.PASS
    if value is None:
        return None
    partial = r.indicator.partial_check
    return Status.PARTIAL if partial is not None and partial.evaluate(facts, None) else Status.FAIL


def test_every_finding_rests_on_what_decided_it(result: AuditResult) -> None:
    facts = dict(result.evidence.facts)
    checked = 0
    for framework, r in _findings(result):
        where = f"{framework} {r.indicator.id}"
        if r.override is not None:
            assert r.override.status is r.status, where
            continue
        if r.sourced is not None:  # scored from another framework's questions: their mean
            assert r.sourced.score is not None, where
            partly = r.status is Status.PARTIAL
            assert (0 < r.sourced.score < 1) if partly else (r.sourced.score == 0), where
            assert all(q.id in r.explanation for q in r.sourced.questions), where
            continue
        if r.indicator.respondents is not None and r.respondent_statuses:
            continue  # several respondents: each one's status is checked like this one's
        data = _data_status(r, facts) if r.indicator.method is not Method.ANSWER else None
        answer = ANSWER_STATUS[r.answer.answer] if r.answer is not None else None
        decided = [s for s in (data, answer) if s is not None and s is not Status.NOT_APPLICABLE]
        assert decided, f"{where} is {r.status} but neither data nor an answer decides it"
        # 'both': the lower status counts; each side alone: that side
        assert min(decided, key=STATUS_RANK.__getitem__) is r.status, where
        if data is not None and data is r.status:
            # the facts it cites are in the evidence: a missing fact makes a finding only where the
            # rule says absence decides (`exists`, or a `default`), never through an unknown
            assert r.facts, where
            trace: list[TraceEntry] = []
            assert r.indicator.check is not None
            r.indicator.check.evaluate(facts, trace)
            decisive = {p for e in trace if e.result is not None for p in e.paths}
            missing = [f.path for f in r.facts if f.value is None]
            assert set(missing) <= decisive, (where, missing)
        if answer is not None and answer is r.status:
            assert r.answer is not None
            assert r.answer.comment.strip(), f"{where}: an assessor's finding needs its reason"
        checked += 1
    assert checked or not _findings(result)


def test_every_finding_prints_the_text_of_its_status(result: AuditResult) -> None:
    for framework, r in _findings(result):
        text = r.indicator.finding_for(r.status)
        assert text, f"{framework} {r.indicator.id}"
        if r.status is Status.PARTIAL:
            assert text == r.indicator.partial_finding, f"{framework} {r.indicator.id}"
            assert text != r.indicator.finding, f"{framework} {r.indicator.id}"


def test_equivalent_indicators_agree_or_a_conflict_is_reported(result: AuditResult) -> None:
    statuses = {
        (f.ruleset.answers_key, s.result.indicator.id): s.result.status
        for f in result.frameworks
        for s in f.indicators
    }
    conflicts = {
        frozenset({(c.framework, c.id), (c.other_framework, c.other_id)}) for c in result.conflicts
    }
    crosswalk = build_crosswalk([f.ruleset for f in result.frameworks])
    pairs = 0
    for key, status in statuses.items():
        for other, relation in crosswalk.neighbours(key):
            if relation is Relation.EQUIVALENT and other in statuses:
                pairs += 1
                assert status is statuses[other] or frozenset({key, other}) in conflicts, (
                    key,
                    other,
                )
    assert pairs > 0
    assert result.conflicts == ()  # the bundled rule sets decide their equivalents alike


def test_no_missing_fact_becomes_a_breach(tmp_path: Path) -> None:
    """Without a legal cap in the evidence, no report says a price is above it (report-review D1)."""
    source = (EXAMPLES_DIR / "kombit-microfinance.yaml").read_text(encoding="utf-8")
    edited = source.replace("has_interest_rate_cap: false", "has_interest_rate_cap: true")
    assert edited != source
    evidence = tmp_path / "kombit.yaml"
    evidence.write_text(edited, encoding="utf-8")
    capped = run_audit(evidence, ["all"])
    for f in capped.frameworks:
        for s in f.indicators:
            text = s.result.indicator.finding_for(s.result.status).lower()
            assert "legal" not in text or "cap" not in text, (f.ruleset.id, s.result.indicator.id)
