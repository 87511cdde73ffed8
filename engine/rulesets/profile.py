"""Profiles: a tailoring of one rule set (select, deselect, parameters, weights, gates, regroup).

A profile never adds indicators. `extends` applies another profile first; a loop is a diagnostic
at each `extends` involved. The result is a `RuleSet` whose `base` names the tailored rule set, so
answers given for the base reach the profile.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from engine import schemacheck
from engine.errors import Diagnostic, InvalidInputError, Severity, did_you_mean
from engine.load import LoadedFile, load_file
from engine.model import (
    Aggregation,
    Indicator,
    Node,
    NotAssessedPolicy,
    RuleSet,
    ScoringModel,
    walk_nodes,
)
from engine.rulesets.build import load_rule_set, rule_set_files
from engine.rulesets.gates import build_gates, build_grade_scale, fraction, node_ids
from engine.yamlsource import PathKey, YamlDocument

PROFILES_FOLDER = "profiles"


@dataclass(frozen=True, slots=True)
class _ProfileFile:
    loaded: LoadedFile
    data: Mapping[str, Any]

    @property
    def doc(self) -> YamlDocument:
        return self.loaded.document


def _read(path: Path) -> tuple[_ProfileFile | None, list[Diagnostic]]:
    loaded = load_file(path, cache=True)
    problems = schemacheck.check_file(loaded.document, loaded.sha256, "profile")
    if problems:
        return None, problems
    return _ProfileFile(loaded, cast(Mapping[str, Any], loaded.document.data)), []


def _chain(path: Path, profiles: Mapping[str, Path]) -> list[_ProfileFile]:
    """The profile and every profile it extends, base first."""
    chain: list[_ProfileFile] = []
    seen: dict[str, _ProfileFile] = {}
    current: Path | None = path
    while current is not None:
        profile, problems = _read(current)
        if profile is None:
            raise InvalidInputError(problems)
        if profile.data["id"] in seen:
            loop = [*seen, profile.data["id"]]
            raise InvalidInputError(
                [
                    Diagnostic(
                        p.doc.position_of(("extends",)),
                        f"'extends' makes a loop: {' → '.join(loop)}",
                        code="reference",
                    )
                    for p in seen.values()
                ]
            )
        seen[profile.data["id"]] = profile
        chain.append(profile)
        parent = profile.data.get("extends")
        if parent is None:
            current = None
        elif parent in profiles:
            current = profiles[parent]
        else:
            hint = did_you_mean(parent, list(profiles))
            raise InvalidInputError(
                [
                    Diagnostic(
                        profile.doc.position_of(("extends",)),
                        f"unknown profile '{parent}'{hint}",
                        code="reference",
                    )
                ]
            )
    bases = {p.data["ruleset"] for p in chain}
    if len(bases) > 1:
        raise InvalidInputError(
            [
                Diagnostic(
                    chain[0].doc.position_of(("ruleset",)),
                    f"profiles in one 'extends' chain tailor different rule sets: "
                    f"{', '.join(sorted(bases))}",
                    code="reference",
                )
            ]
        )
    return list(reversed(chain))


def load_profile(
    path: Path, rule_set_folders: Mapping[str, Path], profiles: Mapping[str, Path]
) -> RuleSet:
    """Resolve a profile file into the tailored rule set.

    Raises:
        InvalidInputError: with every problem in the profile chain.
    """
    chain = _chain(path, profiles)
    base_id = chain[0].data["ruleset"]
    if base_id not in rule_set_folders:
        hint = did_you_mean(base_id, list(rule_set_folders))
        raise InvalidInputError(
            [
                Diagnostic(
                    chain[-1].doc.position_of(("ruleset",)),
                    f"unknown rule set '{base_id}'{hint}",
                    code="reference",
                )
            ]
        )
    folder = rule_set_folders[base_id]
    declared = _declared_parameters(folder)
    diagnostics: list[Diagnostic] = []
    parameters: dict[str, object] = {}
    for profile in chain:
        for name in profile.data.get("parameters", {}):
            if name not in declared:
                hint = did_you_mean(name, declared)
                diagnostics.append(
                    Diagnostic(
                        profile.doc.position_of(("parameters", name)),
                        f"unknown parameter '{name}'{hint}",
                        code="reference",
                    )
                )
            else:
                parameters[name] = profile.data["parameters"][name]
    try:  # built once, with the profiles' parameters already in place
        base = load_rule_set(folder, parameters=parameters)
    except InvalidInputError as e:
        if not parameters:
            raise
        # a value out of the parameter's range: say where it was set
        raise InvalidInputError(
            [
                *e.diagnostics,
                Diagnostic(
                    chain[-1].doc.position_of(("parameters",)),
                    "parameters set here are invalid (see above)",
                    code="reference",
                ),
            ]
        ) from e
    tailored = _Tailor(base, diagnostics).apply(chain)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise InvalidInputError(diagnostics)
    return tailored


def _declared_parameters(folder: Path) -> list[str]:
    """The parameter names a rule set's header declares (read without building the rule set)."""
    data = load_file(rule_set_files(folder), cache=True).document.data
    declared = data.get("parameters") if isinstance(data, dict) else None
    return list(declared) if isinstance(declared, dict) else []


class _Tailor:
    def __init__(self, base: RuleSet, diagnostics: list[Diagnostic]) -> None:
        self.base = base
        self.diagnostics = diagnostics
        self.indicators = {i.id: i for i in base.indicators()}
        self.nodes = {n: n for n in node_ids(base.nodes)}

    def _error(self, doc: YamlDocument, at: PathKey, message: str) -> None:
        self.diagnostics.append(Diagnostic(doc.position_of(at), message, code="profile"))

    def _check_ids(
        self, profile: _ProfileFile, key: str, ids: Iterable[str], known: Sequence[str]
    ) -> None:
        for index, item in enumerate(ids):
            if item not in known:
                hint = did_you_mean(item, known)
                at: PathKey = (key, index) if key != "weights" else (key, item)
                self._error(
                    profile.doc,
                    at,
                    f"'{item}' is not a node or indicator of '{self.base.id}'{hint}",
                )

    def apply(self, chain: Sequence[_ProfileFile]) -> RuleSet:
        """Apply the chain, base profile first.

        The last `select`, `regroup`, `scoring`, `gates` and `grade_scale` in the chain win (each
        selection starts from the whole rule set); `deselect` lists add up; `weights` and
        `parameters` merge, the later profile winning.
        """
        known = [*self.nodes, *self.indicators]
        last: dict[str, _ProfileFile] = {}
        dropped: set[str] = set()
        weights: dict[str, tuple[_ProfileFile, Any]] = {}
        for profile in chain:
            for key in ("select", "deselect"):
                self._check_ids(profile, key, profile.data.get(key, []), known)
            for key in ("select", "regroup", "scoring", "gates", "grade_scale"):
                if key in profile.data:
                    last[key] = profile
            dropped.update(profile.data.get("deselect", []))
            weights.update({k: (profile, v) for k, v in profile.data.get("weights", {}).items()})
        nodes = self.base.nodes
        levels = self.base.levels
        if "select" in last:
            nodes = _select(nodes, set(last["select"].data["select"]))
        nodes = _deselect(nodes, dropped)
        if "regroup" in last:
            nodes, levels = self._regroup(last["regroup"], nodes)
        regrouped = [] if "regroup" not in last else node_ids(nodes)
        for profile in chain:  # a weight may name a node of the rule set or of the regrouping
            self._check_ids(
                profile, "weights", profile.data.get("weights", {}), [*known, *regrouped]
            )
        nodes = _reweigh(nodes, {k: fraction(v) for k, (_, v) in weights.items()})
        scoring = self.base.scoring
        if "scoring" in last:
            raw = last["scoring"].data["scoring"]
            scoring = ScoringModel(
                Aggregation(raw["method"]),
                fraction(raw.get("partial", 0.5)),
                NotAssessedPolicy(raw.get("not_assessed", "zero")),
            )
        gates = self.base.gates
        if "gates" in last:
            doc = last["gates"].doc
            gates = build_gates(
                doc, ("gates",), last["gates"].data["gates"], nodes, levels, self.diagnostics
            )
        grade_scale = self.base.grade_scale
        if "grade_scale" in last:
            raw = last["grade_scale"].data["grade_scale"]
            grade_scale = build_grade_scale(
                last["grade_scale"].doc,
                ("grade_scale",),
                raw,
                {g.id for g in gates},
                self.diagnostics,
            )
        if grade_scale is not None:
            gate_ids = {g.id for g in gates}
            for gate_id, _ in grade_scale.caps:
                if gate_id not in gate_ids:  # the profile replaced the gate a cap refers to
                    grade_scale = dataclasses.replace(
                        grade_scale, caps=tuple(c for c in grade_scale.caps if c[0] in gate_ids)
                    )
        if not nodes and not self.diagnostics:
            self._error(chain[-1].doc, (), "the profile leaves no indicator")
        top = chain[-1]
        digest = hashlib.sha256(self.base.sha256.encode())
        for profile in chain:
            digest.update(profile.loaded.sha256.encode())
        disclaimer = " ".join(
            x for x in (self.base.disclaimer, *(p.data.get("disclaimer", "") for p in chain)) if x
        )
        return dataclasses.replace(
            self.base,
            id=top.data["id"],
            title=top.data["title"],
            version=top.data.get("version", self.base.version),
            based_on=top.data.get("based_on", self.base.based_on),
            disclaimer=disclaimer,
            levels=tuple(levels),
            scoring=scoring,
            gates=gates,
            grade_scale=grade_scale,
            nodes=nodes,
            sha256=digest.hexdigest(),
            files=(*self.base.files, *(f"profiles/{p.loaded.path.name}" for p in chain)),
            position=top.doc.position_of(()),
            base=self.base.id,
            base_indicator_ids=frozenset(self.indicators),
            base_version=self.base.version,
        )

    def _regroup(
        self, profile: _ProfileFile, nodes: tuple[Node, ...]
    ) -> tuple[tuple[Node, ...], tuple[str, ...]]:
        raw = profile.data["regroup"]
        levels = tuple(raw["levels"])
        available = {i.id: i for n in nodes for i in n.all_indicators()}
        by_node = {n.id: n.all_indicators() for n in walk_nodes(nodes)}
        used: dict[str, PathKey] = {}

        def build(group: Mapping[str, Any], at: PathKey, depth: int) -> Node:
            level = levels[min(depth, len(levels) - 1)]
            children: tuple[Node, ...] = ()
            members: list[Indicator] = []
            if "children" in group:
                if depth >= len(levels) - 2:
                    self._error(
                        profile.doc,
                        (*at, "children"),
                        f"'{group['id']}' is a {level}; it should list indicators",
                    )
                children = tuple(
                    build(c, (*at, "children", i), depth + 1)
                    for i, c in enumerate(group["children"])
                )
            elif "indicators" in group:
                if depth != len(levels) - 2:
                    self._error(
                        profile.doc,
                        (*at, "indicators"),
                        f"indicators belong under a {levels[-2]}, but '{group['id']}' is a {level}",
                    )
                for i, item in enumerate(group["indicators"]):
                    where = (*at, "indicators", i)
                    found = [available[item]] if item in available else by_node.get(item)
                    if not found:
                        hint = did_you_mean(item, [*available, *by_node])
                        self._error(
                            profile.doc,
                            where,
                            f"'{item}' is not an indicator or node of '{self.base.id}'{hint}",
                        )
                        continue
                    for indicator in found:
                        if indicator.id in used:
                            first = profile.doc.position_of(used[indicator.id])
                            self._error(
                                profile.doc,
                                where,
                                f"indicator '{indicator.id}' is already in another group (line {first.line})",
                            )
                            continue
                        used[indicator.id] = where
                        members.append(indicator)
            else:
                self._error(
                    profile.doc, at, f"group '{group['id']}' needs 'children' or 'indicators'"
                )
            return Node(
                id=group["id"],
                title=group["title"],
                level=level,
                weight=fraction(group.get("weight", 1)),
                position=profile.doc.position_of(at),
                description=group.get("description", ""),
                children=children,
                indicators=tuple(members),
            )

        return tuple(
            build(g, ("regroup", "nodes", i), 0) for i, g in enumerate(raw["nodes"])
        ), levels


def _select(nodes: Sequence[Node], keep: set[str], kept_above: bool = False) -> tuple[Node, ...]:
    result = []
    for node in nodes:
        inside = kept_above or node.id in keep
        indicators = tuple(i for i in node.indicators if inside or i.id in keep)
        children = _select(node.children, keep, inside)
        if indicators or children:
            result.append(dataclasses.replace(node, indicators=indicators, children=children))
    return tuple(result)


def _deselect(nodes: Sequence[Node], drop: set[str]) -> tuple[Node, ...]:
    result = []
    for node in nodes:
        if node.id in drop:
            continue
        indicators = tuple(i for i in node.indicators if i.id not in drop)
        children = _deselect(node.children, drop)
        if indicators or children:
            result.append(dataclasses.replace(node, indicators=indicators, children=children))
    return tuple(result)


def _reweigh(nodes: Sequence[Node], weights: Mapping[str, Any]) -> tuple[Node, ...]:
    return tuple(
        dataclasses.replace(
            node,
            weight=weights.get(node.id, node.weight),
            indicators=tuple(
                dataclasses.replace(i, weight=weights.get(i.id, i.weight)) for i in node.indicators
            ),
            children=_reweigh(node.children, weights),
        )
        for node in nodes
    )
