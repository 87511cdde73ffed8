"""Explanations in plain words, on real cases: every trace entry of every indicator of every
bundled example (and of every indicator's own examples) has plain words, and every result has a
summary a person can read: no evidence paths, no machine symbols, no unfilled templates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest

from engine.evidence import load_evidence
from engine.model import EvidenceSet, Indicator, RuleSet, TraceEntry
from engine.resources import EXAMPLES_DIR
from engine.rulesets import bundled_frameworks, bundled_profiles, load_named

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
RULE_SETS = [*bundled_frameworks(), *bundled_profiles()]
# What plain words never hold: a dotted evidence path, an item path, a trace symbol, a template.
MACHINE = re.compile(r"[a-z]+_[a-z_]*\.[a-z]|@\.|[≤≥≠]|\{[a-z_]+\}|\bexpected\b|(?<=\s)None\b")


@cache
def rule_set(name: str) -> RuleSet:
    return load_named(name)


@cache
def evidence(name: str) -> EvidenceSet:
    return load_evidence(EXAMPLES_DIR / name)


def traces(indicator: Indicator, facts: dict[str, object]) -> Iterator[TraceEntry]:
    for condition in (indicator.applies_when, indicator.check, indicator.partial_check):
        if condition is not None:
            trace: list[TraceEntry] = []
            condition.evaluate(facts, trace)
            yield from trace


def assert_plain(entry: TraceEntry, where: str) -> None:
    assert entry.plain.strip(), f"{where}: no plain words for {entry.text!r}"
    first = entry.plain.lstrip("(")[0]
    assert first.isupper() or first.isdigit(), f"{where}: {entry.plain!r}"
    assert entry.plain.endswith("."), f"{where}: {entry.plain!r}"
    assert not MACHINE.search(entry.plain), f"{where}: machine words in {entry.plain!r}"


@pytest.mark.parametrize("name", RULE_SETS)
@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_every_trace_entry_of_every_example_has_plain_words(name: str, example: str) -> None:
    facts = dict(evidence(example).facts)
    count = 0
    for indicator in rule_set(name).indicators():
        for entry in traces(indicator, facts):
            assert_plain(entry, f"{example} {name} {indicator.id}")
            count += 1
    assert count > 0


@pytest.mark.parametrize("name", RULE_SETS)
def test_every_trace_entry_of_every_rule_example_has_plain_words(name: str) -> None:
    for indicator in rule_set(name).indicators():
        for example in indicator.examples:
            for entry in traces(indicator, dict(example.facts)):
                assert_plain(entry, f"{name} {indicator.id} example {example.expected}")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_result_has_a_summary_in_plain_words(example) -> None:
    from engine.pipeline import run_audit

    result = run_audit(example, ["all"])
    for framework in result.frameworks:
        for scored in framework.indicators:
            summary = scored.result.summary
            where = f"{example.stem} {framework.ruleset.id} {scored.result.indicator.id}"
            assert summary.strip(), where
            assert summary.endswith("."), f"{where}: {summary!r}"
            if scored.result.answer is None:  # an assessor's comment may say anything
                assert not MACHINE.search(summary), f"{where}: {summary!r}"
