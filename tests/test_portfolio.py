"""The portfolio outputs of spm-audit batch: portfolio.xlsx against portfolio.csv, the summary's numbers
(quartiles, histogram, size classes, counts, peer groups) against hand-computed values, its HTML and PDF."""

from __future__ import annotations

import csv
import io
import shutil
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from engine.batch import PORTFOLIO_COLUMNS, PORTFOLIO_SHARES, BatchItem, PortfolioRow
from engine.errors import ExitCode
from engine.peers import PeerFacts, size_class
from engine.portfolio_report import portfolio_html, portfolio_pdf
from engine.portfolio_summary import (
    NO_SIZE,
    QUARTILE_METHOD,
    Quartiles,
    histogram,
    quartiles,
    summarise,
)
from engine.resources import EXAMPLES_DIR
from engine.rulesets import load_rule_sets
from engine.workbook import column_letters

runner = CliRunner()
TEXT_COLUMNS = {
    *("file", "institution", "country", "legal_form", "size_class", "status", "framework"),
    *("framework_version", "grade", "gates_passed", "gates_failed", "gates_undecided"),
    "first_problem",
}
COUNT_COLUMNS = {"critical_failures", "warnings", "problems"}
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))

# values → (min, Q1, median, Q3, max), worked by hand with ranks k·(n − 1)/4 counted from 0
QUARTILE_CASES = {
    "four": ([1, 2, 3, 4], (1, F(7, 4), F(5, 2), F(13, 4), 4)),  # ranks 0.75, 1.5, 2.25
    "five, unsorted": (
        [F(1, 10), F(5, 10), F(2, 10), F(9, 10), F(4, 10)],
        (F(1, 10), F(2, 10), F(4, 10), F(5, 10), F(9, 10)),  # ranks 1, 2, 3: no interpolation
    ),
    "six": (
        [0, F(10, 100), F(20, 100), F(30, 100), F(40, 100), 1],
        (0, F(125, 1000), F(25, 100), F(375, 1000), 1),  # ranks 1.25, 2.5, 3.75
    ),
    "two": ([F(1, 5), F(3, 5)], (F(1, 5), F(3, 10), F(2, 5), F(1, 2), F(3, 5))),
    "one": ([F(2, 3)], (F(2, 3),) * 5),
    "ties": ([F(1, 2)] * 3 + [1], (F(1, 2), F(1, 2), F(1, 2), F(5, 8), 1)),  # rank 2.25: 1/2 + 1/8
}


@pytest.mark.parametrize("case", QUARTILE_CASES)
def test_quartiles_against_hand_computed_values(case: str) -> None:
    values, (low, q1, median, q3, high) = QUARTILE_CASES[case]
    assert quartiles(F(v) for v in values) == Quartiles(len(values), low, q1, median, q3, high)


def test_no_values_no_quartiles_and_the_method_is_stated() -> None:
    assert quartiles([]) is None
    assert 'statistics.quantiles(method="inclusive")' in QUARTILE_METHOD
    assert "k·(n − 1)/4" in QUARTILE_METHOD


def test_histogram_bins() -> None:
    bins = histogram([F(0), F(1, 10), F(99, 1000), F(95, 100), F(1), F(1, 2)])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert (bins[0].low, bins[-1].high) == (0, 1)


def _row(
    framework: str, score: F | None, coverage: F, grade: str | None, **kw: object
) -> PortfolioRow:
    return PortfolioRow(
        framework,
        "1.0.0",
        score,
        coverage,
        grade,
        tuple(kw.get("passed", ())),  # type: ignore[arg-type]
        tuple(kw.get("failed", ())),  # type: ignore[arg-type]
        tuple(kw.get("undecided", ())),  # type: ignore[arg-type]
        0,
        tuple(kw.get("indicators", ())),  # type: ignore[arg-type]
    )


def _item(
    name: str, country: str, form: str, borrowers: int | None, *rows: PortfolioRow
) -> BatchItem:
    return BatchItem(
        Path(f"in/{name}.yaml"),
        name,
        country,
        Path(f"out/{name}.json"),
        rows,
        (),
        0,
        ExitCode.OK,
        PeerFacts(form, size_class(borrowers), borrowers),
        "2026-01-30",
    )


US = "universal-standards"
GATE = "client-protection-essentials"


@pytest.fixture(scope="module")
def portfolio() -> tuple[list[BatchItem], list]:  # type: ignore[type-arg]
    items = [
        _item(
            "a",
            "HT",
            "ngo",
            5_000,
            _row(US, F(1, 5), F(1), "D", failed=[GATE], indicators=["1.A.1.1", "2.A.1.1"]),
        ),
        _item(
            "b",
            "HT",
            "ngo",
            12_000,
            _row(US, F(2, 5), F(1), "C", failed=[GATE], indicators=["2.A.1.1"]),
        ),
        _item(
            "c",
            "PE",
            "nbfi",
            40_000,
            _row(US, F(3, 5), F(1, 2), None, undecided=[GATE], indicators=["2.A.1.1"]),
        ),
        _item("d", "PE", "nbfi", None, _row(US, F(4, 5), F(1), "A", passed=[GATE])),
        _item(
            "e", "FJ", "cooperative", 100, _row(US, F(0), F(0), None, undecided=[GATE])
        ),  # no evidence
        BatchItem(
            Path("in/bad.yaml"),
            "",
            "",
            None,
            (),
            ("in/bad.yaml:3:5: error: nope", "x"),
            0,
            ExitCode.INVALID_INPUT,
        ),
    ]
    rule_sets = load_rule_sets(["universal-standards"])
    return items, rule_sets


def test_the_summary_of_a_small_portfolio(portfolio: tuple[list[BatchItem], list]) -> None:  # type: ignore[type-arg]
    items, rule_sets = portfolio
    summary = summarise(items, rule_sets)
    assert (summary.files, summary.assessed) == (6, 5)
    (us,) = summary.frameworks
    assert (us.institutions, us.no_evidence, us.not_rated) == (4, 1, 0)  # e is in no figure
    assert us.score == Quartiles(4, F(1, 5), F(7, 20), F(1, 2), F(13, 20), F(4, 5))
    assert us.coverage == Quartiles(4, F(1, 2), F(7, 8), F(1), F(1), F(1))
    assert [b.count for b in us.histogram] == [0, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    # the scale's order, best first, then no grade (c: coverage 50 %, below the scale's 70 %)
    assert [(g.grade, g.count) for g in us.grades] == [
        ("A+", 0),
        ("A", 1),
        ("B+", 0),
        ("B", 0),
        ("C", 1),
        ("D", 1),
        ("", 1),
    ]
    assert us.grades[1].label == "Good"
    (gate,) = us.gates
    assert (gate.id, gate.failed, gate.undecided, gate.passed) == (GATE, 2, 1, 1)
    assert [(i.id, i.failed) for i in us.indicators] == [("2.A.1.1", 3), ("1.A.1.1", 1)]
    assert us.indicators_failed == 2
    assert us.indicators[0].title  # from the rule set
    peers = {(p.dimension, p.name): p for p in us.peers}
    assert list(peers) == [  # by dimension, then by name; Fiji's only institution had no evidence
        ("country", "Haiti"),
        ("country", "Peru"),
        ("legal form", "Non-bank financial institution"),
        ("legal form", "Non-governmental organisation"),
        ("size class", "large"),
        ("size class", "medium"),
        ("size class", NO_SIZE),
        ("size class", "small"),
    ]
    haiti = peers[("country", "Haiti")]
    assert haiti.score == Quartiles(2, F(1, 5), F(1, 4), F(3, 10), F(7, 20), F(2, 5))
    assert peers[("size class", NO_SIZE)].score == Quartiles(1, *(F(4, 5),) * 5)
    (refused,) = summary.not_assessed
    assert (refused.file, refused.status, refused.problems) == ("bad.yaml", "refused", 2)
    assert refused.first_problem == "in/bad.yaml:3:5: error: nope"
    assert summary.dimensions == ("country", "legal form", "size class")


def test_the_summary_html_shows_the_numbers(portfolio: tuple[list[BatchItem], list]) -> None:  # type: ignore[type-arg]
    items, rule_sets = portfolio
    html = portfolio_html(summarise(items, rule_sets))
    assert "Portfolio screening summary" in html
    assert "35.0&nbsp;%" in html
    assert "65.0&nbsp;%" in html
    assert "Universal Standards" in html
    assert "bad.yaml" in html
    assert "in/bad.yaml:3:5: error: nope" in html
    assert "1 more assessed with no evidence for this framework" in html
    assert 'statistics.quantiles(method="inclusive")' in html.replace("&#34;", '"')
    assert "<svg" in html
    assert "<title>" in html
    assert "<desc>" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_portfolio_of_refused_files_only() -> None:
    item = BatchItem(
        Path("x.yaml"), "", "", None, (), ("x.yaml:1:1: error: empty",), 0, ExitCode.INVALID_INPUT
    )
    summary = summarise([item], [])
    assert summary.frameworks == ()
    assert summary.first_assessed == ""
    html = portfolio_html(summary)
    assert "x.yaml:1:1: error: empty" in html


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, inputs / example.name)
    (inputs / "broken.yaml").write_text("institution: {name: '=cmd|x'}\n", encoding="utf-8")
    return inputs


def test_the_workbook_holds_the_csv_rows_typed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(out), "-j", "1", "-f", "all", "--csv-dialect", "plain"]
    result = runner.invoke(app, [*args, "--no-summary"])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert not (out / "portfolio.html").exists()
    assert not (out / "portfolio.pdf").exists()
    rows = list(
        csv.DictReader(io.StringIO((out / "portfolio.csv").read_bytes().decode("utf-8-sig")))
    )
    book = openpyxl.load_workbook(out / "portfolio.xlsx")
    assert book.sheetnames == ["Portfolio"]
    sheet = book["Portfolio"]
    assert tuple(c.value for c in sheet[1]) == PORTFOLIO_COLUMNS
    assert sheet.max_row == len(rows) + 1 == len(EXAMPLES) * 4 + 2
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{column_letters(len(PORTFOLIO_COLUMNS))}{len(rows) + 1}"
    assert sheet.column_dimensions["A"].width >= 20
    for at, row in enumerate(rows, start=2):
        for number, column in enumerate(PORTFOLIO_COLUMNS, start=1):
            cell = sheet.cell(at, number)
            text = row[column]
            if text == "":
                assert cell.value is None, (at, column)
            elif column in TEXT_COLUMNS:
                assert cell.value == text, (at, column)
                assert cell.data_type == "s", (at, column)
            elif column in COUNT_COLUMNS:
                assert cell.value == int(text)
                assert isinstance(cell.value, int)
            else:  # scores, coverage, key figures: numbers, shares in percent format
                assert isinstance(cell.value, int | float), (at, column)  # 0.0 reads back as 0
                # openpyxl writes 16 significant digits; the plain dialect writes repr(float)
                assert cell.value == pytest.approx(float(text), rel=1e-15, abs=1e-15)
                shown = "0.0%" if column in PORTFOLIO_SHARES else "General"
                assert cell.number_format == shown, (at, column)
    (refused,) = [r for r in rows if r["status"] == "refused"]
    assert refused["first_problem"].startswith(f"{folder / 'broken.yaml'}:1:1: error:")
    # the same batch gives the same workbook bytes
    again = tmp_path / "again"
    runner.invoke(app, [*args[:3], str(again), *args[4:], "--no-summary"])
    assert (again / "portfolio.xlsx").read_bytes() == (out / "portfolio.xlsx").read_bytes()


def test_the_summary_pdf_of_a_batch(folder: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-j", "1", "-f", "all"])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "portfolio.html and " in result.output
    assert "portfolio.pdf" in result.output
    pdf = (out / "portfolio.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(out / "portfolio.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 4
    for expected in (
        "Portfolio screening summary",
        "Smart Campaign",
        "Peer quartiles",
        "Not assessed",
        "broken.yaml",
        "Gates failed most often",
        "QUARTILE.INC",
    ):
        assert expected in text, expected
    items_pdf = portfolio_pdf(summarise([], []))
    assert items_pdf.startswith(b"%PDF-")


def test_the_same_summary_gives_the_same_pdf_bytes(portfolio: tuple[list[BatchItem], list]) -> None:  # type: ignore[type-arg]
    items, rule_sets = portfolio
    summary = summarise(items, rule_sets)
    first, second = portfolio_pdf(summary), portfolio_pdf(summarise(items, rule_sets))
    assert first == second
    from pypdf import PdfReader

    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.creation_date.date().isoformat() == "2026-01-30"  # the latest assessment's
