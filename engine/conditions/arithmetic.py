"""Expression operators: path, param, add, sub, mul, div, min, max, count, ratio, count_true.

Any missing operand makes an expression unknown (None), and so does division by zero or a result
that is not a finite number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from engine.conditions.compiled import Expr, Leaf
from engine.conditions.logic import conditions_of
from engine.conditions.types import FieldType
from engine.conditions.values import Facts, Value, constant, format_value, getter, is_number
from engine.conditions.words import (
    describe_item,
    item_label,
    join_sentences,
    join_words,
    number_words,
    path_noun,
    value_words,
)
from engine.model import TraceEntry
from engine.yamlsource import PathKey

if TYPE_CHECKING:
    from engine.conditions.compiler import ConditionCompiler, Scope
    from engine.conditions.operators import ExprOp

Compute = Callable[[list[float]], float | None]


def build_path(
    c: ConditionCompiler, op: ExprOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> Expr | None:
    """The fact at a path, or the `default` given for it when the evidence lacks it."""
    return c.path_expr(raw[op.name], (*at, op.name), scope, raw, at)


def build_param(
    c: ConditionCompiler, op: ExprOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> Expr | None:
    """A rule-set parameter: a value fixed when the rule set (and its profile) is loaded."""
    name = raw[op.name]
    where = (*at, op.name)
    param = c.parameter(name) if isinstance(name, str) else None
    if param is None:
        c.error(where, f"unknown parameter '{name}'{c.suggest(str(name), list(c.parameters))}")
        return None
    value = param.value
    kind = FieldType("number" if param.type == "integer" else param.type)
    text = op.trace["text"].format(value=format_value(value), name=name)
    return Expr(constant(value), kind, text, (), fixed=True, value=value)


def _operands(
    c: ConditionCompiler, op: ExprOp, raw: object, at: PathKey, scope: Scope
) -> list[Expr] | None:
    if not isinstance(raw, list) or len(raw) < op.min_items:
        c.error(at, f"'{op.name}' takes a list of at least two expressions")
        return None
    parts = [c.expression(x, (*at, i), scope) for i, x in enumerate(raw)]
    operands = [p for p in parts if p is not None]
    if len(operands) != len(parts):
        return None
    for i, p in enumerate(operands):
        if not (p.type.is_number or p.type.kind == "any"):
            c.error((*at, i), f"'{op.name}' needs numbers, but {p.text} is a {p.type.kind}")
            return None
    return operands


_COMPUTE: dict[str, Compute] = {
    "add": math.fsum,
    "sub": lambda n: n[0] - n[1],
    "mul": math.prod,
    "div": lambda n: None if n[1] == 0 else n[0] / n[1],
    "min": min,
    "max": max,
}


def build_arithmetic(
    c: ConditionCompiler, op: ExprOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> Expr | None:
    """add, sub, mul, div, min, max over numbers."""
    operands = _operands(c, op, raw[op.name], (*at, op.name), scope)
    if operands is None:
        return None
    fns = tuple(p.fn for p in operands)
    compute = _COMPUTE[op.name]
    parts = [p.text for p in operands]
    text = (
        f"({op.trace['symbol'].join(parts)})"
        if "symbol" in op.trace
        else op.trace["text"].format(parts=", ".join(parts))
    )
    paths = tuple(x for p in operands for x in p.paths)
    unit, noun = _arithmetic_words(op, operands)

    def calculate(facts: Facts, item: object) -> Value:
        values = [fn(facts, item) for fn in fns]
        if not all(is_number(v) for v in values):
            return None
        result = compute([float(v) for v in values])  # type: ignore[arg-type]
        return result if result is not None and math.isfinite(result) else None

    leaves = tuple(leaf for p in operands for leaf in p.leaves)
    kind = FieldType("number", unit=unit)
    terms = tuple(_inner(p, unit, bracket=False) for p in operands) if op.name == "add" else ()
    if all(p.fixed for p in operands):  # a computation of literals and parameters: its value
        value = calculate({}, None)
        return Expr(calculate, kind, text, paths, noun, compound=True, fixed=True, value=value)
    return Expr(calculate, kind, text, paths, noun, compound=True, leaves=leaves, terms=terms)


def _arithmetic_words(op: ExprOp, operands: Sequence[Expr]) -> tuple[str, str]:
    """The unit of the result and its noun phrase ('80 % of the women's share of staff')."""
    measured = [p for p in operands if not p.fixed]
    unit = (measured or list(operands))[0].type.unit
    name = op.name
    fixed = [p for p in operands if p.fixed]
    if name in ("mul", "div") and len(operands) == 2 and len(measured) == 1 and fixed:
        whole, factor = measured[0], fixed[0]
        if is_number(factor.value) and factor.value != 0:
            number = float(factor.value)  # type: ignore[arg-type]
            if name == "div" and whole is operands[0]:
                return unit, _scaled(whole, 1 / number, divisor=number)
            if name == "mul":
                return unit, _scaled(whole, number)
    if name == "div":
        a, b = operands
        same = a.type.unit == b.type.unit and a.type.unit in ("count", "amount", "percent")
        if same:
            return "percent", op.plain["share"].format(a=_inner(a, ""), b=_inner(b, ""))
        return "", op.plain["text"].format(a=_inner(a, "", bracket=True), b=_inner(b, ""))
    if name == "mul":
        unit = ""
    nouns = [_inner(p, unit, bracket="join" in op.plain) for p in operands]
    if "join" in op.plain:
        return unit, op.plain["join"].join(nouns)
    return unit, op.plain["text"].format(parts=join_words(nouns))


def _scaled(whole: Expr, factor: float, divisor: float | None = None) -> str:
    """'80 % of X', '1.2 times X', 'X divided by 3', 'the average of A and B'."""
    if whole.terms and abs(factor * len(whole.terms) - 1) < 1e-9:
        return f"the average of {join_words(whole.terms)}"
    other = _inner(whole, whole.type.unit)
    if divisor is not None:
        return f"{_inner(whole, '', bracket=True)} divided by {number_words(divisor, '')}"
    if 0 < factor < 1:
        return f"{number_words(factor, 'percent')} of {other}"
    return f"{number_words(factor, '')} times {other}"


def _inner(expr: Expr, unit: str, *, bracket: bool = False) -> str:
    """An operand inside another expression: fixed values in the unit around them."""
    if expr.fixed:
        return value_words(expr.value, FieldType("number", unit=unit))
    words = expr.noun or expr.text
    return f"({words})" if bracket and expr.compound else words


def build_count(
    c: ConditionCompiler, op: ExprOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> Expr | None:
    """The count of a list's items (meeting `where`), or the ratio of those meeting it."""
    name = op.name
    list_type = c.list_path(raw[name], (*at, name), scope)
    if list_type is None or list_type.items is None:
        return None
    item_type = list_type.items
    path = str(raw[name])
    raw_get = getter(path)
    get = c.defaulted(raw_get, raw, at, list_type, path)
    if get is None:
        return None
    list_noun = list_type.title or path
    where = None
    if "where" in raw:
        inner = c.condition(raw["where"], (*at, "where"), item_type)
        if inner is None:
            return None
        where = inner.fn
        text = op.trace["where"].format(path=path, inner=inner.text)
        noun = op.plain["where"].format(list=list_noun, inner=inner.plain)
    else:
        if name == "ratio":
            c.error(at, "'ratio' needs a 'where' condition")
            return None
        text = op.trace["text"].format(path=path)
        noun = op.plain["text"].format(list=list_noun)
    is_ratio = name == "ratio"

    def count(facts: Facts, item: object) -> Value:
        items = get(facts, item)
        if not isinstance(items, list):
            return None
        if where is None:
            return len(items)
        matched = 0
        for element in items:
            value = where(facts, element, None)
            if value is None:
                return None
            matched += value is True
        if is_ratio:
            return matched / len(items) if items else None
        return matched

    def unknown(facts: Facts, item: object) -> str:
        """Why the count is unknown: the first item for which `where` is."""
        items = get(facts, item)
        for index, element in enumerate(items if isinstance(items, list) and where else []):
            trace: list[TraceEntry] = []
            if where is not None and where(facts, element, trace) is None:
                lacking = [e for e in trace if e.result is None]
                return describe_item(item_label(element, index, item_type), lacking)
        return ""

    kind = FieldType("number", unit="percent" if is_ratio else "count")
    leaves = (Leaf(path, raw_get, path_noun(path, list_type), list_type),)
    return Expr(count, kind, text, (path,), noun=noun, leaves=leaves, unknown=unknown)


def build_count_true(
    c: ConditionCompiler, op: ExprOp, raw: Mapping[str, object], at: PathKey, scope: Scope
) -> Expr | None:
    """How many of the listed conditions are true; unknown if any of them is."""
    parts = conditions_of(c, op, raw[op.name], (*at, op.name), scope)
    if parts is None:
        return None
    fns = tuple(p.fn for p in parts)

    def unknown(facts: Facts, item: object) -> str:
        """Why the count is unknown: what the conditions that are unknown lack."""
        trace: list[TraceEntry] = []
        for fn in fns:
            fn(facts, item, trace)
        return join_sentences([e.plain for e in trace if e.result is None and e.plain])

    def count_true(facts: Facts, item: object) -> Value:
        total = 0
        for fn in fns:
            value = fn(facts, item, None)
            if value is None:
                return None
            total += value
        return total

    text = op.trace["text"].format(parts="; ".join(p.text for p in parts))
    paths = tuple(dict.fromkeys(x for p in parts for x in p.paths))
    noun = op.plain["text"].format(parts="; ".join(p.plain for p in parts))
    kind = FieldType("number", unit="count")
    return Expr(count_true, kind, text, paths, noun=noun, unknown=unknown)
