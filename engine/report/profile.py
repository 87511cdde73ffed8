"""The institution's profile and key figures, and its social goals against their targets.

Read from the evidence facts as given; the only figures computed here are ratios the frameworks
define from those facts (client retention as IRIS PI9319, staff turnover), and each says so.
Every figure names where it comes from: the document the evidence gives for its part of the facts
(`fact_sources`), else the evidence file, as of the end of the reporting period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from babel import Locale

from engine.derived import as_number, fact_at
from engine.i18n import N_, current_language, date_text, number
from engine.i18n import gettext as _
from engine.model import EvidenceSet, RuleSet
from engine.report.labels import Words
from engine.report.model import FigureGroup, GoalRow, KeyFigure

LEGAL_FORM = Words(
    {
        "ngo": N_("Non-governmental organisation"),
        "cooperative": N_("Cooperative"),
        "credit_union": N_("Credit union"),
        "nbfi": N_("Non-bank financial institution"),
        "microfinance_bank": N_("Microfinance bank"),
        "commercial_bank": N_("Commercial bank"),
        "fintech": N_("Fintech"),
        "other": N_("Other"),
    }
)


def country_name(code: str, language: str = "en") -> str:
    """'Haiti' for 'HT' (the code itself if Babel does not know it)."""
    return str(Locale(language).territories.get(code, code))


def share(value: float) -> str:
    """0.071 → '7.1 %'; whole percentages lose the decimal."""
    shown = number(value * 100, 1)
    return f"{shown.removesuffix('.0').removesuffix(',0')} %"


def count(value: float) -> str:
    """58400 → '58,400'."""
    if current_language() == "en":
        return f"{value:,.0f}"
    return number(value, 0) if abs(value) < 10000 else _grouped(value, 0)


def _grouped(value: float, digits: int) -> str:
    """A number with the locale's thousands separator ('58 400' in French)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=current_language()))


def ratio(value: float) -> str:
    """1.14 → '1.14'."""
    return number(value, 2)


@dataclass(frozen=True, slots=True)
class _Figure:
    label: str
    path: str
    shown: Callable[[float], str]


_GROUPS: tuple[tuple[str, tuple[_Figure, ...]], ...] = (
    (
        N_("Outreach"),
        (
            _Figure(N_("Active clients"), "clients.active_clients", count),
            _Figure(N_("Active borrowers"), "clients.active_borrowers", count),
            _Figure(N_("Active depositors"), "clients.active_depositors", count),
            _Figure(N_("Women among clients"), "clients.women_share", share),
            _Figure(N_("Rural clients"), "clients.rural_share", share),
            _Figure(N_("Clients below the poverty line"), "clients.poor_share", share),
            _Figure(N_("First-time borrowers"), "clients.first_time_borrowers_share", share),
            _Figure(N_("Branches"), "profile.branches", count),
            _Figure(N_("Rural branches"), "profile.rural_branches", count),
        ),
    ),
    (
        N_("Portfolio"),
        (
            _Figure(N_("Portfolio at risk over 30 days (PAR30)"), "portfolio.par30", share),
            _Figure(N_("Portfolio at risk over 90 days"), "portfolio.par90", share),
            _Figure(N_("Write-offs"), "portfolio.write_off_ratio", share),
            _Figure(N_("Restructured loans"), "portfolio.restructured_share", share),
            _Figure(
                N_("Average loan / GNI per capita"),
                "portfolio.average_loan_to_gni_per_capita",
                ratio,
            ),
            _Figure(
                N_("Borrowers with 3 or more lenders"), "portfolio.multiple_borrowing_share", share
            ),
            _Figure(N_("Growth in borrowers"), "portfolio.borrower_growth", share),
            _Figure(N_("Growth in portfolio"), "portfolio.portfolio_growth", share),
        ),
    ),
    (
        N_("Financial"),
        (
            _Figure(
                N_("Operational self-sufficiency"), "finance.operational_self_sufficiency", ratio
            ),
            _Figure(N_("Return on assets"), "finance.return_on_assets", share),
            _Figure(N_("Return on equity"), "finance.return_on_equity", share),
            _Figure(N_("Operating expense ratio"), "finance.operating_expense_ratio", share),
            _Figure(N_("Portfolio yield"), "finance.portfolio_yield", share),
        ),
    ),
    (
        N_("Staff"),
        (
            _Figure(N_("Staff"), "staff.total", count),
            _Figure(N_("Women among staff"), "staff.women_share", share),
            _Figure(N_("Women in management"), "staff.women_in_management_share", share),
            _Figure(N_("Clients per loan officer"), "staff.clients_per_loan_officer", count),
        ),
    ),
)


class _Sources:
    """The document each part of the facts comes from: its id beside a figure, its title once."""

    def __init__(self, evidence: EvidenceSet, shows_document: Callable[[bool], bool]) -> None:
        self.evidence = evidence
        self.shows_document = shows_document
        self.used: dict[str, str] = {}  # id -> 'title, date', in the order first cited

    def of(self, path: str) -> str:
        document = self.evidence.documents.get(
            self.evidence.fact_sources.get(path.split(".")[0], "")
        )
        if document is None or not self.shows_document(document.confidential):
            return _("evidence file")
        dated = f", {date_text(document.date)}" if document.date else ""
        self.used.setdefault(document.id, f"{document.title}{dated}")
        return document.id

    def text(self) -> str:
        """'Sources: K-MIS Social performance dashboard, 2026-01-10; …' ('' when none)."""
        listed = "; ".join(f"{i} {title}" for i, title in self.used.items())
        return _("Sources: {listed}.").format(listed=listed) if listed else ""


def key_figures(
    evidence: EvidenceSet, shows_document: Callable[[bool], bool]
) -> tuple[tuple[FigureGroup, ...], str]:
    """The profile's figures, grouped (only those the evidence gives), and their sources."""
    facts = evidence.facts
    sources = _Sources(evidence, shows_document)
    groups = []
    for title, figures in _GROUPS:
        rows = [
            KeyFigure(_(f.label), f.shown(value), sources.of(f.path))
            for f in figures
            if (value := as_number(fact_at(facts, f.path))) is not None
        ]
        rows.extend(_computed(title, facts, sources))
        if rows:
            groups.append(FigureGroup(_(title), tuple(rows)))
    prices = _prices(facts, sources)
    if prices:
        groups.append(FigureGroup(_("Prices"), prices))
    as_of = _("Figures as of {day}, the end of the reporting period.").format(
        day=date_text(evidence.dates.period_end)
    )
    return tuple(groups), f"{as_of} {sources.text()}".strip()


def _computed(group: str, facts: Mapping[str, object], sources: _Sources) -> list[KeyFigure]:
    """Ratios the frameworks define from the facts, computed here and labelled as such."""
    found = []
    if group == "Outreach":
        active, new, start = (
            as_number(fact_at(facts, f"clients.{k}"))
            for k in ("active_clients", "new_clients", "clients_start_of_period")
        )
        if active is not None and new is not None and start:
            found.append(
                KeyFigure(
                    _("Client retention (computed, IRIS PI9319)"),
                    share((active - new) / start),
                    sources.of("clients"),
                )
            )
    if group == "Outreach":
        survey = fact_at(facts, "client_survey")
        estimate = as_number(fact_at(facts, "client_survey.poor_share"))
        if isinstance(survey, Mapping) and estimate is not None:
            low, high = (
                as_number(survey.get("poor_share_low")),
                as_number(survey.get("poor_share_high")),
            )
            interval = (
                _(", 95 % interval {low} to {high}").format(low=share(low), high=share(high))
                if low is not None and high is not None
                else ""
            )
            found.append(
                KeyFigure(
                    _(
                        "Clients below the poverty line (survey of {households} households, "
                        "scorecard {scorecard}{fictional})"
                    ).format(
                        households=survey.get("households_scored"),
                        scorecard=survey.get("scorecard"),
                        fictional=_(", FICTIONAL") if survey.get("scorecard_fictional") else "",
                    ),
                    f"{share(estimate)}{interval}",
                    sources.of("client_survey"),
                )
            )
    if group == "Staff":
        total, at_start, departures = (
            as_number(fact_at(facts, f"staff.{k}")) for k in ("total", "at_start", "departures")
        )
        if total is not None and at_start is not None and departures is not None:
            average = (total + at_start) / 2
            if average:
                found.append(
                    KeyFigure(
                        _("Staff turnover (computed: departures / average staff)"),
                        share(departures / average),
                        sources.of("staff"),
                    )
                )
    return found


def _prices(facts: Mapping[str, object], sources: _Sources) -> tuple[KeyFigure, ...]:
    products = fact_at(facts, "products")
    loans = (
        [p for p in products if isinstance(p, Mapping) and p.get("type") == "loan"]
        if isinstance(products, list)
        else []
    )
    aprs = [a for p in loans if (a := as_number(p.get("apr"))) is not None]
    rows = []
    if aprs:
        low, high = min(aprs), max(aprs)
        span = (
            share(low)
            if low == high
            else _("{low} to {high}").format(low=share(low), high=share(high))
        )
        rows.append(
            KeyFigure(
                _("APR of loan products ({count} of {total})").format(
                    count=len(aprs), total=len(loans)
                ),
                span,
                sources.of("products"),
            )
        )
    for loan in loans:
        computed, eir = as_number(loan.get("apr_computed")), as_number(loan.get("eir_computed"))
        if computed is not None and eir is not None:
            declared = as_number(loan.get("apr"))
            said = (
                _(", {rate} declared").format(rate=share(declared)) if declared is not None else ""
            )
            # the figure alone in the value column (it does not wrap); the rest in the label
            rows.append(
                KeyFigure(
                    _(
                        "APR of {product} computed from its terms (MicroFinance Transparency "
                        "method; EIR {eir}{declared})"
                    ).format(
                        product=loan.get("name", loan.get("id")), eir=share(eir), declared=said
                    ),
                    share(computed),
                    sources.of("products"),
                )
            )
    peer = as_number(fact_at(facts, "market.peer_median_apr"))
    if peer is not None:
        rows.append(KeyFigure(_("Peers' median APR"), share(peer), sources.of("market")))
    has_cap = fact_at(facts, "market.has_interest_rate_cap")
    cap = as_number(fact_at(facts, "market.interest_rate_cap"))
    if cap is not None:
        rows.append(KeyFigure(_("Legal interest-rate cap"), share(cap), sources.of("market")))
    elif has_cap is False:
        rows.append(KeyFigure(_("Legal interest-rate cap"), _("none"), sources.of("market")))
    elif has_cap is True:
        rows.append(
            KeyFigure(
                _("Legal interest-rate cap"), _("exists; level not given"), sources.of("market")
            )
        )
    return tuple(rows)


def _verdict(goal: Mapping[str, object]) -> tuple[str, str]:
    """(status, label): met, missed, or no data."""
    target, actual = as_number(goal.get("target")), as_number(goal.get("actual"))
    if target is None or actual is None:
        return "no_data", _("No data")
    met = actual <= target if goal.get("direction") == "decrease" else actual >= target
    return ("met", _("Met")) if met else ("missed", _("Missed"))


def _goal_value(goal: Mapping[str, object], key: str) -> str:
    value = as_number(goal.get(key))
    if value is None:
        return "—"
    if goal.get("unit") in ("share", "rate", "%"):
        return share(value)
    if value == int(value):
        return count(value)
    return f"{value:,.2f}" if current_language() == "en" else _grouped(value, 2)


def social_goals(
    evidence: EvidenceSet, rule_sets: Sequence[RuleSet]
) -> tuple[tuple[GoalRow, ...], tuple[str, ...]]:
    """Every social goal of the evidence against its target, and the indicators that read them."""
    raw = evidence.facts.get("social_goals")
    goals = [g for g in raw if isinstance(g, Mapping)] if isinstance(raw, list) else []
    rows = []
    for goal in goals:
        status, label = _verdict(goal)
        rows.append(
            GoalRow(
                id=str(goal.get("id", "")),
                goal=str(goal.get("goal", "")),
                indicator=str(goal.get("indicator", "")),
                baseline=_goal_value(goal, "baseline"),
                target=_goal_value(goal, "target"),
                actual=_goal_value(goal, "actual"),
                deadline=str(goal.get("deadline", "")),
                status=status,
                status_label=label,
            )
        )
    resting = tuple(
        f"{rs.id} {i.id}"
        for rs in rule_sets
        for i in rs.indicators()
        if any(
            p.startswith("social_goals") for c in (i.check, i.partial_check) if c for p in c.paths
        )
    )
    return tuple(rows), resting
