"""An indicator's examples are made when first read, the same as if made at once."""

from pathlib import Path

from engine.load import load_file
from engine.model import Example, Status
from engine.model.rules import Examples
from engine.rulesets import load_rule_set


def test_examples_are_made_when_read_with_their_positions(mini_rules: Path) -> None:
    rule_set = load_rule_set(mini_rules)
    indicator = rule_set.indicators()[0]
    examples = indicator.examples
    assert isinstance(examples, Examples)
    assert examples._make is not None  # not made by loading
    made = tuple(examples)
    assert examples._make is None
    assert made
    assert all(isinstance(e, Example) for e in made)
    part = next(p for p in sorted(mini_rules.glob("*.yaml")) if p.name != "ruleset.yaml")
    doc = load_file(part).document
    first = made[0]
    line = doc.text.splitlines()[first.position.line - 1]
    assert line[first.position.column - 1 :].startswith(f"{first.expected}:")
    assert first.expected in set(Status)


def test_examples_equal_and_hash_like_their_tuple() -> None:
    made = (Example(Status.PASS, {"a": 1}, None, None),)  # type: ignore[arg-type]
    lazy = Examples(lambda: made)
    assert lazy == made
    assert lazy == Examples(lambda: made)
    assert lazy[0] is made[0]
    assert lazy[:1] == made
    assert len(lazy) == 1
    assert lazy != ()
