"""Progress between two assessments (issue 12): `compare`, `assess --previous`.

The expected numbers are worked out by hand in the comments of tests/inputs/progress/*.yaml
(rule set tests/fixtures/mini, mean of children).
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from cli import app
from engine.compare import compare
from engine.compare_report import comparison_markdown, comparison_record
from engine.errors import InvalidInputError
from engine.model import Status, Verdict
from engine.model.progress import ActionState, FindingChange
from engine.pipeline import compare_files, run_audit
from engine.render.record import result_record
from engine.resources import EXAMPLES_DIR, SCHEMAS_DIR

HERE = Path(__file__).parent
OLD = HERE / "inputs" / "progress" / "old.yaml"
NEW = HERE / "inputs" / "progress" / "new.yaml"
MINI = str(HERE / "fixtures" / "mini")
COMPARISON_SCHEMA = Draft202012Validator(
    json.loads((SCHEMAS_DIR / "comparison.schema.json").read_text(encoding="utf-8"))
)
RESULT_SCHEMA = Draft202012Validator(
    json.loads((SCHEMAS_DIR / "result.schema.json").read_text(encoding="utf-8"))
)
runner = CliRunner()


@pytest.fixture(scope="module")
def records() -> tuple[dict[str, object], dict[str, object]]:
    return result_record(run_audit(OLD, [MINI])), result_record(run_audit(NEW, [MINI]))


def test_scores_and_coverage_deltas_per_node(records: tuple[dict, dict]) -> None:
    comparison = compare(*records)
    (mini,) = comparison.frameworks
    assert mini.overall.old_score == Fraction(3, 8)
    assert mini.overall.new_score == Fraction(1, 4)
    assert mini.overall.delta == Fraction(-1, 8)
    assert mini.overall.coverage_delta == 0
    deltas = {n.id: n.delta for n in mini.nodes}
    assert deltas == {
        "1": Fraction(1, 4),
        "1A": Fraction(1, 2),
        "1B": Fraction(0),
        "2": Fraction(-1, 2),
        "2A": Fraction(-1, 2),
    }
    assert [(g.id, g.old, g.new) for g in mini.gates] == [
        ("protect", Verdict.FAILED, Verdict.FAILED)
    ]
    assert (mini.old_grade, mini.new_grade) == ("C", "C")


def test_status_changes_and_findings_closed_new_recurring(records: tuple[dict, dict]) -> None:
    (mini,) = compare(*records).frameworks
    changes = {c.id: (c.old, c.new) for c in mini.status_changes}
    assert changes == {
        "1.A.1": (Status.PARTIAL, Status.PASS),
        "1.A.2": (Status.PARTIAL, Status.PASS),
        "2.A.2": (Status.PASS, Status.FAIL),
    }
    assert [f.id for f in mini.findings_of(FindingChange.CLOSED)] == ["1.A.1", "1.A.2"]
    assert [f.id for f in mini.findings_of(FindingChange.NEW)] == ["2.A.2"]
    assert [f.id for f in mini.findings_of(FindingChange.RECURRING)] == ["1.B.1", "2.A.1"]
    assert mini.findings_of(FindingChange.NEW)[0].finding == "Retention low."


def test_goals_target_and_actual_on_both_dates(records: tuple[dict, dict]) -> None:
    goals = {g.id: g for g in compare(*records).goals}
    g1, g2 = goals["G1"], goals["G2"]
    assert (g1.old_target, g1.old_actual, g1.old_met) == (0.5, 0.4, False)
    assert (g1.new_target, g1.new_actual, g1.new_met) == (0.5, 0.55, True)
    assert (g2.old_target, g2.old_met, g2.new_actual, g2.new_met) == (None, None, 0.6, False)


def test_previous_action_plan_done_late_open(records: tuple[dict, dict]) -> None:
    states = {a.settles[0].id: (a.state, a.due) for a in compare(*records).actions}
    assert states == {
        "1.A.1": (ActionState.DONE, "2026-06-30"),
        "1.A.2": (ActionState.DONE, ""),
        "1.B.1": (ActionState.LATE, "2026-03-31"),  # still failing, due before 2027-02-10
        "2.A.1": (ActionState.OPEN, "2027-12-31"),  # still failing, not yet due
    }


def test_an_action_whose_indicators_are_gone_is_dropped(records: tuple[dict, dict]) -> None:
    old, new = records
    gone = copy.deepcopy(new)
    gone["frameworks"] = []  # the later assessment no longer holds the framework
    comparison = compare(old, gone)
    assert {a.state for a in comparison.actions} == {ActionState.DROPPED}
    assert comparison.frameworks[0].new_version is None


def test_not_assessed_later_is_neither_closed_nor_recurring(records: tuple[dict, dict]) -> None:
    old, new = records
    unknown = copy.deepcopy(new)
    for indicator in unknown["frameworks"][0]["indicators"]:
        if indicator["id"] == "1.B.1":
            indicator["status"] = "not_assessed"
    (mini,) = compare(old, unknown).frameworks
    assert "1.B.1" not in {f.id for f in mini.findings}
    assert ("1.B.1", Status.FAIL, Status.NOT_ASSESSED) in {
        (c.id, c.old, c.new) for c in mini.status_changes
    }
    action = next(a for a in compare(old, unknown).actions if a.settles[0].id == "1.B.1")
    assert action.state is ActionState.NOT_ASSESSED


def test_result_json_and_evidence_file_give_the_same_comparison(tmp_path: Path) -> None:
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps(result_record(run_audit(OLD, [MINI]))), encoding="utf-8")
    from_json = compare_files(old_json, NEW, [MINI])
    from_yaml = compare_files(OLD, NEW, [MINI])
    assert comparison_record(from_json)["frameworks"] == comparison_record(from_yaml)["frameworks"]
    assert from_json.actions == from_yaml.actions


def test_the_json_record_is_valid_and_the_text_shows_the_deltas(
    records: tuple[dict, dict],
) -> None:
    comparison = compare(*records, "old.yaml", "new.yaml")
    record = comparison_record(comparison)
    COMPARISON_SCHEMA.validate(record)
    assert record["frameworks"][0]["overall"]["delta_exact"] == "-1/8"
    text = comparison_markdown(comparison)
    assert "Overall: 37.5 → 25.0 (▼ 12.5)" in text
    assert "| 1A Portfolio | 50.0 | 100.0 | ▲ 50.0 |" in text
    assert "| Review prices. | mini 1.B.1: fail → fail | 2026-03-31 | late |" in text
    assert "2 done, 1 late, 1 open." in text


def test_a_result_record_now_carries_the_social_goals(records: tuple[dict, dict]) -> None:
    old, _ = records
    RESULT_SCHEMA.validate(old)
    assert old["social_goals"][0]["target"] == 0.5


def test_a_broken_result_json_is_refused_with_its_position(tmp_path: Path) -> None:
    broken = result_record(run_audit(OLD, [MINI]))
    broken["frameworks"][0]["overall"]["score"] = "high"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, indent=1), encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        compare_files(path, NEW)
    assert any("broken.json:" in str(d) for d in caught.value.diagnostics)


def test_compare_command_on_the_bundled_kombit_years() -> None:
    old = EXAMPLES_DIR / "kombit-microfinance.yaml"
    new = EXAMPLES_DIR / "kombit-microfinance-2026.yaml"
    done = runner.invoke(app, ["compare", str(old), str(new), "--format", "json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    COMPARISON_SCHEMA.validate(record)
    (us,) = record["frameworks"]
    assert us["overall"]["delta"] > 0
    closed = {f["id"] for f in us["findings"]["closed"]}
    assert {"4.A.1.1", "4.C.3.5", "7.B.3.3"} <= closed
    assert [f["id"] for f in us["findings"]["new"]] == ["4.C.4.3"]
    states = {a["settles"][0]["id"]: a["state"] for a in record["previous_actions"]}
    assert states["4.A.1.1"] == "done"
    assert states["4.A.2.2"] == "late"
    goals = {g["id"]: (g["old"]["met"], g["new"]["met"]) for g in record["goals"]}
    assert goals["G4"] == (False, True)
    assert goals["G1"] == (True, False)


def test_compare_refuses_stdin() -> None:
    done = runner.invoke(app, ["compare", "-", str(NEW)])
    assert done.exit_code == 2
    assert "not -" in done.output


def test_an_evidence_side_is_assessed_against_the_frameworks_of_the_json_side(
    tmp_path: Path,
) -> None:
    old = tmp_path / "kombit-2025.json"
    kombit = str(EXAMPLES_DIR / "kombit-microfinance.yaml")
    done = runner.invoke(app, ["assess", kombit, "-f", "smart-campaign", "-o", str(old)])
    assert done.exit_code == 0, done.output
    comparison = compare_files(old, EXAMPLES_DIR / "kombit-microfinance-2026.yaml")
    assert [f.id for f in comparison.frameworks] == ["smart-campaign"]
    assert comparison.frameworks[0].overall.delta is not None
