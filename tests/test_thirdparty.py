"""A third-party rule set (examples/rulesets/rma_code) goes through every command, like a bundled one."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.resources import EXAMPLES_DIR, SCHEMAS_DIR

runner = CliRunner()
RMA = EXAMPLES_DIR / "rulesets" / "rma_code"
LUMEN = EXAMPLES_DIR / "rulesets" / "lumen-credit.yaml"
RESULT_SCHEMA = Draft202012Validator(json.loads((SCHEMAS_DIR / "result.schema.json").read_text()))


def test_lint_and_test_clean() -> None:
    linted = runner.invoke(app, ["rules", "lint", str(RMA)])
    assert linted.exit_code == ExitCode.OK, linted.output
    assert "rma-code 1.1.0: 12 indicators" in linted.stderr
    tested = runner.invoke(app, ["rules", "test", str(RMA)])
    assert tested.exit_code == ExitCode.OK, tested.output
    assert "rma-code 1.1.0: tests/code.yaml: 3 case(s), 0 failed" in tested.stdout
    assert "coverage rma-code 1.1.0: 12/12 indicators tested" in tested.stdout


def test_assess_with_rules_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(LUMEN), "--rules", str(RMA), "--format", "json"])
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stderr == ""  # written for the version assessed: no warning
    record = json.loads(result.stdout)
    assert list(RESULT_SCHEMA.iter_errors(record)) == []
    framework = record["frameworks"][0]
    assert framework["id"] == "rma-code"
    # A.1 (1 + 0.5 + 1) / 3; A.2 two of three met; B.1 two of three; B.2 two of three
    assert framework["overall"]["score_exact"] == "17/24"
    assert framework["grade"]["grade"] == "improving"
    assert [(g["id"], g["verdict"]) for g in framework["gates"]] == [("core-commitments", "failed")]
    same = runner.invoke(app, ["assess", str(LUMEN), "-f", str(RMA), "--format", "json"])
    assert same.stdout == result.stdout
    html = tmp_path / "lumen.html"
    written = runner.invoke(app, ["assess", str(LUMEN), "--rules", str(RMA), "-o", str(html)])
    assert written.exit_code == ExitCode.OK, written.output
    assert "Ruritania Microfinance Association code of conduct" in html.read_text()


def test_diff_with_impact_on_its_member(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["rules", "diff", str(RMA), str(RMA), "--impact", str(LUMEN.parent), "--format", "json"],
    )
    assert result.exit_code == ExitCode.OK, result.output
    record = json.loads(result.stdout)
    assert record["summary"] == dict.fromkeys(record["summary"], 0)
    assert [i["institution"] for i in record["impact"]] == ["Lumen"]
