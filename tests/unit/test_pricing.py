"""APR and EIR from a loan's terms, against cases computed by hand and by another method.

The independent method: `_rate_by_bisection` below solves the present-value polynomial for the
periodic rate r by plain bisection on r (no logarithms, no Newton steps, no bracketing search),
so it shares nothing with engine/pricing.py but the definition of the rate. Closed forms are
used where the flows have one (a single repayment, an annuity).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.pricing import CashFlow, Price, TermsError, TermsProblem, periodic_irr, price_of

POINT = 1e-4  # 0.01 percentage point, as a fraction


def _rate_by_bisection(flows: Sequence[tuple[float, float]], low: float, high: float) -> float:
    """The r in [low, high] with sum(amount / (1 + r) ** t) = 0, by bisection on r."""

    def npv(r: float) -> float:
        return sum(amount / (1 + r) ** t for t, amount in flows)

    f_low = npv(low)
    assert f_low * npv(high) < 0, "the root must be bracketed"
    for _ in range(200):
        mid = (low + high) / 2
        if (npv(mid) < 0) == (f_low < 0):
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _price(terms: Mapping[str, Any]) -> Price:
    price = price_of(terms)
    assert isinstance(price, Price), price
    return price


FLAT_10 = {
    "amount": 1000,
    "frequency": "monthly",
    "instalments": 12,
    "interest": {"method": "flat", "rate": 0.10},
}


def test_flat_loan_of_1000_at_10_percent_over_12_months() -> None:
    # Interest 1000 x 10 % = 100 for the year, spread: 1100 / 12 = 91.6667 a month.
    # The client has 1000 at 0 and pays 91.6667 at 1..12.
    price = _price(FLAT_10)
    assert [round(f.amount, 4) for f in price.flows] == [1000.0] + [-91.6667] * 12
    by_hand = _rate_by_bisection([(0, 1000)] + [(k, -1100 / 12) for k in range(1, 13)], 0, 1)
    assert price.periodic_rate == pytest.approx(by_hand, abs=1e-12)
    assert round(by_hand, 6) == 0.014977  # 1.4977 % a month, as a spreadsheet's RATE gives
    assert price.apr == pytest.approx(12 * by_hand, abs=1e-9)  # 17.97 %
    assert round(price.apr, 4) == 0.1797
    assert price.eir == pytest.approx((1 + by_hand) ** 12 - 1, abs=1e-9)  # 19.53 %
    assert round(price.eir, 4) == 0.1953


def test_flat_loan_with_upfront_fee_and_compulsory_savings() -> None:
    # The brief's case: 2 % upfront fee (20) and 10 % compulsory savings held upfront (100),
    # returned with the last instalment. The client has 1000 - 20 - 100 = 880 at 0, pays
    # 91.6667 at 1..11, and at 12 pays 91.6667 and gets 100 back: +8.3333.
    terms = {
        **FLAT_10,
        "fees": [{"name": "Processing fee", "share": 0.02}],
        "compulsory_savings": {"share": 0.10},
    }
    price = _price(terms)
    flows = [(0, 880.0)] + [(k, -1100 / 12) for k in range(1, 12)] + [(12, 100 - 1100 / 12)]
    assert [(f.time, round(f.amount, 6)) for f in price.flows] == [
        (t, round(a, 6)) for t, a in flows
    ]
    # Two sign changes: a root near -91 % (an artefact of the money coming back) and the price.
    by_hand = _rate_by_bisection(flows, 0, 1)
    assert price.periodic_rate == pytest.approx(by_hand, abs=1e-12)
    assert round(price.apr, 4) == 0.2654  # 12 x 2.2119 %
    assert price.apr == pytest.approx(12 * by_hand, abs=1e-9)
    assert price.eir == pytest.approx((1 + by_hand) ** 12 - 1, abs=1e-9)
    assert round(price.eir, 4) == 0.3002


def test_declining_balance_annuity_gives_back_its_own_rate() -> None:
    # Equal instalments at 24 % a year on the declining balance: 2 % a month, by construction
    # of the annuity 1000 x 0.02 / (1 - 1.02 ** -12) = 94.5596.
    price = _price({**FLAT_10, "interest": {"method": "declining_balance", "rate": 0.24}})
    assert round(-price.flows[1].amount, 4) == 94.5596
    assert price.apr == pytest.approx(0.24, abs=1e-9)
    assert price.eir == pytest.approx(1.02**12 - 1, abs=1e-9)  # 26.82 %


def test_mft_published_conversion_of_one_percent_a_month() -> None:
    # MFTransparency's methodology page (mftransparency.org/pages/mftransparency-methodology/):
    # "For a monthly interest rate of 1%, the APR [...] giving 12%. [...] the EIR gives an annual
    # rate of 12.7%." An annuity at 12 % a year on the declining balance costs 1 % a month.
    price = _price({**FLAT_10, "interest": {"method": "declining_balance", "rate": 0.12}})
    assert price.periodic_rate == pytest.approx(0.01, abs=1e-12)
    assert round(price.apr, 4) == 0.12
    assert round(price.eir, 3) == 0.127  # 1.01 ** 12 - 1 = 12.68 %


def test_one_repayment_by_period_number() -> None:
    # 1000 lent, 1100 repaid after 12 months: (1 + r) ** 12 = 1.1.
    price = _price(
        {"amount": 1000, "frequency": "monthly", "payments": [{"period": 12, "amount": 1100}]}
    )
    r = 1.1 ** (1 / 12) - 1
    assert price.apr == pytest.approx(12 * r, abs=1e-9)  # 9.57 %
    assert round(price.apr, 4) == 0.0957
    assert price.eir == pytest.approx(0.10, abs=1e-9)


def test_one_repayment_by_date_counts_days() -> None:
    # 30 days from 1 to 31 January, 1030 for 1000: the period is the day, 365 a year.
    price = _price(
        {
            "amount": 1000,
            "disbursed_on": "2026-01-01",
            "payments": [{"date": "2026-01-31", "amount": 1030}],
        }
    )
    daily = 1.03 ** (1 / 30) - 1
    assert price.periods_per_year == 365
    assert price.apr == pytest.approx(365 * daily, abs=1e-9)  # 35.98 %
    assert price.eir == pytest.approx(1.03 ** (365 / 30) - 1, abs=1e-9)  # 43.28 %


def test_upfront_fee_on_a_one_month_loan() -> None:
    # 1000 for one month at 2 %, 1 % fee at disbursement: 990 in, 1020 out; r = 1020 / 990 - 1.
    price = _price(
        {
            "amount": 1000,
            "frequency": "monthly",
            "instalments": 1,
            "interest": {"method": "flat", "rate": 0.02, "per": "month"},
            "fees": [{"name": "Fee", "amount": 10}],
        }
    )
    r = 1020 / 990 - 1  # 3.0303 % a month
    assert price.apr == pytest.approx(12 * r, abs=1e-9)  # 36.36 %
    assert price.eir == pytest.approx((1020 / 990) ** 12 - 1, abs=1e-9)


def test_weekly_loan_with_fees_and_premium_with_each_instalment() -> None:
    # 5000 over 20 weeks, 2 % flat a month: 4.6154 months x 2 % = 9.2308 % interest, 5461.54 in
    # 20 instalments of 273.08; 5 a week of fees and 2.50 of premium with each instalment, a 1 %
    # premium upfront (50). The client has 4950 and pays 280.58 a week.
    terms = {
        "amount": 5000,
        "frequency": "weekly",
        "instalments": 20,
        "interest": {"method": "flat", "rate": 0.02, "per": "month"},
        "fees": [{"name": "Service", "amount": 5, "charged": "each_instalment"}],
        "insurance_premiums": [
            {"name": "Life", "share": 0.01},
            {"name": "Weekly cover", "amount": 2.5, "charged": "each_instalment"},
        ],
    }
    price = _price(terms)
    instalment = 5000 * (1 + 0.02 * 20 * 12 / 52) / 20
    assert round(instalment, 2) == 273.08
    flows = [(0, 4950.0)] + [(k, -(instalment + 7.5)) for k in range(1, 21)]
    by_hand = _rate_by_bisection(flows, 0, 1)
    assert price.apr == pytest.approx(52 * by_hand, abs=1e-9)
    assert abs(price.apr - 52 * by_hand) < POINT
    assert round(price.apr, 4) == 0.6373  # 1.2256 % a week


def test_savings_collected_with_each_instalment_come_back_with_interest() -> None:
    # 4 monthly instalments; 10 saved with each, 12 % a year simple interest (1 % a month):
    # interest 10 x 1 % x (3 + 2 + 1 + 0) = 0.60, so 40.60 comes back with the last instalment.
    terms = {
        "amount": 1000,
        "frequency": "monthly",
        "instalments": 4,
        "interest": {"method": "flat", "rate": 0.12},
        "compulsory_savings": {"amount": 10, "collected": "each_instalment", "interest_rate": 0.12},
    }
    flows = [(f.time, round(f.amount, 6)) for f in _price(terms).flows]
    assert flows == [(0.0, 1000.0), (1.0, -270.0), (2.0, -270.0), (3.0, -270.0), (4.0, -229.4)]


def test_interest_free_loan_has_no_cost() -> None:
    price = _price(
        {
            "amount": 1200,
            "frequency": "monthly",
            "payments": [{"period": k, "amount": 100} for k in range(1, 13)],
        }
    )
    assert price.apr == pytest.approx(0, abs=1e-12)
    assert price.eir == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize(
    ("terms", "at", "message"),
    [
        (
            {"amount": 1000, "frequency": "monthly"},
            (),
            "give either 'instalments' (with 'frequency' and 'interest') or a list of 'payments', "
            "not neither",
        ),
        (
            {"amount": 1000, "instalments": 3, "interest": {"method": "flat", "rate": 0.1}},
            (),
            "'instalments' needs 'frequency'",
        ),
        (
            {
                "amount": 100,
                "disbursed_on": "2026-02-01",
                "payments": [{"date": "2026-01-31", "amount": 110}],
            },
            ("payments", 0, "date"),
            "payment 1 falls on 2026-01-31, not after the disbursement (2026-02-01)",
        ),
        (
            {**FLAT_10, "fees": [{"name": "Everything", "share": 1}]},
            (),
            "the client receives nothing at disbursement (0.00 once fees, premiums and "
            "compulsory savings are taken): the terms have no rate",
        ),
        (
            {"amount": 100, "frequency": "monthly", "payments": [{"period": 1, "amount": 0}]},
            (),
            "the client never pays anything back: the terms have no rate",
        ),
    ],
)
def test_terms_without_a_rate_say_why(
    terms: Mapping[str, Any], at: tuple[str | int, ...], message: str
) -> None:
    assert price_of(terms) == TermsProblem(at, message)


def test_savings_returned_beyond_what_was_paid_leave_no_rate() -> None:
    # 1000 lent, 600 held: the client has 400, pays 300, then gets 600 - 400 = 200 back.
    terms = {
        "amount": 1000,
        "frequency": "monthly",
        "payments": [{"period": 1, "amount": 300}, {"period": 2, "amount": 400}],
        "compulsory_savings": {"share": 0.6},
    }
    assert price_of(terms) == TermsProblem(
        (),
        "no rate between -99.9999 % and 100000 % per period makes the flows' present value "
        "zero: the terms have no rate",
    )


def test_flows_with_two_positive_rates_are_refused() -> None:
    # 1 - 2.3 z + 1.32 z^2 = 0 for z = 1 / (1 + r): z = 1/1.1 and z = 1/1.2, rates 10 % and 20 %.
    flows = [CashFlow(0, 1.0), CashFlow(1, -2.3), CashFlow(2, 1.32)]
    with pytest.raises(TermsError, match=r"several periodic rates \(.*0\.1.*0\.2"):
        periodic_irr(flows)


def test_the_rate_makes_the_present_value_zero_to_1e9() -> None:
    terms = {
        "amount": 25000,
        "frequency": "fortnightly",
        "instalments": 26,
        "interest": {"method": "declining_balance", "rate": 0.035, "per": "month"},
        "fees": [{"name": "Fee", "share": 0.03}],
        "compulsory_savings": {"share": 0.15},
    }
    price = _price(terms)
    r = price.periodic_rate
    npv = math.fsum(f.amount / (1 + r) ** f.time for f in price.flows)
    assert abs(npv) < 1e-9 * terms["amount"]


FREQUENCIES = st.sampled_from(["weekly", "fortnightly", "monthly", "quarterly"])


@settings(max_examples=150, deadline=None)
@given(
    rate=st.floats(min_value=0.001, max_value=3.0),
    count=st.integers(min_value=1, max_value=2000),
    frequency=FREQUENCIES,
)
def test_an_annuity_gives_back_its_nominal_rate(rate: float, count: int, frequency: str) -> None:
    # Equal instalments on the declining balance at `rate` a year: the periodic IRR is rate / ppy.
    terms = {
        "amount": 10000,
        "frequency": frequency,
        "instalments": count,
        "interest": {"method": "declining_balance", "rate": rate},
    }
    price = _price(terms)
    assert price.apr == pytest.approx(rate, rel=1e-9, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(
    rate=st.floats(min_value=0.0, max_value=0.1),
    count=st.integers(min_value=1, max_value=200),
    frequency=FREQUENCIES,
    method=st.sampled_from(["flat", "declining_balance"]),
    fee=st.floats(min_value=0.0, max_value=0.1),
    savings=st.floats(min_value=0.0, max_value=0.3),
    collected=st.sampled_from(["upfront", "each_instalment"]),
)
def test_the_rate_found_zeroes_the_present_value(
    rate: float, count: int, frequency: str, method: str, fee: float, savings: float, collected: str
) -> None:
    per_instalment = savings / count if collected == "each_instalment" else savings
    terms = {
        "amount": 1000,
        "frequency": frequency,
        "instalments": count,
        "interest": {"method": method, "rate": rate, "per": "month"},
        "fees": [{"name": "Fee", "share": fee}],
        "compulsory_savings": {"share": per_instalment, "collected": collected},
    }
    price = price_of(terms)
    if isinstance(price, TermsProblem):  # e.g. no interest and savings back: no positive rate
        assert "no rate" in price.message or "several" in price.message
        return
    r = price.periodic_rate
    assert r >= -1e-12 or rate == 0
    npv = math.fsum(f.amount / (1 + r) ** f.time for f in price.flows)
    assert abs(npv) < 1e-7 * terms["amount"]
