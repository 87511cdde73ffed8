"""The one place that knows the order: load → validate → evaluate → score.

`run_audit` takes paths and names and returns an `AuditResult`; rendering is the caller's choice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import collector, schemacheck
from engine.crosswalk import (
    build_crosswalk,
    conflicts,
    landings,
    shared_answers,
    shared_overrides,
    source_questions,
)
from engine.errors import (
    Diagnostic,
    ExitCode,
    InvalidInputError,
    Severity,
    UsageError,
    did_you_mean,
)
from engine.evaluate import evaluate_rule_set
from engine.evidence import EvidenceRead, check_evidence_for, read_evidence
from engine.load import STDIN, display_name, load_file
from engine.model import (
    AuditResult,
    EvidenceSet,
    Explanation,
    FrameworkResult,
    IndicatorResult,
    RuleSet,
    SourceQuestion,
    Status,
    Verdict,
    VersionEntry,
)
from engine.release import __version__
from engine.render.record import result_record
from engine.resources import EXAMPLES_DIR
from engine.rulesets import ALL, bundled_frameworks, check_names, load_rule_sets
from engine.score import score_rule_set
from engine.versions import version_key, version_warnings

if TYPE_CHECKING:  # progress, peers and what-if are imported by the commands that ask for them
    from engine.model.progress import Comparison
    from engine.whatif import WhatIf

logger = logging.getLogger(__name__)

DEMO_EVIDENCE = "kombit-microfinance.yaml"


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
    by_id: dict[str, RuleSet] = {rs.id: rs for rs in [*context, *rule_sets]}  # assessed ones win

    def run(
        rule_set: RuleSet,
        sources: Mapping[str, FrameworkResult],
        questions: Mapping[tuple[str, str], SourceQuestion],
    ) -> FrameworkResult:
        results = evaluate_rule_set(
            rule_set,
            evidence,
            shared_answers(rule_set, evidence, crosswalk),
            shared_overrides(rule_set, evidence, crosswalk),
            questions,
        )
        return score_rule_set(rule_set, results, evidence.dates.assessed_on, sources)

    # Frameworks that other indicators are scored from (`scored_from`) run first, on their own.
    needed = sorted({f for rs in rule_sets for f in rs.source_frameworks() if f in by_id})
    sources = {f: run(by_id[f], {}, {}) for f in needed}
    rest = [rs for rs in rule_sets if not (rs.id in sources and by_id[rs.id] is rs)]
    # the sources' questions, once (each cites its facts: the explanations are written for it)
    questions = (
        {k: q for f in sources.values() for k, q in source_questions(f).items()} if rest else {}
    )
    done = {id(rs): run(rs, sources, questions) for rs in rest}
    frameworks = [done[id(rs)] if id(rs) in done else sources[rs.id] for rs in rule_sets]
    return AuditResult(
        __version__,
        evidence,
        tuple(frameworks),
        evidence.warnings,
        landings(frameworks, crosswalk),
        conflicts(frameworks, crosswalk),
    )


def context_names(evidence: EvidenceSet, rule_sets: Sequence[RuleSet]) -> list[str]:
    """The bundled frameworks a run needs beside `rule_sets`, to load as `assess`'s context.

    Those the evidence answers (their answers reach the assessed ones through mappings), then
    those some indicators are scored from (`scored_from`).
    """
    assessed = {rs.answers_key for rs in rule_sets}
    bundled = bundled_frameworks()
    others = [f for f in evidence.answers if f not in assessed and f in bundled]
    sources = {f for rs in rule_sets for f in rs.source_frameworks()} - assessed - set(others)
    return [*others, *sorted(f for f in sources if f in bundled)]


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
    names = check_names(list(frameworks) or ["universal-standards"])
    with collector.paused():  # the evidence's objects are kept: nothing to collect
        read = read_evidence(evidence_path)
    if read.evidence is None:  # nothing sound to check against rule sets: do not load them
        raise InvalidInputError(read.diagnostics)
    return audit_read(read, load_rule_sets(names), load_rule_sets)


ContextLoader = Callable[[Sequence[str]], Sequence[RuleSet]]


def audit_read(
    read: EvidenceRead, rule_sets: Sequence[RuleSet], load_context: ContextLoader
) -> AuditResult:
    """Check read evidence against loaded rule sets, then assess it (what `run_audit` does after loading).

    Args:
        read: the evidence as `read_evidence` gives it.
        rule_sets: the frameworks and profiles to assess, loaded.
        load_context: loads the bundled frameworks (by id) whose answers the evidence also holds.

    Raises:
        InvalidInputError: the evidence is invalid, alone or against these rule sets.
    """
    if read.evidence is None:
        raise InvalidInputError(read.diagnostics)
    evidence = read.evidence
    assessed = {rs.answers_key for rs in rule_sets}
    others = [f for f in evidence.answers if f not in assessed and f in bundled_frameworks()]
    wanted = context_names(evidence, rule_sets)
    context = list(load_context(wanted)) if wanted else []
    problems = check_evidence_for(evidence, [*rule_sets, *context], bundled_frameworks())
    if read.has_errors or any(p.severity is Severity.ERROR for p in problems):
        # every problem of the file in one run; the version warning says why ids may be unknown
        raise InvalidInputError(
            sorted({*read.diagnostics, *problems, *version_warnings(evidence, rule_sets)})
        )
    with collector.paused():
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
    return dataclasses.replace(result, warnings=warnings)


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
    read = read_evidence(evidence_path)
    if read.evidence is None:
        raise InvalidInputError(read.diagnostics)
    evidence = read.evidence
    rule_sets = load_rule_sets([ALL])
    problems = check_evidence_for(evidence, rule_sets, ())
    if read.has_errors or any(p.severity is Severity.ERROR for p in problems):
        raise InvalidInputError(sorted({*read.diagnostics, *problems}))
    return tuple(sorted({*evidence.warnings, *problems}))


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
    unmet = unmet_requirements(result, fail_under=fail_under, required_gates=required_gates)
    return ExitCode.FAILED if unmet else ExitCode.OK


def unmet_requirements(
    result: AuditResult, *, fail_under: float | None = None, required_gates: Sequence[str] = ()
) -> list[str]:
    """What of `--fail-under` and `--require-gate` the result does not meet, one sentence each.

    Raises:
        UsageError: a required gate exists in none of the assessed frameworks.
    """
    gates = {g.gate.id: g for f in result.frameworks for g in f.gates}
    for gate_id in required_gates:
        if gate_id not in gates:
            hint = did_you_mean(gate_id, gates, known="gates")
            raise UsageError(f"unknown gate '{gate_id}'{hint}")
    unmet = []
    if fail_under is not None:
        threshold = Fraction(str(fail_under))
        for framework in result.frameworks:
            score = framework.overall.score
            if score is None:
                unmet.append(
                    f"{framework.ruleset.id}: no overall score (nothing assessed), "
                    f"--fail-under {fail_under:g} not met"
                )
            elif score * 100 < threshold:
                short = float(threshold - score * 100)
                coverage = framework.overall.coverage
                covered = (
                    f" ({float(coverage * 100):.0f} % assessed)" if coverage is not None else ""
                )
                unmet.append(
                    f"{framework.ruleset.id}: overall score {float(score * 100):.1f} %{covered} is "
                    f"below --fail-under {fail_under:g} by {short:.1f} points"
                )
    for gate_id in required_gates:
        gate = gates[gate_id]
        if gate.verdict is Verdict.PASSED:
            continue
        why = (
            [f"not met: {', '.join(n for n, _, _ in gate.nodes_not_met)}"]
            if gate.nodes_not_met
            else []
        )
        if gate.critical_failures:
            why.append(f"critical indicators failed: {', '.join(gate.critical_failures)}")
        if gate.undetermined:
            why.append(f"too little evidence to judge: {', '.join(gate.undetermined)}")
        verdict = gate.verdict.value.replace("_", " ")
        unmet.append(f"gate {gate_id}: {verdict}" + (f" ({'; '.join(why)})" if why else ""))
    return unmet


def is_result_record(data: object) -> bool:
    """Whether parsed data is a result record (`assess --format json`) rather than evidence."""
    return isinstance(data, Mapping) and "provenance" in data and "frameworks" in data


def _result_json(path: Path) -> Mapping[str, Any] | None:
    """The result record in `path`, checked against its schema; None when it holds evidence."""
    if path == STDIN:
        raise UsageError(
            "an assessment to compare is read from a file, not from - (standard input)"
        )
    loaded = load_file(path)
    data = loaded.document.data
    if not is_result_record(data):
        return None
    problems = schemacheck.check(loaded.document, data, "result")
    if problems:
        raise InvalidInputError(problems)
    assert isinstance(data, Mapping)  # noqa: S101 - is_result_record checked it
    return data


def read_record(path: Path, frameworks: Sequence[str] = ()) -> Mapping[str, Any]:
    """A result record: read from a result JSON (schema-checked), or of an evidence file assessed.

    An evidence file is assessed against `frameworks`.

    Raises:
        InvalidInputError: the file is not a valid result record or evidence file.
        UsageError: standard input was given (each side must be a file).
    """
    found = _result_json(path)
    return found if found is not None else result_record(run_audit(path, frameworks))


def record_frameworks(record: Mapping[str, Any]) -> list[str]:
    """The rule set ids a result record was assessed against."""
    return [str(r["id"]) for r in record["provenance"]["rule_sets"]]


def compare_files(
    old: Path, new: Path, frameworks: Sequence[str] = (), *, self_assessment: bool = False
) -> Comparison:
    """Compare two assessments, each a result JSON or an evidence file (assessed on the fly).

    An evidence file is assessed against `frameworks`, else those of the result JSON on the other
    side, else universal-standards. With `self_assessment`, `old` is the institution's own
    assessment and `new` an external one. Indicators the later rule set's changelog renamed,
    split or merged are matched (see `changelogs_for`).
    """
    from engine.compare import compare

    found = {path: _result_json(path) for path in (old, new)}
    chosen = list(frameworks) or next(
        (record_frameworks(r) for r in found.values() if r is not None), []
    )
    assessed = {p: run_audit(p, chosen) for p, r in found.items() if r is None}
    records = [r if r is not None else result_record(assessed[p]) for p, r in found.items()]
    return compare(
        records[0],
        records[-1],
        display_name(old),
        display_name(new),
        self_assessment=self_assessment,
        changelogs=changelogs_for(records[0], records[-1], assessed.get(new)),
    )


def changelogs_for(
    old: Mapping[str, Any], new: Mapping[str, Any], assessed: AuditResult | None = None
) -> dict[str, tuple[VersionEntry, ...]]:
    """The changelog of each rule set the later record holds at another version than the earlier.

    From the rule sets the later side was just assessed with, else from the bundled rule set of
    that id when it is at least as new as the record (an older copy cannot say what changed).
    """
    before = {r["id"]: r["version"] for r in old["provenance"]["rule_sets"]}
    loaded = {f.ruleset.id: f.ruleset for f in assessed.frameworks} if assessed else {}
    bundled = bundled_frameworks()
    found = {}
    for rule_set in new["provenance"]["rule_sets"]:
        rid, version = rule_set["id"], rule_set["version"]
        if before.get(rid, version) == version:
            continue
        current = loaded.get(rid)
        if current is None and rid in bundled:
            current = load_rule_sets([rid])[0]
        if current is not None and version_key(current.version) >= version_key(version):
            found[rid] = current.changelog
    return found


def with_context(
    result: AuditResult,
    frameworks: Sequence[str] = (),
    *,
    previous: Path | None = None,
    peers: Path | None = None,
) -> AuditResult:
    """The result with its progress since `previous` and its standing among `peers`, if given."""
    if previous is not None:
        result = with_previous(result, previous, frameworks)
    return result if peers is None else with_peers(result, peers)


def with_previous(
    result: AuditResult, previous: Path, frameworks: Sequence[str] = ()
) -> AuditResult:
    """The result with its progress since a previous assessment (a result JSON or evidence file).

    A previous evidence file is assessed against `frameworks` (those `result` was assessed
    against, by default: bundled ids).
    """
    from engine.compare import compare

    chosen = list(frameworks) or [f.ruleset.id for f in result.frameworks]
    old = read_record(previous, chosen)
    comparison = compare(
        old,
        result_record(result),
        display_name(previous),
        display_name(Path(result.evidence.file)),
        changelogs={f.ruleset.id: f.ruleset.changelog for f in result.frameworks},
    )
    return dataclasses.replace(result, progress=comparison)


def with_peers(result: AuditResult, peers: Path) -> AuditResult:
    """The result with its institution's standing against its peers in a portfolio table.

    Raises:
        InvalidInputError: the table is bad (every problem, at its row and column).
    """
    from engine.peers import peers_of

    return dataclasses.replace(result, peers=peers_of(result, peers))


def what_if_file(path: Path, frameworks: Sequence[str] = ()) -> WhatIf:
    """The what-if of an assessment: a result JSON, or an evidence file assessed against `frameworks`.

    A result JSON is rescored from its statuses with the bundled rule sets it names.

    Raises:
        UsageError: the result JSON was made with rule sets that are not the bundled ones, or
            holds no action plan (an audience that does not see it).
    """
    from engine.whatif import candidates_from_plan, what_if

    record = _result_json(path)
    if record is None:
        result = run_audit(path, frameworks)
        plan = result_record(result)["action_plan"]
        return what_if(
            result.frameworks, candidates_from_plan(plan), result.evidence.dates.assessed_on
        )
    if record.get("audience", "full") != "full" and not record["action_plan"]:
        raise UsageError(
            f"{display_name(path)} is the '{record['audience']}' edition, which holds no action "
            "plan: give the full result or the evidence file"
        )
    rescored = rescored_record(record, display_name(path))
    assessed_on = dt.date.fromisoformat(str(record["assessment"]["assessed_on"]))
    return what_if(rescored, candidates_from_plan(record["action_plan"]), assessed_on)


def rescored_record(record: Mapping[str, Any], shown: str) -> list[FrameworkResult]:
    """The frameworks of a result record rescored from its statuses with the bundled rule sets.

    Raises:
        UsageError: a rule set differs from the one the record was made with (by SHA-256), or
            rescoring does not give back the record's own scores (e.g. indicators scored as the
            mean of several respondents, which the record does not keep).
    """
    made_with = {r["id"]: r for r in record["provenance"]["rule_sets"]}
    rule_sets = load_rule_sets(list(made_with))
    assessed_on = dt.date.fromisoformat(str(record["assessment"]["assessed_on"]))
    found = []
    for rule_set, framework in zip(rule_sets, record["frameworks"], strict=True):
        if rule_set.sha256 != made_with[rule_set.id]["sha256"]:
            raise UsageError(
                f"{shown}: rule set {rule_set.id} {made_with[rule_set.id]['version']} it was made "
                f"with is not the one installed ({rule_set.version}, another SHA-256): give the "
                "evidence file instead"
            )
        by_id = {i.id: i for i in rule_set.indicators()}
        results = [
            IndicatorResult(
                by_id[i["id"]],
                Status(i["status"]),
                Status(i["computed_status"]),
                Explanation(i.get("explanation") or ""),
            )
            for i in framework["indicators"]
        ]
        rescored = score_rule_set(rule_set, results, assessed_on)
        before = [
            framework["overall"]["score_exact"],
            *(n["score_exact"] for n in framework["nodes"]),
        ]
        after = [_exact(rescored.overall.score), *(_exact(n.score) for n in rescored.nodes)]
        if before != after:
            raise UsageError(
                f"{shown}: its {rule_set.id} scores cannot be rebuilt from its statuses (scores "
                "from several respondents are not kept in a result): give the evidence file instead"
            )
        found.append(rescored)
    return found


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"
