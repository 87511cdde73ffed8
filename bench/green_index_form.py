"""Generate spm-audit's Green Index 3.0 files from the official XLSForm.

    .venv/bin/python bench/green_index_form.py [FORM.xlsx]      (default ../shared/data/green_index_3_0.xlsx)

Reads the form's `survey` and `choices` sheets (openpyxl) and writes:

- `engine/importers/green_index_form.json`: the form's structure for the importer: every data
  field with its type, choice list, relevance (its own and its groups', joined with `and`),
  numeric constraint and whether 'none' excludes the other options; the choice names of each list.
- the `green_index_submission` definition of `schemas/evidence.schema.json` (one submission keyed
  by the form's field names, with the form's types and choice names), and the facts
  `green_index` (one respondent) and `green_index_respondents` (several).
- `rules/green_index/s0…s3_*.yaml`: the 78 scored questions, titles and guidance from the form's
  labels (English, with French and Spanish translations) and each question's check, written from
  SCORING below: our own reading of how the index scores each question (green_index.py of the
  HEDERA digital tool, 2026.07-2), not a copy of its code.

The Green Index 3.0 is the e-MFP Green Inclusive and Climate Smart Finance Action Group's
(content CC-BY-4.0); the digital tool and its form are by HEDERA Sustainable Solutions.
Re-run after a new version of the form, then `spm-audit rules lint rules/green_index`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FORM = ROOT.parent / "shared" / "data" / "green_index_3_0.xlsx"
FORM_JSON = ROOT / "engine" / "importers" / "green_index_form.json"
EVIDENCE_SCHEMA = ROOT / "schemas" / "evidence.schema.json"
RULES = ROOT / "rules" / "green_index"
GI = "green_index"

# Fields kept out of the evidence: the device's metadata and the respondent's personal data.
LEFT_OUT = {"meta_start_time", "meta_end_time", "meta_device_id", "meta_username", "name", "email"}
DATA_TYPES = {"text", "integer", "decimal", "date", "select_one", "select_multiple", "calculate"}
NONE_EXCLUSIVE = re.compile(r"selected\(\s*\.\s*,\s*'none'\s*\)")
LANGS = {"en": "English (en)", "es": "Español (es)", "fr": "Français (fr)"}

# ---------------------------------------------------------------------------------------------
# How each scored question is scored (0 / 50 / 100), by kind. Field names without the
# `indicator_GI_` prefix.
#   options F            100 when two or more options of F are ticked, 50 for one (not 'none')
#   details F            F not 'no' (and answered) with two or more details (F_details): 100; one: 50
#   ynp F                yes 100, partially 50, no 0
#   count F… / P…        how many of F… are 'yes' and of P… are 'yes' or 'partially': 2+ → 100, 1 → 50
#   each F G             50 for each of the two detail lists that holds an answer
#   sum F G              options ticked in F and G together (not 'none'): 2+ → 100, 1 → 50
#   gated F D            F ticked and not 'none', then D's options: 2+ → 100, 1 → 50
#   inside F D           F not 'no', and D holds 'inside': 100; D holds anything else: 50
#   two_lists F A B      F ticked and not 'none', A answered, then B's options: 2+ → 100, 1 → 50
#   channel F D [X…]     F holds one of X…: 100; F holds loan_products: D's options 2+ → 100, else 50
# A question the form skips has no answer, and scores 0: every path has a default.
# ---------------------------------------------------------------------------------------------
SCORING: dict[str, tuple[str, ...]] = {
    "0.1.1": ("options", "0_1_1"),
    "0.1.2": ("count", "0_1_2_a 0_1_2_b 0_1_2_c 0_1_2_d", "0_1_2_e 0_1_2_f 0_1_2_g"),
    "0.1.3": ("details", "0_1_3"),
    "0.1.4": ("count", "0_1_4_a 0_1_4_b 0_1_4_c 0_1_4_d 0_1_4_e", ""),
    "0.1.5": ("details", "0_1_5"),
    "0.1.6": ("ynp", "0_1_6"),
    "0.2.1": ("details", "0_2_1"),
    "0.2.2": ("details", "0_2_2"),
    "0.2.3": ("options", "0_2_3"),
    "0.2.4": ("details", "0_2_4"),
    "0.2.5": ("ynp", "0_2_5"),
    "0.2.6": ("details", "0_2_6"),
    "0.2.7": ("ynp", "0_2_7"),
    "0.2.8": ("details", "0_2_8"),
    "0.2.9": ("details", "0_2_9"),
    "0.2.10": ("details", "0_2_10"),
    "0.2.11": ("details", "0_2_11"),
    "0.2.12": ("each", "0_2_12_details", "0_2_12_b_details"),
    "0.2.13": ("details", "0_2_13"),
    "1.1.1": ("options", "1_1_1"),
    "1.1.2": ("options", "1_1_2"),
    "1.1.3": ("options", "1_1_3"),
    "1.1.4": ("options", "1_1_4"),
    "1.1.5": ("options", "1_1_5"),
    "1.1.6": ("options", "1_1_6"),
    "1.1.7": ("details", "1_1_7"),
    "1.1.8": ("options", "1_1_8"),
    "1.1.9": ("options", "1_1_9"),
    "1.1.10": ("options", "1_1_10"),
    "1.2.1": ("details", "1_2_1"),
    "1.2.2": ("details", "1_2_2"),
    "1.2.3": ("details", "1_2_3"),
    "1.2.4": ("gated", "1_2_4", "1_2_4_details"),
    "2.1.1": ("details", "2_1_1"),
    "2.1.2": ("details", "2_1_2"),
    "2.1.3": ("details", "2_1_3"),
    "2.1.4": ("details", "2_1_4"),
    "2.1.5": ("details", "2_1_5"),
    "2.1.6": ("details", "2_1_6"),
    "2.1.7": ("options", "2_1_7"),
    "2.1.8": ("ynp", "2_1_8"),
    "2.1.9": ("ynp", "2_1_9"),
    "2.1.10": ("ynp", "2_1_10"),
    "2.2.1": ("details", "2_2_1"),
    "2.2.2": ("details", "2_2_2"),
    "2.2.3": ("sum", "2_2_3_a", "2_2_3_b"),
    "2.2.4": ("ynp", "2_2_4"),
    "2.2.5": ("inside", "2_2_5", "2_2_5_details"),
    "2.2.6": ("two_lists", "2_2_6", "2_2_6_details_a", "2_2_6_details_b"),
    "3.1.1": ("sum", "3_1_1_a_details", "3_1_1_b_details"),
    "3.1.2": ("channel", "3_1_2", "3_1_2_details", "paygo leasing"),
    "3.1.3": ("details", "3_1_3"),
    "3.1.4": ("details", "3_1_4"),
    "3.1.5": ("options", "3_1_5_details"),
    "3.1.6": ("channel", "3_1_6", "3_1_6_details", ""),
    "3.1.7": ("details", "3_1_7"),
    "3.1.8": ("details", "3_1_8"),
    "3.1.9": ("options", "3_1_9_details"),
    "3.1.10": ("channel", "3_1_10", "3_1_10_details", "paygo leasing"),
    "3.1.11": ("details", "3_1_11"),
    "3.1.12": ("details", "3_1_12"),
    "3.1.13": ("options", "3_1_13_details"),
    "3.1.14": ("channel", "3_1_14", "3_1_14_details", "paygo leasing"),
    "3.1.15": ("details", "3_1_15"),
    "3.1.16": ("details", "3_1_16"),
    "3.1.17": ("options", "3_1_17"),
    "3.1.18": ("details", "3_1_18"),
    "3.1.19": ("dedicated", "3_1_19", "3_1_19_details"),
    "3.1.20": ("details", "3_1_20"),
    "3.1.21": ("details", "3_1_21"),
    "3.1.22": ("details", "3_1_22"),
    "3.1.23": ("details", "3_1_23_a"),
    "3.1.24": ("details", "3_1_24"),
    "3.1.25": ("details", "3_1_25"),
    "3.2.1": ("options", "3_2_1"),
    "3.2.2": ("sum", "3_2_2_a_details", "3_2_2_b_details"),
    "3.2.3": ("options", "3_2_3"),
    "3.2.4": ("options", "3_2_4"),
}

SECTIONS = {
    "0": ("s0_strategy.yaml", ["intent_design", "internal_systems"]),
    "1": ("s1_identify_risks.yaml", ["internal_systems", "internal_systems"]),
    "2": ("s2_manage_risks.yaml", ["internal_systems", "internal_systems"]),
    "3": ("s3_green_products.yaml", ["outputs", "outputs"]),
}


# ---------------------------------------------------------------------------------------------
# Reading the form
# ---------------------------------------------------------------------------------------------
@dataclass
class Row:
    kind: str
    list_name: str
    name: str
    relevant: str
    constraint: str
    calculation: str
    labels: dict[str, str]
    hints: dict[str, str]
    groups: tuple[str, ...]
    group_relevance: tuple[str, ...]


@dataclass
class Form:
    rows: list[Row]
    choices: dict[str, list[tuple[str, dict[str, str]]]]
    version: str
    groups: dict[str, Row] = field(default_factory=dict)

    def fields(self) -> Iterator[Row]:
        for row in self.rows:
            if row.kind in DATA_TYPES and row.name not in LEFT_OUT:
                yield row

    def field(self, name: str) -> Row:
        return next(r for r in self.fields() if r.name == name)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_form(path: Path) -> Form:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    survey = list(book["survey"].iter_rows(values_only=True))
    head = [_text(h) for h in survey[0]]
    col = {h: i for i, h in enumerate(head)}
    rows: list[Row] = []
    stack: list[tuple[str, str]] = []
    groups: dict[str, Row] = {}
    for raw in survey[1:]:
        cell = {h: _text(raw[i]) if i < len(raw) else "" for h, i in col.items()}
        if not cell["type"]:
            continue
        kind, _, list_name = cell["type"].partition(" ")
        labels = {k: cell.get(f"label::{v}", "") for k, v in LANGS.items()}
        hints = {k: cell.get(f"hint::{v}", "") for k, v in LANGS.items()}
        row = Row(
            kind,
            list_name.strip(),
            cell["name"],
            cell["relevant"],
            cell["constraint"],
            cell["calculation"],
            labels,
            hints,
            tuple(g for g, _ in stack),
            tuple(r for _, r in stack if r),
        )
        if kind == "begin" and list_name.strip() == "group":
            groups[row.name] = row
            stack.append((row.name, row.relevant))
            continue
        if kind == "end" and list_name.strip() == "group":
            stack.pop()
            continue
        rows.append(row)
    choices: dict[str, list[tuple[str, dict[str, str]]]] = {}
    sheet = list(book["choices"].iter_rows(values_only=True))
    chead = {_text(h): i for i, h in enumerate(sheet[0])}
    for raw in sheet[1:]:
        name_list, name = _text(raw[chead["list_name"]]), _text(raw[chead["name"]])
        if name_list and name:
            labels = {k: _text(raw[chead[f"label::{v}"]]) for k, v in LANGS.items()}
            choices.setdefault(name_list, []).append((name, labels))
    settings = list(book["settings"].iter_rows(values_only=True))
    version = _text(settings[1][list(settings[0]).index("version")])
    return Form(rows, choices, version, groups)


# ---------------------------------------------------------------------------------------------
# The importer's form description and the evidence schema
# ---------------------------------------------------------------------------------------------
def relevance_of(row: Row) -> str:
    parts = [*row.group_relevance, row.relevant] if row.relevant else [*row.group_relevance]
    parts = [p.strip() for p in parts if p.strip()]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)


def numeric_bounds(constraint: str) -> dict[str, float]:
    bounds: dict[str, float] = {}
    for op, number in re.findall(r"\.\s*(>=|<=|>|<)\s*([0-9.]+)", constraint):
        key = {">=": "minimum", "<=": "maximum", ">": "exclusiveMinimum", "<": "exclusiveMaximum"}
        value = float(number)
        bounds[key[op]] = int(value) if value.is_integer() else value
    return bounds


def form_description(form: Form) -> dict[str, Any]:
    fields = []
    for row in form.fields():
        entry: dict[str, Any] = {"name": row.name, "type": row.kind}
        if row.list_name:
            entry["choices"] = row.list_name
        if rel := relevance_of(row):
            entry["relevant"] = rel
        if row.kind == "select_multiple" and NONE_EXCLUSIVE.search(row.constraint):
            entry["none_excludes_others"] = True
        if row.kind in ("integer", "decimal") and (bounds := numeric_bounds(row.constraint)):
            entry["bounds"] = bounds
        if row.calculation:
            entry["calculation"] = row.calculation
        entry["group"] = "-".join(row.groups)
        fields.append(entry)
    used = {f["choices"] for f in fields if "choices" in f}
    return {
        "description": (
            "Structure of the Green Index 3.0 XLSForm (e-MFP GICSF-AG, CC-BY-4.0; digital tool by "
            "HEDERA), generated by bench/green_index_form.py: field names, types, choice names, "
            "relevance and constraints. Not to be edited by hand."
        ),
        "form_id": "green_index_3_0",
        "form_version": form.version,
        "fields": fields,
        "choices": {k: [n for n, _ in v] for k, v in form.choices.items() if k in used},
    }


def field_schema(row: Row, form: Form) -> dict[str, Any]:
    label = clean(row.labels["en"])[:200]
    schema: dict[str, Any]
    if row.kind == "select_one":
        schema = {"enum": [n for n, _ in form.choices[row.list_name]]}
    elif row.kind == "select_multiple":
        schema = {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"title": "option", "enum": [n for n, _ in form.choices[row.list_name]]},
        }
        if NONE_EXCLUSIVE.search(row.constraint):
            schema["not"] = {"contains": {"const": "none"}, "minItems": 2}
    elif row.kind == "integer":
        schema = {"type": "integer", **numeric_bounds(row.constraint)}
    elif row.kind == "decimal":
        schema = {"type": "number", **numeric_bounds(row.constraint)}
    elif row.kind == "date":
        schema = {"$ref": "#/$defs/date"}
    elif row.kind == "calculate":
        schema = {"enum": [0, 1]}
    else:
        schema = {"type": "string", "maxLength": 5000}
    described = f"{row.kind}{' ' + row.list_name if row.list_name else ''}"
    schema["description"] = f"{described}: {label}" if label else described
    return {"title": field_title(row), **schema}


_GI_FIELD = re.compile(
    r"(?P<kind>indicator|quantitative|view_quantitative)_GI_(?P<q>[0-9a-z_]+?)"
    r"(?P<rest>_details_other|_details|_other|_Q\d+)?"
)


def field_title(row: Row) -> str:
    """How plain-word explanations name a field: by the question it belongs to ('answer to GI
    3.1.8', 'figure Q6 of GI 0.2.6'); the question's own text is the indicator's title."""
    match = _GI_FIELD.fullmatch(row.name)
    if match is None:  # the form's general fields: their label when it is a short name
        label = clean(row.labels["en"]).rstrip(": ")
        if label and len(label) <= 50 and "?" not in label and not label.startswith("Please"):
            return label[:1].lower() + label[1:]
        return row.name.replace("_", " ")
    question = "GI " + match["q"].replace("_", ".")
    rest = match["rest"] or ""
    if match["kind"] == "view_quantitative":
        return f"figures shown for {question}"
    if match["kind"] == "quantitative":
        return f"figure {rest[1:]} of {question}"
    plural = row.kind == "select_multiple"
    return {
        "_details": f"details given for {question}",
        "_other": f"other answer{'s' if plural else ''} given for {question}",
        "_details_other": f"other details given for {question}",
    }.get(rest, f"answer{'s' if plural else ''} to {question}")


def patch_schema(form: Form) -> None:
    schema = json.loads(EVIDENCE_SCHEMA.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    defs["green_index_submission"] = {
        "type": "object",
        "additionalProperties": False,
        "description": (
            "One respondent's submission of the Green Index 3.0 form (e-MFP GICSF-AG, CC-BY-4.0; "
            "XLSForm of the HEDERA digital tool, version "
            f"{form.version}), keyed by the form's field names: select_one as the choice's name, "
            "select_multiple as a list of choice names. A question the form skipped is left out. "
            "Generated by bench/green_index_form.py; `spm-audit import green-index` writes it."
        ),
        "properties": {row.name: field_schema(row, form) for row in form.fields()},
    }
    facts = defs["facts"]
    facts["properties"][GI] = {
        "title": "Green Index answers",
        "$ref": "#/$defs/green_index_submission",
        "description": "The Green Index 3.0 answers of the institution's one respondent.",
    }
    facts["properties"]["green_index_respondents"] = {
        "title": "Green Index respondents",
        "type": "array",
        "minItems": 1,
        "maxItems": 200,
        "items": {"title": "respondent", "$ref": "#/$defs/green_index_submission"},
        "description": (
            "The Green Index 3.0 answers of several respondents of the institution, one "
            "submission each; every question's score is the mean of theirs, as the index does. "
            "Give either this or green_index, not both."
        ),
    }
    facts["not"] = {"required": [GI, "green_index_respondents"]}
    EVIDENCE_SCHEMA.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")


# ---------------------------------------------------------------------------------------------
# Rule texts
# ---------------------------------------------------------------------------------------------
def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("**", "").replace("#", "")
    text = re.sub(r"^\s*\[?(GI\.[0-9.a-z\-]+\]?|Indicator \[GI[^\]]*\])\s*", "", text)
    text = re.sub(r"^\[(?=[A-Z])", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def f(name: str) -> str:
    return f"indicator_GI_{name}"


def path(name: str) -> str:
    return f"{GI}.{f(name)}"


def question_rows(form: Form, qid: str) -> list[Row]:
    """The form rows that hold question GI.<qid>: a group labelled with it, or its fields."""
    tag = f"[GI.{qid}"
    key = qid.replace(".", "_")
    group = form.groups.get(f"GI_{key}")
    found: list[Row] = []
    if group is not None and group.labels["en"].startswith(tag):
        found.append(group)
    for row in form.fields():
        own = row.name == f(key) or row.name.startswith(f(key) + "_")
        if own and row.name.endswith(("_other", "_local", "_international")):
            continue
        if own and (row.labels["en"].startswith(tag) or row.name == f(key)):
            found.append(row)
    if not found:
        found = [r for r in form.fields() if r.name.startswith(f(key))][:1]
    return found


def title_of(form: Form, qid: str, lang: str) -> str:
    rows = question_rows(form, qid)
    text = next((clean(r.labels[lang]) for r in rows if clean(r.labels[lang])), "")
    return shorten(text.rstrip(" :").rstrip(), 300)


def options_text(form: Form, row: Row, lang: str) -> str:
    names = [clean(labels.get(lang) or labels["en"]) for _, labels in form.choices[row.list_name]]
    return "; ".join(n for n in names if n)


WORDS = {
    "en": ("Question", "Options", "Details asked"),
    "fr": ("Question", "Options", "Précisions demandées"),
    "es": ("Pregunta", "Opciones", "Detalles pedidos"),
}


def guidance_of(form: Form, qid: str, kind: tuple[str, ...], lang: str) -> str:
    q_word, opt_word, det_word = WORDS[lang]
    key = qid.replace(".", "_")
    lines: list[str] = []
    for name in dict.fromkeys(n for part in kind[1:] for n in part.split() if "_" in n):
        row = next((r for r in form.fields() if r.name == f(name)), None)
        if row is None:
            continue
        label = clean(row.labels[lang]) or clean(row.labels["en"])
        if row.kind == "select_multiple":
            word = det_word if "details" in name else opt_word
            lines.append(f"{label.rstrip(' :')}. {word}: {options_text(form, row, lang)}.")
        elif row.kind == "select_one":
            lines.append(f"{label} ({options_text(form, row, lang)}).")
        # the details of a yes/no question
        details = next((r for r in form.fields() if r.name == f(name) + "_details"), None)
        if kind[0] in ("details", "inside") and details is not None:
            dlabel = clean(details.labels[lang]) or clean(details.labels["en"])
            lines.append(f"{dlabel} {options_text(form, details, lang)}.")
    hint = next((clean(r.hints[lang]) for r in question_rows(form, qid) if r.hints[lang]), "")
    text = f"{q_word} GI.{qid}{' ' + hint if hint else ''}. " + " ".join(lines)
    if lang == "en":
        text += " " + RULE_TEXT[kind[0]]
    del key
    return shorten(re.sub(r"\s+", " ", text).strip(), 2900)


RULE_TEXT = {
    "options": "Scored as the index does: 100 for two or more options, 50 for one, 0 for none or no answer.",
    "details": "Scored as the index does: 100 when the practice is reported with two or more details, 50 with one, 0 for 'no', no detail or no answer.",
    "ynp": "Scored as the index does: yes 100, partially 50, no or no answer 0.",
    "count": "Scored as the index does: 100 when two or more of the goals or references apply (a 'partially' counts where offered), 50 for one, 0 for none.",
    "each": "Scored as the index does: 50 for each of the two parts answered with at least one type of data (a and b), 0 for none.",
    "sum": "Scored as the index does: the options ticked in both lists together, 100 for two or more, 50 for one, 0 for none.",
    "gated": "Scored as the index does: once an opportunity is reported, 100 for two or more aspects, 50 for one; 0 for none or no answer.",
    "inside": "Scored as the index does: 100 when the credits offset emissions inside the institution, 50 for other credits, 0 for 'no' or no answer.",
    "two_lists": "Scored as the index does: once an opportunity is reported and the means named, 100 for two or more actions, 50 for one; 0 otherwise.",
    "channel": "Scored as the index does: 100 for PAYGo or leasing (where offered) or for dedicated loan products with two or more adapted features, 50 for loan products with one or none, 0 otherwise.",
    "dedicated": "Scored as the index does: dedicated financing for two or more sectors 100, for one 50; 0 without dedicated financing.",
}

FINDING = {
    "options": (
        "The Green Index answers report none of the options of GI.{q} (or the question was skipped).",
        "The Green Index answers report only one option of GI.{q}; the index gives full credit from two.",
        "Extend the practice of GI.{q} to at least two of its options, and record them in the Green Index.",
    ),
    "details": (
        "The Green Index answers do not report the practice of GI.{q} with any detail: it was answered 'no', left without details, or skipped.",
        "The Green Index answers report the practice of GI.{q} with one detail only; the index gives full credit from two.",
        "Put the practice of GI.{q} in place in at least two of the ways the question lists, and record them in the Green Index.",
    ),
    "ynp": (
        "The Green Index answers give 'no' for GI.{q}, or the question was skipped.",
        "The Green Index answers give 'partially' for GI.{q}.",
        "Put the practice of GI.{q} fully in place and record it in the Green Index.",
    ),
    "count": (
        "The Green Index answers report none of the goals or references of GI.{q}.",
        "The Green Index answers report only one of the goals or references of GI.{q}; the index gives full credit from two.",
        "Set out at least two of the goals or references of GI.{q} in the documented strategy, and record them in the Green Index.",
    ),
    "each": (
        "The Green Index answers report no data collected on the institution's own footprint or own vulnerability (GI.{q}).",
        "The Green Index answers report data on only one of the two parts of GI.{q} (own adverse impact, own vulnerability).",
        "Collect data at least yearly on both the institution's own adverse impacts and its own vulnerability, and record them in the Green Index.",
    ),
    "sum": (
        "The Green Index answers report no option for GI.{q} in either of its lists.",
        "The Green Index answers report one option only for GI.{q}; the index gives full credit from two.",
        "Extend the practice of GI.{q} to at least two of its options, and record them in the Green Index.",
    ),
    "gated": (
        "The Green Index answers report no own opportunity for GI.{q}, or none with the aspects assessed.",
        "The Green Index answers report the institution's own opportunities for GI.{q} in one aspect only; the index gives full credit from two.",
        "Assess the institution's own green opportunities in at least two of the aspects GI.{q} lists, and record them in the Green Index.",
    ),
    "inside": (
        "The Green Index answers report no certified carbon credits bought in the period (GI.{q}), or none with their use.",
        "The Green Index answers report carbon credits bought (GI.{q}) that do not offset emissions inside the institution.",
        "Offset the institution's own remaining emissions with certified carbon credits, and record them in the Green Index.",
    ),
    "two_lists": (
        "The Green Index answers report no managed own opportunity for GI.{q}, or no means and actions for it.",
        "The Green Index answers report one action only for the institution's own opportunities (GI.{q}); the index gives full credit from two.",
        "Manage the institution's own green opportunities through at least two of the actions GI.{q} lists, and record them in the Green Index.",
    ),
    "channel": (
        "The Green Index answers report no dedicated financing channel for GI.{q} (no dedicated loan product, PAYGo or leasing where offered).",
        "The Green Index answers report dedicated loan products for GI.{q} with at most one adapted feature; the index gives full credit from two.",
        "Finance these technologies through dedicated loan products adapted in at least two features (amount, term, schedule, rate, …), and record them in the Green Index.",
    ),
    "dedicated": (
        "The Green Index answers report no dedicated green financing for GI.{q}.",
        "The Green Index answers report dedicated green financing for one sector only (GI.{q}); the index gives full credit from two.",
        "Offer dedicated financing for at least two green sectors, and record them in the Green Index.",
    ),
}


# The same texts in French and Spanish: translated by the spm-audit project (machine-assisted),
# not an official translation of the Green Index.
FINDING_TRANSLATED = {
    "fr": {
        "options": (
            "Les réponses au Green Index ne citent aucune des options de GI.{q} (ou la question a été sautée).",
            "Les réponses au Green Index ne citent qu'une option de GI.{q} ; l'indice donne la totalité des points à partir de deux.",
            "Étendre la pratique de GI.{q} à au moins deux de ses options, et les consigner dans le Green Index.",
        ),
        "details": (
            "Les réponses au Green Index ne décrivent la pratique de GI.{q} par aucun détail : réponse « non », sans détail, ou question sautée.",
            "Les réponses au Green Index ne décrivent la pratique de GI.{q} que par un seul détail ; l'indice donne la totalité des points à partir de deux.",
            "Mettre en place la pratique de GI.{q} d'au moins deux des façons que la question énumère, et les consigner dans le Green Index.",
        ),
        "ynp": (
            "Les réponses au Green Index donnent « non » pour GI.{q}, ou la question a été sautée.",
            "Les réponses au Green Index donnent « partiellement » pour GI.{q}.",
            "Mettre pleinement en place la pratique de GI.{q} et la consigner dans le Green Index.",
        ),
        "count": (
            "Les réponses au Green Index ne citent aucun des objectifs ou références de GI.{q}.",
            "Les réponses au Green Index ne citent qu'un des objectifs ou références de GI.{q} ; l'indice donne la totalité des points à partir de deux.",
            "Inscrire au moins deux des objectifs ou références de GI.{q} dans la stratégie documentée, et les consigner dans le Green Index.",
        ),
        "each": (
            "Les réponses au Green Index ne font état d'aucune donnée collectée sur l'empreinte propre ou la vulnérabilité propre de l'institution (GI.{q}).",
            "Les réponses au Green Index ne font état de données que pour l'une des deux parties de GI.{q} (impact négatif propre, vulnérabilité propre).",
            "Collecter au moins chaque année des données sur les impacts négatifs propres de l'institution et sur sa vulnérabilité propre, et les consigner dans le Green Index.",
        ),
        "sum": (
            "Les réponses au Green Index ne citent aucune option de GI.{q} dans l'une ou l'autre de ses listes.",
            "Les réponses au Green Index ne citent qu'une option de GI.{q} ; l'indice donne la totalité des points à partir de deux.",
            "Étendre la pratique de GI.{q} à au moins deux de ses options, et les consigner dans le Green Index.",
        ),
        "gated": (
            "Les réponses au Green Index ne citent aucune opportunité propre pour GI.{q}, ou aucune avec les aspects évalués.",
            "Les réponses au Green Index ne citent les opportunités propres de l'institution pour GI.{q} que sous un seul aspect ; l'indice donne la totalité des points à partir de deux.",
            "Évaluer les opportunités vertes propres de l'institution sous au moins deux des aspects que GI.{q} énumère, et les consigner dans le Green Index.",
        ),
        "inside": (
            "Les réponses au Green Index ne font état d'aucun crédit carbone certifié acheté sur la période (GI.{q}), ou d'aucun avec son usage.",
            "Les réponses au Green Index font état de crédits carbone achetés (GI.{q}) qui ne compensent pas les émissions de l'institution elle-même.",
            "Compenser les émissions restantes de l'institution par des crédits carbone certifiés, et les consigner dans le Green Index.",
        ),
        "two_lists": (
            "Les réponses au Green Index ne citent aucune opportunité propre gérée pour GI.{q}, ou aucun moyen ni aucune action pour elle.",
            "Les réponses au Green Index ne citent qu'une action pour les opportunités propres de l'institution (GI.{q}) ; l'indice donne la totalité des points à partir de deux.",
            "Gérer les opportunités vertes propres de l'institution par au moins deux des actions que GI.{q} énumère, et les consigner dans le Green Index.",
        ),
        "channel": (
            "Les réponses au Green Index ne citent aucun canal de financement dédié pour GI.{q} (ni produit de crédit dédié, ni PAYGo, ni crédit-bail là où ils sont proposés).",
            "Les réponses au Green Index citent des produits de crédit dédiés pour GI.{q} avec au plus une caractéristique adaptée ; l'indice donne la totalité des points à partir de deux.",
            "Financer ces technologies par des produits de crédit dédiés, adaptés sur au moins deux caractéristiques (montant, durée, échéancier, taux, …), et les consigner dans le Green Index.",
        ),
        "dedicated": (
            "Les réponses au Green Index ne citent aucun financement vert dédié pour GI.{q}.",
            "Les réponses au Green Index ne citent un financement vert dédié que pour un seul secteur (GI.{q}) ; l'indice donne la totalité des points à partir de deux.",
            "Proposer un financement dédié pour au moins deux secteurs verts, et les consigner dans le Green Index.",
        ),
    },
    "es": {
        "options": (
            "Las respuestas al Green Index no indican ninguna de las opciones de GI.{q} (o se omitió la pregunta).",
            "Las respuestas al Green Index indican solo una opción de GI.{q}; el índice otorga la puntuación completa a partir de dos.",
            "Extender la práctica de GI.{q} a al menos dos de sus opciones, y registrarlas en el Green Index.",
        ),
        "details": (
            "Las respuestas al Green Index no describen la práctica de GI.{q} con ningún detalle: respuesta «no», sin detalles, u omitida.",
            "Las respuestas al Green Index describen la práctica de GI.{q} con un solo detalle; el índice otorga la puntuación completa a partir de dos.",
            "Implantar la práctica de GI.{q} de al menos dos de las formas que enumera la pregunta, y registrarlas en el Green Index.",
        ),
        "ynp": (
            "Las respuestas al Green Index dan «no» para GI.{q}, o se omitió la pregunta.",
            "Las respuestas al Green Index dan «parcialmente» para GI.{q}.",
            "Implantar plenamente la práctica de GI.{q} y registrarla en el Green Index.",
        ),
        "count": (
            "Las respuestas al Green Index no indican ninguno de los objetivos o referencias de GI.{q}.",
            "Las respuestas al Green Index indican solo uno de los objetivos o referencias de GI.{q}; el índice otorga la puntuación completa a partir de dos.",
            "Establecer al menos dos de los objetivos o referencias de GI.{q} en la estrategia documentada, y registrarlos en el Green Index.",
        ),
        "each": (
            "Las respuestas al Green Index no indican datos recogidos sobre la huella propia ni la vulnerabilidad propia de la institución (GI.{q}).",
            "Las respuestas al Green Index indican datos sobre solo una de las dos partes de GI.{q} (impacto adverso propio, vulnerabilidad propia).",
            "Recoger al menos cada año datos sobre los impactos adversos propios de la institución y sobre su vulnerabilidad propia, y registrarlos en el Green Index.",
        ),
        "sum": (
            "Las respuestas al Green Index no indican ninguna opción de GI.{q} en ninguna de sus listas.",
            "Las respuestas al Green Index indican solo una opción de GI.{q}; el índice otorga la puntuación completa a partir de dos.",
            "Extender la práctica de GI.{q} a al menos dos de sus opciones, y registrarlas en el Green Index.",
        ),
        "gated": (
            "Las respuestas al Green Index no indican ninguna oportunidad propia para GI.{q}, o ninguna con los aspectos evaluados.",
            "Las respuestas al Green Index indican las oportunidades propias de la institución para GI.{q} en un solo aspecto; el índice otorga la puntuación completa a partir de dos.",
            "Evaluar las oportunidades verdes propias de la institución en al menos dos de los aspectos que enumera GI.{q}, y registrarlas en el Green Index.",
        ),
        "inside": (
            "Las respuestas al Green Index no indican créditos de carbono certificados comprados en el período (GI.{q}), o ninguno con su uso.",
            "Las respuestas al Green Index indican créditos de carbono comprados (GI.{q}) que no compensan emisiones de la propia institución.",
            "Compensar las emisiones restantes de la propia institución con créditos de carbono certificados, y registrarlos en el Green Index.",
        ),
        "two_lists": (
            "Las respuestas al Green Index no indican ninguna oportunidad propia gestionada para GI.{q}, o ningún medio ni acción para ella.",
            "Las respuestas al Green Index indican una sola acción para las oportunidades propias de la institución (GI.{q}); el índice otorga la puntuación completa a partir de dos.",
            "Gestionar las oportunidades verdes propias de la institución mediante al menos dos de las acciones que enumera GI.{q}, y registrarlas en el Green Index.",
        ),
        "channel": (
            "Las respuestas al Green Index no indican ningún canal de financiación dedicado para GI.{q} (ni producto de crédito dedicado, ni PAYGo, ni arrendamiento donde se ofrecen).",
            "Las respuestas al Green Index indican productos de crédito dedicados para GI.{q} con como mucho una característica adaptada; el índice otorga la puntuación completa a partir de dos.",
            "Financiar estas tecnologías con productos de crédito dedicados, adaptados en al menos dos características (monto, plazo, calendario, tasa, …), y registrarlos en el Green Index.",
        ),
        "dedicated": (
            "Las respuestas al Green Index no indican financiación verde dedicada para GI.{q}.",
            "Las respuestas al Green Index indican financiación verde dedicada para un solo sector (GI.{q}); el índice otorga la puntuación completa a partir de dos.",
            "Ofrecer financiación dedicada para al menos dos sectores verdes, y registrarlos en el Green Index.",
        ),
    },
}


# ---------------------------------------------------------------------------------------------
# Checks and examples
# ---------------------------------------------------------------------------------------------
def count(name: str, **extra: Any) -> dict[str, Any]:
    return {"count": path(name), "default": [], **extra}


def has_none(form: Form, name: str) -> bool:
    row = form.field(f(name))
    return any(n == "none" for n, _ in form.choices[row.list_name])


def not_none(name: str) -> dict[str, Any]:
    return {"not": {"path": path(name), "default": [], "contains": "none"}}


def answered_not_no(name: str) -> dict[str, Any]:
    return {"path": path(name), "default": "no", "ne": "no"}


def checks(form: Form, kind: tuple[str, ...]) -> tuple[Any, Any]:
    """(check, partial_check): 100 when check holds; 50 when only partial_check does."""
    match kind:
        case ("options", name):
            partial: Any = {"value": count(name), "gte": 1}
            if has_none(form, name):
                partial = {"all": [partial, not_none(name)]}
            return {"value": count(name), "gte": 2}, partial
        case ("details", name):
            d = f"{name}_details"
            return (
                {"all": [answered_not_no(name), {"value": count(d), "gte": 2}]},
                {"all": [answered_not_no(name), {"value": count(d), "gte": 1}]},
            )
        case ("ynp", name):
            return (
                {"path": path(name), "default": "no", "eq": "yes"},
                {"path": path(name), "default": "no", "eq": "partially"},
            )
        case ("count", yes, either):
            conds: list[Any] = [
                {"path": path(n), "default": "no", "eq": "yes"} for n in yes.split()
            ]
            conds += [
                {"path": path(n), "default": "no", "in": ["yes", "partially"]}
                for n in either.split()
            ]
            return (
                {"value": {"count_true": conds}, "gte": 2},
                {"value": {"count_true": conds}, "gte": 1},
            )
        case ("each", a, b):
            both = [{"value": count(a), "gte": 1}, {"value": count(b), "gte": 1}]
            return {"all": both}, {"any": both}
        case ("sum", a, b):
            parts = [
                count(n, where={"path": "@", "ne": "none"}) if has_none(form, n) else count(n)
                for n in (a, b)
            ]
            return (
                {"value": {"add": parts}, "gte": 2},
                {"value": {"add": parts}, "gte": 1},
            )
        case ("gated", name, d):
            gate = [{"value": count(name), "gte": 1}, not_none(name)]
            return (
                {"all": [*gate, {"value": count(d), "gte": 2}]},
                {"all": [*gate, {"value": count(d), "gte": 1}]},
            )
        case ("inside", name, d):
            return (
                {
                    "all": [
                        answered_not_no(name),
                        {"path": path(d), "default": [], "contains": "inside"},
                    ]
                },
                {"all": [answered_not_no(name), {"value": count(d), "gte": 1}]},
            )
        case ("two_lists", name, a, b):
            gate = [{"value": count(name), "gte": 1}, not_none(name), {"value": count(a), "gte": 1}]
            return (
                {"all": [*gate, {"value": count(b), "gte": 2}]},
                {"all": [*gate, {"value": count(b), "gte": 1}]},
            )
        case ("channel", name, d, full):
            loans = {"path": path(name), "default": [], "contains": "loan_products"}
            best: list[Any] = [
                {"path": path(name), "default": [], "contains": x} for x in full.split()
            ]
            best.append({"all": [loans, {"value": count(d), "gte": 2}]})
            return ({"any": best} if len(best) > 1 else best[0]), loans
        case ("dedicated", name, d):
            gate = {"path": path(name), "default": [], "contains": "dedicated"}
            return (
                {"all": [gate, {"value": count(d), "gte": 2}]},
                gate,
            )
    raise ValueError(kind)


def choices_of(form: Form, name: str) -> list[str]:
    row = form.field(f(name))
    return [n for n, _ in form.choices[row.list_name] if n != "none"]


def examples(form: Form, kind: tuple[str, ...]) -> dict[str, Any]:
    """pass, partial, fail (and not_assessed: no Green Index answers at all) for one question."""

    def two(name: str) -> list[str]:
        return choices_of(form, name)[:2]

    def one(name: str) -> list[str]:
        return choices_of(form, name)[:1]

    def gi(**values: Any) -> dict[str, Any]:
        return {"facts": {GI: {f(k): v for k, v in values.items()}}}

    match kind:
        case ("options", name):
            fail = gi(**{name: ["none"]}) if has_none(form, name) else {"facts": {GI: {}}}
            return {
                "pass": gi(**{name: two(name)}),
                "partial": gi(**{name: one(name)}),
                "fail": fail,
            }
        case ("details", name):
            d = f"{name}_details"
            return {
                "pass": gi(**{name: "yes", d: two(d)}),
                "partial": gi(**{name: "yes", d: one(d)}),
                "fail": gi(**{name: "no"}),
            }
        case ("ynp", name):
            return {
                "pass": gi(**{name: "yes"}),
                "partial": gi(**{name: "partially"}),
                "fail": gi(**{name: "no"}),
            }
        case ("count", yes, either):
            names = yes.split() + either.split()
            return {
                "pass": gi(**{names[0]: "yes", names[-1]: "yes"}),
                "partial": gi(**{names[0]: "yes", names[1]: "no"}),
                "fail": gi(**dict.fromkeys(names, "no")),
            }
        case ("each", a, b):
            return {
                "pass": gi(**{a: one(a), b: one(b)}),
                "partial": gi(**{b: one(b)}),
                "fail": {"facts": {GI: {}}},
            }
        case ("sum", a, b):
            fail = (
                gi(**{a: ["none"], b: ["none"]})
                if has_none(form, a) and has_none(form, b)
                else {"facts": {GI: {}}}
            )
            return {
                "pass": gi(**{a: one(a), b: one(b)}),
                "partial": gi(**{a: one(a)}),
                "fail": fail,
            }
        case ("gated", name, d):
            return {
                "pass": gi(**{name: one(name), d: two(d)}),
                "partial": gi(**{name: one(name), d: one(d)}),
                "fail": gi(**{name: ["none"]}),
            }
        case ("inside", name, d):
            return {
                "pass": gi(**{name: "yes", d: ["inside"]}),
                "partial": gi(**{name: "yes", d: ["outside"]}),
                "fail": gi(**{name: "no"}),
            }
        case ("two_lists", name, a, b):
            return {
                "pass": gi(**{name: one(name), a: one(a), b: two(b)}),
                "partial": gi(**{name: one(name), a: one(a), b: one(b)}),
                "fail": gi(**{name: ["none"]}),
            }
        case ("channel", name, d, _):
            return {
                "pass": gi(**{name: ["loan_products"], d: two(d)}),
                "partial": gi(**{name: ["loan_products"], d: one(d)}),
                "fail": gi(**{name: ["non_dedicated"]}),
            }
        case ("dedicated", name, d):
            return {
                "pass": gi(**{name: ["dedicated"], d: two(d)}),
                "partial": gi(**{name: ["dedicated"], d: one(d)}),
                "fail": gi(**{name: ["none"]}),
            }
    raise ValueError(kind)


def light_only(form: Form, kind: tuple[str, ...]) -> bool:
    """Whether the question's first field is asked in the lighter version too."""
    name = next(n for part in kind[1:] for n in part.split() if "_" in n)
    row = form.field(f(name))
    parts = [*row.group_relevance, row.relevant]
    return not any("'full_gi'" in p and "'light'" not in p for p in parts)


def indicator(form: Form, qid: str, pathway: str) -> dict[str, Any]:
    kind = SCORING[qid]
    check, partial = checks(form, kind)
    fail_text, partial_text, recommendation = (t.format(q=qid) for t in FINDING[kind[0]])
    fn = "GI_" + qid.replace(".", "_")
    version = "full and lighter versions" if light_only(form, kind) else "full version only"
    item: dict[str, Any] = {
        "id": f"GI.{qid}",
        "title": title_of(form, qid, "en"),
        "guidance": guidance_of(form, qid, kind, "en"),
        "evidence": [f"Green Index 3.0 answers, question GI.{qid}"],
        "pathway": pathway,
        "method": "check",
        "weight": 1,
        "source": (
            f"Green Index 3.0 question GI.{qid} ({version}); XLSForm of the HEDERA digital tool "
            f"2026.07-2; score as its green_index.py {fn} computes it (our own rule data)"
        ),
        "check": check,
        "partial_check": partial,
        "finding": fail_text,
        "partial_finding": partial_text,
        "recommendation": recommendation,
        "translations": {
            lang: {
                "title": title_of(form, qid, lang),
                "guidance": guidance_of(form, qid, kind, lang),
                **dict(
                    zip(
                        ("finding", "partial_finding", "recommendation"),
                        (t.format(q=qid) for t in FINDING_TRANSLATED[lang][kind[0]]),
                        strict=True,
                    )
                ),
            }
            for lang in ("fr", "es")
            if title_of(form, qid, lang)
        },
        "examples": {**examples(form, kind), "not_assessed": {}},
    }
    if not item["translations"]:
        del item["translations"]
    return item


def node_texts(form: Form, group: str) -> tuple[str, dict[str, Any]]:
    row = form.groups[group]

    def title(lang: str) -> str:
        text = clean(row.labels[lang]) or clean(row.labels["en"])
        return re.sub(r"^[^:]*GI\.[0-9.]+\s*:\s*", "", text)

    return title("en"), {lang: {"title": title(lang)} for lang in ("fr", "es")}


def part_file(form: Form, section: str) -> dict[str, Any]:
    _, pathways = SECTIONS[section]
    title, translations = node_texts(form, f"standard_{section}")
    practices = []
    for p, pathway in zip(("1", "2"), pathways, strict=True):
        ptitle, ptranslations = node_texts(form, f"practice_{section}_{p}")
        qids = [q for q in SCORING if q.startswith(f"{section}.{p}.")]
        practices.append(
            {
                "id": f"GI.{section}.{p}",
                "title": ptitle,
                "source": f"Green Index 3.0, essential practice GI.{section}.{p} ({len(qids)} scored questions)",
                "translations": ptranslations,
                "indicators": [indicator(form, q, pathway) for q in qids],
            }
        )
    return {
        "schema_version": 1,
        "ruleset": "green-index",
        "nodes": [
            {
                "id": f"GI.{section}",
                "title": title,
                "source": f"Green Index 3.0, standard GI.{section} (form group standard_{section})",
                "topics": ["environment"],
                "respondents": {"each": GI, "list": "green_index_respondents"},
                "translations": translations,
                "children": practices,
            }
        ],
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # rule files refuse anchors and aliases
        return True


def _represent(dumper: yaml.SafeDumper, data: Mapping[str, Any]) -> yaml.Node:
    flow = all(not isinstance(v, (dict, list)) or _small(v) for v in data.values()) and _small(data)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _small(value: object) -> bool:
    return len(json.dumps(value, ensure_ascii=False)) <= 90


def _represent_list(dumper: yaml.SafeDumper, data: Sequence[Any]) -> yaml.Node:
    flow = all(isinstance(v, str) for v in data) and _small(data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _represent)
_Dumper.add_representer(list, _represent_list)


def write_rules(form: Form) -> None:
    RULES.mkdir(parents=True, exist_ok=True)
    for section, (name, _) in SECTIONS.items():
        body = yaml.dump(
            part_file(form, section),
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        header = (
            "# yaml-language-server: $schema=../../schemas/ruleset-part.schema.json\n"
            f"# Green Index 3.0, standard GI.{section}. Generated by bench/green_index_form.py from the\n"
            "# form's labels (e-MFP GICSF-AG, CC-BY-4.0; XLSForm by HEDERA) and our own scoring table;\n"
            "# edit the generator, not this file.\n"
        )
        (RULES / name).write_text(header + body, encoding="utf-8")


def main(argv: Sequence[str]) -> int:
    form_path = Path(argv[0]) if argv else DEFAULT_FORM
    form = read_form(form_path)
    FORM_JSON.parent.mkdir(parents=True, exist_ok=True)
    FORM_JSON.write_text(
        json.dumps(form_description(form), indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    patch_schema(form)
    write_rules(form)
    print(
        f"wrote {FORM_JSON.relative_to(ROOT)}, {EVIDENCE_SCHEMA.relative_to(ROOT)}, {RULES.relative_to(ROOT)}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
