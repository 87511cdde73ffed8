"""The CSV renderer: one row per framework, node, gate and indicator, for spreadsheet users.

Written as UTF-8 with a byte-order mark, which Excel needs to read accents correctly. Every value
comes from the record for the report's audience; nothing is computed here. The `row` column says
what a row is (`framework`, `node`, `gate`, `indicator`), so a pivot table can pick one kind.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from engine.model import AuditResult
from engine.render.record import result_record
from engine.render.renderer import RendererBase

COLUMNS = (
    "row",
    "framework",
    "framework_version",
    "path",
    "id",
    "title",
    "level",
    "status",
    "computed_status",
    "score",
    "coverage",
    "grade",
    "verdict",
    "weight",
    "effective_weight",
    "points_lost",
    "critical",
    "priority",
    "pathway",
    "method",
    "inferred",
    "explanation",
    "answer",
    "answer_comment",
    "answer_given_for",
    "documents",
    "facts",
    "override_by",
    "override_reason",
    "finding",
    "recommendation",
    "owner",
    "due",
    "lands_in",
)


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _rows(framework: Mapping[str, Any]) -> Iterator[dict[str, object]]:
    base = {"framework": framework["id"], "framework_version": framework["version"]}
    overall, grade = framework["overall"], framework["grade"] or {}
    yield {
        **base,
        "row": "framework",
        "id": framework["id"],
        "title": framework["title"],
        "level": "overall",
        "score": _number(overall["score"]),
        "coverage": _number(overall["coverage"]),
        "grade": _text(grade.get("grade")),
    }
    paths: dict[str, str] = {}
    for node in framework["nodes"]:
        paths[node["id"]] = (
            f"{paths[node['parent']]} > {node['id']}" if node["parent"] else node["id"]
        )
        yield {
            **base,
            "row": "node",
            "path": paths[node["id"]],
            "id": node["id"],
            "title": node["title"],
            "level": node["level"],
            "score": _number(node["score"]),
            "coverage": _number(node["coverage"]),
            "weight": _number(node["weight"]),
            "inferred": "yes" if node["inferred"] else "no",
        }
    for gate in framework["gates"]:
        yield {
            **base,
            "row": "gate",
            "id": gate["id"],
            "title": gate["title"],
            "level": gate["level"],
            "verdict": gate["verdict"],
        }
    for i in framework["indicators"]:
        yield _indicator_row(base, i)


def _indicator_row(base: Mapping[str, object], i: Mapping[str, Any]) -> dict[str, object]:
    answer, override, action = i["answer"] or {}, i["override"] or {}, i["action"] or {}
    return {
        **base,
        "row": "indicator",
        "path": " > ".join(i["path"]),
        "id": i["id"],
        "title": i["title"],
        "level": "indicator",
        "status": i["status"],
        "computed_status": i["computed_status"],
        "score": _number(i["score"]),
        "weight": _number(i["weight"]),
        "effective_weight": _number(i["effective_weight"]),
        "points_lost": _number(i["points_lost"]),
        "critical": "yes" if i["critical"] else "no",
        "priority": _text(i["priority"]),
        "pathway": i["pathway"],
        "method": i["method"],
        "inferred": "yes" if i["inferred"] else "no",
        "explanation": _text(i["explanation"]),
        "answer": _text(answer.get("answer")),
        "answer_comment": _text(answer.get("comment")),
        "answer_given_for": _text(answer.get("given_for")),
        "documents": "; ".join(
            f"{d['id']}{' p. ' + d['pages'] if d['pages'] else ''}"
            for d in i["evidence"]["documents"]
        ),
        "facts": "; ".join(f"{f['path']} = {f['value']}" for f in i["evidence"]["facts"]),
        "override_by": _text(override.get("by")),
        "override_reason": _text(override.get("reason")),
        "finding": _text(i["finding"]),
        "recommendation": _text(i["recommendation"]),
        "owner": _text(action.get("owner")),
        "due": _text(action.get("due")),
        "lands_in": "; ".join(
            f"{x['framework']} {x['id']} ({x['relation']}, {x['status']})" for x in i["lands_in"]
        ),
    }


class CsvRenderer(RendererBase):
    """Writes one row per framework, node, gate and indicator."""

    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"

    def render(self, result: AuditResult) -> bytes:
        """UTF-8 CSV with a byte-order mark and a header row."""
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\r\n")
        writer.writeheader()
        for framework in result_record(result, self.audience)["frameworks"]:
            writer.writerows(_rows(framework))
        return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
