"""Reading values out of the facts, and showing them in the machine trace."""

from __future__ import annotations

from collections.abc import Callable, Mapping

Facts = Mapping[str, object]
Value = object
ExprFn = Callable[[Facts, object], Value]


def getter(path: str) -> ExprFn:
    """A function reading `path` from the facts, or from the list item for `@` and `@.x`."""
    if path == "@":
        return lambda facts, item: item
    in_item = path.startswith("@.")
    parts = tuple((path[2:] if in_item else path).split("."))

    def get(facts: Facts, item: object) -> Value:
        current: object = item if in_item else facts
        for part in parts:
            if type(current) is dict or isinstance(current, Mapping):  # dict first: ABC checks cost
                current = current.get(part)
            else:
                return None
        return current

    return get


def constant(value: object) -> ExprFn:
    """A function giving `value` whatever the facts."""

    def constant(facts: Facts, item: object) -> Value:
        return value

    return constant


def is_number(value: object) -> bool:
    """Numbers, not booleans."""
    kind = type(value)
    if kind is int or kind is float:
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_kind(a: object, b: object) -> bool:
    """Whether two values can be compared at run time (numbers with numbers, else one type)."""
    if is_number(a):
        return is_number(b)
    return type(a) is type(b)


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
