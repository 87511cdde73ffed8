"""Parts of a rule set that profiles may replace: gates and the grade scale; and the exact numbers of rule files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.errors import Diagnostic, did_you_mean
from engine.model import Gate, GradeBand, GradeScale, Node
from engine.yamlsource import PathKey, YamlDocument


def fraction(value: object) -> Fraction:
    """An exact fraction from a YAML number (0.1 → 1/10, not the nearest float)."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, int):
        return Fraction(value)
    raise TypeError(value)


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
                translations=raw.get("translations", {}),
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
        raw["name"],
        raw["notice"],
        fraction(raw.get("min_coverage", 0)),
        bands,
        tuple(caps),
        raw.get("translations", {}),
    )
