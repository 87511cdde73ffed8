"""The command line: exit codes, outputs, diagnostics, and that inputs are never touched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from cli import OutputFormat, app
from engine.errors import ExitCode
from engine.render import RENDERERS
from engine.resources import EXAMPLES_DIR, SCHEMAS_DIR

runner = CliRunner()
KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
ALTIPLANO = EXAMPLES_DIR / "altiplano-credito-rapido.yaml"
TANOA = EXAMPLES_DIR / "tanoa-savings-cooperative.yaml"
RESULT_SCHEMA = Draft202012Validator(json.loads((SCHEMAS_DIR / "result.schema.json").read_text()))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_output_formats_match_renderers() -> None:
    assert {f.value for f in OutputFormat} == set(RENDERERS)


@pytest.mark.parametrize("example", [KOMBIT, ALTIPLANO, TANOA], ids=lambda p: p.stem)
def test_assess_json_validates_and_is_reproducible(example: Path, tmp_path: Path) -> None:
    before = digest(example)
    first = runner.invoke(
        app, ["assess", str(example), "-f", "universal-standards", "--format", "json"]
    )
    assert first.exit_code == ExitCode.OK, first.output
    record = json.loads(first.stdout)
    assert list(RESULT_SCHEMA.iter_errors(record)) == []
    framework = record["frameworks"][0]
    for indicator in framework["indicators"]:
        assert {"id", "status", "score", "weight", "explanation", "evidence"} <= indicator.keys()
    for node in framework["nodes"]:
        assert {"id", "level", "score", "coverage"} <= node.keys()
    assert record["provenance"]["evidence"]["sha256"] == before
    assert len(record["provenance"]["rule_sets"][0]["sha256"]) == 64
    second = runner.invoke(
        app, ["assess", str(example), "-f", "universal-standards", "--format", "json"]
    )
    assert second.stdout == first.stdout
    assert digest(example) == before


def test_examples_differ_as_intended() -> None:
    def summary(example: Path) -> tuple[str | None, float | None, str]:
        result = runner.invoke(app, ["assess", str(example), "--format", "json"])
        fw = json.loads(result.stdout)["frameworks"][0]
        return fw["grade"]["grade"], fw["overall"]["coverage"], fw["gates"][0]["verdict"]

    strong, weak, partial = summary(KOMBIT), summary(ALTIPLANO), summary(TANOA)
    assert (strong[0], strong[2]) == ("A+", "passed")
    assert (weak[0], weak[2]) == ("D", "failed")
    assert partial[0] is None
    assert partial[1] is not None
    assert partial[1] < 0.7


def test_assess_writes_atomically_and_refuses_to_overwrite_input(tmp_path: Path) -> None:
    evidence = tmp_path / "e.yaml"
    shutil.copy(KOMBIT, evidence)
    out = tmp_path / "r.json"
    ok = runner.invoke(app, ["assess", str(evidence), "-o", str(out)])
    assert ok.exit_code == ExitCode.OK, ok.output
    assert json.loads(out.read_text())["schema_version"] == 1
    before = digest(evidence)
    refused = runner.invoke(app, ["assess", str(evidence), "-o", str(evidence), "--format", "json"])
    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert "refusing to write the report over an input file" in refused.output
    assert digest(evidence) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml", "r.json"]


BROKEN_EVIDENCE = """\
schema_version: 1
institution: {name: Broken MFI, country: haiti}
assessment:
  type: external_audit
  period: {start: "2025-01-01", end: "2025-12-31"}
  assessed_on: "2026-01-30"
facts:
  portfolio: {par30: 1.7, par_90: 0.1}
answers:
  universal-standards:
    "4.A.1.9": {answer: "yes"}
    "1.A.1.1": {answer: maybe}
"""


def repaired_evidence() -> str:
    """BROKEN_EVIDENCE with its schema errors mended (country code, PAR share, unknown fact)."""
    return BROKEN_EVIDENCE.replace("haiti", "HT").replace("1.7", "0.1").replace(", par_90: 0.1", "")


def test_broken_evidence_lists_every_problem_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    evidence = tmp_path / "broken.yaml"
    evidence.write_text(BROKEN_EVIDENCE)
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["assess", str(evidence), "-o", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = [line.replace(str(evidence), "broken.yaml") for line in result.stderr.splitlines()]
    assert lines == [
        'broken.yaml:2:33: error: "haiti" does not have the expected form (ISO 3166-1 alpha-2 country code) [schema]',
        "broken.yaml:8:15: error: 1.7 is out of range: expected at most 1 [schema]",
        "broken.yaml:8:27: error: unknown key 'par_90' (did you mean 'par90'?) [schema]",
        "broken.yaml:11:5: error: '4.A.1.9' is not an indicator of 'universal-standards' (did you mean '4.A.1.5'?) [reference]",
        'broken.yaml:12:17: error: "maybe" is not one of: yes, partially, no, na [schema]',
        "error: 5 problem(s) in input files",
    ]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def test_unknown_indicator_in_answers_is_an_error_with_suggestion(tmp_path: Path) -> None:
    evidence = tmp_path / "e.yaml"
    evidence.write_text(repaired_evidence().replace("maybe", '"yes"'))
    result = runner.invoke(app, ["assess", str(evidence), "-f", "universal-standards"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        "11:5: error: '4.A.1.9' is not an indicator of 'universal-standards' (did you mean '4.A.1.5'?) [reference]"
        in result.stderr
    )


def test_broken_rule_set_lists_problems_and_exits_2(tmp_path: Path, mini_rules: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(mini_rules, rules)
    part = rules / "part.yaml"
    part.write_text(
        part.read_text()
        .replace("lte: {param: par30_limit}", "lte: {param: par30_limt}")
        .replace("pathway: outcomes", "pathway: outcome")
    )
    result = runner.invoke(app, ["rules", "lint", str(rules)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        "part.yaml:90:13: error: \"outcome\" is not one of: intent_design, internal_systems, outputs, outcomes, impact (did you mean 'outcomes'?) [schema]"
        in result.stderr.replace(str(rules) + "/", "")
    )
    evidence = tmp_path / "e.yaml"
    shutil.copy(KOMBIT, evidence)
    assessed = runner.invoke(
        app, ["assess", str(evidence), "-f", str(rules), "-o", str(tmp_path / "r.json")]
    )
    assert assessed.exit_code == ExitCode.INVALID_INPUT
    assert not (tmp_path / "r.json").exists()


def test_fail_under_and_require_gate() -> None:
    assert (
        runner.invoke(app, ["assess", str(KOMBIT), "--fail-under", "90"]).exit_code == ExitCode.OK
    )
    assert (
        runner.invoke(app, ["assess", str(ALTIPLANO), "--fail-under", "50"]).exit_code
        == ExitCode.FAILED
    )
    gate = "client-protection-essentials"
    assert (
        runner.invoke(app, ["assess", str(KOMBIT), "--require-gate", gate]).exit_code == ExitCode.OK
    )
    assert (
        runner.invoke(app, ["assess", str(ALTIPLANO), "--require-gate", gate]).exit_code
        == ExitCode.FAILED
    )
    unknown = runner.invoke(app, ["assess", str(KOMBIT), "--require-gate", "client-protection"])
    assert unknown.exit_code == ExitCode.INVALID_INPUT
    assert "did you mean 'client-protection-essentials'?" in unknown.stderr


def test_unknown_framework_is_a_usage_error() -> None:
    result = runner.invoke(app, ["assess", str(KOMBIT), "-f", "universal-standard"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        "unknown framework or profile 'universal-standard' (did you mean 'universal-standards'?)"
        in result.stderr
    )


def test_validate_reports_warnings(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(KOMBIT)]).exit_code == ExitCode.OK
    evidence = tmp_path / "e.yaml"
    evidence.write_text(
        repaired_evidence()
        .replace('"4.A.1.9": {answer: "yes"}', '"4.A.1.1": {answer: "yes"}')
        .replace("{answer: maybe}", "{answer: na}")
    )
    result = runner.invoke(app, ["validate", str(evidence)])
    assert result.exit_code == ExitCode.OK, result.output
    assert (
        "12:17: warning: '1.A.1.1' is answered N/A without a justification in 'comment' [justification]"
        in result.stderr
    )


FILLED = {
    '"<name of the institution>"': "Fonkoze",
    "country: XX": "country: HT",
    'start: "<YYYY-MM-DD>", end: "<YYYY-MM-DD>"': 'start: "2025-01-01", end: "2025-12-31"',
    'assessed_on: "<YYYY-MM-DD>"': 'assessed_on: "2026-01-31"',
    '"<your name>"': "A. Auditor",
    '"<title of a document you reviewed>"': "Social strategy 2025-2027",
    'date: "<YYYY-MM-DD>"': 'date: "2025-01-15"',
}


def _fill(text: str) -> str:
    for blank, value in FILLED.items():
        assert blank in text, blank
        text = text.replace(blank, value)
    return text


def test_template_refuses_its_blanks_until_they_are_filled(tmp_path: Path) -> None:
    out = tmp_path / "template.yaml"
    made = runner.invoke(app, ["template", "-f", "universal-standards", "-o", str(out)])
    assert made.exit_code == ExitCode.OK, made.output
    text = out.read_text()
    assert '#   "4.A.1.1": {answer: "",' in text  # answers are blank, never pre-filled
    assert 'answer: "yes"' not in text
    assert "par30:   # share 0..1" in text
    untouched = runner.invoke(app, ["validate", str(out)])
    assert untouched.exit_code == ExitCode.INVALID_INPUT
    problems = [line for line in untouched.stderr.splitlines() if ": error: " in line]
    assert len(problems) == 8, untouched.stderr  # seven blanks and the country, in one run
    assert sum("is a blank of the template" in p for p in problems) == 7
    assert "template.yaml:8:3: error: '<name of the institution>' is a blank" in untouched.stderr
    assert "'XX' is not an ISO 3166-1 country code" in untouched.stderr
    assert "does not match" not in untouched.stderr  # a blank date is said once, as a blank
    out.write_text(_fill(text))
    assert runner.invoke(app, ["validate", str(out)]).exit_code == ExitCode.OK
    assessed = runner.invoke(app, ["assess", str(out), "--format", "json"])
    assert json.loads(assessed.stdout)["frameworks"][0]["overall"]["coverage"] == 0


def test_an_uncommented_blank_answer_is_refused_with_the_choices(tmp_path: Path) -> None:
    out = tmp_path / "template.yaml"
    runner.invoke(app, ["template", "-f", "smart-campaign", "--answers-only", "-o", str(out)])
    text = _fill(out.read_text())
    stub = next(line for line in text.splitlines() if line.startswith('  #   "'))
    text = text.replace("  smart-campaign: {}", "  smart-campaign:").replace(
        stub, stub.replace("  #   ", "    ", 1)
    )
    out.write_text(text)
    done = runner.invoke(app, ["validate", str(out)])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert ':15: error: "" is not one of: yes, partially, no, na [schema]' in done.stderr, (
        done.stderr
    )


@pytest.mark.parametrize(
    ("flag", "has", "lacks"),
    [("--facts-only", "facts:", "answers:"), ("--answers-only", "answers:", "facts:")],
)
def test_template_halves_are_valid_evidence_once_filled(
    tmp_path: Path, flag: str, has: str, lacks: str
) -> None:
    out = tmp_path / "half.yaml"
    assert (
        runner.invoke(app, ["template", "-f", "all", flag, "-o", str(out)]).exit_code == ExitCode.OK
    )
    lines = out.read_text().splitlines()
    assert has in lines
    assert lacks not in lines
    out.write_text(_fill(out.read_text()))
    done = runner.invoke(app, ["validate", str(out)])
    assert done.exit_code == ExitCode.OK, done.stderr
    both = runner.invoke(app, ["template", "--facts-only", "--answers-only"])
    assert both.exit_code == ExitCode.INVALID_INPUT
    assert "choose one of --facts-only and --answers-only" in both.stderr


def test_rules_list_show_lint() -> None:
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == ExitCode.OK
    assert "universal-standards" in listed.stdout
    shown = runner.invoke(app, ["rules", "show", "universal-standards", "4.A.1.1"])
    assert shown.exit_code == ExitCode.OK
    assert "check: policies.credit.repayment_capacity_analysis" in shown.stdout
    tree = runner.invoke(app, ["rules", "show", "universal-standards"])
    assert "  4A  The provider does not over-indebt clients" in tree.stdout
    assert runner.invoke(app, ["rules", "lint"]).exit_code == ExitCode.OK


def test_demo_writes_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "demo.pdf"
    result = runner.invoke(app, ["demo", "-o", str(out)])
    assert result.exit_code == ExitCode.OK, result.output
    assert out.read_bytes()[:5] == b"%PDF-"


def test_internal_errors_are_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("cli.run_audit", boom)
    result = runner.invoke(app, ["assess", str(KOMBIT)])
    assert result.exit_code == ExitCode.INTERNAL
    assert result.stderr.strip() == "internal error: RuntimeError: kaboom (re-run with --debug)"


def test_readme_commands_exist() -> None:
    import re

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    used = set(re.findall(r"(?:bin/|`)spm-audit ((?:rules )?[a-z]+)", readme))
    for command in sorted(used):
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == ExitCode.OK, (
            f"README mentions 'spm-audit {command}', which does not exist"
        )
    assert {"assess", "validate", "template", "demo", "rules list", "rules lint"} <= used
