"""`rules diff`: what changed between two versions of a rule set (or profile).

Indicators are matched by id; an indicator whose id changed is matched by `replaces`, by the new
rule set's changelog, by its place (same parent and position, with a similar text) or by a
similar text alone. For each matched pair the diff names what changed: texts (reworded),
weight (re-weighted), conditions and method (re-thresholded, with old and new condition text),
parent (moved), criticality, pathway and mappings. Nodes, scoring, parameters, gates and the grade
scale are compared too. Pure: rule sets in, a `RuleSetDiff` out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from engine.model import Gate, GradeScale, Indicator, Node, RuleSet, walk_nodes
from engine.wording import condition_text

TEXT_FIELDS = (
    "title",
    "guidance",
    "finding",
    "partial_finding",
    "recommendation",
    "partial_recommendation",
    "not_applicable_reason",
)
CONDITION_FIELDS = ("applies_when", "check", "partial_check")
SIMILAR_TEXT = 0.8  # title and guidance this alike: the same indicator under a new id
SIMILAR_AT_SAME_PLACE = 0.5  # at the same place in the tree, a looser likeness suffices


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an item, before and after."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """An indicator present in both versions (perhaps under a new id) and what changed in it."""

    old_id: str
    new_id: str
    title: str
    renamed_by: str = ""  # replaces, changelog, same place, similar text (n %); '' if same id
    reworded: tuple[FieldChange, ...] = ()
    reweighted: FieldChange | None = None
    rethresholded: tuple[FieldChange, ...] = ()
    moved: FieldChange | None = None
    criticality: FieldChange | None = None
    other: tuple[FieldChange, ...] = ()  # pathway, mappings

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return bool(
            self.renamed_by
            or self.reworded
            or self.reweighted
            or self.rethresholded
            or self.moved
            or self.criticality
            or self.other
        )


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An added or removed indicator or node."""

    id: str
    title: str
    parent: str


@dataclass(frozen=True, slots=True)
class NodeChange:
    """A node present in both versions and what changed in it."""

    id: str
    title: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RuleSetDiff:
    """Everything that differs between two rule sets."""

    old: RuleSet
    new: RuleSet
    added: tuple[ItemRef, ...] = ()
    removed: tuple[ItemRef, ...] = ()
    indicators: tuple[IndicatorChange, ...] = ()  # matched pairs with a change
    nodes_added: tuple[ItemRef, ...] = ()
    nodes_removed: tuple[ItemRef, ...] = ()
    nodes: tuple[NodeChange, ...] = ()
    rule_set: tuple[FieldChange, ...] = ()  # version, scoring, parameters, gates, grade scale
    renames: Mapping[str, str] = field(default_factory=dict)  # old id -> new id

    def of_kind(self, kind: str) -> list[IndicatorChange]:
        """The matched indicators with a change of one kind (renamed, reworded, …)."""
        attribute = {"renamed": "renamed_by"}.get(kind, kind)
        return [c for c in self.indicators if getattr(c, attribute)]

    @property
    def is_empty(self) -> bool:
        """Whether the two rule sets are the same in every compared respect."""
        return not (
            self.added
            or self.removed
            or self.indicators
            or self.nodes_added
            or self.nodes_removed
            or self.nodes
            or self.rule_set
        )


def _parents(nodes: Sequence[Node]) -> dict[str, tuple[str, int]]:
    """Indicator id → (parent node id, index among the parent's indicators)."""
    found: dict[str, tuple[str, int]] = {}
    for node in walk_nodes(nodes):
        for index, indicator in enumerate(node.indicators):
            found[indicator.id] = (node.id, index)
    return found


def _node_parents(nodes: Sequence[Node], parent: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for node in nodes:
        found[node.id] = parent
        found.update(_node_parents(node.children, node.id))
    return found


def _likeness(a: Indicator, b: Indicator) -> float:
    return difflib.SequenceMatcher(
        None, f"{a.title}\n{a.guidance}", f"{b.title}\n{b.guidance}", autojunk=False
    ).ratio()


def _number(value: Fraction) -> str:
    return f"{float(value):g}" if Fraction(f"{float(value):g}") == value else str(value)


def _match(
    old: Mapping[str, Indicator],
    new: Mapping[str, Indicator],
    old_places: Mapping[str, tuple[str, int]],
    new_places: Mapping[str, tuple[str, int]],
    changelog_renames: Mapping[str, str],
) -> dict[str, tuple[str, str]]:
    """Old id → (new id, how) for indicators whose id changed."""
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    found: dict[str, tuple[str, str]] = {}

    def take(old_id: str, new_id: str, how: str) -> None:
        found[old_id] = (new_id, how)
        removed.remove(old_id)
        added.remove(new_id)

    for new_id in list(added):
        for old_id in new[new_id].replaces:
            if old_id in removed and new_id in added:
                take(old_id, new_id, "replaces")
    for old_id, new_id in changelog_renames.items():
        if old_id in removed and new_id in added:
            take(old_id, new_id, "changelog")
    for old_id in list(removed):
        place = old_places[old_id]
        for new_id in list(added):
            if (
                new_places[new_id] == place
                and _likeness(old[old_id], new[new_id]) >= SIMILAR_AT_SAME_PLACE
            ):
                take(old_id, new_id, "same place")
                break
    pairs = sorted(
        ((_likeness(old[o], new[n]), o, n) for o in removed for n in added),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for ratio, old_id, new_id in pairs:
        if ratio < SIMILAR_TEXT:
            break
        if old_id in removed and new_id in added:
            take(old_id, new_id, f"similar text ({ratio:.0%})")
    return found


def _compare(a: Indicator, b: Indicator, how: str, parent_a: str, parent_b: str) -> IndicatorChange:
    reworded = [
        FieldChange(name, getattr(a, name), getattr(b, name))
        for name in TEXT_FIELDS
        if getattr(a, name) != getattr(b, name)
    ]
    if a.evidence != b.evidence:
        reworded.append(FieldChange("evidence", "; ".join(a.evidence), "; ".join(b.evidence)))
    thresholds = [
        FieldChange(name, condition_text(getattr(a, name)), condition_text(getattr(b, name)))
        for name in CONDITION_FIELDS
        if condition_text(getattr(a, name)) != condition_text(getattr(b, name))
    ]
    if a.method is not b.method:
        thresholds.insert(0, FieldChange("method", str(a.method), str(b.method)))
    other = []
    if a.pathway is not b.pathway:
        other.append(FieldChange("pathway", str(a.pathway), str(b.pathway)))
    maps_a = sorted(f"{m.framework} {m.id} ({m.relation})" for m in a.mappings)
    maps_b = sorted(f"{m.framework} {m.id} ({m.relation})" for m in b.mappings)
    if maps_a != maps_b:
        other.append(FieldChange("mappings", ", ".join(maps_a), ", ".join(maps_b)))
    scored_a, scored_b = _scored_from(a), _scored_from(b)
    if scored_a != scored_b:
        other.append(FieldChange("scored_from", scored_a, scored_b))
    return IndicatorChange(
        old_id=a.id,
        new_id=b.id,
        title=b.title,
        renamed_by=how,
        reworded=tuple(reworded),
        reweighted=(
            FieldChange("weight", _number(a.weight), _number(b.weight))
            if a.weight != b.weight
            else None
        ),
        rethresholded=tuple(thresholds),
        moved=FieldChange("parent", parent_a, parent_b) if parent_a != parent_b else None,
        criticality=(
            FieldChange("critical", str(a.critical).lower(), str(b.critical).lower())
            if a.critical != b.critical
            else None
        ),
        other=tuple(other),
    )


def _scored_from(indicator: Indicator) -> str:
    """Where an indicator is scored from when answered ('' when it is not), for the diff."""
    spec = indicator.scored_from
    if spec is None:
        return ""
    return f"{spec.framework} {', '.join(spec.questions)} (weights: {spec.weights})"


def _nodes(old: RuleSet, new: RuleSet) -> tuple[list[ItemRef], list[ItemRef], list[NodeChange]]:
    a = {n.id: n for n in walk_nodes(old.nodes)}
    b = {n.id: n for n in walk_nodes(new.nodes)}
    pa, pb = _node_parents(old.nodes), _node_parents(new.nodes)
    added = [ItemRef(i, b[i].title, pb[i]) for i in b if i not in a]
    removed = [ItemRef(i, a[i].title, pa[i]) for i in a if i not in b]
    changed = []
    for node_id in (i for i in b if i in a):
        x, y = a[node_id], b[node_id]
        changes = [
            FieldChange(name, str(getattr(x, name)), str(getattr(y, name)))
            for name in ("title", "description", "level", "performance_data")
            if getattr(x, name) != getattr(y, name)
        ]
        if x.weight != y.weight:
            changes.append(FieldChange("weight", _number(x.weight), _number(y.weight)))
        if pa[node_id] != pb[node_id]:
            changes.append(FieldChange("parent", pa[node_id], pb[node_id]))
        if changes:
            changed.append(NodeChange(node_id, y.title, tuple(changes)))
    return added, removed, changed


def _gate_text(gate: Gate) -> str:
    parts = [
        f"each {gate.each} ≥ {_number(gate.threshold)}",
        f"scope [{', '.join(gate.scope)}]" if gate.scope else "whole rule set",
        "no critical failures" if gate.no_critical_failures else "critical failures allowed",
        f"min coverage {_number(gate.min_coverage)}",
    ]
    if gate.validity_years:
        parts.append(f"valid {gate.validity_years} years")
    return "; ".join(parts)


def _scale_text(scale: GradeScale | None) -> dict[str, str]:
    if scale is None:
        return {"grade_scale": "none"}
    return {
        "grade_scale.name": scale.name,
        "grade_scale.min_coverage": _number(scale.min_coverage),
        "grade_scale.bands": ", ".join(f"{b.grade} ≥ {_number(b.min)}" for b in scale.bands),
        "grade_scale.caps": ", ".join(f"{g} → at most {m}" for g, m in scale.caps) or "none",
    }


def _header(rs: RuleSet) -> dict[str, str]:
    fields = {
        "id": rs.id,
        "version": rs.version,
        "levels": ", ".join(rs.levels),
        "scoring.method": str(rs.scoring.method),
        "scoring.partial": _number(rs.scoring.partial),
        "scoring.not_assessed": str(rs.scoring.not_assessed),
        **{f"parameters.{p.name}": f"{p.value}" for p in rs.parameters.values()},
        **{f"gates.{g.id}": _gate_text(g) for g in rs.gates},
        **_scale_text(rs.grade_scale),
    }
    return fields


def diff_rule_sets(
    old: RuleSet, new: RuleSet, changelog_renames: Mapping[str, str] | None = None
) -> RuleSetDiff:
    """Compare two rule sets (or profiles).

    Args:
        old: the earlier version.
        new: the later version.
        changelog_renames: old id → new id, from the new version's changelog.
    """
    a: dict[str, Indicator] = {i.id: i for i in old.indicators()}
    b: dict[str, Indicator] = {i.id: i for i in new.indicators()}
    pa, pb = _parents(old.nodes), _parents(new.nodes)
    renames = _match(a, b, pa, pb, changelog_renames or {})
    pairs = [(i, i, "") for i in a if i in b] + [(o, n, how) for o, (n, how) in renames.items()]
    changes = [_compare(a[o], b[n], how, pa[o][0], pb[n][0]) for o, n, how in pairs]
    matched_new = {n for _, n, _ in pairs}
    added = [ItemRef(i, b[i].title, pb[i][0]) for i in b if i not in matched_new]
    removed = [ItemRef(i, a[i].title, pa[i][0]) for i in a if i not in b and i not in renames]
    nodes_added, nodes_removed, nodes = _nodes(old, new)
    ha, hb = _header(old), _header(new)
    header = [
        FieldChange(key, ha.get(key, "—"), hb.get(key, "—"))
        for key in dict.fromkeys([*ha, *hb])
        if ha.get(key) != hb.get(key)
    ]
    order: dict[str, int] = {i: n for n, i in enumerate(b)}
    return RuleSetDiff(
        old=old,
        new=new,
        added=tuple(added),
        removed=tuple(removed),
        indicators=tuple(sorted((c for c in changes if c.changed), key=lambda c: order[c.new_id])),
        nodes_added=tuple(nodes_added),
        nodes_removed=tuple(nodes_removed),
        nodes=tuple(nodes),
        rule_set=tuple(header),
        renames={o: n for o, (n, _) in renames.items()},
    )
