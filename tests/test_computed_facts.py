"""Computed facts seen as a user sees them: the template, the demo's report and the result."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.pipeline import run_audit
from engine.render.html_report import render_html
from engine.resources import EXAMPLES_DIR

runner = CliRunner()
KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
ROOT = Path(__file__).resolve().parents[1]


def test_the_template_leaves_computed_facts_out(tmp_path: Path) -> None:
    out = tmp_path / "template.yaml"
    made = runner.invoke(app, ["template", "-f", "smart-campaign", "-f", "spi", "-o", str(out)])
    assert made.exit_code == ExitCode.OK, made.output
    text = out.read_text(encoding="utf-8")
    assert "terms:" in text
    assert "client_survey:" in text
    for computed in ("apr_computed", "eir_computed", "poor_share_low", "households_scored"):
        assert computed not in text


def test_the_demo_shows_the_apr_computed_from_its_group_loan_terms() -> None:
    # Kombit's group loan: 15000 over 6 months at 36 % on the declining balance, 2 % fee, 1 %
    # premium and 5 % savings upfront: the client has 15000 - 300 - 150 - 750 = 13800 and pays
    # the annuity 15000 x 0.03 / (1 - 1.03 ** -6) = 2768.96 five times and 2768.96 - 750 at the
    # end: 4.2815 % a month, APR 51.4 %, EIR 65.4 %.
    result = run_audit(KOMBIT, ["smart-campaign"])
    page = render_html(result)
    assert "APR of Solidarity group loan computed from its terms" in page
    assert "(MicroFinance Transparency method; EIR 65.4 %, 51 % declared)" in page
    assert '<td class="num">51.4&nbsp;%</td>' in page  # the figure alone: it never wraps
    indicator = next(
        s.result for s in result.frameworks[0].indicators if s.result.indicator.id == "3.1.5"
    )
    assert indicator.status == "pass"


def test_rules_lint_checks_a_scorecard(tmp_path: Path) -> None:
    folder = tmp_path / "scorecards"
    folder.mkdir()
    text = (ROOT / "rules" / "scorecards" / "fictional-demo.yaml").read_text(encoding="utf-8")
    broken = folder / "mine.yaml"
    broken.write_text(text.replace("points: [60, 67]", "points: [61, 67]"), encoding="utf-8")
    linted = runner.invoke(app, ["rules", "lint", str(broken)])
    assert linted.exit_code == ExitCode.INVALID_INPUT, linted.output
    assert f"{broken}:45:5: error: poverty line 'fictional_line': no row covers 60 points" in (
        linted.stderr
    )
    assert runner.invoke(app, ["rules", "lint"]).exit_code == ExitCode.OK


def test_a_survey_shows_in_the_profile_as_fictional(tmp_path: Path) -> None:
    evidence = tmp_path / "survey.yaml"
    evidence.write_text(
        KOMBIT.read_text(encoding="utf-8").replace(
            "\n  clients:\n",
            "\n  client_survey:\n"
            "    scorecard: fictional-demo\n"
            "    poverty_line: fictional_line\n"
            "    households:\n"
            "      - {answers: {household_size: six_or_more, children_in_school: 'no', floor: earth,"
            " cooking_fuel: wood, phone: none}}\n"
            "      - {answers: {household_size: four_or_five, children_in_school: some,"
            " floor: cement, cooking_fuel: charcoal, phone: basic}}\n"
            "  clients:\n",
            1,
        ),
        encoding="utf-8",
    )
    page = render_html(run_audit(evidence, ["spi"]))
    # (0.90 + 0.35) / 2 = 62.5 %; SE 0.275; 0.625 - 1.96 x 0.275 = 8.6 %, the top clipped at 100 %
    assert "survey of 2 households, scorecard fictional-demo, FICTIONAL" in page
    assert (
        "62.5&nbsp;%,&nbsp;95&nbsp;%&nbsp;interval&nbsp;8.6&nbsp;%&nbsp;to&nbsp;100&nbsp;%" in page
    )


def test_the_result_records_the_scorecard_it_rests_on(tmp_path: Path) -> None:
    import hashlib
    import json

    from jsonschema import Draft202012Validator

    from engine.resources import SCHEMAS_DIR

    card = ROOT / "rules" / "scorecards" / "fictional-demo.yaml"
    evidence = tmp_path / "survey.yaml"
    evidence.write_text(
        "schema_version: 1\n"
        "institution: {name: Test MFI, country: HT}\n"
        "assessment: {type: self_assessment, assessed_on: '2026-01-31',"
        " period: {start: '2025-01-01', end: '2025-12-31'}}\n"
        "facts:\n"
        "  client_survey:\n"
        "    scorecard: fictional-demo\n"
        "    poverty_line: fictional_extreme_line\n"
        "    households:\n"
        "      - {answers: {household_size: six_or_more, children_in_school: 'no', floor: earth,"
        " cooking_fuel: wood, phone: none}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "result.json"
    assessed = runner.invoke(app, ["assess", str(evidence), "-f", "spi", "-o", str(out)])
    assert assessed.exit_code == ExitCode.OK, assessed.output
    # one household: 0 points -> 0.60 on the extreme line, and no interval (a warning)
    assert "one household gives no confidence interval" in assessed.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS_DIR / "result.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(record)
    assert record["provenance"]["scorecards"] == [
        {
            "id": "fictional-demo",
            "file": "fictional-demo.yaml",
            "sha256": hashlib.sha256(card.read_bytes()).hexdigest(),
        }
    ]
