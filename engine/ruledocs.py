"""`rules docs`: a browsable reference of one or more rule sets, in HTML or Markdown.

For each rule set: an index page (metadata, scoring, parameters, gates, grade scale, changelog,
the top-level nodes) and one page per top-level node (dimension, principle) with every node and
indicator below it, each indicator under its id as anchor: title, guidance, evidence to look for,
conditions in words, method, weight, criticality, pathway, mappings (linked to the other rule
set's pages when it is documented in the same run), examples, source and inferred flags. With
several rule sets, a catalogue page lists them. The context is built here; the Jinja templates in
report_templates/ruledocs/ only show it (autoescape, StrictUndefined); nothing is fetched.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import jinja2

from engine.errors import UsageError
from engine.model import Indicator, Node, RuleSet, walk_nodes
from engine.output import write_atomically
from engine.resources import TEMPLATES_DIR
from engine.rulesets import load_rule_sets
from engine.wording import condition_text

FORMATS = {"html": ".html", "markdown": ".md"}
PATHWAY = {
    "intent_design": "Intent and design",
    "internal_systems": "Internal systems and activities",
    "outputs": "Outputs",
    "outcomes": "Outcomes",
    "impact": "Impact",
}
METHOD = {
    "answer": "assessor's answer",
    "check": "check on the evidence data",
    "both": "data and the assessor's answer (the lower status counts)",
}
CONDITION_LABEL = {
    "applies_when": "Applies when",
    "check": "Met when",
    "partial_check": "Partly met when",
}


@dataclass(frozen=True, slots=True)
class DocPage:
    """One generated page: its path below the output folder and its text."""

    path: str
    text: str


def _escape_md(text: object) -> str:
    """Text safe in Markdown: no markup, no raw HTML, no table breaks."""
    value = str(text)
    for char in "\\`*_[]<>|#":
        value = value.replace(char, "\\" + char)
    return value


@functools.cache
def _environment(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "ruledocs"),
        autoescape=fmt == "html",  # noqa: S701 - Markdown escapes every rule text with the md filter
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _escape_md
    return env


def _page_name(node: Node, suffix: str) -> str:
    return f"node-{node.id}{suffix}"


class _Links:
    """Where each indicator and node of the documented rule sets is, for cross-links."""

    def __init__(self, rule_sets: Sequence[RuleSet], suffix: str) -> None:
        self.where: dict[tuple[str, str], str] = {}
        for rs in rule_sets:
            for top in rs.nodes:
                page = f"{rs.id}/{_page_name(top, suffix)}"
                for node in walk_nodes([top]):
                    self.where[(rs.id, node.id)] = page
                    for indicator in node.indicators:
                        self.where[(rs.id, indicator.id)] = page

    def href(self, from_rule_set: str, framework: str, item: str) -> str | None:
        page = self.where.get((framework, item))
        if page is None:
            return None
        folder, name = page.split("/", 1)
        return f"{name}#{item}" if folder == from_rule_set else f"../{page}#{item}"


def _number(value: Fraction) -> str:
    return f"{float(value):g}"


def _example(example: Any) -> dict[str, Any]:
    return {
        "status": str(example.expected),
        "facts": json.dumps(example.facts, ensure_ascii=False, sort_keys=True)
        if example.facts
        else "",
        "answer": str(example.answer) if example.answer is not None else "",
    }


def _indicator(rs: RuleSet, ind: Indicator, links: _Links) -> dict[str, Any]:
    conditions = [
        {"label": CONDITION_LABEL[key], "text": condition_text(getattr(ind, key))}
        for key in ("applies_when", "check", "partial_check")
        if getattr(ind, key) is not None
    ]
    return {
        "id": ind.id,
        "title": ind.title,
        "guidance": ind.guidance,
        "evidence": list(ind.evidence),
        "method": METHOD[str(ind.method)],
        "conditions": conditions,
        "weight": _number(ind.weight),
        "critical": ind.critical,
        "pathway": PATHWAY[str(ind.pathway)],
        "topics": list(ind.topics),
        "finding": ind.finding,
        "partial_finding": ind.partial_finding,
        "recommendation": ind.recommendation,
        "not_applicable_reason": ind.not_applicable_reason,
        "mappings": [
            {
                "text": f"{m.framework} {m.id}",
                "relation": m.relation,
                "href": links.href(rs.id, m.framework, m.id),
            }
            for m in ind.mappings
        ],
        "examples": [_example(e) for e in ind.examples],
        "source": ind.source,
        "inferred": ind.inferred,
        "replaces": list(ind.replaces),
    }


def _sections(rs: RuleSet, top: Node, links: _Links) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Node, depth: int) -> None:
        found.append(
            {
                "id": node.id,
                "title": node.title,
                "level": node.level,
                "depth": min(depth + 2, 5),
                "description": node.description,
                "weight": _number(node.weight),
                "inferred": node.inferred,
                "provisional": node.provisional,
                "performance_data": node.performance_data,
                "source": node.source,
                "indicators": [_indicator(rs, i, links) for i in node.indicators],
            }
        )
        for child in node.children:
            walk(child, depth + 1)

    walk(top, 0)
    return found


def _rule_set(rs: RuleSet, suffix: str, links: _Links) -> dict[str, Any]:
    scale = rs.grade_scale
    return {
        "id": rs.id,
        "title": rs.title,
        "version": rs.version,
        "publisher": rs.publisher,
        "based_on": rs.based_on,
        "disclaimer": rs.disclaimer,
        "sources": list(rs.sources),
        "levels": ", ".join(rs.levels),
        "base": rs.base or "",
        "indicators": len(rs.indicators()),
        "scoring": (
            f"{rs.scoring.method}; partly met counts {_number(rs.scoring.partial)}; "
            f"not assessed counts {'zero' if str(rs.scoring.not_assessed) == 'zero' else 'not at all'}"
        ),
        "parameters": [
            {"name": p.name, "type": p.type, "value": str(p.value), "description": p.description}
            for p in rs.parameters.values()
        ],
        "gates": [
            {
                "id": g.id,
                "title": g.title,
                "description": g.description,
                "rule": (
                    f"every {g.each} at {_number(g.threshold * 100)} % or more"
                    + ("; no critical indicator fails" if g.no_critical_failures else "")
                    + (
                        f"; at least {_number(g.min_coverage * 100)} % assessed"
                        if g.min_coverage
                        else ""
                    )
                ),
                "scope": [
                    {"id": node_id, "href": links.href(rs.id, rs.id, node_id)}
                    for node_id in g.scope
                ],
            }
            for g in rs.gates
        ],
        "grade_scale": None
        if scale is None
        else {
            "name": scale.name,
            "notice": scale.notice,
            "min_coverage": _number(scale.min_coverage * 100),
            "bands": [
                {"grade": b.grade, "label": b.label, "min": _number(b.min * 100)}
                for b in scale.bands
            ],
            "caps": [{"gate": g, "max_grade": m} for g, m in scale.caps],
        },
        "changelog": [
            {
                "version": e.version,
                "date": e.date,
                "summary": e.summary,
                "changes": [
                    f"{c.kind}: {', '.join(c.sources)}"
                    + (f" → {', '.join(c.targets)}" if c.targets else "")
                    + (f" ({c.note})" if c.note else "")
                    for c in e.changes
                ],
            }
            for e in reversed(rs.changelog)
        ],
        "nodes": [
            {
                "id": n.id,
                "title": n.title,
                "level": n.level,
                "file": _page_name(n, suffix),
                "count": len(n.all_indicators()),
            }
            for n in rs.nodes
        ],
    }


def rule_docs(rule_sets: Sequence[RuleSet], fmt: str = "html") -> list[DocPage]:
    """Every page of the reference of these rule sets.

    Raises:
        UsageError: an unknown format, or two rule sets with the same id.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (choose html or markdown)")
    ids = [rs.id for rs in rule_sets]
    if len(set(ids)) != len(ids):
        raise UsageError(f"the same rule set twice: {', '.join(ids)}")
    suffix = FORMATS[fmt]
    ext = "html" if fmt == "html" else "md"
    env = _environment(fmt)
    links = _Links(rule_sets, suffix)
    catalogue = [_rule_set(rs, suffix, links) for rs in rule_sets]
    pages = [
        DocPage(
            f"index{suffix}",
            env.get_template(f"catalogue.{ext}.j2").render(rule_sets=catalogue),
        )
    ]
    for rs, info in zip(rule_sets, catalogue, strict=True):
        pages.append(
            DocPage(
                f"{rs.id}/index{suffix}",
                env.get_template(f"ruleset.{ext}.j2").render(rs=info),
            )
        )
        for index, top in enumerate(rs.nodes):
            around = {
                "previous": info["nodes"][index - 1] if index > 0 else None,
                "next": info["nodes"][index + 1] if index + 1 < len(rs.nodes) else None,
            }
            pages.append(
                DocPage(
                    f"{rs.id}/{_page_name(top, suffix)}",
                    env.get_template(f"node.{ext}.j2").render(
                        rs=info,
                        node=info["nodes"][index],
                        sections=_sections(rs, top, links),
                        **around,
                    ),
                )
            )
    return pages


def write_rule_docs(names: Sequence[str], out: Path, fmt: str = "html") -> list[Path]:
    """Load the named rule sets, render their reference and write it below `out`.

    Every page is rendered before anything is written, so an error leaves nothing behind.

    Raises:
        InvalidInputError: a rule set is invalid.
        UsageError: a name, the format or the output folder is wrong.
    """
    if not names:
        raise UsageError("name at least one rule set (a folder, a profile file or a bundled id)")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path is not a folder: {out}")
    pages = rule_docs(load_rule_sets(list(names)), fmt)
    written = []
    for page in pages:
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, page.text.encode("utf-8"))
        written.append(target)
    return written
