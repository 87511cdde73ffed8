"""`spm-audit template`: an evidence file to fill, generated from the rule sets.

It lists every fact of the evidence vocabulary (marking those the chosen frameworks check) and,
under the headings of each framework's dimensions and standards, every question an assessor
answers: its guidance, the evidence to look for, the facts that decide it too, and what each
answer (yes, partially, no, na) states. Answers are left blank; the values only the user can
know are placeholders, which `validate` refuses until they are replaced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from engine.i18n import N_, current_language, translated
from engine.i18n import gettext as _
from engine.model import Indicator, Method, Node, RuleSet
from engine.placeholders import placeholder
from engine.schemacheck import load_schema
from engine.schemafiles import schema_line

_WIDTH = 100


def used_paths(rule_sets: Sequence[RuleSet]) -> Counter[str]:
    """How many indicators read each fact path (`products[].apr` for a list's items)."""
    used: Counter[str] = Counter()
    for rs in rule_sets:
        for ind in rs.indicators():
            seen: set[str] = set()
            for cond in (ind.applies_when, ind.check, ind.partial_check):
                if cond is None:
                    continue
                lists = [p for p in cond.paths if not p.startswith("@")]
                for path in cond.paths:
                    if path.startswith("@."):
                        seen.update(f"{base}[].{path[2:]}" for base in lists)
                    else:
                        seen.add(path)
            used.update(seen)
    return used


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = defs[ref.rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged
    return schema


TYPE_WORDS = (N_("string"), N_("number"), N_("integer"), N_("boolean"), N_("array"), N_("value"))


def _describe(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return _("one of: ") + ", ".join(str(v) for v in schema["enum"])
    if schema.get("pattern", "").startswith("^[0-9]{4}"):
        return _("date YYYY-MM-DD")
    kind = schema.get("type", "value")
    if schema.get("minimum") == 0 and schema.get("maximum") == 1:
        return _("share 0..1")
    return _(str(kind))


def _facts_lines(
    schema: Mapping[str, Any], defs: Mapping[str, Any], used: Counter[str], prefix: str, indent: int
) -> list[str]:
    lines = []
    pad = "  " * indent
    for name, raw in schema.get("properties", {}).items():
        sub = _resolve(raw, defs)
        path = f"{prefix}{name}"
        if raw.get("readOnly"):
            continue  # computed by spm-audit (engine/derived.py), never filled in
        if sub.get("type") == "object" and "properties" in sub:
            lines.append(f"#{pad}{name}:")
            lines += _facts_lines(sub, defs, used, path + ".", indent + 1)
        elif (
            sub.get("type") == "array"
            and isinstance(sub.get("items"), Mapping)
            and "properties" in _resolve(sub["items"], defs)
        ):
            lines.append(f"#{pad}{name}:   # " + _("a list; each item:"))
            lines += _facts_lines(
                _resolve(sub["items"], defs), defs, used, path + "[].", indent + 2
            )
        else:
            checked = _("checked by {count} indicator(s)").format(count=used[path])
            note = f"  [{checked}]" if used[path] else ""
            description = sub.get("description", "")
            text = f"#{pad}{name}:   # {_describe(sub)}{'; ' + description if description else ''}{note}"
            lines.append(text)
    return lines


def _wrap(text: str, prefix: str) -> list[str]:
    words, lines, line = text.split(), [], prefix
    for word in words:
        if len(line) + len(word) + 1 > _WIDTH and line.strip() != prefix.strip():
            lines.append(line.rstrip())
            line = prefix
        line += word + " "
    if line.strip() != prefix.strip():
        lines.append(line.rstrip())
    return lines


_HOW_TO_ANSWER = """\
# How to answer. Each question below is commented out: uncomment its answer line (remove "# ")
# and set `answer` to one of
#   yes        the practice is in place as the question states, and you have seen the evidence;
#   partially  part of it is in place (under each question, "partially:" says which part counts);
#   no         it is not in place;
#   na         it does not apply to this institution: say why in `comment`.
# Under each question, "yes:", "partially:", "no:" and "na:" say what the answer states about the
# institution. Cite the documents you read in `evidence`. A question left commented out is reported
# as not assessed, never as met. Values written <like this> are blanks: `spm-audit validate`
# refuses them until they are replaced."""
_HOW_TO_ANSWER_TEXT = N_(  # the same, one text for the catalogue (the values stay in English)
    "How to answer. Each question below is commented out: uncomment its answer line (remove "
    '"# ") and set `answer` to one of: yes (the practice is in place as the question states, and '
    "you have seen the evidence); partially (part of it is in place; under each question, "
    '"partially:" says which part counts); no (it is not in place); na (it does not apply to this '
    "institution: say why in `comment`). These values stay in English in every language: the "
    'evidence file does not depend on it. Under each question, "yes:", "partially:", "no:" and '
    '"na:" say what the answer states about the institution. Cite the documents you read in '
    "`evidence`. A question left commented out is reported as not assessed, never as met. Values "
    "written <like this> are blanks: `spm-audit validate` refuses them until they are replaced."
)


def _how_to_answer() -> str:
    if current_language() == "en":
        return _HOW_TO_ANSWER
    return "\n".join(_wrap(_(_HOW_TO_ANSWER_TEXT), "# "))


def _header(names: str) -> list[str]:
    return [
        # Editors with the YAML language server complete the file from the schemas written beside it.
        schema_line("evidence"),
        *_comment(
            (
                f"# Evidence template for: {names}.",
                "# Fill in the institution and assessment, list the documents you reviewed, give "
                "the facts you",
                "# have (uncomment them), and answer each question. `spm-audit validate FILE` "
                "checks it;",
                "# `spm-audit assess FILE -o report.pdf` assesses it. Anything left out is "
                "reported as not assessed.",
            ),
            _(
                "Evidence template for: {names}. Fill in the institution and assessment, list the "
                "documents you reviewed, give the facts you have (uncomment them), and answer "
                "each question. `spm-audit validate FILE` checks it; `spm-audit assess FILE -o "
                "report.pdf` assesses it. Anything left out is reported as not assessed."
            ).format(names=names),
        ),
        "schema_version: 1",
        "institution:",
        f'  name: "{placeholder("name of the institution")}"',
        "  country: XX            # " + _("ISO 3166-1 alpha-2 code, e.g. HT, KE, PE"),
        "assessment:",
        "  type: self_assessment  # "
        + _("or accompanied_self_assessment, external_audit, social_rating, due_diligence"),
        f'  period: {{start: "{placeholder("YYYY-MM-DD")}", end: "{placeholder("YYYY-MM-DD")}"}}'
        "   # " + _("the period assessed"),
        f'  assessed_on: "{placeholder("YYYY-MM-DD")}"   # ' + _("the date of the assessment"),
        "  status: draft",
        "  assessors:",
        f'    - {{name: "{placeholder("your name")}", role: lead assessor}}',
        "documents:   # " + _("every document you reviewed; answers cite them by id"),
        f'  - {{id: DOC-1, title: "{placeholder("title of a document you reviewed")}", kind: policy, '
        f'date: "{placeholder("YYYY-MM-DD")}"}}',
    ]


def _comment(english: Sequence[str], said: str) -> list[str]:
    """Comment lines: as written in English, else the translation wrapped."""
    return list(english) if current_language() == "en" else _wrap(said, "# ")


def _facts(defs: Mapping[str, Any], used: Counter[str]) -> list[str]:
    lines = [
        "facts:",
        "  {}",
        "# "
        + _(
            "The facts the rules read. Uncomment and fill what you have (under `facts:`, "
            "replacing `{}`):"
        ),
    ]
    return lines + _facts_lines(defs["facts"], defs, used, "", 1)


def fact_paths(indicator: Indicator) -> list[str]:
    """The facts that decide an answered indicator too (its check's paths)."""
    paths: list[str] = []
    for cond in (indicator.check, indicator.partial_check):
        if cond is not None:
            paths += [p for p in cond.paths if not p.startswith("@") and p not in paths]
    return paths


def answer_meanings(ind: Indicator) -> dict[str, str]:
    """What each answer (yes, partially, no, na) states about the institution for `ind`."""
    return {
        "yes": ind.title.rstrip(".") + ".",
        "partially": ind.partial_finding or _("Part of it is in place, not all."),
        "no": ind.finding,
        "na": ind.not_applicable_reason
        or _("It does not apply to this institution (say why in the comment)."),
    }


def _question(given: Indicator) -> list[str]:
    ind = given.in_language(current_language())
    critical = "  [" + _("critical") + "]" if ind.critical else ""
    lines = _wrap(f"{ind.id}  {ind.title}{critical}", "  #   ")
    if ind.guidance:
        lines += _wrap(_("Guidance: {text}").format(text=ind.guidance), "  #     ")
    if ind.evidence:
        lines += _wrap(_("Look for: {text}.").format(text=", ".join(ind.evidence)), "  #     ")
    if ind.method is Method.BOTH and (paths := fact_paths(ind)):
        lines += _wrap(
            _(
                "The data decides too, from the facts {paths}: where data and answer differ, "
                "the lower counts."
            ).format(paths=", ".join(paths)),
            "  #     ",
        )
    for answer, meaning in answer_meanings(ind).items():
        lines += _wrap(f"{answer}: {' '.join(meaning.split())}", "  #     ")
    lines.append(
        f'  #   "{ind.id}": {{answer: "", comment: "", evidence: [{{document: DOC-1, pages: ""}}]}}'
    )
    return lines


def _heading(node: Node, depth: int) -> list[str]:
    level = _(node.level.replace("_", " ")).capitalize()
    name = f"{level} {node.id}: {translated(node.translations, 'title', node.title)}"
    if depth == 0:
        return [
            "  #",
            f"  # {'=' * (_WIDTH - 4)}",
            *_wrap(name.upper(), "  # "),
            f"  # {'=' * (_WIDTH - 4)}",
        ]
    if depth == 1:
        return ["  #", *_wrap(name, "  # -- "), f"  # {'-' * (_WIDTH - 4)}"]
    return ["  #", *_wrap(name, "  # . ")]


def answerable(node: Node) -> bool:
    """Whether a node holds a question an assessor answers."""
    return any(i.method is not Method.CHECK for i in node.all_indicators())


def _questions(nodes: Sequence[Node], depth: int) -> list[str]:
    lines: list[str] = []
    for node in nodes:
        if not answerable(node):
            continue
        lines += _heading(node, depth)
        for ind in node.indicators:
            if ind.method is not Method.CHECK:
                lines += _question(ind)
        lines += _questions(node.children, depth + 1)
    return lines


def _answers(rule_sets: Sequence[RuleSet]) -> list[str]:
    lines = [_how_to_answer(), "answers:"]
    for rs in rule_sets:
        # The block holds an empty mapping until answers are uncommented.
        lines.append(
            f"  {rs.answers_key}: {{}}   # "
            + _("replace {{}} by the answers you uncomment below").format()
        )
        lines += _questions(rs.nodes, 0)
    return lines


def evidence_template(
    rule_sets: Sequence[RuleSet], *, facts: bool = True, answers: bool = True
) -> str:
    """The template text for `rule_sets`: the institution, then its facts, its answers, or both."""
    lines = _header(", ".join(rs.id for rs in rule_sets))
    if facts:
        lines += _facts(load_schema("evidence")["$defs"], used_paths(rule_sets))
    if answers:
        lines += _answers(rule_sets)
    return "\n".join(lines) + "\n"
