"""The `rules diff` report: a plain record (JSON) and Markdown built from it alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.model import FrameworkResult, RuleSet
from engine.output import json_bytes
from engine.rulediff import FieldChange, IndicatorChange, ItemRef, RuleSetDiff
from engine.ruleimpact import Impact, compare_rule_sets

KINDS = (
    ("renamed", "Indicators renamed"),
    ("reworded", "Indicators reworded"),
    ("reweighted", "Indicators re-weighted"),
    ("rethresholded", "Indicators re-thresholded (conditions or method changed)"),
    ("moved", "Indicators moved"),
    ("criticality", "Criticality changed"),
    ("other", "Pathway or mappings changed"),
)


def _share(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _rule_set(rs: RuleSet) -> dict[str, Any]:
    return {
        "id": rs.id,
        "version": rs.version,
        "sha256": rs.sha256,
        "indicators": len(rs.indicators()),
    }


def _item(ref: ItemRef) -> dict[str, str]:
    return {"id": ref.id, "title": ref.title, "parent": ref.parent}


def _field(change: FieldChange) -> dict[str, str]:
    return {"field": change.field, "old": change.old, "new": change.new}


def _changes(change: IndicatorChange, kind: str) -> list[dict[str, str]]:
    value = getattr(change, kind)
    if isinstance(value, FieldChange):
        return [_field(value)]
    return [_field(c) for c in value]


def _result(framework: FrameworkResult) -> dict[str, Any]:
    grade = framework.grade
    return {
        "score": _share(framework.overall.score),
        "coverage": _share(framework.overall.coverage),
        "grade": grade.grade if grade is not None else None,
        "gates": {g.gate.id: str(g.verdict) for g in framework.gates},
    }


def _impact(impact: Impact) -> dict[str, Any]:
    return {
        "file": impact.file,
        "institution": impact.institution,
        "old": _result(impact.old),
        "new": _result(impact.new),
        "status_changes": [
            {"old_id": c.old_id, "new_id": c.new_id, "old": c.old, "new": c.new}
            for c in impact.status_changes
        ],
        "unused_answers": list(impact.unused_answers),
    }


def diff_record(diff: RuleSetDiff, impacts: Sequence[Impact] = ()) -> dict[str, Any]:
    """Everything the diff found, as plain data (the JSON format)."""
    indicators: dict[str, Any] = {
        "added": [_item(r) for r in diff.added],
        "removed": [_item(r) for r in diff.removed],
    }
    for kind, _ in KINDS:
        entries = []
        for change in diff.of_kind(kind):
            entry: dict[str, Any] = {"id": change.new_id, "title": change.title}
            if kind == "renamed":
                entry.update(old_id=change.old_id, how=change.renamed_by)
            else:
                entry["changes"] = _changes(change, kind)
            entries.append(entry)
        indicators[kind] = entries
    return {
        "schema_version": 1,
        "old": _rule_set(diff.old),
        "new": _rule_set(diff.new),
        "summary": {key: len(value) for key, value in indicators.items()}
        | {
            "nodes_added": len(diff.nodes_added),
            "nodes_removed": len(diff.nodes_removed),
            "nodes_changed": len(diff.nodes),
            "rule_set_changes": len(diff.rule_set),
        },
        "indicators": indicators,
        "nodes": {
            "added": [_item(r) for r in diff.nodes_added],
            "removed": [_item(r) for r in diff.nodes_removed],
            "changed": [
                {"id": n.id, "title": n.title, "changes": [_field(c) for c in n.changes]}
                for n in diff.nodes
            ],
        },
        "rule_set": [_field(c) for c in diff.rule_set],
        "impact": [_impact(i) for i in impacts],
    }


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md(text: object) -> str:
    """Text safe inside Markdown (and its tables): no markup, no raw HTML, no line breaks."""
    value = "—" if text in (None, "") else str(text)
    for char in "\\`*_[]<>|#":
        value = value.replace(char, "\\" + char)
    return " ".join(value.split())


def _code(text: str) -> str:
    return f"`{text.replace('`', 'ʼ')}`" if text else "—"


def _pct(value: float | None) -> str:
    return "not rated" if value is None else f"{value * 100:.1f} %"


def _delta(old: float | None, new: float | None) -> str:
    if old is None or new is None or old == new:
        return ""
    return f" ({(new - old) * 100:+.2f})"


def _field_lines(changes: Sequence[Mapping[str, str]], *, code: bool) -> list[str]:
    show = _code if code else _md
    return [f"  - {c['field']}: {show(c['old'])} → {show(c['new'])}" for c in changes]


def diff_markdown(record: Mapping[str, Any]) -> str:
    """The diff as a Markdown document."""
    old, new = record["old"], record["new"]
    summary = record["summary"]
    lines = [
        f"# Rule set changes: {old['id']} {old['version']} → {new['id']} {new['version']}",
        "",
        f"Old: {old['indicators']} indicators, SHA-256 `{old['sha256'][:12]}`. "
        f"New: {new['indicators']} indicators, SHA-256 `{new['sha256'][:12]}`.",
        "",
    ]
    counted = [f"{n} {k.replace('_', ' ')}" for k, n in summary.items() if n]
    lines += [f"Changes: {', '.join(counted) if counted else 'none'}.", ""]
    indicators = record["indicators"]
    for key, heading in (("added", "Indicators added"), ("removed", "Indicators removed")):
        if indicators[key]:
            lines += [f"## {heading} ({len(indicators[key])})", ""]
            lines += [
                f"- `{r['id']}` {_md(r['title'])} (in {_md(r['parent'])})" for r in indicators[key]
            ]
            lines.append("")
    for key, heading in KINDS:
        entries = indicators[key]
        if not entries:
            continue
        lines += [f"## {heading} ({len(entries)})", ""]
        for entry in entries:
            if key == "renamed":
                lines.append(
                    f"- `{entry['old_id']}` → `{entry['id']}` {_md(entry['title'])} (by {entry['how']})"
                )
            else:
                lines.append(f"- `{entry['id']}` {_md(entry['title'])}")
                lines += _field_lines(entry["changes"], code=key == "rethresholded")
        lines.append("")
    nodes = record["nodes"]
    if nodes["added"] or nodes["removed"] or nodes["changed"]:
        lines += ["## Nodes", ""]
        lines += [f"- added `{r['id']}` {_md(r['title'])}" for r in nodes["added"]]
        lines += [f"- removed `{r['id']}` {_md(r['title'])}" for r in nodes["removed"]]
        for node in nodes["changed"]:
            lines.append(f"- changed `{node['id']}` {_md(node['title'])}")
            lines += _field_lines(node["changes"], code=False)
        lines.append("")
    if record["rule_set"]:
        lines += ["## Scoring, parameters, gates and grade scale", ""]
        lines += [f"- {c['field']}: {_md(c['old'])} → {_md(c['new'])}" for c in record["rule_set"]]
        lines.append("")
    if record["impact"]:
        lines += _impact_lines(record["impact"])
    return "\n".join(lines).rstrip() + "\n"


def _impact_lines(impacts: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [
        f"## Impact on {len(impacts)} evidence file(s)",
        "",
        "| institution | score | coverage | grade | gates |",
        "|---|---|---|---|---|",
    ]
    for item in impacts:
        old, new = item["old"], item["new"]
        gates = "; ".join(
            f"{gid}: {old['gates'].get(gid, '—')} → {verdict}"
            if old["gates"].get(gid) != verdict
            else f"{gid}: {verdict}"
            for gid, verdict in new["gates"].items()
        )
        lines.append(
            f"| {_md(item['institution'])} | {_pct(old['score'])} → {_pct(new['score'])}"
            f"{_delta(old['score'], new['score'])} | {_pct(old['coverage'])} → "
            f"{_pct(new['coverage'])} | {_md(old['grade'])} → {_md(new['grade'])} | "
            f"{_md(gates or '—')} |"
        )
    lines.append("")
    for item in impacts:
        changes = item["status_changes"]
        lines.append(f"### {_md(item['institution'])} ({_md(item['file'])})")
        lines.append("")
        if not changes and not item["unused_answers"]:
            lines += ["No indicator changes status.", ""]
            continue
        for c in changes:
            name = (
                f"`{c['old_id']}` → `{c['new_id']}`"
                if c["old_id"] and c["new_id"] and c["old_id"] != c["new_id"]
                else f"`{c['new_id'] or c['old_id']}`"
            )
            lines.append(f"- {name}: {c['old'] or 'absent'} → {c['new'] or 'absent'}")
        if item["unused_answers"]:
            lines.append(
                f"- answers the new version does not read: {', '.join(item['unused_answers'])} "
                "(list the old id under `replaces:` so they still count)"
            )
        lines.append("")
    return lines


def diff_report(
    old: str, new: str, impact_folder: Path | None = None, fmt: str = "markdown"
) -> bytes:
    """`rules diff`: load both rule sets, compare them, assess the impact, render Markdown or JSON."""
    diff, impacts = compare_rule_sets(old, new, impact_folder)
    record = diff_record(diff, impacts)
    return json_bytes(record) if fmt == "json" else diff_markdown(record).encode("utf-8")
