"""How a condition is put in words for people: `rules diff`, `rules docs` (one place to switch).

Today it is the compiled condition's own one-line text; a plain-language rendering of the condition
language can replace it here for every reader at once.
"""

from __future__ import annotations

from engine.model import Condition


def condition_text(condition: Condition | None) -> str:
    """A condition in words ('' when there is none)."""
    return "" if condition is None else condition.text
