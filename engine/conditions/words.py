"""Plain wording: facts by their titles, values in their units, sentences a person can read.

The machine trace says `portfolio.par30 = 0.071, expected ≤ 0.05 (par30_limit)`; the plain words
say "PAR30 is 7.1 %, above the 5 % limit." Values read by unit: shares and rates as percentages,
amounts with thousands separators, counts as whole numbers, booleans as yes/no, enum values as
words, dates as ISO dates; a list item by its name and id; a parameter by its value. Sentences
state what the evidence shows, never what was expected, so they stay true under `not`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.conditions.types import FieldType
from engine.model import TraceEntry

MAX_TEXT = 60  # longer strings are cut, as in the trace
_DURATIONS = {"days": "day", "months": "month", "years": "year"}
DATE_RELATIONS = ("before", "on", "after")  # a date below, at or above the other


@dataclass(frozen=True, slots=True)
class ItemEntry(TraceEntry):
    """A trace entry about one list item: its plain words read after the item's name.

    `role` is "kind" (`plain` is what the item is: "a loan"), "adjective" ("compulsory", "not
    compulsory") or "clause" ("its APR is 185 %, above the legal cap (100 %)").
    """

    role: str = "clause"


# -- values --------------------------------------------------------------------------------------
def value_words(value: object, kind: FieldType, digits: int = 1) -> str:
    """A value in the words and unit of its field."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        item = kind.items or FieldType("any")
        return join_words([value_words(v, item) for v in value]) if value else "none"
    if isinstance(value, (int, float)):
        return number_words(value, kind.unit, digits)
    if isinstance(value, str):
        if kind.kind == "enum" or kind.words:
            return enum_words(value, kind)
        if kind.kind == "date":
            return value
        return f"'{value}'" if len(value) <= MAX_TEXT else f"'{value[: MAX_TEXT - 3]}...'"
    return str(value)


def enum_words(value: object, kind: FieldType) -> str:
    """An enum value as words: its `x-words`, else the value with spaces for underscores."""
    text = str(value)
    return kind.words.get(text, text.replace("_", " "))


def number_words(value: float, unit: str, digits: int = 1) -> str:
    """A number in its unit: '7.1 %', '1,250,000', '12 days'."""
    if unit == "percent":
        return f"{_decimal(value * 100, digits)} %"
    if unit in ("amount", "count"):
        return _decimal(value, 2 + digits - 1, grouped=True)
    if unit in _DURATIONS:
        text = _decimal(value, digits + 1)
        return f"{text} {_DURATIONS[unit] if text == '1' else unit}"
    if abs(value) < 1 and value != 0:
        return f"{value:.{2 + digits}g}"
    return _decimal(value, digits + 1, grouped=True)


def _decimal(value: float, digits: int, *, grouped: bool = False) -> str:
    if float(value).is_integer():
        text = f"{int(value):,}" if grouped else str(int(value))
    else:
        text = (f"{value:,.{digits}f}" if grouped else f"{value:.{digits}f}").rstrip("0")
        text = text.rstrip(".")
    return "0" if text in ("-0", "") else text


def value_pair(a: object, b: object, kind: FieldType) -> tuple[str, str]:
    """Two values in words, with enough digits to tell apart two numbers that differ."""
    for digits in (1, 2, 3, 4):
        left, right = value_words(a, kind, digits), value_words(b, kind, digits)
        if left != right or a == b or isinstance(a, bool) or not isinstance(a, (int, float)):
            return left, right
    return left, right


# -- phrases -------------------------------------------------------------------------------------
def noun(title: str, *, in_item: bool) -> str:
    """A field's title as a noun phrase: 'its APR', 'the women's share of clients', 'PAR30'."""
    if in_item:
        return f"its {title}"
    return title if title[:1].isupper() or title[:1].isdigit() else f"the {title}"


def path_noun(path: str, kind: FieldType) -> str:
    """A path as a noun phrase, by its title ('PAR30', 'its APR'); the path itself if untitled."""
    if path == "@":
        return "it"
    return noun(kind.title or path, in_item=path.startswith("@."))


def join_words(items: Sequence[str], word: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def capitalized(text: str) -> str:
    """The text with a capital first letter."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The text with a small first letter, unless it starts with an acronym ('PAR30 is ...')."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or first[1].isdigit()):
        return text
    return text[:1].lower() + text[1:]


def sentence(text: str) -> str:
    """Capitalised, with a full stop."""
    text = capitalized(text.strip())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def with_article(phrase: str) -> str:
    """'a loan', 'an insurance product'; a phrase already with an article stays as it is."""
    if phrase.startswith(("a ", "an ", "the ")):
        return phrase
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def missing_sentence(nouns: Sequence[str]) -> str:
    """The sentence for missing facts: 'The evidence does not give PAR30.'."""
    return sentence(f"the evidence does not give {join_words(list(dict.fromkeys(nouns)))}")


# -- list items ----------------------------------------------------------------------------------
def item_label(element: object, index: int, item_type: FieldType) -> str:
    """A list item by its name and id ('Credit life and funeral cover (I-CL)')."""
    if not isinstance(element, Mapping):
        return value_words(element, item_type)
    name = element.get("name") or element.get("goal")
    ident = element.get("id")
    if isinstance(name, str) and name.strip():
        return f"{name.strip()} ({ident})" if ident else name.strip()
    title = item_type.title or "item"
    return f"{title} {ident}" if ident else f"{title} {index + 1}"


def describe_item(label: str, entries: Sequence[TraceEntry]) -> str:
    """One sentence about a list item from the plain words of its trace entries.

    'Credit life and funeral cover (I-CL) is compulsory insurance.'
    'QuickCash 7-day loan (QC-7) is a loan; its late-fee cap is 45 %, above the 10 % limit.'
    """
    kinds: list[str] = []
    before: list[str] = []  # adjectives that go before the noun
    after: list[str] = []  # negated adjectives, after it
    clauses: list[str] = []
    for entry in entries:
        role = entry.role if isinstance(entry, ItemEntry) else "clause"
        words = entry.plain.rstrip(".")
        if not words:
            continue
        if role == "kind":
            kinds.append(words)
        elif role == "adjective":
            (after if words.startswith("not ") else before).append(words)
        else:
            clauses.append(lower_first(words))
    head = ""
    if kinds:
        kind = " ".join(dict.fromkeys(before))
        noun_phrase = kinds[0]
        if kind:
            bare = noun_phrase.split(" ", 1)[1] if noun_phrase.startswith(("a ", "an ")) else ""
            noun_phrase = with_article(f"{kind} {bare}") if bare else f"{kind} {noun_phrase}"
        head = f" is {noun_phrase}" + "".join(f", {a}" for a in dict.fromkeys(after))
    elif before or after:
        head = f" is {join_words(list(dict.fromkeys([*before, *after])))}"
    rest = "; ".join(dict.fromkeys(clauses))
    if not rest:
        return sentence(f"{label}{head}")
    return sentence(f"{label}{head}; {rest}" if head else f"{label}: {rest}")
