"""The one place that knows the order: load → validate → evaluate → score.

`run_audit` takes paths and names and returns an `AuditResult`; rendering is the caller's choice.
"""

from __future__ import annotations

import difflib
import functools
import logging
from collections.abc import Sequence
from fractions import Fraction
from importlib import metadata
from pathlib import Path

from engine.catalog import bundled_frameworks
from engine.crosswalk import build_crosswalk, landings, shared_answers
from engine.errors import (
    Diagnostic,
    ExitCode,
    InvalidInputError,
    Severity,
    UsageError,
    did_you_mean,
)
from engine.evaluate import evaluate_rule_set
from engine.model import AuditResult, EvidenceSet, FrameworkResult, RuleSet, Verdict
from engine.profile import find_profiles, load_profile
from engine.resources import EXAMPLES_DIR
from engine.score import score_rule_set
from engine.validate import check_evidence_for, load_evidence, load_rule_set
from engine.versions import version_warnings

logger = logging.getLogger(__name__)

ALL = "all"
DEMO_EVIDENCE = "kombit-microfinance.yaml"


def engine_version() -> str:
    """The installed spm-audit version."""
    try:
        return metadata.version("spm-audit")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


@functools.cache
def bundled_profiles() -> dict[str, Path]:
    """Profile id → file, for the bundled rule sets."""
    return find_profiles(bundled_frameworks())


def _unknown(name: str) -> UsageError:
    choices = [*bundled_frameworks(), *bundled_profiles()]
    hint = did_you_mean(name, choices)
    return UsageError(
        f"unknown framework or profile '{name}'{hint}; known: {', '.join(choices)}, or all"
    )


def load_named(name: str) -> RuleSet:
    """A bundled framework or profile by id, or a rule set folder or profile file by path."""
    if name in bundled_frameworks():
        return load_rule_set(bundled_frameworks()[name])
    if name in bundled_profiles():
        return load_profile(bundled_profiles()[name], bundled_frameworks(), bundled_profiles())
    path = Path(name)
    if path.is_dir() or path.name == "ruleset.yaml":
        return load_rule_set(path)
    if path.is_file() and path.suffix in (".yaml", ".yml"):
        return load_profile(path, bundled_frameworks(), bundled_profiles())
    raise _unknown(name)


def load_rule_sets(names: Sequence[str]) -> list[RuleSet]:
    """Load every named rule set or profile (`all`: every bundled framework), reporting all problems together."""
    wanted = list(
        dict.fromkeys(
            n for name in names for n in (bundled_frameworks() if name == ALL else [name])
        )
    )
    for name in wanted:
        if (
            name not in bundled_frameworks()
            and name not in bundled_profiles()
            and not Path(name).exists()
        ):
            raise _unknown(name)
    rule_sets: list[RuleSet] = []
    problems: list[Diagnostic] = []
    for name in wanted:
        try:
            rule_sets.append(load_named(name))
        except InvalidInputError as e:
            problems.extend(e.diagnostics)
    if problems:
        raise InvalidInputError(problems)
    return rule_sets


def assess(
    evidence: EvidenceSet, rule_sets: Sequence[RuleSet], context: Sequence[RuleSet] = ()
) -> AuditResult:
    """Evaluate and score validated evidence against compiled rule sets (no I/O).

    Args:
        evidence: the validated evidence.
        rule_sets: the frameworks and profiles to assess.
        context: further rule sets whose mappings and answers may reach the assessed ones.
    """
    crosswalk = build_crosswalk([*rule_sets, *context])
    frameworks: list[FrameworkResult] = []
    for rule_set in rule_sets:
        results = evaluate_rule_set(
            rule_set, evidence, shared_answers(rule_set, evidence, crosswalk)
        )
        frameworks.append(
            score_rule_set(rule_set, results, str(evidence.assessment["assessed_on"]))
        )
    return AuditResult(
        engine_version(),
        evidence,
        tuple(frameworks),
        evidence.warnings,
        landings(frameworks, crosswalk),
    )


def run_audit(evidence_path: Path, frameworks: Sequence[str] = ()) -> AuditResult:
    """Assess one evidence file against the chosen frameworks and profiles.

    Args:
        evidence_path: the evidence file (YAML or JSON).
        frameworks: framework or profile ids (or rule set folders, profile files); `all` means every
            bundled framework; empty means universal-standards.

    Raises:
        InvalidInputError: the evidence or a rule set is invalid; carries every diagnostic.
        UsageError: an unknown framework was asked for.
    """
    rule_sets = load_rule_sets(list(frameworks) or ["universal-standards"])
    evidence = load_evidence(evidence_path)
    assessed = {rs.answers_key for rs in rule_sets}
    others = [f for f in evidence.answers if f not in assessed and f in bundled_frameworks()]
    context = load_rule_sets(others) if others else []
    problems = check_evidence_for(evidence, [*rule_sets, *context], bundled_frameworks())
    if any(p.severity is Severity.ERROR for p in problems):
        # the version warning says why ids may be unknown (and how to migrate)
        raise InvalidInputError(
            [*problems, *evidence.warnings, *version_warnings(evidence, rule_sets)]
        )
    result = assess(evidence, rule_sets, context)
    warnings = tuple(
        sorted(
            {
                *result.warnings,
                *problems,
                *_unused_answers(result, others),
                *version_warnings(evidence, rule_sets),
            }
        )
    )
    return AuditResult(
        result.engine_version, result.evidence, result.frameworks, warnings, result.crosswalk
    )


def _unused_answers(result: AuditResult, frameworks: Sequence[str]) -> list[Diagnostic]:
    """A warning per framework not assessed whose answers reached no assessed indicator."""
    used = {
        scored.result.answer_source
        for framework in result.frameworks
        for scored in framework.indicators
        if scored.result.answer_source
    }
    found = []
    for framework in frameworks:
        answers = result.evidence.answers.get(framework, {})
        unused = [a for rid, a in answers.items() if f"{framework} {rid}" not in used]
        if unused:
            found.append(
                Diagnostic(
                    unused[0].position,
                    f"{len(unused)} answer(s) for '{framework}' are not used: this run does not "
                    f"assess it (add -f {framework}, or -f all)",
                    Severity.WARNING,
                    "framework",
                )
            )
    return found


def validate_evidence(evidence_path: Path) -> tuple[Diagnostic, ...]:
    """Check an evidence file against the schema and every bundled rule set; return its warnings."""
    evidence = load_evidence(evidence_path)
    rule_sets = load_rule_sets([ALL])
    problems = [
        p for p in check_evidence_for(evidence, rule_sets, ()) if p.severity is Severity.ERROR
    ]
    if problems:
        raise InvalidInputError([*problems, *evidence.warnings])
    return evidence.warnings


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
