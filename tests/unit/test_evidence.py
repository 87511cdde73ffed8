"""Evidence consistency checks: data in the rule language, bundled and per rule set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import InvalidInputError, Severity
from engine.evidence import bundled_evidence_checks, check_evidence_for, load_evidence
from engine.rulesets import load_rule_set

EVIDENCE = """\
schema_version: 1
institution: {name: Test MFI, country: HT}
assessment:
  type: external_audit
  period: {start: "2025-01-01", end: "2025-12-31"}
  assessed_on: "2026-01-15"
facts:
  portfolio: {par30: 0.2, par90: 0.3}
  complaints: {received: 10, resolved: 8}
"""


def test_bundled_checks_are_data_and_compile() -> None:
    checks = bundled_evidence_checks()
    assert {c.id for c in checks} >= {"resolved-within-received", "new-clients-within-clients"}
    assert all(c.position.file.endswith("evidence-checks.yaml") for c in checks)


def test_a_bundled_check_refuses_evidence_at_the_fact(write) -> None:
    path = write("e.yaml", EVIDENCE.replace("resolved: 8", "resolved: 12"))
    with pytest.raises(InvalidInputError) as raised:
        load_evidence(path)
    (problem,) = raised.value.diagnostics
    assert (problem.position.line, problem.position.column) == (9, 30)
    assert problem.message == (
        "more complaints are resolved than were received: complaints.resolved = 12, "
        "expected ≤ 10 (complaints.received)"
    )


def test_a_rule_set_adds_its_own_checks(write, mini_rules: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(mini_rules, rules)
    header = rules / "ruleset.yaml"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            "parts: [part.yaml]",
            "evidence_checks:\n"
            "  - id: par90-within-par30\n"
            "    at: portfolio.par90\n"
            "    holds: {path: portfolio.par90, lte: {path: portfolio.par30}}\n"
            "    message: PAR90 cannot exceed PAR30\n"
            "    severity: warning\n"
            "parts: [part.yaml]",
        ),
        encoding="utf-8",
    )
    rule_set = load_rule_set(rules)
    evidence = load_evidence(write("e.yaml", EVIDENCE))
    (problem,) = check_evidence_for(evidence, [rule_set], [])
    assert problem.severity is Severity.WARNING
    assert problem.position.line == 8
    assert problem.message.startswith("PAR90 cannot exceed PAR30: portfolio.par90 = 0.3")


def test_a_check_naming_an_unknown_fact_is_a_rule_set_error(
    mini_rules: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(mini_rules, rules)
    header = rules / "ruleset.yaml"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            "parts: [part.yaml]",
            "evidence_checks:\n"
            "  - id: x\n"
            "    at: portfolio.par300\n"
            "    holds: {path: portfolio.par90, lte: 1}\n"
            "    message: nonsense\n"
            "parts: [part.yaml]",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as raised:
        load_rule_set(rules)
    assert any(
        "unknown evidence path 'portfolio.par300'" in d.message for d in raised.value.diagnostics
    )
