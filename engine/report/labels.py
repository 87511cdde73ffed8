"""The words the report uses for the engine's values, and how it formats numbers. No logic here."""

from __future__ import annotations

from fractions import Fraction

from engine.model import Pathway, Status, Verdict

STATUS_LABEL = {
    Status.PASS: "Met",
    Status.PARTIAL: "Partly met",
    Status.FAIL: "Not met",
    Status.NOT_APPLICABLE: "Not applicable",
    Status.NOT_ASSESSED: "Not assessed",
}
PATHWAY_LABEL = {
    Pathway.INTENT_DESIGN: "Intent and design",
    Pathway.INTERNAL_SYSTEMS: "Internal systems and activities",
    Pathway.OUTPUTS: "Outputs",
    Pathway.OUTCOMES: "Outcomes",
    Pathway.IMPACT: "Impact",
}
ASSESSMENT_TYPE = {
    "self_assessment": "Self-assessment",
    "accompanied_self_assessment": "Accompanied self-assessment",
    "external_audit": "External audit",
    "social_rating": "Social rating",
    "due_diligence": "Investor due diligence",
}
DOCUMENT_KIND = {
    "policy": "Policy",
    "procedure": "Procedure",
    "manual": "Manual",
    "board_minutes": "Board minutes",
    "report": "Report",
    "mis_extract": "MIS extract",
    "financial_statements": "Financial statements",
    "contract": "Contract",
    "client_survey": "Client survey",
    "interview": "Interviews",
    "file_sample": "File sample",
    "website": "Website",
    "other": "Other",
}
VERDICT_LABEL = {
    Verdict.PASSED: "Met",
    Verdict.FAILED: "Not met",
    Verdict.INSUFFICIENT_EVIDENCE: "Insufficient evidence",
}


def pct(value: Fraction | float | None, digits: int = 0) -> str:
    """A share as a percentage for display; '—' when not rated."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f} %"


def pct_nb(value: Fraction | float | None, digits: int = 0) -> str:
    """A percentage whose number and sign never part across lines ('50\u00a0%')."""
    return pct(value, digits).replace(" ", "\u00a0")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 indicator', '3 indicators'."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def value_text(value: object) -> str:
    """A fact's value as the detailed results print it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "missing"
    return str(value)
