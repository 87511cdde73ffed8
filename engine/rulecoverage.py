"""Coverage of rule tests: which indicators are tested, and which branches of their conditions run.

A branch point is every condition of an indicator's `applies_when`, `check` and `partial_check`:
the condition itself, each member of an `all` or `any`, the operand of a `not`, and the `where` of
a `some` or `every` with its members. Each point has two branches, true and false; a case reaches
one when the evidence makes the point true (or false). A point inside `some`/`every` is reached for
a case when it is true (or false) for at least one item of the list. Points are evaluated where the
indicator evaluates them: `check` only where `applies_when` is not false, `partial_check` only where
`check` is false. Unknown (missing evidence) reaches neither branch. Conditions inside expressions
(`count … where`, `count_true`) count with the comparison that holds them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from engine.conditions import OPERATORS, CompiledCondition, ConditionCompiler
from engine.errors import Diagnostic, Position
from engine.evidence import evidence_fact_types
from engine.load import load_file
from engine.model import Indicator, Method, RuleSet
from engine.rulesets.build import rule_set_files
from engine.yamlsource import PathKey, YamlDocument

CONDITION_KEYS = ("applies_when", "check", "partial_check")


@dataclass(frozen=True, slots=True)
class BranchPoint:
    """One condition of an indicator, and how to tell which way a case took it."""

    where: str  # e.g. "check.all[1].any[0]"
    text: str
    position: Position
    holds: CompiledCondition  # true when the point is true (for some item, inside a quantifier)
    fails: CompiledCondition | None  # inside a quantifier: true when it is false for some item


@dataclass(slots=True)
class PointCoverage:
    """What the cases made of one branch point."""

    point: BranchPoint
    true: bool = False
    false: bool = False


@dataclass(slots=True)
class IndicatorCoverage:
    """One indicator's tests and branches."""

    indicator: Indicator
    points: list[PointCoverage]
    tested_by: list[str] = field(default_factory=list)  # examples and cases that assert on it

    @property
    def reached(self) -> int:
        """Branches reached (two per point)."""
        return sum(p.true + p.false for p in self.points)


def _raw_indicators(folder: Path) -> dict[str, tuple[YamlDocument, PathKey, Mapping[str, Any]]]:
    """Every indicator's YAML in a rule set folder (already validated when the rule set loaded)."""
    header = cast(Mapping[str, Any], load_file(rule_set_files(folder)).document.data)
    found: dict[str, tuple[YamlDocument, PathKey, Mapping[str, Any]]] = {}

    def walk(doc: YamlDocument, raw: Mapping[str, Any], at: PathKey) -> None:
        for i, child in enumerate(raw.get("children", [])):
            walk(doc, child, (*at, "children", i))
        for i, ind in enumerate(raw.get("indicators", [])):
            found[ind["id"]] = (doc, (*at, "indicators", i), ind)

    for name in header["parts"]:
        doc = load_file(folder / name).document
        for i, node in enumerate(cast(Mapping[str, Any], doc.data)["nodes"]):
            walk(doc, node, ("nodes", i))
    return found


def _operator(raw: Mapping[str, Any]) -> str:
    return next(k for k in raw if k in OPERATORS)


def _points(
    raw: Mapping[str, Any], at: PathKey, where: str, lists: Sequence[object]
) -> Iterator[tuple[str, PathKey, Mapping[str, Any], Sequence[object]]]:
    yield where, at, raw, lists
    op = _operator(raw)
    if op in ("all", "any"):
        for i, member in enumerate(raw[op]):
            yield from _points(member, (*at, op, i), f"{where}.{op}[{i}]", lists)
    elif op == "not":
        yield from _points(raw["not"], (*at, "not"), f"{where}.not", lists)
    elif op in ("some", "every"):
        yield from _points(raw["where"], (*at, "where"), f"{where}.{op}.where", [*lists, raw[op]])


def _inside(raw: object, lists: Sequence[object]) -> object:
    for path in reversed(lists):
        raw = {"some": path, "where": raw}
    return raw


def branch_points(folder: Path, rule_set: RuleSet) -> dict[str, list[BranchPoint]]:
    """The branch points of every indicator of a rule set (or profile) whose files are in `folder`."""
    raw_by_id = _raw_indicators(folder)
    facts = evidence_fact_types()
    compilers: dict[str, ConditionCompiler] = {}
    found: dict[str, list[BranchPoint]] = {}
    for indicator in rule_set.indicators():
        doc, at, raw = raw_by_id[indicator.id]
        diagnostics: list[Diagnostic] = []
        compiler = compilers.setdefault(
            doc.file, ConditionCompiler(facts, rule_set.parameters, doc, diagnostics)
        )
        points = []
        for key in CONDITION_KEYS:
            if key not in raw:
                continue
            for where, here, sub, lists in _points(raw[key], (*at, key), key, []):
                holds = compiler.compile(_inside(sub, lists), here)
                fails = compiler.compile(_inside({"not": sub}, lists), here) if lists else None
                if holds is None or (lists and fails is None):
                    continue  # cannot happen for a rule set that compiled; never guess
                shown = holds.text
                for path in lists:
                    shown = shown.removeprefix(f"some {path} where ")
                points.append(BranchPoint(where, shown, doc.position_of(here), holds, fails))
        found[indicator.id] = points
    return found


def reached_points(
    indicator: Indicator, points: Sequence[BranchPoint], facts: Mapping[str, object]
) -> Iterator[tuple[int, bool]]:
    """(index of a point, branch) for every branch a case with these facts reaches."""
    applies = indicator.applies_when.evaluate(facts, None) if indicator.applies_when else True
    checked = indicator.method is not Method.ANSWER and applies is not False
    check = indicator.check.evaluate(facts, None) if indicator.check and checked else None
    for index, point in enumerate(points):
        key = point.where.split(".", 1)[0]
        if (key == "check" and not checked) or (key == "partial_check" and check is not False):
            continue
        value = point.holds.evaluate(facts, None)
        if point.fails is None:
            if value is not None:
                yield index, value
            continue
        if value is True:
            yield index, True
        if point.fails.evaluate(facts, None) is True:
            yield index, False


class CoverageTracker:
    """Collects, per rule set, what the cases of its suites tested and reached."""

    def __init__(self) -> None:
        self.rule_sets: dict[str, RuleSet] = {}
        self.indicators: dict[str, dict[str, IndicatorCoverage]] = {}
        self._points: dict[tuple[str, str], dict[str, list[BranchPoint]]] = {}

    def add_rule_set(self, key: str, base: RuleSet, folder: Path) -> None:
        """Track a rule set's indicators (once)."""
        if key in self.rule_sets:
            return
        self.rule_sets[key] = base
        points = branch_points(folder, base)
        self.indicators[key] = {
            i.id: IndicatorCoverage(i, [PointCoverage(p) for p in points[i.id]])
            for i in base.indicators()
        }

    def points_for(self, key: str, rule_set: RuleSet, folder: Path) -> dict[str, list[BranchPoint]]:
        """Branch points compiled with this rule set's (or profile's) parameters."""
        if (key, rule_set.id) not in self._points:
            if rule_set.id == self.rule_sets[key].id:
                self._points[(key, rule_set.id)] = {
                    rid: [p.point for p in c.points] for rid, c in self.indicators[key].items()
                }
            else:
                self._points[(key, rule_set.id)] = branch_points(folder, rule_set)
        return self._points[(key, rule_set.id)]

    def record(
        self,
        key: str,
        rule_set: RuleSet,
        folder: Path,
        facts: Mapping[str, object],
        evaluated: Sequence[Indicator],
        asserted: Sequence[str],
        case_name: str,
    ) -> None:
        """Note what one case tested (`asserted`) and reached (every indicator it `evaluated`)."""
        table = self.indicators[key]
        points = self.points_for(key, rule_set, folder)
        for rid in asserted:
            table[rid].tested_by.append(case_name)
        for indicator in evaluated:
            coverage = table[indicator.id].points
            for index, branch in reached_points(indicator, points[indicator.id], facts):
                if branch:
                    coverage[index].true = True
                else:
                    coverage[index].false = True


def coverage_record(tracker: CoverageTracker) -> dict[str, Any]:
    """The coverage as plain data, for `--coverage-json`."""
    rule_sets = []
    for key, table in tracker.indicators.items():
        rule_set = tracker.rule_sets[key]
        indicators = []
        for rid, cov in table.items():
            indicators.append(
                {
                    "id": rid,
                    "tested": bool(cov.tested_by),
                    "tests": len(cov.tested_by),
                    "branches": 2 * len(cov.points),
                    "reached": cov.reached,
                    "points": [
                        {
                            "where": p.point.where,
                            "condition": p.point.text,
                            "position": str(p.point.position),
                            "true": p.true,
                            "false": p.false,
                        }
                        for p in cov.points
                    ],
                }
            )
        rule_sets.append(
            {
                "id": rule_set.id,
                "version": rule_set.version,
                "indicators": len(indicators),
                "tested": sum(1 for i in indicators if i["tested"]),
                "branches": sum(cast(int, i["branches"]) for i in indicators),
                "reached": sum(cast(int, i["reached"]) for i in indicators),
                "details": indicators,
            }
        )
    return {"schema_version": 1, "rule_sets": rule_sets}


def coverage_summary(tracker: CoverageTracker) -> list[str]:
    """One line per rule set, and the untested indicators (at most ten named)."""
    lines = []
    for entry in coverage_record(tracker)["rule_sets"]:
        branches, reached = entry["branches"], entry["reached"]
        share = f"{reached / branches:.0%}" if branches else "—"
        lines.append(
            f"coverage {entry['id']} {entry['version']}: {entry['tested']}/{entry['indicators']} "
            f"indicators tested; {reached}/{branches} condition branches reached ({share})"
        )
        untested = [d["id"] for d in entry["details"] if not d["tested"]]
        if untested:
            more = f" and {len(untested) - 10} more" if len(untested) > 10 else ""
            lines.append(f"  untested: {', '.join(untested[:10])}{more}")
    return lines
