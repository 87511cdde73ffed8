"""The words the report uses for the engine's values, and how it formats numbers. No logic here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TypeVar

from engine.i18n import N_, gettext, number
from engine.model import Pathway, Status, Verdict

K = TypeVar("K")


class Words(Mapping[K, str]):
    """Value → its word, in the language of the report being built (English as written here)."""

    def __init__(self, words: Mapping[K, str]) -> None:
        self._words = dict(words)

    def __getitem__(self, key: K) -> str:
        return gettext(self._words[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


STATUS_LABEL = Words(
    {
        Status.PASS: N_("Met"),
        Status.PARTIAL: N_("Partly met"),
        Status.FAIL: N_("Not met"),
        Status.NOT_APPLICABLE: N_("Not applicable"),
        Status.NOT_ASSESSED: N_("Not assessed"),
    }
)
PATHWAY_LABEL = Words(
    {
        Pathway.INTENT_DESIGN: N_("Intent and design"),
        Pathway.INTERNAL_SYSTEMS: N_("Internal systems and activities"),
        Pathway.OUTPUTS: N_("Outputs"),
        Pathway.OUTCOMES: N_("Outcomes"),
        Pathway.IMPACT: N_("Impact"),
    }
)
ASSESSMENT_TYPE = Words(
    {
        "self_assessment": N_("Self-assessment"),
        "accompanied_self_assessment": N_("Accompanied self-assessment"),
        "external_audit": N_("External audit"),
        "social_rating": N_("Social rating"),
        "due_diligence": N_("Investor due diligence"),
    }
)
DOCUMENT_KIND = Words(
    {
        "policy": N_("Policy"),
        "procedure": N_("Procedure"),
        "manual": N_("Manual"),
        "board_minutes": N_("Board minutes"),
        "report": N_("Report"),
        "mis_extract": N_("MIS extract"),
        "financial_statements": N_("Financial statements"),
        "contract": N_("Contract"),
        "client_survey": N_("Client survey"),
        "interview": N_("Interviews"),
        "file_sample": N_("File sample"),
        "website": N_("Website"),
        "other": N_("Other"),
    }
)
VERDICT_LABEL = Words(
    {
        Verdict.PASSED: N_("Met"),
        Verdict.FAILED: N_("Not met"),
        Verdict.INSUFFICIENT_EVIDENCE: N_("Insufficient evidence"),
    }
)


def pct(value: Fraction | float | None, digits: int = 0) -> str:
    """A share as a percentage for display; '—' when not rated."""
    if value is None:
        return "—"
    return f"{number(float(value) * 100, digits)} %"


def pct_nb(value: Fraction | float | None, digits: int = 0) -> str:
    """A percentage whose number and sign never part across lines ('50\u00a0%')."""
    return pct(value, digits).replace(" ", "\u00a0")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 indicator', '3 indicators'."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def value_text(value: object) -> str:
    """A fact's value as the detailed results print it."""
    if isinstance(value, bool):
        return gettext("true") if value else gettext("false")
    if value is None:
        return gettext("missing")
    return str(value)
