"""The CSV renderer: one row per indicator per framework, for spreadsheet users.

Written as UTF-8 with a byte-order mark, which Excel needs to read accents correctly. Every value
comes from the canonical record; nothing is computed here.
"""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

from engine.model import AuditResult
from engine.render.record import result_record
from engine.render.renderer import RendererBase

COLUMNS = (
    "framework",
    "framework_version",
    "path",
    "indicator",
    "title",
    "status",
    "computed_status",
    "score",
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


def _row(framework: dict[str, Any], i: dict[str, Any]) -> list[object]:
    answer, override, action = i["answer"] or {}, i["override"] or {}, i["action"] or {}
    return [
        framework["id"],
        framework["version"],
        " > ".join(i["path"]),
        i["id"],
        i["title"],
        i["status"],
        i["computed_status"],
        "" if i["score"] is None else repr(i["score"]),
        repr(i["weight"]),
        repr(i["effective_weight"]),
        repr(i["points_lost"]),
        "yes" if i["critical"] else "no",
        i["priority"] or "",
        i["pathway"],
        i["method"],
        "yes" if i["inferred"] else "no",
        i["explanation"],
        answer.get("answer", ""),
        answer.get("comment", ""),
        answer.get("given_for") or "",
        "; ".join(
            f"{d['id']}{' p. ' + d['pages'] if d['pages'] else ''}"
            for d in i["evidence"]["documents"]
        ),
        "; ".join(f"{f['path']} = {f['value']}" for f in i["evidence"]["facts"]),
        override.get("by", ""),
        override.get("reason", ""),
        i["finding"],
        i["recommendation"],
        action.get("owner") or "",
        action.get("due") or "",
        "; ".join(
            f"{x['framework']} {x['id']} ({x['relation']}, {x['status']})" for x in i["lands_in"]
        ),
    ]


class CsvRenderer(RendererBase):
    """Writes one row per indicator per framework."""

    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"

    def render(self, result: AuditResult) -> bytes:
        """UTF-8 CSV with a byte-order mark and a header row."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for framework in result_record(result)["frameworks"]:
            for indicator in framework["indicators"]:
                writer.writerow(_row(framework, indicator))
        return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
