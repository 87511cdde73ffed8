"""`compare` across rule-set versions: indicators the later changelog renamed, split or merged.

The earlier assessment is tests/inputs/progress/old.yaml against tests/fixtures/mini 0.1.0; the
later is new.yaml against a copy of mini, version 0.2.0, whose changelog renames 2.A.1 to 2.A.9
(its statuses: fail on both dates, a recurring finding; see the comments of those files).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.compare import compare
from engine.compare_report import comparison_markdown, comparison_record
from engine.errors import ExitCode, Position
from engine.model import IdChange, VersionEntry
from engine.model.progress import ActionState, FindingChange
from engine.pipeline import compare_files, run_audit, with_previous
from engine.render.record import result_record
from engine.report.build import build_report
from engine.resources import EXAMPLES_DIR
from engine.schemacheck import validator
from engine.versions import successors

HERE = Path(__file__).parent
OLD = HERE / "inputs" / "progress" / "old.yaml"
NEW = HERE / "inputs" / "progress" / "new.yaml"
MINI = HERE / "fixtures" / "mini"
AT = Position("ruleset.yaml", 1, 1)
runner = CliRunner()


def entry(version: str, *changes: tuple[str, tuple[str, ...], tuple[str, ...]]) -> VersionEntry:
    return VersionEntry(
        version, "", "", tuple(IdChange(k, s, t, "", AT) for k, s, t in changes), AT
    )


def test_successors_follow_chains_splits_merges_and_retirements() -> None:
    changelog = (
        entry("0.2.0", ("renamed", ("A",), ("B",)), ("merged", ("M1", "M2"), ("M",))),
        entry("0.3.0", ("split", ("B",), ("C", "D")), ("retired", ("R",), ())),
        entry("0.4.0", ("renamed", ("D",), ("E",))),
    )
    assert successors(changelog, "0.1.0", "0.4.0") == {
        "A": ("C", "E"),
        "M1": ("M",),
        "M2": ("M",),
        "R": (),
    }
    assert successors(changelog, "0.1.0", "0.2.0") == {"A": ("B",), "M1": ("M",), "M2": ("M",)}
    assert successors(changelog, "0.2.0", "0.3.0") == {"B": ("C", "D"), "R": ()}
    assert successors(changelog, "0.4.0", "0.4.0") == {}


@pytest.fixture
def renamed(tmp_path: Path) -> tuple[Path, Path]:
    """mini 0.2.0 with 2.A.1 renamed 2.A.9, and new.yaml answering 2.A.9."""
    rules = tmp_path / "mini"
    shutil.copytree(MINI, rules)
    header = (rules / "ruleset.yaml").read_text("utf-8")
    header = header.replace("version: 0.1.0\n", "version: 0.2.0\n")
    header = header.replace(
        "parts: [part.yaml]\n",
        "parts: [part.yaml]\nchangelog:\n  - version: 0.2.0\n    changes:\n"
        '      - {change: renamed, from: "2.A.1", to: "2.A.9"}\n',
    )
    (rules / "ruleset.yaml").write_text(header, "utf-8")
    part = (rules / "part.yaml").read_text("utf-8")
    (rules / "part.yaml").write_text(part.replace('- id: "2.A.1"', '- id: "2.A.9"'), "utf-8")
    evidence = tmp_path / "new.yaml"
    evidence.write_text(NEW.read_text("utf-8").replace('"2.A.1":', '"2.A.9":'), "utf-8")
    return rules, evidence


def test_a_renamed_indicator_is_one_recurring_finding(tmp_path: Path, renamed) -> None:
    rules, evidence = renamed
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps(result_record(run_audit(OLD, [str(MINI)]))), "utf-8")
    comparison = compare_files(old_json, evidence, [str(rules)])
    (mini,) = comparison.frameworks
    assert (mini.old_version, mini.new_version) == ("0.1.0", "0.2.0")
    ids = {(f.id, f.change, f.was) for f in mini.findings}
    assert ("2.A.9", FindingChange.RECURRING, ("2.A.1",)) in ids
    assert not [f for f in mini.findings if f.id == "2.A.1"]  # not closed
    assert [f.id for f in mini.findings if f.change is FindingChange.NEW] == ["2.A.2"]  # as before
    assert not [c for c in mini.status_changes if "2.A." in c.id and c.id != "2.A.2"]
    assert any("2.A.1 → 2.A.9" in n for n in comparison.notes)
    # the earlier plan's action on 2.A.1 is judged on 2.A.9: still not met, due 2027
    action = next(a for a in comparison.actions if a.owner == "Chief executive")
    assert [(s.id, s.new) for s in action.settles] == [("2.A.9", "fail")]
    assert action.state is ActionState.OPEN
    record = comparison_record(comparison)
    assert not list(validator("comparison").iter_errors(record))
    recurring = record["frameworks"][0]["findings"]["recurring"]
    assert {"id": "2.A.9", "was": ["2.A.1"]}.items() <= next(
        f for f in recurring if f["id"] == "2.A.9"
    ).items()
    assert "- 2.A.9 (was 2.A.1) Strategy written: fail → fail" in comparison_markdown(comparison)


def test_without_the_changelog_it_would_be_gone_and_new(tmp_path: Path, renamed) -> None:
    rules, evidence = renamed
    (rules / "ruleset.yaml").write_text(
        (rules / "ruleset.yaml").read_text("utf-8").split("changelog:")[0], "utf-8"
    )
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps(result_record(run_audit(OLD, [str(MINI)]))), "utf-8")
    comparison = compare_files(old_json, evidence, [str(rules)])
    (mini,) = comparison.frameworks
    assert any("2.A.1 → 2.A.9" in n for n in comparison.notes) is False
    assert ("2.A.9", FindingChange.NEW) in {(f.id, f.change) for f in mini.findings}
    assert ("2.A.1", "fail", None) in {(c.id, c.old, c.new) for c in mini.status_changes}


def test_the_report_of_assess_previous_says_was(renamed) -> None:
    rules, evidence = renamed
    text = evidence.read_text("utf-8").replace(
        '"2.A.9": {answer: "no",', '"2.A.9": {answer: "yes",'
    )
    evidence.write_text(text, "utf-8")
    result = with_previous(run_audit(evidence, [str(rules)]), OLD, [str(MINI)])
    progress = build_report(result).progress
    assert progress is not None
    rows = {c.id: (c.before, c.now, c.kind) for c in progress.frameworks[0].changes}
    assert rows["2.A.9 (was 2.A.1)"] == ("Not met", "Met", "closed")
    assert "2.A.1" not in rows


def test_merged_and_split_ids_in_records() -> None:
    old = copy.deepcopy(result_record(run_audit(OLD, [str(MINI)])))
    new = copy.deepcopy(result_record(run_audit(NEW, [str(MINI)])))
    next(i for i in old["frameworks"][0]["indicators"] if i["id"] == "1.A.2")["status"] = "fail"
    new["provenance"]["rule_sets"][0]["version"] = "0.2.0"
    indicators = new["frameworks"][0]["indicators"]
    # before: 1.A.1 partial, 1.A.2 fail (as edited), 2.A.2 pass; now: 1.A.1 and 1.A.2 are one,
    # 1.A.7 (pass), and 2.A.2 is two, 2.A.5 (fail, as 2.A.2 now) and 2.A.6 (pass)
    next(i for i in indicators if i["id"] == "1.A.1")["id"] = "1.A.7"
    indicators.remove(next(i for i in indicators if i["id"] == "1.A.2"))
    half = next(i for i in indicators if i["id"] == "2.A.2")
    half["id"] = "2.A.5"
    indicators.append({**half, "id": "2.A.6", "status": "pass"})
    changelog = entry(
        "0.2.0",
        ("merged", ("1.A.1", "1.A.2"), ("1.A.7",)),
        ("split", ("2.A.2",), ("2.A.5", "2.A.6")),
    )
    comparison = compare(old, new, changelogs={"mini": (changelog,)})
    (mini,) = comparison.frameworks
    changes = {c.id: (c.old, c.new, c.was) for c in mini.status_changes}
    findings = {f.id: (f.change, f.was) for f in mini.findings}
    # the merged one was as bad as the worst it merges
    assert changes["1.A.7"] == ("fail", "pass", ("1.A.1", "1.A.2"))
    assert findings["1.A.7"] == (FindingChange.CLOSED, ("1.A.1", "1.A.2"))
    assert changes["2.A.5"] == ("pass", "fail", ("2.A.2",))
    assert findings["2.A.5"] == (FindingChange.NEW, ("2.A.2",))
    assert "2.A.6" not in changes  # pass before (as 2.A.2), pass now
    assert not {"1.A.1", "1.A.2", "2.A.2"} & (set(changes) | set(findings))
    # without the changelog: gone and new
    plain = compare(old, new)
    assert {"1.A.1", "1.A.2", "2.A.2", "1.A.7", "2.A.6"} <= {
        c.id for c in plain.frameworks[0].status_changes
    }


def test_compare_on_the_command_line(tmp_path: Path, renamed) -> None:
    rules, evidence = renamed
    # one -f serves both sides, so the earlier assessment is given as its result JSON
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps(result_record(run_audit(OLD, [str(MINI)]))), "utf-8")
    done = runner.invoke(app, ["compare", str(old_json), str(evidence), "-f", str(rules)])
    assert done.exit_code == ExitCode.OK, done.output
    assert "2.A.9 (was 2.A.1) Strategy written" in done.output


def test_a_result_json_of_an_older_bundled_version(tmp_path: Path) -> None:
    """The later side a result JSON too: the bundled rule set's changelog is read."""
    kombit = EXAMPLES_DIR / "kombit-microfinance.yaml"
    now = result_record(run_audit(kombit, ["universal-standards"]))
    before = copy.deepcopy(now)
    before["provenance"]["rule_sets"][0]["version"] = "1.0.0"
    framework = before["frameworks"][0]
    framework["version"] = "1.0.0"
    women = next(i for i in framework["indicators"] if i["id"] == "1.PD.1.1")
    women["id"], women["status"] = "1.B.3.3", "fail"  # its id in 1.0.0 (the changelog says)
    old_json, new_json = tmp_path / "old.json", tmp_path / "new.json"
    old_json.write_text(json.dumps(before), "utf-8")
    new_json.write_text(json.dumps(now), "utf-8")
    comparison = compare_files(old_json, new_json)
    (us,) = comparison.frameworks
    assert {(c.id, c.old, c.new, c.was) for c in us.status_changes} == {
        ("1.PD.1.1", "fail", "pass", ("1.B.3.3",))
    }
    assert any("1.B.3.3 → 1.PD.1.1" in n and "more" in n for n in comparison.notes)
