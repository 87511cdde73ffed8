"""Versions: the changelog, `assess` warning on another version, and `spm-audit migrate`."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.resources import EXAMPLES_DIR

runner = CliRunner()
RMA = EXAMPLES_DIR / "rulesets" / "rma_code"

OLD = """\
# yaml-language-server: $schema=../../schemas/evidence.schema.json
# Lumen's review of 2024, written for the first edition of the code.
schema_version: 1
institution: {name: Lumen Credit Cooperative, country: ZZ, fictional: true}
assessment:
  type: self_assessment
  period: {start: "2024-01-01", end: "2024-12-31"}
  assessed_on: "2025-02-10"
  rule_set_versions: {rma-code: 1.0.0}
answers:
  rma-code:
    # complaints were checked from the register
    A.2.9: {answer: "yes", comment: register checked}
    A.1.9:
      answer: "no"
      comment: no deposit licence
    B.2.9: {answer: partially}   # signed, not all trained
    B.1.3: {answer: "yes"}
overrides:
  rma-code:
    A.2.9: {status: pass, reason: confirmed on site, by: I. Varga, on: "2025-02-10"}
action_plan:
  rma-code:
    B.2.9: {owner: HR manager, due: "2025-06-30"}
"""

NEW = """\
# yaml-language-server: $schema=../../schemas/evidence.schema.json
# Lumen's review of 2024, written for the first edition of the code.
schema_version: 1
institution: {name: Lumen Credit Cooperative, country: ZZ, fictional: true}
assessment:
  type: self_assessment
  period: {start: "2024-01-01", end: "2024-12-31"}
  assessed_on: "2025-02-10"
  rule_set_versions: {rma-code: "1.1.0"}
answers:
  rma-code:
    # complaints were checked from the register
    "A.2.3": {answer: "yes", comment: register checked}
    # migrate: 'A.1.9' was retired in 1.1.0; it was {"answer": "no", "comment": "no deposit licence"}
    # migrate: 'B.2.9' was split into B.2.1, B.2.2 in 1.1.0: the assessor must answer each; it was {"answer": "partially"}
    B.1.3: {answer: "yes"}
overrides:
  rma-code:
    "A.2.3": {status: pass, reason: confirmed on site, by: I. Varga, on: "2025-02-10"}
action_plan:
  rma-code: {}
    # migrate: 'B.2.9' was split into B.2.1, B.2.2 in 1.1.0: the assessor must answer each; it was {"due": "2025-06-30", "owner": "HR manager"}
"""


def test_old_evidence_is_refused_with_a_hint_to_migrate(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(OLD)
    result = runner.invoke(app, ["assess", str(old), "--rules", str(RMA), "--format", "json"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        f"{old}:9:23: warning: the evidence was written for rma-code 1.0.0, but 1.1.0 is assessed: "
        f"3 id change(s) since then; run 'spm-audit migrate {old} --to 1.1.0 -f rma-code -o NEW_FILE' [version]"
    ) in result.stderr


def test_migrate_moves_lists_and_keeps_comments(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(OLD)
    new = tmp_path / "new.yaml"
    result = runner.invoke(
        app, ["migrate", str(old), "--to", "1.1.0", "-f", str(RMA), "-o", str(new)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert new.read_text() == NEW
    assert old.read_text() == OLD
    lines = [line.replace(str(old), "old.yaml") for line in result.stderr.splitlines()]
    assert lines == [
        "old.yaml:14:5: warning: answers entry for 'A.1.9' not carried: 'A.1.9' was retired in 1.1.0; "
        'it was {"answer": "no", "comment": "no deposit licence"} [migrate]',
        "old.yaml:17:5: warning: answers entry for 'B.2.9' not carried: 'B.2.9' was split into B.2.1, B.2.2 "
        'in 1.1.0: the assessor must answer each; it was {"answer": "partially"} [migrate]',
        "old.yaml:24:5: warning: action_plan entry for 'B.2.9' not carried: 'B.2.9' was split into B.2.1, "
        'B.2.2 in 1.1.0: the assessor must answer each; it was {"due": "2025-06-30", "owner": "HR manager"} [migrate]',
        "answers: A.2.9 → A.2.3 (renamed in 1.1.0)",
        "overrides: A.2.9 → A.2.3 (renamed in 1.1.0)",
        f"wrote {new}: rma-code 1.0.0 → 1.1.0, 2 moved, 3 not carried",
    ]
    assessed = runner.invoke(app, ["assess", str(new), "--rules", str(RMA), "--format", "json"])
    assert assessed.exit_code == ExitCode.OK, assessed.output
    assert "warning" not in assessed.stderr


def test_a_layout_that_cannot_be_edited_is_written_anew(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(
        '{"schema_version": 1, "institution": {"name": "L", "country": "ZZ"}, "assessment": '
        '{"type": "self_assessment", "period": {"start": "2024-01-01", "end": "2024-12-31"}, '
        '"assessed_on": "2025-01-01", "rule_set_versions": {"rma-code": "1.0.0"}}, '
        '"answers": {"rma-code": {"A.2.9": {"answer": "yes"}, "B.1.3": {"answer": "no"}}}}'
    )
    new = tmp_path / "new.yaml"
    result = runner.invoke(
        app, ["migrate", str(old), "--to", "1.1.0", "-f", str(RMA), "-o", str(new)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "written anew" in result.stderr
    assert '  "rma-code":\n    "A.2.3":\n      "answer": "yes"\n' in new.read_text()
    assert (
        runner.invoke(app, ["validate", str(new)]).exit_code == ExitCode.INVALID_INPUT
    )  # not bundled
    assessed = runner.invoke(app, ["assess", str(new), "--rules", str(RMA), "--format", "json"])
    assert assessed.exit_code == ExitCode.OK, assessed.output


def test_migrate_errors(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(OLD)
    out = tmp_path / "new.yaml"
    cases = {
        ("--to", "2.0.0", "-f", str(RMA)): "rma-code has no version 2.0.0 (known: 1.0.0, 1.1.0)",
        (
            "--to",
            "1.1.0",
            "-f",
            str(RMA),
            "--from",
            "1.2.0",
        ): "cannot migrate rma-code from 1.2.0 back to 1.1.0",
        (
            "--to",
            "1.1.0",
            "-f",
            "universal-standards",
        ): "does not say which version of universal-standards",
    }
    for args, message in cases.items():
        result = runner.invoke(app, ["migrate", str(old), *args, "-o", str(out)])
        assert result.exit_code == ExitCode.INVALID_INPUT, args
        assert message in result.stderr
        assert not out.exists()
    over = runner.invoke(
        app, ["migrate", str(old), "--to", "1.1.0", "-f", str(RMA), "-o", str(old)]
    )
    assert over.exit_code == ExitCode.INVALID_INPUT
    assert "refusing to write the report over an input file" in over.stderr
    assert old.read_text() == OLD
    # an id the changelog does not account for is an error, and nothing is written
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(OLD.replace("B.1.3:", "B.1.8:"))
    result = runner.invoke(
        app, ["migrate", str(unknown), "--to", "1.1.0", "-f", str(RMA), "-o", str(out)]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        "'B.1.8' is not an indicator of 'rma-code' (did you mean 'B.1.3'?), and the changelog"
        in result.stderr
    )
    assert not out.exists()


def test_changelog_is_checked_with_positions(tmp_path: Path) -> None:
    folder = tmp_path / "rma"
    shutil.copytree(RMA, folder)
    header = folder / "ruleset.yaml"
    text = header.read_text()
    header.write_text(
        text.replace(
            "{change: renamed, from: A.2.9, to: A.2.3}",
            "{change: renamed, from: A.2.9, to: [A.2.3, A.2.4]}",
        )
        .replace("{change: retired, from: A.1.9}", "{change: retired, from: A.1.3}")
        .replace("  - version: 1.0.0\n", "  - version: 1.2.0\n")
    )
    result = runner.invoke(app, ["rules", "lint", str(folder)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = [line.replace(str(folder) + "/", "") for line in result.stderr.splitlines()]
    assert lines[:4] == [
        "ruleset.yaml:10:5: error: changelog version 1.2.0 is newer than the rule set's version 1.1.0 [changelog]",
        "ruleset.yaml:13:5: error: changelog versions must be listed oldest first, each newer than the one before [changelog]",
        "ruleset.yaml:20:9: error: 'renamed' takes one id 'from' and one id 'to' [changelog]",
        "ruleset.yaml:22:9: error: changelog 1.1.0 takes 'A.1.3' away, but it is still an indicator of this rule set (a later change must bring it back) [changelog]",
    ]


def _merged_copy(tmp_path: Path) -> Path:
    from ruleedit import remove_indicator

    folder = tmp_path / "rma"
    shutil.copytree(RMA, folder)
    remove_indicator(folder, "B.1.2")
    header = folder / "ruleset.yaml"
    header.write_text(
        header.read_text()
        .replace("version: 1.1.0\nchangelog:", "version: 1.2.0\nchangelog:")
        .replace(
            "publisher:",
            "  - version: 1.2.0\n    changes:\n      - {change: merged, from: [B.1.1, B.1.2], to: B.1.1}\npublisher:",
        )
    )
    return folder


def test_merged_entries_move_when_they_agree(tmp_path: Path) -> None:
    folder = _merged_copy(tmp_path)
    evidence = tmp_path / "e.yaml"
    base = OLD.replace("rma-code: 1.0.0", "rma-code: 1.1.0").split("answers:")[0]
    evidence.write_text(
        base + 'answers:\n  rma-code:\n    B.1.1: {answer: "yes"}\n    B.1.2: {answer: "yes"}\n'
    )
    out = tmp_path / "out.yaml"
    result = runner.invoke(
        app, ["migrate", str(evidence), "--to", "1.2.0", "-f", str(folder), "-o", str(out)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "answers: B.1.1, B.1.2 → B.1.1 (merged in 1.2.0)" in result.stderr
    assert out.read_text().endswith(
        '    B.1.1: {answer: "yes"}\n'
        "    # migrate: 'B.1.2' merged into 'B.1.1' in 1.2.0 (the same entry)\n"
    )
    evidence.write_text(
        evidence.read_text().replace('B.1.2: {answer: "yes"}', 'B.1.2: {answer: "no"}')
    )
    result = runner.invoke(
        app, ["migrate", str(evidence), "--to", "1.2.0", "-f", str(folder), "-o", str(out)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert (
        result.stderr.count(
            "were merged into 'B.1.1' in 1.2.0 with different entries: the assessor must decide"
        )
        == 2
    )


def test_migrate_a_bundled_example_only_records_the_version(tmp_path: Path) -> None:
    source = EXAMPLES_DIR / "kombit-microfinance.yaml"
    out = tmp_path / "kombit.yaml"
    result = runner.invoke(
        app,
        [
            "migrate",
            str(source),
            "--to",
            "1.0.0",
            "--from",
            "1.0.0",
            "-f",
            "universal-standards",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == ExitCode.OK, result.output
    old, new = source.read_text().splitlines(), out.read_text().splitlines()
    assert new[11] == '  rule_set_versions: {"universal-standards": "1.0.0"}'
    assert new[:11] + new[12:] == old
