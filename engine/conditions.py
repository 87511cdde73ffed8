"""The condition language: YAML conditions → compiled, three-valued closures with a trace.

Conditions are compiled once, at validation, against the evidence vocabulary (the `facts` part of
the evidence schema), so an unknown path, an operator used on the wrong type or an enum value that
does not exist is a diagnostic with a position. At run time a condition returns True, False, or
None when the evidence it needs is missing; ``all``/``any``/``not`` follow Kleene's tables. Nothing
from a rule file is ever passed to ``eval``, ``exec``, a template engine or a shell.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Diagnostic, did_you_mean
from engine.model import Parameter, TraceEntry
from engine.yamlsource import PathKey, YamlDocument

Facts = Mapping[str, object]
Value = object
ExprFn = Callable[[Facts, object], Value]
CondFn = Callable[[Facts, object, "list[TraceEntry] | None"], "bool | None"]

COMPARISONS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
MEMBERSHIP = ("in", "not_in", "contains", "matches")
OPERATORS = ("all", "any", "not", "exists", "some", "every", *COMPARISONS, *MEMBERSHIP)
MAX_REGEX_LENGTH = 200
# Nested quantifiers such as (a+)+ or (a|a)* can backtrack catastrophically.
# The stdlib's own regex parser (private, untyped): used to find nested repeats.
_sre_parser: Any = importlib.import_module("re._parser")
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")


@dataclass(frozen=True, slots=True)
class FieldType:
    """The type of one evidence field, read from the evidence schema."""

    kind: str  # object, array, number, integer, string, date, boolean, enum, any
    fields: Mapping[str, FieldType] = field(default_factory=dict)
    items: FieldType | None = None
    values: tuple[object, ...] = ()

    @property
    def is_number(self) -> bool:
        """Numbers and integers compare with each other."""
        return self.kind in ("number", "integer")


ANY = FieldType("any")
NUMBER = FieldType("number")


def fact_types(evidence_schema: Mapping[str, Any]) -> FieldType:
    """Build the type tree of `facts` from the evidence schema (a bundled, trusted file)."""
    defs: Mapping[str, Any] = evidence_schema["$defs"]

    def build(schema: Mapping[str, Any]) -> FieldType:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            return FieldType("date") if name == "date" else build(defs[name])
        if "enum" in schema:
            return FieldType("enum", values=tuple(schema["enum"]))
        kind = schema.get("type")
        if kind == "object":
            return FieldType(
                "object", fields={k: build(v) for k, v in schema.get("properties", {}).items()}
            )
        if kind == "array":
            return FieldType("array", items=build(schema.get("items", {})))
        return FieldType(kind) if isinstance(kind, str) else ANY

    return build(defs["facts"])


def all_paths(root: FieldType, prefix: str = "") -> list[str]:
    """Every dotted path of the tree, for suggestions."""
    found: list[str] = []
    for name, sub in root.fields.items():
        path = f"{prefix}{name}"
        found.append(path)
        if sub.kind == "object":
            found.extend(all_paths(sub, path + "."))
    return found


def format_value(value: object) -> str:
    """A value as the report shows it in a trace."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"
    if isinstance(value, list):
        return (
            f"[{', '.join(format_value(v) for v in value[:6])}{', ...' if len(value) > 6 else ''}]"
        )
    if value is None:
        return "missing"
    return str(value)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition ready to evaluate; satisfies engine.model.Condition."""

    text: str
    fn: CondFn
    paths: tuple[str, ...]

    def evaluate(self, facts: Facts, trace: list[TraceEntry] | None) -> bool | None:
        """True, False, or None (evidence missing)."""
        return self.fn(facts, None, trace)


@dataclass(frozen=True, slots=True)
class _Expr:
    fn: ExprFn
    type: FieldType
    text: str
    paths: tuple[str, ...]


def _getter(path: str) -> ExprFn:
    if path == "@":
        return lambda facts, item: item
    in_item = path.startswith("@.")
    parts = tuple((path[2:] if in_item else path).split("."))

    def get(facts: Facts, item: object) -> Value:
        current: object = item if in_item else facts
        for part in parts:
            if isinstance(current, Mapping):
                current = current.get(part)
            else:
                return None
        return current

    return get


def _constant(value: object) -> ExprFn:
    def constant(facts: Facts, item: object) -> Value:
        return value

    return constant


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ConditionCompiler:
    """Compiles conditions of one rule file, collecting diagnostics."""

    def __init__(
        self,
        facts: FieldType,
        parameters: Mapping[str, Parameter],
        document: YamlDocument,
        diagnostics: list[Diagnostic],
    ) -> None:
        self.facts = facts
        self.parameters = parameters
        self.document = document
        self.diagnostics = diagnostics
        self._paths = all_paths(facts)

    # -- helpers -----------------------------------------------------------------------------
    def _error(self, at: PathKey, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.document.position_of(at), message, code="condition")
        )

    def _suggest(self, word: str, choices: Sequence[str]) -> str:
        return did_you_mean(word, choices)

    def _type_of(self, path: str, scope: FieldType | None, at: PathKey) -> FieldType | None:
        if path == "@" or path.startswith("@."):
            if scope is None:
                self._error(
                    at,
                    f"'{path}' refers to an item, but it is not inside some, every, count or ratio",
                )
                return None
            current = scope
            names = [] if path == "@" else path[2:].split(".")
            known = [f"@.{p}" for p in all_paths(scope)] if scope.kind == "object" else []
        else:
            current = self.facts
            names = path.split(".")
            known = self._paths
        for name in names:
            if current.kind != "object" or name not in current.fields:
                self._error(at, f"unknown evidence path '{path}'{self._suggest(path, known)}")
                return None
            current = current.fields[name]
        return current

    # -- conditions --------------------------------------------------------------------------
    def compile(self, raw: object, at: PathKey) -> CompiledCondition | None:
        """Compile a condition found at `at` in the document; None if it has errors."""
        before = len(self.diagnostics)
        result = self._condition(raw, at, None)
        if result is None or len(self.diagnostics) > before:
            return None
        return result

    def _condition(
        self, raw: object, at: PathKey, scope: FieldType | None
    ) -> CompiledCondition | None:
        if not isinstance(raw, Mapping):
            self._error(at, "a condition must be a mapping")
            return None
        ops = [k for k in raw if k in OPERATORS]
        if len(ops) != 1:
            if not ops:
                self._error(at, "a condition needs one operator: " + ", ".join(OPERATORS))
            else:
                self._error(at, f"a condition takes exactly one operator, found {', '.join(ops)}")
            return None
        op = ops[0]
        allowed = {op}
        if op in ("some", "every"):
            allowed |= {"where", "default"}
        elif op in COMPARISONS or op in MEMBERSHIP:
            allowed |= {"path", "value", "default"}
        extra = [k for k in raw if k not in allowed]
        if extra:
            self._error((*at, extra[0]), f"'{extra[0]}' does not go with '{op}'")
            return None
        if op in ("all", "any"):
            return self._junction(op, raw[op], (*at, op), scope)
        if op == "not":
            inner = self._condition(raw["not"], (*at, "not"), scope)
            return None if inner is None else _negate(inner)
        if op == "exists":
            return self._exists(raw["exists"], (*at, "exists"), scope)
        if op in ("some", "every"):
            return self._quantifier(op, raw, at, scope)
        return self._comparison(op, raw, at, scope)

    def _junction(
        self, op: str, raw: object, at: PathKey, scope: FieldType | None
    ) -> CompiledCondition | None:
        if not isinstance(raw, list) or not raw:
            self._error(at, f"'{op}' takes a non-empty list of conditions")
            return None
        parts = [self._condition(item, (*at, i), scope) for i, item in enumerate(raw)]
        compiled = [p for p in parts if p is not None]
        if len(compiled) != len(parts):
            return None
        fns = tuple(p.fn for p in compiled)
        text = f"{op}({'; '.join(p.text for p in compiled)})"
        paths = tuple(dict.fromkeys(x for p in compiled for x in p.paths))
        if op == "all":

            def conj(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
                result: bool | None = True
                for fn in fns:
                    value = fn(facts, item, trace)
                    if value is False:
                        return False
                    if value is None:
                        result = None
                return result

            return CompiledCondition(text, conj, paths)

        def disj(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
            result: bool | None = False
            for fn in fns:
                value = fn(facts, item, trace)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result

        return CompiledCondition(text, disj, paths)

    def _exists(
        self, raw: object, at: PathKey, scope: FieldType | None
    ) -> CompiledCondition | None:
        if not isinstance(raw, str) or self._type_of(raw, scope, at) is None:
            return None
        get = _getter(raw)
        path = raw

        def exists(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool:
            value = get(facts, item)
            present = value is not None
            if trace is not None:
                shown = f"{path} = {format_value(value)}" if present else f"{path} is missing"
                trace.append(TraceEntry(present, shown, (path,)))
            return present

        return CompiledCondition(f"exists {path}", exists, (path,))

    def _list_path(self, raw: object, at: PathKey, scope: FieldType | None) -> FieldType | None:
        if not isinstance(raw, str):
            self._error(at, "expected a path to a list")
            return None
        kind = self._type_of(raw, scope, at)
        if kind is None:
            return None
        if kind.kind != "array" or kind.items is None:
            self._error(
                at, f"'{raw}' is {'an' if kind.kind[0] in 'aeiou' else 'a'} {kind.kind}, not a list"
            )
            return None
        return kind.items

    def _quantifier(
        self, op: str, raw: Mapping[str, object], at: PathKey, scope: FieldType | None
    ) -> CompiledCondition | None:
        item_type = self._list_path(raw[op], (*at, op), scope)
        if "where" not in raw:
            self._error(at, f"'{op}' needs a 'where' condition")
            return None
        if item_type is None:
            return None
        inner = self._condition(raw["where"], (*at, "where"), item_type)
        if inner is None:
            return None
        path = str(raw[op])
        get = self._defaulted(_getter(path), raw, at, FieldType("array", items=item_type), path)
        if get is None:
            return None
        where = inner.fn
        is_every = op == "every"

        def quantify(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
            items = get(facts, item)
            if not isinstance(items, list):
                if trace is not None:
                    trace.append(TraceEntry(None, f"{path} is missing", (path,)))
                return None
            unknown = False
            for index, element in enumerate(items):
                inner_trace: list[TraceEntry] | None = [] if trace is not None else None
                value = where(facts, element, inner_trace)
                decisive = value is False if is_every else value is True
                if decisive:
                    if trace is not None and inner_trace is not None:
                        label = _item_label(path, index, element)
                        deciding = [e.text for e in inner_trace if e.result is value] or [
                            inner.text
                        ]
                        verb = "does not meet" if is_every else "meets"
                        trace.append(
                            TraceEntry(
                                not is_every,
                                f"{label} {verb} the condition: {'; '.join(deciding)}",
                                (path,),
                            )
                        )
                    return not is_every
                if value is None:
                    unknown = True
            if trace is not None:
                if unknown:
                    trace.append(
                        TraceEntry(
                            None, f"{path}: some items lack the data for: {inner.text}", (path,)
                        )
                    )
                elif is_every:
                    trace.append(
                        TraceEntry(
                            True, f"all {len(items)} items of {path} meet: {inner.text}", (path,)
                        )
                    )
                else:
                    trace.append(
                        TraceEntry(
                            False,
                            f"none of the {len(items)} items of {path} meets: {inner.text}",
                            (path,),
                        )
                    )
            return None if unknown else is_every

        return CompiledCondition(f"{op} {path} where {inner.text}", quantify, (path, *inner.paths))

    def _comparison(
        self, op: str, raw: Mapping[str, object], at: PathKey, scope: FieldType | None
    ) -> CompiledCondition | None:
        if ("path" in raw) == ("value" in raw):
            self._error(at, f"'{op}' needs exactly one of 'path' or 'value' on its left side")
            return None
        if "default" in raw and "path" not in raw:
            self._error(
                (*at, "default"),
                "'default' goes with 'path': it says what a missing path counts as",
            )
            return None
        left = (
            self._path_expr(raw["path"], (*at, "path"), scope, raw, at)
            if "path" in raw
            else self._expr(raw["value"], (*at, "value"), scope)
        )
        right_raw = raw[op]
        if op in COMPARISONS:
            right = self._expr(right_raw, (*at, op), scope)
            if left is None or right is None or not self._comparable(op, left, right, at):
                return None
            return _compare(op, left, right)
        if left is None:
            return None
        if op in ("in", "not_in"):
            if not isinstance(right_raw, list):
                self._error((*at, op), f"'{op}' takes a list")
                return None
            for i, value in enumerate(right_raw):
                self._literal_fits(left, value, (*at, op, i))
            return _membership(op, left, tuple(right_raw))
        if op == "contains":
            if left.type.kind != "array":
                self._error(at, f"'contains' needs a list, but {left.text} is a {left.type.kind}")
                return None
            if left.type.items is not None:
                self._literal_fits(
                    _Expr(left.fn, left.type.items, left.text, left.paths), right_raw, (*at, op)
                )
            return _contains(left, right_raw)
        # matches
        if left.type.kind not in ("string", "enum", "date", "any"):
            self._error(at, f"'matches' needs a string, but {left.text} is a {left.type.kind}")
            return None
        pattern = str(right_raw)
        if len(pattern) > MAX_REGEX_LENGTH:
            self._error((*at, op), f"regular expression longer than {MAX_REGEX_LENGTH} characters")
            return None
        if _NESTED_QUANTIFIER.search(pattern) or _has_nested_repeat(pattern):
            self._error(
                (*at, op),
                "regular expression with nested quantifiers can backtrack catastrophically; simplify it",
            )
            return None
        try:
            regex = re.compile(pattern)
        except re.error as e:
            self._error((*at, op), f"invalid regular expression {pattern!r}: {e}")
            return None
        return _matches(left, regex)

    def _comparable(self, op: str, left: _Expr, right: _Expr, at: PathKey) -> bool:
        lk, rk = left.type, right.type
        if "any" in (lk.kind, rk.kind):
            return True
        if op in ("lt", "lte", "gt", "gte"):
            if lk.is_number and rk.is_number:
                return True
            if lk.kind == "date" and rk.kind in ("date", "string"):
                return True
            self._error(
                (*at, op),
                f"'{op}' compares numbers or dates, but {left.text} is a {lk.kind} and {right.text} is a {rk.kind}",
            )
            return False
        if lk.is_number and rk.is_number:
            return True
        if lk.kind == "enum" and rk.kind in ("string", "enum", "boolean", "number", "integer"):
            return self._enum_fits(lk, right, at, op)
        if rk.kind == "enum" and lk.kind in ("string", "enum"):
            return self._enum_fits(rk, left, at, op)
        if {lk.kind, rk.kind} <= {"string", "date"} or lk.kind == rk.kind:
            return True
        self._error(
            (*at, op), f"'{op}' compares {left.text} (a {lk.kind}) with {right.text} (a {rk.kind})"
        )
        return False

    def _enum_fits(self, enum: FieldType, other: _Expr, at: PathKey, op: str) -> bool:
        literal = _literal_of(other)
        if literal is _NOT_LITERAL or literal in enum.values:
            return True
        choices = [str(v) for v in enum.values]
        self._error(
            (*at, op),
            f"{format_value(literal)} is not one of the allowed values ({', '.join(choices)})"
            f"{self._suggest(str(literal), choices)}",
        )
        return False

    def _literal_fits(self, left: _Expr, value: object, at: PathKey) -> None:
        kind = left.type
        if kind.kind == "enum":
            if value not in kind.values:
                choices = [str(v) for v in kind.values]
                self._error(
                    at,
                    f"{format_value(value)} is not one of the allowed values of {left.text} "
                    f"({', '.join(choices)}){self._suggest(str(value), choices)}",
                )
        elif kind.is_number and not _is_number(value):
            self._error(at, f"{left.text} is a number, but {format_value(value)} is not")
        elif kind.kind in ("string", "date") and not isinstance(value, str):
            self._error(at, f"{left.text} is a string, but {format_value(value)} is not")
        elif kind.kind == "boolean" and not isinstance(value, bool):
            self._error(at, f"{left.text} is a boolean, but {format_value(value)} is not")

    # -- expressions -------------------------------------------------------------------------
    def _path_expr(
        self,
        raw: object,
        at: PathKey,
        scope: FieldType | None,
        owner: Mapping[str, object] | None = None,
        owner_at: PathKey = (),
    ) -> _Expr | None:
        """A path's value; `owner` is the mapping holding it, which may give a `default`."""
        if not isinstance(raw, str):
            self._error(at, "expected a path")
            return None
        kind = self._type_of(raw, scope, at)
        if kind is None:
            return None
        get = self._defaulted(_getter(raw), owner or {}, owner_at, kind, raw)
        if get is None:
            return None
        text = (
            raw
            if owner is None or "default" not in owner
            else (f"{raw} (missing counts as {format_value(owner['default'])})")
        )
        return _Expr(get, kind, text, (raw,))

    def _defaulted(
        self, get: ExprFn, owner: Mapping[str, object], at: PathKey, kind: FieldType, path: str
    ) -> ExprFn | None:
        """`get`, or a getter that gives the owner's `default` where the value is missing."""
        if "default" not in owner:
            return get
        default = owner["default"]
        where = (*at, "default")
        before = len(self.diagnostics)
        if kind.kind == "array":
            if not isinstance(default, list):
                self._error(
                    where, f"the default of a list must be a list, found {format_value(default)}"
                )
            elif kind.items is not None:
                probe = _Expr(get, kind.items, f"an item of {path}", ())
                for i, value in enumerate(default):
                    self._literal_fits(probe, value, (*where, i))
        elif isinstance(default, list):
            self._error(where, f"a list cannot be the default of a {kind.kind}")
        else:
            self._literal_fits(_Expr(get, kind, path, ()), default, where)
        if len(self.diagnostics) > before:
            return None

        def get_or_default(facts: Facts, item: object) -> Value:
            value = get(facts, item)
            return default if value is None else value

        return get_or_default

    def _expr(self, raw: object, at: PathKey, scope: FieldType | None) -> _Expr | None:
        if isinstance(raw, bool):
            return _Expr(_constant(raw), FieldType("boolean"), format_value(raw), ())
        if isinstance(raw, (int, float)):
            return _Expr(_constant(raw), NUMBER, format_value(raw), ())
        if isinstance(raw, str):
            return _Expr(_constant(raw), FieldType("string"), format_value(raw), ())
        if not isinstance(raw, Mapping) or not raw:
            self._error(at, "expected a literal or an expression")
            return None
        keys = [k for k in raw if k not in ("where", "default")]
        if len(keys) != 1:
            self._error(
                at, f"an expression takes exactly one operator, found {', '.join(keys) or 'none'}"
            )
            return None
        op = keys[0]
        if "where" in raw and op not in ("count", "ratio"):
            self._error((*at, "where"), f"'where' does not go with '{op}'")
            return None
        if "default" in raw and op not in ("path", "count", "ratio"):
            self._error((*at, "default"), f"'default' does not go with '{op}'")
            return None
        if op == "path":
            return self._path_expr(raw["path"], (*at, "path"), scope, raw, at)
        if op == "count_true":
            return self._count_true(raw["count_true"], (*at, "count_true"), scope)
        if op == "param":
            return self._param(raw["param"], (*at, "param"))
        if op in ("count", "ratio"):
            return self._count(op, raw, at, scope)
        if op in ("add", "sub", "mul", "div", "min", "max"):
            return self._arithmetic(op, raw[op], (*at, op), scope)
        self._error((*at, op), f"unknown expression operator '{op}'")
        return None

    def _param(self, name: object, at: PathKey) -> _Expr | None:
        if not isinstance(name, str) or name not in self.parameters:
            self._error(
                at, f"unknown parameter '{name}'{self._suggest(str(name), list(self.parameters))}"
            )
            return None
        param = self.parameters[name]
        value = param.value
        kind = FieldType("number" if param.type == "integer" else param.type)
        return _Expr(_constant(value), kind, f"{format_value(value)} ({name})", ())

    def _count(
        self, op: str, raw: Mapping[str, object], at: PathKey, scope: FieldType | None
    ) -> _Expr | None:
        item_type = self._list_path(raw[op], (*at, op), scope)
        if item_type is None:
            return None
        path = str(raw[op])
        get = self._defaulted(_getter(path), raw, at, FieldType("array", items=item_type), path)
        if get is None:
            return None
        where = None
        if "where" in raw:
            inner = self._condition(raw["where"], (*at, "where"), item_type)
            if inner is None:
                return None
            where = inner.fn
            text = f"{op} of {path} where {inner.text}"
        else:
            if op == "ratio":
                self._error(at, "'ratio' needs a 'where' condition")
                return None
            text = f"number of {path}"
        is_ratio = op == "ratio"

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

        return _Expr(count, NUMBER, text, (path,))

    def _count_true(self, raw: object, at: PathKey, scope: FieldType | None) -> _Expr | None:
        if not isinstance(raw, list) or not raw:
            self._error(at, "'count_true' takes a non-empty list of conditions")
            return None
        parts = [self._condition(item, (*at, i), scope) for i, item in enumerate(raw)]
        compiled = [p for p in parts if p is not None]
        if len(compiled) != len(parts):
            return None
        fns = tuple(p.fn for p in compiled)

        def count_true(facts: Facts, item: object) -> Value:
            total = 0
            for fn in fns:
                value = fn(facts, item, None)
                if value is None:
                    return None
                total += value
            return total

        text = f"number true of ({'; '.join(p.text for p in compiled)})"
        paths = tuple(dict.fromkeys(x for p in compiled for x in p.paths))
        return _Expr(count_true, NUMBER, text, paths)

    def _arithmetic(
        self, op: str, raw: object, at: PathKey, scope: FieldType | None
    ) -> _Expr | None:
        if not isinstance(raw, list) or len(raw) < 2:
            self._error(at, f"'{op}' takes a list of at least two expressions")
            return None
        parts = [self._expr(x, (*at, i), scope) for i, x in enumerate(raw)]
        operands = [p for p in parts if p is not None]
        if len(operands) != len(parts):
            return None
        for i, p in enumerate(operands):
            if not (p.type.is_number or p.type.kind == "any"):
                self._error((*at, i), f"'{op}' needs numbers, but {p.text} is a {p.type.kind}")
                return None
        fns = tuple(p.fn for p in operands)
        symbol = {"add": " + ", "sub": " − ", "mul": " × ", "div": " / "}.get(op)
        text = (
            f"({symbol.join(p.text for p in operands)})"
            if symbol
            else f"{op}({', '.join(p.text for p in operands)})"
        )
        paths = tuple(x for p in operands for x in p.paths)

        def compute(facts: Facts, item: object) -> Value:
            values = [fn(facts, item) for fn in fns]
            if not all(_is_number(v) for v in values):
                return None
            numbers: list[float] = [float(v) for v in values]  # type: ignore[arg-type]
            if op == "add":
                result = math.fsum(numbers)
            elif op == "sub":
                result = numbers[0] - numbers[1]
            elif op == "mul":
                result = math.prod(numbers)
            elif op == "div":
                if numbers[1] == 0:
                    return None
                result = numbers[0] / numbers[1]
            elif op == "min":
                result = min(numbers)
            else:
                result = max(numbers)
            return result if math.isfinite(result) else None

        return _Expr(compute, NUMBER, text, paths)


_NOT_LITERAL = object()


def _has_nested_repeat(pattern: str) -> bool:
    """Whether a repeated part holds another repeat, however deeply grouped (`((a+)b)*`).

    Such patterns can backtrack exponentially on a string that almost matches, and Python's `re`
    has no timeout, so rule sets may not use them.
    """
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return False  # re.compile reports it
    return _repeat_inside(list(parsed), inside=False)


def _repeat_inside(items: list[Any], *, inside: bool) -> bool:
    for op, argument in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, body = argument
            many = high > 1
            if (inside and many) or _repeat_inside(list(body), inside=inside or many):
                return True
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            body = argument[-1] if name == "SUBPATTERN" else argument
            if _repeat_inside(list(body), inside=inside):
                return True
        elif name == "BRANCH":
            if any(_repeat_inside(list(branch), inside=inside) for branch in argument[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT") and _repeat_inside(list(argument[1]), inside=inside):
            return True
    return False


def _literal_of(expr: _Expr) -> object:
    if expr.paths or expr.text.endswith(")"):
        return _NOT_LITERAL
    return expr.fn({}, None)


def _item_label(path: str, index: int, element: object) -> str:
    if isinstance(element, Mapping):
        name = element.get("id") or element.get("name")
        if name is not None:
            return f"{path}[{index}] ({name})"
    return f"{path}[{index}]"


def _negate(inner: CompiledCondition) -> CompiledCondition:
    fn = inner.fn

    def negated(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
        inner_trace: list[TraceEntry] | None = [] if trace is not None else None
        value = fn(facts, item, inner_trace)
        result = None if value is None else not value
        if trace is not None and inner_trace is not None:
            trace.extend(
                TraceEntry(None if e.result is None else not e.result, f"not: {e.text}", e.paths)
                for e in inner_trace
            )
        return result

    return CompiledCondition(f"not({inner.text})", negated, inner.paths)


_ORDER: dict[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,  # type: ignore[operator]
    "lte": lambda a, b: a <= b,  # type: ignore[operator]
    "gt": lambda a, b: a > b,  # type: ignore[operator]
    "gte": lambda a, b: a >= b,  # type: ignore[operator]
}


def _same_kind(a: object, b: object) -> bool:
    if _is_number(a):
        return _is_number(b)
    return type(a) is type(b)


def _compare(op: str, left: _Expr, right: _Expr) -> CompiledCondition:
    lf, rf, test, symbol = left.fn, right.fn, _ORDER[op], COMPARISONS[op]
    ltext, rtext = left.text, right.text
    paths = left.paths + right.paths

    def compare(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
        a, b = lf(facts, item), rf(facts, item)
        if a is None or b is None or not _same_kind(a, b):
            if trace is not None:
                missing = (
                    ltext if a is None else rtext if b is None else f"{ltext} (type does not fit)"
                )
                trace.append(TraceEntry(None, f"{missing} is missing", paths))
            return None
        result = test(a, b)
        if trace is not None:
            shown = f"{format_value(b)} ({rtext})" if right.paths else rtext
            if result and op == "eq" and not right.paths:
                trace.append(TraceEntry(True, f"{ltext} = {format_value(a)}", paths))
            elif result:
                trace.append(
                    TraceEntry(True, f"{ltext} = {format_value(a)} {symbol} {shown}", paths)
                )
            else:
                trace.append(
                    TraceEntry(
                        False, f"{ltext} = {format_value(a)}, expected {symbol} {shown}", paths
                    )
                )
        return result

    return CompiledCondition(f"{ltext} {symbol} {rtext}", compare, paths)


def _membership(op: str, left: _Expr, values: tuple[object, ...]) -> CompiledCondition:
    lf, ltext, negate = left.fn, left.text, op == "not_in"
    shown_values = ", ".join(format_value(v) for v in values)
    word = "not in" if negate else "in"

    def member(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
        a = lf(facts, item)
        if a is None:
            if trace is not None:
                trace.append(TraceEntry(None, f"{ltext} is missing", left.paths))
            return None
        result = (a in values) != negate
        if trace is not None:
            expected = "" if result else "expected "
            trace.append(
                TraceEntry(
                    result,
                    f"{ltext} = {format_value(a)}, {expected}{word} [{shown_values}]",
                    left.paths,
                )
            )
        return result

    return CompiledCondition(f"{ltext} {word} [{shown_values}]", member, left.paths)


def _contains(left: _Expr, value: object) -> CompiledCondition:
    lf, ltext = left.fn, left.text

    def contains(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
        a = lf(facts, item)
        if not isinstance(a, list):
            if trace is not None:
                trace.append(TraceEntry(None, f"{ltext} is missing", left.paths))
            return None
        result = value in a
        if trace is not None:
            verb = "includes" if result else "does not include"
            trace.append(
                TraceEntry(
                    result, f"{ltext} = {format_value(a)} {verb} {format_value(value)}", left.paths
                )
            )
        return result

    return CompiledCondition(f"{ltext} includes {format_value(value)}", contains, left.paths)


def _matches(left: _Expr, regex: re.Pattern[str]) -> CompiledCondition:
    lf, ltext = left.fn, left.text

    def matches(facts: Facts, item: object, trace: list[TraceEntry] | None) -> bool | None:
        a = lf(facts, item)
        if not isinstance(a, str):
            if trace is not None:
                trace.append(TraceEntry(None, f"{ltext} is missing", left.paths))
            return None
        result = regex.fullmatch(a) is not None
        if trace is not None:
            verb = "matches" if result else "does not match"
            trace.append(
                TraceEntry(
                    result, f"{ltext} = {format_value(a)} {verb} /{regex.pattern}/", left.paths
                )
            )
        return result

    return CompiledCondition(f"{ltext} matches /{regex.pattern}/", matches, left.paths)
