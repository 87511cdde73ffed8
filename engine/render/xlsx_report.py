"""The results workbook (`--format xlsx`): Summary, Scores, Indicators and Action plan sheets.

Every value comes from the record for the report's audience (`record.py`, built with the typed
report of `engine/report/`), as the JSON and CSV formats take theirs: what an audience may not see
is absent or empty here too. Nothing is computed: scores, coverage and weights are the record's
numbers, written as numbers in percent format (0.933 shows as 93.3 %); ids and versions are
text, so `1.1.1` never becomes a date. The same result gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from engine.model import AuditResult
from engine.render.record import result_record
from engine.render.renderer import RendererBase
from engine.workbook import new_workbook, put, style_table, workbook_bytes

PERCENT = "0.0%"
SUMMARY = ("framework", "version", "title", "score", "coverage", "grade", "grade label", "gates")
SCORES = (
    "framework",
    "id",
    "parent",
    "level",
    "title",
    "score",
    "coverage",
    "weight",
    "passed",
    "partial",
    "failed",
    "not applicable",
    "not assessed",
)
INDICATORS = (
    "framework",
    "id",
    "path",
    "title",
    "status",
    "computed status",
    "score",
    "weight",
    "effective weight",
    "points lost",
    "critical",
    "priority",
    "method",
    "answer",
    "finding",
    "recommendation",
    "explanation",
    "documents",
    "facts",
)
ACTIONS = (
    "priority",
    "status",
    "critical",
    "settles",
    "finding",
    "recommendation",
    "owner",
    "due",
    "effort",
    "progress",
)
_PERCENT_COLUMNS = {"score", "coverage", "effective weight", "points lost"}


def _word(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _sheet(book: Any, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    sheet = book.create_sheet(title)
    for column, header in enumerate(columns, start=1):
        put(sheet, 1, column, header)
    for row, values in enumerate(rows, start=2):
        for column, (header, value) in enumerate(zip(columns, values, strict=True), start=1):
            if value is None or value == "":
                continue
            shown = _word(value)
            put(
                sheet,
                row,
                column,
                shown,
                number_format=PERCENT if header in _PERCENT_COLUMNS else "",
            )
    widths = [_width(h) for h in columns]
    style_table(sheet, 1, widths)
    sheet.auto_filter.ref = sheet.dimensions


def _width(header: str) -> int:
    wide = {"title": 48, "finding": 60, "recommendation": 60, "explanation": 60, "facts": 40}
    return wide.get(header, 26 if header in ("documents", "settles", "path", "gates") else 14)


def _summary(framework: Mapping[str, Any]) -> list[object]:
    overall, grade = framework["overall"], framework["grade"] or {}
    gates = "; ".join(f"{g['title']}: {g['verdict']}" for g in framework["gates"])
    return [
        framework["id"],
        framework["version"],
        framework["title"],
        overall["score"],
        overall["coverage"],
        grade.get("grade"),
        grade.get("label"),
        gates,
    ]


def _node(framework: str, node: Mapping[str, Any]) -> list[object]:
    counts = node.get("counts") or {}
    return [
        framework,
        node["id"],
        node["parent"],
        node["level"],
        node["title"],
        node["score"],
        node["coverage"],
        node.get("weight"),
        counts.get("pass"),
        counts.get("partial"),
        counts.get("fail"),
        counts.get("not_applicable"),
        counts.get("not_assessed"),
    ]


def _indicator(framework: str, i: Mapping[str, Any]) -> list[object]:
    answer = i["answer"] or {}
    documents = "; ".join(
        f"{d['id']}{' p. ' + d['pages'] if d.get('pages') else ''}"
        for d in i["evidence"]["documents"]
    )
    facts = "; ".join(f"{f['path']} = {_word(f['value'])}" for f in i["evidence"]["facts"])
    return [
        framework,
        i["id"],
        " > ".join(i["path"]),
        i["title"],
        i["status"],
        i["computed_status"],
        i["score"],
        i["weight"],
        i["effective_weight"],
        i["points_lost"],
        i["critical"],
        i["priority"],
        i["method"],
        answer.get("answer"),
        i["finding"],
        i["recommendation"],
        i["explanation"],
        documents,
        facts,
    ]


def _action(action: Mapping[str, Any]) -> list[object]:
    settles = "; ".join(f"{s['framework']} {s['id']}" for s in action.get("settles") or [])
    return [
        action.get("priority"),
        action.get("status"),
        action.get("critical"),
        settles,
        action.get("finding"),
        action.get("recommendation"),
        action.get("owner"),
        action.get("due"),
        action.get("effort"),
        action.get("progress"),
    ]


class XlsxRenderer(RendererBase):
    """Writes the results as an Excel workbook, one sheet per kind of row."""

    name: ClassVar[str] = "xlsx"
    suffix: ClassVar[str] = ".xlsx"

    def render(self, result: AuditResult) -> bytes:
        """The workbook's bytes (the same result gives the same bytes)."""
        record = result_record(result, self.audience)
        frameworks = record["frameworks"]
        book = new_workbook()
        _sheet(book, "Summary", SUMMARY, [_summary(f) for f in frameworks])
        overall = [_node(f["id"], f["overall"]) for f in frameworks]
        nodes = [_node(f["id"], n) for f in frameworks for n in f["nodes"]]
        _sheet(book, "Scores", SCORES, [*overall, *nodes])
        _sheet(
            book,
            "Indicators",
            INDICATORS,
            [_indicator(f["id"], i) for f in frameworks for i in f["indicators"]],
        )
        _sheet(book, "Action plan", ACTIONS, [_action(a) for a in record["action_plan"]])
        return workbook_bytes(book)
