"""What-if (issue 12 item 2): the exact gain of each action, and the fewest actions for a target.

Expected numbers by hand for tests/inputs/progress/old.yaml (rule set tests/fixtures/mini, mean
of children; overall 3/8): fixing 1.A.1 or 1.A.2 makes 1A 3/4, dimension 1 3/8, overall 7/16
(+1/16); fixing 1.B.1 makes 1B 1, dimension 1 3/4, overall 5/8 (+1/4, grade C → B); fixing 2.A.1
makes dimension 2 1, overall 5/8 (+1/4). The gate needs 1A and 1B at 3/4: 1.B.1 and one of 1.A.1,
1.A.2. Every what-if is checked against a real re-assessment with the settled indicators overridden
to pass.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from cli import app
from engine.errors import UsageError
from engine.model import Verdict
from engine.pipeline import run_audit, what_if_file
from engine.render import renderer_for
from engine.render.record import result_record
from engine.report.build import build_report
from engine.resources import EXAMPLES_DIR, SCHEMAS_DIR
from engine.whatif import WhatIf, outcome
from engine.whatif_report import whatif_markdown, whatif_record

HERE = Path(__file__).parent
OLD = HERE / "inputs" / "progress" / "old.yaml"
SELF = HERE / "inputs" / "progress" / "self.yaml"
MINI = str(HERE / "fixtures" / "mini")
SCHEMA = Draft202012Validator(
    json.loads((SCHEMAS_DIR / "whatif.schema.json").read_text(encoding="utf-8"))
)
runner = CliRunner()


@pytest.fixture(scope="module")
def mini() -> WhatIf:
    return what_if_file(OLD, [MINI])


def _by_settled(w: WhatIf) -> dict[str, Any]:
    return {g.action.settles[0][1]: g for g in w.gains}


def test_each_action_gains_exactly_what_the_hand_computation_gives(mini: WhatIf) -> None:
    gains = _by_settled(mini)
    assert {i: g.points for i, g in gains.items()} == {
        "1.A.1": Fraction(1, 16),
        "1.A.2": Fraction(1, 16),
        "1.B.1": Fraction(1, 4),
        "2.A.1": Fraction(1, 4),
    }
    assert gains["1.B.1"].after[0].grade == "B"
    assert gains["1.B.1"].grade_steps == 1
    assert gains["1.A.1"].grade_steps == 0
    assert gains["1.B.1"].after[0].verdict("protect") is Verdict.FAILED  # 1A still at 1/2


def test_actions_are_ranked_by_gates_then_grade_then_points(mini: WhatIf) -> None:
    ranked = [g.action.settles[0][1] for g in mini.gains]
    assert ranked[:2] == ["1.B.1", "2.A.1"]  # +1/4 and a grade step, then the plan's order
    assert set(ranked[2:]) == {"1.A.1", "1.A.2"}


def test_the_fewest_actions_that_pass_the_gate_and_reach_the_next_grade(mini: WhatIf) -> None:
    numbers = {g.action.settles[0][1]: g.action.number for g in mini.gains}
    gate, grade = mini.targets
    assert (gate.kind, gate.id, gate.reachable, gate.exact) == ("gate", "protect", True, True)
    assert set(gate.actions) in (
        {numbers["1.B.1"], numbers["1.A.1"]},
        {numbers["1.B.1"], numbers["1.A.2"]},
    )
    assert gate.after is not None
    assert gate.after.verdict("protect") is Verdict.PASSED
    assert gate.after.score == Fraction(11, 16)
    assert (grade.kind, grade.id, grade.reachable, grade.exact) == ("grade", "B", True, True)
    assert len(grade.actions) == 1
    assert grade.after is not None
    assert grade.after.grade == "B"


def _overridden(
    evidence: Path, settles: list[tuple[str, str]], tmp: Path, keys: dict[str, str]
) -> Path:
    """A copy of the evidence with every settled indicator overridden to pass."""
    data = yaml.safe_load(evidence.read_text(encoding="utf-8"))
    overrides = data.setdefault("overrides", {})
    for framework, rid in settles:
        overrides.setdefault(keys.get(framework, framework), {})[rid] = {
            "status": "pass",
            "reason": "what-if check",
            "by": "test",
            "on": str(data["assessment"]["assessed_on"]),
            "scope": "indicator",
        }
    path = tmp / f"{evidence.stem}-fixed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("evidence", "frameworks", "count"),
    [(OLD, [MINI], 4), (EXAMPLES_DIR / "altiplano-credito-rapido.yaml", ["all"], 3)],
    ids=["mini", "altiplano"],
)
def test_what_if_equals_a_full_re_assessment(
    evidence: Path, frameworks: list[str], count: int, tmp_path: Path
) -> None:
    w = what_if_file(evidence, frameworks)
    keys = {f.ruleset.id: f.ruleset.answers_key for f in run_audit(evidence, frameworks).frameworks}
    for gain in w.gains[:count]:
        fixed = run_audit(
            _overridden(evidence, list(gain.action.settles), tmp_path, keys), frameworks
        )
        real = {outcome(f).framework: outcome(f) for f in fixed.frameworks}
        for after in gain.after:
            assert after == real[after.framework], gain.action
    for target in w.targets:
        if target.reachable:
            settles = [
                k for g in w.gains if g.action.number in target.actions for k in g.action.settles
            ]
            fixed = run_audit(_overridden(evidence, settles, tmp_path, keys), frameworks)
            real = {outcome(f).framework: outcome(f) for f in fixed.frameworks}
            assert target.after == real[target.framework], target.title


def test_a_result_json_gives_the_same_what_if_as_its_evidence(mini: WhatIf, tmp_path: Path) -> None:
    altiplano = EXAMPLES_DIR / "altiplano-credito-rapido.yaml"
    record = result_record(run_audit(altiplano, ["universal-standards"]))
    path = tmp_path / "result.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    from_json = what_if_file(path)
    from_yaml = what_if_file(altiplano, ["universal-standards"])
    assert whatif_record(from_json)["actions"] == whatif_record(from_yaml)["actions"]
    assert from_json.targets == from_yaml.targets


def test_a_result_json_of_another_rule_set_version_is_refused(tmp_path: Path) -> None:
    record = result_record(run_audit(EXAMPLES_DIR / "kombit-microfinance.yaml", ["smart-campaign"]))
    record["provenance"]["rule_sets"][0]["sha256"] = "0" * 64
    path = tmp_path / "result.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(UsageError, match="give the evidence file instead"):
        what_if_file(path)


def test_a_result_json_whose_statuses_do_not_give_its_scores_is_refused(tmp_path: Path) -> None:
    record = result_record(run_audit(EXAMPLES_DIR / "kombit-microfinance.yaml", ["smart-campaign"]))
    record["frameworks"][0]["indicators"][0]["status"] = "fail"  # the scores now disagree
    path = tmp_path / "result.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(UsageError, match="cannot be rebuilt"):
        what_if_file(path)


def test_out_of_reach_targets_say_why() -> None:
    w = what_if_file(EXAMPLES_DIR / "tanoa-savings-cooperative.yaml", ["universal-standards"])
    reasons = {t.kind: (t.reachable, t.reason) for t in w.targets}
    assert reasons["gate"][0] is False
    assert "not assessed" in reasons["gate"][1]
    assert reasons["grade"][0] is False
    assert "coverage" in reasons["grade"][1]


def test_the_json_is_valid_and_the_text_names_the_sets(mini: WhatIf) -> None:
    record = whatif_record(mini, "old.yaml")
    SCHEMA.validate(record)
    assert record["actions"][0]["points_exact"] == "1/4"
    text = whatif_markdown(mini, "old.yaml")
    assert "| 1 | 2 | Review prices. | mini 1.B.1 | mini ▲ 25.0, grade C → B | — |" in text
    assert "Then: score 68.8 %, grade B, protect passed. Found by exhaustive search" in text


def test_whatif_command(tmp_path: Path) -> None:
    done = runner.invoke(app, ["whatif", str(OLD), "-f", MINI, "--format", "json"])
    assert done.exit_code == 0, done.output
    SCHEMA.validate(json.loads(done.stdout))
    done = runner.invoke(app, ["whatif", str(tmp_path / "missing.json")])
    assert done.exit_code == 2
    assert "file not found" in done.output


# --- in the report of a self-assessment -----------------------------------------------------------


def test_a_self_assessment_report_says_what_the_plan_would_lift() -> None:
    report = build_report(run_audit(SELF, [MINI]))
    assert report.lift is not None
    assert report.lift.targets == (
        "mini — reach grade A (Excellent, from 80 %): 1 action(s), those on "
        "2.A.2 (then 94 %, grade A; no fewer actions would do).",
    )
    assert [r.settles_text for r in report.lift.best] == ["mini 2.A.2", "mini 1.A.1"]
    assert report.lift.best[0].change == "mini ▲ 25.0, grade B → A"
    html = renderer_for("html").render(run_audit(SELF, [MINI])).decode("utf-8")
    assert "What the action plan would lift" in html


def test_no_lift_for_an_external_audit_or_a_reader_without_the_plan() -> None:
    assert build_report(run_audit(OLD, [MINI])).lift is None  # an external audit
    assert build_report(run_audit(SELF, [MINI]), "public").lift is None
    assert build_report(run_audit(SELF, [MINI]), "board").lift is not None


def test_out_of_reach_in_the_report_says_why() -> None:
    tanoa = run_audit(EXAMPLES_DIR / "tanoa-savings-cooperative.yaml", ["universal-standards"])
    lift = build_report(tanoa).lift
    assert lift is not None
    assert lift.targets[-1] == (
        "Universal Standards — get a grade: out of reach of the action plan (no grade: coverage "
        "38% is below the 70% this scale requires)."
    )
