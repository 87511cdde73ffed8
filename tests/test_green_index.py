"""The Green Index 3.0: the form in the evidence schema, the importer, and scores equal to the index's."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from engine.errors import InvalidInputError, UsageError
from engine.evaluate import evaluate_indicator
from engine.importers.green_index import FORM_FILE, LEFT_OUT, import_export
from engine.importers.xlsform import compile_expression, is_true
from engine.model import Override, Status
from engine.pipeline import run_audit
from engine.rulesets import load_rule_set
from engine.score import result_score

ROOT = Path(__file__).resolve().parents[1]
FORM_XLSX = ROOT.parent / "shared" / "data" / "green_index_3_0.xlsx"
EXAMPLES = ROOT / "examples" / "green_index"
EXPORT = EXAMPLES / "export.csv"
EXPECTED = yaml.safe_load((EXAMPLES / "expected_scores.yaml").read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "schemas" / "evidence.schema.json").read_text(encoding="utf-8"))
SUBMISSION = SCHEMA["$defs"]["green_index_submission"]["properties"]


# -- the form and the evidence schema --------------------------------------------------------------
def _form_rows() -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    book = openpyxl.load_workbook(FORM_XLSX, read_only=True)
    survey = list(book["survey"].iter_rows(values_only=True))
    fields = []
    for row in survey[1:]:
        kind, name = str(row[0] or "").strip(), str(row[1] or "").strip()
        base, _, list_name = kind.partition(" ")
        if base in ("begin", "end", "note", "start", "end", "deviceid", "username", ""):
            continue
        fields.append((name, base, list_name.strip()))
    choices: dict[str, list[str]] = {}
    for row in list(book["choices"].iter_rows(values_only=True))[1:]:
        if row[0] and row[1] is not None:
            choices.setdefault(str(row[0]).strip(), []).append(str(row[1]).strip())
    return fields, choices


@pytest.mark.skipif(
    not FORM_XLSX.is_file(), reason="the XLSForm is read from ../shared/data, absent here"
)
def test_every_field_and_choice_of_the_form_is_in_the_evidence_schema() -> None:
    fields, choices = _form_rows()
    checked = 0
    for name, kind, list_name in fields:
        if name in LEFT_OUT:
            assert name not in SUBMISSION, f"{name} is personal data or device metadata"
            continue
        assert name in SUBMISSION, f"form field {name} is missing from the evidence schema"
        schema = SUBMISSION[name]
        if kind == "select_one":
            assert schema["enum"] == choices[list_name], name
        elif kind == "select_multiple":
            assert schema["type"] == "array"
            assert schema["items"]["enum"] == choices[list_name], name
        elif kind == "integer":
            assert schema["type"] == "integer", name
        elif kind == "decimal":
            assert schema["type"] == "number", name
        elif kind == "date":
            assert schema["$ref"] == "#/$defs/date", name
        elif kind == "text":
            assert schema["type"] == "string", name
        checked += 1
    assert checked > 300
    assert set(SUBMISSION) == {n for n, _, _ in fields if n not in LEFT_OUT}


@pytest.mark.skipif(
    not FORM_XLSX.is_file(), reason="the XLSForm is read from ../shared/data, absent here"
)
def test_the_importers_form_description_matches_the_form() -> None:
    fields, choices = _form_rows()
    described = json.loads(FORM_FILE.read_text(encoding="utf-8"))
    assert [f["name"] for f in described["fields"]] == [
        n for n, _, _ in fields if n not in LEFT_OUT
    ]
    for entry in described["fields"]:
        if "choices" in entry:
            assert described["choices"][entry["choices"]] == choices[entry["choices"]]


def test_the_rule_set_holds_the_78_scored_questions() -> None:
    rule_set = load_rule_set(ROOT / "rules" / "green_index")
    ids = [i.id for i in rule_set.indicators()]
    assert len(ids) == 78
    assert [n.id for n in rule_set.nodes] == ["GI.0", "GI.1", "GI.2", "GI.3"]
    practices = [c.id for n in rule_set.nodes for c in n.children]
    assert practices == [f"GI.{s}.{p}" for s in range(4) for p in (1, 2)]
    sizes = [len(c.indicators) for n in rule_set.nodes for c in n.children]
    assert sizes == [6, 13, 10, 4, 10, 6, 25, 4]
    assert all(i.respondents is not None for i in rule_set.indicators())
    assert all(set(i.translations) == {"fr", "es"} for i in rule_set.indicators())


# -- the scores equal the index's ----------------------------------------------------------------------
def _assess(tmp_path: Path, institution: str):
    imported = import_export(EXPORT, institution=institution, country="KE")
    path = tmp_path / "evidence.yaml"
    path.write_text(imported.yaml_text, encoding="utf-8")
    return imported, run_audit(path, ["green-index"]).frameworks[0]


def _close(ours: Fraction | None, expected: float) -> bool:
    return ours is not None and abs(float(ours) * 100 - expected) < 5e-6


@pytest.mark.parametrize("institution", list(EXPECTED))
def test_scores_equal_the_official_scores(tmp_path: Path, institution: str) -> None:
    expected = EXPECTED[institution]
    imported, result = _assess(tmp_path, institution)
    scores = {s.result.indicator.id: s.score for s in result.indicators}
    assert set(scores) == set(expected["questions"])
    wrong = {
        q: (scores[q], v) for q, v in expected["questions"].items() if not _close(scores[q], v)
    }
    assert not wrong
    nodes = {n.node.id: n.score for n in result.nodes}
    for group in ("sections", "practices"):
        for node_id, value in expected[group].items():
            assert _close(nodes[node_id], value), (node_id, nodes[node_id], value)
    assert _close(result.overall.score, expected["overall"])
    assert result.overall.coverage == 1
    assert imported.respondents == (2 if "two respondents" in expected["profile"] else 1)


def test_two_respondents_average_per_question(tmp_path: Path) -> None:
    _, result = _assess(tmp_path, "Rio Verde Cooperativa")
    averaged = [s for s in result.indicators if len(set(s.result.respondent_statuses)) > 1]
    assert averaged, "the two respondents disagree somewhere"
    for scored in averaged:
        assert scored.result.status is Status.PARTIAL
        assert "Respondent 2 of 2" in scored.result.explanation
        cited = [f.path for f in scored.result.facts]
        assert all(p.startswith("green_index_respondents.") for p in cited)
        assert all(f.position is not None for f in scored.result.facts if f.value is not None)


def test_a_light_submission_scores_full_only_questions_zero(tmp_path: Path) -> None:
    _, result = _assess(tmp_path, "Monte Claro Finanzas")
    by_id = {s.result.indicator.id: s for s in result.indicators}
    full_only = [i for i, s in by_id.items() if "full version only" in s.result.indicator.source]
    assert len(full_only) == 24  # 54 of the 78 questions are in the lighter version
    assert all(by_id[i].score == 0 for i in full_only)
    assert all(by_id[i].result.status is Status.FAIL for i in full_only)


def test_no_green_index_answers_is_not_assessed(tmp_path: Path) -> None:
    rule_set = load_rule_set(ROOT / "rules" / "green_index")
    indicator = rule_set.indicators()[0]
    result = evaluate_indicator(indicator, {}, None)
    assert result.status is Status.NOT_ASSESSED
    assert "No respondent's answers" in result.explanation


def test_respondent_statuses_give_the_mean_and_an_override_replaces_it() -> None:
    rule_set = load_rule_set(ROOT / "rules" / "green_index")
    indicator = next(i for i in rule_set.indicators() if i.id == "GI.0.1.6")
    facts = {
        "green_index_respondents": [
            {"indicator_GI_0_1_6": "yes"},
            {"indicator_GI_0_1_6": "partially"},
            {},
        ]
    }
    result = evaluate_indicator(indicator, facts, None)
    assert result.respondent_statuses == (Status.PASS, Status.PARTIAL, Status.FAIL)
    assert result.status is Status.PARTIAL
    assert result_score(result, rule_set) == Fraction(1, 2)  # (1 + 0.5 + 0) / 3
    agreed = evaluate_indicator(indicator, {"green_index_respondents": [{}, {}]}, None)
    assert agreed.status is Status.FAIL
    assert result_score(agreed, rule_set) == 0
    override = Override(Status.PASS, "reviewed", "A. Assessor", "2026-03-01", indicator.position)
    overridden = replace(result, status=Status.PASS, override=override)
    assert result_score(overridden, rule_set) == 1


# -- the importer ------------------------------------------------------------------------------------
def _rows() -> list[list[str]]:
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_several_institutions_need_a_choice() -> None:
    with pytest.raises(UsageError, match="holds 4 institutions"):
        import_export(EXPORT, country="KE")
    with pytest.raises(UsageError, match="did you mean 'Rio Verde Cooperativa'"):
        import_export(EXPORT, institution="Rio Verde Cooperativ", country="KE")


def test_a_broken_export_names_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    rows = _rows()
    header = rows[0]
    col = {name.rsplit("-", 1)[-1]: i for i, name in enumerate(header)}
    nyota = next(r for r in rows if "Nyota Green Microfinance" in r)
    nyota[col["indicator_GI_0_1_1"]] = "vision missions"  # unknown choice
    nyota[col["indicator_GI_0_1_6"]] = "maybe"  # not a choice of yes_no_p
    nyota[col["indicator_GI_1_1_1"]] = "none climate_change"  # 'none' with others
    nyota[col["quantitative_GI_0_2_3_Q1"]] = "lots"  # not a number
    nyota[col["quantitative_GI_0_1_2_Q2"]] = "150"  # over the form's bound
    nyota[col["indicator_GI_0_1_2_a"]] = "no"  # its details are now answered where skipped
    path = _write_csv(tmp_path / "broken.csv", rows)
    out = tmp_path / "evidence.yaml"
    result = CliRunner().invoke(
        app,
        [
            "import",
            "green-index",
            str(path),
            "-o",
            str(out),
            "--institution",
            "Nyota Green Microfinance",
            "--country",
            "KE",
        ],
    )
    assert result.exit_code == 2, result.output
    assert not out.exists()
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    row = rows.index(nyota) + 1

    def at(field: str) -> str:
        return f"{path}:{row}:{col[field] + 1}: error: column '{header[col[field]]}': "

    expected_starts = [
        at("indicator_GI_0_1_1")
        + "'missions' is not a choice of indicator_GI_0_1_1 (did you mean 'mission'?)",
        at("indicator_GI_0_1_2_a_details")
        + "answered, but the form skips indicator_GI_0_1_2_a_details",
        at("indicator_GI_0_1_2_a_details_other")
        + "answered, but the form skips indicator_GI_0_1_2_a_details_other",
        at("indicator_GI_0_1_6") + "'maybe' is not a choice of indicator_GI_0_1_6",
        at("quantitative_GI_0_1_2_Q2") + "150 breaks the form's constraint: it must be ≤ 100",
        at("quantitative_GI_0_2_3_Q1") + "'lots' is not a number",
        at("indicator_GI_1_1_1") + "'none' is ticked together with other options",
    ]
    assert len(lines) == len(expected_starts), lines
    for line, start in zip(
        lines, sorted(expected_starts, key=lambda s: int(s.split(":")[2])), strict=True
    ):
        assert line.startswith(start), (line, start)


def test_an_unknown_column_is_an_error_at_the_header(tmp_path: Path) -> None:
    rows = _rows()
    rows[0][5] = "intro-type_of_instituton"
    path = _write_csv(tmp_path / "renamed.csv", rows)
    with pytest.raises(InvalidInputError) as caught:
        import_export(path, institution="Nyota Green Microfinance", country="KE")
    (problem,) = caught.value.diagnostics
    assert (problem.position.line, problem.position.column) == (1, 6)
    assert "did you mean 'type_of_institution'" in problem.message


def test_xlsx_and_csv_exports_give_the_same_evidence(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in _rows():
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    from_csv = import_export(EXPORT, institution="Rio Verde Cooperativa", country="KE")
    from_xlsx = import_export(path, institution="Rio Verde Cooperativa", country="KE")
    assert from_xlsx.yaml_text == from_csv.yaml_text
    header = _rows()[0]
    assert _rows()[1][header.index("intro-institution")] == "Nyota Green Microfinance"
    column = next(i for i, n in enumerate(header, 1) if n.endswith("-indicator_GI_0_1_6"))
    sheet.cell(row=2, column=column, value="maybe")
    book.save(path)
    with pytest.raises(InvalidInputError) as caught:
        import_export(path, institution="Nyota Green Microfinance", country="KE")
    (problem,) = caught.value.diagnostics
    assert (problem.position.line, problem.position.column) == (2, column)
    assert "cell Sheet!" in problem.message


def test_into_adds_the_answers_to_an_existing_evidence_file(tmp_path: Path) -> None:
    base = ROOT / "examples" / "kombit-microfinance.yaml"
    imported = import_export(EXPORT, institution="Nyota Green Microfinance", into=base)
    data = yaml.safe_load(imported.yaml_text)
    original = yaml.safe_load(base.read_text(encoding="utf-8"))
    assert data["institution"] == original["institution"]
    assert data["facts"]["profile"] == original["facts"]["profile"]
    assert data["facts"]["green_index"]["institution"] == "Nyota Green Microfinance"


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("selected(${a},'x')", {"a": ["x", "y"]}, True),
        ("selected(${a},'x')", {}, False),
        ("not(selected(${a},'none')) and count-selected(${a})>0", {"a": ["k"]}, True),
        ("not(selected(${a},'none')) and count-selected(${a})>0", {}, False),
        ("${c}=1", {"c": 1}, True),
        ("${c}=1", {}, False),
        ("selected(${g},'full_gi') or selected(${g},'light')", {"g": "light"}, True),
        ("if(selected(${a},'no') and (string-length(${t})=0),0,1)", {"a": "no"}, 0),
        ("if(selected(${a},'no') and (string-length(${t})=0),0,1)", {"a": "no", "t": "x"}, 1),
    ],
)
def test_form_expressions(expression: str, values: dict[str, object], expected: object) -> None:
    value = compile_expression(expression)(values)
    assert (
        value if isinstance(expected, int) and not isinstance(expected, bool) else is_true(value)
    ) == expected


def test_form_expressions_outside_the_subset_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported function"):
        compile_expression("regex(${a}, '.*')")
