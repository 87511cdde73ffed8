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
from engine.model import AuditResult, Status, Verdict
from engine.model.progress import ActionState, FindingChange
from engine.pipeline import compare_files, run_audit, with_previous
from engine.render import renderer_for
from engine.render.record import result_record
from engine.render.svg import dimension_chart
from engine.report.build import build_report
from engine.resources import EXAMPLES_DIR, SCHEMAS_DIR
from engine.schemacheck import validator

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
    gone = copy.deepcopy(new)  # the later rule set no longer holds 1.B.1
    gone["frameworks"][0]["indicators"] = [
        i for i in gone["frameworks"][0]["indicators"] if i["id"] != "1.B.1"
    ]
    states = {a.settles[0].id: a.state for a in compare(old, gone).actions}
    assert states["1.B.1"] is ActionState.DROPPED
    assert states["1.A.1"] is ActionState.DONE


def test_actions_of_a_framework_not_assessed_now_are_not_judged(
    records: tuple[dict, dict],
) -> None:
    old, new = records
    gone = copy.deepcopy(new)
    gone["frameworks"] = []  # the later assessment did not assess the framework at all
    comparison = compare(old, gone)
    assert comparison.actions == ()
    assert any("4 action(s) of the earlier plan" in n for n in comparison.notes)
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
    assert "not from -" in done.output


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


# --- assess --previous: the trend in the report -----------------------------------------------


@pytest.fixture(scope="module")
def with_trend() -> AuditResult:
    return with_previous(run_audit(NEW, [MINI]), OLD, [MINI])


def test_every_score_of_the_report_gets_its_change(with_trend: AuditResult) -> None:
    (view,) = build_report(with_trend).frameworks
    assert view.overall.trend == "▼ 12.5"
    assert view.overall.trend_text == "down 12.5 points since 2026-02-10 (was 38 %)"
    trends = {n.id: n.trend for n in view.top} | {
        c.id: c.trend for n in view.top for c in n.children
    }
    assert trends == {"1": "▲ 25.0", "1A": "▲ 50.0", "1B": "= 0.0", "2": "▼ 50.0", "2A": "▼ 50.0"}


def test_no_previous_no_trend() -> None:
    (view,) = build_report(run_audit(NEW, [MINI])).frameworks
    assert view.overall.trend == ""
    assert build_report(run_audit(NEW, [MINI])).progress is None


def test_the_progress_section_lists_changes_goals_and_the_previous_plan(
    with_trend: AuditResult,
) -> None:
    progress = build_report(with_trend).progress
    assert progress is not None
    (framework,) = progress.frameworks
    assert framework.summary == "Overall 38 % → 25 % (▼ 12.5 points); coverage 100 % → 100 %."
    assert framework.findings_text == "2 findings closed, 1 new, 2 recurring."
    assert [(c.id, c.before, c.now, c.kind) for c in framework.changes] == [
        ("1.A.1", "Partly met", "Met", "closed"),
        ("1.A.2", "Partly met", "Met", "closed"),
        ("2.A.2", "Met", "Not met", "new"),
    ]
    assert [(a.id, a.kind) for a in progress.actions] == [
        ("mini 1.A.1: partly met → met", "done"),
        ("mini 1.B.1: not met → not met", "late"),
        ("mini 2.A.1: not met → not met", "open"),
        ("mini 1.A.2: partly met → met", "done"),
    ]
    assert progress.actions_text.startswith("Of the previous action plan: 2 done, 1 late, 1 open.")
    assert [(g.id, g.before, g.now) for g in progress.goals] == [
        ("G1", "40 % against 50 %: missed", "55 % against 50 %: met"),
        ("G2", "not set", "60 % against 80 %: missed"),
    ]


def test_the_public_sees_the_progress_but_not_the_previous_plan(with_trend: AuditResult) -> None:
    progress = build_report(with_trend, "public").progress
    assert progress is not None
    assert progress.frameworks
    assert progress.actions == ()
    assert result_record(with_trend, "public")["progress"]["previous_actions"] == []


def test_the_html_report_shows_the_trend_and_the_section(with_trend: AuditResult) -> None:
    html = renderer_for("html").render(with_trend).decode("utf-8")
    assert "Progress since the last assessment" in html
    assert "▼&nbsp;12.5" in html or "▼\u00a012.5" in html  # beside the overall score
    assert 'title="up 50.0 points since 2026-02-10 (was 50 %)">▲ 50.0</span>' in html


def test_the_json_record_holds_the_comparison_and_is_valid(with_trend: AuditResult) -> None:
    record = result_record(with_trend)
    validator("result").validate(record)
    assert record["progress"]["frameworks"][0]["overall"]["delta_exact"] == "-1/8"


def test_assess_previous_from_the_command_line(tmp_path: Path) -> None:
    old_json = tmp_path / "old.json"
    done = runner.invoke(app, ["assess", str(OLD), "-f", MINI, "-o", str(old_json)])
    assert done.exit_code == 0, done.output
    out = tmp_path / "new.json"
    args = ["assess", str(NEW), "-f", MINI, "--previous", str(old_json), "-o", str(out)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["progress"]["old"]["assessed_on"] == "2026-02-10"
    assert record["progress"]["frameworks"][0]["overall"]["delta"] == -0.125


# --- self-assessment against an external assessment ---------------------------------------------

SELF = HERE / "inputs" / "progress" / "self.yaml"


def test_self_vs_external_lists_where_the_institution_rated_itself_higher() -> None:
    comparison = compare_files(SELF, NEW, [MINI], self_assessment=True)
    s = comparison.self_vs_external
    assert s is not None
    assert (s.compared, s.rated_same, s.rated_lower) == (5, 2, 1)
    assert [(g.id, g.self_status, g.external_status) for g in s.rated_higher] == [
        ("1.B.1", Status.PASS, Status.FAIL),
        ("2.A.1", Status.PASS, Status.FAIL),
    ]
    strategy = s.rated_higher[1]
    assert strategy.self_evidence.answer == "yes"
    assert strategy.self_evidence.documents == ("S-STRAT Strategy note 2026 p. 1-4",)
    assert strategy.external_evidence.comment == (
        "The strategy note is a draft the board has not approved."
    )
    prices = s.rated_higher[0]
    assert "90 %" in prices.external_evidence.summary
    (mini,) = comparison.frameworks
    assert (mini.overall.old_score, mini.overall.new_score) == (Fraction(11, 16), Fraction(1, 4))
    assert comparison.actions == ()  # a self-assessment is not an earlier plan to follow up
    assert comparison.notes == ()  # same institution, same period, the right types


def test_self_vs_external_warns_when_the_files_are_not_what_it_expects() -> None:
    comparison = compare_files(OLD, NEW, [MINI], self_assessment=True)
    assert any("not a self-assessment" in n for n in comparison.notes)
    assert any("different periods" in n for n in comparison.notes)


def test_self_vs_external_from_the_command_line() -> None:
    args = ["compare", str(SELF), str(NEW), "-f", MINI, "--self-assessment"]
    done = runner.invoke(app, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    COMPARISON_SCHEMA.validate(record)
    assert [g["id"] for g in record["self_vs_external"]["rated_higher"]] == ["1.B.1", "2.A.1"]
    done = runner.invoke(app, args)
    assert "## Where the institution rated itself higher (2)" in done.stdout
    assert "- Self-assessment: **met** — The assessor answered 'yes'" in done.stdout
    assert "| Mini rule set for tests | 68.8 | 25.0 | ▲ 43.8 |" in done.stdout


def test_the_chart_marks_the_previous_score_and_says_it(with_trend: AuditResult) -> None:
    report = build_report(with_trend)
    chart = str(dimension_chart(report.frameworks))
    (view,) = report.frameworks
    top = {n.id: n for n in view.top}
    assert top["1"].previous_score == Fraction(1, 4)
    assert chart.count("<path ") == 2  # one triangle per top-level part
    assert "50 % (▲ 25.0)" in chart
    assert "up 25.0 points since 2026-02-10 (was 25 %)" in chart  # in the description
    plain = str(dimension_chart(build_report(run_audit(NEW, [MINI])).frameworks))
    assert "<path " not in plain
