"""What compiling gives: conditions and expressions ready to evaluate, with their wording."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.conditions.types import FieldType
from engine.conditions.values import ExprFn, Facts, constant, format_value
from engine.model import TraceEntry

CondFn = Callable[[Facts, object, "list[TraceEntry] | None"], "bool | None"]


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition ready to evaluate; satisfies engine.model.Condition."""

    text: str
    fn: CondFn
    paths: tuple[str, ...]
    plain: str = ""  # what it asks, in words ("PAR30 is at most 5 %")
    compound: bool = False  # joins several conditions (bracketed inside another junction)
    negated: str = ""  # what its negation asks, where that reads better than "not (...)"

    def evaluate(self, facts: Facts, trace: list[TraceEntry] | None) -> bool | None:
        """True, False, or None (evidence missing)."""
        return self.fn(facts, None, trace)


@dataclass(frozen=True, slots=True)
class Leaf:
    """An evidence path an expression reads, to name it when it is missing."""

    path: str
    get: ExprFn  # the value as the evidence gives it (no default)
    noun: str  # "PAR30", "the women's share of staff", "its APR"
    type: FieldType


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: a literal, a path, a parameter or a computation."""

    fn: ExprFn
    type: FieldType  # its kind, title and unit
    text: str  # machine wording, as the trace shows it
    paths: tuple[str, ...]
    noun: str = ""  # plain wording: "PAR30", "its APR", "80 % of the women's share of staff"
    literal: bool = False  # written as a literal in the rule
    fixed: bool = False  # known when compiled: a literal or a parameter
    value: object = None  # the value, when fixed
    compound: bool = False  # computed from other expressions
    defaulted: bool = False  # a path with a `default`
    leaves: tuple[Leaf, ...] = ()
    terms: tuple[str, ...] = ()  # for a sum: the nouns of its operands ("the average of ...")
    # Why it is unknown when no path it reads is missing (count, ratio, count_true): in words.
    unknown: Callable[[Facts, object], str] | None = None

    def missing(self, facts: Facts, item: object) -> list[tuple[str, FieldType, bool]]:
        """(noun, type, in a list item) of each path it reads that the evidence does not give."""
        return [
            (leaf.noun, leaf.type, leaf.path.startswith("@"))
            for leaf in self.leaves
            if leaf.get(facts, item) is None
        ]


def literal(value: object, kind: FieldType) -> Expr:
    """A literal written in the rule."""
    return Expr(
        constant(value), kind, format_value(value), (), literal=True, fixed=True, value=value
    )
