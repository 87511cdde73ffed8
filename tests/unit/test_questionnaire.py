"""The template explains itself: headings, guidance, what each answer states, the facts that decide."""

from __future__ import annotations

import pytest

from engine.model import Method, walk_nodes
from engine.placeholders import find_placeholders, is_placeholder, placeholder
from engine.questionnaire import evidence_template
from engine.rulesets import load_rule_sets
from engine.yamlsource import parse_yaml

RULE_SETS = load_rule_sets(["universal-standards"])
TEXT = evidence_template(RULE_SETS)
LINES = TEXT.splitlines()


def _block(indicator_id: str) -> list[str]:
    """The commented lines of one question, from its title to its answer stub."""
    start = next(i for i, line in enumerate(LINES) if line.startswith(f"  #   {indicator_id} "))
    end = next(
        i for i in range(start, len(LINES)) if LINES[i].startswith(f'  #   "{indicator_id}":')
    )
    return LINES[start : end + 1]


def test_every_dimension_and_standard_with_questions_has_a_heading_before_them() -> None:
    rs = RULE_SETS[0]
    for node in walk_nodes(rs.nodes):
        asked = [i for i in node.all_indicators() if i.method is not Method.CHECK]
        if not asked:
            assert not any(f" {node.id}: " in line for line in LINES if line.startswith("  # "))
            continue
        heading = next(
            i
            for i, line in enumerate(LINES)
            if f"{node.level.capitalize()} {node.id}: " in line
            or f"{node.level.upper()} {node.id}: " in line
        )
        first = next(i for i, line in enumerate(LINES) if line.startswith(f"  #   {asked[0].id} "))
        assert heading < first, node.id


def test_each_question_says_what_every_answer_states() -> None:
    rs = RULE_SETS[0]
    for ind in rs.indicators():
        if ind.method is Method.CHECK:
            assert not any(line.startswith(f"  #   {ind.id} ") for line in LINES)
            continue
        block = " ".join(line.removeprefix("  #").strip() for line in _block(ind.id))
        for answer in ("yes:", "partially:", "no:", "na:"):
            assert f" {answer} " in block, (ind.id, answer)
        assert " ".join(ind.finding.split()) in block, ind.id
        if ind.partial_finding:
            assert " ".join(ind.partial_finding.split()) in block, ind.id
        assert f'"{ind.id}": {{answer: ""' in block, ind.id


def test_a_question_the_data_decides_too_names_its_facts() -> None:
    both = [i for i in RULE_SETS[0].indicators() if i.method is Method.BOTH and i.check is not None]
    assert both
    for ind in both:
        block = " ".join(line.removeprefix("  #").strip() for line in _block(ind.id))
        paths = [p for p in ind.check.paths if not p.startswith("@")]  # type: ignore[union-attr]
        assert "The data decides too" in block, ind.id
        assert all(p in block for p in paths), (ind.id, paths)


def test_the_template_parses_and_its_only_values_to_fill_are_blanks() -> None:
    doc = parse_yaml(TEXT, "template.yaml")
    blanks = find_placeholders(doc)
    assert [str(d.position) for d in blanks][:2] == ["template.yaml:8:3", "template.yaml:12:12"]
    assert len(blanks) == 7


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        ("<name of the institution>", True),
        (" <YYYY-MM-DD> ", True),
        (placeholder("your name"), True),
        ("Loans < 500 and > 100", False),
        ("<b>bold</b>", False),
        ("<b>", False),
        ('<img src="http://127.0.0.1/x.png">', False),
        ("<script>", False),
        ("<A>", False),
        ("", False),
        (3, False),
        ("<>", False),
    ],
)
def test_what_counts_as_a_blank(value: object, blank: bool) -> None:
    assert is_placeholder(value) is blank
