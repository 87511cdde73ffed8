"""Write the self-made Green Index 3.0 submissions of examples/green_index/ in the form's export format.

    .venv/bin/python bench/green_index_examples.py

Each submission is filled by walking the form's fields in order (engine/importers/
green_index_form.json), asking only what the form's relevance asks given the answers so far,
with a seeded random choice whose leaning sets the profile: strong, middling (two respondents of
one institution), weak, and one in the lighter version. The result is one CSV export with ODK
Central's column names (groups joined by '-'), as the index's own tool reads it.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.importers.green_index import FORM_FILE  # noqa: E402
from engine.importers.xlsform import compile_expression, is_true  # noqa: E402

OUT = ROOT / "examples" / "green_index" / "export.csv"

# (institution, version, leaning towards good answers, seed)
SUBMISSIONS = [
    ("Nyota Green Microfinance", "full_gi", 0.9, 11),
    ("Rio Verde Cooperativa", "full_gi", 0.55, 22),
    ("Rio Verde Cooperativa", "full_gi", 0.45, 23),
    ("Baobab Savings Network", "full_gi", 0.15, 33),
    ("Monte Claro Finanzas", "light", 0.7, 44),
]
TEXTS = {"countries": "Kenya", "currency": "EUR", "loan_portfolio": "12500000"}


def fill(
    form: dict[str, Any], institution: str, version: str, lean: float, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 - reproducible examples, not secrets
    lists = form["choices"]
    values: dict[str, Any] = {}
    fixed = {
        "self_assessment": "assessment",
        "disclose_institution": None,  # not anonymous
        "share_data": None,
        "institution": institution,
        "type_of_institution": "fsp",
        "legal_status": "nbfi",
        "fundation_year": "2006-01-01",
        "regions": ["ssa"],
        "gdpr": "yes",
        "analysis": "yes",
        "sharing_entities": ["cerise"],
        "gi_detail": version,
        "gi_feedback_mode": "no",
        "show_quantitative": "yes" if lean > 0.6 else "no",
    }
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        relevant = field.get("relevant")
        if relevant and not is_true(compile_expression(relevant)(values)):
            continue
        if kind == "calculate":
            values[name] = int(float(str(compile_expression(field["calculation"])(values))))
            continue
        if name in fixed:
            if fixed[name] is not None:
                values[name] = fixed[name]
            continue
        choices = list(lists.get(field.get("choices", ""), []))
        if kind == "select_one":
            if name.startswith("view_quantitative"):
                values[name] = "yes"
            elif choices == ["yes", "partially", "no"]:
                roll = rng.random()
                values[name] = (
                    "yes" if roll < lean else "partially" if roll < (1 + lean) / 2 else "no"
                )
            elif choices == ["yes", "no"]:
                values[name] = "yes" if rng.random() < lean else "no"
            elif choices:
                values[name] = rng.choice(choices)
        elif kind == "select_multiple":
            options = [c for c in choices if c != "none"]
            if "none" in choices and rng.random() > lean:
                values[name] = ["none"]
            else:
                many = 1 + sum(rng.random() < lean for _ in range(3))
                values[name] = rng.sample(options, min(many, len(options)))
        elif kind in ("integer", "decimal"):
            if rng.random() < 0.8:
                number = rng.randint(0, 100)
                values[name] = number if kind == "integer" else number * 0.75
        elif kind == "text":
            if name.startswith("practice_") or name == "comments":
                continue
            values[name] = TEXTS.get(name, "as described in the institution's policy")
    return values


def write(form: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    columns = [
        (f"{f['group']}-{f['name']}" if f["group"] else f["name"], f["name"])
        for f in form["fields"]
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["SubmissionDate", *(c for c, _ in columns), "KEY"])
        for number, row in enumerate(rows, start=1):
            cells = []
            for _, name in columns:
                value = row.get(name)
                cells.append(
                    " ".join(value)
                    if isinstance(value, list)
                    else ""
                    if value is None
                    else str(value)
                )
            writer.writerow(
                [f"2026-03-{number % 28 + 1:02d}T10:00:00.000Z", *cells, f"uuid:example-{number}"]
            )


def main() -> int:
    form = json.loads(FORM_FILE.read_text(encoding="utf-8"))
    rows = [fill(form, *spec) for spec in SUBMISSIONS]
    write(form, rows)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows)} submissions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
