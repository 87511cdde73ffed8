"""The one place that knows the order: load → validate → evaluate → score.

`run_audit` takes paths and returns an `AuditResult`; rendering is the caller's choice.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from fractions import Fraction
from importlib import metadata
from pathlib import Path

from engine.catalog import bundled_frameworks
from engine.errors import Diagnostic, ExitCode, InvalidInputError, Severity, UsageError
from engine.evaluate import evaluate_rule_set
from engine.model import AuditResult, EvidenceSet, FrameworkResult, RuleSet, Verdict
from engine.resources import EXAMPLES_DIR
from engine.score import score_rule_set
from engine.validate import check_evidence_for, load_evidence, load_rule_set

logger = logging.getLogger(__name__)

ALL = "all"


def engine_version() -> str:
    """The installed spm-audit version."""
    try:
        return metadata.version("spm-audit")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def resolve_frameworks(requested: Sequence[str]) -> list[Path]:
    """Rule set folders for framework ids (or paths to rule set folders); `all` means every one."""
    bundled = bundled_frameworks()
    names = list(requested) or ["universal-standards"]
    if ALL in names:
        return list(bundled.values())
    folders: list[Path] = []
    for name in names:
        if name in bundled:
            folders.append(bundled[name])
        elif Path(name).is_dir() or Path(name).name.endswith((".yaml", ".yml")):
            folders.append(Path(name))
        else:
            close = difflib.get_close_matches(name, list(bundled), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(
                f"unknown framework '{name}'{hint}; known: {', '.join(bundled)}, or all"
            )
    return list(dict.fromkeys(folders))


def load_rule_sets(folders: Sequence[Path]) -> list[RuleSet]:
    """Load every rule set, reporting the problems of all of them together."""
    rule_sets: list[RuleSet] = []
    problems: list[Diagnostic] = []
    for folder in folders:
        try:
            rule_sets.append(load_rule_set(folder))
        except InvalidInputError as e:
            problems.extend(e.diagnostics)
    if problems:
        raise InvalidInputError(problems)
    return rule_sets


def assess(evidence: EvidenceSet, rule_sets: Sequence[RuleSet]) -> AuditResult:
    """Evaluate and score validated evidence against compiled rule sets (no I/O)."""
    frameworks: list[FrameworkResult] = []
    for rule_set in rule_sets:
        results = evaluate_rule_set(rule_set, evidence)
        frameworks.append(
            score_rule_set(rule_set, results, str(evidence.assessment["assessed_on"]))
        )
    return AuditResult(engine_version(), evidence, tuple(frameworks), evidence.warnings)


def run_audit(evidence_path: Path, frameworks: Sequence[str] = ()) -> AuditResult:
    """Assess one evidence file against the chosen frameworks.

    Args:
        evidence_path: the evidence file (YAML or JSON).
        frameworks: framework ids (or rule set folders); empty means universal-standards.

    Raises:
        InvalidInputError: the evidence or a rule set is invalid; carries every diagnostic.
        UsageError: an unknown framework was asked for.
    """
    rule_sets = load_rule_sets(resolve_frameworks(frameworks))
    evidence = load_evidence(evidence_path)
    problems = check_evidence_for(evidence, rule_sets, bundled_frameworks())
    if any(p.severity is Severity.ERROR for p in problems):
        raise InvalidInputError([*problems, *evidence.warnings])
    result = assess(evidence, rule_sets)
    warnings = tuple(sorted({*result.warnings, *problems}))
    return AuditResult(result.engine_version, result.evidence, result.frameworks, warnings)


def validate_evidence(evidence_path: Path) -> tuple[Diagnostic, ...]:
    """Check an evidence file against the schema and every bundled rule set; return its warnings."""
    evidence = load_evidence(evidence_path)
    rule_sets = load_rule_sets(list(bundled_frameworks().values()))
    problems = [
        p for p in check_evidence_for(evidence, rule_sets, ()) if p.severity is Severity.ERROR
    ]
    if problems:
        raise InvalidInputError([*problems, *evidence.warnings])
    return evidence.warnings


DEMO_EVIDENCE = "kombit-microfinance.yaml"


def demo_evidence() -> Path:
    """The bundled example institution used by `spm-audit demo` and `make demo`."""
    return EXAMPLES_DIR / DEMO_EVIDENCE


def exit_code_for(
    result: AuditResult, *, fail_under: float | None = None, required_gates: Sequence[str] = ()
) -> ExitCode:
    """FAILED when an overall score is below `fail_under` (a percentage) or a required gate did not pass.

    Raises:
        UsageError: a required gate exists in none of the assessed frameworks.
    """
    failed = False
    if fail_under is not None:
        for framework in result.frameworks:
            score = framework.overall.score
            if score is None or score * 100 < Fraction(str(fail_under)):
                failed = True
    gates = {g.gate.id: g for f in result.frameworks for g in f.gates}
    for gate_id in required_gates:
        if gate_id not in gates:
            close = difflib.get_close_matches(gate_id, list(gates), n=1)
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else f" (gates: {', '.join(gates) or 'none'})"
            )
            raise UsageError(f"unknown gate '{gate_id}'{hint}")
        if gates[gate_id].verdict is not Verdict.PASSED:
            failed = True
    return ExitCode.FAILED if failed else ExitCode.OK
