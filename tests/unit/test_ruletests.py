"""`rules test`: test files, the example runner, failure messages, invalid test files, coverage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.rulesuite import run_rule_tests

runner = CliRunner()

FACTS = """\
    facts:
      portfolio: {par30: 0.03}
      policies: {credit: {repayment_capacity_analysis: true}}
      profile: {offers: {credit: true}}
      products: [{id: P1, name: Loan, type: loan, apr: 0.5, peer_median_apr: 0.45}]
      clients: {active_clients: 1000, new_clients: 200, clients_start_of_period: 1000}
"""

CASES = f"""\
# yaml-language-server: $schema=../../../schemas/ruletests.schema.json
schema_version: 1
cases:
  - name: gate passes at its threshold
{FACTS}    answers: {{"1.A.2": partially, "2.A.1": "yes"}}
    expect:
      indicators:
        "1.A.1": pass
        "1.A.2": {{status: partial, score: 0.5}}
      nodes:
        1A: 0.75
        "1": {{score: 0.875, coverage: 1}}
      overall: {{score: 15/16, coverage: 1}}
      gates: {{protect: passed}}
      grade: A
  - name: a critical failure fails the gate and caps the grade
{FACTS.replace("0.03", "0.2")}    answers: {{"1.A.2": "yes", "2.A.1": "yes"}}
    expect:
      nodes:
        1A: 0.5
      overall: {{score: {{about: 0.88}}}}
      gates: {{protect: {{verdict: failed, not_met: [1A], critical_failures: ["1.A.1"]}}}}
      grade: {{grade: B, uncapped: A, capped_by: [protect]}}
  - name: only indicators
    answers: {{"2.A.1": na}}
    expect:
      indicators: {{"2.A.1": not_applicable, "2.A.2": not_assessed}}
"""


@pytest.fixture
def rule_set(tmp_path: Path, mini_rules: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(mini_rules, folder)
    (folder / "tests").mkdir()
    return folder


def test_passing_cases_and_examples(rule_set: Path) -> None:
    (rule_set / "tests" / "cases.yaml").write_text(CASES)
    run = run_rule_tests([str(rule_set)])
    assert [str(p) for p in run.problems] == []
    assert run.summary[:2] == [
        "mini 0.1.0: examples: 19 case(s), 0 failed",
        "mini 0.1.0: tests/cases.yaml: 3 case(s), 0 failed",
    ]


def test_failures_name_the_case_expected_and_got(rule_set: Path) -> None:
    broken = (
        CASES.replace('"1.A.1": pass', '"1.A.1": partial')
        .replace("1A: 0.75", "1A: 0.8")
        .replace("gates: {protect: passed}", "gates: {protect: failed}")
        .replace("grade: A\n", "grade: null\n")
    )
    test_file = rule_set / "tests" / "cases.yaml"
    test_file.write_text(broken)
    result = runner.invoke(app, ["rules", "test", str(test_file)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = [line.replace(str(test_file), "cases.yaml") for line in result.stderr.splitlines()]
    assert lines == [
        "cases.yaml:14:9: error: case 'gate passes at its threshold': 1.A.1 expected partial, got pass "
        "(Data meets the check: portfolio.par30 = 0.03 ≤ 0.05 (par30_limit).) [test]",
        "cases.yaml:17:9: error: case 'gate passes at its threshold': node 1A score expected 0.8, got 0.75 "
        "(1 pass, 1 partial, 0 fail, 0 not assessed, 0 not applicable) [test]",
        "cases.yaml:20:15: error: case 'gate passes at its threshold': gate protect expected failed, got passed "
        "(2 standard(s) counted) [test]",
        "cases.yaml:21:7: error: case 'gate passes at its threshold': grade expected none, got A (overall 0.9375) [test]",
        "3 case(s), 1 failed, 4 problem(s)",
    ]
    assert "mini 0.1.0: tests/cases.yaml: 3 case(s), 1 failed" in result.stdout


def test_an_example_that_misses_its_status_is_reported_as_lint_does(rule_set: Path) -> None:
    part = rule_set / "part.yaml"
    part.write_text(
        part.read_text().replace(
            "pass: {facts: {portfolio: {par30: 0.03}}}", "pass: {facts: {portfolio: {par30: 0.2}}}"
        )
    )
    run = run_rule_tests([str(rule_set)])
    assert [p.message for p in run.problems] == [
        "example 'pass' of 1.A.1 evaluates to 'fail': Data fails the check: portfolio.par30 = 0.2, "
        "expected ≤ 0.05 (par30_limit)."
    ]


def test_invalid_test_files_give_positions(rule_set: Path) -> None:
    test_file = rule_set / "tests" / "bad.yaml"
    test_file.write_text(
        """\
schema_version: 1
cases:
  - name: one
    facts: {portfolio: {par31: 0.1}}
    answers: {"1.A.9": "yes"}
    expect: {indicators: {"1.A.3": pass}}
  - name: two
    expect: {nodes: {"1Z": 0.5}, gates: {protec: passed}, grade: {grade: A}}
    answer: {}
"""
    )
    result = runner.invoke(app, ["rules", "test", str(test_file)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = [line.replace(str(test_file), "bad.yaml") for line in result.stderr.splitlines()]
    assert lines == [
        "bad.yaml:9:5: error: unknown key 'answer' (did you mean 'answers'?) [schema]",
        "0 case(s), 0 failed, 1 problem(s)",
    ]
    test_file.write_text(test_file.read_text().replace("    answer: {}\n", ""))
    result = runner.invoke(app, ["rules", "test", str(test_file)])
    lines = [line.replace(str(test_file), "bad.yaml") for line in result.stderr.splitlines()]
    assert lines == [
        "bad.yaml:4:25: error: unknown key 'par31' (did you mean 'par30'?) [schema]",
        "bad.yaml:6:27: error: '1.A.3' is not an indicator of 'mini' (did you mean '1.A.2'?) [test]",
        "bad.yaml:8:22: error: '1Z' is not a node of 'mini' (did you mean '1'?) [test]",
        "bad.yaml:8:42: error: 'protec' is not a gate of 'mini' (did you mean 'protect'?) [test]",
        "0 case(s), 0 failed, 4 problem(s)",
    ]
    assert result.exit_code == ExitCode.INVALID_INPUT


def test_unknown_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "test", str(tmp_path / "nowhere")])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "not a rule set folder, a test file or a bundled framework" in result.stderr
    assert "Traceback" not in result.output


def test_coverage_counts_branches_by_hand(rule_set: Path, tmp_path: Path) -> None:
    """Worked out from the mini examples: see the comments."""
    out = tmp_path / "coverage.json"
    result = runner.invoke(app, ["rules", "test", str(rule_set), "--coverage-json", str(out)])
    assert result.exit_code == ExitCode.OK, result.output
    entry = json.loads(out.read_text())["rule_sets"][0]
    reached = {d["id"]: (d["reached"], d["branches"]) for d in entry["details"]}
    assert reached == {
        "1.A.1": (
            4,
            4,
        ),  # check true (0.03) and false (0.07, 0.2); partial_check true (0.07), false (0.2)
        "1.A.2": (
            1,
            2,
        ),  # the check is only ever true: no example has the analysis missing or false
        "1.B.1": (8, 10),  # applies_when never true with facts; "@.type ≠ loan" never true
        "2.A.1": (0, 0),  # an answer: no condition
        "2.A.2": (2, 2),
    }
    points = {p["where"]: (p["true"], p["false"]) for p in entry["details"][2]["points"]}
    assert points == {
        "applies_when": (False, True),
        "check": (True, True),
        "check.every.where": (True, True),
        "check.every.where.any[0]": (False, True),
        "check.every.where.any[1]": (True, True),
    }
    assert (
        "coverage mini 0.1.0: 5/5 indicators tested; 15/18 condition branches reached (83%)"
        in result.stdout
    )


def test_bundled_rule_sets_pass_their_tests() -> None:
    run = run_rule_tests([])
    failures = [str(p) for p in run.problems if "partial_finding" not in p.message]
    assert failures == []
    assert any("tests/structure.yaml" in line for line in run.summary)
    assert {r["id"] for r in run.coverage["rule_sets"]} >= {
        "universal-standards",
        "smart-campaign",
        "spi",
    }


def test_a_profile_test_file_names_a_profile_beside_the_rule_set(tmp_path: Path) -> None:
    from engine.resources import RULES_DIR

    folder = tmp_path / "us"
    shutil.copytree(RULES_DIR / "universal_standards", folder)
    test_file = folder / "tests" / "client-protection-profile.yaml"
    test_file.write_text(
        test_file.read_text().replace("profile: client-protection", "profile: client-protecton")
    )
    result = runner.invoke(app, ["rules", "test", str(test_file)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        "client-protection-profile.yaml:5:1: error: no profile 'client-protecton' in"
        in result.stderr
    )
    assert "(did you mean 'client-protection'?) [test]" in result.stderr
