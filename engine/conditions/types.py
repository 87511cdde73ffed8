"""The evidence vocabulary as a type tree, read from `$defs/facts` of the evidence schema.

Each field has a kind (what conditions may do with it) and what plain wording needs: its `title`
("PAR30", "women's share of management positions"), the unit its values read in (from the shared
definitions it refers to: `share` and `rate` read as percentages, `amount` with thousands
separators, `count` as whole numbers; or from `x-unit`), and for enums the words of each value
(`x-words`, else the value with spaces for underscores); a yes/no field of a list item may say how
each answer reads after the item's name (`x-words: {true: ..., false: ...}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# How values of a shared definition read; `x-unit` on a field says it where no definition does.
UNIT_OF_DEFINITION = {"share": "percent", "rate": "percent", "amount": "amount", "count": "count"}


@dataclass(frozen=True, slots=True)
class FieldType:
    """The type of one evidence field, read from the evidence schema."""

    kind: str  # object, array, number, integer, string, date, boolean, enum, any
    fields: Mapping[str, FieldType] = field(default_factory=dict)
    items: FieldType | None = None
    values: tuple[object, ...] = ()
    # How it reads, not what it is: left out of comparisons, so two fields of one shape are equal
    # whatever their titles.
    title: str = field(default="", compare=False)  # a short label for plain wording
    unit: str = field(default="", compare=False)  # percent, amount, count, days, months, year
    words: Mapping[str, str] = field(default_factory=dict, compare=False)  # value -> its words
    # For a field of a list item: "kind" says what the item is (a product's `type`), "adjective"
    # a boolean whose one-word title describes it ("compulsory insurance").
    role: str = field(default="", compare=False)

    @property
    def is_number(self) -> bool:
        """Numbers and integers compare with each other."""
        return self.kind in ("number", "integer")


ANY = FieldType("any")
NUMBER = FieldType("number")


def fact_types(evidence_schema: Mapping[str, Any]) -> FieldType:
    """Build the type tree of `facts` from the evidence schema (a bundled, trusted file)."""
    defs: Mapping[str, Any] = evidence_schema["$defs"]

    def build(schema: Mapping[str, Any], *, in_item: bool = False, name: str = "") -> FieldType:
        title = str(schema.get("title", ""))
        unit = str(schema.get("x-unit", ""))
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = ref.rsplit("/", 1)[-1]
            if target == "date":
                return FieldType("date", title=title)
            inner = build(defs[target], in_item=in_item, name=name)
            return _with(
                inner, title or inner.title, unit or UNIT_OF_DEFINITION.get(target, inner.unit)
            )
        if "enum" in schema:
            words = {str(k): str(v) for k, v in schema.get("x-words", {}).items()}
            role = "kind" if in_item and name == "type" else ""
            return FieldType(
                "enum", values=tuple(schema["enum"]), title=title, words=words, role=role
            )
        kind = schema.get("type")
        if kind == "object":
            fields = {
                k: build(v, in_item=in_item, name=k)
                for k, v in schema.get("properties", {}).items()
            }
            return FieldType("object", fields=fields, title=title, unit=unit)
        if kind == "array":
            items = build(schema.get("items", {}), in_item=True)
            return FieldType("array", items=items, title=title, unit=unit)
        if not isinstance(kind, str):
            return FieldType("any", title=title)
        one_word = bool(title) and " " not in title
        role = "adjective" if in_item and kind == "boolean" and one_word else ""
        words = {str(k): str(v) for k, v in schema.get("x-words", {}).items()}
        return FieldType(kind, title=title, unit=unit, words=words, role=role)

    return build(defs["facts"])


def _with(base: FieldType, title: str, unit: str) -> FieldType:
    return FieldType(
        base.kind, base.fields, base.items, base.values, title, unit, base.words, base.role
    )


def all_paths(root: FieldType, prefix: str = "") -> list[str]:
    """Every dotted path of the tree, for suggestions."""
    found: list[str] = []
    for name, sub in root.fields.items():
        path = f"{prefix}{name}"
        found.append(path)
        if sub.kind == "object":
            found.extend(all_paths(sub, path + "."))
    return found
