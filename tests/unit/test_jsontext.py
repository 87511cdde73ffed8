"""The fast indented JSON writer gives the bytes of json.dumps(indent=2, sort_keys=True)."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.output import indented_json, json_bytes


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def reference(data: object) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)


# the kinds a result record holds: nested dicts with text keys, lists, text of any script
# (escapes, control characters, lone surrogates), exact integers of any size, finite floats,
# booleans, null; enums of str and int as the model's statuses are
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(
        ["\ud800 lone", '"quoted\\', "\x00\x1f\x7f", "\u2028\u2029", "日本 \U0001f600"]
    )
    | st.sampled_from([Colour.RED, Level.HIGH])
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=60,
)


@settings(max_examples=300)
@given(DATA)
def test_same_text_as_json_dumps(data: Any) -> None:
    assert indented_json(data) == reference(data)


@given(
    st.dictionaries(st.integers(), st.integers(), max_size=4)
    | st.dictionaries(st.floats(allow_nan=False, allow_infinity=False), st.none(), max_size=4)
    | st.dictionaries(st.booleans(), st.text(max_size=3), max_size=2)
)
def test_keys_that_are_not_text_are_written_as_json_dumps_writes_them(data: Any) -> None:
    assert indented_json({"k": data}) == reference({"k": data})


def test_other_indents_and_the_file_form() -> None:
    data = {"b": [1, {"c": []}], "a": {}, "é": "ü\n\u2028"}
    assert indented_json(data, indent=4) == json.dumps(
        data, sort_keys=True, indent=4, ensure_ascii=False
    )
    assert json_bytes(data) == (reference(data) + "\n").encode("utf-8")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_values_out_of_json_are_refused_as_json_dumps_refuses_them(value: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        reference([value])
    with pytest.raises(ValueError, match="not JSON compliant"):
        indented_json({"a": [value]})


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes"])
def test_what_json_cannot_hold_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        indented_json({"a": value})
    with pytest.raises(TypeError):
        indented_json({("tuple", "key"): 1})


def test_dicts_with_equal_keys_of_other_types_are_each_written_as_json_dumps_writes_them() -> None:
    """The writer keeps a plan per indent and keys: 1, 1.0 and True are equal keys to a dict."""
    data = [
        {1: "a"},
        {True: "b"},
        {1.0: "c"},
        {"1": "d"},
        {None: "e"},
        {"null": "f"},
        {Colour.RED: 1},
        {"red": 2},
        {"b": 1, "a": 2},
        {"a": 3, "b": 4},
        [{"b": {"a": 1}, "a": [{"b": 2, "a": 1}]}],
    ]
    assert indented_json(data) == reference(data)
    assert indented_json(data[::-1]) == reference(data[::-1])
