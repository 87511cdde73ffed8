"""A quick yes or no from a bundled JSON Schema, without jsonschema.

jsonschema takes 16 ms to check one evidence file and 50 ms to import, and an auditor editing an
evidence file, or a batch screening new files, pays both every time. `compile_schema` turns a
schema that uses only the keywords below (all the evidence schema uses) into nested Python checks
that say whether data is valid, twenty times faster. The answer True is exact: it is given only
when jsonschema (Draft 2020-12, formats not checked) finds no error. False means "ask
jsonschema": `engine.schemacheck` then runs it for the diagnostics, and a case the checks do not
settle (a NaN in a list that must hold unique items) answers False. A schema with any other
validation keyword, or a `$ref` outside its own document, is not compiled (None): jsonschema
checks all of it. tests/test_schemaquick.py holds the two to the same answers keyword by keyword,
on the examples and on thousands of altered documents.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

Check = Callable[[Any], bool]
Lookup = Callable[[str], Mapping[str, Any] | None]

# Keywords that only annotate (no effect on validity), besides any `x-` extension of ours.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
    }
)
_TYPES: Mapping[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "number": lambda x: isinstance(x, numbers.Number) and not isinstance(x, bool),
    # JSON Schema since draft 6: 2.0 is an integer, True is not
    "integer": lambda x: (
        not isinstance(x, bool)
        and (isinstance(x, int) or (isinstance(x, float) and x.is_integer()))
    ),
}


class _Unsupported(Exception):
    """The schema uses what this module does not check: leave it all to jsonschema."""


class _Undecided(Exception):
    """This data is a case the checks do not settle: ask jsonschema."""


def compile_schema(
    root: Mapping[str, Any], pointer: str = "", others: Lookup = lambda _: None
) -> Check | None:
    """A check of data against `root` (or its part at the JSON pointer `pointer`, `#/$defs/x`).

    `others(uri)` gives the schema whose `$id` is `uri`, for a `$ref` into another document (or
    None). None when the schema uses a keyword or reference this module does not implement.
    """
    compiler = _Compiler(root, others)
    try:
        check = compiler.reference(pointer or "#", str(root.get("$id", "")))
    except _Unsupported:
        return None

    def valid(data: Any) -> bool:
        try:
            return check(data)
        except (_Undecided, RecursionError):
            return False  # jsonschema says

    return valid


def same(a: object, b: object) -> bool:
    """JSON equality, as JSON Schema's enum, const and uniqueItems use it.

    Texts equal as texts; lists item by item, objects key by key; a boolean equals only itself
    (True is not 1), and numbers by value (1 equals 1.0).
    """
    if a is b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    if isinstance(a, bool) or isinstance(b, bool):
        return False  # the same boolean was `a is b`
    return bool(a == b)


def _unique(items: list[Any]) -> bool:
    """Whether no two items are the same; undecided for a list with a float NaN.

    jsonschema sorts the items first, and a NaN among numbers can hide two equal ones there.
    """
    if all(isinstance(x, str) for x in items):
        return len(set(items)) == len(items)
    if any(isinstance(x, float) and x != x for x in items):
        raise _Undecided
    return all(not same(a, b) for i, a in enumerate(items) for b in items[i + 1 :])


class _Compiler:
    def __init__(self, root: Mapping[str, Any], others: Lookup) -> None:
        self.documents = {str(root.get("$id", "")): root}
        self.roots = {id(root)}
        self.others = others
        self.base = ""  # the `$id` of the document being compiled: its references are relative
        self.references: dict[str, Check | None] = {}  # URI → its check (None: being built)

    def reference(self, ref: str, base: str | None = None) -> Check:
        """The check of a `$ref`: `#/...` in this document, `other.schema.json#/...` in another."""
        address, _, fragment = urljoin(self.base if base is None else base, ref).partition("#")
        if fragment and not fragment.startswith("/"):
            raise _Unsupported(f"$ref {ref}")
        if address not in self.documents:
            found = self.others(address) if address else None
            if found is None or found.get("$id") != address:
                raise _Unsupported(f"$ref {ref}")
            self.documents[address] = found
            self.roots.add(id(found))
        uri = f"{address}#{fragment}"
        if uri not in self.references:
            self.references[uri] = None  # a reference back to it while it is built
            outer, self.base = self.base, address
            try:
                self.references[uri] = self.schema(_resolve(self.documents[address], fragment))
            finally:
                self.base = outer
        built = self.references[uri]
        if built is not None:
            return built
        references = self.references

        def later(x: Any) -> bool:  # a recursive reference: looked up when checked
            check = references[uri]
            return check is not None and check(x)

        return later

    def schema(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, Mapping):
            raise _Unsupported("a schema that is not an object or a boolean")
        if "$id" in schema and id(schema) not in self.roots:
            raise _Unsupported("$id below the root")
        for key in schema:
            if key not in _KNOWN and key not in _ANNOTATIONS and not key.startswith("x-"):
                raise _Unsupported(key)
        checks = [build(self, schema) for keys, build in _BUILDERS if not keys.isdisjoint(schema)]
        return _all(checks)


def _resolve(document: Mapping[str, Any], fragment: str) -> Any:
    node: Any = document
    for token in fragment.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise _Unsupported(f"unresolvable $ref #{fragment}")
    return node


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def every(x: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop: a generator costs more than most checks
            if not check(x):
                return False
        return True

    return every


def _always(_: Any) -> bool:
    return True


def _never(_: Any) -> bool:
    return False


# -- keywords: each builder makes one check from the schema holding its keywords ------------------
def _type(_: _Compiler, schema: Mapping[str, Any]) -> Check:
    names = schema["type"]
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or any(n not in _TYPES for n in names):
        raise _Unsupported(f"type {names!r}")
    tests = [_TYPES[n] for n in names]
    if len(tests) == 1:
        return tests[0]
    return lambda x: any(test(x) for test in tests)


def _enum(_: _Compiler, schema: Mapping[str, Any]) -> Check:
    values = schema["enum"]
    if not isinstance(values, list):
        raise _Unsupported("enum that is not a list")
    if all(isinstance(v, str) for v in values):
        texts = frozenset(values)
        return lambda x: isinstance(x, str) and x in texts
    return lambda x: any(same(v, x) for v in values)


def _const(_: _Compiler, schema: Mapping[str, Any]) -> Check:
    value = schema["const"]
    return lambda x: same(value, x)


def _not(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    inner = c.schema(schema["not"])
    return lambda x: not inner(x)


def _any_of(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    options = [c.schema(option) for option in schema["anyOf"]]
    return lambda x: any(option(x) for option in options)


def _all_of(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    return _all([c.schema(part) for part in schema["allOf"]])


def _one_of(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    options = [c.schema(option) for option in schema["oneOf"]]
    return lambda x: sum(1 for option in options if option(x)) == 1


def _ref(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    return c.reference(str(schema["$ref"]))


def _numeric(_: _Compiler, schema: Mapping[str, Any]) -> Check:
    """minimum, maximum, exclusiveMinimum and exclusiveMaximum, in one check of numbers."""
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    is_number = _TYPES["number"]

    def numeric(x: Any) -> bool:
        if not is_number(x):
            return True
        if low is not None and x < low:
            return False
        if high is not None and x > high:
            return False
        if above is not None and x <= above:
            return False
        return below is None or x < below

    return numeric


def _size_fits(size: int, low: Any, high: Any) -> bool:
    """Whether a length or count is within the bounds a schema gives (None: no bound)."""
    return (low is None or size >= low) and (high is None or size <= high)


def _string(_: _Compiler, schema: Mapping[str, Any]) -> Check:
    """minLength, maxLength and pattern, in one check of strings."""
    low, high = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None

    def string(x: Any) -> bool:
        if not isinstance(x, str):
            return True
        if not _size_fits(len(x), low, high):
            return False
        return pattern is None or pattern.search(x) is not None

    return string


def _array(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    """items, minItems, maxItems, uniqueItems and contains, in one check of lists."""
    item = c.schema(schema["items"]) if "items" in schema else None
    contains = c.schema(schema["contains"]) if "contains" in schema else None
    low, high = schema.get("minItems"), schema.get("maxItems")
    unique = schema.get("uniqueItems") is True

    def array(x: Any) -> bool:
        if not isinstance(x, list):
            return True
        if not _size_fits(len(x), low, high):
            return False
        if item is not None:
            for each in x:
                if not item(each):
                    return False
        if contains is not None and not any(contains(each) for each in x):
            return False
        return not unique or _unique(x)

    return array


def _object(c: _Compiler, schema: Mapping[str, Any]) -> Check:
    """properties, additionalProperties, required, propertyNames, min/maxProperties: one check."""
    properties = {k: c.schema(v) for k, v in schema.get("properties", {}).items()}
    extra = c.schema(schema["additionalProperties"]) if "additionalProperties" in schema else None
    names = c.schema(schema["propertyNames"]) if "propertyNames" in schema else None
    required = tuple(schema.get("required", ()))
    least, most = schema.get("minProperties"), schema.get("maxProperties")

    def object_(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for key in required:
            if key not in x:
                return False
        if not _size_fits(len(x), least, most):
            return False
        for key, value in x.items():
            known = properties.get(key)
            if known is not None:
                if not known(value):
                    return False
            elif extra is not None and not extra(value):
                return False
            if names is not None and not names(key):
                return False
        return True

    return object_


# Each builder and the keywords it reads: one check per group of keywords found in a schema.
_BUILDERS: tuple[tuple[frozenset[str], Callable[[_Compiler, Mapping[str, Any]], Check]], ...] = (
    (frozenset({"type"}), _type),
    (frozenset({"enum"}), _enum),
    (frozenset({"const"}), _const),
    (frozenset({"not"}), _not),
    (frozenset({"$ref"}), _ref),
    (frozenset({"anyOf"}), _any_of),
    (frozenset({"allOf"}), _all_of),
    (frozenset({"oneOf"}), _one_of),
    (frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}), _numeric),
    (frozenset({"minLength", "maxLength", "pattern"}), _string),
    (frozenset({"items", "minItems", "maxItems", "uniqueItems", "contains"}), _array),
    (
        frozenset(
            {
                "properties",
                "additionalProperties",
                "required",
                "propertyNames",
                "minProperties",
                "maxProperties",
            }
        ),
        _object,
    ),
)
_KNOWN = frozenset().union(*(keys for keys, _ in _BUILDERS))
