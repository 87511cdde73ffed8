"""Rule sets translated by hand: every text in French and Spanish, numbers and placeholders kept."""

from __future__ import annotations

import re

import pytest

from engine.model import Indicator, Node
from engine.model.rules import walk_nodes
from engine.rulediff import TEXT_FIELDS
from engine.rulesets import bundled_frameworks, load_rule_set

# The rule sets whose every item carries French and Spanish texts written from our English.
TRANSLATED = ("smart-campaign", "spi", "universal-standards")
LANGUAGES = ("fr", "es")
NODE_TEXTS = ("title", "description")
INDICATOR_TEXTS = TEXT_FIELDS  # every text an indicator may carry (what rules diff compares)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _items(framework: str) -> list[tuple[str, dict[str, str], dict[str, dict[str, str]]]]:
    """(id, English texts, translations) for every node and indicator of `framework`."""
    rule_set = load_rule_set(bundled_frameworks()[framework])
    found: list[tuple[str, dict[str, str], dict[str, dict[str, str]]]] = []
    for node in walk_nodes(rule_set.nodes):
        found.append((node.id, _texts(node, NODE_TEXTS), _translations(node)))
        found.extend(
            (indicator.id, _texts(indicator, INDICATOR_TEXTS), _translations(indicator))
            for indicator in node.indicators
        )
    return found


def _texts(item: Node | Indicator, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: str(getattr(item, key)) for key in keys if getattr(item, key)}


def _translations(item: Node | Indicator) -> dict[str, dict[str, str]]:
    return {language: dict(texts) for language, texts in item.translations.items()}


def _numbers(text: str) -> list[str]:
    """The figures a text states (thresholds, days, percentages), in order of size, not of place."""
    return sorted(n.replace(",", ".") for n in _NUMBER.findall(text.replace("PI9319", "")))


@pytest.mark.parametrize("framework", TRANSLATED)
def test_every_text_is_translated(framework: str) -> None:
    missing = [
        f"{item_id} {language}.{key}"
        for item_id, english, translations in _items(framework)
        for language in LANGUAGES
        for key in english
        if not translations.get(language, {}).get(key, "").strip()
    ]
    assert missing == []


@pytest.mark.parametrize("framework", TRANSLATED)
def test_translations_give_no_text_the_english_lacks(framework: str) -> None:
    extra = [
        f"{item_id} {language}.{key}"
        for item_id, english, translations in _items(framework)
        for language, texts in translations.items()
        for key in texts
        if key not in english
    ]
    assert extra == []


@pytest.mark.parametrize("framework", TRANSLATED)
def test_translations_keep_the_figures_and_placeholders(framework: str) -> None:
    differ = [
        f"{item_id} {language}.{key}: {_numbers(text)} vs {_numbers(english[key])}"
        for item_id, english, translations in _items(framework)
        for language, texts in translations.items()
        for key, text in texts.items()
        if key in english
        and (
            _numbers(text) != _numbers(english[key])
            or sorted(_PLACEHOLDER.findall(text)) != sorted(_PLACEHOLDER.findall(english[key]))
        )
    ]
    assert differ == []


@pytest.mark.parametrize("framework", TRANSLATED)
def test_translations_are_not_english_left_in_place(framework: str) -> None:
    same = [
        f"{item_id} {language}.{key}"
        for item_id, english, translations in _items(framework)
        for language, texts in translations.items()
        for key, text in texts.items()
        if key in english and text.strip() == english[key].strip()
    ]
    assert same == []


@pytest.mark.parametrize("framework", TRANSLATED)
def test_the_rule_set_declares_its_languages(framework: str) -> None:
    rule_set = load_rule_set(bundled_frameworks()[framework])
    assert set(LANGUAGES) <= set(rule_set.languages)
