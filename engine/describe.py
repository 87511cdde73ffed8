"""Plain-text views of rule sets for `rules list` and `rules show`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from engine.errors import InvalidInputError, UsageError
from engine.model import Indicator, Node, RuleSet
from engine.rulesets import bundled_frameworks, load_path


def catalogue_text(profiles: Mapping[str, Path]) -> str:
    """One line per bundled framework and profile."""
    lines = []
    for framework, folder in [*bundled_frameworks().items(), *profiles.items()]:
        try:
            rs = load_path(folder, profiles=profiles)
        except InvalidInputError as e:
            lines.append(
                f"{framework:<22} (invalid: {len(e.diagnostics)} problem(s); run 'spm-audit rules lint {folder}')"
            )
            continue
        kind = f"profile of {rs.base}" if rs.base else "framework"
        lines.append(
            f"{rs.id:<22} {rs.version:<8} {len(rs.indicators()):>4} indicators  {rs.title} ({kind})"
        )
        lines.append(f"{'':<22} modelled on: {rs.based_on}")
    return "\n".join(lines) + "\n"


def _indicator_text(ind: Indicator) -> list[str]:
    lines = [
        f"{ind.id}  {ind.title}",
        f"  method: {ind.method}; pathway: {ind.pathway}; weight: {ind.weight}; "
        f"critical: {'yes' if ind.critical else 'no'}" + ("; inferred" if ind.inferred else ""),
        f"  guidance: {ind.guidance}",
        f"  evidence: {', '.join(ind.evidence)}",
    ]
    if ind.applies_when is not None:
        lines.append(f"  applies when: {ind.applies_when.text}")
    if ind.check is not None:
        lines.append(f"  check: {ind.check.text}")
    if ind.partial_check is not None:
        lines.append(f"  partial when: {ind.partial_check.text}")
    lines += [f"  finding: {ind.finding}", f"  recommendation: {ind.recommendation}"]
    if ind.mappings:
        lines.append(
            "  mappings: " + ", ".join(f"{m.framework} {m.id} ({m.relation})" for m in ind.mappings)
        )
    if ind.scored_from is not None:
        lines.append(
            f"  scored from: {ind.scored_from.framework} {', '.join(ind.scored_from.questions)} "
            f"(their mean, when answered; weights: {ind.scored_from.weights}; declared on "
            f"{ind.scored_from.node})"
        )
    if ind.source:
        lines.append(f"  source: {ind.source}")
    lines.append(f"  defined at: {ind.position}")
    return lines


def rule_set_text(rs: RuleSet, node_id: str | None = None) -> str:
    """The tree of a rule set, or one node or indicator in full."""
    if node_id is not None:
        for ind in rs.indicators():
            if ind.id == node_id:
                return "\n".join(_indicator_text(ind)) + "\n"
        found = _find(rs.nodes, node_id)
        if found is None:
            raise UsageError(f"no node or indicator '{node_id}' in {rs.id}")
        lines = [f"{found.id}  {found.title} ({found.level})"]
        for ind in found.all_indicators():
            lines += _indicator_text(ind)
        return "\n".join(lines) + "\n"
    lines = [f"{rs.title} — {rs.id} {rs.version}", f"modelled on: {rs.based_on}", ""]

    def walk(node: Node, depth: int) -> None:
        count = len(node.all_indicators())
        flag = " (inferred)" if node.inferred else ""
        lines.append(f"{'  ' * depth}{node.id}  {node.title}{flag}  [{count}]")
        for child in node.children:
            walk(child, depth + 1)

    for node in rs.nodes:
        walk(node, 0)
    lines.append(f"\n{len(rs.indicators())} indicators")
    return "\n".join(lines) + "\n"


def _find(nodes: tuple[Node, ...], node_id: str) -> Node | None:
    for node in nodes:
        if node.id == node_id:
            return node
        found = _find(node.children, node_id)
        if found is not None:
            return found
    return None


def resolved_text(rs: RuleSet) -> str:
    """A resolved profile: what it keeps, its parameters, gates and tree."""
    lines = [
        f"# {rs.title} — profile {rs.id} of {rs.base}, resolved",
        f"id: {rs.id}",
        f"ruleset: {rs.base}",
        f"levels: [{', '.join(rs.levels)}]",
        f"scoring: {{method: {rs.scoring.method}, partial: {float(rs.scoring.partial)}, "
        f"not_assessed: {rs.scoring.not_assessed}}}",
        f"indicators: {len(rs.indicators())} of {len(rs.base_indicator_ids) or len(rs.indicators())}",
        "parameters:",
        *(f"  {p.name}: {p.value}" for p in rs.parameters.values()),
        "gates:",
        *(
            f"  - {{id: {g.id}, each: {g.each}, threshold: {float(g.threshold)}, no_critical_failures: "
            f"{str(g.no_critical_failures).lower()}, scope: [{', '.join(g.scope)}]}}"
            for g in rs.gates
        ),
        "nodes:",
    ]

    def walk(node: Node, depth: int) -> None:
        pad = "  " * (depth + 1)
        lines.append(f"{pad}- {node.id}: {node.title}  (weight {node.weight})")
        if node.indicators:
            lines.append(f"{pad}  indicators: [{', '.join(i.id for i in node.indicators)}]")
        for child in node.children:
            walk(child, depth + 1)

    for node in rs.nodes:
        walk(node, 0)
    return "\n".join(lines) + "\n"
