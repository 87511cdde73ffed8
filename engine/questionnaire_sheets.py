"""The layout of the questionnaire workbook, shared by the writer and the importer.

Which sheets there are, which columns they hold, and how a value of the evidence schema is written
in a cell and read back: each field of the schema gets a `Field` (its path, its kind, its bounds),
and `cell_value` / `read_cell` are inverse of each other for every kind, so the workbook carries
exactly what the evidence file holds. The sheet `spm-audit` (hidden) names every sheet's role, so
the importer does not depend on the sheets' order; a user may reorder columns, never rename them.

Representation in cells: numbers as numbers, dates as dates (or `YYYY-MM-DD` text), booleans as
`yes`/`no` (`true`/`false` and Excel's TRUE/FALSE are read too), a list of choices as
`women, rural`, a list of texts one per line, documents cited as `DOC-1 p. 4; DOC-2 (a note)`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from engine.i18n import N_, current_language
from engine.i18n import gettext as _
from engine.schemacheck import load_schema

META_SHEET = "spm-audit"
LAYOUT_VERSION = 1
INSTITUTION_SHEET = N_("Institution")  # sheet names: translated in a French or Spanish workbook
DATA_SHEET = N_("Data")
DOCUMENTS_SHEET = N_("Documents")
ASSESSORS_SHEET = N_("Assessors")
OVERRIDES_SHEET = N_("Overrides")
ACTION_PLAN_SHEET = N_("Action plan")
GREEN_INDEX_SHEET = N_("Green Index")
HEADER_ROW = 2  # row 1 says what the sheet is for; row 2 names the columns
DECIMAL_FORMAT = "0.0"  # a whole decimal (1.0) is written with it, so that it reads back as one
FIRST_ROW = 4  # row 3 says what to write in each column (list sheets) or is a first heading
LIST_FACTS = ("social_goals", "products", "green_index_respondents")
LIST_SHEETS = {
    "social_goals": N_("Social goals"),
    "products": N_("Products"),
    "green_index_respondents": N_("Green Index respondents"),
}
# Facts with a sheet of their own, written only when the evidence holds them.
OPTIONAL_FACTS = ("green_index", "green_index_respondents")
ANSWER_FIELDS = ("answer", "comment", "evidence", "answered_by", "answered_on")
FRAMEWORK_COLUMNS = (
    "id",
    "question",
    "guidance",
    "evidence to look for",
    "facts it uses",
    "yes states",
    "partially states",
    "no states",
    "na states",
    "answer",
    "comment",
    "documents",
    "answered_by",
    "answered_on",
)
KEY_VALUE_COLUMNS = ("field", "value", "what to write", "description", "checked by")
# A workbook in French or Spanish (`template --lang`) shows these words for the answers and the
# yes/no cells, and its column headers translated; the evidence it gives holds the values
# themselves (yes, partially, no, na; true/false), whatever the workbook's language.
ANSWER_WORDS = {"yes": N_("yes"), "partially": N_("partially"), "no": N_("no")}
HEADER_WORDS = (
    *FRAMEWORK_COLUMNS,
    *KEY_VALUE_COLUMNS,
    *("framework", "indicator"),
    *(N_("id"), N_("question"), N_("guidance"), N_("evidence to look for"), N_("facts it uses")),
    *(N_("yes states"), N_("partially states"), N_("no states"), N_("na states")),
    *(N_("answer"), N_("comment"), N_("documents"), N_("answered_by"), N_("answered_on")),
    *(N_("field"), N_("value"), N_("what to write"), N_("description"), N_("checked by")),
    *(N_("framework"), N_("indicator")),
)


def word(value: object) -> str:
    """How a value is shown in a cell of a workbook in the language in force ('yes' → 'oui')."""
    text = str(value)
    return _(ANSWER_WORDS[text]) if text in ANSWER_WORDS else text


def header(name: str) -> str:
    """A column's header in the language in force; the field names of the evidence stay as they are."""
    return _(name) if name in HEADER_WORDS else name


def header_name(shown: str) -> str:
    """The column a header names, in English or in the language in force."""
    return next((n for n in HEADER_WORDS if _(n) == shown), shown)


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CITATION = re.compile(
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9_.\-]{0,40})(?:\s+pp?\.\s*(?P<pages>[^()]*?))?"
    r"(?:\s*\((?P<note>.*)\))?"
)


class Role(StrEnum):
    """What a sheet holds, as the meta sheet records it."""

    INSTITUTION = "institution"
    DATA = "data"  # key-value rows under `facts`
    LIST = "list"  # one row per item of a list of objects
    FRAMEWORK = "framework"  # the answers of one framework
    KEYED = "keyed"  # rows per framework and indicator (overrides, action plan)


class Kind(StrEnum):
    """How a value is written in a cell."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    DATE = "date"
    CHOICES = "choices"  # a list of choices
    LINES = "lines"  # a list of texts
    CITATIONS = "citations"  # documents cited by an answer
    JSON = "json"  # a list of objects inside a row (a loan's fees), written as JSON text


@dataclass(frozen=True, slots=True)
class Field:
    """One value of the evidence schema, as a row or a column of the workbook."""

    name: str  # as the workbook shows it: 'clients.women_share', 'title'
    at: tuple[str, ...]  # its path below the sheet's root in the evidence
    kind: Kind
    schema: Mapping[str, Any]  # the resolved schema of the value (of an item, for lists)
    description: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values of a choice."""
        return tuple(str(v) for v in self.schema.get("enum", ()))

    @property
    def hint(self) -> str:
        """What to write, in a few words."""
        unit = self.schema.get("x-unit", "")
        low, high = self.schema.get("minimum"), self.schema.get("maximum")
        match self.kind:
            case Kind.CHOICE:
                return _("one of: ") + ", ".join(word(c) for c in self.choices)
            case Kind.CHOICES:
                return _("any of (comma-separated): ") + ", ".join(self.choices)
            case Kind.BOOLEAN:
                return _("{yes} or {no}").format(yes=word("yes"), no=word("no"))
            case Kind.DATE:
                return _("date YYYY-MM-DD")
            case Kind.LINES:
                return _("text, one item per line")
            case Kind.CITATIONS:
                return "DOC-1 p. 4; DOC-2"
            case Kind.JSON:
                return _('a JSON list, e.g. [{"name": "Processing fee", "share": 0.02}]')
            case Kind.INTEGER | Kind.NUMBER if low == 0 and high == 1:
                return _("share 0..1 (0.25 = 25 %)")
            case Kind.INTEGER | Kind.NUMBER:
                kind = _("whole number") if self.kind is Kind.INTEGER else _("number")
                bounds = f" {low}..{high}" if low is not None and high is not None else ""
                bounds = bounds or (f" ≥ {low}" if low is not None else "")
                return f"{kind}{bounds}{' (' + unit + ')' if unit else ''}"
            case _:
                pattern = self.schema.get("pattern", "")
                return _("text") + (
                    _(" matching {pattern}").format(pattern=pattern) if pattern else ""
                )


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(defs[ref.rsplit("/", 1)[-1]], defs)
        return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _kind(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Kind | None:
    if "enum" in schema:
        return Kind.CHOICE
    match schema.get("type"):
        case "boolean":
            return Kind.BOOLEAN
        case "integer":
            return Kind.INTEGER
        case "number":
            return Kind.NUMBER
        case "string" if str(schema.get("pattern", "")).startswith("^[0-9]{4}-"):
            return Kind.DATE
        case "string":
            return Kind.TEXT
        case "array":
            items = _resolve(schema.get("items", {}), defs)
            if "enum" in items:
                return Kind.CHOICES
            if items.get("type") == "string":
                return Kind.LINES
            if items.get("type") == "object":
                return Kind.JSON
    return None


def evidence_defs() -> Mapping[str, Any]:
    """The evidence schema's definitions."""
    return load_schema("evidence")["$defs"]  # type: ignore[no-any-return]


def evidence_schema() -> Mapping[str, Any]:
    """The evidence schema."""
    return load_schema("evidence")


def scalar_fields(
    schema: Mapping[str, Any], at: tuple[str, ...] = (), skip: Sequence[str] = ()
) -> Iterator[Field]:
    """Every value below `schema` that fits in one cell, depth first (lists of objects left out)."""
    defs = evidence_defs()
    for name, raw in _resolve(schema, defs).get("properties", {}).items():
        if name in skip:
            continue
        sub = _resolve(raw, defs)
        path = (*at, name)
        if sub.get("readOnly") or raw.get("readOnly"):  # computed by the engine, never given
            continue
        if sub.get("type") == "object" and "properties" in sub:
            yield from scalar_fields(sub, path)
            continue
        kind = _kind(sub, defs)
        if kind is None:
            continue
        item = _resolve(sub.get("items", {}), defs) if kind in (Kind.CHOICES, Kind.LINES) else sub
        own = raw if ("title" in raw or "description" in raw) else sub
        words = [str(own.get("title", "")), str(own.get("description", ""))]
        yield Field(
            ".".join(path), path, kind, {**item, **_bounds(sub)}, "; ".join(w for w in words if w)
        )


def _bounds(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: schema[k] for k in ("x-unit",) if k in schema}


def fact_fields() -> list[Field]:
    """The scalar facts of the Data sheet (the Green Index answers have their own sheet)."""
    return list(scalar_fields(evidence_defs()["facts"], (), skip=(*OPTIONAL_FACTS, *LIST_FACTS)))


def green_index_fields() -> list[Field]:
    """The Green Index answers of one respondent."""
    return list(scalar_fields(evidence_defs()["green_index_submission"]))


def item_fields(schema: Mapping[str, Any]) -> list[Field]:
    """The columns of a list of objects (its items' values)."""
    defs = evidence_defs()
    return list(scalar_fields(_resolve(_resolve(schema, defs)["items"], defs)))


def list_fact_fields(name: str) -> list[Field]:
    """The columns of a list-of-objects fact (social_goals, products, …)."""
    return item_fields(evidence_defs()["facts"]["properties"][name])


def institution_fields(frameworks: Sequence[str]) -> list[Field]:
    """Institution and assessment rows, the rule-set versions and the fact sources."""
    props = evidence_schema()["properties"]
    fields = [
        *scalar_fields(props["institution"], ("institution",)),
        *scalar_fields(props["assessment"], ("assessment",), skip=("assessors",)),
    ]
    version = props["assessment"]["properties"]["rule_set_versions"]["additionalProperties"]
    fields += [
        Field(
            f"assessment.rule_set_versions.{fw}",
            ("assessment", "rule_set_versions", fw),
            Kind.TEXT,
            version,
            f"the version of {fw} this evidence was written for",
        )
        for fw in frameworks
    ]
    sources = props["fact_sources"]
    doc_id = _resolve(sources["additionalProperties"], evidence_defs())
    fields += [
        Field(
            f"fact_sources.{part}",
            ("fact_sources", part),
            Kind.TEXT,
            doc_id,
            f"the document the {part.replace('_', ' ')} facts come from (its id)",
        )
        for part in sources["propertyNames"]["enum"]
    ]
    return fields


def institution_field(name: str) -> Field | None:
    """The Institution sheet's field of that name (rule-set versions of any framework)."""
    prefix = "assessment.rule_set_versions."
    frameworks = [name[len(prefix) :]] if name.startswith(prefix) else []
    return next((f for f in institution_fields(frameworks) if f.name == name), None)


def answer_fields() -> list[Field]:
    """The columns of a framework sheet that an answer fills."""
    fields = {f.name: f for f in item_fields({"items": {"$ref": "#/$defs/answer"}})}
    fields["evidence"] = Field("documents", ("evidence",), Kind.CITATIONS, {})
    return [fields[name] for name in ANSWER_FIELDS]


def override_fields() -> list[Field]:
    """The columns of the Overrides sheet after the framework and the indicator."""
    return item_fields({"items": {"$ref": "#/$defs/override"}})


def action_fields() -> list[Field]:
    """The columns of the Action plan sheet after the framework and the indicator."""
    plan = evidence_schema()["properties"]["action_plan"]["additionalProperties"]
    return item_fields({"items": plan["additionalProperties"]})


# ---------------------------------------------------------------------------------------------
# Values in cells
# ---------------------------------------------------------------------------------------------
def cell_value(field: Field, value: object) -> object:
    """How `value` is written in a cell (the inverse of `read_cell`)."""
    match field.kind:
        case Kind.BOOLEAN:
            return word("yes") if value else word("no")
        case Kind.CHOICE if str(value) in ANSWER_WORDS:
            return word(value)
        case Kind.DATE if isinstance(value, str) and _is_date(value):
            return dt.date.fromisoformat(value)
        case Kind.CHOICES:
            return ", ".join(str(v) for v in value) if isinstance(value, list) else value
        case Kind.LINES:
            return "\n".join(str(v) for v in value) if isinstance(value, list) else value
        case Kind.CITATIONS:
            return citations_text(value)
        case Kind.JSON:
            return json.dumps(value, ensure_ascii=False)
    return value


def citations_text(value: object) -> str:
    """Cited documents as `DOC-1 p. 4; DOC-2 (a note)`."""
    parts = []
    for item in value if isinstance(value, list) else []:
        text = str(item.get("document", ""))
        if item.get("pages"):
            text += f" p. {item['pages']}"
        if item.get("note"):
            text += f" ({item['note']})"
        parts.append(text)
    return "; ".join(parts)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return _DATE.fullmatch(text) is not None


def is_blank(raw: object) -> bool:
    """Whether a cell holds nothing (empty, or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def cell_text(raw: object) -> str:
    """A cell read as text, as a user typed it (12.0 → '12')."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return "" if raw is None else str(raw)


def read_cell(field: Field, raw: object) -> tuple[object, str | None]:
    """The value a non-blank cell gives `field`, or why it gives none (a message)."""
    shown = cell_text(raw).strip()
    match field.kind:
        case Kind.BOOLEAN:
            if isinstance(raw, bool):
                return raw, None
            said = shown.lower()
            if current_language() != "en":  # the workbook's words, or English
                said = {word("yes").lower(): "yes", word("no").lower(): "no"}.get(said, said)
            if said in ("yes", "true", "no", "false"):
                return said in ("yes", "true"), None
            return None, f"'{shown}' is not yes or no"
        case Kind.INTEGER | Kind.NUMBER:
            return _number(field, raw, shown)
        case Kind.DATE:
            if isinstance(raw, dt.datetime | dt.date) and not isinstance(raw, bool):
                day = raw.date() if isinstance(raw, dt.datetime) else raw
                return day.isoformat(), None
            if _is_date(shown):
                return shown, None
            return None, f"'{shown}' is not a date YYYY-MM-DD"
        case Kind.CHOICE:
            return _choice(field, shown)
        case Kind.CHOICES:
            words = [w for w in re.split(r"[,;\s]+", shown) if w]
            bad = [w for w in words if w not in field.choices]
            if bad:
                return None, (
                    f"{', '.join(repr(w) for w in bad)} not among {', '.join(field.choices)}"
                )
            return words, None
        case Kind.LINES:
            return [line.strip() for line in cell_text(raw).splitlines() if line.strip()], None
        case Kind.CITATIONS:
            return _citations(shown)
        case Kind.JSON:
            try:
                return json.loads(shown), None
            except json.JSONDecodeError as e:
                return None, f"not a JSON list ({e.msg} at character {e.pos + 1})"
        case _:
            return _text(field, raw if isinstance(raw, str) else shown)


def _number(field: Field, raw: object, shown: str) -> tuple[object, str | None]:
    value: int | float
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = raw
    else:
        # Typed as text: '45 %' is 0.45, and a decimal comma ('0,45') is read as a point.
        text = shown.replace(" ", "").replace("\u00a0", "")
        percent = text.endswith("%")
        text = text.removesuffix("%")
        if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
            if len(text.rsplit(",", 1)[1]) == 3:  # 1,000: a thousands separator or a decimal?
                return None, f"'{shown}' is ambiguous: write it without a comma, or with a point"
            text = text.replace(",", ".")
        try:
            value = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
        except ValueError:
            return None, f"'{shown}' is not a number"
        if percent:
            value = value / 100
        if value != value or value in (float("inf"), float("-inf")):
            return None, f"'{shown}' is not a number"
    if field.kind is Kind.INTEGER:
        if isinstance(value, float) and not value.is_integer():
            return None, f"{shown} is not a whole number"
        value = int(value)
    low, high = field.schema.get("minimum"), field.schema.get("maximum")
    if low is not None and value < low:
        return None, f"{shown} is below the minimum {low}"
    if high is not None and value > high:
        share = " (a share: 0.25 = 25 %)" if low == 0 and high == 1 else ""
        return None, f"{shown} is above the maximum {high}{share}"
    return value, None


def _choice(field: Field, shown: str) -> tuple[object, str | None]:
    # The schema's own value: a choice may be a number (the Green Index's 0 and 1).
    values = {cell_text(v): v for v in field.schema.get("enum", ())}
    if shown in values:
        return values[shown], None
    lowered = {text.lower(): v for text, v in values.items()}
    lowered |= {word(text).lower(): v for text, v in values.items() if text in ANSWER_WORDS}
    if shown.lower() in lowered:
        return lowered[shown.lower()], None
    return None, f"'{shown}' is not one of {', '.join(field.choices)}"


def _text(field: Field, text: str) -> tuple[object, str | None]:
    pattern = field.schema.get("pattern")
    if pattern and not re.search(pattern, text):
        return None, f"'{text}' does not match {pattern}"
    longest, shortest = field.schema.get("maxLength"), field.schema.get("minLength")
    if longest is not None and len(text) > longest:
        return None, f"text of {len(text)} characters, over the limit of {longest}"
    if shortest is not None and len(text) < shortest:
        return None, "text is empty"
    return text, None


def _citations(shown: str) -> tuple[object, str | None]:
    cited: list[dict[str, str]] = []
    for part in (p.strip() for p in shown.split(";")):
        if not part:
            continue
        match = _CITATION.fullmatch(part)
        if match is None:
            return None, f"'{part}' is not a document citation like 'DOC-1 p. 4' or 'DOC-2'"
        item = {"document": match["id"]}
        if match["pages"]:
            item["pages"] = match["pages"].strip()
        if match["note"]:
            item["note"] = match["note"]
        cited.append(item)
    return cited, None
