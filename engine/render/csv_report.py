"""The CSV renderer: one row per framework, node, gate and indicator, for spreadsheet users.

Written as UTF-8 with a byte-order mark, which Excel needs to read accents correctly. Every value
comes from the record for the report's audience; nothing is computed here. The `row` column says
what a row is (`framework`, `node`, `gate`, `indicator`), so a pivot table can pick one kind.

Spreadsheet-safe by dialect (`excel`: comma and decimal point; `excel-fr`: semicolon and decimal
comma, for French, German, Spanish … settings; `plain`: RFC 4180 for programs): ids and versions are
written as text formulas (`="1.1.1"`) so that no spreadsheet turns them into dates, numbers carry
the dialect's decimal mark so that they stay numbers, booleans and missing values are words, and
text that would start a formula is neutralised with a leading apostrophe. Weights and points are
percentages of the framework's overall score, as in the PDF.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
    "effective_weight_pct",
    "points_lost_pct",
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


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one kind of spreadsheet reads a CSV file."""

    name: str
    delimiter: str
    decimal: str
    protect: bool  # write ids as text formulas and neutralise formula-like text

    def number(self, value: float | None, scale: float = 1) -> str:
        """A number with this dialect's decimal mark, without exponent ('' when missing)."""
        if value is None:
            return ""
        if not self.protect:  # for programs: the shortest text that reads back as the same float
            return repr(value * scale)
        shown = f"{value * scale:.10f}".rstrip("0").rstrip(".") or "0"
        return shown.replace(".", self.decimal)

    def ident(self, value: object) -> str:
        """An id or a version, kept as text: '1.1.1' would otherwise become a date."""
        text = "" if value is None else str(value)
        return f'="{text}"' if self.protect and text else text

    def text(self, value: object) -> str:
        """Free text; a leading =, +, - or @ would make a spreadsheet read a formula."""
        text = "" if value is None else str(value)
        return "'" + text if self.protect and text[:1] in _FORMULA_START else text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DIALECTS = {
    d.name: d
    for d in (
        Dialect("excel", ",", ".", True),
        Dialect("excel-fr", ";", ",", True),
        Dialect("plain", ",", ".", False),
    )
}


def _word(value: object) -> str:
    """A fact's value in words: yes, no, missing, or as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "missing" if value is None else str(value)


def _rows(framework: Mapping[str, Any], d: Dialect) -> Iterator[dict[str, object]]:
    base = {"framework": framework["id"], "framework_version": d.ident(framework["version"])}
    overall, grade = framework["overall"], framework["grade"] or {}
    yield {
        **base,
        "row": "framework",
        "id": d.ident(framework["id"]),
        "title": d.text(framework["title"]),
        "level": "overall",
        "score": d.number(overall["score"]),
        "coverage": d.number(overall["coverage"]),
        "grade": d.text(grade.get("grade")),
    }
    paths: dict[str, str] = {}
    for node in framework["nodes"]:
        paths[node["id"]] = (
            f"{paths[node['parent']]} > {node['id']}" if node["parent"] else node["id"]
        )
        yield {
            **base,
            "row": "node",
            "path": d.ident(paths[node["id"]]),
            "id": d.ident(node["id"]),
            "title": d.text(node["title"]),
            "level": node["level"],
            "score": d.number(node["score"]),
            "coverage": d.number(node["coverage"]),
            "weight": d.number(node["weight"]),
            "inferred": "yes" if node["inferred"] else "no",
        }
    for gate in framework["gates"]:
        yield {
            **base,
            "row": "gate",
            "id": d.ident(gate["id"]),
            "title": d.text(gate["title"]),
            "level": gate["level"],
            "verdict": gate["verdict"],
        }
    for i in framework["indicators"]:
        yield _indicator_row(base, i, d)


def _indicator_row(
    base: Mapping[str, object], i: Mapping[str, Any], d: Dialect
) -> dict[str, object]:
    answer, override, action = i["answer"] or {}, i["override"] or {}, i["action"] or {}
    return {
        **base,
        "row": "indicator",
        "path": d.ident(" > ".join(i["path"])),
        "id": d.ident(i["id"]),
        "title": d.text(i["title"]),
        "level": "indicator",
        "status": i["status"],
        "computed_status": i["computed_status"],
        "score": d.number(i["score"]),
        "weight": d.number(i["weight"]),
        "effective_weight_pct": d.number(i["effective_weight"], 100),
        "points_lost_pct": d.number(i["points_lost"], 100),
        "critical": "yes" if i["critical"] else "no",
        "priority": d.text(i["priority"]),
        "pathway": i["pathway"],
        "method": i["method"],
        "inferred": "yes" if i["inferred"] else "no",
        "explanation": d.text(i["explanation"]),
        "answer": d.text(answer.get("answer")),
        "answer_comment": d.text(answer.get("comment")),
        "answer_given_for": d.text(answer.get("given_for")),
        "documents": d.text(
            "; ".join(
                f"{doc['id']}{' p. ' + doc['pages'] if doc['pages'] else ''}"
                for doc in i["evidence"]["documents"]
            )
        ),
        "facts": d.text(
            "; ".join(f"{f['path']} = {_word(f['value'])}" for f in i["evidence"]["facts"])
        ),
        "override_by": d.text(override.get("by")),
        "override_reason": d.text(override.get("reason")),
        "finding": d.text(i["finding"]),
        "recommendation": d.text(i["recommendation"]),
        "owner": d.text(action.get("owner")),
        "due": d.text(action.get("due")),
        "lands_in": d.text(
            "; ".join(
                f"{x['framework']} {x['id']} ({x['relation']}, {x['status']})"
                for x in i["lands_in"]
            )
        ),
    }


class CsvRenderer(RendererBase):
    """Writes one row per framework, node, gate and indicator."""

    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"

    def __init__(
        self, audience: str = "full", language: str | None = None, *, csv_dialect: str = "excel"
    ) -> None:
        super().__init__(audience, language)  # CSV is language-neutral: ids, codes and numbers
        self.dialect = DIALECTS[csv_dialect]

    def render(self, result: AuditResult) -> bytes:
        """UTF-8 CSV with a byte-order mark and a header row."""
        out = io.StringIO(newline="")
        writer = csv.DictWriter(
            out, COLUMNS, restval="", lineterminator="\r\n", delimiter=self.dialect.delimiter
        )
        writer.writeheader()
        for framework in result_record(result, self.audience)["frameworks"]:
            writer.writerows(_rows(framework, self.dialect))
        return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
