"""The statuses evaluate decides without a trace are the statuses explain finds with one.

engine.evaluate decides each indicator's statuses with its conditions evaluated without a trace;
engine.explain evaluates them again, with the trace, when the explanation is first read. Both apply
engine.decide's rules, so they must agree on every indicator: here for every example institution
against every bundled framework and profile, and for every case of every bundled rule set's tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

import engine.evaluate
import engine.pipeline
import engine.ruletests
from engine.evidence import load_evidence
from engine.explain import Inputs, explain
from engine.model import IndicatorResult
from engine.pipeline import assess
from engine.rulesets import bundled_frameworks, bundled_profiles, load_rule_sets
from engine.rulesuite import run_rule_tests

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))


def _disagreements(results: Iterable[IndicatorResult]) -> list[str]:
    found = []
    for result in results:
        inputs = result.explained
        assert isinstance(inputs, Inputs), f"{result.indicator.id}: explained before this test"
        worded = explain(inputs)
        decided = (
            result.computed_status,
            result.data_status,
            result.answer_status,
            result.respondent_statuses,
            result.sourced,
        )
        said = (
            worded.status,
            worded.data_status,
            worded.answer_status,
            worded.respondent_statuses,
            worded.sourced,
        )
        if decided != said:
            found.append(f"{result.indicator.id}: evaluate {decided}, explain {said}")
    return found


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each result compared with its explanation as soon as it is evaluated; the disagreements.

    Checked at once, before a report, a gate or a rule test reads (and so writes) any explanation.
    """
    found: list[str] = []
    evaluate = engine.evaluate.evaluate_rule_set

    def evaluate_and_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        results = evaluate(*args, **kwargs)
        found.extend(_disagreements(results))
        found.append("")  # one mark per rule set evaluated
        return results

    monkeypatch.setattr(engine.pipeline, "evaluate_rule_set", evaluate_and_check)
    monkeypatch.setattr(engine.ruletests, "evaluate_rule_set", evaluate_and_check)
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_and_framework(example: Path, checked: list[str]) -> None:
    names = [*bundled_frameworks(), *bundled_profiles()]
    assess(load_evidence(example), load_rule_sets(names))
    assert checked.count("") == len(names)
    assert [d for d in checked if d] == []


def test_every_rule_test_case(checked: list[str]) -> None:
    run = run_rule_tests([])
    assert run.cases > 1000
    assert checked.count("") > 1000
    assert [d for d in checked if d] == []
