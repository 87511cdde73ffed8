"""The part of XLSForm's expression language (XPath) that the Green Index form uses.

Relevance, constraints and calculations of the form are small XPath expressions:
``selected(${x}, 'v')``, ``count-selected(${x}) > 0``, ``not(...)``, ``and``/``or``, ``${x} = 1``,
``string-length(${x}) = 0`` and ``if(c, a, b)``. `compile_expression` turns one into a function of
a submission's values (field name → str, list of choice names, number, or None when empty), so
the importer can tell whether the form would have asked a question. Anything outside this subset
is a `ValueError` when the form description is read, never a silent guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

Values = Mapping[str, object]
Fn = Callable[[Values], object]

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_]*\})|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<str>'[^']*')|(?P<op>>=|<=|!=|[=<>(),.])|(?P<name>[A-Za-z][A-Za-z0-9\-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read {text[position : position + 20]!r} in {text!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return found


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list)):
        return len(value) > 0
    return False


def _selected(value: object, choice: object) -> bool:
    if isinstance(value, list):
        return choice in value
    return isinstance(value, str) and choice in value.split()


def _count_selected(value: object) -> int:
    if isinstance(value, list):
        return len(value)
    return len(value.split()) if isinstance(value, str) else 0


def _compare(op: str, left: object, right: object) -> bool:
    if op in ("=", "!=") and not (_number(left) is not None and _number(right) is not None):
        a = "" if left is None else str(left)
        b = "" if right is None else str(right)
        return (a == b) == (op == "=")
    a_num, b_num = _number(left), _number(right)
    if a_num is None or b_num is None:
        return op == "!="
    match op:
        case "=":
            return a_num == b_num
        case "!=":
            return a_num != b_num
        case ">":
            return a_num > b_num
        case "<":
            return a_num < b_num
        case ">=":
            return a_num >= b_num
        case _:
            return a_num <= b_num


class _Parser:
    def __init__(self, text: str, current: str | None) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.current = current  # the field '.' stands for (constraints)

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise ValueError(f"expected {value!r} in {self.text!r}, found {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Fn:
        fn = self.disjunction()
        if self.peek()[0] != "end":
            raise ValueError(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return fn

    def disjunction(self) -> Fn:
        parts = [self.conjunction()]
        while self.peek() == ("name", "or"):
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda v: any(_truthy(p(v)) for p in parts)

    def conjunction(self) -> Fn:
        parts = [self.comparison()]
        while self.peek() == ("name", "and"):
            self.take()
            parts.append(self.comparison())
        if len(parts) == 1:
            return parts[0]
        return lambda v: all(_truthy(p(v)) for p in parts)

    def comparison(self) -> Fn:
        left = self.term()
        kind, op = self.peek()
        if kind == "op" and op in ("=", "!=", ">", "<", ">=", "<="):
            self.take()
            right = self.term()
            return lambda v: _compare(op, left(v), right(v))
        return left

    def term(self) -> Fn:
        kind, value = self.take()
        if kind == "ref":
            name = value[2:-1]
            return lambda v: v.get(name)
        if kind == "num":
            number = float(value)
            return lambda v: number
        if kind == "str":
            text = value[1:-1]
            return lambda v: text
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            self.take(")")
            return inner
        if (kind, value) == ("op", "."):
            field = self.current
            if field is None:
                raise ValueError(f"'.' outside a constraint in {self.text!r}")
            return lambda v: v.get(field)
        if kind == "name" and self.peek() == ("op", "("):
            return self.call(value)
        raise ValueError(f"unexpected {value!r} in {self.text!r}")

    def call(self, name: str) -> Fn:
        self.take("(")
        args = [self.disjunction()]
        while self.peek() == ("op", ","):
            self.take()
            args.append(self.disjunction())
        self.take(")")
        match name, len(args):
            case "selected", 2:
                field, choice = args
                return lambda v: _selected(field(v), choice(v))
            case "count-selected", 1:
                (field,) = args
                return lambda v: _count_selected(field(v))
            case "not", 1:
                (inner,) = args
                return lambda v: not _truthy(inner(v))
            case "string-length", 1:
                (inner,) = args
                return lambda v: len(str(inner(v))) if inner(v) is not None else 0
            case "if", 3:
                test, yes, no = args
                return lambda v: yes(v) if _truthy(test(v)) else no(v)
        raise ValueError(
            f"unsupported function {name}() with {len(args)} argument(s) in {self.text!r}"
        )


def compile_expression(text: str, *, current: str | None = None) -> Fn:
    """Compile one XLSForm expression; `current` is the field that '.' stands for."""
    return _Parser(text, current).parse()


def is_true(value: object) -> bool:
    """XPath's boolean() of an expression's value."""
    return _truthy(value)
