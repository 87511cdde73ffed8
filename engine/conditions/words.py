"""Plain wording: facts by their titles, values in their units, sentences a person can read.

The machine trace says `portfolio.par30 = 0.071, expected ≤ 0.05 (par30_limit)`; the plain words
say "PAR30 is 7.1 %, above the 5 % limit." Values read by unit: shares and rates as percentages,
amounts with thousands separators, counts as whole numbers, booleans as yes/no, enum values as
words, dates as ISO dates; a list item by its name and id; a parameter by its value. Sentences
state what the evidence shows, never what was expected, so they stay true under `not`.
"""

from __future__ import annotations

import re
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
    if unit == "year":
        return str(int(value)) if float(value).is_integer() else str(value)
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
    """The text with a capital first letter (after an opening bracket, if any)."""
    if not text.startswith("("):
        return text[:1].upper() + text[1:]
    start = len(text) - len(text.lstrip("("))
    return text[:start] + text[start : start + 1].upper() + text[start + 1 :]


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


# -- yes/no facts --------------------------------------------------------------------------------
def truth_words(kind: FieldType, value: bool, *, in_item: bool) -> tuple[str, str]:
    """A yes/no fact as (words, role).

    About a list item: 'compulsory' (an adjective) or its `x-words` ('was designed from client
    research'); else 'Written social strategy: no'.
    """
    title = kind.title
    if in_item and kind.role == "adjective":
        return (title if value else f"not {title}"), "adjective"
    said = kind.words.get("true" if value else "false")
    if in_item and said:
        return said, "predicate"
    answer = "yes" if value else "no"
    return f"{title if in_item else capitalized(title)}: {answer}", "clause"


def truth_condition(kind: FieldType, value: bool, *, in_item: bool) -> str:
    """What a condition on a yes/no fact asks: 'it is compulsory', 'written social strategy: yes'."""
    words, role = truth_words(kind, value, in_item=in_item)
    if role == "adjective":
        return f"it is {words}"
    if role == "predicate":
        return f"it {words}"
    return lower_first(words)


# -- what is missing -----------------------------------------------------------------------------
def absent_words(facts: Sequence[tuple[str, FieldType, bool]]) -> str:
    """What the evidence lacks, from (noun, type, in an item) of each missing fact.

    'The evidence does not give PAR30 and the legal interest-rate cap.', 'Exit surveys: not in the
    evidence.', 'the evidence does not say whether it was designed from client research'.
    """
    nouns: list[str] = []
    said: list[str] = []
    seen: set[tuple[str, bool]] = set()
    for words, kind, in_item in facts:
        if (words, in_item) in seen:
            continue
        seen.add((words, in_item))
        if kind.kind != "boolean":
            nouns.append(words)
        elif in_item and (kind.role == "adjective" or kind.words.get("true")):
            said.append(
                f"the evidence does not say whether {truth_condition(kind, True, in_item=True)}"
            )
        elif in_item:
            nouns.append(words)
        else:
            said.append(sentence(f"{capitalized(kind.title)}: not in the evidence"))
    if nouns:
        said.insert(0, sentence(f"the evidence does not give {join_words(nouns)}"))
    return " ".join(said)


def missing_sentence(nouns: Sequence[str]) -> str:
    """The sentence for missing facts: 'The evidence does not give PAR30.'."""
    return sentence(f"the evidence does not give {join_words(list(dict.fromkeys(nouns)))}")


# -- sentences of a result -----------------------------------------------------------------------
# Sentences of one family merge into one: the pattern, and the merged sentence.
_FAMILIES = (
    (re.compile(r"The evidence does not give (?P<x>[^:;]+)\."), "the evidence does not give {xs}"),
    (re.compile(r"(?P<x>[^:;]+): not in the evidence\."), "not in the evidence: {xs}"),
    (re.compile(r"(?P<k>[^:;]+) include (?P<x>[^:;,]+)\."), "{k} include {xs}"),
)


@dataclass
class _Family:
    """Sentences of one family and fixed part, to be said as one."""

    template: str
    fixed: str
    first: str  # the first sentence as written: said as it is when it stays alone
    parts: list[str]

    def said(self) -> str:
        if len(self.parts) == 1:
            return self.first
        parts = (
            [lower_first(p) for p in self.parts] if self.template.startswith("not") else self.parts
        )
        return sentence(self.template.format(k=self.fixed, xs=join_words(parts)))


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences in order, once each; sentences about the same value or list merge.

    '... is 12 %, below the 40 % minimum and below 80 % of the women's share of staff (32.8 %).',
    'The evidence does not give PAR30 and PAR90.', 'Not in the evidence: exit surveys and focus
    groups.', 'The client data breakdowns include gender, age and location.'
    """
    return " ".join(_joined(sentences))


def _joined(sentences: Sequence[str]) -> list[str]:
    if len(sentences) == 1:
        return list(sentences)
    said: list[str | _Family] = []
    families: dict[tuple[str, str], _Family] = {}
    for text in dict.fromkeys(sentences):
        if _merge(said, text, " and"):
            continue
        found = _family_of(text)
        if found is None:
            said.append(text)
        elif (found.template, found.fixed) in families:
            families[(found.template, found.fixed)].parts.extend(found.parts)
        else:
            families[(found.template, found.fixed)] = found
            said.append(found)
    return [s if isinstance(s, str) else s.said() for s in said]


def _family_of(text: str) -> _Family | None:
    for pattern, template in _FAMILIES:
        match = pattern.fullmatch(text)
        if match is not None:
            return _Family(template, match.groupdict().get("k") or "", text, [match["x"]])
    return None


def but_sentences(failed: Sequence[str], partly: Sequence[str]) -> str:
    """The words of a partial result: what fails, but what the partial check finds.

    'PAR30 is 7 %, above the 5 % limit, but within the 10 % limit.'
    """
    merged: list[str | _Family] = list(_joined(failed))
    extra = [t for t in dict.fromkeys(partly) if t not in merged]
    rest = [t for t in extra if not _merge(merged, t, ", but")]
    said = [s for s in merged if isinstance(s, str)]
    if rest:  # "But" once: not again after a sentence that already says "…, but …"
        joined = join_sentences(rest)
        said.append(f"But {lower_first(joined)}" if said and len(rest) == len(extra) else joined)
    return " ".join(said)


def _merge(merged: list[str | _Family], text: str, glue: str) -> bool:
    """Join `text` to a sentence about the same value ('X is 7 %, ...'), if there is one."""
    head, comma, tail = text.partition(", ")
    if not comma:
        return False
    for i, known in enumerate(merged):
        if isinstance(known, str) and known.startswith(f"{head}, "):
            merged[i] = f"{known.rstrip('.')}{glue} {tail}"
            return True
    return False


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
    'QuickCash 7-day loan (QC-7) is a loan and charges a prepayment penalty.'
    'QuickCash 7-day loan (QC-7) is a loan; its late-fee cap is 45 %, above the 10 % limit.'
    """
    kinds: list[str] = []
    before: list[str] = []  # adjectives that go before the noun
    after: list[str] = []  # negated adjectives, after it
    predicates: list[str] = []
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
        elif role == "predicate":
            predicates.append(words)
        else:
            clauses.append(lower_first(words))
    parts = [*([_head(kinds, before, after)] if kinds or before or after else []), *predicates]
    rest = "; ".join(dict.fromkeys(clauses))
    if not parts:
        return sentence(f"{label}: {rest}" if rest else label)
    said = f"{label} {join_words(list(dict.fromkeys(parts)))}"
    return sentence(f"{said}; {rest}" if rest else said)


def _head(kinds: list[str], before: list[str], after: list[str]) -> str:
    """'is compulsory insurance', 'is a digital loan', 'is a loan, not digital', 'is compulsory'."""
    adjectives = list(dict.fromkeys(before))
    if not kinds:
        return f"is {join_words(list(dict.fromkeys([*adjectives, *after])))}"
    kind = kinds[0]
    if adjectives:
        bare = kind.split(" ", 1)[1] if kind.startswith(("a ", "an ")) else ""
        described = " ".join(adjectives)
        kind = with_article(f"{described} {bare}") if bare else f"{described} {kind}"
    return f"is {kind}" + "".join(f", {a}" for a in dict.fromkeys(after))
