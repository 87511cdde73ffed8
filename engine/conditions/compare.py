"""Operators that test one value: eq, ne, lt, lte, gt, gte, in, not_in, contains, matches.

The left side is `path` (with an optional `default`) or a computed `value`; the right side is what
the operator takes (an expression, a list of literals, a literal, a regular expression).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from engine.conditions.compiled import CompiledCondition, Expr
from engine.conditions.logic import Trace, entry
from engine.conditions.regex import has_nested_repeat
from engine.conditions.types import FieldType
from engine.conditions.values import Facts, format_value, same_kind
from engine.conditions.words import (
    DATE_RELATIONS,
    absent_words,
    join_words,
    truth_condition,
    truth_words,
    value_pair,
    value_words,
)
from engine.model import TraceEntry
from engine.yamlsource import PathKey

if TYPE_CHECKING:
    from engine.conditions.compiler import ConditionCompiler, Scope
    from engine.conditions.operators import CondOp

MAX_REGEX_LENGTH = 200

_TESTS: dict[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,  # type: ignore[operator]
    "lte": lambda a, b: a <= b,  # type: ignore[operator]
    "gt": lambda a, b: a > b,  # type: ignore[operator]
    "gte": lambda a, b: a >= b,  # type: ignore[operator]
}
ORDERED = ("lt", "lte", "gt", "gte")


def _left(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> tuple[bool, Expr | None]:
    """(whether the left side is well formed, the compiled left side)."""
    if ("path" in raw) == ("value" in raw):
        c.error(at, f"'{op.name}' needs exactly one of 'path' or 'value' on its left side")
        return False, None
    if "default" in raw and "path" not in raw:
        c.error(
            (*at, "default"), "'default' goes with 'path': it says what a missing path counts as"
        )
        return False, None
    if "path" in raw:
        return True, c.path_expr(raw["path"], (*at, "path"), scope, raw, at)
    return True, c.expression(raw["value"], (*at, "value"), scope)


class _Words:
    """Plain words shared by the operators of this module: subject, values, what is missing."""

    def __init__(self, left: Expr, right: Expr | None = None) -> None:
        self.left, self.right = left, right
        # A literal on the left reads in the unit of the right side.
        self.kind = right.type if left.fixed and right is not None else left.type
        self.in_item = any(p.startswith("@") for p in left.paths)
        self.role = left.type.role if self.in_item else ""
        self.subject_noun = left.noun or left.text

    def subject(self, facts: Facts, item: object, shown: str) -> str:
        """'PAR30 is 7.1 %', or 'PAR30 is not given, so it counts as 0 %' for a default."""
        if self.left.fixed:
            return f"{shown} is"
        if self.left.defaulted and self.left.missing(facts, item):
            return f"{self.left.noun} is not given, so it counts as {shown}"
        return f"{self.left.noun} is {shown}"

    def other(self, shown: str) -> str:
        """The right side: its value, or what it is and its value."""
        right = self.right
        if right is None or right.fixed:
            return shown
        return f"{right.noun or right.text} ({shown})"

    def truth(self, a: bool, facts: Facts, item: object) -> tuple[str, str]:
        """(words, role) of a yes/no fact: 'compulsory' on an item, else 'Title: yes'."""
        if self.left.type.kind != "boolean":
            return f"{self.subject(facts, item, 'yes' if a else 'no')}", "clause"
        words, role = truth_words(self.left.type, a, in_item=self.in_item)
        if role == "clause" and self.left.defaulted and self.left.missing(facts, item):
            title, _, answer = words.rpartition(": ")
            words = f"{title}: not given, so counted as {answer}"
        return words, role

    def asks_truth(self, value: bool) -> str:
        """What a condition on a yes/no fact asks."""
        if self.left.type.kind != "boolean":
            return f"{self.subject_noun} is {'yes' if value else 'no'}"
        return truth_condition(self.left.type, value, in_item=self.in_item)

    def missing(self, a: object, b: object, facts: Facts, item: object) -> str:
        """What the evidence lacks for this test."""
        lacking = self.left.missing(facts, item)
        if self.right is not None:
            lacking += self.right.missing(facts, item)
        if lacking:
            return absent_words(lacking)
        if a is not None and b is not None:
            return f"{self.subject_noun} has a value of the wrong kind"
        unknown = self.left if a is None or self.right is None else self.right
        why = unknown.unknown(facts, item) if unknown.unknown is not None else ""
        return why or f"{unknown.noun or unknown.text} cannot be worked out from the evidence"

    def entry(self, result: bool | None, text: str, plain: str, role: str = "clause") -> TraceEntry:
        """A trace entry about the left side."""
        return entry(result, text, self.left.paths, plain, item=self.in_item, role=role)


def build_comparison(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """eq, ne, lt, lte, gt, gte: the left side against an expression."""
    ok, left = _left(c, op, raw, at, scope)
    if not ok:
        return None
    right = c.expression(raw[op.name], (*at, op.name), scope)
    if left is None or right is None or not _comparable(c, op.name, left, right, at):
        return None
    return _compare(op, left, right)


def _compare(op: CondOp, left: Expr, right: Expr) -> CompiledCondition:
    lf, rf, test, name = left.fn, right.fn, _TESTS[op.name], op.name
    trace_words = op.trace
    symbol, missing, misfit = trace_words["symbol"], trace_words["missing"], trace_words["misfit"]
    ltext, rtext = left.text, right.text
    paths = left.paths + right.paths
    words = _Words(left, right)
    say = _ordered_words(op, words) if name in ORDERED else _equality_words(op, words)

    def compare(facts: Facts, item: object, trace: Trace) -> bool | None:
        a, b = lf(facts, item), rf(facts, item)
        if a is None or b is None or not same_kind(a, b):
            if trace is not None:
                side = ltext if a is None else rtext if b is None else misfit.format(left=ltext)
                plain = words.missing(a, b, facts, item)
                text = missing.format(left=side)
                trace.append(entry(None, text, paths, plain, item=words.in_item, role=""))
            return None
        result = test(a, b)
        if trace is not None:
            shown = f"{format_value(b)} ({rtext})" if right.paths else rtext
            value = format_value(a)
            if result and name == "eq" and not right.paths:
                text = trace_words["same"].format(left=ltext, value=value)
            else:
                key = "met" if result else "unmet"
                text = trace_words[key].format(left=ltext, value=value, op=symbol, right=shown)
            plain, role = say(a, b, result, facts, item)
            trace.append(entry(result, text, paths, plain, item=words.in_item, role=role))
        return result

    text = trace_words["text"].format(left=ltext, op=symbol, right=rtext)
    asks, negated = _asks(op, words, right)
    return CompiledCondition(text, compare, paths, asks, negated=negated)


Say = Callable[[object, object, bool, Facts, object], tuple[str, str]]


def _asks(op: CondOp, words: _Words, right: Expr) -> tuple[str, str]:
    """What a comparison asks, and what its negation asks."""
    if right.literal and isinstance(right.value, bool) and op.name in ("eq", "ne"):
        wanted = right.value == (op.name == "eq")
        return words.asks_truth(wanted), words.asks_truth(not wanted)
    if right.literal and words.role == "kind" and op.name in ("eq", "ne"):
        kind = value_words(right.value, words.left.type)
        said, unsaid = f"it is {kind}", f"it is not {kind}"
        return (said, unsaid) if op.name == "eq" else (unsaid, said)
    value = value_words(right.value, words.kind) if right.fixed else right.noun or right.text
    plain = op.plain
    return (
        plain["text"].format(subject=words.subject_noun, value=value),
        plain["not"].format(subject=words.subject_noun, value=value),
    )


def _ordered_words(op: CondOp, words: _Words) -> Say:
    """Words of lt, lte, gt, gte: 'PAR30 is 7.1 %, above the 5 % limit'."""
    plain = op.plain
    relations = (plain["below"], plain["equal"], plain["above"])
    bound = plain["bound"]
    right = words.right

    def say(a: object, b: object, result: bool, facts: Facts, item: object) -> tuple[str, str]:
        av, bv = value_pair(a, b, words.kind)
        is_date = isinstance(a, str)
        below, equal, above = DATE_RELATIONS if is_date else relations
        relation = below if a < b else equal if a == b else above  # type: ignore[operator]
        if right is not None and right.fixed and not is_date:
            limit = f"the {bv} {bound}" if words.kind.unit == "percent" else f"the {bound} of {bv}"
        else:
            limit = words.other(bv)
        return f"{words.subject(facts, item, av)}, {relation} {limit}", "clause"

    return say


def _equality_words(op: CondOp, words: _Words) -> Say:
    """Words of eq, ne: 'the poverty tool is none, not PPI', 'Theory of change: no', 'a loan'."""
    is_eq = op.name == "eq"

    def say(a: object, b: object, result: bool, facts: Facts, item: object) -> tuple[str, str]:
        if isinstance(a, bool):
            return words.truth(a, facts, item)
        if words.role == "kind":
            return value_words(a, words.left.type), "kind"
        av, bv = value_pair(a, b, words.kind)
        subject = words.subject(facts, item, av)
        if result is is_eq:  # equal
            return subject, "clause"
        return f"{subject}, not {words.other(bv)}", "clause"

    return say


def build_membership(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """in, not_in: the left side against a list of literals."""
    ok, left = _left(c, op, raw, at, scope)
    if not ok or left is None:
        return None
    right_raw = raw[op.name]
    if not isinstance(right_raw, list):
        c.error((*at, op.name), f"'{op.name}' takes a list")
        return None
    for i, value in enumerate(right_raw):
        c.literal_fits(left, value, (*at, op.name, i))
    values = tuple(right_raw)
    lf, ltext, negate = left.fn, left.text, op.name == "not_in"
    shown_values = ", ".join(format_value(v) for v in values)
    trace_words = op.trace
    words = _Words(left)
    names = join_words([value_words(v, left.type) for v in values], "or")
    listed = names if len(values) == 1 else f"one of {names}"

    def member(facts: Facts, item: object, trace: Trace) -> bool | None:
        a = lf(facts, item)
        if a is None:
            if trace is not None:
                plain = words.missing(a, None, facts, item)
                trace.append(words.entry(None, trace_words["missing"].format(left=ltext), plain))
            return None
        result = (a in values) != negate
        if trace is not None:
            text = trace_words["met" if result else "unmet"].format(
                left=ltext, value=format_value(a), values=shown_values
            )
            if words.role == "kind":
                trace.append(words.entry(result, text, value_words(a, left.type), "kind"))
                return result
            subject = words.subject(facts, item, value_words(a, words.kind))
            if a not in values:
                plain = f"{subject}, not {listed}"
            else:
                plain = subject if len(values) == 1 else f"{subject}, {listed}"
            trace.append(words.entry(result, text, plain))
        return result

    if words.role == "kind":
        kinds = join_words([value_words(v, left.type) for v in values], "or")
        asks, negated = f"it is {kinds}", f"it is not {kinds}"
        if negate:
            asks, negated = negated, asks
    else:
        asks = op.plain["text"].format(subject=words.subject_noun, values=names)
        negated = op.plain["not"].format(subject=words.subject_noun, values=names)
    text = trace_words["text"].format(left=ltext, values=shown_values)
    return CompiledCondition(text, member, left.paths, asks, negated=negated)


def build_contains(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """contains: the list on the left holds a literal."""
    ok, left = _left(c, op, raw, at, scope)
    if not ok or left is None:
        return None
    value = raw[op.name]
    if left.type.kind != "array":
        c.error(at, f"'contains' needs a list, but {left.text} is a {left.type.kind}")
        return None
    item_type = left.type.items or FieldType("any")
    if left.type.items is not None:
        c.literal_fits(Expr(left.fn, item_type, left.text, left.paths), value, (*at, op.name))
    lf, ltext = left.fn, left.text
    trace_words, plain_words = op.trace, op.plain
    words = _Words(left)
    shown_value, value_in_words = format_value(value), value_words(value, item_type)

    def contains(facts: Facts, item: object, trace: Trace) -> bool | None:
        a = lf(facts, item)
        if not isinstance(a, list):
            if trace is not None:
                plain = words.missing(None, None, facts, item)
                trace.append(words.entry(None, trace_words["missing"].format(left=ltext), plain))
            return None
        result = value in a
        if trace is not None:
            key = "yes" if result else "no"
            text = trace_words[key].format(left=ltext, list=format_value(a), value=shown_value)
            plain = plain_words[key].format(
                subject=left.noun, list=value_words(a, left.type), value=value_in_words
            )
            trace.append(words.entry(result, text, plain))
        return result

    text = trace_words["text"].format(left=ltext, value=shown_value)
    subject = words.subject_noun
    asks = plain_words["text"].format(subject=subject, value=value_in_words)
    negated = plain_words["not"].format(subject=subject, value=value_in_words)
    return CompiledCondition(text, contains, left.paths, asks, negated=negated)


def build_matches(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """matches: the whole string on the left matches a regular expression."""
    ok, left = _left(c, op, raw, at, scope)
    if not ok or left is None:
        return None
    if left.type.kind not in ("string", "enum", "date", "any"):
        c.error(at, f"'matches' needs a string, but {left.text} is a {left.type.kind}")
        return None
    where = (*at, op.name)
    pattern = str(raw[op.name])
    if len(pattern) > MAX_REGEX_LENGTH:
        c.error(where, f"regular expression longer than {MAX_REGEX_LENGTH} characters")
        return None
    if has_nested_repeat(pattern):
        c.error(
            where,
            "regular expression with nested quantifiers can backtrack catastrophically; simplify it",
        )
        return None
    try:
        regex = re.compile(pattern)
    except re.error as e:
        c.error(where, f"invalid regular expression {pattern!r}: {e}")
        return None
    lf, ltext = left.fn, left.text
    trace_words, plain_words = op.trace, op.plain
    words = _Words(left)

    def matches(facts: Facts, item: object, trace: Trace) -> bool | None:
        a = lf(facts, item)
        if not isinstance(a, str):
            if trace is not None:
                plain = words.missing(None, None, facts, item)
                trace.append(words.entry(None, trace_words["missing"].format(left=ltext), plain))
            return None
        result = regex.fullmatch(a) is not None
        if trace is not None:
            key = "yes" if result else "no"
            text = trace_words[key].format(left=ltext, value=format_value(a), pattern=pattern)
            subject = words.subject(facts, item, value_words(a, left.type))
            trace.append(words.entry(result, text, plain_words[key].format(subject=subject)))
        return result

    text = trace_words["text"].format(left=ltext, pattern=pattern)
    asks = plain_words["text"].format(subject=words.subject_noun, pattern=pattern)
    negated = plain_words["not"].format(subject=words.subject_noun, pattern=pattern)
    return CompiledCondition(text, matches, left.paths, asks, negated=negated)


# -- type checks ---------------------------------------------------------------------------------
def _comparable(c: ConditionCompiler, op: str, left: Expr, right: Expr, at: PathKey) -> bool:
    lk, rk = left.type, right.type
    if "any" in (lk.kind, rk.kind):
        return True
    if op in ORDERED:
        if lk.is_number and rk.is_number:
            return True
        if lk.kind == "date" and rk.kind in ("date", "string"):
            return True
        c.error(
            (*at, op),
            f"'{op}' compares numbers or dates, but {left.text} is a {lk.kind} and {right.text} is a {rk.kind}",
        )
        return False
    if lk.is_number and rk.is_number:
        return True
    if lk.kind == "enum" and rk.kind in ("string", "enum", "boolean", "number", "integer"):
        return _enum_fits(c, lk, right, at, op)
    if rk.kind == "enum" and lk.kind in ("string", "enum"):
        return _enum_fits(c, rk, left, at, op)
    if {lk.kind, rk.kind} <= {"string", "date"} or lk.kind == rk.kind:
        return True
    c.error((*at, op), f"'{op}' compares {left.text} (a {lk.kind}) with {right.text} (a {rk.kind})")
    return False


def _enum_fits(c: ConditionCompiler, enum: FieldType, other: Expr, at: PathKey, op: str) -> bool:
    if not other.literal or other.value in enum.values:
        return True
    choices = [str(v) for v in enum.values]
    c.error(
        (*at, op),
        f"{format_value(other.value)} is not one of the allowed values ({', '.join(choices)})"
        f"{c.suggest(str(other.value), choices)}",
    )
    return False
