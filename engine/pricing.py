"""The price of a loan from its terms: APR and EIR by the MicroFinance Transparency method.

Pure (no I/O): `price_of(terms)` takes a product's schema-valid `terms` (the evidence's
`facts.products[].terms`) and gives its cash flows from the client's point of view, the periodic
internal rate of return of those flows, the APR (periodic rate x periods per year) and the EIR
((1 + periodic rate) ^ periods per year - 1). Problems with the terms come back as `TermsProblem`s
(the terms key they concern and a message), never as exceptions.

The method, as MicroFinance Transparency published it (our wording):

- the client receives the disbursed amount at period 0, less whatever is paid or held then:
  upfront fees, upfront insurance premiums and compulsory savings held upfront;
- at each instalment the client pays the instalment (principal and interest) and any fee,
  premium or savings collected with each instalment;
- compulsory savings are the client's money, returned with the last instalment (with their
  interest, if the terms give a rate; simple interest on the balance, paid at the end), so
  they raise the cost only by the time the client does not have them;
- the rate is the one that makes the flows' present value zero.

Instalments come from `instalments` (how many), `frequency` and `interest` (flat: interest on the
whole amount for the whole term, spread evenly; declining balance: equal instalments of an
annuity), or from an explicit list of `payments` by period number (with `frequency`) or by date
(with `disbursed_on`; the period is then the day, 365 a year). Instalments are not rounded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PERIODS_PER_YEAR: Mapping[str, int] = {
    "daily": 365,
    "weekly": 52,
    "fortnightly": 26,
    "four_weekly": 13,
    "monthly": 12,
    "quarterly": 4,
    "semiannual": 2,
    "annual": 1,
}
DAYS_PER_YEAR = 365
# Interest rates are quoted per year, per month, per week or for the whole term.
_RATE_UNITS_PER_YEAR: Mapping[str, int] = {"year": 1, "month": 12, "week": 52}

# The periodic rate is searched in y = ln(1 + r), r from -0.999999 to 1000 per period.
_Y_LOW = math.log(1e-6)
_Y_HIGH = math.log(1001.0)
_GRID_STEPS = 4000
_TOLERANCE = 1e-15


@dataclass(frozen=True, slots=True)
class CashFlow:
    """A flow of money from the client's point of view: received (+) or paid (-), at a time."""

    time: float  # in periods (days for dated payments)
    amount: float


@dataclass(frozen=True, slots=True)
class Price:
    """What the terms cost the client."""

    apr: float  # periodic rate x periods per year
    eir: float  # (1 + periodic rate) ^ periods per year - 1
    periodic_rate: float
    periods_per_year: int
    flows: tuple[CashFlow, ...]


@dataclass(frozen=True, slots=True)
class TermsProblem:
    """Why a price cannot be computed: the key of `terms` concerned ('' for the terms) and why."""

    at: tuple[str | int, ...]
    message: str


class TermsError(Exception):
    """Terms that have no price, with the problem; `price_of` returns the problem instead."""

    def __init__(self, at: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.problem = TermsProblem(at, message)


def price_of(terms: Mapping[str, Any]) -> Price | TermsProblem:
    """The APR and EIR of a loan's terms, or the problem that stops them being computed."""
    try:
        flows, per_year = cash_flows(terms)
        rate = periodic_irr(flows)
    except TermsError as e:
        return e.problem
    eir = math.expm1(math.log1p(rate) * per_year) if rate < 1e6 else math.inf
    if not math.isfinite(eir):
        return TermsProblem((), "the terms give a rate too high to compute")
    return Price(rate * per_year, eir, rate, per_year, flows)


# ---------------------------------------------------------------------------------------------
# Cash flows
# ---------------------------------------------------------------------------------------------


def _charge(raw: Mapping[str, Any], amount: float, at: tuple[str | int, ...]) -> float:
    """A fee, premium or savings amount: given as an amount, or as a share of the loan amount."""
    if ("amount" in raw) == ("share" in raw):
        said = "not both" if "amount" in raw else "one is missing"
        raise TermsError(at, f"give an 'amount' or a 'share' of the loan amount ({said})")
    return float(raw["amount"]) if "amount" in raw else float(raw["share"]) * amount


def _schedule(terms: Mapping[str, Any]) -> tuple[list[tuple[float, float]], int]:
    """The instalments as (time, amount paid), and the periods per year."""
    amount = float(terms["amount"])
    has_count, has_list = "instalments" in terms, "payments" in terms
    if has_count == has_list:
        raise TermsError(
            (),
            "give either 'instalments' (with 'frequency' and 'interest') or a list of "
            "'payments', not " + ("both" if has_count else "neither"),
        )
    if has_count:
        for key in ("frequency", "interest"):
            if key not in terms:
                raise TermsError((), f"'instalments' needs '{key}'")
        return _computed_schedule(amount, terms), PERIODS_PER_YEAR[terms["frequency"]]
    return _listed_schedule(terms)


def _computed_schedule(amount: float, terms: Mapping[str, Any]) -> list[tuple[float, float]]:
    count = int(terms["instalments"])
    per_year = PERIODS_PER_YEAR[terms["frequency"]]
    interest = terms["interest"]
    per = interest.get("per", "year")
    # the rate for one period of the schedule
    if per == "term":
        rate = float(interest["rate"]) / count
    else:
        rate = float(interest["rate"]) * _RATE_UNITS_PER_YEAR[per] / per_year
    if interest["method"] == "flat":
        payment = amount * (1 + rate * count) / count
    elif rate == 0:
        payment = amount / count
    else:  # declining balance, equal instalments
        payment = amount * rate / -math.expm1(-count * math.log1p(rate))
    return [(float(k), payment) for k in range(1, count + 1)]


def _listed_schedule(terms: Mapping[str, Any]) -> tuple[list[tuple[float, float]], int]:
    payments: Sequence[Mapping[str, Any]] = terms["payments"]
    dated = [("date" in p) for p in payments]
    if any(dated) and not all(dated):
        first = dated.index(not dated[0])
        raise TermsError(
            ("payments", first), "give every payment a 'period' or every payment a 'date'"
        )
    schedule = []
    if all(dated):
        if "disbursed_on" not in terms:
            raise TermsError(("payments",), "payments by date need 'disbursed_on'")
        start = dt.date.fromisoformat(terms["disbursed_on"])
        for i, p in enumerate(payments):
            days = (dt.date.fromisoformat(p["date"]) - start).days
            if days <= 0:
                raise TermsError(
                    ("payments", i, "date"),
                    f"payment {i + 1} falls on {p['date']}, not after the disbursement "
                    f"({terms['disbursed_on']})",
                )
            schedule.append((float(days), float(p["amount"])))
        return schedule, DAYS_PER_YEAR
    if "frequency" not in terms:
        raise TermsError(("payments",), "payments by period number need 'frequency'")
    for i, p in enumerate(payments):
        if "period" not in p:
            raise TermsError(("payments", i), "a payment needs a 'period' or a 'date'")
        schedule.append((float(p["period"]), float(p["amount"])))
    return schedule, PERIODS_PER_YEAR[terms["frequency"]]


def cash_flows(terms: Mapping[str, Any]) -> tuple[tuple[CashFlow, ...], int]:
    """The client's cash flows under these terms (one per time, in order) and periods per year."""
    amount = float(terms["amount"])
    schedule, per_year = _schedule(terms)
    times = sorted({t for t, _ in schedule})
    flows: dict[float, float] = dict.fromkeys([0.0, *times], 0.0)
    flows[0.0] += amount
    for t, paid in schedule:
        flows[t] -= paid
    charges = [
        (charge, (key, i))
        for key in ("fees", "insurance_premiums")
        for i, charge in enumerate(terms.get(key, ()))
    ]
    for charge, at in charges:
        value = _charge(charge, amount, at)
        if charge.get("charged", "upfront") == "upfront":
            flows[0.0] -= value
        else:
            for t in times:
                flows[t] -= value
    savings = terms.get("compulsory_savings")
    if savings is not None:
        _hold_savings(flows, times, savings, amount, per_year)
    if flows[0.0] <= 0:
        raise TermsError(
            (),
            f"the client receives nothing at disbursement ({flows[0.0]:.2f} once fees, premiums "
            "and compulsory savings are taken): the terms have no rate",
        )
    return tuple(CashFlow(t, flows[t]) for t in sorted(flows)), per_year


def _hold_savings(
    flows: dict[float, float],
    times: Sequence[float],
    savings: Mapping[str, Any],
    amount: float,
    per_year: int,
) -> None:
    """Savings held upfront or with each instalment, returned with their interest at the end."""
    value = _charge(savings, amount, ("compulsory_savings",))
    rate = float(savings.get("interest_rate", 0)) / per_year  # simple interest per period
    end = times[-1]
    if savings.get("collected", "upfront") == "upfront":
        flows[0.0] -= value
        held, interest = value, value * rate * end
    else:
        held = interest = 0.0
        for t in times:
            flows[t] -= value
            held += value
            interest += value * rate * (end - t)
    flows[end] += held + interest


# ---------------------------------------------------------------------------------------------
# The internal rate of return
# ---------------------------------------------------------------------------------------------


def _npv_sign_scaled(flows: Sequence[CashFlow], y: float) -> tuple[float, float]:
    """The present value at y = ln(1 + r) and its derivative, both scaled by one positive factor.

    Scaling by exp(-max exponent) keeps the sums finite for long schedules and rates near -100 %;
    signs and the ratio of the two, which is all the solver uses, do not change.
    """
    top = max(-y * f.time for f in flows)
    value = slope = 0.0
    for f in flows:
        weight = f.amount * math.exp(-y * f.time - top)
        value += weight
        slope -= f.time * weight
    return value, slope


def _root(f: Callable[[float], tuple[float, float]], low: float, high: float) -> float:
    """A root of f in [low, high], where f changes sign (Numerical Recipes' rtsafe).

    Newton's step where it stays inside the bracket and shrinks it at least as fast as bisection
    would; a bisection otherwise. The bracket always holds the root, so it cannot be lost.
    """
    falling = f(low)[0] > 0  # f goes from positive at `low` to negative at `high`
    step = previous = high - low
    y = (low + high) / 2
    value, slope = f(y)
    for _ in range(500):
        newton_leaves = ((y - high) * slope - value) * ((y - low) * slope - value) > 0
        if newton_leaves or abs(2 * value) > abs(previous * slope):
            previous, step = step, (high - low) / 2
            y = low + step
        else:
            previous, step = step, value / slope
            y -= step
        if abs(step) <= _TOLERANCE * (1 + abs(y)):
            return y
        value, slope = f(y)
        if value == 0:
            return y
        if (value > 0) == falling:
            low = y
        else:
            high = y
    return y


def _sign_changes(values: Sequence[float]) -> int:
    signs = [v > 0 for v in values if v != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def periodic_irr(flows: Sequence[CashFlow]) -> float:
    """The periodic rate r at which the flows' present value is zero.

    Flows that change sign once (the client receives, then pays) have exactly one rate above
    -100 % (Descartes' rule of signs); it is bracketed between -99.9999 % and 100000 % per period
    and found to 1e-15 in ln(1 + r). Flows that change sign more often (savings returned with
    the last instalment exceed it) may have several rates, and the only rate at or above zero is
    the price (a negative one is an artefact of the money coming back at the end). Where the
    running total of the flows changes sign once, there is exactly one positive rate (Norström's
    criterion), bracketed between 0 and 100000 %; otherwise a grid finds every bracketed rate,
    and more than one at or above zero is a problem.
    """

    def npv(y: float) -> tuple[float, float]:
        return _npv_sign_scaled(flows, y)

    changes = _sign_changes([f.amount for f in flows])
    if changes == 0:
        raise TermsError((), "the client never pays anything back: the terms have no rate")
    running = list(itertools.accumulate(f.amount for f in flows))
    if changes == 1:
        grid = [_Y_LOW, _Y_HIGH]
    elif (
        _sign_changes(running) == 1
        and running[-1] != 0
        and (running[-1] < 0) != (npv(_Y_HIGH)[0] < 0)
    ):
        grid = [0.0, _Y_HIGH]  # the present value at r = 0 is the running total's last value
    else:
        grid = [_Y_LOW + (_Y_HIGH - _Y_LOW) * k / _GRID_STEPS for k in range(_GRID_STEPS + 1)]
    signs = [npv(y)[0] for y in grid]
    roots = [
        _root(npv, a, b)
        for a, b, fa, fb in zip(grid, grid[1:], signs, signs[1:], strict=False)
        if (fa < 0) != (fb < 0) or fa == 0
    ]
    if not roots:
        raise TermsError(
            (),
            "no rate between -99.9999 % and 100000 % per period makes the flows' present value "
            "zero: the terms have no rate",
        )
    chosen = roots if len(roots) == 1 else [y for y in roots if y >= 0]
    if len(chosen) != 1:
        rates = ", ".join(f"{math.expm1(y):.6g}" for y in roots)
        raise TermsError(
            (), f"the flows have several periodic rates ({rates}): give a schedule with one rate"
        )
    return math.expm1(chosen[0])
