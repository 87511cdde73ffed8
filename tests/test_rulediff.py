"""`rules diff`: what changed between two rule sets, and the impact on evidence files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ruleedit import edit_indicator, remove_indicator, rename_indicator
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.resources import EXAMPLES_DIR, RULES_DIR

runner = CliRunner()
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))


def _diff(*args: str) -> dict:
    result = runner.invoke(app, ["rules", "diff", *args, "--format", "json"])
    assert result.exit_code == ExitCode.OK, result.output
    return json.loads(result.stdout)


def _nonzero(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if v}


def test_reweighted_removed_renamed_show_exactly_and_with_their_impact(tmp_path: Path) -> None:
    """The issue's 'done when': one re-weighted, one removed, one renamed; impact on every example."""
    new = tmp_path / "universal_standards"
    shutil.copytree(RULES_DIR / "universal_standards", new)
    edit_indicator(new, "1.A.1.1", key="weight", value="3")
    remove_indicator(new, "1.A.2.1")
    rename_indicator(new, "2.B.1.2", "2.B.1.9")
    record = _diff("universal-standards", str(new), "--impact", str(EXAMPLES_DIR))
    assert _nonzero(record["summary"]) == {"removed": 1, "renamed": 1, "reweighted": 1}
    indicators = record["indicators"]
    assert [r["id"] for r in indicators["removed"]] == ["1.A.2.1"]
    assert [(r["old_id"], r["id"], r["how"]) for r in indicators["renamed"]] == [
        ("2.B.1.2", "2.B.1.9", "same place")
    ]
    assert indicators["reweighted"] == [
        {
            "id": "1.A.1.1",
            "title": indicators["reweighted"][0]["title"],
            "changes": [{"field": "weight", "old": "1", "new": "3"}],
        }
    ]
    assert record["rule_set"] == []
    assert record["nodes"] == {
        "added": [],
        "removed": [],
        "changed": [],
    }
    assert [i["file"] for i in record["impact"]] == [
        str(p.relative_to(Path.cwd())) if p.is_relative_to(Path.cwd()) else str(p) for p in EXAMPLES
    ]
    for item, example in zip(record["impact"], EXAMPLES, strict=True):
        # the old side is what `assess` gives for the bundled rule set
        assessed = runner.invoke(app, ["assess", str(example), "--format", "json"])
        framework = json.loads(assessed.stdout)["frameworks"][0]
        assert item["old"]["score"] == pytest.approx(framework["overall"]["score"], abs=1e-6)
        assert item["old"]["grade"] == framework["grade"]["grade"]
        old_status = {i["id"]: i["status"] for i in framework["indicators"]}
        changes = {(c["old_id"], c["new_id"]): (c["old"], c["new"]) for c in item["status_changes"]}
        assert changes[("1.A.2.1", "")] == (old_status["1.A.2.1"], "")
        # without `replaces`, the answer given for the old id no longer reaches the renamed one
        assert item["unused_answers"] == ["2.B.1.2"]
        assert changes[("2.B.1.2", "2.B.1.9")] == (old_status["2.B.1.2"], "not_assessed")
        if item["old"]["score"] != item["new"]["score"]:
            assert changes
    assert any(i["old"]["score"] != i["new"]["score"] for i in record["impact"])


def test_markdown_report(tmp_path: Path, mini_rules: Path) -> None:
    new = tmp_path / "mini"
    shutil.copytree(mini_rules, new)
    edit_indicator(new, "1.A.1", key="critical", value="false")
    edit_indicator(new, "1.A.1", key="partial_check", value="{path: portfolio.par30, lte: 0.12}")
    edit_indicator(new, "2.A.1", key="title", value="A written strategy exists")
    header = new / "ruleset.yaml"
    header.write_text(
        header.read_text()
        .replace("threshold: 0.75", "threshold: 0.8")
        .replace("version: 0.1.0", "version: 0.2.0")
    )
    result = runner.invoke(app, ["rules", "diff", str(mini_rules), str(new)])
    assert result.exit_code == ExitCode.OK, result.output
    text = result.stdout
    assert text.startswith("# Rule set changes: mini 0.1.0 → mini 0.2.0\n")
    assert "Changes: 1 reworded, 1 rethresholded, 1 criticality, 2 rule set changes.\n" in text
    assert (
        "- `1.A.1` PAR30 within limit\n"
        "  - partial_check: `portfolio.par30 ≤ 0.1` → `portfolio.par30 ≤ 0.12`\n"
    ) in text
    assert (
        "- `2.A.1` A written strategy exists\n  - title: Strategy written → A written strategy exists\n"
        in text
    )
    assert "  - critical: true → false\n" in text
    assert "- version: 0.1.0 → 0.2.0\n" in text
    assert (
        "- gates.protect: each standard ≥ 0.75; scope \\[1\\]; no critical failures; min coverage 0 → each standard ≥ 0.8;"
        in text
    )


def test_moved_added_and_renamed_by_replaces(tmp_path: Path, mini_rules: Path) -> None:
    new = tmp_path / "mini"
    shutil.copytree(mini_rules, new)
    rename_indicator(new, "1.B.1", "1.B.7")
    edit_indicator(new, "1.B.7", key="replaces", value='["1.B.1"]')
    edit_indicator(new, "1.B.7", key="title", value="Prices compared with peers")
    edit_indicator(new, "1.B.7", key="guidance", value="Something else entirely.")
    record = _diff(str(mini_rules), str(new))
    assert [(r["old_id"], r["id"], r["how"]) for r in record["indicators"]["renamed"]] == [
        ("1.B.1", "1.B.7", "replaces")
    ]
    assert [c["field"] for c in record["indicators"]["reworded"][0]["changes"]] == [
        "title",
        "guidance",
    ]


def test_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["rules", "diff", "universal-standards", str(tmp_path / "nope")])
    assert missing.exit_code == ExitCode.INVALID_INPUT
    assert "unknown framework or profile" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    no_evidence = runner.invoke(app, ["rules", "diff", "spi", "spi", "--impact", str(empty)])
    assert no_evidence.exit_code == ExitCode.INVALID_INPUT
    assert "no evidence files" in no_evidence.stderr
    bad = empty / "bad.yaml"
    bad.write_text("schema_version: 1\ninstitution: {name: X}\n")
    broken = runner.invoke(app, ["rules", "diff", "spi", "spi", "--impact", str(empty)])
    assert broken.exit_code == ExitCode.INVALID_INPUT
    assert "bad.yaml:2:1: error: required key 'country' is missing" in broken.stderr
    assert "Traceback" not in broken.output
