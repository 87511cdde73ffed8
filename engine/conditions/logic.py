"""Operators that combine conditions or look into lists: all, any, not, exists, some, every."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.conditions.compiled import CompiledCondition
from engine.conditions.types import FieldType
from engine.conditions.values import Facts, format_value, getter
from engine.conditions.words import (
    ItemEntry,
    absent_words,
    describe_item,
    item_label,
    path_noun,
    sentence,
    value_words,
)
from engine.model import TraceEntry
from engine.yamlsource import PathKey

if TYPE_CHECKING:
    from engine.conditions.compiler import ConditionCompiler, Scope
    from engine.conditions.operators import CondOp, Operator

Trace = list[TraceEntry] | None


def entry(
    result: bool | None, text: str, paths: tuple[str, ...], plain: str, *, item: bool, role: str
) -> TraceEntry:
    """A trace entry; about a list item, one that keeps how its words join the item's name."""
    if item:
        return ItemEntry(result, text, paths, plain.rstrip("."), role)
    return TraceEntry(result, text, paths, sentence(plain))


def conditions_of(
    c: ConditionCompiler, op: Operator[Any], raw: object, at: PathKey, scope: Scope
) -> list[CompiledCondition] | None:
    """The non-empty list of conditions an operator takes, compiled; None if any has errors."""
    if not isinstance(raw, list) or not raw:
        c.error(at, f"'{op.name}' takes a non-empty list of conditions")
        return None
    parts = [c.condition(item, (*at, i), scope) for i, item in enumerate(raw)]
    compiled = [p for p in parts if p is not None]
    return compiled if len(compiled) == len(parts) else None


def _joined(op: CondOp, parts: list[CompiledCondition]) -> tuple[str, str, tuple[str, ...]]:
    text = op.trace["text"].format(parts="; ".join(p.text for p in parts))
    plain = op.plain["join"].join(f"({p.plain})" if p.compound else p.plain for p in parts)
    paths = tuple(dict.fromkeys(x for p in parts for x in p.paths))
    return text, plain, paths


def build_all(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """Kleene's and: false wins, then unknown."""
    parts = conditions_of(c, op, raw[op.name], (*at, op.name), scope)
    if parts is None:
        return None
    fns = tuple(p.fn for p in parts)
    text, plain, paths = _joined(op, parts)

    def conj(facts: Facts, item: object, trace: Trace) -> bool | None:
        result: bool | None = True
        for fn in fns:
            value = fn(facts, item, trace)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    return CompiledCondition(text, conj, paths, plain, compound=len(parts) > 1)


def build_any(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """Kleene's or: true wins, then unknown."""
    parts = conditions_of(c, op, raw[op.name], (*at, op.name), scope)
    if parts is None:
        return None
    fns = tuple(p.fn for p in parts)
    text, plain, paths = _joined(op, parts)

    def disj(facts: Facts, item: object, trace: Trace) -> bool | None:
        result: bool | None = False
        for fn in fns:
            value = fn(facts, item, trace)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    return CompiledCondition(text, disj, paths, plain, compound=len(parts) > 1)


def build_not(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """The negation; unknown stays unknown, and the inner trace is kept with flipped results."""
    inner = c.condition(raw[op.name], (*at, op.name), scope)
    if inner is None:
        return None
    fn, prefix = inner.fn, op.trace["entry"]

    def negated(facts: Facts, item: object, trace: Trace) -> bool | None:
        inner_trace: Trace = [] if trace is not None else None
        value = fn(facts, item, inner_trace)
        if trace is not None and inner_trace is not None:
            # The plain words state what the evidence shows, so they hold under `not` as well.
            trace.extend(
                dataclasses.replace(
                    e, result=None if e.result is None else not e.result, text=prefix + e.text
                )
                for e in inner_trace
            )
        return None if value is None else not value

    text = op.trace["text"].format(inner=inner.text)
    asks = inner.negated or op.plain["text"].format(inner=inner.plain)
    return CompiledCondition(text, negated, inner.paths, asks, negated=inner.plain)


def build_exists(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """Whether the path has a value: true or false, never unknown."""
    path = raw[op.name]
    kind = c.type_of(path, scope, (*at, op.name)) if isinstance(path, str) else None
    if not isinstance(path, str) or kind is None:
        return None
    get = getter(path)
    subject = path_noun(path, kind)
    in_item = path.startswith("@")
    given, missing = op.trace["given"], op.trace["missing"]
    say_given = op.plain["given"]

    def exists(facts: Facts, item: object, trace: Trace) -> bool:
        value = get(facts, item)
        present = value is not None
        if trace is not None:
            if present:
                text = given.format(path=path, value=format_value(value))
                plain = say_given.format(subject=subject, value=value_words(value, kind))
            else:
                text, plain = missing.format(path=path), absent_words([(subject, kind, in_item)])
            trace.append(entry(present, text, (path,), plain, item=in_item, role="clause"))
        return present

    text = op.trace["text"].format(path=path)
    asks, negated = (op.plain[k].format(subject=subject) for k in ("text", "not"))
    return CompiledCondition(text, exists, (path,), asks, negated=negated)


def build_quantifier(
    c: ConditionCompiler, op: CondOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> CompiledCondition | None:
    """`some` or `every` item of a list meets `where`; the deciding item explains the result."""
    name = op.name
    list_type = c.list_path(raw[name], (*at, name), scope)
    if "where" not in raw:
        c.error(at, f"'{name}' needs a 'where' condition")
        return None
    if list_type is None or list_type.items is None:
        return None
    item_type = list_type.items
    inner = c.condition(raw["where"], (*at, "where"), item_type)
    if inner is None:
        return None
    path = str(raw[name])
    get = c.defaulted(getter(path), raw, at, list_type, path)
    if get is None:
        return None
    where, is_every = inner.fn, name == "every"
    words = _ListWords(op, path, list_type, inner)

    def quantify(facts: Facts, item: object, trace: Trace) -> bool | None:
        items = get(facts, item)
        if not isinstance(items, list):
            if trace is not None:
                trace.append(words.missing())
            return None
        unknown: tuple[int, object, list[TraceEntry]] | None = None
        for index, element in enumerate(items):
            inner_trace: Trace = [] if trace is not None else None
            value = where(facts, element, inner_trace)
            if (value is False) if is_every else (value is True):
                if trace is not None and inner_trace is not None:
                    trace.append(words.deciding(index, element, inner_trace, not is_every))
                return not is_every
            if value is None and unknown is None:
                unknown = (index, element, inner_trace or [])
        if trace is not None:
            trace.append(words.undecided(len(items), unknown))
        return None if unknown is not None else is_every

    text = op.trace["text"].format(op=name, path=path, inner=inner.text)
    plain = op.plain["text"].format(list=words.noun, inner=inner.plain)
    return CompiledCondition(text, quantify, (path, *inner.paths), plain)


class _ListWords:
    """The trace entries of a quantifier, in machine and plain words."""

    def __init__(
        self, op: CondOp, path: str, list_type: FieldType, inner: CompiledCondition
    ) -> None:
        self.op, self.path, self.inner = op, path, inner
        self.list_type = list_type
        self.item_type = list_type.items or FieldType("any")
        self.title = list_type.title or path
        self.noun = path_noun(path, list_type)
        self.in_item = path.startswith("@")
        self.is_every = op.name == "every"

    def _entry(self, result: bool | None, text: str, plain: str) -> TraceEntry:
        return entry(result, text, (self.path,), plain, item=self.in_item, role="clause")

    def missing(self) -> TraceEntry:
        text = self.op.trace["missing"].format(path=self.path)
        return self._entry(None, text, absent_words([(self.noun, self.list_type, self.in_item)]))

    def deciding(
        self, index: int, element: object, inner_trace: list[TraceEntry], value: bool
    ) -> TraceEntry:
        """The item that decides: the first that fails `every` or meets `some` (`value`)."""
        deciding = [e for e in inner_trace if e.result is value]
        texts = [e.text for e in deciding] or [self.inner.text]
        label = _machine_label(self.path, index, element)
        text = self.op.trace["item"].format(label=label, deciding="; ".join(texts))
        words = item_label(element, index, self.item_type)
        if not isinstance(element, Mapping):
            plain = self.op.plain["value"].format(
                list=self.noun, value=words, inner=self.inner.plain
            )
        elif deciding:
            plain = describe_item(words, deciding)
        else:
            plain = self.op.plain["item"].format(label=words, inner=self.inner.plain)
        return self._entry(not self.is_every, text, plain)

    def undecided(
        self, count: int, unknown: tuple[int, object, list[TraceEntry]] | None
    ) -> TraceEntry:
        op, inner = self.op, self.inner
        if unknown is not None:
            index, element, inner_trace = unknown
            text = op.trace["unknown"].format(path=self.path, inner=inner.text)
            lacking = [e for e in inner_trace if e.result is None]
            label = item_label(element, index, self.item_type)
            plain = (
                describe_item(label, lacking)
                if lacking and isinstance(element, Mapping)
                else op.plain["unknown"].format(label=label, inner=inner.plain)
            )
            return self._entry(None, text, plain)
        text = op.trace["all" if self.is_every else "none"].format(
            n=count, path=self.path, inner=inner.text
        )
        key = ("empty", "one", "two")[count] if count < 3 else "all" if self.is_every else "none"
        plain = op.plain[key].format(n=count, title=self.title, list=self.noun, inner=inner.plain)
        return self._entry(self.is_every, text, plain)


def _machine_label(path: str, index: int, element: object) -> str:
    if isinstance(element, Mapping):
        name = element.get("id") or element.get("name")
        if name is not None:
            return f"{path}[{index}] ({name})"
    return f"{path}[{index}]"
