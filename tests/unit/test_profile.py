from fractions import Fraction
from pathlib import Path

import pytest

from engine.errors import InvalidInputError
from engine.rulesets import load_profile

FIXTURES = Path(__file__).parents[1] / "fixtures"
RULES = {"mini": FIXTURES / "mini"}
PROFILES = {p.stem: p for p in (FIXTURES / "profiles").glob("*.yaml")}


def load(name: str):
    return load_profile(PROFILES[name], RULES, PROFILES)


def messages(name: str) -> list[str]:
    with pytest.raises(InvalidInputError) as info:
        load(name)
    return [f"{d.position.line}:{d.position.column}: {d.message}" for d in info.value.diagnostics]


def test_select_deselect_parameters_and_weights() -> None:
    rs = load("strict")
    assert rs.id == "strict"
    assert rs.base == "mini"
    assert rs.answers_key == "mini"
    assert [i.id for i in rs.indicators()] == ["1.A.1", "1.B.1"]
    assert rs.parameters["par30_limit"].value == 0.02
    standard_b = rs.nodes[0].children[1]
    assert (standard_b.id, standard_b.weight) == ("1B", Fraction(3))
    assert rs.indicators()[0].check is not None
    assert rs.indicators()[0].check.text == "portfolio.par30 ≤ 0.02 (par30_limit)"
    assert "2.A.1" in rs.base_indicator_ids


def test_extends_then_regroup_with_own_gate() -> None:
    rs = load("regrouped")
    assert rs.levels == ("group", "indicator")
    assert [(n.id, [i.id for i in n.indicators]) for n in rs.nodes] == [
        ("G1", ["1.A.1", "1.B.1"]),
        ("G2", ["2.A.1", "2.A.2"]),
    ]
    assert [g.id for g in rs.gates] == ["groups"]
    assert rs.parameters["par30_limit"].value == 0.02  # inherited from strict
    assert rs.grade_scale is not None
    assert rs.grade_scale.caps == ()  # the cap named a gate the profile replaced


def test_extends_loop_is_reported_at_each_extends() -> None:
    found = messages("loop-a")
    assert found == [
        "6:1: 'extends' makes a loop: loop-a → loop-b → loop-a",
        "6:1: 'extends' makes a loop: loop-a → loop-b → loop-a",
    ]


def test_unknown_ids_and_parameters_have_suggestions() -> None:
    assert messages("broken") == [
        "6:10: '1.A.9' is not a node or indicator of 'mini' (did you mean '1.A.2'?)",
        "7:14: unknown parameter 'par30_limt' (did you mean 'par30_limit'?)",
    ]
