"""`spm-audit import green-index`: a Green Index 3.0 data export → an evidence file.

The export is the form's data as ODK Central (or KoBo) writes it: one row per submission, one
column per field, column names prefixed by their groups (`green_index_survey-standard_0-…-
indicator_GI_0_1_1`), select_multiple answers as space-separated choice names. Every cell is
checked against the form (`green_index_form.json`, generated from the XLSForm): an unknown choice,
a number that is not one or breaks the form's bounds, 'none' ticked with other options, or an
answer given where the form's relevance skips the question is a diagnostic
`EXPORT:ROW:COLUMN: error: …` (for an xlsx file ROW and COLUMN are the sheet's row and column
numbers, and the message names the cell). Any error: nothing is returned, nothing is written.

Rows are grouped by institution as the index's own tool selects them (the `institution` column):
one institution's rows become `facts.green_index` (one respondent) or
`facts.green_index_respondents` (several).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.errors import Diagnostic, InvalidInputError, Position, UsageError, did_you_mean
from engine.evidence import build_evidence
from engine.importers.xlsform import Fn, compile_expression, is_true
from engine.load import display_name, load_file, parse_text
from engine.schemafiles import schema_line

FORM_FILE = Path(__file__).with_name("green_index_form.json")
MAX_EXPORT_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
FACT = "green_index"
FACT_LIST = "green_index_respondents"
INSTITUTION = "institution"
# Columns ODK Central and KoBo add to every export; they are not form fields.
SYSTEM_COLUMNS = frozenset(
    {
        "SubmissionDate",
        "instanceID",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
    }
)
# Form fields kept out of the evidence: the device's metadata and the respondent's personal data.
LEFT_OUT = frozenset(
    {"meta_start_time", "meta_end_time", "meta_device_id", "meta_username", "name", "email"}
)
DATE_COLUMNS = ("meta_end_time", "end", "SubmissionDate", "_submission_time")


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the form, as the importer checks it."""

    name: str
    type: str
    choices: tuple[str, ...]
    relevant: Fn | None
    relevant_text: str
    none_excludes_others: bool
    bounds: Mapping[str, float]
    calculation: Fn | None


@dataclass(frozen=True, slots=True)
class Form:
    """The Green Index form: its fields in order."""

    version: str
    fields: Mapping[str, Field]


@functools.cache
def green_index_form() -> Form:
    """The bundled description of the Green Index 3.0 form."""
    raw = json.loads(FORM_FILE.read_text(encoding="utf-8"))
    lists: Mapping[str, list[str]] = raw["choices"]
    fields = {}
    for entry in raw["fields"]:
        relevant = entry.get("relevant", "")
        calculation = entry.get("calculation")
        fields[entry["name"]] = Field(
            entry["name"],
            entry["type"],
            tuple(lists.get(entry.get("choices", ""), ())),
            compile_expression(relevant) if relevant else None,
            relevant,
            entry.get("none_excludes_others", False),
            entry.get("bounds", {}),
            compile_expression(calculation) if calculation else None,
        )
    return Form(str(raw["form_version"]), fields)


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell of the export."""

    text: str
    position: Position
    label: str  # how the message names the cell: "column 'x'" or "cell C12 'x'"


@dataclass(frozen=True, slots=True)
class Table:
    """The export read as text: its column names and rows."""

    file: str
    columns: tuple[tuple[str, Position], ...]
    rows: tuple[tuple[int, Mapping[int, Cell]], ...]  # (row number, column index → cell)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: Path) -> Table:
    """Read a CSV (UTF-8, comma-separated) or xlsx export (its first sheet)."""
    shown = display_name(path)
    start = Position(shown, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise InvalidInputError(
                [Diagnostic(start, f"file is {size} bytes, over the limit of {MAX_EXPORT_BYTES}")]
            )
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise InvalidInputError([Diagnostic(start, "file not found", code="io")]) from e
    except OSError as e:
        raise InvalidInputError([Diagnostic(start, f"cannot read file: {e}", code="io")]) from e
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(raw, shown)
    return _read_csv(raw, shown)


def _read_csv(raw: bytes, shown: str) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InvalidInputError(
            [Diagnostic(Position(shown, line, 1), "not valid UTF-8", code="encoding")]
        ) from e
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[int, Cell]]] = []
    columns: tuple[tuple[str, Position], ...] = ()
    first_line = 1
    try:
        for record in reader:
            line = first_line
            first_line = reader.line_num + 1
            if not columns:
                columns = tuple(
                    (name.strip(), Position(shown, line, i + 1)) for i, name in enumerate(record)
                )
                continue
            if not any(v.strip() for v in record):
                continue
            cells = {
                i: Cell(v.strip(), Position(shown, line, i + 1), f"column '{columns[i][0]}'")
                for i, v in enumerate(record)
                if v.strip() and i < len(columns)
            }
            if len(record) > len(columns):
                raise InvalidInputError(
                    [
                        Diagnostic(
                            Position(shown, line, len(columns) + 1),
                            f"row has {len(record)} values, but the header names {len(columns)} columns",
                        )
                    ]
                )
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise InvalidInputError(
                    [Diagnostic(Position(shown, line, 1), f"more than {MAX_ROWS} rows")]
                )
    except csv.Error as e:
        raise InvalidInputError(
            [Diagnostic(Position(shown, reader.line_num or 1, 1), f"not a readable CSV file: {e}")]
        ) from e
    if not columns:
        raise InvalidInputError([Diagnostic(Position(shown, 1, 1), "file is empty")])
    return Table(shown, columns, tuple(rows))


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(raw: bytes, shown: str) -> Table:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InvalidInputError(
            [Diagnostic(Position(shown, 1, 1), f"not a readable xlsx file: {e}")]
        ) from e
    sheet = book.worksheets[0]
    columns: tuple[tuple[str, Position], ...] = ()
    rows: list[tuple[int, dict[int, Cell]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [_xlsx_text(v) for v in values]
        if not columns:
            columns = tuple((t, Position(shown, number, i + 1)) for i, t in enumerate(texts))
            continue
        if not any(texts):
            continue
        cells = {
            i: Cell(
                t,
                Position(shown, number, i + 1),
                f"cell {sheet.title}!{_column_letters(i + 1)}{number} '{columns[i][0]}'",
            )
            for i, t in enumerate(texts)
            if t and i < len(columns)
        }
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise InvalidInputError(
                [Diagnostic(Position(shown, number, 1), f"more than {MAX_ROWS} rows")]
            )
    if not columns:
        raise InvalidInputError([Diagnostic(Position(shown, 1, 1), "sheet is empty")])
    return Table(shown, columns, tuple(rows))


# ---------------------------------------------------------------------------------------------
# Checking the cells against the form
# ---------------------------------------------------------------------------------------------
def _map_columns(table: Table, form: Form, problems: list[Diagnostic]) -> dict[int, str]:
    """Column index → field name, for the columns that hold form fields."""
    mapped: dict[int, str] = {}
    seen: dict[str, Position] = {}
    for index, (column, position) in enumerate(table.columns):
        name = column.rsplit("-", 1)[-1]
        if "/" in name and name.split("/", 1)[0] in form.fields:
            continue  # a select_multiple split into one 0/1 column per choice: redundant
        if not column or name in SYSTEM_COLUMNS or column in SYSTEM_COLUMNS:
            continue
        if name in LEFT_OUT:
            continue
        if name not in form.fields:
            problems.append(
                Diagnostic(
                    position,
                    f"column '{column}' is not a field of the Green Index 3.0 form"
                    f"{did_you_mean(name, form.fields)}",
                )
            )
            continue
        if name in seen:
            problems.append(
                Diagnostic(
                    position,
                    f"field '{name}' has two columns (first at column {seen[name].column})",
                )
            )
            continue
        seen[name] = position
        mapped[index] = name
    return mapped


def _parse(field: Field, cell: Cell, problems: list[Diagnostic]) -> object:
    """A cell's value as the evidence holds it, or None (with a diagnostic) if the form forbids it."""
    text = cell.text

    def bad(message: str) -> None:
        problems.append(Diagnostic(cell.position, f"{cell.label}: {message}"))

    match field.type:
        case "select_one":
            if text not in field.choices:
                bad(f"'{text}' is not a choice of {field.name}{_choices_hint(text, field)}")
                return None
            return text
        case "select_multiple":
            names = text.split()
            unknown = [n for n in names if n not in field.choices]
            if unknown:
                bad(
                    f"'{unknown[0]}' is not a choice of {field.name}{_choices_hint(unknown[0], field)}"
                )
                return None
            if len(set(names)) != len(names):
                bad(f"a choice is ticked twice in '{text}'")
                return None
            if field.none_excludes_others and "none" in names and len(names) > 1:
                bad("'none' is ticked together with other options; the form allows 'none' alone")
                return None
            return names
        case "integer" | "decimal":
            number: int | float
            try:
                number = int(text) if field.type == "integer" else float(text)
            except ValueError:
                bad(f"'{text}' is not {'an integer' if field.type == 'integer' else 'a number'}")
                return None
            if not math.isfinite(number):
                bad(f"'{text}' is not a finite number")
                return None
            for key, limit in field.bounds.items():
                broken = {
                    "minimum": number < limit,
                    "maximum": number > limit,
                    "exclusiveMinimum": number <= limit,
                    "exclusiveMaximum": number >= limit,
                }[key]
                if broken:
                    symbol = {
                        "minimum": "≥",
                        "maximum": "≤",
                        "exclusiveMinimum": ">",
                        "exclusiveMaximum": "<",
                    }
                    bad(f"{text} breaks the form's constraint: it must be {symbol[key]} {limit:g}")
                    return None
            return number
        case "date":
            day = text[:10]
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                bad(f"'{text}' is not a date (YYYY-MM-DD)")
                return None
            return day
        case "calculate":
            return None  # recomputed from the answers below
        case _:
            return text


def _choices_hint(word: str, field: Field) -> str:
    hint = did_you_mean(word, field.choices)
    return hint or f" (choices: {', '.join(field.choices)})"


def check_row(
    cells: Mapping[int, Cell], columns: Mapping[int, str], form: Form, problems: list[Diagnostic]
) -> dict[str, object]:
    """One submission's values in form order; problems gets every value the form would not allow."""
    parsed: dict[str, object] = {}
    where: dict[str, Cell] = {}
    for index, name in columns.items():
        cell = cells.get(index)
        if cell is None:
            continue
        value = _parse(form.fields[name], cell, problems)
        where[name] = cell
        if value is not None:
            parsed[name] = value
    for field in form.fields.values():
        if field.calculation is not None and (
            field.relevant is None or is_true(field.relevant(parsed))
        ):
            value = field.calculation(parsed)
            number = int(value) if isinstance(value, (int, float)) else None
            cell = where.get(field.name)
            if cell is not None and cell.text not in (str(number), f"{number}.0"):
                problems.append(
                    Diagnostic(
                        cell.position,
                        f"{cell.label}: '{cell.text}' differs from the form's calculation, which gives {number}",
                    )
                )
            if number is not None:
                parsed[field.name] = number
    unusable = {name for name in where if name not in parsed}
    for name, cell in where.items():
        field = form.fields[name]
        if unusable & set(_REFERENCE.findall(field.relevant_text)):
            continue  # it rests on a value already reported
        if name in parsed and field.relevant is not None and not is_true(field.relevant(parsed)):
            problems.append(
                Diagnostic(
                    cell.position,
                    f"{cell.label}: answered, but the form skips {name} for these answers "
                    f"(relevant: {_short(field.relevant_text)})",
                )
            )
    return {name: parsed[name] for name in form.fields if name in parsed}


_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= 160 else text[:157] + "..."


# ---------------------------------------------------------------------------------------------
# The evidence file
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Imported:
    """What the importer found: the evidence text and a summary for the user."""

    yaml_text: str
    institution: str
    respondents: int


def import_export(
    export: Path,
    *,
    institution: str | None = None,
    into: Path | None = None,
    country: str | None = None,
    assessed_on: str | None = None,
) -> Imported:
    """Read and check an export; return the evidence file for one institution's rows.

    Raises:
        InvalidInputError: every value of the export that the form would not allow.
        UsageError: the institution is ambiguous or missing, or a new file lacks its country.
    """
    form = green_index_form()
    table = read_table(export)
    problems: list[Diagnostic] = []
    columns = _map_columns(table, form, problems)
    if INSTITUTION not in columns.values() and institution is not None:
        raise UsageError(f"{table.file}: the export has no '{INSTITUTION}' column to select by")
    institution_column = next((i for i, n in columns.items() if n == INSTITUTION), None)

    def name_of(cells: Mapping[int, Cell]) -> str:
        cell = cells.get(institution_column) if institution_column is not None else None
        return cell.text if cell is not None else ""

    names = list(dict.fromkeys(name_of(cells) for _, cells in table.rows))
    if not table.rows:
        raise UsageError(f"{table.file}: the export holds no submission")
    if institution is None:
        if len(names) > 1:
            shown = ", ".join(repr(n) if n else "(anonymous)" for n in names)
            raise UsageError(
                f"{table.file}: the export holds {len(names)} institutions ({shown}); choose one with --institution"
            )
        institution = names[0]
    elif institution not in names:
        raise UsageError(
            f"{table.file}: no submission of institution '{institution}'{did_you_mean(institution, names)}; "
            f"found: {', '.join(repr(n) for n in names)}"
        )
    chosen = [(row, cells) for row, cells in table.rows if name_of(cells) == institution]
    submissions = [check_row(cells, columns, form, problems) for _, cells in chosen]
    if problems:
        raise InvalidInputError(problems)
    day = assessed_on or _latest_date(table, chosen)
    data = _evidence(into, submissions, institution, country, day)
    text = _dump(data)
    shown = display_name(into) if into is not None else "(imported evidence)"
    build_evidence(parse_text(text.encode(), shown), hashlib.sha256(text.encode()).hexdigest())
    return Imported(text, institution or "(anonymous)", len(submissions))


def _latest_date(table: Table, rows: Sequence[tuple[int, Mapping[int, Cell]]]) -> str | None:
    indexes = [i for i, (c, _) in enumerate(table.columns) if c.rsplit("-", 1)[-1] in DATE_COLUMNS]
    days = [cells[i].text[:10] for _, cells in rows for i in indexes if i in cells]
    return max((d for d in days if _is_date(d)), default=None)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None


def _evidence(
    into: Path | None,
    submissions: Sequence[Mapping[str, object]],
    institution: str,
    country: str | None,
    day: str | None,
) -> dict[str, Any]:
    answers: dict[str, object] = (
        {FACT: dict(submissions[0])}
        if len(submissions) == 1
        else {FACT_LIST: [dict(s) for s in submissions]}
    )
    if into is not None:
        data = load_file(into).document.data
        if not isinstance(data, dict):
            raise UsageError(f"{display_name(into)}: not an evidence file")
        merged = dict(data)
        facts = {
            k: v for k, v in dict(merged.get("facts") or {}).items() if k not in (FACT, FACT_LIST)
        }
        merged["facts"] = {**facts, **answers}
        return merged
    if country is None or not re.fullmatch(r"[A-Z]{2}", country):
        raise UsageError(
            "a new evidence file needs --country (ISO 3166-1 alpha-2, e.g. KE), or use --into"
        )
    if day is None:
        raise UsageError("the export has no submission date: give --assessed-on YYYY-MM-DD")
    year = int(day[:4]) - 1
    return {
        "schema_version": 1,
        "institution": {"name": institution or "Anonymous institution", "country": country},
        "assessment": {
            "title": "Green Index 3.0 self-assessment (imported from the form's export)",
            "type": "self_assessment",
            "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
            "assessed_on": day,
        },
        "facts": answers,
    }


def _dump(data: Mapping[str, Any]) -> str:
    body = yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)
    return schema_line("evidence") + "\n" + body
