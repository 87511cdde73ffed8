import pytest

from engine.errors import InvalidInputError
from engine.yamlsource import MAX_DEPTH, parse_yaml


def messages(text: str) -> list[str]:
    with pytest.raises(InvalidInputError) as info:
        parse_yaml(text, "f.yaml")
    return [f"{d.position.line}:{d.position.column}: {d.message}" for d in info.value.diagnostics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no", "no"),
        ("NO", "NO"),
        ("yes", "yes"),
        ("on", "on"),
        ("12:30", "12:30"),
        ("0755", "0755"),
        ("2024-01-31", "2024-01-31"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("1e3", 1000.0),
        ("-4", -4),
        ("0.25", 0.25),
        ('"true"', "true"),
        ("'1'", "1"),
        ("1_000", "1_000"),
    ],
)
def test_scalars_follow_yaml_1_2_core(text: str, expected: object) -> None:
    assert parse_yaml(f"v: {text}\n", "f.yaml").data == {"v": expected}


def test_positions_for_every_key_and_item() -> None:
    doc = parse_yaml("a:\n  b: [1, 2]\n  c:\n    - x: 1\n", "f.yaml")
    assert str(doc.positions[("a", "b", 1)]) == "f.yaml:2:10"
    assert str(doc.positions[("a", "c", 0, "x")]) == "f.yaml:4:7"
    assert str(doc.position_of(("a", "missing", "deeper"))) == "f.yaml:1:1"


def test_duplicate_keys_refused_with_both_positions() -> None:
    assert messages("a: 1\nb:\n  c: 1\n  c: 2\n") == ["4:3: duplicate key 'c' (first at line 3)"]


def test_anchors_and_aliases_refused() -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    found = messages(bomb)
    assert "1:4: anchors are not allowed (found '&a')" in found
    assert "2:8: aliases are not allowed (found '*a')" in found


@pytest.mark.parametrize("value", [".nan", ".inf", "-.Inf"])
def test_non_finite_numbers_refused(value: str) -> None:
    assert messages(f"v: {value}\n") == [f"1:4: not a finite number: {value}"]


def test_tags_refused() -> None:
    assert messages("v: !!python/object:os.system 1\n") == [
        "1:4: tags are not allowed (found 'tag:yaml.org,2002:python/object:os.system')"
    ]


def test_depth_limit() -> None:
    text = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    assert messages(text) == [f"1:{MAX_DEPTH + 1}: nesting deeper than {MAX_DEPTH} levels"]


def test_syntax_error_has_position() -> None:
    assert messages("a: [1, 2\nb: 3\n")[0].startswith("2:2: ")


def test_tab_indentation_is_an_error() -> None:
    assert messages("a:\n\t- b\n") == [
        "2:1: tab character where YAML expects spaces (indent with spaces only)"
    ]


def test_json_is_read_with_positions() -> None:
    doc = parse_yaml('{"a": {"b": [1, 2.5, "no"]}}', "f.json")
    assert doc.data == {"a": {"b": [1, 2.5, "no"]}}
    assert str(doc.positions[("a", "b", 2)]) == "f.json:1:22"


# The builder takes plain text whose first character is not in `_MAYBE_TYPED` as text without
# trying the five patterns: every text a pattern matches must start with one of those characters.
_PATTERNS = ("_NULL", "_BOOL_TRUE", "_BOOL_FALSE", "_INT", "_FLOAT", "_NONFINITE")


@pytest.mark.parametrize("name", _PATTERNS)
def test_what_a_scalar_pattern_matches_starts_with_a_typed_first_character(name: str) -> None:
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from engine import yamlsource

    pattern: re.Pattern[str] = getattr(yamlsource, name)

    @settings(max_examples=300, deadline=None)
    # libyaml's plain scalars hold no newline (`$` would also accept a final one)
    @given(st.from_regex(pattern, fullmatch=True).filter(lambda t: "\n" not in t))
    def check(text: str) -> None:
        assert pattern.match(text)
        assert text == "" or text[0] in yamlsource._MAYBE_TYPED

    check()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: .5", 0.5),
        ("a: -1", -1),
        ("a: +2.0e3", 2000.0),
        ("a: ~", None),
        ("a: Null", None),
        ("a: TRUE", True),
        ("a: false", False),
        ("a: no", "no"),
        ("a: yes", "yes"),
        ("a: institution", "institution"),
        ("a: '1'", "1"),
    ],
)
def test_plain_scalars_are_typed_as_yaml_1_2_core_types(text: str, value: object) -> None:
    data = parse_yaml(text, "t.yaml").data
    assert data == {"a": value}
    assert type(data["a"]) is type(value)  # type: ignore[index]
