"""The portfolio table as a workbook (`portfolio.xlsx`): the rows and columns of `portfolio.csv`.

The rows are `batch.portfolio_table`'s, the ones the CSV is written from, so a column added there
reaches both files. Cells are typed: counts are numbers, scores and coverage numbers in percent
format (0.901 shows as 90.1 %), text stays text (a version `1.2.0` never becomes a date, a leading
`=` is never a formula). The header row is frozen, with filters on every column. The same rows give
the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from engine.batch import PORTFOLIO_COLUMNS, PORTFOLIO_SHARES, BatchItem, portfolio_table
from engine.workbook import column_letters, new_workbook, put, style_table, workbook_bytes

PERCENT = "0.0%"
SHEET = "Portfolio"
_WIDTHS = {
    "file": 30,
    "institution": 32,
    "framework": 22,
    "framework_version": 11,
    "gates_passed": 28,
    "gates_failed": 28,
    "gates_undecided": 28,
    "first_problem": 70,
}


def _width(column: str) -> int:
    return _WIDTHS.get(column, max(9, min(len(column) + 2, 18)))


def table_workbook(
    columns: Sequence[str], rows: Sequence[Mapping[str, object]], shares: frozenset[str]
) -> bytes:
    """One sheet: a header row, then every row; `shares` are the columns shown as percentages."""
    book = new_workbook()
    sheet = book.create_sheet(SHEET)
    for number, column in enumerate(columns, start=1):
        put(sheet, 1, number, column)
    for at, row in enumerate(rows, start=2):
        for number, column in enumerate(columns, start=1):
            value = row.get(column)
            if value is None or value == "":
                continue
            if isinstance(value, Fraction):
                value = float(value)
            put(sheet, at, number, value, number_format=PERCENT if column in shares else "")
    style_table(sheet, 1, [_width(c) for c in columns], wrap=False)  # one line a row
    sheet.auto_filter.ref = f"A1:{column_letters(len(columns))}{max(1, len(rows)) + 1}"
    return workbook_bytes(book)


def portfolio_xlsx(items: Sequence[BatchItem]) -> bytes:
    """`portfolio.xlsx`: the portfolio table, one row per institution and framework."""
    return table_workbook(PORTFOLIO_COLUMNS, portfolio_table(items), PORTFOLIO_SHARES)
