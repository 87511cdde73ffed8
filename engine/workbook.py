"""Writing xlsx workbooks: readable sheets, and the same bytes for the same content.

openpyxl stamps a workbook with the time it was saved (its document properties, and the date of
every member of the zip archive). `workbook_bytes` saves it, then writes the archive again with a
fixed date, so the same input gives the same file (as the PDF does). Cells are filled through
`put`, which keeps text text: a value starting with `=` is never a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

# The earliest date a zip archive can hold; the properties say the same.
FIXED_STAMP = dt.datetime(1980, 1, 1)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
HEADER_FILL = "DDE4EE"
HEADING_FILL = "EEF2F6"
# Characters that XML 1.0 cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def new_workbook() -> Any:
    """An empty workbook (no default sheet), with fixed document properties."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    book.properties.creator = "spm-audit"
    book.properties.created = FIXED_STAMP
    return book


def workbook_bytes(book: Any) -> bytes:
    """The workbook as xlsx bytes, with fixed dates: the same content gives the same bytes."""
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    stamp = FIXED_STAMP.timetuple()[:6]
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>1980-01-01T00:00:00Z\g<3>", data)
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return out.getvalue()


def put(sheet: Any, row: int, column: int, value: object, *, number_format: str = "") -> Any:
    """Write one cell; text stays text (a leading `=` is not a formula)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def style_table(
    sheet: Any,
    header_row: int,
    widths: Sequence[int],
    *,
    first_data_row: int | None = None,
    wrap: bool = True,
) -> None:
    """Bold shaded headers, column widths, wrapped text (unless not `wrap`), the header rows frozen.

    Wrapping styles every cell, which costs time on a large table (a second for 60,000 cells).
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[header_row]:
        cell.font, cell.fill = bold, fill
    if wrap:
        wrapped = Alignment(wrap_text=True, vertical="top")
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
            for cell in row:
                cell.alignment = wrapped
    sheet.freeze_panes = sheet.cell(row=first_data_row or header_row + 1, column=1)


@functools.cache
def _heading_style() -> tuple[Any, Any]:
    from openpyxl.styles import Font, PatternFill

    return Font(bold=True), PatternFill("solid", fgColor=HEADING_FILL)


def style_heading(sheet: Any, row: int, columns: int) -> None:
    """A heading row inside a table (a dimension, a standard, a section of the data)."""
    font, fill = _heading_style()
    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill = font, fill


def column_letters(number: int) -> str:
    """The column's letters: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
