"""The questionnaire in French and Spanish: a translated workbook reads back to the same evidence."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from engine.errors import InvalidInputError
from engine.importers.questionnaire import read_questionnaire
from engine.load import load_file
from engine.questionnaire_xlsx import questionnaire_workbook, template_bytes
from engine.rulesets import load_rule_sets

ROOT = Path(__file__).resolve().parents[1]
KOMBIT = ROOT / "examples" / "kombit-microfinance.yaml"


def _book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_translated_workbook_gives_the_same_evidence(language: str, tmp_path: Path) -> None:
    """Export in English and in `language`, import both: the same evidence file, byte for byte."""
    texts = {}
    for lang in ("en", language):
        path = tmp_path / f"{lang}.xlsx"
        path.write_bytes(template_bytes(["all"], path, KOMBIT, language=lang))
        texts[lang] = read_questionnaire(path).yaml_text
    assert texts[language] == texts["en"]
    assert "answer: partially" in texts["en"]  # the values stay in English


def test_the_french_workbook_speaks_french() -> None:
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"]), None, "fr"))
    assert {"Lisez-moi", "Données", "Normes universelles", "Plan d'action"} <= set(book.sheetnames)
    sheet = book["Normes universelles"]
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["id", "question", "conseils"]
    assert "réponse" in headers
    assert "answer" not in headers
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"oui,partiellement,non,na"' in lists
    read_me = " ".join(str(c.value or "") for c in book["Lisez-moi"]["A"])
    assert "yes, partially, no et na" in read_me  # it says the evidence stays language-neutral
    assert book["spm-audit"]["C1"].value == "fr"


def test_a_french_workbook_filled_by_a_script_imports(tmp_path: Path) -> None:
    """Answers typed in French words (and in English ones) become yes/partially/no."""
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"]), None, "fr"))
    sheet = book["Normes universelles"]
    headers = [c.value for c in sheet[2]]
    answer, comment = headers.index("réponse") + 1, headers.index("commentaire") + 1
    ids = [r[0].value for r in sheet.iter_rows(min_row=4) if r[0].value][:4]
    for ident, word in zip(ids, ["oui", "Partiellement", "non", "yes"], strict=True):
        row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == ident)
        sheet.cell(row=row, column=answer, value=word)
        sheet.cell(row=row, column=comment, value="vu sur place")
    institution = book["Institution"]
    for row in institution.iter_rows(min_row=4):
        if row[0].value == "institution.name":
            row[1].value = "Coopérative d'essai"
    path = tmp_path / "filled.xlsx"
    book.save(path)
    with pytest.raises(InvalidInputError) as refused:  # the template's other blanks are still <…>
        read_questionnaire(path)
    said = " ".join(str(d) for d in refused.value.diagnostics)
    assert "réponse" not in said  # no column refused: the French headers are read
    assert "not one of" not in said  # no answer refused: the French words are read


def test_answers_read_from_a_french_workbook() -> None:
    """Pre-filled from evidence, a French workbook holds 'oui'; read back, the answer is yes."""
    data = load_file(KOMBIT).document.data
    book = _book(questionnaire_workbook(load_rule_sets(["universal-standards"]), data, "fr"))
    sheet = book["Normes universelles"]
    column = [c.value for c in sheet[2]].index("réponse")
    words = {r[column].value for r in sheet.iter_rows(min_row=4) if r[column].value}
    assert words <= {"oui", "partiellement", "non", "na"}
    assert {"oui", "partiellement"} <= words


def test_the_yaml_template_in_spanish_keeps_english_values() -> None:
    text = template_bytes(["universal-standards"], None, None, language="es").decode()
    assert "# Plantilla de evidencias para: universal-standards." in text
    assert "Estos valores se quedan en inglés" in text
    assert 'answer: ""' in text
    yaml.safe_load(text)  # still a YAML file
    english = template_bytes(["universal-standards"], None, None).decode()
    assert "# Evidence template for: universal-standards." in english
