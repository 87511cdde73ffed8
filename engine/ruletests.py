"""`rules test`: run a rule set's test files and its indicators' examples, with one runner.

A test file (`tests/*.yaml` beside a rule set's `ruleset.yaml`, schema `ruletests.schema.json`)
holds cases: a fragment of an evidence file (facts, answers, overrides) and what the rule set must
make of it (statuses and scores of indicators and nodes, gate verdicts, the grade). Every
indicator example is a case too: its facts and answer, and one expected status. A case that only
expects indicator statuses evaluates just those indicators; any other goes through the whole
assessment (`engine.pipeline.assess`), as `spm-audit assess` would.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from engine import schemacheck
from engine.errors import Diagnostic, InvalidInputError, Position, did_you_mean
from engine.evaluate import evaluate_rule_set
from engine.evidence import build_evidence, check_evidence_for
from engine.load import load_file
from engine.model import (
    Answer,
    AssessmentDates,
    AssessorAnswer,
    EvidenceSet,
    Example,
    FrameworkResult,
    IndicatorResult,
    RuleSet,
    Status,
    walk_nodes,
)
from engine.pipeline import assess
from engine.yamlsource import PathKey, YamlDocument

TESTS_FOLDER = "tests"
DEFAULT_ASSESSED_ON = "2026-01-31"
# An example is a fragment of facts and an answer: its evidence needs dates only to be complete.
EXAMPLE_DATES = AssessmentDates(
    dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date.fromisoformat(DEFAULT_ASSESSED_ON)
)
ROUNDING = Fraction(1, 200)  # {about: x} passes when the score rounds to x at two decimals


@dataclass(frozen=True, slots=True)
class About:
    """A score expected to round to `value` at two decimals."""

    value: Fraction


Expected = Status | Fraction | About | str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Expectation:
    """One thing a case expects: a field of an indicator, a node, the overall score, a gate or the grade."""

    kind: str  # indicator, node, overall, gate, grade
    target: str  # the indicator, node or gate id ('' for overall and grade)
    field: str  # status, computed_status, score, coverage, verdict, not_met, critical_failures, grade, ...
    expected: Expected
    position: Position


@dataclass(frozen=True, slots=True)
class RuleCase:
    """A named evidence fragment and what the rule set must make of it."""

    name: str
    position: Position
    evidence: EvidenceSet
    expectations: tuple[Expectation, ...]
    example: Example | None = None  # set for an indicator's own example

    @property
    def needs_scoring(self) -> bool:
        """Whether it expects more than indicator statuses (scores, nodes, gates, grade)."""
        return any(e.kind != "indicator" or e.field == "score" for e in self.expectations)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """The indicators it names."""
        return tuple(dict.fromkeys(e.target for e in self.expectations if e.kind == "indicator"))


@dataclass(frozen=True, slots=True)
class Suite:
    """The cases to run against one rule set or profile."""

    rule_set: RuleSet
    folder: Path  # the rule set's folder (for a profile: its base's)
    cases: tuple[RuleCase, ...]
    files: tuple[str, ...]  # the test files it came from


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """A case's failures and the indicator results it produced."""

    case: RuleCase
    failures: tuple[Diagnostic, ...]
    results: tuple[IndicatorResult, ...]


# ---------------------------------------------------------------------------------------------
# Building cases
# ---------------------------------------------------------------------------------------------


def example_answer(example: Example) -> AssessorAnswer | None:
    """The assessor answer an example stands for."""
    if example.answer is None:
        return None
    comment = "example justification" if example.answer is Answer.NA else ""
    return AssessorAnswer(example.answer, comment, (), "", "", example.position)


def example_cases(rule_set: RuleSet) -> list[RuleCase]:
    """Every indicator example of a rule set as a case expecting its stated status."""
    cases = []
    for indicator in rule_set.indicators():
        for example in indicator.examples:
            answer = example_answer(example)
            evidence = EvidenceSet(
                file=example.position.file,
                sha256="",
                institution={},
                assessment={"assessed_on": DEFAULT_ASSESSED_ON},
                documents={},
                facts=example.facts,
                answers={rule_set.answers_key: {indicator.id: answer}} if answer else {},
                overrides={},
                action_plan={},
                fact_positions={},
                dates=EXAMPLE_DATES,
            )
            expectation = Expectation(
                "indicator", indicator.id, "status", example.expected, example.position
            )
            cases.append(
                RuleCase(
                    f"example '{example.expected}' of {indicator.id}",
                    example.position,
                    evidence,
                    (expectation,),
                    example,
                )
            )
    return cases


def _remap(doc: YamlDocument, source: PathKey, target: PathKey) -> dict[PathKey, Position]:
    """The positions below `source` in `doc`, re-keyed below `target`."""
    size = len(source)
    return {
        (*target, *key[size:]): pos for key, pos in doc.positions.items() if key[:size] == source
    }


def _case_document(
    doc: YamlDocument, at: PathKey, raw: Mapping[str, Any], framework: str
) -> YamlDocument:
    """An evidence document made of a case's fragment, its positions pointing into the test file."""
    assessed_on = raw.get("assessed_on", DEFAULT_ASSESSED_ON)
    data: dict[str, Any] = {
        "schema_version": 1,
        "institution": {"name": f"rule test case {raw['name']}"[:200], "country": "ZZ"},
        "assessment": {
            "type": "self_assessment",
            "period": {"start": assessed_on, "end": assessed_on},
            "assessed_on": assessed_on,
        },
    }
    here = doc.position_of(at)
    positions: dict[PathKey, Position] = {(): here}
    for key in ("institution", "assessment", "schema_version"):
        positions[(key,)] = here
    if "assessed_on" in raw:
        positions[("assessment", "assessed_on")] = doc.position_of((*at, "assessed_on"))
    for key in ("facts", "documents"):
        if key in raw:
            data[key] = raw[key]
            positions.update(_remap(doc, (*at, key), (key,)))
    for key in ("answers", "overrides"):
        if key not in raw:
            continue
        entries: dict[str, Any] = {}
        for rid, value in raw[key].items():
            entries[rid] = (
                {"answer": value} if key == "answers" and isinstance(value, str) else value
            )
            if key == "answers" and isinstance(value, str):
                positions[(key, framework, rid, "answer")] = doc.position_of((*at, key, rid))
        data[key] = {framework: entries}
        positions[(key,)] = positions[(key, framework)] = doc.position_of((*at, key))
        positions.update(_remap(doc, (*at, key), (key, framework)))
    return YamlDocument(doc.file, data, positions)


def _score(value: object) -> Fraction | About | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return About(Fraction(Decimal(repr(value["about"]))))
    if isinstance(value, str):
        return Fraction(value)
    return Fraction(Decimal(repr(value)))


class _CaseReader:
    """Reads the cases of one test file against one rule set, collecting diagnostics."""

    def __init__(self, doc: YamlDocument, rule_set: RuleSet) -> None:
        self.doc = doc
        self.rule_set = rule_set
        self.diagnostics: list[Diagnostic] = []
        self.indicators = {i.id for i in rule_set.indicators()}
        self.nodes = [n.id for n in walk_nodes(rule_set.nodes)]
        self.gates = [g.id for g in rule_set.gates]

    def _known(self, at: PathKey, name: str, what: str, known: Sequence[str]) -> bool:
        if name in known:
            return True
        self.diagnostics.append(
            Diagnostic(
                self.doc.position_of(at),
                f"'{name}' is not {what} of '{self.rule_set.id}'{did_you_mean(name, known)}",
                code="test",
            )
        )
        return False

    def case(self, raw: Mapping[str, Any], at: PathKey) -> RuleCase | None:
        framework = self.rule_set.answers_key
        doc = _case_document(self.doc, at, raw, framework)
        evidence: EvidenceSet | None = None
        try:
            evidence = build_evidence(doc, "")
        except InvalidInputError as e:
            self.diagnostics.extend(e.diagnostics)
        if evidence is not None:
            problems = check_evidence_for(evidence, [self.rule_set], ())
            self.diagnostics.extend(problems)
            if problems:
                evidence = None
        expectations = self._expectations(raw["expect"], (*at, "expect"))
        if expectations is None or evidence is None:
            return None
        return RuleCase(raw["name"], self.doc.position_of(at), evidence, tuple(expectations))

    def _expectations(self, raw: Mapping[str, Any], at: PathKey) -> list[Expectation] | None:
        found: list[Expectation] = []
        before = len(self.diagnostics)

        def add(kind: str, target: str, field: str, value: Expected, where: PathKey) -> None:
            found.append(Expectation(kind, target, field, value, self.doc.position_of(where)))

        for rid, spec in raw.get("indicators", {}).items():
            where = (*at, "indicators", rid)
            if not self._known(where, rid, "an indicator", sorted(self.indicators)):
                continue
            spec = {"status": spec} if isinstance(spec, str) else spec
            for field in ("status", "computed_status"):
                if field in spec:
                    add("indicator", rid, field, Status(spec[field]), (*where, field))
            if "score" in spec:
                add("indicator", rid, "score", _score(spec["score"]), (*where, "score"))
        nodes = [("node", nid, (*at, "nodes", nid), s) for nid, s in raw.get("nodes", {}).items()]
        if "overall" in raw:
            nodes.append(("overall", "", (*at, "overall"), raw["overall"]))
        for kind, nid, where, spec in nodes:
            if kind == "node" and not self._known(where, nid, "a node", self.nodes):
                continue
            spec = spec if isinstance(spec, Mapping) and "about" not in spec else {"score": spec}
            for field in ("score", "coverage"):
                if field in spec:
                    add(kind, nid, field, _score(spec[field]), (*where, field))
        for gid, spec in raw.get("gates", {}).items():
            where = (*at, "gates", gid)
            if not self._known(where, gid, "a gate", self.gates):
                continue
            spec = {"verdict": spec} if isinstance(spec, str) else spec
            for field in ("verdict", "not_met", "critical_failures"):
                if field in spec:
                    value = spec[field]
                    add(
                        "gate", gid, field, value if isinstance(value, str) else tuple(value), where
                    )
        if "grade" in raw:
            where = (*at, "grade")
            if self.rule_set.grade_scale is None:
                self.diagnostics.append(
                    Diagnostic(
                        self.doc.position_of(where),
                        f"'{self.rule_set.id}' has no grade scale",
                        code="test",
                    )
                )
            else:
                spec = (
                    raw["grade"] if isinstance(raw["grade"], Mapping) else {"grade": raw["grade"]}
                )
                for field in ("grade", "uncapped", "capped_by"):
                    if field in spec:
                        value = spec[field]
                        add(
                            "grade",
                            "",
                            field,
                            tuple(value) if isinstance(value, list) else value,
                            where,
                        )
        return None if len(self.diagnostics) > before else found


def read_test_file(path: Path, rule_set: RuleSet) -> list[RuleCase]:
    """The cases of one test file, checked against the rule set they test.

    Raises:
        InvalidInputError: the file is not a valid test file for this rule set.
    """
    doc = load_file(path).document
    problems = schemacheck.check(doc, doc.data, "ruletests")
    if problems:
        raise InvalidInputError(problems)
    data = cast(Mapping[str, Any], doc.data)
    reader = _CaseReader(doc, rule_set)
    cases = []
    names: dict[str, Position] = {}
    for index, raw in enumerate(data["cases"]):
        at: PathKey = ("cases", index)
        if raw["name"] in names:
            reader.diagnostics.append(
                Diagnostic(
                    doc.position_of((*at, "name")),
                    f"duplicate case name '{raw['name']}' (first at line {names[raw['name']].line})",
                    code="test",
                )
            )
        names.setdefault(raw["name"], doc.position_of(at))
        case = reader.case(raw, at)
        if case is not None:
            cases.append(case)
    if reader.diagnostics:
        raise InvalidInputError(reader.diagnostics)
    return cases


def profile_of_test_file(path: Path) -> str | None:
    """The profile a test file names (None: it tests the rule set itself)."""
    data = load_file(path).document.data
    profile = data.get("profile") if isinstance(data, Mapping) else None
    return profile if isinstance(profile, str) else None


# ---------------------------------------------------------------------------------------------
# Running cases
# ---------------------------------------------------------------------------------------------


def _slim(rule_set: RuleSet, ids: Sequence[str]) -> RuleSet:
    """The rule set cut down to some indicators (to evaluate them alone, as the whole set would)."""
    wanted = [i for i in rule_set.indicators() if i.id in set(ids)]
    holder = dataclasses.replace(rule_set.nodes[0], children=(), indicators=tuple(wanted))
    return dataclasses.replace(rule_set, nodes=(holder,))


def run_case(rule_set: RuleSet, case: RuleCase) -> CaseOutcome:
    """Run one case: evaluate (and score, if it expects scores) and compare with what it expects."""
    if not case.needs_scoring:
        results = evaluate_rule_set(_slim(rule_set, case.indicator_ids), case.evidence)
        by_id: dict[str, IndicatorResult] = {r.indicator.id: r for r in results}
        failures = [
            f for e in case.expectations if (f := _indicator_failure(case, e, by_id)) is not None
        ]
        return CaseOutcome(case, tuple(failures), results)
    framework = assess(case.evidence, [rule_set]).frameworks[0]
    failures = [f for e in case.expectations if (f := _failure(case, e, framework)) is not None]
    return CaseOutcome(case, tuple(failures), tuple(s.result for s in framework.indicators))


def _message(case: RuleCase, text: str) -> str:
    return f"case '{case.name}': {text}"


def _indicator_failure(
    case: RuleCase, expectation: Expectation, results: Mapping[str, IndicatorResult]
) -> Diagnostic | None:
    result = results[expectation.target]
    got = result.status if expectation.field == "status" else result.computed_status
    if got is expectation.expected:
        return None
    if case.example is not None:  # the wording `rules lint` has always used for examples
        text = (
            f"example '{expectation.expected}' of {expectation.target} evaluates to '{got}': "
            f"{result.explanation}"
        )
        return Diagnostic(expectation.position, text, code="example")
    label = "computed status " if expectation.field == "computed_status" else ""
    text = (
        f"{expectation.target} {label}expected {expectation.expected}, got {got} "
        f"({result.explanation})"
    )
    return Diagnostic(expectation.position, _message(case, text), code="test")


def show_score(value: Fraction | None) -> str:
    """A score for a message: four decimals, and the exact fraction when it is not short."""
    if value is None:
        return "not rated"
    shown = f"{float(value):.4g}"
    return shown if Fraction(shown) == value else f"{shown} ({value})"


def score_matches(expected: Expected, got: Fraction | None) -> bool:
    """Exact fractions compare exactly, `About` to two decimals, None means not rated."""
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, About):
        return abs(got - expected.value) <= ROUNDING
    return got == expected


def _expected_text(expected: Expected) -> str:
    if isinstance(expected, About):
        return f"about {float(expected.value):.2f}"
    if isinstance(expected, Fraction):
        return show_score(expected)
    if isinstance(expected, tuple):
        return f"[{', '.join(expected)}]"
    return "none" if expected is None else str(expected)


def _failure(case: RuleCase, e: Expectation, framework: FrameworkResult) -> Diagnostic | None:
    got: object
    detail = ""
    if e.kind == "indicator":
        scored = next(s for s in framework.indicators if s.result.indicator.id == e.target)
        if e.field != "score":
            return _indicator_failure(case, e, {e.target: scored.result})
        got, what = scored.score, f"{e.target} score"
        detail = f" ({scored.result.status}: {scored.result.explanation})"
    elif e.kind in ("node", "overall"):
        ns = (
            framework.overall
            if e.kind == "overall"
            else next(n for n in framework.nodes if n.node.id == e.target)
        )
        got = ns.score if e.field == "score" else ns.coverage
        c = ns.counts
        what = f"{'overall' if e.kind == 'overall' else 'node ' + e.target} {e.field}"
        detail = (
            f" ({c.passed} pass, {c.partial} partial, {c.failed} fail, {c.not_assessed} not "
            f"assessed, {c.not_applicable} not applicable)"
        )
    elif e.kind == "gate":
        gate = next(g for g in framework.gates if g.gate.id == e.target)
        values: dict[str, object] = {
            "verdict": str(gate.verdict),
            "not_met": tuple(n for n, _, _ in gate.nodes_not_met),
            "critical_failures": gate.critical_failures,
        }
        got, what = (
            values[e.field],
            f"gate {e.target}" + ("" if e.field == "verdict" else f" {e.field}"),
        )
        not_met = ", ".join(f"{n} {show_score(s)}" for n, _, s in gate.nodes_not_met)
        reasons = [
            f"not met: {not_met}" if not_met else "",
            f"critical failures: {', '.join(gate.critical_failures)}"
            if gate.critical_failures
            else "",
            f"too little coverage: {', '.join(gate.undetermined)}" if gate.undetermined else "",
            f"{gate.nodes_counted} {gate.gate.each}(s) counted",
        ]
        detail = f" ({'; '.join(r for r in reasons if r)})"
    else:
        grade = framework.grade
        if grade is None:  # the reader refuses a grade expectation without a scale
            return None
        values = {
            "grade": grade.grade,
            "uncapped": grade.uncapped_grade,
            "capped_by": grade.capped_by,
        }
        got, what = values[e.field], "grade" if e.field == "grade" else f"grade {e.field}"
        detail = f" (overall {show_score(framework.overall.score)}{'; ' + grade.reason if grade.reason else ''})"
    if e.field in ("score", "coverage"):
        if score_matches(e.expected, cast(Fraction | None, got)):
            return None
        shown = show_score(cast(Fraction | None, got))
    else:
        if got == e.expected:
            return None
        shown = _expected_text(cast(Expected, got))
    text = f"{what} expected {_expected_text(e.expected)}, got {shown}{detail}"
    return Diagnostic(e.position, _message(case, text), code="test")


def run_suite(
    suite: Suite, on_outcome: Callable[[Suite, CaseOutcome], None] | None = None
) -> list[Diagnostic]:
    """Run every case of a suite; return the failures, sorted by position."""
    failures: list[Diagnostic] = []
    for case in suite.cases:
        outcome = run_case(suite.rule_set, case)
        failures.extend(outcome.failures)
        if on_outcome is not None:
            on_outcome(suite, outcome)
    return sorted(failures)


def check_examples(rule_set: RuleSet) -> list[Diagnostic]:
    """Every example whose status differs from the one it states (what `rules lint` reports)."""
    folder = Path(rule_set.position.file).parent
    return run_suite(Suite(rule_set, folder, tuple(example_cases(rule_set)), ()))
