"""Every bundled rule set lints clean, and every indicator's examples reach their stated status.

Parametrised over the rule files, with ids like `universal-standards::4.A.1.2::fail`, so
`pytest -k 4.A.1.2` runs one indicator's examples.
"""

from __future__ import annotations

import pytest

from engine.catalog import bundled_frameworks
from engine.evaluate import evaluate_indicator
from engine.lint import example_answer, lint_rule_sets
from engine.model import Indicator, RuleSet, Status
from engine.pipeline import bundled_profiles
from engine.validate import load_rule_set

RULE_SETS: dict[str, RuleSet] = {
    fid: load_rule_set(folder) for fid, folder in bundled_frameworks().items()
}


def _cases() -> list[tuple[str, Indicator, object]]:
    return [
        (f"{fid}::{ind.id}::{example.expected}", ind, example)
        for fid, rs in RULE_SETS.items()
        for ind in rs.indicators()
        for example in ind.examples
    ]


CASES = _cases()


@pytest.mark.parametrize(
    ("indicator", "example"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_example_reaches_its_status(indicator: Indicator, example) -> None:
    result = evaluate_indicator(indicator, example.facts, example_answer(indicator, example))
    assert result.status is example.expected, result.explanation


def test_bundled_rule_sets_and_profiles_lint_clean() -> None:
    profiles = bundled_profiles()
    loaded, problems = lint_rule_sets(
        [*bundled_frameworks().values(), *profiles.values()], profiles
    )
    assert [str(p) for p in problems] == []
    assert {rs.id for rs in loaded} == set(RULE_SETS) | set(profiles)


def test_universal_standards_structure() -> None:
    rs = RULE_SETS["universal-standards"]
    assert [n.id for n in rs.nodes] == ["1", "2", "3", "4", "5", "6", "7"]
    standards = [s.id for d in rs.nodes for s in d.children if not s.performance_data]
    benchmarks = [s for d in rs.nodes for s in d.children if s.performance_data]
    assert [s.id for s in benchmarks] == ["1.PD", "2.PD", "3.PD", "5.PD", "6.PD"]
    assert not any(i.critical for s in benchmarks for i in s.all_indicators())
    assert standards == [
        "1A",
        "1B",
        "2A",
        "2B",
        "3A",
        "3B",
        "4A",
        "4B",
        "4C",
        "4D",
        "4E",
        "5A",
        "5B",
        "5C",
        "6A",
        "6B",
        "6C",
        "7A",
        "7B",
        "7C",
    ]
    practices = {
        s.id: [p.id for p in s.children] for d in rs.nodes for s in d.children if s.id in standards
    }
    # counts confirmed from the published material
    assert len(practices["1A"]) == 2
    assert len(practices["4A"]) == 2
    assert len(practices["6A"]) == 2
    assert len(practices["7A"]) == 3
    for standard, ids in practices.items():
        for practice_id in ids:
            assert practice_id.startswith(f"{standard[0]}.{standard[1]}.")
    assert len(rs.indicators()) >= 150
    for d in rs.nodes:
        for s in d.children:
            for p in s.children:
                assert 2 <= len(p.indicators) <= 5, p.id


@pytest.mark.parametrize("framework", sorted(RULE_SETS))
def test_every_indicator_documents_itself(framework: str) -> None:
    rs = RULE_SETS[framework]
    assert "modelled" in rs.disclaimer.lower() or "modeled" in rs.disclaimer.lower()
    for ind in rs.indicators():
        statuses = {e.expected for e in ind.examples}
        assert {Status.PASS, Status.FAIL, Status.NOT_ASSESSED} <= statuses, ind.id
        assert all((ind.guidance, ind.finding, ind.recommendation, ind.evidence)), ind.id
        assert ind.id.startswith(tuple(n.id for n in rs.nodes)), ind.id
