"""`rules lint`: validate rule sets, run every indicator's examples, check cross-references.

Examples run through the same runner as `rules test` (engine.ruletests).

For standard bodies: a rule set that lints clean loads, compiles, documents itself with examples
that reach their stated status, and maps only to indicators that exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine.errors import Diagnostic, InvalidInputError, Position, did_you_mean
from engine.i18n import LANGUAGES, SOURCE
from engine.load import display_name, load_file
from engine.model import Condition, Indicator, Method, Relation, RuleSet
from engine.rulesets import Kind, bundled_frameworks, kind_of, load_path, load_rule_set
from engine.ruletests import check_examples
from engine.scorecards import is_scorecard_file, read_scorecard


def check_texts(rule_set: RuleSet) -> list[Diagnostic]:
    """Indicators that can be partly met but have no text saying so.

    A partly met indicator printed with its failure text states more than the evidence shows.
    """
    return [
        Diagnostic(
            indicator.position,
            f"{indicator.id} can be partly met ({_partial_reason(indicator)}) but has no "
            "'partial_finding'",
            code="text",
        )
        for indicator in rule_set.indicators()
        if indicator.can_be_partial and not indicator.partial_finding
    ]


def translation_coverage(rule_set: RuleSet) -> dict[str, tuple[int, int]]:
    """Per report language: indicators lacking a translated title, and lacking a translated finding.

    The report prints the English text of those (a fallback, not an error).
    """
    indicators = rule_set.indicators()
    return {
        language: (
            sum(1 for i in indicators if not (i.translations.get(language) or {}).get("title")),
            sum(1 for i in indicators if not (i.translations.get(language) or {}).get("finding")),
        )
        for language in LANGUAGES
        if language != SOURCE
    }


def summary_line(rule_set: RuleSet) -> str:
    """'green-index 1.0.0: 78 indicators; untranslated titles/findings: fr 0/0, es 0/0'."""
    count = len(rule_set.indicators())
    lacking = ", ".join(
        f"{language} {titles}/{findings}"
        for language, (titles, findings) in translation_coverage(rule_set).items()
    )
    return (
        f"{rule_set.id} {rule_set.version}: {count} indicators; untranslated titles/findings "
        f"(English printed instead): {lacking}"
    )


def _partial_reason(indicator: Indicator) -> str:
    if indicator.partial_check:
        return "it has a partial_check"
    if indicator.method is Method.CHECK and indicator.scored_from is not None:
        return f"it is scored from {indicator.scored_from.framework} questions"
    return "an assessor can answer 'partially'"


def check_mappings(rule_set: RuleSet, others: Mapping[str, RuleSet]) -> list[Diagnostic]:
    """Mappings that name an unknown framework or indicator."""
    found = []
    for indicator in rule_set.indicators():
        for mapping in indicator.mappings:
            target = others.get(mapping.framework)
            if target is None:
                found.append(
                    Diagnostic(
                        mapping.position or indicator.position,
                        f"{indicator.id} maps to unknown framework '{mapping.framework}'",
                        code="mapping",
                    )
                )
                continue
            ids = [i.id for i in target.indicators()]
            if mapping.id not in ids:
                hint = did_you_mean(mapping.id, ids)
                found.append(
                    Diagnostic(
                        mapping.position or indicator.position,
                        f"{indicator.id} maps to '{mapping.id}', which is not an indicator of "
                        f"'{mapping.framework}'{hint}",
                        code="mapping",
                    )
                )
    return found


def _not_a_rule_set(path: Path) -> Diagnostic:
    """Why `path` is neither a rule set nor a profile (raises when it cannot even be read)."""
    load_file(path)  # a missing or unreadable file: its own diagnostic
    return Diagnostic(
        Position(display_name(path), 1, 1),
        "not a rule set folder, a ruleset.yaml or a profile file (.yaml)",
        code="io",
    )


_PARAMETER_NAME = re.compile(r" \([a-z][a-z0-9_]*\)")


def _decides(indicator: Indicator) -> dict[str, str]:
    """What decides an indicator's status, with parameter names left out (values stay)."""

    def text(condition: Condition | None) -> str:
        return "" if condition is None else _PARAMETER_NAME.sub("", condition.text)

    return {
        "method": str(indicator.method),
        "check": text(indicator.check),
        "partial_check": text(indicator.partial_check),
        "applies_when": text(indicator.applies_when),
    }


def check_equivalents(rule_set: RuleSet, others: Mapping[str, RuleSet]) -> list[Diagnostic]:
    """Equivalent mappings whose two indicators are decided differently.

    Indicators joined by an `equivalent` mapping share answers and overrides: they must ask the
    same question the same way, or the run gives two verdicts for one fact.
    """
    found = []
    for indicator in rule_set.indicators():
        for mapping in indicator.mappings:
            target = others.get(mapping.framework)
            if mapping.relation is not Relation.EQUIVALENT or target is None:
                continue
            other = next((i for i in target.indicators() if i.id == mapping.id), None)
            if other is None:
                continue
            here, there = _decides(indicator), _decides(other)
            differ = [k for k in here if here[k] != there[k]]
            if differ:
                details = "; ".join(
                    f"{k}: {here[k] or 'none'} vs {there[k] or 'none'}" for k in differ
                )
                found.append(
                    Diagnostic(
                        mapping.position or indicator.position,
                        f"{indicator.id} is mapped as equivalent to {mapping.framework} "
                        f"{mapping.id}, but they are decided differently ({details}); make them "
                        "the same, or map them as related, subset or superset",
                        code="mapping",
                    )
                )
    return found


def lint_rule_sets(
    paths: Sequence[Path], profiles: Mapping[str, Path]
) -> tuple[list[RuleSet], list[Diagnostic]]:
    """Lint rule set folders, profile files and scorecards; returns what loaded and every diagnostic."""
    loaded: list[RuleSet] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if is_scorecard_file(path):
            problems.extend(read_scorecard(path)[1])
            continue
        try:
            if kind_of(path) is Kind.NEITHER:
                raise InvalidInputError([_not_a_rule_set(path)])
            rule_set = load_path(path, profiles=profiles, check_examples=True)
        except InvalidInputError as e:
            problems.extend(e.diagnostics)
            continue
        loaded.append(rule_set)
        if rule_set.base is None:
            problems.extend(check_examples(rule_set))
            problems.extend(check_texts(rule_set))
    others: dict[str, RuleSet] = {rs.id: rs for rs in loaded}
    for framework, folder in bundled_frameworks().items():
        if framework not in others:
            try:
                others[framework] = load_rule_set(folder)
            except InvalidInputError:
                continue
    for rule_set in loaded:
        if rule_set.base is None:
            problems.extend(check_mappings(rule_set, others))
            problems.extend(check_equivalents(rule_set, others))
    return loaded, sorted(problems)
