"""`spm-audit import questionnaire`: a filled questionnaire workbook → an evidence file.

Reads the workbook `spm-audit template -o FILE.xlsx` wrote (its hidden sheet `spm-audit` names
each sheet's role), checks every cell against the evidence schema's type for it (numbers and their
bounds, shares, yes/no, dates, choices, document citations), and reports every bad cell in one run
as `FILE.xlsx:ROW:COLUMN: error: SHEET!CELL: …`. In the same run the evidence built from the
cells is validated as `spm-audit validate` does (references, dates, indicator ids, the template's
blanks), its problems placed at the cells they come from. Any error: nothing is returned, nothing
is written.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.errors import Diagnostic, InvalidInputError, Position, Severity, did_you_mean
from engine.evidence import check_evidence_for, read_document
from engine.i18n import use_language
from engine.load import display_name
from engine.placeholders import is_placeholder
from engine.questionnaire_sheets import (
    DECIMAL_FORMAT,
    FIRST_ROW,
    FRAMEWORK_COLUMNS,
    HEADER_ROW,
    KEY_VALUE_COLUMNS,
    META_SHEET,
    Field,
    Kind,
    Role,
    action_fields,
    answer_fields,
    cell_text,
    evidence_schema,
    fact_fields,
    green_index_fields,
    header_name,
    institution_field,
    item_fields,
    list_fact_fields,
    override_fields,
    read_cell,
)
from engine.rulesets import load_rule_sets
from engine.schemafiles import schema_line
from engine.workbook import column_letters
from engine.yamlsource import PathKey, YamlDocument

# Positions carry their sheet in the file name until the diagnostics are shown (`in_cells`):
# two sheets have cells at the same row and column.
_SHEET = "\x00"
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000
# The order of an evidence file's sections, as the examples write them.
SECTIONS = (
    "schema_version",
    "institution",
    "assessment",
    "fact_sources",
    "documents",
    "facts",
    "answers",
    "overrides",
    "action_plan",
)


@dataclass(frozen=True, slots=True)
class Imported:
    """The evidence text, the warnings of its validation, and a summary for the user."""

    yaml_text: str
    data: Mapping[str, Any]
    warnings: tuple[Diagnostic, ...]
    answers: int
    facts: int


@dataclass
class _Reading:
    """What the cells gave so far: data, the cell of every path, and the problems."""

    file: str
    data: dict[str, Any] = field(default_factory=dict)
    positions: dict[PathKey, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    answers: int = 0
    facts: int = 0

    def position(self, sheet: str, row: int, column: int) -> Position:
        """The cell's position, its sheet named after `_SHEET` until `in_cells` shows it."""
        return Position(f"{self.file}{_SHEET}{sheet}", row, column)

    def problem(self, at: Position, message: str) -> None:
        self.problems.append(Diagnostic(at, message, code="cell"))

    def put(self, path: Sequence[str | int], value: object, at: Position) -> None:
        """Set `path` in the data (making the mappings and lists on the way), and its cell."""
        node: Any = self.data
        for i, key in enumerate(path[:-1]):
            self.positions.setdefault(tuple(path[: i + 1]), at)
            following = path[i + 1]
            if isinstance(node, list):
                while len(node) <= int(key):
                    node.append({})
                node = node[int(key)]
            else:
                node = node.setdefault(key, [] if isinstance(following, int) else {})
        self.positions[tuple(path)] = at
        if isinstance(node, list):
            node.append(value)
        else:
            node[path[-1]] = value

    def value(self, fld: Field, raw: object, at: Position) -> tuple[bool, object]:
        """The cell's value for `fld`; for a bad cell, after saying why, its text."""
        if isinstance(raw, str) and is_placeholder(raw):
            return True, raw.strip()  # refused by validation, in the template's words
        value, why = read_cell(fld, raw)
        if why is not None:
            self.problem(at, why)
            return True, cell_text(raw)  # stands in its place for the checks that follow
        return True, value


def _rows(sheet: Any) -> list[tuple[int, tuple[object, ...]]]:
    return [
        (number, tuple(_value(cell) for cell in cells))
        for number, cells in enumerate(sheet.iter_rows(), start=1)
    ]


def _value(cell: Any) -> object:
    value = cell.value
    # The template writes a whole decimal (1.0) with one decimal shown: it stays a decimal.
    if type(value) is int and getattr(cell, "number_format", "") == DECIMAL_FORMAT:
        return float(value)
    return value


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _key_values(
    reading: _Reading,
    name: str,
    rows: Sequence[tuple[int, tuple[object, ...]]],
    root: PathKey,
    lookup: Callable[[str], Field | None],
) -> None:
    seen: dict[str, int] = {}
    value_column = KEY_VALUE_COLUMNS.index("value") + 1
    for number, values in rows:
        if number < FIRST_ROW:
            continue
        key = values[0] if values else None
        raw = values[value_column - 1] if len(values) >= value_column else None
        if _blank(raw):
            continue
        at = reading.position(name, number, value_column)
        if _blank(key):
            reading.problem(at, "a value on a row without a field name")
            continue
        shown = str(key).strip()
        fld = lookup(shown)
        if fld is None:
            reading.problem(at, f"unknown field '{shown}'")
            continue
        if shown in seen:
            reading.problem(at, f"'{shown}' is given twice (also in row {seen[shown]})")
            continue
        seen[shown] = number
        ok, value = reading.value(fld, raw, at)
        if ok:
            reading.put((*root, *fld.at), value, at)
            reading.facts += root[:1] == ("facts",)


def _header(
    reading: _Reading,
    name: str,
    rows: Sequence[tuple[int, tuple[object, ...]]],
    fields: Mapping[str, Field],
    ignored: Sequence[str] = (),
) -> dict[int, Field]:
    header = next((values for number, values in rows if number == HEADER_ROW), ())
    columns: dict[int, Field] = {}
    for i, raw in enumerate(header):
        title = header_name("" if raw is None else str(raw).strip())
        if not title or title in ignored:
            continue
        if title in fields:
            columns[i] = fields[title]
        else:
            at = reading.position(name, HEADER_ROW, i + 1)
            reading.problem(at, f"unknown column '{title}'{did_you_mean(title, fields)}")
    return columns


def _list_sheet(
    reading: _Reading,
    name: str,
    rows: Sequence[tuple[int, tuple[object, ...]]],
    root: PathKey,
    fields: Sequence[Field],
) -> None:
    columns = _header(reading, name, rows, {f.name: f for f in fields})
    index = 0
    for number, values in rows:
        if number < FIRST_ROW or all(_blank(v) for v in values):
            continue
        row_at = reading.position(name, number, 1)
        reading.put((*root, index), {}, row_at)
        for i, fld in columns.items():
            raw = values[i] if i < len(values) else None
            if _blank(raw):
                continue
            at = reading.position(name, number, i + 1)
            ok, value = reading.value(fld, raw, at)
            if ok:
                reading.put((*root, index, *fld.at), value, at)
        reading.facts += root[:1] == ("facts",)
        index += 1


def _keyed_sheet(
    reading: _Reading,
    name: str,
    rows: Sequence[tuple[int, tuple[object, ...]]],
    root: str,
    fields: Sequence[Field],
) -> None:
    keys = {n: Field(n, (n,), Kind.TEXT, {}) for n in ("framework", "indicator")}
    columns = _header(reading, name, rows, {**keys, **{f.name: f for f in fields}})
    where = {f.name: i for i, f in columns.items()}
    for number, values in rows:
        if number < FIRST_ROW or all(_blank(v) for v in values):
            continue
        row_at = reading.position(name, number, 1)
        ids = []
        for key in ("framework", "indicator"):
            i = where.get(key)
            raw = values[i] if i is not None and i < len(values) else None
            if _blank(raw):
                reading.problem(row_at, f"a row without its {key}")
            ids.append("" if _blank(raw) else str(raw).strip())
        if not all(ids):
            continue
        if ids[1] in (reading.data.get(root, {}).get(ids[0]) or {}):
            reading.problem(row_at, f"{ids[0]} {ids[1]} is given twice")
            continue
        reading.put((root, ids[0], ids[1]), {}, row_at)
        for i, fld in columns.items():
            raw = values[i] if i < len(values) else None
            if fld.name in keys or _blank(raw):
                continue
            at = reading.position(name, number, i + 1)
            ok, value = reading.value(fld, raw, at)
            if ok:
                reading.put((root, ids[0], ids[1], *fld.at), value, at)


def _framework_sheet(
    reading: _Reading, name: str, rows: Sequence[tuple[int, tuple[object, ...]]], key: str
) -> None:
    fields = {f.name: f for f in answer_fields()}
    ignored = [c for c in FRAMEWORK_COLUMNS if c not in fields and c != "id"]
    columns = _header(
        reading, name, rows, {**fields, "id": Field("id", (), Kind.TEXT, {})}, ignored
    )
    id_column = next((i for i, f in columns.items() if f.name == "id"), 0)
    seen: dict[str, int] = {}
    for number, values in rows:
        if number < FIRST_ROW:
            continue
        given = {
            i: values[i]
            for i, f in columns.items()
            if f.name != "id" and i < len(values) and not _blank(values[i])
        }
        if not given:
            continue
        raw_id = values[id_column] if id_column < len(values) else None
        row_at = reading.position(name, number, id_column + 1)
        if _blank(raw_id):
            reading.problem(row_at, "an answer on a row without an indicator id (a heading?)")
            continue
        ident = str(raw_id).strip() if isinstance(raw_id, str) else _id_text(raw_id)
        if ident in seen:
            reading.problem(row_at, f"{ident} is answered twice (also in row {seen[ident]})")
            continue
        seen[ident] = number
        reading.put(("answers", key, ident), {}, row_at)
        reading.answers += 1
        for i, raw in given.items():
            at = reading.position(name, number, i + 1)
            ok, value = reading.value(columns[i], raw, at)
            if ok:
                reading.put(("answers", key, ident, *columns[i].at), value, at)


def _id_text(raw: object) -> str:
    return repr(raw) if isinstance(raw, float) else str(raw)


def _language(book: Any) -> str | None:
    """The workbook's language, as its meta sheet records it (English before it did)."""
    if META_SHEET not in book.sheetnames:
        return None
    first: tuple[object, ...] = next(
        iter(book[META_SHEET].iter_rows(max_row=1, values_only=True)), ()
    )
    return str(first[2]) if len(first) > 2 and first[2] else None


def _meta(reading: _Reading, book: Any) -> list[tuple[str, str, str, Position]]:
    if META_SHEET not in book.sheetnames:
        start = Position(reading.file, 1, 1)
        raise InvalidInputError(
            [
                Diagnostic(
                    start,
                    f"not a questionnaire workbook: it has no sheet '{META_SHEET}' "
                    "(write one with `spm-audit template -o FILE.xlsx`)",
                )
            ]
        )
    entries = []
    for number, values in _rows(book[META_SHEET]):
        if number < FIRST_ROW or not values or _blank(values[0]):
            continue
        cells = [("" if v is None else str(v)) for v in (*values, "", "")[:3]]
        entries.append((cells[0], cells[1], cells[2], reading.position(META_SHEET, number, 1)))
    return entries


def _read_sheet(reading: _Reading, book: Any, entry: tuple[str, str, str, Position]) -> None:
    name, role, key, at = entry
    if name not in book.sheetnames:
        reading.problem(
            at, f"the workbook has no sheet '{name}'{did_you_mean(name, book.sheetnames)}"
        )
        return
    rows = _rows(book[name])
    if len(rows) > MAX_ROWS:
        reading.problem(at, f"sheet '{name}' has more than {MAX_ROWS} rows")
        return
    root: PathKey = tuple(key.split(".")) if key else ()
    match role:
        case Role.INSTITUTION:
            _key_values(reading, name, rows, (), institution_field)
        case Role.DATA:
            known = {
                f.name: f
                for f in (green_index_fields() if key == "facts.green_index" else fact_fields())
            }
            _key_values(reading, name, rows, root, known.get)
        case Role.LIST:
            _list_sheet(reading, name, rows, root, _list_fields(key))
        case Role.FRAMEWORK:
            _framework_sheet(reading, name, rows, key)
        case Role.KEYED:
            fields = override_fields() if key == "overrides" else action_fields()
            _keyed_sheet(reading, name, rows, key, fields)
        case _:
            reading.problem(at, f"unknown sheet role '{role}'")


def _list_fields(key: str) -> list[Field]:
    props = evidence_schema()["properties"]
    if key == "documents":
        return item_fields(props["documents"])
    if key == "assessment.assessors":
        return item_fields(props["assessment"]["properties"]["assessors"])
    return list_fact_fields(key.removeprefix("facts."))


def in_cells(diagnostic: Diagnostic) -> Diagnostic:
    """A diagnostic at `FILE:ROW:COLUMN`, its message naming the cell (`Sheet!B12: …`)."""
    at = diagnostic.position
    file, _, sheet = at.file.partition(_SHEET)
    if not sheet:
        return diagnostic
    cell = f"{sheet}!{column_letters(at.column)}{at.line}"
    return Diagnostic(
        Position(file, at.line, at.column),
        f"{cell}: {diagnostic.message}",
        diagnostic.severity,
        diagnostic.code,
    )


def read_questionnaire(path: Path) -> Imported:
    """Read and check a filled questionnaire workbook; return the evidence it gives.

    Raises:
        InvalidInputError: every bad cell, then every problem of the evidence built from them.
    """
    import zipfile

    import openpyxl

    shown = display_name(path)
    start = Position(shown, 1, 1)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InvalidInputError([Diagnostic(start, f"cannot read file: {e}", code="io")]) from e
    if len(raw) > MAX_WORKBOOK_BYTES:
        raise InvalidInputError(
            [Diagnostic(start, f"file is {len(raw)} bytes, over the limit of {MAX_WORKBOOK_BYTES}")]
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InvalidInputError([Diagnostic(start, f"not a readable xlsx file: {e}")]) from e
    reading = _Reading(shown)
    reading.positions[()] = start
    with use_language(_language(book)):  # the headers' and answers' words of the workbook
        for entry in _meta(reading, book):
            _read_sheet(reading, book, entry)
    data = {"schema_version": 1, **reading.data}
    data = {k: data[k] for k in SECTIONS if k in data} | {
        k: v for k, v in data.items() if k not in SECTIONS
    }
    text = (
        schema_line("evidence")
        + "\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    )
    doc = YamlDocument(shown, data, reading.positions)
    # A bad cell's text stands in its place, so that the checks below see the rest as it is and
    # what they say about that cell (already said) is left out: every problem in one run.
    said = {d.position for d in reading.problems}
    try:
        read = read_document(doc, hashlib.sha256(text.encode()).hexdigest())
    except InvalidInputError as e:
        raise InvalidInputError([in_cells(d) for d in (*reading.problems, *e.diagnostics)]) from e
    found = [*reading.problems, *(d for d in read.diagnostics if d.position not in said)]
    if read.evidence is None:
        raise InvalidInputError([in_cells(d) for d in found])
    # As `spm-audit validate` does: the answers' ids and the facts against every bundled rule set.
    problems = check_evidence_for(read.evidence, load_rule_sets(["all"]), ())
    found += [d for d in (*read.evidence.warnings, *problems) if d.position not in said]
    diagnostics = [in_cells(d) for d in sorted(set(found))]
    if reading.problems or read.has_errors or any(d.severity is Severity.ERROR for d in found):
        raise InvalidInputError(diagnostics)
    warnings = tuple(d for d in diagnostics if d.severity is not Severity.ERROR)
    return Imported(text, data, warnings, reading.answers, reading.facts)
