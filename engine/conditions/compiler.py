"""The condition compiler: YAML conditions → compiled, three-valued closures with a trace.

Conditions are compiled once, at validation, against the evidence vocabulary (the `facts` part of
the evidence schema), so an unknown path, an operator used on the wrong type or an enum value that
does not exist is a diagnostic with a position. Which operator a mapping holds is looked up in the
operator table (`engine.conditions.operators`), whose entries build the closures.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping, Sequence
from typing import Any, cast

from engine.conditions.compiled import CompiledCondition, Expr, Leaf, literal
from engine.conditions.operators import CONDITIONS, EXPRESSION_KEYS, EXPRESSIONS
from engine.conditions.types import NUMBER, FieldType, all_paths
from engine.conditions.values import ExprFn, Facts, Value, format_value, getter, is_number
from engine.conditions.words import path_noun
from engine.errors import Diagnostic, did_you_mean
from engine.model import Parameter
from engine.yamlsource import PathKey, YamlDocument

Scope = FieldType | None  # the item type inside some, every, count and ratio

# NOTE: a compiled condition depends only on the facts' types, the condition's content and the
# parameters it reads (its position only places diagnostics, and one with diagnostics is not
# kept), and it holds no state: one compiled once serves every identical condition of the process
# (460 distinct of the 718 in the bundled rule sets; copies of a rule set share all of theirs),
# and so does every identical part of a junction (all, any, not) outside a list item's scope.
# Keyed by the facts and marshal's bytes of the condition, which tell True from 1 and 1.0 from 1
# (equal in Python, not in the words a trace shows); each entry lists the parameters it read.
_Used = tuple[tuple[str, tuple[object, ...] | None], ...]
_COMPILED: dict[tuple[int, bytes], list[tuple[_Used, CompiledCondition]]] = {}
_COMPILED_LIMIT = 50_000  # a bound for long-lived processes that load many rule sets
_FACTS: dict[int, FieldType] = {}


def _parameter_key(parameter: Parameter | None) -> tuple[object, ...] | None:
    """What of a parameter a compiled condition may depend on, its value's type included."""
    if parameter is None:
        return None
    value = parameter.value
    return (parameter.type, type(value).__name__, value, parameter.description)


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
        self._used: list[tuple[str, Parameter | None]] = []  # parameters read by this compile

    def compile(self, raw: object, at: PathKey) -> CompiledCondition | None:
        """Compile a condition found at `at` in the document; None if it has errors."""
        before = len(self.diagnostics)
        self._used = []
        result = self.condition(raw, at, None)
        if result is None or len(self.diagnostics) > before:
            return None
        return result

    def _content_key(self, raw: object) -> tuple[int, bytes] | None:
        """The key of `_COMPILED` for a condition; None (no reuse) for what marshal cannot write."""
        try:
            content = marshal.dumps(cast(Any, raw), 2)  # YAML's plain data, else ValueError
        except ValueError:
            return None
        _FACTS.setdefault(id(self.facts), self.facts)  # held, so that its id is never reused
        return id(self.facts), content

    # -- dispatch ------------------------------------------------------------------------------
    def condition(self, raw: object, at: PathKey, scope: Scope) -> CompiledCondition | None:
        """A condition: a mapping with exactly one condition operator and the keys it takes.

        Outside a list item's scope, one compiled cleanly before from the same content, with the
        same parameters, is taken again (see `_COMPILED`).
        """
        key = self._content_key(raw) if scope is None else None
        if key is not None:
            for used, known in _COMPILED.get(key, ()):
                if all(_parameter_key(self.parameters.get(n)) == p for n, p in used):
                    self._used.extend((n, self.parameters.get(n)) for n, _ in used)
                    return known
        before, reads = len(self.diagnostics), len(self._used)
        result = self._condition(raw, at, scope)
        if key is not None and result is not None and len(self.diagnostics) == before:
            if len(_COMPILED) >= _COMPILED_LIMIT:
                _COMPILED.clear()
            used = tuple((n, _parameter_key(p)) for n, p in self._used[reads:])
            _COMPILED.setdefault(key, []).append((used, result))
        return result

    def _condition(self, raw: object, at: PathKey, scope: Scope) -> CompiledCondition | None:
        if not isinstance(raw, Mapping):
            self.error(at, "a condition must be a mapping")
            return None
        ops = [k for k in raw if k in CONDITIONS]
        if len(ops) != 1:
            if not ops:
                self.error(at, "a condition needs one operator: " + ", ".join(CONDITIONS))
            else:
                self.error(at, f"a condition takes exactly one operator, found {', '.join(ops)}")
            return None
        op = CONDITIONS[ops[0]]
        extra = [k for k in raw if k != op.name and k not in op.keys]
        if extra:
            self.error((*at, extra[0]), f"'{extra[0]}' does not go with '{op.name}'")
            return None
        return op.build(self, op, raw, at, scope)

    def expression(self, raw: object, at: PathKey, scope: Scope) -> Expr | None:
        """An expression: a literal, or a mapping with one expression operator."""
        if isinstance(raw, bool):
            return literal(raw, FieldType("boolean"))
        if isinstance(raw, (int, float)):
            return literal(raw, NUMBER)
        if isinstance(raw, str):
            return literal(raw, FieldType("string"))
        if not isinstance(raw, Mapping) or not raw:
            self.error(at, "expected a literal or an expression")
            return None
        keys = [str(k) for k in raw if k not in EXPRESSION_KEYS]
        if len(keys) != 1:
            self.error(
                at, f"an expression takes exactly one operator, found {', '.join(keys) or 'none'}"
            )
            return None
        name = keys[0]
        op = EXPRESSIONS.get(name)
        for key in EXPRESSION_KEYS:
            if key in raw and (op is None or key not in op.keys):
                self.error((*at, key), f"'{key}' does not go with '{name}'")
                return None
        if op is None:
            self.error((*at, name), f"unknown expression operator '{name}'")
            return None
        return op.build(self, op, raw, at, scope)

    # -- services for the operators -------------------------------------------------------------
    def error(self, at: PathKey, message: str) -> None:
        """Record a diagnostic at `at`."""
        self.diagnostics.append(
            Diagnostic(self.document.position_of(at), message, code="condition")
        )

    def parameter(self, name: str) -> Parameter | None:
        """The rule set's parameter `name`, or None; what a condition depends on besides itself."""
        found = self.parameters.get(name)
        self._used.append((name, found))
        return found

    def suggest(self, word: str, choices: Sequence[str]) -> str:
        """' (did you mean ...?)' or ''."""
        return did_you_mean(word, choices)

    def type_of(self, path: str, scope: Scope, at: PathKey) -> FieldType | None:
        """The type of an evidence path ('@.x' inside a list), or None with a diagnostic."""
        if path == "@" or path.startswith("@."):
            if scope is None:
                self.error(
                    at,
                    f"'{path}' refers to an item, but it is not inside some, every, count or ratio",
                )
                return None
            current, root, prefix = scope, scope, "@."
            names = [] if path == "@" else path[2:].split(".")
        else:
            current, root, prefix = self.facts, self.facts, ""
            names = path.split(".")
        for name in names:
            if current.kind != "object" or name not in current.fields:
                # the paths to suggest from are listed only for a path that is wrong
                known = [prefix + p for p in all_paths(root)] if root.kind == "object" else []
                self.error(at, f"unknown evidence path '{path}'{self.suggest(path, known)}")
                return None
            current = current.fields[name]
        return current

    def list_path(self, raw: object, at: PathKey, scope: Scope) -> FieldType | None:
        """The type of a path that must be a list (its `items` is the item type)."""
        if not isinstance(raw, str):
            self.error(at, "expected a path to a list")
            return None
        kind = self.type_of(raw, scope, at)
        if kind is None:
            return None
        if kind.kind != "array" or kind.items is None:
            self.error(
                at, f"'{raw}' is {'an' if kind.kind[0] in 'aeiou' else 'a'} {kind.kind}, not a list"
            )
            return None
        return kind

    def path_expr(
        self,
        raw: object,
        at: PathKey,
        scope: Scope,
        owner: Mapping[str, object] | None = None,
        owner_at: PathKey = (),
    ) -> Expr | None:
        """A path's value; `owner` is the mapping holding it, which may give a `default`."""
        if not isinstance(raw, str):
            self.error(at, "expected a path")
            return None
        kind = self.type_of(raw, scope, at)
        if kind is None:
            return None
        raw_get = getter(raw)
        get = self.defaulted(raw_get, owner or {}, owner_at, kind, raw)
        if get is None:
            return None
        has_default = owner is not None and "default" in owner
        text = (
            EXPRESSIONS["path"]
            .trace["default"]
            .format(path=raw, default=format_value(owner["default"]))
            if owner is not None and has_default
            else raw
        )
        words = path_noun(raw, kind)
        return Expr(
            get,
            kind,
            text,
            (raw,),
            noun=words,
            defaulted=has_default,
            leaves=(Leaf(raw, raw_get, words, kind),),
        )

    def defaulted(
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
                self.error(
                    where, f"the default of a list must be a list, found {format_value(default)}"
                )
            elif kind.items is not None:
                probe = Expr(get, kind.items, f"an item of {path}", ())
                for i, value in enumerate(default):
                    self.literal_fits(probe, value, (*where, i))
        elif isinstance(default, list):
            self.error(where, f"a list cannot be the default of a {kind.kind}")
        else:
            self.literal_fits(Expr(get, kind, path, ()), default, where)
        if len(self.diagnostics) > before:
            return None

        def get_or_default(facts: Facts, item: object) -> Value:
            value = get(facts, item)
            return default if value is None else value

        return get_or_default

    def literal_fits(self, left: Expr, value: object, at: PathKey) -> None:
        """Diagnose a literal that cannot be a value of `left` (wrong type, unknown enum value)."""
        kind = left.type
        if kind.kind == "enum":
            if value not in kind.values:
                choices = [str(v) for v in kind.values]
                self.error(
                    at,
                    f"{format_value(value)} is not one of the allowed values of {left.text} "
                    f"({', '.join(choices)}){self.suggest(str(value), choices)}",
                )
        elif kind.is_number and not is_number(value):
            self.error(at, f"{left.text} is a number, but {format_value(value)} is not")
        elif kind.kind in ("string", "date") and not isinstance(value, str):
            self.error(at, f"{left.text} is a string, but {format_value(value)} is not")
        elif kind.kind == "boolean" and not isinstance(value, bool):
            self.error(at, f"{left.text} is a boolean, but {format_value(value)} is not")
