"""`rules lint`: validate rule sets, run every indicator's examples, check cross-references.

Examples run through the same runner as `rules test` (engine.ruletests).

For standard bodies: a rule set that lints clean loads, compiles, documents itself with examples
that reach their stated status, and maps only to indicators that exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from engine.catalog import bundled_frameworks
from engine.errors import Diagnostic, InvalidInputError, did_you_mean
from engine.model import Indicator, RuleSet
from engine.profile import load_profile
from engine.ruletests import check_examples
from engine.validate import load_rule_set


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


def _partial_reason(indicator: Indicator) -> str:
    return (
        "it has a partial_check"
        if indicator.partial_check
        else "an assessor can answer 'partially'"
    )


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


def lint_rule_sets(
    paths: Sequence[Path], profiles: Mapping[str, Path]
) -> tuple[list[RuleSet], list[Diagnostic]]:
    """Lint rule set folders and profile files; returns what loaded and every diagnostic."""
    loaded: list[RuleSet] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            if path.is_dir() or path.name == "ruleset.yaml":
                rule_set = load_rule_set(path, check_examples=True)
            else:
                rule_set = load_profile(path, bundled_frameworks(), profiles)
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
    return loaded, sorted(problems)
