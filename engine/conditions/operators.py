"""The operator table: every operator of the condition language, declared once.

Each entry gives the operator's name, whether it is a condition or an expression operator, the
shape of its argument, the keys that may go with it, the types it accepts, its three-valued
semantics, its machine (trace) and plain wording, its documentation line, the spellings rule
authors reach for from other languages, and the function that compiles it. From this table the
compiler dispatches, and `engine.conditions.vocabulary` generates the operator vocabulary of
`schemas/ruleset.schema.json`, the operator tables of `docs/rule-language.md` and the "did you
mean" synonyms of `engine.schemacheck`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from engine.conditions import arithmetic, compare, logic
from engine.conditions.compiled import CompiledCondition, Expr
from engine.yamlsource import PathKey

if TYPE_CHECKING:
    from engine.conditions.compiler import ConditionCompiler, Scope

R = TypeVar("R")


class Role(enum.StrEnum):
    """Where an operator goes: a condition (true, false or unknown) or an expression (a value)."""

    CONDITION = "condition"
    EXPRESSION = "expression"


class Shape(enum.StrEnum):
    """What an operator's own key holds."""

    CONDITIONS = "a non-empty list of conditions"
    CONDITION = "a condition"
    PATH = "an evidence path"
    EXPRESSION = "an expression"
    EXPRESSIONS = "a list of expressions"
    LITERALS = "a non-empty list of literals"
    LITERAL = "a literal"
    REGEX = "a regular expression"
    PARAMETER = "a parameter name"
    DEFAULT = "a literal or a list of literals"


@dataclass(frozen=True, slots=True)
class Operator(Generic[R]):
    """One operator of the condition language."""

    name: str
    role: Role
    shape: Shape
    form: str  # how it is written, for the docs: "{path: P, lte: X}"
    doc: str  # what it means, one line (docs and schema descriptions)
    semantics: str  # when it is true, false or unknown, one line
    accepts: str  # the types it takes, in words
    build: Callable[
        [ConditionCompiler, Operator[R], Mapping[str, object], PathKey, Scope], R | None
    ]
    keys: tuple[str, ...] = ()  # keys that may go with it: where, path, value, default
    trace: Mapping[str, str] = field(default_factory=dict)  # machine wording (templates)
    plain: Mapping[str, str] = field(default_factory=dict)  # plain wording (templates)
    synonyms: tuple[str, ...] = ()  # what authors write by mistake: `le` for `lte`
    min_items: int = 1  # for list arguments
    max_items: int | None = None


CondOp = Operator[CompiledCondition]
ExprOp = Operator[Expr]


@dataclass(frozen=True, slots=True)
class Key:
    """A key that goes with an operator rather than being one."""

    name: str
    shape: Shape
    doc: str


KEYS = (
    Key("where", Shape.CONDITION, "The condition each item must meet; `@.field` is its field."),
    Key("path", Shape.PATH, "The fact on the left side of a comparison."),
    Key(
        "default",
        Shape.DEFAULT,
        "What a missing path counts as (e.g. 'no', 0 or []), so that missing evidence decides "
        "instead of making the condition unknown.",
    ),
    Key("value", Shape.EXPRESSION, "A computed left side of a comparison."),
)

_SIDE = ("path", "value", "default")
_LIST = ("where", "default")
_KLEENE = "Kleene logic: missing evidence only matters where it decides"
_QUANTIFIER_TRACE = {
    "text": "{op} {path} where {inner}",
    "unknown": "{path}: some items lack the data for: {inner}",
    "missing": "{path} is missing",
}
_QUANTIFIER_PLAIN = {
    "empty": "the evidence lists no {title}",
    "unknown": "for {label}, the evidence does not give what the condition needs: {inner}",
    "value": "{list} include {value}",
}
_MISSING = {"missing": "{left} is missing"}
_COMPARE_TRACE = {
    **_MISSING,
    "misfit": "{left} (type does not fit)",
    "text": "{left} {op} {right}",
    "met": "{left} = {value} {op} {right}",
    "unmet": "{left} = {value}, expected {op} {right}",
}
_COMPARE = "the left side (`path` or a computed `value`) {meaning} the right side"
_ORDER_TYPES = "numbers with numbers, dates with dates"
_ORDER_SEMANTICS = "unknown if either side is missing or of another type at run time"
_ARITHMETIC = "unknown if an operand is unknown or the result is not a finite number"


def _condition(name: str, shape: Shape, build: Callable[..., Any], **kw: Any) -> CondOp:
    return Operator(name, Role.CONDITION, shape, build=build, **kw)


def _expression(name: str, shape: Shape, build: Callable[..., Any], **kw: Any) -> ExprOp:
    return Operator(name, Role.EXPRESSION, shape, build=build, **kw)


def _comparison(
    name: str,
    symbol: str,
    meaning: str,
    plain: Mapping[str, str],
    trace: Mapping[str, str] | None = None,
    **kw: Any,
) -> CondOp:
    ordered = name in compare.ORDERED
    return _condition(
        name,
        Shape.EXPRESSION,
        compare.build_comparison,
        form=f"{{path: P, {name}: X}}",
        doc=_COMPARE.format(meaning=meaning),
        semantics=_ORDER_SEMANTICS,
        accepts=_ORDER_TYPES if ordered else "two values of one type; an enum with its values",
        keys=_SIDE,
        trace={**_COMPARE_TRACE, "symbol": symbol, **(trace or {})},
        plain=plain,
        **kw,
    )


def _ordered(text: str, negated: str, bound: str, **relations: str) -> dict[str, str]:
    """Plain words of lt, lte, gt, gte: what it asks, its negation, and how values relate.

    The relation words say where the value is against the bound, below, equal or above: 'PAR30 is
    7.1 %, above the 5 % limit'.
    """
    return {
        "text": "{subject} " + text + " {value}",
        "not": "{subject} " + negated + " {value}",
        "below": "below",
        "equal": "at",
        "above": "above",
        "bound": bound,
        **relations,
    }


_CONDITION_TABLE: tuple[CondOp, ...] = (
    _condition(
        "all",
        Shape.CONDITIONS,
        logic.build_all,
        form="{all: [C, ...]}",
        doc="every condition holds",
        semantics=f"false if one is false, else unknown if one is unknown, else true ({_KLEENE})",
        accepts="conditions",
        trace={"text": "all({parts})"},
        plain={"join": " and "},
        synonyms=("and",),
    ),
    _condition(
        "any",
        Shape.CONDITIONS,
        logic.build_any,
        form="{any: [C, ...]}",
        doc="at least one condition holds",
        semantics=f"true if one is true, else unknown if one is unknown, else false ({_KLEENE})",
        accepts="conditions",
        trace={"text": "any({parts})"},
        plain={"join": " or "},
        synonyms=("or",),
    ),
    _condition(
        "not",
        Shape.CONDITION,
        logic.build_not,
        form="{not: C}",
        doc="the condition does not hold",
        semantics="true if it is false, false if it is true; unknown stays unknown",
        accepts="a condition",
        trace={"text": "not({inner})", "entry": "not: "},
        plain={"text": "not ({inner})"},
    ),
    _condition(
        "exists",
        Shape.PATH,
        logic.build_exists,
        form="{exists: P}",
        doc="the evidence gives the fact at P",
        semantics="true if present, false if not; never unknown",
        accepts="any path",
        trace={
            "text": "exists {path}",
            "given": "{path} = {value}",
            "missing": "{path} is missing",
        },
        plain={
            "text": "{subject} is given",
            "not": "{subject} is not given",
            "given": "the evidence gives {subject} ({value})",
            "missing": "the evidence does not give {subject}",
        },
    ),
    _condition(
        "some",
        Shape.PATH,
        logic.build_quantifier,
        form="{some: P, where: C}",
        doc="at least one item of the list at P meets C; inside `where`, `@.field` is the item's field",
        semantics="true if an item meets C; else unknown if C is unknown for an item or the list "
        "is missing; else false (also for an empty list)",
        accepts="a list",
        keys=_LIST,
        trace={
            **_QUANTIFIER_TRACE,
            "item": "{label} meets the condition: {deciding}",
            "none": "none of the {n} items of {path} meets: {inner}",
        },
        plain={
            **_QUANTIFIER_PLAIN,
            "text": "at least one of {list} meets: {inner}",
            "item": "{label} meets the condition: {inner}",
            "one": "the only one of {list} does not meet the condition: {inner}",
            "two": "neither of {list} meets the condition: {inner}",
            "none": "none of the {n} {title} meets the condition: {inner}",
        },
    ),
    _condition(
        "every",
        Shape.PATH,
        logic.build_quantifier,
        form="{every: P, where: C}",
        doc="every item of the list at P meets C; inside `where`, `@.field` is the item's field",
        semantics="false if an item fails C; else unknown if C is unknown for an item or the list "
        "is missing; else true (also for an empty list)",
        accepts="a list",
        keys=_LIST,
        trace={
            **_QUANTIFIER_TRACE,
            "item": "{label} does not meet the condition: {deciding}",
            "all": "all {n} items of {path} meet: {inner}",
        },
        plain={
            **_QUANTIFIER_PLAIN,
            "text": "all of {list} meet: {inner}",
            "item": "{label} does not meet the condition: {inner}",
            "value": "{list} include {value}, which does not meet the condition: {inner}",
            "one": "the only one of {list} meets the condition: {inner}",
            "two": "both {title} meet the condition: {inner}",
            "all": "all {n} {title} meet the condition: {inner}",
        },
    ),
    _comparison(
        "eq",
        "=",
        "equals",
        {"text": "{subject} is {value}", "not": "{subject} is not {value}"},
        synonyms=("==", "equals", "equal", "is"),
        trace={"same": "{left} = {value}"},
    ),
    _comparison(
        "ne",
        "≠",
        "differs from",
        {"text": "{subject} is not {value}", "not": "{subject} is {value}"},
        synonyms=("!=", "neq", "not_equal"),
    ),
    _comparison(
        "lt",
        "<",
        "is less than",
        _ordered("is below", "is at least", "threshold", equal="not below"),
        synonyms=("<", "less_than"),
    ),
    _comparison(
        "lte",
        "≤",
        "is at most",
        _ordered("is at most", "is above", "limit", below="within"),
        synonyms=("<=", "le", "less_or_equal", "max"),
    ),
    _comparison(
        "gt",
        ">",
        "is greater than",
        _ordered("is above", "is at most", "threshold", equal="not above"),
        synonyms=(">", "greater_than"),
    ),
    _comparison(
        "gte",
        "≥",
        "is at least",
        _ordered("is at least", "is below", "minimum"),
        synonyms=(">=", "ge", "greater_or_equal", "min"),
    ),
    _condition(
        "in",
        Shape.LITERALS,
        compare.build_membership,
        form="{path: P, in: [a, b]}",
        doc="the fact at P is one of the listed values",
        semantics="unknown if the fact is missing",
        accepts="a value and literals of its type",
        keys=_SIDE,
        trace={
            **_MISSING,
            "text": "{left} in [{values}]",
            "met": "{left} = {value}, in [{values}]",
            "unmet": "{left} = {value}, expected in [{values}]",
        },
        plain={"text": "{subject} is one of {values}", "not": "{subject} is none of {values}"},
    ),
    _condition(
        "not_in",
        Shape.LITERALS,
        compare.build_membership,
        form="{path: P, not_in: [a, b]}",
        doc="the fact at P is none of the listed values",
        semantics="unknown if the fact is missing",
        accepts="a value and literals of its type",
        keys=_SIDE,
        trace={
            **_MISSING,
            "text": "{left} not in [{values}]",
            "met": "{left} = {value}, not in [{values}]",
            "unmet": "{left} = {value}, expected not in [{values}]",
        },
        plain={"text": "{subject} is none of {values}", "not": "{subject} is one of {values}"},
    ),
    _condition(
        "contains",
        Shape.LITERAL,
        compare.build_contains,
        form="{path: P, contains: x}",
        doc="the list at P holds x",
        semantics="unknown if the list is missing",
        accepts="a list and a literal of its items' type",
        keys=_SIDE,
        synonyms=("includes", "has"),
        trace={
            **_MISSING,
            "text": "{left} includes {value}",
            "yes": "{left} = {list} includes {value}",
            "no": "{left} = {list} does not include {value}",
        },
        plain={
            "text": "{subject} include {value}",
            "not": "{subject} do not include {value}",
            "yes": "{subject} include {value}",
            "no": "{subject} ({list}) do not include {value}",
        },
    ),
    _condition(
        "matches",
        Shape.REGEX,
        compare.build_matches,
        form='{path: P, matches: "regex"}',
        doc="the whole string at P matches the regular expression (nested quantifiers are refused)",
        semantics="unknown if the string is missing",
        accepts="a string, enum or date",
        keys=_SIDE,
        synonyms=("regex", "match"),
        trace={
            **_MISSING,
            "text": "{left} matches /{pattern}/",
            "yes": "{left} = {value} matches /{pattern}/",
            "no": "{left} = {value} does not match /{pattern}/",
        },
        plain={
            "text": "{subject} has the form {pattern}",
            "not": "{subject} does not have the form {pattern}",
            "yes": "{subject}",
            "no": "{subject}, which does not have the required form",
        },
    ),
)

_EXPRESSION_TABLE: tuple[ExprOp, ...] = (
    _expression(
        "path",
        Shape.PATH,
        arithmetic.build_path,
        form="{path: P}",
        doc="the fact at P; with `default`, what a missing fact counts as",
        semantics="unknown if the fact is missing (unless a default is given)",
        accepts="any path",
        keys=("default",),
        trace={"default": "{path} (missing counts as {default})"},
    ),
    _expression(
        "param",
        Shape.PARAMETER,
        arithmetic.build_param,
        form="{param: name}",
        doc="a rule-set parameter by name (lowercase letters, digits and _); profiles can set it",
        semantics="never unknown",
        accepts="a parameter of the rule set",
        trace={"text": "{value} ({name})"},
    ),
    _expression(
        "add",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{add: [a, b, ...]}",
        doc="the sum",
        semantics=_ARITHMETIC,
        accepts="numbers",
        trace={"symbol": " + "},
        plain={"join": " plus "},
        min_items=2,
    ),
    _expression(
        "sub",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{sub: [a, b]}",
        doc="a minus b",
        semantics=_ARITHMETIC,
        accepts="numbers",
        trace={"symbol": " − "},
        plain={"join": " minus "},
        min_items=2,
        max_items=2,
    ),
    _expression(
        "mul",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{mul: [a, b, ...]}",
        doc="the product",
        semantics=_ARITHMETIC,
        accepts="numbers",
        trace={"symbol": " × "},
        plain={"join": " times "},
        min_items=2,
    ),
    _expression(
        "div",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{div: [a, b]}",
        doc="a divided by b",
        semantics=f"{_ARITHMETIC}, or b is 0",
        accepts="numbers",
        trace={"symbol": " / "},
        plain={"text": "{a} divided by {b}", "share": "{a} as a share of {b}"},
        min_items=2,
        max_items=2,
    ),
    _expression(
        "min",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{min: [a, b, ...]}",
        doc="the smallest",
        semantics=_ARITHMETIC,
        accepts="numbers",
        trace={"text": "min({parts})"},
        plain={"text": "the lower of {parts}"},
        min_items=2,
    ),
    _expression(
        "max",
        Shape.EXPRESSIONS,
        arithmetic.build_arithmetic,
        form="{max: [a, b, ...]}",
        doc="the largest",
        semantics=_ARITHMETIC,
        accepts="numbers",
        trace={"text": "max({parts})"},
        plain={"text": "the higher of {parts}"},
        min_items=2,
    ),
    _expression(
        "count",
        Shape.PATH,
        arithmetic.build_count,
        form="{count: P}, {count: P, where: C}",
        doc="the number of items of the list at P (that meet C)",
        semantics="unknown if the list is missing or C is unknown for an item",
        accepts="a list",
        keys=_LIST,
        trace={"text": "number of {path}", "where": "count of {path} where {inner}"},
        plain={"text": "the number of {list}", "where": "the number of {list} where {inner}"},
    ),
    _expression(
        "ratio",
        Shape.PATH,
        arithmetic.build_count,
        form="{ratio: P, where: C}",
        doc="the share of the items of the list at P that meet C",
        semantics="unknown if the list is missing or empty, or C is unknown for an item",
        accepts="a list",
        keys=_LIST,
        trace={"where": "ratio of {path} where {inner}"},
        plain={"where": "the share of {list} where {inner}"},
    ),
    _expression(
        "count_true",
        Shape.CONDITIONS,
        arithmetic.build_count_true,
        form="{count_true: [C, ...]}",
        doc="how many of the listed conditions are true",
        semantics="unknown if any of them is unknown",
        accepts="conditions",
        trace={"text": "number true of ({parts})"},
        plain={"text": "the number of these that hold: {parts}"},
    ),
)

CONDITIONS: Mapping[str, CondOp] = {op.name: op for op in _CONDITION_TABLE}
EXPRESSIONS: Mapping[str, ExprOp] = {op.name: op for op in _EXPRESSION_TABLE}
# The keys an expression may carry beside its operator, in the order they are checked.
EXPRESSION_KEYS = tuple(k.name for k in KEYS if any(k.name in op.keys for op in _EXPRESSION_TABLE))
# Misspellings and other languages' names of the condition operators: "le" → "lte".
SYNONYMS: Mapping[str, str] = {s: op.name for op in _CONDITION_TABLE for s in op.synonyms}
