"""The results workbook (`assess --format xlsx`), read back and checked against the JSON record."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.pipeline import run_audit
from engine.render import RENDERERS, format_for, renderer_for

ROOT = Path(__file__).resolve().parents[1]
KOMBIT = ROOT / "examples" / "kombit-microfinance.yaml"


@pytest.fixture(scope="module")
def result() -> Any:
    return run_audit(KOMBIT, ["all"])


def _sheets(data: bytes) -> dict[str, list[dict[str, Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        sheets[sheet.title] = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    return sheets


def _record(result: Any, audience: str) -> dict[str, Any]:
    return json.loads(renderer_for("json", audience).render(result))


@pytest.mark.parametrize("audience", ["full", "public"])
def test_the_workbook_holds_what_the_json_holds(result: Any, audience: str) -> None:
    record = _record(result, audience)
    sheets = _sheets(renderer_for("xlsx", audience).render(result))
    assert list(sheets) == ["Summary", "Scores", "Indicators", "Action plan"]
    frameworks = record["frameworks"]
    assert [(r["framework"], r["score"], r["coverage"]) for r in sheets["Summary"]] == [
        (f["id"], pytest.approx(f["overall"]["score"], rel=1e-15), f["overall"]["coverage"])
        for f in frameworks
    ]
    assert [r["grade"] for r in sheets["Summary"]] == [
        (f["grade"] or {}).get("grade") for f in frameworks
    ]
    nodes = [(f["id"], f["overall"]) for f in frameworks]
    nodes += [(f["id"], n) for f in frameworks for n in f["nodes"]]
    assert [(r["framework"], r["id"]) for r in sheets["Scores"]] == [(f, n["id"]) for f, n in nodes]
    for row, (_, node) in zip(sheets["Scores"], nodes, strict=True):
        assert row["score"] == (None if node["score"] is None else pytest.approx(node["score"]))
        assert row["passed"] == node["counts"]["pass"]
    indicators = [(f["id"], i) for f in frameworks for i in f["indicators"]]
    rows = sheets["Indicators"]
    assert len(rows) == len(indicators)
    for row, (framework, i) in zip(rows, indicators, strict=True):
        assert (row["framework"], row["id"], row["status"]) == (framework, i["id"], i["status"])
        # openpyxl writes 16 significant digits (Excel shows 15)
        assert row["score"] == pytest.approx(i["score"], rel=1e-15)
        assert row["effective weight"] == pytest.approx(i["effective_weight"], rel=1e-15)
        assert row["explanation"] == (i["explanation"] or None)
    assert len(sheets["Action plan"]) == len(record["action_plan"])


def test_numbers_are_numbers_and_ids_are_text(result: Any) -> None:
    book = openpyxl.load_workbook(io.BytesIO(renderer_for("xlsx").render(result)))
    sheet = book["Indicators"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("id")].value == "1.1.1")
    assert row[header.index("id")].data_type == "s"
    score = row[header.index("score")]
    assert score.data_type == "n"
    assert score.number_format == "0.0%"
    assert book["Summary"].freeze_panes == "A2"


def test_the_public_workbook_leaves_out_the_action_plan_and_evidence(result: Any) -> None:
    sheets = _sheets(renderer_for("xlsx", "public").render(result))
    assert sheets["Action plan"] == []
    assert all(r["explanation"] is None for r in sheets["Indicators"])
    assert any(r["explanation"] for r in _sheets(renderer_for("xlsx").render(result))["Indicators"])


def test_the_same_result_gives_the_same_bytes(result: Any) -> None:
    assert RENDERERS["xlsx"]().render(result) == RENDERERS["xlsx"]().render(result)


def test_assess_picks_the_workbook_from_the_suffix(tmp_path: Path) -> None:
    assert format_for(None, Path("r.xlsx")) == "xlsx"
    out = tmp_path / "results.xlsx"
    run = CliRunner().invoke(app, ["assess", str(KOMBIT), "-f", "spi", "-o", str(out)])
    assert run.exit_code == ExitCode.OK, run.output
    summary = _sheets(out.read_bytes())["Summary"]
    assert [r["framework"] for r in summary] == ["spi"]


def test_confidential_documents_stay_out_of_the_institution_workbook(result: Any) -> None:
    def cited(audience: str) -> str:
        rows = _sheets(renderer_for("xlsx", audience).render(result))["Indicators"]
        return " ".join(r["documents"] or "" for r in rows)

    assert "K-FILES" in cited("full")  # the loan-file sample is marked confidential
    assert "K-FILES" not in cited("institution")
    assert "K-CREDIT" in cited("institution")
