"""The CSV opened by a real spreadsheet (LibreOffice Calc) in English, French and German settings.

Every id stays text (no "1.1.1" turned into a date) and every score a number. LibreOffice is a
system package (`make system-deps` installs it); the conversion runs headless, offline.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from engine.pipeline import run_audit
from engine.render import renderer_for
from engine.resources import EXAMPLES_DIR

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice Calc (soffice) is not installed: run make system-deps"
)
LANGUAGES = {"en-US": 1033, "fr-FR": 1036, "de-DE": 1031}


@pytest.fixture(scope="module")
def result():
    return run_audit(EXAMPLES_DIR / "kombit-microfinance.yaml", ["all"])


def _open_in_calc(csv: Path, separator: str, language: int, tmp: Path) -> list[dict[str, object]]:
    """The rows as LibreOffice reads the file with these settings (values, not formulas)."""
    options = f"CSV:{ord(separator)},34,76,1,,{language}"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            f"--infilter={options}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp),
            str(csv),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheet = openpyxl.load_workbook(tmp / f"{csv.stem}.xlsx", data_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


@pytest.mark.parametrize(
    ("dialect", "language"),
    [("excel", "en-US"), ("excel-fr", "fr-FR"), ("excel-fr", "de-DE")],
)
def test_ids_stay_text_and_scores_stay_numbers(
    result, dialect: str, language: str, tmp_path: Path
) -> None:
    csv = tmp_path / "kombit.csv"
    csv.write_bytes(renderer_for("csv", csv_dialect=dialect).render(result))
    separator = ";" if dialect == "excel-fr" else ","
    rows = _open_in_calc(csv, separator, LANGUAGES[language], tmp_path)
    assert len(rows) > 400
    for row in rows:
        assert isinstance(row["id"], str), (language, row["id"])
        assert isinstance(row["framework_version"], str), (language, row["framework_version"])
        if row["score"] is not None:
            assert isinstance(row["score"], (int, float)), (language, row["id"], row["score"])
    ids = {row["id"] for row in rows}
    assert {"1.1.1", "4.A.1.1", "2.3"} <= ids
    weights = [row["effective_weight_pct"] for row in rows if row["row"] == "indicator"]
    assert all(isinstance(w, (int, float)) for w in weights if w is not None)
