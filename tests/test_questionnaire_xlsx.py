"""The Excel questionnaire: template out, filled by a script, imported back, assessed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode, InvalidInputError
from engine.importers.questionnaire import read_questionnaire
from engine.load import load_file
from engine.pipeline import run_audit
from engine.questionnaire_sheets import (
    FIRST_ROW,
    HEADER_ROW,
    Field,
    Kind,
    cell_value,
    read_cell,
)
from engine.questionnaire_xlsx import questionnaire_workbook, template_bytes
from engine.render import RENDERERS
from engine.rulesets import load_rule_sets

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
_POSITION = re.compile(r"[\w.-]+\.yaml:\d+:\d+")


def _json_result(evidence: Path) -> str:
    """The JSON result, without what names the evidence file (positions, its name and hash)."""
    record = json.loads(RENDERERS["json"]().render(run_audit(evidence, ["all"])))
    record["provenance"]["evidence"] = None

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "position"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return _POSITION.sub("FILE:L:C", node) if isinstance(node, str) else node

    return json.dumps(strip(record), sort_keys=True, indent=1)


def _data(path: Path) -> dict[str, Any]:
    data = load_file(path).document.data
    assert isinstance(data, dict)
    return {k: v for k, v in data.items() if k != "$schema"}


def _strict(data: object) -> str:
    """Data as JSON: 1 and 1.0, true and 1 differ."""
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_evidence_file_survives_the_workbook(example: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "q.xlsx"
    workbook.write_bytes(template_bytes([], workbook, example))
    imported = read_questionnaire(workbook)
    assert _strict(imported.data) == _strict(_data(example))
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(imported.yaml_text, encoding="utf-8")
    assert _strict(_data(evidence)) == _strict(_data(example))
    assert _json_result(evidence) == _json_result(example)


@pytest.mark.parametrize(
    ("institution", "country"),
    [("Nyota Green Microfinance", "KE"), ("Rio Verde Cooperativa", "BR")],  # 1 and 2 respondents
)
def test_green_index_answers_survive_the_workbook(
    institution: str, country: str, tmp_path: Path
) -> None:
    from engine.importers.green_index import import_export

    export = ROOT / "examples" / "green_index" / "export.csv"
    original = tmp_path / "gi.yaml"
    original.write_text(
        import_export(export, institution=institution, country=country).yaml_text,
        encoding="utf-8",
    )
    workbook = tmp_path / "gi.xlsx"
    workbook.write_bytes(template_bytes([], workbook, original))
    sheets = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert ("Green Index" in sheets) == (country == "KE")
    assert ("Green Index respondents" in sheets) == (country == "BR")
    back = tmp_path / "back.yaml"
    back.write_text(read_questionnaire(workbook).yaml_text, encoding="utf-8")
    assert _strict(_data(back)) == _strict(_data(original))
    assert _json_result(back) == _json_result(original)


def test_the_same_input_gives_the_same_bytes() -> None:
    rule_sets = load_rule_sets(["all"])
    kombit = _data(ROOT / "examples" / "kombit-microfinance.yaml")
    first = questionnaire_workbook(rule_sets, kombit)
    assert first == questionnaire_workbook(load_rule_sets(["all"]), kombit)
    assert first != questionnaire_workbook(rule_sets)


def _book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _row_of(sheet: Any, value: str, column: int = 1) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"{value} not in {sheet.title}")


def _column_of(sheet: Any, header: str) -> int:
    for cell in sheet[HEADER_ROW]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header} in {sheet.title}")


def _set(sheet: Any, key: str, header: str, value: object) -> None:
    sheet.cell(row=_row_of(sheet, key), column=_column_of(sheet, header)).value = value


def _fill_blank(book: Any) -> None:
    """What an institution types: its name, dates, a document, a few facts and answers."""
    inst = book["Institution"]
    for key, value in {
        "institution.name": "Banque Lumière",
        "institution.country": "SN",
        "assessment.period.start": dt.datetime(2025, 1, 1),  # typed as dates
        "assessment.period.end": "2025-12-31",  # or as text
        "assessment.assessed_on": dt.datetime(2026, 2, 2),
    }.items():
        _set(inst, key, "value", value)
    book["Assessors"].cell(row=FIRST_ROW, column=1).value = "Awa Ndiaye"
    docs = book["Documents"]
    docs.cell(row=FIRST_ROW, column=_column_of(docs, "title")).value = "Credit manual"
    docs.cell(row=FIRST_ROW, column=_column_of(docs, "date")).value = dt.datetime(2025, 3, 1)
    data = book["Data"]
    _set(data, "profile.offers.credit", "value", True)  # Excel's TRUE
    _set(data, "policies.credit.collateral_not_substitute", "value", "yes")
    _set(data, "policies.credit.max_debt_service_ratio", "value", 0.55)
    _set(data, "policies.credit.repayment_capacity_analysis", "value", "Yes")
    us = book["Universal Standards"]
    _set(us, "4.A.1.1", "answer", "yes")
    _set(us, "4.A.1.1", "documents", "DOC-1 p. 12-14")
    _set(us, "4.A.1.4", "answer", "partially")
    _set(us, "4.A.1.4", "comment", "Informal debts are not counted.")
    _set(us, "4.B.1.4", "answer", "no")


_SAME_AS_YAML = """\
schema_version: 1
institution: {name: Banque Lumière, country: SN}
assessment:
  type: self_assessment
  status: draft
  period: {start: "2025-01-01", end: "2025-12-31"}
  assessed_on: "2026-02-02"
  assessors: [{name: Awa Ndiaye, role: lead assessor}]
documents:
  - {id: DOC-1, title: Credit manual, kind: policy, date: "2025-03-01"}
facts:
  profile: {offers: {credit: true}}
  policies:
    credit:
      repayment_capacity_analysis: true
      max_debt_service_ratio: 0.55
      collateral_not_substitute: true
answers:
  universal-standards:
    4.A.1.1: {answer: "yes", evidence: [{document: DOC-1, pages: "12-14"}]}
    4.A.1.4: {answer: partially, comment: Informal debts are not counted.}
    4.B.1.4: {answer: "no"}
"""


def test_a_blank_workbook_filled_by_a_script_assesses_as_its_yaml(tmp_path: Path) -> None:
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    _fill_blank(book)
    workbook = tmp_path / "filled.xlsx"
    book.save(workbook)
    out = tmp_path / "evidence.yaml"
    result = CliRunner().invoke(app, ["import", "questionnaire", str(workbook), "-o", str(out)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "3 answer(s), 4 fact(s)" in result.output
    audit = run_audit(out, ["universal-standards"])
    statuses = {
        i.result.indicator.id: str(i.result.status) for f in audit.frameworks for i in f.indicators
    }
    assert {k: statuses[k] for k in ("4.A.1.1", "4.A.1.2", "4.A.1.3", "4.A.1.4", "4.B.1.4")} == {
        "4.A.1.1": "pass",  # answered yes, and the data agree
        "4.A.1.2": "pass",  # decided by the fact alone
        "4.A.1.3": "partial",  # 0.55: within 0.1 of the 0.5 cap
        "4.A.1.4": "partial",
        "4.B.1.4": "fail",
    }
    assert statuses["4.A.2.2"] == "not_assessed"  # left blank: never a pass
    same = tmp_path / "same.yaml"
    same.write_text(_SAME_AS_YAML, encoding="utf-8")
    assert _strict(_data(out)) == _strict(_data(same))
    assert _json_result(out) == _json_result(same)


def test_every_bad_cell_is_reported_in_one_run_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    _fill_blank(book)
    us, data, goals = book["Universal Standards"], book["Data"], book["Social goals"]
    _set(us, "4.A.1.1", "answer", "yes please")
    _set(us, "4.A.1.4", "documents", "DOC-1 p. 3; see the annex!")
    _set(data, "clients.women_share", "value", 71)  # a percentage where a share is asked
    _set(data, "profile.regulated", "value", "maybe")
    _set(book["Institution"], "assessment.assessed_on", "value", "next week")
    goals.cell(row=FIRST_ROW, column=_column_of(goals, "target")).value = "lots"
    book.save("broken.xlsx")
    out = tmp_path / "evidence.yaml"
    result = CliRunner().invoke(app, ["import", "questionnaire", "broken.xlsx", "-o", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert not out.exists()
    errors = sorted(line for line in result.output.splitlines() if ": error: " in line)
    us_row, women, regulated = (
        _row_of(us, "4.A.1.1"),
        _row_of(data, "clients.women_share"),
        _row_of(data, "profile.regulated"),
    )
    assessed = _row_of(book["Institution"], "assessment.assessed_on")
    answer, documents = _column_of(us, "answer"), _column_of(us, "documents")
    us_row4 = _row_of(us, "4.A.1.4")
    target = _column_of(goals, "target")
    letter = openpyxl.utils.get_column_letter
    expected = sorted(
        [
            f"broken.xlsx:{us_row}:{answer}: error: Universal Standards!{letter(answer)}{us_row}: "
            "'yes please' is not one of yes, partially, no, na [cell]",
            f"broken.xlsx:{us_row4}:{documents}: error: Universal Standards!{letter(documents)}"
            f"{us_row4}: 'see the annex!' is not a document citation like 'DOC-1 p. 4' or "
            "'DOC-2' [cell]",
            f"broken.xlsx:{women}:2: error: Data!B{women}: 71 is above the maximum 1 "
            "(a share: 0.25 = 25 %) [cell]",
            f"broken.xlsx:{regulated}:2: error: Data!B{regulated}: 'maybe' is not yes or no [cell]",
            f"broken.xlsx:{assessed}:2: error: Institution!B{assessed}: 'next week' is not a "
            "date YYYY-MM-DD [cell]",
            f"broken.xlsx:{FIRST_ROW}:{target}: error: Social goals!{letter(target)}{FIRST_ROW}: "
            "'lots' is not a number [cell]",
            # and, in the same run, what the evidence checks find in the rest: the goal's row
            # gives neither its id nor its wording
            f"broken.xlsx:{FIRST_ROW}:1: error: Social goals!A{FIRST_ROW}: required key 'goal' "
            "is missing [schema]",
            f"broken.xlsx:{FIRST_ROW}:1: error: Social goals!A{FIRST_ROW}: required key 'id' "
            "is missing [schema]",
        ]
    )
    assert errors == expected


def test_the_evidence_checks_point_at_the_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    _fill_blank(book)
    us = book["Universal Standards"]
    _set(us, "4.A.1.1", "documents", "DOC-9 p. 2")  # no such document
    extra = us.max_row + 1
    us.cell(row=extra, column=1).value = "4.A.1.44"  # a row added by hand, with a typo
    us.cell(row=extra, column=_column_of(us, "answer")).value = "yes"
    book.save("refs.xlsx")
    with pytest.raises(InvalidInputError) as caught:
        read_questionnaire(Path("refs.xlsx"))
    row, column = _row_of(us, "4.A.1.1"), _column_of(us, "documents")
    assert [str(d) for d in caught.value.diagnostics] == [
        f"refs.xlsx:{row}:{column}: error: Universal Standards!L{row}: cited document 'DOC-9' "
        "is not listed in 'documents' (did you mean 'DOC-1'?) [reference]",
        f"refs.xlsx:{extra}:1: error: Universal Standards!A{extra}: '4.A.1.44' is not an "
        "indicator of 'universal-standards' (did you mean '4.A.1.4'?) [reference]",
    ]


def test_a_blank_template_is_refused_until_its_blanks_are_filled(tmp_path: Path) -> None:
    workbook = tmp_path / "blank.xlsx"
    workbook.write_bytes(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    with pytest.raises(InvalidInputError) as caught:
        read_questionnaire(workbook)
    messages = [d.message for d in caught.value.diagnostics]
    assert (
        "Institution!B5: '<name of the institution>' is a blank of the template: replace it with the real value"
        in messages
    )
    assert all("is a blank of the template" in m for m in messages)


def test_bad_cells_and_the_template_blanks_are_said_in_one_run(tmp_path: Path) -> None:
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    _set(book["Universal Standards"], "4.A.1.1", "answer", "oui")
    workbook = tmp_path / "early.xlsx"
    book.save(workbook)
    with pytest.raises(InvalidInputError) as caught:
        read_questionnaire(workbook)
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes.count("cell") == 1
    assert codes.count("placeholder") == 8  # every blank: name, country, dates, assessor, document


def test_a_workbook_that_is_not_a_questionnaire_is_refused(tmp_path: Path) -> None:
    other = openpyxl.Workbook()
    path = tmp_path / "other.xlsx"
    other.save(path)
    with pytest.raises(InvalidInputError, match="problem"):
        read_questionnaire(path)
    with pytest.raises(InvalidInputError) as caught:
        read_questionnaire(path)
    assert "not a questionnaire workbook" in str(caught.value.diagnostics[0])


def _questions(rule_sets: list[str]) -> list[tuple[object, object]]:
    sheet = _book(questionnaire_workbook(load_rule_sets(rule_sets)))["Universal Standards"]
    return [(r[0], r[1]) for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True)]


def test_a_profile_and_its_framework_share_one_sheet_with_each_question_once() -> None:
    alone = _questions(["universal-standards"])
    both = _questions(["alinus", "universal-standards"])
    assert both == alone
    ids = [ident for ident, _ in both if ident]
    assert len(ids) == len(set(ids))


def test_the_workbook_offers_drop_downs_and_bounds() -> None:
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"])))
    us = book["Universal Standards"]
    lists = [v.formula1 for v in us.data_validations.dataValidation if v.type == "list"]
    assert '"yes,partially,no,na"' in lists
    data = book["Data"]
    share = _row_of(data, "clients.women_share")
    rules = {
        (v.type, v.formula1, v.formula2)
        for v in data.data_validations.dataValidation
        if f"B{share}" in str(v.sqref).split()
    }
    assert rules == {("decimal", "0", "1")}
    assert us.freeze_panes == f"A{FIRST_ROW}"
    assert data.cell(row=share, column=5).value.startswith("checked by ")


FIELDS = [
    (Field("n", ("n",), Kind.NUMBER, {"minimum": 0, "maximum": 1}), 0.25),
    (Field("n", ("n",), Kind.INTEGER, {"minimum": 0}), 12),
    (Field("b", ("b",), Kind.BOOLEAN, {}), False),
    (Field("d", ("d",), Kind.DATE, {}), "2025-06-30"),
    (Field("c", ("c",), Kind.CHOICE, {"enum": ["low", "high"]}), "high"),
    (Field("c", ("c",), Kind.CHOICE, {"enum": [0, 1]}), 1),  # the Green Index's scores
    (Field("c", ("c",), Kind.CHOICES, {"enum": ["a", "b", "c"]}), ["c", "a"]),
    (Field("l", ("l",), Kind.LINES, {}), ["First strength.", "Second, with a comma."]),
    (
        Field("e", ("e",), Kind.CITATIONS, {}),
        [{"document": "K-1", "pages": "4-5", "note": "annex"}, {"document": "K-2"}],
    ),
    (Field("t", ("t",), Kind.TEXT, {}), "=not a formula"),
]


@pytest.mark.parametrize(("field", "value"), FIELDS, ids=[f"{f.kind}" for f, _ in FIELDS])
def test_a_value_reads_back_as_it_was_written(field: Field, value: object) -> None:
    assert read_cell(field, cell_value(field, value)) == (value, None)


SHARE = Field("s", ("s",), Kind.NUMBER, {"minimum": 0, "maximum": 1})
TYPED = [
    (SHARE, "45 %", 0.45),
    (SHARE, "0,45", 0.45),
    (SHARE, 1, 1),
    (Field("n", ("n",), Kind.INTEGER, {}), 12.0, 12),
    (Field("b", ("b",), Kind.BOOLEAN, {}), True, True),
    (Field("b", ("b",), Kind.BOOLEAN, {}), " No ", False),
    (Field("d", ("d",), Kind.DATE, {}), dt.datetime(2025, 6, 30), "2025-06-30"),
    (Field("c", ("c",), Kind.CHOICE, {"enum": ["na", "yes"]}), "YES", "yes"),
    (Field("c", ("c",), Kind.CHOICES, {"enum": ["a", "b"]}), "b; a", ["b", "a"]),
]


@pytest.mark.parametrize(("field", "typed", "value"), TYPED)
def test_what_people_type_is_read_as_they_mean_it(
    field: Field, typed: object, value: object
) -> None:
    assert read_cell(field, typed) == (value, None)
    assert type(read_cell(field, typed)[0]) is type(value)


def test_a_comma_that_could_separate_thousands_is_refused() -> None:
    number = Field("n", ("n",), Kind.NUMBER, {})
    assert read_cell(number, "1,000") == (
        None,
        "'1,000' is ambiguous: write it without a comma, or with a point",
    )
    assert read_cell(number, "2,5") == (2.5, None)


def test_the_yaml_template_is_unchanged_without_a_workbook(tmp_path: Path) -> None:
    text = template_bytes(["smart-campaign"], tmp_path / "e.yaml", None).decode()
    assert yaml.safe_load(text)["answers"] == {"smart-campaign": {}}
    with pytest.raises(Exception, match="--from pre-fills a workbook"):
        template_bytes([], tmp_path / "e.yaml", ROOT / "examples" / "kombit-microfinance.yaml")
