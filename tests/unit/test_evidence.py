"""Evidence consistency checks: data in the rule language, bundled and per rule set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import InvalidInputError, Severity
from engine.evidence import (
    bundled_evidence_checks,
    check_evidence_for,
    load_evidence,
    read_evidence,
)
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


def test_checks_after_the_schema_run_on_what_it_accepts_at_the_original_lines(write) -> None:
    """A refused list item is taken out; the items after it keep their own lines."""
    path = write(
        "e.yaml",
        EVIDENCE.split("facts:")[0]
        + "documents:\n"
        + "  - {id: A, titel: First}\n"  # line 8: refused (unknown key, then no title)
        + "  - {id: B, title: Second, path: ../outside.pdf}\n"  # line 9
        + "  - {id: B, title: Third}\n"  # line 10: a duplicate id
        + "fact_sources: {portfolio: A, clients: C}\n",  # line 11: A is refused, C is unknown
    )
    read = read_evidence(path)
    assert read.evidence is not None
    assert read.has_errors
    lines = [(d.position.line, d.message) for d in read.diagnostics]
    assert lines == [
        (8, "unknown key 'titel' (did you mean 'title'?)"),
        (9, "document path '../outside.pdf' must stay inside the evidence file's folder"),
        (10, "duplicate document id 'B' (first at line 9)"),
        (11, "source document 'C' is not listed in 'documents'"),
    ]
    assert list(read.evidence.documents) == ["B"]
    with pytest.raises(InvalidInputError) as raised:
        load_evidence(path)
    assert len(raised.value.diagnostics) == 4


def test_nothing_sound_is_left_when_a_section_is_missing(write) -> None:
    path = write("e.yaml", EVIDENCE.replace("assessment:", "assessmnt:"))
    read = read_evidence(path)
    assert read.evidence is None
    assert [d.message for d in read.diagnostics] == [
        "unknown key 'assessmnt' (did you mean 'assessment'?)"
    ]
