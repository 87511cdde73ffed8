"""Extract the report's fixed texts into the French and Spanish catalogues (`make catalogues`).

    .venv/bin/python bench/catalogues.py          # update engine/locale/*/LC_MESSAGES/spm_audit.po
    .venv/bin/python bench/catalogues.py --check  # exit 1 if a catalogue lacks a text or a translation

The texts are those marked `_()`, `N_()` and `ngettext()` in engine/report, engine/render, the
questionnaire's modules (engine/questionnaire*.py, engine/importers/questionnaire.py) and the
command line's messages (engine/messages.py), and `_()` in the report templates, plus the words
the report looks up from the engine's values (scoring formulas, levels, priorities). Translations
already in a catalogue are kept; a text no longer used is dropped.

The titles of the evidence schema's facts (`msgctxt "fact title"`, the report's explanations
name facts by them) are there too, translated with their article ("la réponse", "el límite"):
they are counted apart, and `--check` does not require them all (an untranslated title leaves
its sentence in English).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from engine.i18n import DOMAIN, LANGUAGES, SOURCE, catalogue_path
from engine.report.sentences import GI_TITLE, TITLE_CONTEXT
from engine.score import FORMULA, PRIORITY_RULE

FIXED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # dates in the header: no change on every run
ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
HEADER = (
    "Translations of the spm-audit report's fixed texts ({language}).\n"
    "Translated by the spm-audit project (machine-assisted, reviewed), not an official translation\n"
    "of any framework. English is the source: a text left empty here prints in English."
)
# words the report looks up from the engine's values, not written in a `_()` call
LOOKED_UP = (
    *FORMULA.values(),
    PRIORITY_RULE,
    *("dimension", "dimensions", "standard", "standards", "practice", "practices"),
    *("question", "questions", "principle", "principles", "indicator", "indicators"),
    *("section", "sections", "criterion", "criteria", "pillar", "pillars"),
    *("High", "Medium", "Low", "Assessor", "pooled", "weighted mean", "left out"),
    *("equivalent", "partial", "related", "broader", "narrower", "pass", "fail"),
    *("subset", "superset"),
    *("not assessed", "not applicable", "planned", "in progress", "done", "dropped"),
)


def template_catalogue() -> Catalog:
    """Every text of the report, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="spm-audit")
    sources = [
        *sorted((ROOT / "engine" / "report").glob("*.py")),
        *sorted((ROOT / "engine" / "render").glob("*.py")),
        *sorted((ROOT / "engine").glob("questionnaire*.py")),
        ROOT / "engine" / "importers" / "questionnaire.py",
        ROOT / "engine" / "messages.py",
        ROOT / "engine" / "peers.py",  # the key figures' labels and the size rule
    ]
    for path in sources:
        for line, text, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            catalog.add(text, locations=[(str(path.relative_to(ROOT)), line)])
    for path in [
        *sorted((ROOT / "report_templates").glob("*.j2")),
        ROOT / "report_templates" / "print.css",
    ]:
        for line, text, _comments, _context in extract_from_file(
            "jinja2.ext:babel_extract",
            path,
            keywords=KEYWORDS,
            options={"extensions": "jinja2.ext.i18n", "trim_blocks": "true"},
        ):
            catalog.add(text, locations=[(str(path.relative_to(ROOT)), line)])
    for text in LOOKED_UP:
        if text not in catalog:
            catalog.add(text, locations=[("engine/score.py", 0)], auto_comments=["looked up"])
    for title in fact_titles():
        catalog.add(
            title,
            locations=[("schemas/evidence.schema.json", 0)],
            context=TITLE_CONTEXT,
            auto_comments=["a fact's title, with its article"],
        )
    return catalog


def fact_titles() -> list[str]:
    """The evidence schema's titles of facts, but those made from a Green Index question id."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            title = node.get("title")
            if isinstance(title, str) and not re.fullmatch(GI_TITLE, title):
                found.add(title)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((ROOT / "schemas" / "evidence.schema.json").read_text(encoding="utf-8")))
    return sorted(found)


def updated(language: str, template: Catalog) -> Catalog:
    """The language's catalogue with the template's texts, keeping the translations it has."""
    path = catalogue_path(language)
    old = read_po(path.open("rb"), locale=language, domain=DOMAIN) if path.is_file() else None
    new = Catalog(
        locale=language,
        domain=DOMAIN,
        project="spm-audit",
        header_comment="\n".join(
            "# " + line for line in HEADER.format(language=language).split("\n")
        ),
        fuzzy=False,
        creation_date=FIXED,
        revision_date=FIXED,
        last_translator="spm-audit project",
        language_team="spm-audit project",
    )
    for message in template:
        if not message.id:
            continue
        kept = old.get(message.id, message.context) if old is not None else None
        new.add(
            message.id,
            kept.string if kept is not None else ("", "") if message.pluralizable else "",
            locations=message.locations,
            auto_comments=message.auto_comments,
            context=message.context,
        )
    return new


def coverage(catalog: Catalog, context: str | None = None) -> tuple[int, int]:
    """(translated, all) texts of a catalogue: the fixed texts, or those of a context."""
    messages = [m for m in catalog if m.id and m.context == context]
    done = [m for m in messages if m.string and all(m.string if m.pluralizable else [m.string])]
    return len(done), len(messages)


def main(argv: list[str]) -> int:
    template = template_catalogue()
    problems = 0
    for language in LANGUAGES:
        if language == SOURCE:
            continue
        catalog = updated(language, template)
        done, total = coverage(catalog)
        titles, all_titles = coverage(catalog, TITLE_CONTEXT)
        print(
            f"{language}: {done} of {total} fixed texts translated, "
            f"{titles} of {all_titles} fact titles"
        )
        if "--check" in argv:
            on_disk = catalogue_path(language)
            current = read_po(on_disk.open("rb"), locale=language) if on_disk.is_file() else None
            stale = current is None or {(m.id, m.context) for m in current if m.id} != {
                (m.id, m.context) for m in catalog if m.id
            }
            problems += int(stale or done < total)
            continue
        path = catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
