"""`spm-audit template`: an evidence file to fill, generated from the rule sets.

It lists every fact of the evidence vocabulary (marking those the chosen frameworks check) and
every indicator that needs an assessor's answer, with its guidance and the evidence to look for.
The template is itself a valid evidence file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from engine.model import Method, RuleSet
from engine.schemacheck import load_schema
from engine.schemafiles import schema_line

_WIDTH = 100


def _used_paths(rule_sets: Sequence[RuleSet]) -> Counter[str]:
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


def _describe(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("pattern", "").startswith("^[0-9]{4}"):
        return "date YYYY-MM-DD"
    kind = schema.get("type", "value")
    if schema.get("minimum") == 0 and schema.get("maximum") == 1:
        return "share 0..1"
    return str(kind)


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
            lines.append(f"#{pad}{name}:   # a list; each item:")
            lines += _facts_lines(
                _resolve(sub["items"], defs), defs, used, path + "[].", indent + 2
            )
        else:
            note = f"  [checked by {used[path]} indicator(s)]" if used[path] else ""
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


def evidence_template(rule_sets: Sequence[RuleSet]) -> str:
    """The template text for `rule_sets`."""
    schema = load_schema("evidence")
    defs = schema["$defs"]
    used = _used_paths(rule_sets)
    names = ", ".join(rs.id for rs in rule_sets)
    lines = [
        # Editors with the YAML language server complete the file from the schemas written beside it.
        schema_line("evidence"),
        f"# Evidence template for: {names}.",
        "# Fill in the institution and assessment, list the documents you reviewed, give the facts you",
        "# have (uncomment them), and answer each indicator. `spm-audit validate FILE` checks it;",
        "# `spm-audit assess FILE -o report.pdf` assesses it. Anything left out is reported as not assessed.",
        "schema_version: 1",
        "institution:",
        "  name: Name of the institution",
        "  country: XX            # ISO 3166-1 alpha-2 code, e.g. HT, KE, PE",
        "assessment:",
        "  type: self_assessment  # or accompanied_self_assessment, external_audit, social_rating, due_diligence",
        '  period: {start: "2025-01-01", end: "2025-12-31"}',
        '  assessed_on: "2026-01-31"',
        "  status: draft",
        "  assessors:",
        "    - {name: Your name, role: lead assessor}",
        "documents:",
        '  - {id: DOC-1, title: Social strategy 2025-2027, kind: policy, date: "2025-01-15"}',
        "facts:",
        "  {}",
        "# The facts the rules read. Uncomment and fill what you have (under `facts:`, replacing `{}`):",
    ]
    lines += _facts_lines(defs["facts"], defs, used, "", 1)
    lines.append("answers:")
    for rs in rule_sets:
        # The block holds an empty mapping until answers are uncommented.
        lines.append(
            f"  {rs.answers_key}: {{}}   # replace {{}} by the answers you uncomment below"
        )
        for ind in rs.indicators():
            if ind.method is Method.CHECK:
                continue
            lines += _wrap(f"{ind.id} {ind.title}", "  #   ")
            lines += _wrap(f"Look for: {', '.join(ind.evidence)}", "  #     ")
            lines.append(
                f'  #   "{ind.id}": {{answer: "yes", comment: "", evidence: [{{document: DOC-1, pages: ""}}]}}'
            )
    return "\n".join(lines) + "\n"
