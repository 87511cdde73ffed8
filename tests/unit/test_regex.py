"""The nested-quantifier scanner (engine.conditions.regex), directly and through `matches`."""

import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conditions import CompiledCondition, ConditionCompiler
from engine.conditions.regex import Atom, Group, Repeat, has_nested_repeat, parse_regex
from engine.errors import Diagnostic
from engine.evidence import evidence_fact_types
from engine.yamlsource import parse_yaml


def compile_text(text: str) -> tuple[CompiledCondition | None, list[Diagnostic]]:
    doc = parse_yaml(text, "r.yaml")
    problems: list[Diagnostic] = []
    assert isinstance(doc.data, dict)
    compiler = ConditionCompiler(evidence_fact_types(), {}, doc, problems)
    return compiler.compile(doc.data["c"], ("c",)), problems


NESTED = "regular expression with nested quantifiers can backtrack catastrophically; simplify it"


@pytest.mark.parametrize(
    "pattern",
    [
        "(a+)+",
        "((a+)b)*",
        "(?:a|b+)*",
        "(a*)*",
        "(a{2})*",  # {2} repeats too
        "(a{,3})+",
        "(?:x(?:y(?:z+)))+",  # however deeply grouped
        "(?P<name>a+){2,}",
        "(?>a+)+",  # an atomic group is still a group
        "(a++)+",  # possessive inner, repeated outer
        "(?=a+)*",  # inside a lookahead
        "(?i:a+)+",  # scoped flags
        "(?:a|(?:b|c+))+?",  # lazy outer
        "(\\d+\\s?)+$",
    ],
)
def test_nested_repeats_are_found(pattern: str) -> None:
    re.compile(pattern)  # each is a valid pattern: the risk is backtracking, not syntax
    assert has_nested_repeat(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "[a+]*",  # a + inside a class is a character
        "\\(a+\\)*",  # escaped parentheses are characters
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "(a?)*",  # an optional part repeats at most once
        "(a+)?",
        "(a{0,1})+",
        "(ab)+",
        "a+b+c*",
        "a++",
        "a{2,5}?",
        "[^)]+\\)*",
        "[]a+]*",  # a ] first in a class is a character
        "x{}+",  # {} is literal text
        "a{ 2}+",  # so is { 2}
        "(?P<n>a)(?P=n)+",  # a back-reference is one piece
        "(?#a+)b*",  # a comment
        "\\N{LATIN SMALL LETTER A}+",
        "(x)?(?(1)a|b)+",
        ".*women.*",
    ],
)
def test_single_repeats_are_allowed(pattern: str) -> None:
    re.compile(pattern)
    assert not has_nested_repeat(pattern)


def test_the_tree_reads_groups_alternation_and_bounds() -> None:
    tree = parse_regex("(?:a|b{2,5}?)*c")
    (branch,) = tree.branches
    outer, tail = branch
    assert tail == Atom("c")
    assert isinstance(outer, Repeat)
    assert (outer.low, outer.high) == (0, None)
    assert isinstance(outer.body, Group)
    left, right = outer.body.branches
    assert left == (Atom("a"),)
    assert right == (Repeat(2, 5, Atom("b")),)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("{path: profile.mission_statement, matches: '(a+)+'}", NESTED),
        ("{path: profile.mission_statement, matches: '((a+)b)*'}", NESTED),
        ("{path: profile.mission_statement, matches: '(?:a|b+)*'}", NESTED),
        # a quantifier on a quantifier is a syntax error, which `re` reports with its position
        (
            "{path: profile.mission_statement, matches: 'a{2,}{3}'}",
            "invalid regular expression 'a{2,}{3}': multiple repeat at position 5",
        ),
        (
            "{path: profile.mission_statement, matches: '(a+'}",
            "invalid regular expression '(a+': missing ), unterminated subpattern at position 0",
        ),
    ],
)
def test_matches_refuses_nested_and_invalid_patterns(condition: str, message: str) -> None:
    compiled, problems = compile_text(f"c: {condition}\n")
    assert compiled is None
    assert [p.message for p in problems] == [message]
    assert [p.position.column for p in problems] == [38]


@pytest.mark.parametrize("pattern", ["[a+]*", "\\\\(a+\\\\)*", ".*women.*"])
def test_matches_accepts_single_repeats(pattern: str) -> None:
    compiled, problems = compile_text(
        f'c: {{path: profile.mission_statement, matches: "{pattern}"}}\n'
    )
    assert problems == []
    assert compiled is not None


TOKENS = [
    "a",
    "b",
    "(",
    ")",
    "(?:",
    "|",
    "*",
    "+",
    "?",
    "{2}",
    "{1,3}",
    "{,2}",
    "{2,}",
    "[a+]",
    "\\(",
    "[^)]",
    "(?=",
    "(?>",
    "??",
    "+?",
    "*+",
    "\\d",
    ".",
    "[",
    "]",
    "\\",
    "{",
    "}",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=10))
def test_the_scanner_reads_every_valid_pattern_and_never_crashes(tokens: list[str]) -> None:
    pattern = "".join(tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" and the like
        try:
            re.compile(pattern)
        except re.error:
            has_nested_repeat(pattern)  # invalid: no crash, `re` reports the error
            return
    parse_regex(pattern)  # valid: the scanner must read it
