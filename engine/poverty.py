"""Poverty outreach from a client survey scored with a poverty scorecard (pure: no I/O).

A scorecard (a PPI-style instrument, as data: `rules/scorecards/*.yaml`, read by
engine/scorecards.py) gives points for each answer to each question; a household's points are
the sum over the questions, and each poverty line has a table from points to the likelihood that
a household with those points lives below the line.

The share of clients below the line is estimated as the mean of the surveyed households'
likelihoods (the scorecard method). Its 95 % confidence interval is the normal approximation
around that mean, with the standard error of the mean of the likelihoods: s / sqrt(n), where s
is their sample standard deviation (n - 1 in the denominator); the bounds are clipped to [0, 1].
This takes the households as a simple random sample of clients and leaves out the scorecard's
own calibration error; with fewer than two households there is no interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval


@dataclass(frozen=True, slots=True)
class Band:
    """A row of a points-to-likelihood table: from `low` to `high` points, both included."""

    low: int
    high: int
    likelihood: float


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A poverty scorecard: points per answer of each question, and a table per poverty line."""

    id: str
    title: str
    fictional: bool
    questions: Mapping[str, Mapping[str, int]]  # question id -> answer id -> points
    lines: Mapping[str, tuple[Band, ...]]  # poverty line id -> its table, by points
    file: str = ""  # where it was read, as shown
    sha256: str = ""  # of that file

    @property
    def max_points(self) -> int:
        """The most points a household can score."""
        return sum(max(answers.values()) for answers in self.questions.values())


@dataclass(frozen=True, slots=True)
class PovertyEstimate:
    """The estimated share of households below a line, with its 95 % confidence interval."""

    share: float
    households: int
    standard_error: float | None  # None with fewer than two households
    low: float | None
    high: float | None


def household_points(scorecard: Scorecard, answers: Mapping[str, str]) -> int:
    """A household's points: the sum of its answers' points (every question answered, known)."""
    return sum(scorecard.questions[q][a] for q, a in answers.items())


def likelihood(table: Sequence[Band], points: int) -> float:
    """The likelihood of being below the line for a household with these points."""
    for band in table:
        if band.low <= points <= band.high:
            return band.likelihood
    raise ValueError(f"{points} points are outside the table")  # a checked scorecard covers all


def estimate_share(likelihoods: Sequence[float]) -> PovertyEstimate:
    """The mean of the likelihoods and its 95 % normal-approximation interval (see above)."""
    n = len(likelihoods)
    if n == 0:
        raise ValueError("no households")
    mean = math.fsum(likelihoods) / n
    if n < 2:
        return PovertyEstimate(mean, n, None, None, None)
    variance = math.fsum((x - mean) ** 2 for x in likelihoods) / (n - 1)
    error = math.sqrt(variance / n)
    return PovertyEstimate(
        mean, n, error, max(0.0, mean - Z_95 * error), min(1.0, mean + Z_95 * error)
    )


def table_gaps(table: Sequence[Band], max_points: int) -> list[str]:
    """What a points-to-likelihood table leaves uncovered or covers twice, from 0 to max_points."""
    problems = []
    expected = 0
    for band in sorted(table, key=lambda b: b.low):
        if band.high < band.low:
            problems.append(f"the row from {band.low} to {band.high} points is empty")
            continue
        if band.low > expected:
            problems.append(f"no row covers {_span(expected, band.low - 1)}")
        elif band.low < expected:
            problems.append(f"{_span(band.low, expected - 1)} covered twice")
        expected = max(expected, band.high + 1)
    if expected <= max_points:
        problems.append(
            f"no row covers {_span(expected, max_points)} (households can score {max_points})"
        )
    return problems


def _span(low: int, high: int) -> str:
    return f"{low} points" if low == high else f"{low} to {high} points"
