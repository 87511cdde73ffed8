"""Stage 2 for rule sets: loaded rule files → a validated, compiled `RuleSet`.

Checks the header and part files against their schemas, ids, levels and references, compiles every
condition against the evidence vocabulary, and raises `InvalidInputError` with *every* problem at
once. Building is the same for a bundled rule set, a standard body's folder and a profile's base.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from engine import schemacache, schemacheck
from engine.conditions import CompiledCondition, ConditionCompiler, FieldType
from engine.errors import Diagnostic, InvalidInputError, Position, Severity
from engine.evidence import compile_evidence_checks, evidence_fact_types
from engine.load import LoadedFile, load_file
from engine.model import (
    Aggregation,
    Answer,
    CrossReference,
    Example,
    FrameworkId,
    Gate,
    GradeScale,
    Indicator,
    Method,
    Node,
    NotAssessedPolicy,
    Parameter,
    Pathway,
    Relation,
    Respondents,
    RuleId,
    RuleSet,
    ScoredFrom,
    ScoringModel,
    SourceWeights,
    Status,
)
from engine.model.rules import Examples
from engine.rulesets.gates import build_gates, build_grade_scale, fraction
from engine.versions import build_changelog
from engine.yamlsource import (
    PathKey,
    YamlDocument,
    pack_position,
    packed_position,
    unpack_position,
)

logger = logging.getLogger(__name__)

RULESET_FILE = "ruleset.yaml"


def raise_if_errors(diagnostics: Sequence[Diagnostic]) -> None:
    """Raise `InvalidInputError` with every diagnostic when one of them is an error."""
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise InvalidInputError(diagnostics)


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
    header = load_file(header_path, cache=True)
    diagnostics = schemacheck.check_file(header.document, header.sha256, "ruleset")
    raise_if_errors(diagnostics)
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
            part = load_file(part_path, cache=True)
        except InvalidInputError as e:
            diagnostics.extend(e.diagnostics)
            continue
        if schemacache.is_known_valid("ruleset-part", part.sha256):
            problems = []
        else:
            problems = schemacheck.check_paths(part.document, part.document.data, "ruleset-part")
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
    raise_if_errors([*diagnostics, *builder.diagnostics])
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
    respondents: Respondents | None = None
    scored_from: tuple[str, str, SourceWeights] | None = None  # framework, declaring node, weights


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
        evidence_checks = compile_evidence_checks(
            doc, ("evidence_checks",), self.data.get("evidence_checks", []), self.diagnostics
        )
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
            evidence_checks=evidence_checks,
            short_title=self.data.get("short_title", self.data["id"]),
            nodes=tuple(nodes),
            sha256=_files_digest([self.header, *self.parts], base),
            files=tuple(p.path.relative_to(base).as_posix() for p in [self.header, *self.parts]),
            position=doc.position_of(()),
            changelog=changelog,
            translations=self.data.get("translations", {}),
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
        scored_from = self._scored_from(doc, raw, at)
        here = _Inherited(
            tuple(raw.get("topics", ())) or inherited.topics,
            inherited.performance or performance,
            self._respondents(doc, raw, at) or inherited.respondents,
            scored_from or inherited.scored_from,
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
        if scored_from is not None:
            below = [*indicators, *(i for c in children for i in c.all_indicators())]
            if not any(i.scored_from and i.scored_from.node == raw["id"] for i in below):
                self._error(
                    doc,
                    (*at, "scored_from", "framework"),
                    f"no indicator below '{raw['id']}' maps to '{scored_from[0]}': give them "
                    "mappings to the questions they are scored from",
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

        raw_examples: Mapping[str, Mapping[str, Any]] = raw["examples"]
        for status_name, example in raw_examples.items():
            ex_at = (*at, "examples", status_name)
            if "facts" in example and self.check_examples:
                self.diagnostics.extend(
                    schemacheck.check(
                        doc,
                        example["facts"],
                        "evidence",
                        (*ex_at, "facts"),
                        pointer="#/$defs/facts",
                    )
                )
            if example.get("answer") is not None and method is Method.CHECK:
                self._error(
                    doc,
                    (*ex_at, "answer"),
                    "an answer has no effect on an indicator with method 'check'",
                )
        mappings = tuple(
            CrossReference(
                m["framework"],
                m["id"],
                Relation(m["relation"]),
                doc.position_of((*at, "mappings", k)),
            )
            for k, m in enumerate(raw.get("mappings", []))
        )
        scored_from = None
        if inherited.scored_from is not None:
            framework, node_id, weights = inherited.scored_from
            questions = tuple(dict.fromkeys(m.id for m in mappings if m.framework == framework))
            if questions:
                scored_from = ScoredFrom(framework, node_id, questions, weights)
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
            mappings=mappings,
            replaces=tuple(raw.get("replaces", [])),
            examples=self._examples(doc, at, raw_examples),
            respondents=inherited.respondents,
            scored_from=scored_from,
        )

    def _examples(
        self, doc: YamlDocument, at: PathKey, raw: Mapping[str, Mapping[str, Any]]
    ) -> Sequence[Example]:
        """An indicator's examples, made when first read.

        They hold their positions, not the document: a built rule set keeps no parsed file.
        """
        packed = [packed_position(doc, (*at, "examples", name)) for name in raw]
        if None in packed:  # a document without packed positions: made now
            packed = [
                pack_position(p.line, p.column)
                for p in (doc.position_of((*at, "examples", name)) for name in raw)
            ]
        return Examples(functools.partial(_made_examples, doc.file, cast(list[int], packed), raw))

    def _scored_from(
        self, doc: YamlDocument, raw: Mapping[str, Any], at: PathKey
    ) -> tuple[str, str, SourceWeights] | None:
        """A node's `scored_from`: another framework, and how the indicators below then weigh."""
        spec = raw.get("scored_from")
        if spec is None:
            return None
        framework = spec["framework"]
        if framework == self.data["id"]:
            self._error(
                doc,
                (*at, "scored_from", "framework"),
                f"'{framework}' is this rule set: its indicators cannot be scored from themselves",
            )
        return framework, raw["id"], SourceWeights(spec.get("weights", "questions"))

    def _respondents(
        self, doc: YamlDocument, raw: Mapping[str, Any], at: PathKey
    ) -> Respondents | None:
        """A node's `respondents`: `each` must be an object of the facts, `list` a list of them."""
        spec = raw.get("respondents")
        if spec is None:
            return None
        each = self._fact_type(doc, (*at, "respondents", "each"), spec["each"])
        many = self._fact_type(doc, (*at, "respondents", "list"), spec["list"])
        if each is not None and each.kind != "object":
            self._error(doc, (*at, "respondents", "each"), f"'{spec['each']}' is not an object")
        if many is not None and (many.kind != "array" or many.items != each):
            self._error(
                doc,
                (*at, "respondents", "list"),
                f"'{spec['list']}' is not a list of items shaped like '{spec['each']}'",
            )
        return Respondents(spec["each"], spec["list"])

    def _fact_type(self, doc: YamlDocument, at: PathKey, dotted: str) -> FieldType | None:
        current = self.facts
        for name in dotted.split("."):
            if current.kind != "object" or name not in current.fields:
                self._error(doc, at, f"unknown evidence path '{dotted}'", code="condition")
                return None
            current = current.fields[name]
        return current

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


def _made_examples(
    file: str, packed: Sequence[int], raw: Mapping[str, Mapping[str, Any]]
) -> tuple[Example, ...]:
    """An indicator's examples (checked when it was built), with their packed positions."""
    return tuple(
        Example(
            Status(status_name),
            example.get("facts", {}),
            Answer(example["answer"]) if example.get("answer") else None,
            unpack_position(file, at),
        )
        for at, (status_name, example) in zip(packed, raw.items(), strict=True)
    )
