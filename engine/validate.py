"""Stage 2, validate: loaded documents → a typed `RuleSet` or `EvidenceSet`.

Checks schemas and cross-references, compiles every condition against the evidence vocabulary,
and raises `InvalidInputError` with *every* problem at once. Warnings (e.g. an N/A answer without
a justification) ride along on the result.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any, cast

from engine import schemacache, schemacheck
from engine.conditions import CompiledCondition, ConditionCompiler, FieldType, fact_types
from engine.errors import Diagnostic, InvalidInputError, Position, Severity, did_you_mean
from engine.load import LoadedFile, load_file
from engine.model import (
    ActionItem,
    Aggregation,
    Answer,
    AssessorAnswer,
    Citation,
    CrossReference,
    DocumentRef,
    EvidenceSet,
    Example,
    FrameworkId,
    Gate,
    GradeBand,
    GradeScale,
    Indicator,
    Method,
    Node,
    NotAssessedPolicy,
    Override,
    Parameter,
    Pathway,
    RuleId,
    RuleSet,
    ScoringModel,
    Status,
)
from engine.versions import build_changelog
from engine.yamlsource import PathKey, YamlDocument

logger = logging.getLogger(__name__)

RULESET_FILE = "ruleset.yaml"
MAX_ANSWERS = 5000


def fraction(value: object) -> Fraction:
    """An exact fraction from a YAML number (0.1 → 1/10, not the nearest float)."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, int):
        return Fraction(value)
    raise TypeError(value)


@functools.cache
def evidence_fact_types() -> FieldType:
    """The evidence vocabulary's type tree."""
    return fact_types(schemacheck.load_schema("evidence"))


def _raise_if_errors(diagnostics: Sequence[Diagnostic]) -> None:
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise InvalidInputError(diagnostics)


# ---------------------------------------------------------------------------------------------
# Rule sets
# ---------------------------------------------------------------------------------------------


def rule_set_files(path: Path) -> Path:
    """The header file of a rule set given its folder or header path."""
    return path / RULESET_FILE if path.is_dir() else path


def load_rule_set(
    path: Path, *, parameters: Mapping[str, object] | None = None, check_examples: bool = False
) -> RuleSet:
    """Load, validate and compile a rule set from its folder (or its ruleset.yaml).

    Args:
        path: the rule set's folder or header file.
        parameters: values that replace the rule set's parameter defaults (from a profile).
        check_examples: also validate every example's facts against the evidence schema
            (`rules lint` does; an assessment does not need to).

    Raises:
        InvalidInputError: with every problem in every file of the rule set.
    """
    header_path = rule_set_files(path)
    header = load_file(header_path)
    diagnostics = schemacheck.check(
        header.document, header.document.data, schemacheck.validator("ruleset")
    )
    _raise_if_errors(diagnostics)
    data = cast(Mapping[str, Any], header.document.data)
    parts: list[LoadedFile] = []
    broken: dict[str, set[PathKey]] = {}
    for index, name in enumerate(data["parts"]):
        part_path = header_path.parent / name
        if not part_path.is_file():
            diagnostics.append(
                Diagnostic(
                    header.document.position_of(("parts", index)),
                    f"part file '{name}' not found",
                    code="reference",
                )
            )
            continue
        try:
            part = load_file(part_path)
        except InvalidInputError as e:
            diagnostics.extend(e.diagnostics)
            continue
        if schemacache.is_known_valid("ruleset-part", part.sha256):
            problems = []
        else:
            problems = schemacheck.check_paths(
                part.document, part.document.data, schemacheck.validator("ruleset-part")
            )
            if not problems:
                schemacache.remember_valid("ruleset-part", part.sha256)
        diagnostics.extend(sorted({d for _, d in problems}))
        if any(len(path) < 2 for path, _ in problems):
            continue  # the file's own frame is broken: nothing in it can be built
        parts.append(part)
        broken[part.document.file] = {path for path, _ in problems}
    # Build what is sound, so that schema errors and condition or reference errors elsewhere
    # are all reported in one run.
    builder = _RuleSetBuilder(
        header, parts, parameters or {}, check_examples=check_examples, broken=broken
    )
    rule_set = builder.build()
    _raise_if_errors([*diagnostics, *builder.diagnostics])
    logger.debug(
        "rule set %s %s: %d indicators", rule_set.id, rule_set.version, len(rule_set.indicators())
    )
    return rule_set


def _files_digest(files: Sequence[LoadedFile], base: Path) -> str:
    digest = hashlib.sha256()
    for loaded in files:
        digest.update(loaded.path.relative_to(base).as_posix().encode())
        digest.update(b"\0")
        digest.update(loaded.sha256.encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Inherited:
    """What a node passes down: its topics, and whether it is a performance-data part."""

    topics: tuple[str, ...] = ()
    performance: bool = False


class _RuleSetBuilder:
    def __init__(
        self,
        header: LoadedFile,
        parts: Sequence[LoadedFile],
        overrides: Mapping[str, object],
        *,
        check_examples: bool,
        broken: Mapping[str, set[PathKey]],
    ) -> None:
        self.check_examples = check_examples
        self.broken = broken
        self.header = header
        self.parts = parts
        self.data = cast(Mapping[str, Any], header.document.data)
        self.diagnostics: list[Diagnostic] = []
        self.levels: tuple[str, ...] = tuple(self.data["levels"])
        self.parameters = self._parameters(overrides)
        self.seen_ids: dict[str, Position] = {}
        self.facts = evidence_fact_types()

    def _error(self, doc: YamlDocument, at: PathKey, message: str, code: str = "ruleset") -> None:
        self.diagnostics.append(Diagnostic(doc.position_of(at), message, code=code))

    def _parameters(self, overrides: Mapping[str, object]) -> dict[str, Parameter]:
        result: dict[str, Parameter] = {}
        for name, spec in self.data.get("parameters", {}).items():
            value = overrides.get(name, spec["default"])
            kind = spec["type"]
            ok = {
                "number": isinstance(value, (int, float)) and not isinstance(value, bool),
                "integer": isinstance(value, int) and not isinstance(value, bool),
                "boolean": isinstance(value, bool),
                "string": isinstance(value, str),
            }[kind]
            if not ok:
                self._error(
                    self.header.document,
                    ("parameters", name, "default"),
                    f"parameter '{name}' must be a {kind}, found {value!r}",
                )
            elif kind in ("number", "integer"):
                low, high = spec.get("minimum"), spec.get("maximum")
                number = cast(float, value)
                if (low is not None and number < low) or (high is not None and number > high):
                    self._error(
                        self.header.document,
                        ("parameters", name),
                        f"parameter '{name}' = {value} is outside [{low}, {high}]",
                    )
            result[name] = Parameter(name, kind, value, spec["description"])
        return result

    def build(self) -> RuleSet:
        doc = self.header.document
        nodes: list[Node] = []
        for part in self.parts:
            pdata = cast(Mapping[str, Any], part.document.data)
            if pdata["ruleset"] != self.data["id"]:
                self._error(
                    part.document,
                    ("ruleset",),
                    f"part belongs to rule set '{pdata['ruleset']}', expected '{self.data['id']}'",
                )
            compiler = ConditionCompiler(
                self.facts, self.parameters, part.document, self.diagnostics
            )
            for index, raw in enumerate(pdata["nodes"]):
                node = self._node(part.document, compiler, raw, ("nodes", index), 0)
                if node is not None:
                    nodes.append(node)
        gates = self._gates(nodes)
        grade_scale = self._grade_scale({g.id for g in gates})
        changelog = build_changelog(
            doc,
            self.data.get("changelog", []),
            self.data["version"],
            (i.id for n in nodes for i in n.all_indicators()),
            self.diagnostics,
        )
        scoring = self.data["scoring"]
        base = self.header.path.parent
        return RuleSet(
            id=FrameworkId(self.data["id"]),
            title=self.data["title"],
            version=self.data["version"],
            publisher=self.data["publisher"],
            based_on=self.data["based_on"],
            disclaimer=self.data["disclaimer"],
            languages=tuple(self.data.get("languages", ["en"])),
            sources=tuple(self.data.get("sources", [])),
            levels=self.levels,
            scoring=ScoringModel(
                method=Aggregation(scoring["method"]),
                partial=fraction(scoring.get("partial", 0.5)),
                not_assessed=NotAssessedPolicy(scoring.get("not_assessed", "zero")),
            ),
            parameters=self.parameters,
            grade_scale=grade_scale,
            gates=gates,
            nodes=tuple(nodes),
            sha256=_files_digest([self.header, *self.parts], base),
            files=tuple(p.path.relative_to(base).as_posix() for p in [self.header, *self.parts]),
            position=doc.position_of(()),
            changelog=changelog,
        )

    def _claim_id(self, doc: YamlDocument, at: PathKey, node_id: str) -> None:
        position = doc.position_of((*at, "id"))
        if node_id in self.seen_ids:
            first = self.seen_ids[node_id]
            where = f"line {first.line}" if first.file == position.file else str(first)
            self._error(doc, (*at, "id"), f"duplicate id '{node_id}' (first at {where})")
        else:
            self.seen_ids[node_id] = position

    def _is_broken(self, doc: YamlDocument, at: PathKey, *, own_only: bool) -> bool:
        """Whether a schema error lies in this node (own_only: not in its children or indicators)."""
        size = len(at)
        for path in self.broken.get(doc.file, ()):
            if path[:size] != at:
                continue
            if not own_only or len(path) == size or path[size] not in ("children", "indicators"):
                return True
        return False

    def _node(
        self,
        doc: YamlDocument,
        compiler: ConditionCompiler,
        raw: Mapping[str, Any],
        at: PathKey,
        depth: int,
        inherited: _Inherited = _Inherited(),
    ) -> Node | None:
        if self._is_broken(doc, at, own_only=True):
            return None
        self._claim_id(doc, at, raw["id"])
        performance = raw.get("performance_data", False)
        if performance and depth == 0:
            self._error(
                doc,
                (*at, "performance_data"),
                "a performance-data part must sit inside a node whose score it stays out of",
            )
        here = _Inherited(
            tuple(raw.get("topics", ())) or inherited.topics, inherited.performance or performance
        )
        leaf_depth = len(self.levels) - 2
        level = self.levels[min(depth, len(self.levels) - 1)]
        has_children, has_indicators = "children" in raw, "indicators" in raw
        if has_children == has_indicators:
            self._error(doc, at, f"node '{raw['id']}' needs either 'children' or 'indicators'")
            return None
        if has_indicators and depth != leaf_depth:
            self._error(
                doc,
                (*at, "indicators"),
                f"indicators belong under a {self.levels[leaf_depth]}, but '{raw['id']}' is a {level}",
            )
        if has_children and depth >= leaf_depth:
            self._error(
                doc,
                (*at, "children"),
                f"'{raw['id']}' is a {level}; it should hold indicators",
            )
            return None
        children = tuple(
            child
            for i, c in enumerate(raw.get("children", []))
            if (child := self._node(doc, compiler, c, (*at, "children", i), depth + 1, here))
            is not None
        )
        indicators = tuple(
            ind
            for i, r in enumerate(raw.get("indicators", []))
            if (ind := self._indicator(doc, compiler, r, (*at, "indicators", i), here)) is not None
        )
        return Node(
            id=raw["id"],
            title=raw["title"],
            level=self.levels[min(depth, len(self.levels) - 1)],
            weight=fraction(raw.get("weight", 1)),
            position=doc.position_of(at),
            description=raw.get("description", ""),
            inferred=raw.get("inferred", False),
            source=raw.get("source", ""),
            provisional=raw.get("provisional", False),
            performance_data=performance,
            topics=here.topics,
            translations=raw.get("translations", {}),
            children=children,
            indicators=indicators,
        )

    def _indicator(
        self,
        doc: YamlDocument,
        compiler: ConditionCompiler,
        raw: Mapping[str, Any],
        at: PathKey,
        inherited: _Inherited,
    ) -> Indicator | None:
        if self._is_broken(doc, at, own_only=False):
            return None
        self._claim_id(doc, at, raw["id"])
        if inherited.performance and raw.get("critical", False):
            self._error(
                doc,
                (*at, "critical"),
                "an indicator of a performance-data part cannot be critical: its threshold is a "
                "benchmark, not a practice of the standard",
            )
        method = Method(raw["method"])
        if method is Method.ANSWER and ("check" in raw or "partial_check" in raw):
            self._error(
                doc,
                (*at, "method"),
                "method 'answer' takes no check; use method 'both' to combine data and the assessor's answer",
            )
        if method is not Method.ANSWER and "check" not in raw:
            self._error(doc, (*at, "method"), f"method '{method}' needs a 'check' condition")
        if "partial_check" in raw and "check" not in raw:
            self._error(doc, (*at, "partial_check"), "'partial_check' needs a 'check'")

        def cond(key: str) -> CompiledCondition | None:
            return compiler.compile(raw[key], (*at, key)) if key in raw else None

        examples = []
        facts_validator = schemacheck.validator("evidence", "#/$defs/facts")
        for status_name, example in raw["examples"].items():
            ex_at = (*at, "examples", status_name)
            if "facts" in example and self.check_examples:
                self.diagnostics.extend(
                    schemacheck.check(doc, example["facts"], facts_validator, (*ex_at, "facts"))
                )
            answer = example.get("answer")
            if answer is not None and method is Method.CHECK:
                self._error(
                    doc,
                    (*ex_at, "answer"),
                    "an answer has no effect on an indicator with method 'check'",
                )
            examples.append(
                Example(
                    Status(status_name),
                    example.get("facts", {}),
                    Answer(answer) if answer else None,
                    doc.position_of(ex_at),
                )
            )
        return Indicator(
            id=RuleId(raw["id"]),
            title=raw["title"],
            guidance=raw["guidance"],
            evidence=tuple(raw["evidence"]),
            pathway=Pathway(raw["pathway"]),
            method=method,
            weight=fraction(raw.get("weight", 1)),
            critical=raw.get("critical", False),
            inferred=raw.get("inferred", False),
            source=raw.get("source", ""),
            finding=raw["finding"],
            recommendation=raw["recommendation"],
            position=doc.position_of(at),
            partial_finding=raw.get("partial_finding", ""),
            partial_recommendation=raw.get("partial_recommendation", ""),
            topics=tuple(raw.get("topics", ())) or inherited.topics,
            translations=raw.get("translations", {}),
            applies_when=cond("applies_when"),
            not_applicable_reason=raw.get("not_applicable_reason", ""),
            check=cond("check"),
            partial_check=cond("partial_check"),
            mappings=tuple(
                CrossReference(
                    m["framework"],
                    m["id"],
                    m["relation"],
                    doc.position_of((*at, "mappings", k)),
                )
                for k, m in enumerate(raw.get("mappings", []))
            ),
            replaces=tuple(raw.get("replaces", [])),
            examples=tuple(examples),
        )

    def _gates(self, nodes: Sequence[Node]) -> tuple[Gate, ...]:
        return build_gates(
            self.header.document,
            ("gates",),
            self.data.get("gates", []),
            nodes,
            self.levels,
            self.diagnostics,
        )

    def _grade_scale(self, gate_ids: set[str]) -> GradeScale | None:
        raw = self.data.get("grade_scale")
        if raw is None:
            return None
        return build_grade_scale(
            self.header.document, ("grade_scale",), raw, gate_ids, self.diagnostics
        )


def node_ids(nodes: Sequence[Node]) -> list[str]:
    """Every node id of a tree, in document order."""
    found: list[str] = []
    for node in nodes:
        found.append(node.id)
        found.extend(node_ids(node.children))
    return found


def build_gates(
    doc: YamlDocument,
    at: PathKey,
    raw_gates: Sequence[Mapping[str, Any]],
    nodes: Sequence[Node],
    levels: Sequence[str],
    diagnostics: list[Diagnostic],
) -> tuple[Gate, ...]:
    """Gates from their YAML, checking that scopes name nodes and `each` names a level."""
    known = node_ids(nodes)
    gates = []
    for index, raw in enumerate(raw_gates):
        here: PathKey = (*at, index)
        for i, node_id in enumerate(raw.get("scope", [])):
            if node_id not in known:
                hint = did_you_mean(node_id, known)
                diagnostics.append(
                    Diagnostic(
                        doc.position_of((*here, "scope", i)),
                        f"gate scope names unknown node '{node_id}'{hint}",
                        code="reference",
                    )
                )
        if raw["each"] not in levels[:-1]:
            diagnostics.append(
                Diagnostic(
                    doc.position_of((*here, "each")),
                    f"unknown level '{raw['each']}' (levels: {', '.join(levels[:-1])})",
                    code="reference",
                )
            )
        validity = raw.get("validity", {})
        gates.append(
            Gate(
                id=raw["id"],
                title=raw["title"],
                description=raw.get("description", ""),
                scope=tuple(raw.get("scope", [])),
                each=raw["each"],
                threshold=fraction(raw.get("threshold", 1)),
                no_critical_failures=raw.get("no_critical_failures", True),
                min_coverage=fraction(raw.get("min_coverage", 0)),
                validity_years=validity.get("years"),
                surveillance_after_years=validity.get("surveillance_after_years"),
            )
        )
    return tuple(gates)


def build_grade_scale(
    doc: YamlDocument,
    at: PathKey,
    raw: Mapping[str, Any],
    gate_ids: set[str],
    diagnostics: list[Diagnostic],
) -> GradeScale:
    """A grade scale from its YAML: bands best first, the last from 0, caps naming gates and grades."""

    def error(where: PathKey, message: str) -> None:
        diagnostics.append(Diagnostic(doc.position_of((*at, *where)), message, code="ruleset"))

    bands = tuple(
        GradeBand(b["grade"], fraction(b["min"]), b["label"], b.get("band", ""))
        for b in raw["bands"]
    )
    for i in range(1, len(bands)):
        if bands[i].min >= bands[i - 1].min:
            error(
                ("bands", i, "min"), "grade bands must be listed best first, with decreasing 'min'"
            )
    if bands and bands[-1].min != 0:
        error(
            ("bands", len(bands) - 1, "min"),
            "the last grade band must start at 0, so every score has a grade",
        )
    grades = [b.grade for b in bands]
    if len(set(grades)) != len(grades):
        error(("bands",), "grade names must be unique")
    caps = []
    for i, cap in enumerate(raw.get("caps", [])):
        if cap["gate"] not in gate_ids:
            error(("caps", i, "gate"), f"cap names unknown gate '{cap['gate']}'")
        if cap["max_grade"] not in grades:
            error(("caps", i, "max_grade"), f"cap names unknown grade '{cap['max_grade']}'")
        caps.append((cap["gate"], cap["max_grade"]))
    return GradeScale(
        raw["name"], raw["notice"], fraction(raw.get("min_coverage", 0)), bands, tuple(caps)
    )


# ---------------------------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------------------------


def load_evidence(path: Path) -> EvidenceSet:
    """Load and validate an evidence file (YAML or JSON).

    Raises:
        InvalidInputError: with every problem in the file.
    """
    loaded = load_file(path)
    return build_evidence(loaded.document, loaded.sha256, path)


def build_evidence(doc: YamlDocument, sha256: str, path: Path | None = None) -> EvidenceSet:
    """Validate a parsed evidence document and build the typed evidence set."""
    diagnostics = schemacheck.check(doc, doc.data, schemacheck.validator("evidence"))
    _raise_if_errors(diagnostics)
    data = cast(Mapping[str, Any], doc.data)
    diagnostics.extend(_check_evidence_semantics(doc, data, path))
    _raise_if_errors(diagnostics)
    warnings = tuple(d for d in diagnostics if d.severity is Severity.WARNING)

    def answer(raw: Mapping[str, Any], at: PathKey) -> AssessorAnswer:
        return AssessorAnswer(
            answer=Answer(raw["answer"]),
            comment=raw.get("comment", ""),
            citations=tuple(
                Citation(c["document"], c.get("pages", ""), c.get("note", ""))
                for c in raw.get("evidence", [])
            ),
            answered_by=raw.get("answered_by", ""),
            answered_on=raw.get("answered_on", ""),
            position=doc.position_of(at),
        )

    facts = data.get("facts", {})
    return EvidenceSet(
        file=doc.file,
        sha256=sha256,
        institution=data["institution"],
        assessment=data["assessment"],
        documents={
            d["id"]: DocumentRef(
                d["id"],
                d["title"],
                d.get("kind", "other"),
                d.get("date", ""),
                d.get("pages"),
                d.get("confidential", False),
                doc.position_of(("documents", i)),
            )
            for i, d in enumerate(data.get("documents", []))
        },
        facts=facts,
        answers={
            fw: {rid: answer(a, ("answers", fw, rid)) for rid, a in per.items()}
            for fw, per in data.get("answers", {}).items()
        },
        overrides={
            fw: {
                rid: Override(
                    Status(o["status"]),
                    o["reason"],
                    o["by"],
                    o["on"],
                    doc.position_of(("overrides", fw, rid)),
                )
                for rid, o in per.items()
            }
            for fw, per in data.get("overrides", {}).items()
        },
        action_plan={
            fw: {
                rid: ActionItem(a.get("owner", ""), a.get("due", ""), a.get("status", "open"))
                for rid, a in per.items()
            }
            for fw, per in data.get("action_plan", {}).items()
        },
        fact_positions={
            ".".join(str(p) for p in key[1:]): pos
            for key, pos in doc.positions.items()
            if key[:1] == ("facts",) and len(key) > 1
        },
        warnings=warnings,
        rule_set_versions={
            fw: (version, doc.position_of(("assessment", "rule_set_versions", fw)))
            for fw, version in data["assessment"].get("rule_set_versions", {}).items()
        },
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _walk_dates(data: object, at: PathKey) -> Iterable[tuple[PathKey, str]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _walk_dates(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_dates(value, (*at, i))
    elif (
        isinstance(data, str)
        and len(data) == 10
        and data[4:5] == "-"
        and data[7:8] == "-"
        and data[:4].isdigit()
    ):
        yield at, data


def _check_evidence_semantics(
    doc: YamlDocument, data: Mapping[str, Any], path: Path | None
) -> list[Diagnostic]:
    found: list[Diagnostic] = []

    def problem(
        at: PathKey, message: str, severity: Severity = Severity.ERROR, code: str = "evidence"
    ) -> None:
        found.append(Diagnostic(doc.position_of(at), message, severity, code))

    assessment = data["assessment"]
    assessed_on = _date(assessment["assessed_on"])
    for at, text in _walk_dates(data, ()):
        when = _date(text)
        if when is None:
            problem(at, f"'{text}' is not a calendar date")
        elif (
            assessed_on
            and when > assessed_on
            and at[:1] in (("documents",), ("facts",))
            and at[-1] not in ("deadline",)
        ):
            problem(at, f"date {text} is after the assessment date {assessed_on.isoformat()}")
    period = assessment["period"]
    start, end = _date(period["start"]), _date(period["end"])
    if start and end and start > end:
        problem(
            ("assessment", "period", "end"), f"the period ends ({end}) before it starts ({start})"
        )
    if end and assessed_on and end > assessed_on:
        problem(
            ("assessment", "period", "end"),
            f"the period ends ({end}) after the assessment date ({assessed_on})",
        )
    if assessment.get("status") == "approved" and not (
        assessment.get("approved_by") and assessment.get("approved_on")
    ):
        problem(
            ("assessment", "status"), "an approved assessment needs 'approved_by' and 'approved_on'"
        )

    documents: dict[str, PathKey] = {}
    for i, document in enumerate(data.get("documents", [])):
        doc_id = document["id"]
        if doc_id in documents:
            first = doc.position_of(documents[doc_id])
            problem(
                ("documents", i, "id"),
                f"duplicate document id '{doc_id}' (first at line {first.line})",
            )
        documents.setdefault(doc_id, ("documents", i))
        if "path" in document:
            pure = PurePosixPath(document["path"].replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in document["path"]:
                problem(
                    ("documents", i, "path"),
                    f"document path '{document['path']}' must stay inside the evidence file's folder",
                )
    total_answers = 0
    for fw, per in data.get("answers", {}).items():
        for rid, answer in per.items():
            total_answers += 1
            at = ("answers", fw, rid)
            if answer["answer"] == "na" and not answer.get("comment", "").strip():
                problem(
                    (*at, "answer"),
                    f"'{rid}' is answered N/A without a justification in 'comment'",
                    Severity.WARNING,
                    "justification",
                )
            for j, cite in enumerate(answer.get("evidence", [])):
                if cite["document"] not in documents:
                    hint = did_you_mean(cite["document"], list(documents))
                    problem(
                        (*at, "evidence", j, "document"),
                        f"cited document '{cite['document']}' is not listed in 'documents'{hint}",
                        code="reference",
                    )
    if total_answers > MAX_ANSWERS:
        problem(
            ("answers",), f"{total_answers} answers, over the limit of {MAX_ANSWERS}", code="limit"
        )
    facts = data.get("facts", {})
    pairs = [
        (("complaints", "resolved"), ("complaints", "received")),
        (("complaints", "resolved_within_30_days"), ("complaints", "resolved")),
        (("profile", "rural_branches"), ("profile", "branches")),
        (("governance", "women_on_board"), ("governance", "board_size")),
        (("governance", "independent_directors"), ("governance", "board_size")),
        (("clients", "new_clients"), ("clients", "active_clients")),
    ]
    for part, whole in pairs:
        a, b = _get(facts, part), _get(facts, whole)
        if isinstance(a, int) and isinstance(b, int) and a > b:
            problem(
                ("facts", *part), f"{'.'.join(part)} = {a} is more than {'.'.join(whole)} = {b}"
            )
    return found


def _get(data: Mapping[str, Any], path: Sequence[str]) -> object:
    current: object = data
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def check_evidence_for(
    evidence: EvidenceSet, rule_sets: Sequence[RuleSet], known_frameworks: Iterable[str]
) -> list[Diagnostic]:
    """Cross-check answers and overrides against the rule sets of this run.

    Unknown indicator ids and unknown frameworks are errors (with a suggestion); answers for a
    known framework that this run does not assess are a warning.
    """
    found: list[Diagnostic] = []
    # Answers are given under a framework id; a profile takes the answers of the rule set it tailors.
    selected: dict[str, RuleSet] = {}
    for rs in rule_sets:
        if rs.answers_key not in selected or rs.base is None:
            selected[rs.answers_key] = rs
    known = set(known_frameworks) | set(selected)
    for section, entries in (
        ("answers", evidence.answers),
        ("overrides", evidence.overrides),
        ("action_plan", evidence.action_plan),
    ):
        for fw, per in entries.items():
            if fw not in selected:
                if fw in known:
                    if per and section == "answers":
                        first = next(iter(per.values()))
                        position = (
                            first.position
                            if isinstance(first, AssessorAnswer)
                            else Position(evidence.file, 1, 1)
                        )
                        found.append(
                            Diagnostic(
                                position,
                                f"{len(per)} answer(s) for '{fw}', which this run does not assess, are not used",
                                Severity.WARNING,
                                "framework",
                            )
                        )
                    continue
                close = difflib.get_close_matches(fw, sorted(known), n=1)
                hint = (
                    f" (did you mean '{close[0]}'?)"
                    if close
                    else f" (known: {', '.join(sorted(known))})"
                )
                # The framework key itself has no recorded position; its first entry does.
                first_entry = next(iter(per.values()), None)
                found.append(
                    Diagnostic(
                        getattr(first_entry, "position", Position(evidence.file, 1, 1)),
                        f"{section} name unknown framework '{fw}'{hint}",
                        code="reference",
                    )
                )
                continue
            ids = selected[fw].base_indicator_ids or {ind.id for ind in selected[fw].indicators()}
            replaced = {old: ind.id for ind in selected[fw].indicators() for old in ind.replaces}
            for rid, entry in per.items():
                if rid in ids or rid in replaced:
                    continue
                hint = did_you_mean(rid, sorted(ids))
                position = getattr(entry, "position", Position(evidence.file, 1, 1))
                found.append(
                    Diagnostic(
                        position, f"'{rid}' is not an indicator of '{fw}'{hint}", code="reference"
                    )
                )
    return found
