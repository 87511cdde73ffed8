"""Poverty scorecards: a scorecard file (`schemas/scorecard.schema.json`) to a checked `Scorecard`.

The bundled scorecards live in `rules/scorecards/`, one file each, named by their `id`; an
evidence file may also name a scorecard file of its own, by a path relative to its folder.
Problems in a scorecard file are diagnostics at their `file:line:col`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, cast

from engine import schemacheck
from engine.errors import Diagnostic, InvalidInputError, did_you_mean
from engine.load import load_file
from engine.poverty import Band, Scorecard, table_gaps
from engine.resources import RULES_DIR
from engine.yamlsource import PathKey, YamlDocument

SCORECARDS_DIR = RULES_DIR / "scorecards"


@functools.cache
def bundled_scorecards(folder: Path = SCORECARDS_DIR) -> Mapping[str, Path]:
    """Scorecard id -> file, for every scorecard file of the bundled folder."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = load_file(path, cache=True).document.data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found[data["id"]] = path
    return found


def is_scorecard_file(path: Path) -> bool:
    """Whether `path` is a scorecard file: a .yaml file of a `scorecards` folder."""
    return path.suffix in (".yaml", ".yml") and path.parent.name == SCORECARDS_DIR.name


def find_scorecard(name: str, evidence_folder: Path | None) -> Path | str:
    """The file a survey's `scorecard` names (a bundled id, or a file path), or why there is none."""
    if name.endswith((".yaml", ".yml")):
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or ":" in name:
            return f"scorecard path '{name}' must stay inside the evidence file's folder"
        path = (evidence_folder or Path()) / pure
        return path if path.is_file() else f"scorecard file '{name}' not found"
    known = bundled_scorecards()
    if name in known:
        return known[name]
    hint = did_you_mean(name, sorted(known), known="bundled")
    return f"unknown scorecard '{name}'{hint}; give a bundled id or a .yaml file"


def read_scorecard(path: Path) -> tuple[Scorecard | None, list[Diagnostic]]:
    """A checked scorecard, or None with every problem of its file."""
    try:
        loaded = load_file(path, cache=True)
    except InvalidInputError as e:
        return None, list(e.diagnostics)
    doc = loaded.document
    found = schemacheck.check(doc, doc.data, "scorecard")
    if found:
        return None, found
    data = cast(Mapping[str, Any], doc.data)
    found.extend(_semantic_problems(doc, data))
    if found:
        return None, found
    questions = {
        q["id"]: {a["id"]: int(a["points"]) for a in q["answers"]} for q in data["questions"]
    }
    lines = {
        line["id"]: tuple(
            Band(row["points"][0], row["points"][1], float(row["likelihood"]))
            for row in line["likelihoods"]
        )
        for line in data["poverty_lines"]
    }
    scorecard = Scorecard(
        data["id"],
        data["title"],
        bool(data.get("fictional", False)),
        questions,
        lines,
        doc.file,
        loaded.sha256,
    )
    return scorecard, []


def _semantic_problems(doc: YamlDocument, data: Mapping[str, Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []

    def problem(at: PathKey, message: str) -> None:
        found.append(Diagnostic(doc.position_of(at), message, code="scorecard"))

    def unique(items: list[Mapping[str, Any]], at: PathKey, what: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item["id"] in seen:
                first = doc.position_of((*at, seen[item["id"]], "id"))
                problem(
                    (*at, i, "id"),
                    f"duplicate {what.format(item['id'])} (first at line {first.line})",
                )
            seen.setdefault(item["id"], i)

    unique(data["questions"], ("questions",), "question id '{}'")
    for i, question in enumerate(data["questions"]):
        unique(
            question["answers"],
            ("questions", i, "answers"),
            "answer id '{}' in question '" + question["id"] + "'",
        )
    unique(data["poverty_lines"], ("poverty_lines",), "poverty line id '{}'")
    most = sum(max(a["points"] for a in q["answers"]) for q in data["questions"])
    for i, line in enumerate(data["poverty_lines"]):
        bands = [Band(r["points"][0], r["points"][1], r["likelihood"]) for r in line["likelihoods"]]
        for gap in table_gaps(bands, most):
            problem(("poverty_lines", i, "likelihoods"), f"poverty line '{line['id']}': {gap}")
    return found
