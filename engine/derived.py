"""Stage 2 for evidence: the facts spm-audit computes from other facts.

`derive_facts` takes the schema-valid facts of an evidence file and returns them with the
computed facts added, where each computed fact points (for explanations and the evidence trail)
and every problem found on the way, as diagnostics at the facts that caused it:

- `products[].apr_computed` and `products[].eir_computed`, from a loan's `terms`
  (engine/pricing.py, the MicroFinance Transparency method);
- `client_survey.poor_share`, `.poor_share_low`, `.poor_share_high` and `.households_scored`,
  from the households' answers to a poverty scorecard (engine/poverty.py, engine/scorecards.py).

A computed fact is never written in an evidence file: one given there is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from engine.errors import Diagnostic, Position, Severity, did_you_mean
from engine.model import ScorecardRef
from engine.poverty import estimate_share, household_points, likelihood
from engine.pricing import Price, price_of
from engine.scorecards import find_scorecard, read_scorecard
from engine.yamlsource import PathKey, YamlDocument

COMPUTED_PRODUCT_FACTS = ("apr_computed", "eir_computed")
COMPUTED_SURVEY_FACTS = (
    "poor_share",
    "poor_share_low",
    "poor_share_high",
    "households_scored",
    "scorecard_fictional",
)


class Problem(Protocol):
    """Records a problem at a facts path."""

    def __call__(self, at: PathKey, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record it."""


@dataclass(frozen=True)
class DerivedFacts:
    """The facts with the computed ones added, where those point, and the problems found."""

    facts: Mapping[str, object]
    positions: Mapping[str, Position] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    scorecards: tuple[ScorecardRef, ...] = ()  # the scorecards the computed facts rest on


def fact_at(facts: Mapping[str, object], path: str) -> object:
    """The fact at a dotted path ('clients.women'), or None where the path leads nowhere."""
    current: object = facts
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def as_number(value: object) -> float | None:
    """A number fact as a float; None for anything else (a boolean is no number)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def derive_facts(
    doc: YamlDocument, facts: Mapping[str, Any], path: Path | None = None
) -> DerivedFacts:
    """The facts of `doc` (its schema-valid part) with the computed facts added.

    `path` is the evidence file on disk, if any: a survey's scorecard file is read beside it.
    """
    found: list[Diagnostic] = []
    positions: dict[str, Position] = {}
    scorecards: list[ScorecardRef] = []

    def problem(at: PathKey, message: str, severity: Severity = Severity.ERROR) -> None:
        found.append(
            Diagnostic(doc.position_of(("facts", *at)), message, severity, code="evidence")
        )

    derived = dict(facts)
    products = facts.get("products")
    if isinstance(products, Sequence):
        derived["products"] = [
            _priced(doc, i, p, positions, problem) for i, p in enumerate(products)
        ]
    survey = facts.get("client_survey")
    if isinstance(survey, Mapping):
        folder = path.parent if path is not None else None
        derived["client_survey"] = _surveyed(
            doc, survey, folder, positions, problem, found, scorecards
        )
    return DerivedFacts(derived, positions, tuple(found), tuple(scorecards))


def _priced(
    doc: YamlDocument,
    index: int,
    product: Mapping[str, Any],
    positions: dict[str, Position],
    problem: Problem,
) -> Mapping[str, Any]:
    """A product with the APR and EIR of its terms, if it gives terms that have a price."""
    at: PathKey = ("products", index)
    for key in COMPUTED_PRODUCT_FACTS:
        if key in product:
            problem(
                (*at, key),
                f"'{key}' is computed by spm-audit from the product's 'terms' and cannot be "
                "given; give the declared rate as 'apr'",
            )
    terms = product.get("terms")
    if terms is None:
        return product
    name = f"product '{product.get('id', index)}'"
    if product.get("type") != "loan":
        problem((*at, "terms"), f"{name} is not a loan: 'terms' give the price of a loan")
        return product
    price = price_of(terms)
    if not isinstance(price, Price):
        problem(
            (*at, "terms", *price.at),
            f"{name}: the APR cannot be computed from its terms: {price.message}",
        )
        return product
    runs = price.flows[-1].time / price.periods_per_year * 12
    declared = product.get("term_months")
    if isinstance(declared, int | float) and abs(declared - runs) > 0.5:
        problem(
            (*at, "term_months"),
            f"{name}: term_months is {declared:g}, but its terms run {runs:.1f} months",
            Severity.WARNING,
        )
    where = doc.position_of(("facts", *at, "terms"))
    positions[f"products.{index}.apr_computed"] = where
    positions[f"products.{index}.eir_computed"] = where
    return {**product, "apr_computed": price.apr, "eir_computed": price.eir}


def _surveyed(
    doc: YamlDocument,
    survey: Mapping[str, Any],
    folder: Path | None,
    positions: dict[str, Position],
    problem: Problem,
    found: list[Diagnostic],
    used: list[ScorecardRef],
) -> Mapping[str, Any]:
    """The survey with the estimated share below the poverty line, if its answers can be scored."""
    at: PathKey = ("client_survey",)
    for key in COMPUTED_SURVEY_FACTS:
        if key in survey:
            problem(
                (*at, key),
                f"'{key}' is computed by spm-audit from the households' answers and cannot be "
                "given; give the declared share as clients.poor_share",
            )
    where = find_scorecard(survey["scorecard"], folder)
    if isinstance(where, str):
        problem((*at, "scorecard"), where)
        return survey
    scorecard, problems = read_scorecard(where)
    if scorecard is None:
        found.extend(problems)
        problem((*at, "scorecard"), f"scorecard '{survey['scorecard']}' has errors (above)")
        return survey
    used.append(ScorecardRef(scorecard.id, scorecard.file, scorecard.sha256))
    line = survey["poverty_line"]
    if line not in scorecard.lines:
        hint = did_you_mean(line, sorted(scorecard.lines), known="its lines")
        problem((*at, "poverty_line"), f"'{line}' is not a poverty line of '{scorecard.id}'{hint}")
        return survey
    households = survey["households"]
    given = survey.get("sample_size")
    if given is not None and given != len(households):
        problem(
            (*at, "sample_size"),
            f"sample_size is {given}, but {len(households)} households are given",
        )
    likelihoods = []
    for i, household in enumerate(households):
        label = f"household '{household['id']}'" if "id" in household else f"household {i + 1}"
        here = (*at, "households", i, "answers")
        answers: Mapping[str, str] = household["answers"]
        sound = True
        for question, answer in answers.items():
            if question not in scorecard.questions:
                hint = did_you_mean(question, sorted(scorecard.questions), known="its questions")
                problem(
                    (*here, question),
                    f"{label}: '{question}' is not a question of '{scorecard.id}'{hint}",
                )
                sound = False
            elif answer not in scorecard.questions[question]:
                choices = sorted(scorecard.questions[question])
                hint = did_you_mean(answer, choices, known="answers")
                problem(
                    (*here, question), f"{label}: '{answer}' is not an answer to '{question}'{hint}"
                )
                sound = False
        missing = [q for q in scorecard.questions if q not in answers]
        if missing:
            problem(here, f"{label} does not answer {', '.join(missing)}: every question counts")
            sound = False
        if sound:
            table = scorecard.lines[line]
            likelihoods.append(likelihood(table, household_points(scorecard, answers)))
    if len(likelihoods) != len(households):
        return survey
    estimate = estimate_share(likelihoods)
    if estimate.low is None:
        problem((*at, "households"), "one household gives no confidence interval", Severity.WARNING)
    computed: dict[str, Any] = {
        "poor_share": estimate.share,
        "households_scored": len(households),
        "scorecard_fictional": scorecard.fictional,
    }
    if estimate.low is not None and estimate.high is not None:
        computed |= {"poor_share_low": estimate.low, "poor_share_high": estimate.high}
    origin = doc.position_of(("facts", *at, "households"))
    positions.update({f"client_survey.{key}": origin for key in computed})
    return {**survey, **computed}
