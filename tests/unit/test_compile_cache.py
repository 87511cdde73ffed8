"""Compiled conditions are shared by content: never across facts, parameters or diagnostics."""

from collections.abc import Mapping

from engine.conditions import CompiledCondition, ConditionCompiler
from engine.errors import Diagnostic
from engine.evidence import evidence_fact_types
from engine.model import Parameter, TraceEntry
from engine.yamlsource import parse_yaml

LIMIT = "{path: portfolio.par30, lte: {param: limit}}"


def compile_in(
    text: str, parameters: Mapping[str, Parameter], name: str = "r.yaml"
) -> tuple[CompiledCondition | None, list[Diagnostic]]:
    doc = parse_yaml(text, name)
    problems: list[Diagnostic] = []
    assert isinstance(doc.data, dict)
    compiled = ConditionCompiler(evidence_fact_types(), parameters, doc, problems).compile(
        doc.data["c"], ("c",)
    )
    return compiled, problems


def limit(value: object, kind: str = "number") -> dict[str, Parameter]:
    return {"limit": Parameter("limit", kind, value, "a limit")}


def test_same_condition_elsewhere_is_compiled_once() -> None:
    first, _ = compile_in(f"c: {LIMIT}\n", limit(0.05), "a.yaml")
    second, problems = compile_in(f"x: 1\nc:\n  {LIMIT}\n", limit(0.05), "b.yaml")
    assert problems == []
    assert second is first


def test_a_parameter_value_gives_its_own_condition() -> None:
    facts = {"portfolio": {"par30": 0.07}}
    strict, _ = compile_in(f"c: {LIMIT}\n", limit(0.05))
    loose, _ = compile_in(f"c: {LIMIT}\n", limit(0.1))
    assert strict is not None
    assert loose is not None
    trace: list[TraceEntry] = []
    assert strict.evaluate(facts, trace) is False
    assert loose.evaluate(facts, trace) is True
    assert "0.1 (limit)" in trace[-1].text


def test_parameters_a_condition_does_not_read_do_not_matter() -> None:
    text = "c: {path: portfolio.par30, lte: 0.2}\n"
    first, _ = compile_in(text, limit(0.05))
    second, _ = compile_in(text, {**limit(0.1), "other": Parameter("other", "string", "x", "")})
    assert second is first


def test_a_parameter_equal_in_python_but_of_another_type_is_not_the_same() -> None:
    # 1 == True in Python; as a boolean the comparison is a compile error.
    number, _ = compile_in(f"c: {LIMIT}\n", limit(1, "integer"))
    assert number is not None
    boolean, problems = compile_in(f"c: {LIMIT}\n", limit(True, "boolean"))
    assert boolean is None
    assert [str(p.position) for p in problems] == ["r.yaml:1:28"]


def test_literals_equal_in_python_but_of_another_type_are_not_the_same() -> None:
    text = "c: {{path: policies.credit.repayment_capacity_analysis, eq: {}}}\n"
    boolean, problems = compile_in(text.format("true"), {})
    assert boolean is not None, [str(p) for p in problems]
    number, problems = compile_in(text.format("1"), {})
    assert number is None
    assert len(problems) == 1


def test_diagnostics_keep_their_own_positions() -> None:
    bad = "{path: portfolio.par3, lte: 0.2}"
    _, first = compile_in(f"c: {bad}\n", {}, "a.yaml")
    _, second = compile_in(f"x: 1\nc:\n  {bad}\n", {}, "b.yaml")
    assert [str(d.position) for d in first] == ["a.yaml:1:5"]
    assert [str(d.position) for d in second] == ["b.yaml:3:4"]


def test_a_junction_depends_on_the_parameters_its_shared_parts_read() -> None:
    facts = {"portfolio": {"par30": 0.07}, "clients": {"women_share": 0.6}}
    both = f"c: {{all: [{LIMIT}, {{path: clients.women_share, gte: 0.5}}]}}\n"
    alone, _ = compile_in(f"c: {LIMIT}\n", limit(0.05))  # the part, compiled first on its own
    strict, _ = compile_in(both, limit(0.05))  # takes the part compiled above
    loose, _ = compile_in(both, limit(0.1))
    assert alone is not None
    assert strict is not None
    assert loose is not None
    assert alone.evaluate(facts, None) is False
    assert strict.evaluate(facts, None) is False
    assert loose.evaluate(facts, None) is True


def test_a_broken_part_beside_a_shared_one_is_reported_where_it_is() -> None:
    good = "{path: clients.women_share, gte: 0.5}"
    compile_in(f"c: {good}\n", {})
    compiled, problems = compile_in(f"c: {{any: [{good}, {{path: clients.nope, gte: 1}}]}}\n", {})
    assert compiled is None
    assert [str(p.position) for p in problems] == ["r.yaml:1:51"]  # as before parts were shared
