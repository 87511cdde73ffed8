"""`spm-audit template -o questionnaire.xlsx`: the questionnaire as an Excel workbook.

Pure: rule sets (and, for next year's assessment, last year's evidence) in, xlsx bytes out. The
sheets: Read me; Institution (institution and assessment, one row each, the rule-set versions and
the fact sources); Assessors; Documents; Data (every scalar fact, with its type or unit, its
description and how many indicators check it, drop-downs for choices and yes/no, bounds for
numbers and shares); one sheet per list of facts (Social goals, Products); one sheet per
framework, questions under their dimension and standard headings, with the answer drop-down;
Overrides; Action plan. The hidden sheet `spm-audit` records each sheet's role for the importer
(`engine/importers/questionnaire.py`), which reads everything back. Same input, same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.errors import UsageError
from engine.evidence import load_evidence
from engine.i18n import SOURCE, current_language, translated, use_language
from engine.i18n import gettext as _
from engine.load import load_file
from engine.model import Method, Node, RuleSet
from engine.placeholders import placeholder
from engine.questionnaire import (
    answer_meanings,
    answerable,
    evidence_template,
    fact_paths,
    used_paths,
)
from engine.questionnaire_readme import read_me_lines
from engine.questionnaire_sheets import (
    ACTION_PLAN_SHEET,
    ASSESSORS_SHEET,
    DATA_SHEET,
    DECIMAL_FORMAT,
    DOCUMENTS_SHEET,
    FIRST_ROW,
    FRAMEWORK_COLUMNS,
    GREEN_INDEX_SHEET,
    HEADER_ROW,
    INSTITUTION_SHEET,
    KEY_VALUE_COLUMNS,
    LAYOUT_VERSION,
    LIST_FACTS,
    LIST_SHEETS,
    META_SHEET,
    OVERRIDES_SHEET,
    Field,
    Kind,
    Role,
    action_fields,
    answer_fields,
    cell_value,
    evidence_schema,
    fact_fields,
    green_index_fields,
    header,
    institution_fields,
    item_fields,
    list_fact_fields,
    override_fields,
    word,
)
from engine.rulesets import bundled_frameworks, load_rule_sets
from engine.workbook import (
    column_letters,
    new_workbook,
    put,
    style_heading,
    style_table,
    workbook_bytes,
)

_BLANK_EVIDENCE: Mapping[str, Any] = {
    "institution": {
        "name": placeholder("name of the institution"),
        "country": placeholder("two-letter country code"),
    },
    "assessment": {
        "type": "self_assessment",
        "status": "draft",
        "period": {"start": placeholder("YYYY-MM-DD"), "end": placeholder("YYYY-MM-DD")},
        "assessed_on": placeholder("YYYY-MM-DD"),
        "assessors": [{"name": placeholder("your name"), "role": "lead assessor"}],
    },
    "documents": [
        {
            "id": "DOC-1",
            "title": placeholder("title of a document you reviewed"),
            "kind": "policy",
            "date": placeholder("YYYY-MM-DD"),
        }
    ],
}


def _get(data: object, at: Sequence[str]) -> object:
    for key in at:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


class _Validations:
    """Data validations of one sheet, one per distinct rule (a drop-down, bounds)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.made: dict[tuple[str, ...], Any] = {}

    def add(self, field: Field, cell: str) -> None:
        rule = _rule(field)
        if rule is None:
            return
        if rule not in self.made:
            from openpyxl.worksheet.datavalidation import DataValidation

            kind, operator, low, high, message = rule
            options: dict[str, Any] = {"type": kind, "operator": operator or None}
            made = DataValidation(
                **options,
                formula1=low,
                formula2=high or None,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="spm-audit",
                error=message,
            )
            self.sheet.add_data_validation(made)
            self.made[rule] = made
        self.made[rule].add(cell)


def _rule(field: Field) -> tuple[str, str, str, str, str] | None:
    low, high = field.schema.get("minimum"), field.schema.get("maximum")
    match field.kind:
        case Kind.BOOLEAN:
            return ("list", "", f'"{word("yes")},{word("no")}"', "", field.hint)
        case Kind.CHOICE:
            words = '"' + ",".join(word(c) for c in field.choices) + '"'
            return ("list", "", words, "", field.hint) if len(words) <= 255 else None
        case Kind.INTEGER | Kind.NUMBER:
            kind = "whole" if field.kind is Kind.INTEGER else "decimal"
            if low is not None and high is not None:
                return (kind, "between", str(low), str(high), field.hint)
            if low is not None:
                return (kind, "greaterThanOrEqual", str(low), "", field.hint)
    return None


def _title(sheet: Any, text: str) -> None:
    from openpyxl.styles import Font

    put(sheet, 1, 1, text).font = Font(bold=True, size=12)


def _key_value_sheet(
    book: Any,
    name: str,
    title: str,
    fields: Sequence[Field],
    values: Mapping[str, Any] | None,
    used: Counter[str],
    prefix: str,
) -> None:
    sheet = book.create_sheet(name)
    _title(sheet, title)
    for column, name in enumerate(KEY_VALUE_COLUMNS, start=1):
        put(sheet, HEADER_ROW, column, header(name))
    put(sheet, HEADER_ROW + 1, 2, _("← write here"))
    validations = _Validations(sheet)
    row, section = FIRST_ROW, ""
    for field in fields:
        if field.at[0] != section:
            section = field.at[0]
            put(sheet, row, 1, section.replace("_", " ").capitalize())
            style_heading(sheet, row, len(KEY_VALUE_COLUMNS))
            row += 1
        put(sheet, row, 1, field.name)
        value = _get(values, field.at)
        if value is not None:
            put(sheet, row, 2, cell_value(field, value), number_format=_format(field, value))
        elif field.kind is Kind.DATE:
            sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd"
        put(sheet, row, 3, field.hint)
        put(sheet, row, 4, field.description)
        count = used[f"{prefix}{field.name}"]
        if count:
            put(sheet, row, 5, _("checked by {count} indicator(s)").format(count=count))
        validations.add(field, f"B{row}")
        row += 1
    style_table(sheet, HEADER_ROW, (38, 24, 30, 60, 22), first_data_row=FIRST_ROW)


def _format(field: Field, value: object) -> str:
    if field.kind is Kind.DATE:
        return "yyyy-mm-dd"
    return DECIMAL_FORMAT if isinstance(value, float) and value.is_integer() else ""


def _list_sheet(
    book: Any,
    name: str,
    title: str,
    fields: Sequence[Field],
    items: object,
    used: Counter[str],
    prefix: str,
) -> None:
    sheet = book.create_sheet(name)
    _title(sheet, title)
    validations = _Validations(sheet)
    rows = [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
    for column, field in enumerate(fields, start=1):
        put(sheet, HEADER_ROW, column, header(field.name))
        count = used[f"{prefix}[].{field.name}"]
        checked = _("; checked by {count} indicator(s)").format(count=count)
        hint = field.hint + (checked if count else "")
        put(sheet, HEADER_ROW + 1, column, f"{field.description}: {hint}".lstrip(": "))
        letter = column_letters(column)
        for offset, item in enumerate(rows):
            value = _get(item, field.at)
            if value is not None:
                put(
                    sheet,
                    FIRST_ROW + offset,
                    column,
                    cell_value(field, value),
                    number_format=_format(field, value),
                )
        for row in range(FIRST_ROW, FIRST_ROW + max(len(rows), 1) + 20):
            if field.kind is Kind.DATE:
                sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
            validations.add(field, f"{letter}{row}")
    from openpyxl.styles import Font

    for cell in sheet[HEADER_ROW + 1]:
        cell.font = Font(italic=True, size=9)
    widths = [max(12, min(40, len(f.name) + 4)) for f in fields]
    style_table(sheet, HEADER_ROW, widths, first_data_row=FIRST_ROW)


def _framework_sheet(
    book: Any, name: str, key: str, rule_sets: Sequence[RuleSet], answers: object
) -> None:
    sheet = book.create_sheet(name)
    said = [rs.in_language(current_language()) for rs in rule_sets]
    titles = ", ".join(f"{rs.title} ({rs.id} {rs.version})" for rs in said) or key
    _title(sheet, _("{titles}: answer each question in the 'answer' column").format(titles=titles))
    for column, name in enumerate(FRAMEWORK_COLUMNS, start=1):
        put(sheet, HEADER_ROW, column, header(name))
    fields = answer_fields()
    for column, field in enumerate(fields, start=FRAMEWORK_COLUMNS.index("answer") + 1):
        put(sheet, HEADER_ROW + 1, column, field.hint)
    given = dict(answers) if isinstance(answers, Mapping) else {}
    state = _FrameworkRows(sheet, fields, given)
    seen: set[str] = set()
    for rs in rule_sets:
        state.nodes(rs.nodes, 0, seen)
    left = [i for i in given if i not in seen]
    if left:
        state.heading(
            _(
                "Other answers: indicators with no question here (decided by the data, or not in "
                "this rule set)"
            ),
            0,
        )
        for ident in left:
            state.question(ident, [], {})
    style_table(
        sheet,
        HEADER_ROW,
        (11, 44, 44, 28, 24, 22, 22, 22, 22, 12, 40, 24, 16, 13),
        first_data_row=FIRST_ROW,
    )
    for row in state.headings:
        style_heading(sheet, row, len(FRAMEWORK_COLUMNS))


class _FrameworkRows:
    """Writes a framework sheet's rows: headings, then questions with their answers."""

    def __init__(self, sheet: Any, fields: Sequence[Field], given: Mapping[str, Any]) -> None:
        self.sheet, self.fields, self.given = sheet, fields, given
        self.row = FIRST_ROW
        self.depth = 0
        self.headings: list[int] = []
        sheet.sheet_properties.outlinePr.summaryBelow = False  # headings sit above their rows
        self.validations = _Validations(sheet)

    def heading(self, text: str, depth: int) -> None:
        put(self.sheet, self.row, 2, ("    " * depth) + text)
        self.headings.append(self.row)
        self._outline(depth)
        self.depth = depth + 1  # the questions below it
        self.row += 1

    def _outline(self, level: int) -> None:
        """Group the row under its heading, so that a dimension or standard folds away."""
        if level:
            self.sheet.row_dimensions[self.row].outline_level = min(level, 7)

    def nodes(self, nodes: Sequence[Node], depth: int, seen: set[str]) -> None:
        for node in nodes:
            if not any(
                i.method is not Method.CHECK and i.id not in seen for i in node.all_indicators()
            ):
                continue  # nothing to answer here, or answered under another rule set's heading
            level = _(node.level.replace("_", " ")).capitalize()
            title = translated(node.translations, "title", node.title)
            self.heading(f"{level} {node.id}: {title}", depth)
            for found in node.indicators:
                if found.method is Method.CHECK or found.id in seen:
                    continue
                seen.add(found.id)
                ind = found.in_language(current_language())
                meanings = answer_meanings(ind)
                texts = [
                    ind.title + ("  [" + _("critical") + "]" if ind.critical else ""),
                    ind.guidance,
                    "; ".join(ind.evidence),
                    ", ".join(fact_paths(ind)) if ind.method is Method.BOTH else "",
                    *(" ".join(meanings[a].split()) for a in ("yes", "partially", "no", "na")),
                ]
                self.question(ind.id, texts, self.given.get(ind.id))
            self.nodes(node.children, depth + 1, seen)

    def question(self, ident: str, texts: Sequence[str], answer: object) -> None:
        put(self.sheet, self.row, 1, ident)
        self._outline(self.depth)
        for column, text in enumerate(texts, start=2):
            if text:
                put(self.sheet, self.row, column, text)
        first = FRAMEWORK_COLUMNS.index("answer") + 1
        answer = self.given.get(ident, answer)
        for column, field in enumerate(self.fields, start=first):
            value = _get(answer, field.at)
            if value is not None:
                put(
                    self.sheet,
                    self.row,
                    column,
                    cell_value(field, value),
                    number_format=_format(field, value),
                )
            if field.kind is Kind.DATE:
                self.sheet.cell(row=self.row, column=column).number_format = "yyyy-mm-dd"
            self.validations.add(field, f"{column_letters(column)}{self.row}")
        self.row += 1


def _keyed_rows(data: object) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    if isinstance(data, Mapping):
        for framework, entries in data.items():
            if isinstance(entries, Mapping):
                for ident, entry in entries.items():
                    if isinstance(entry, Mapping):
                        yield str(framework), str(ident), entry


def _keyed_sheet(book: Any, name: str, title: str, fields: Sequence[Field], data: object) -> None:
    keys = [
        Field("framework", ("framework",), Kind.TEXT, {}, "the framework id"),
        Field("indicator", ("indicator",), Kind.TEXT, {}, "the indicator id"),
    ]
    items = [{"framework": f, "indicator": i, **entry} for f, i, entry in _keyed_rows(data)]
    _list_sheet(book, name, title, [*keys, *fields], items, Counter(), "")


def _sheet_name(rs: RuleSet, taken: set[str]) -> str:
    short = rs.in_language(current_language()).short_title
    base = "".join(c for c in (short or rs.id) if c not in "[]:*?/\\")[:31]
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:28]} {n}", n + 1
    taken.add(name.lower())
    return name


def questionnaire_workbook(
    rule_sets: Sequence[RuleSet],
    evidence: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> bytes:
    """The questionnaire for `rule_sets` as xlsx bytes, pre-filled from `evidence` if given.

    In `language` (default English): its sheet names, headers, instructions, headings, question
    texts where the rule set translates them, and the words of the answers; the import reads it
    back to the same evidence, whose values do not depend on the language.
    """
    with use_language(language):
        return _workbook(rule_sets, evidence)


def _workbook(rule_sets: Sequence[RuleSet], evidence: Mapping[str, Any] | None) -> bytes:
    data: Mapping[str, Any] = evidence if evidence is not None else _BLANK_EVIDENCE
    given = data.get("facts")
    facts: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    used = used_paths(rule_sets)
    book = new_workbook()
    meta: list[tuple[str, str, str]] = []
    names = ", ".join(rs.id for rs in rule_sets)
    read_me = book.create_sheet(_("Read me"))
    for row, line in enumerate(read_me_lines(), start=1):
        put(read_me, row, 1, line.format(version=LAYOUT_VERSION, names=names))
    read_me.column_dimensions["A"].width = 100

    keys = list(
        dict.fromkeys([*(rs.answers_key for rs in rule_sets), *(data.get("answers") or {})])
    )
    found = _get(data, ("assessment", "rule_set_versions"))
    versions = list(found) if isinstance(found, Mapping) else []
    _key_value_sheet(
        book,
        _(INSTITUTION_SHEET),
        _("The institution and the assessment: write each value in column B"),
        institution_fields(list(dict.fromkeys([*keys, *versions]))),
        data,
        Counter(),
        "",
    )
    meta.append((_(INSTITUTION_SHEET), Role.INSTITUTION, ""))
    props = evidence_schema()["properties"]
    assessors = props["assessment"]["properties"]["assessors"]
    _list_sheet(
        book,
        _(ASSESSORS_SHEET),
        _("The assessors: one row each"),
        item_fields(assessors),
        _get(data, ("assessment", "assessors")),
        Counter(),
        "",
    )
    meta.append((_(ASSESSORS_SHEET), Role.LIST, "assessment.assessors"))
    _list_sheet(
        book,
        _(DOCUMENTS_SHEET),
        _("The documents reviewed: one row each; answers cite them by id"),
        item_fields(props["documents"]),
        data.get("documents"),
        Counter(),
        "",
    )
    meta.append((_(DOCUMENTS_SHEET), Role.LIST, "documents"))
    _key_value_sheet(
        book,
        _(DATA_SHEET),
        _("The facts the rules read: write what you know in column B, leave the rest empty"),
        fact_fields(),
        facts,
        used,
        "",
    )
    meta.append((_(DATA_SHEET), Role.DATA, "facts"))
    for fact in LIST_FACTS:
        if fact == "green_index_respondents" and fact not in facts:
            continue
        name = _(LIST_SHEETS[fact])
        _list_sheet(
            book,
            name,
            _("facts.{fact}: one row per item").format(fact=fact),
            list_fact_fields(fact),
            facts.get(fact),
            used,
            fact,
        )
        meta.append((name, Role.LIST, f"facts.{fact}"))
    if "green_index" in facts:
        _key_value_sheet(
            book,
            _(GREEN_INDEX_SHEET),
            _("facts.green_index: the Green Index 3.0 answers of the institution's one respondent"),
            green_index_fields(),
            facts.get("green_index"),
            Counter(),
            "",
        )
        meta.append((_(GREEN_INDEX_SHEET), Role.DATA, "facts.green_index"))
    taken = {n.lower() for n, _role, _key in meta} | {_("Read me").lower(), META_SHEET}
    for key in keys:
        # The framework before its profiles: it holds every question they select.
        sets = sorted(
            (rs for rs in rule_sets if rs.answers_key == key), key=lambda rs: rs.base is not None
        )
        if not _get(data, ("answers", key)) and not any(
            answerable(n) for s in sets for n in s.nodes
        ):
            continue  # a framework decided by data alone has no question to answer
        name = _sheet_name(sets[0], taken) if sets else key[:31]
        taken.add(name.lower())
        _framework_sheet(book, name, key, sets, _get(data, ("answers", key)))
        meta.append((name, Role.FRAMEWORK, key))
    _keyed_sheet(
        book,
        _(OVERRIDES_SHEET),
        _("Overrides of computed statuses: who, when and why"),
        override_fields(),
        data.get("overrides"),
    )
    meta.append((_(OVERRIDES_SHEET), Role.KEYED, "overrides"))
    _keyed_sheet(
        book,
        _(ACTION_PLAN_SHEET),
        _("The action plan: owner, due date, status and effort per indicator"),
        action_fields(),
        data.get("action_plan"),
    )
    meta.append((_(ACTION_PLAN_SHEET), Role.KEYED, "action_plan"))
    _meta_sheet(book, meta)
    return workbook_bytes(book)


def _meta_sheet(book: Any, meta: Sequence[tuple[str, str, str]]) -> None:
    sheet = book.create_sheet(META_SHEET)
    put(sheet, 1, 1, "spm-audit questionnaire")
    put(sheet, 1, 2, LAYOUT_VERSION)
    if current_language() != SOURCE:  # the language of its headers and answer words
        put(sheet, 1, 3, current_language())
    for column, name in enumerate(("sheet", "role", "key"), start=1):
        put(sheet, HEADER_ROW, column, name)
    for row, entry in enumerate(meta, start=FIRST_ROW):
        for column, value in enumerate(entry, start=1):
            put(sheet, row, column, str(value))
    sheet.sheet_state = "hidden"


def template_bytes(
    frameworks: Sequence[str],
    out: Path | None,
    source: Path | None,
    facts_only: bool = False,
    answers_only: bool = False,
    language: str | None = None,
) -> bytes:
    """What `spm-audit template` writes: a workbook for `-o FILE.xlsx`, else the YAML template.

    `source` (a workbook only) pre-fills it from an evidence file, whose answered frameworks are
    the default; otherwise the default is universal-standards.

    Raises:
        UsageError: `--from` without a workbook, or a workbook with --facts-only/--answers-only.
        InvalidInputError: the evidence file is invalid.
    """
    workbook = out is not None and out.suffix.lower() == ".xlsx"
    if not workbook:
        if source is not None:
            raise UsageError("--from pre-fills a workbook: write it with -o FILE.xlsx")
        with use_language(language):
            return evidence_template(
                load_rule_sets(frameworks or ["universal-standards"]),
                facts=not answers_only,
                answers=not facts_only,
            ).encode()
    if facts_only or answers_only:
        raise UsageError(
            "--facts-only and --answers-only are for the YAML template, not a workbook"
        )
    if source is None:
        return questionnaire_workbook(
            load_rule_sets(frameworks or ["universal-standards"]), None, language
        )
    load_evidence(source)  # refuse an invalid file, with every problem
    data = load_file(source).document.data
    assert isinstance(data, Mapping)  # noqa: S101 - a valid evidence file is a mapping
    answered = [k for k in data.get("answers") or {} if k in bundled_frameworks()]
    return questionnaire_workbook(
        load_rule_sets(frameworks or answered or ["universal-standards"]), data, language
    )
