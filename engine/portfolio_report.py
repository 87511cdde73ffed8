"""The portfolio summary for people: `portfolio.html` and `portfolio.pdf`.

Input: a `PortfolioSummary` (exact numbers). This module formats it into a view of plain strings
and draws the charts (inline SVG, as the institution report's charts: no plotting library, text
escaped, a title and a description for screen readers); the Jinja template
`report_templates/portfolio.html.j2` only shows the view. The PDF is the same HTML laid out by
WeasyPrint with nothing fetched; it is dated with the latest assessment of the portfolio, so the
same batch gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape

from engine.errors import RenderError
from engine.portfolio_summary import FrameworkSummary, PortfolioSummary, Quartiles
from engine.render import fonts
from engine.render.html_report import environment
from engine.render.pdf_layout import layout
from engine.render.svg import FONT

TEMPLATE = "portfolio.html.j2"
EPOCH = "1980-01-01"  # the date of a summary without assessments
WIDTH = 690
LEFT = 36  # room for the count axis
PLOT = 630  # the length of 0-100 %
BARS_TOP = 24
BARS = 110  # the height of the tallest bar
STRIP_AT = BARS_TOP + BARS + 30  # the box plot's middle line
DOTS_UP_TO = 150  # a dot per institution up to this many (beyond, the histogram says it)
COLOURS = {
    "bar": "#2f7d95",
    "box": "#c9dde4",
    "line": "#0b4f6c",
    "dot": "#1d232b",
    "axis": "#9fb3c2",
    "text": "#1d232b",
}


def pct(value: Fraction | None) -> str:
    """A share as a percentage with one decimal ('—' when missing)."""
    return "—" if value is None else f"{float(value * 100):.1f} %"  # exact before rounding


def _count(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True, slots=True)
class QuartileRow:
    """One line of the quartile table."""

    measure: str
    count: str
    minimum: str
    q1: str
    median: str
    q3: str
    maximum: str


@dataclass(frozen=True, slots=True)
class CountRow:
    """A label, a number and its share of the framework's institutions."""

    label: str
    detail: str
    count: str
    share: str


@dataclass(frozen=True, slots=True)
class GateRow:
    """One gate across the portfolio."""

    title: str
    id: str
    failed: str
    undecided: str
    passed: str


@dataclass(frozen=True, slots=True)
class PeerRow:
    """One peer group's quartiles."""

    dimension: str
    group: str
    count: str
    score_q1: str
    score_median: str
    score_q3: str
    coverage_median: str


@dataclass(frozen=True, slots=True)
class FrameworkView:
    """One framework's section."""

    id: str
    title: str
    versions: str
    institutions: str
    note: str
    chart: Markup
    quartiles: tuple[QuartileRow, ...]
    grades: tuple[CountRow, ...]
    grades_note: str
    gates: tuple[GateRow, ...]
    indicators: tuple[CountRow, ...]
    indicators_note: str
    peers: tuple[PeerRow, ...]


@dataclass(frozen=True, slots=True)
class NotAssessedRow:
    """A file that was not assessed."""

    file: str
    status: str
    problems: str
    first_problem: str


@dataclass(frozen=True, slots=True)
class PortfolioView:
    """Everything the template shows, as text."""

    title: str
    overview: str
    dates: str
    dated: str  # the latest assessment (ISO): the document's date, for the same bytes every time
    frameworks: tuple[FrameworkView, ...]
    not_assessed: tuple[NotAssessedRow, ...]
    quartile_method: str
    size_rule: str
    peer_note: str
    language: str = "en"  # the summary is in English (print.css reads it as `r.language`)


def _quartile_row(measure: str, q: Quartiles | None) -> QuartileRow:
    if q is None:
        return QuartileRow(measure, "0", "—", "—", "—", "—", "—")
    return QuartileRow(
        measure,
        _count(q.count),
        pct(q.minimum),
        pct(q.q1),
        pct(q.median),
        pct(q.q3),
        pct(q.maximum),
    )


def _share(count: int, total: int) -> str:
    return pct(Fraction(count, total)) if total else "—"


def _text(x: float, y: float, text: str, *, size: float = 8, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{COLOURS["text"]}">{escape(text)}</text>'
    )


def _x(share: Fraction) -> float:
    return LEFT + PLOT * float(share)


def distribution_chart(f: FrameworkSummary) -> Markup:
    """The histogram of overall scores (10-point bins), and under it the quartiles as a box plot."""
    body: list[str] = []
    tallest = max((b.count for b in f.histogram), default=0) or 1
    for b in f.histogram:
        x0, x1 = _x(b.low) + 1.5, _x(b.high) - 1.5
        height = BARS * b.count / tallest
        top = BARS_TOP + BARS - height
        if b.count:
            body.append(
                f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS["bar"]}"/>'
            )
            body.append(_text((x0 + x1) / 2, top - 3, _count(b.count)))
    base = BARS_TOP + BARS
    body.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{LEFT + PLOT}" y2="{base}" stroke="{COLOURS["axis"]}"/>'
    )
    for tick in range(0, 101, 10):
        x = _x(Fraction(tick, 100))
        body.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 3}" '
            f'stroke="{COLOURS["axis"]}"/>'
        )
        body.append(_text(x, base + 12, f"{tick} %", size=7.5))
    body.append(_text(4, 9, "institutions by overall score", size=7.5, anchor="start"))
    q = f.score
    y = STRIP_AT
    if q is not None:
        body.append(_text(4, y + 3, "score", size=7.5, anchor="start"))
        body.append(
            f'<line x1="{_x(q.minimum):.1f}" y1="{y}" x2="{_x(q.maximum):.1f}" y2="{y}" '
            f'stroke="{COLOURS["line"]}" stroke-width="1"/>'
        )
        body.extend(
            f'<line x1="{_x(end):.1f}" y1="{y - 5}" x2="{_x(end):.1f}" y2="{y + 5}" '
            f'stroke="{COLOURS["line"]}" stroke-width="1"/>'
            for end in (q.minimum, q.maximum)
        )
        body.append(
            f'<rect x="{_x(q.q1):.1f}" y="{y - 8}" width="{_x(q.q3) - _x(q.q1):.1f}" height="16" '
            f'fill="{COLOURS["box"]}" stroke="{COLOURS["line"]}" stroke-width="1"/>'
        )
        body.append(
            f'<line x1="{_x(q.median):.1f}" y1="{y - 8}" x2="{_x(q.median):.1f}" y2="{y + 8}" '
            f'stroke="{COLOURS["line"]}" stroke-width="2.5"/>'
        )
        if len(f.scores) <= DOTS_UP_TO:
            body.extend(
                f'<circle cx="{_x(s):.1f}" cy="{y + 13 + 3 * (n % 3)}" r="1.8" '
                f'fill="{COLOURS["dot"]}" fill-opacity="0.55"/>'
                for n, s in enumerate(f.scores)
            )
    height = STRIP_AT + 26
    described = "; ".join(f"{pct(b.low)} to {pct(b.high)}: {b.count}" for b in f.histogram) + (
        f". Minimum {pct(q.minimum)}, first quartile {pct(q.q1)}, median {pct(q.median)}, "
        f"third quartile {pct(q.q3)}, maximum {pct(q.maximum)}"
        if q
        else ". No institution rated"
    )
    return Markup(  # noqa: S704 - every text is escaped, numbers are formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" {FONT}>'
        f"<title>{escape(f'{f.title}: institutions by overall score')}</title>"
        f"<desc>{escape(described)}</desc>" + "".join(body) + "</svg>"
    )


def _framework_view(f: FrameworkSummary) -> FrameworkView:
    n = f.institutions
    notes = []
    if f.no_evidence:
        notes.append(
            f"{_count(f.no_evidence)} more assessed with no evidence for this framework "
            "(coverage 0 %), left out of every figure"
        )
    if f.not_rated:
        notes.append(f"{_count(f.not_rated)} not rated (nothing to count), left out of the scores")
    if len(f.scores) > DOTS_UP_TO:
        notes.append("one bar per 10 points; the box spans the first to the third quartile")
    else:
        notes.append(
            "one bar per 10 points; the box spans the first to the third quartile, "
            "a dot is an institution"
        )
    grades = tuple(
        CountRow(g.grade or "—", g.label, _count(g.count), _share(g.count, n)) for g in f.grades
    )
    gates = tuple(
        GateRow(g.title, g.id, _count(g.failed), _count(g.undecided), _count(g.passed))
        for g in f.gates
    )
    indicators = tuple(
        CountRow(
            i.id,
            i.title + (" (critical)" if i.critical else ""),
            _count(i.failed),
            _share(i.failed, n),
        )
        for i in f.indicators
    )
    peers = tuple(
        PeerRow(
            p.dimension,
            p.name,
            _count(p.score.count if p.score else 0),
            pct(p.score.q1 if p.score else None),
            pct(p.score.median if p.score else None),
            pct(p.score.q3 if p.score else None),
            pct(p.coverage.median if p.coverage else None),
        )
        for p in f.peers
    )
    return FrameworkView(
        id=f.id,
        title=f.title,
        versions=", ".join(f.versions),
        institutions=_count(n),
        note="; ".join(notes) + ".",
        chart=distribution_chart(f),
        quartiles=(_quartile_row("overall score", f.score), _quartile_row("coverage", f.coverage)),
        grades=grades,
        grades_note="" if grades else "This rule set gives no grade.",
        gates=gates,
        indicators=indicators,
        indicators_note=(
            f"The {len(indicators)} indicators not met at the most institutions, of "
            f"{_count(f.indicators_failed)} not met somewhere."
            if indicators
            else "No indicator is failed at any institution."
        ),
        peers=peers,
    )


def portfolio_view(summary: PortfolioSummary) -> PortfolioView:
    """The summary as the text the template shows."""
    refused = len(summary.not_assessed)
    overview = (
        f"{_count(summary.files)} evidence files: {_count(summary.assessed)} assessed"
        + (f", {_count(refused)} not assessed (listed at the end)" if refused else "")
        + f"; {len(summary.frameworks)} framework(s)."
    )
    dates = (
        f"Assessments dated {summary.first_assessed} to {summary.last_assessed}."
        if summary.first_assessed and summary.first_assessed != summary.last_assessed
        else f"Assessments dated {summary.first_assessed}."
        if summary.first_assessed
        else ""
    )
    peer_note = "Peer groups by " + ", ".join(summary.dimensions) + "."
    if summary.dimensions_absent:
        peer_note += (
            " No institution records its "
            + " or ".join(
                "number of active borrowers (size class)" if d == "size class" else d
                for d in summary.dimensions_absent
            )
            + ", so the portfolio is not grouped by it."
        )
    return PortfolioView(
        title="Portfolio screening summary",
        overview=overview,
        dates=dates,
        dated=summary.last_assessed or EPOCH,
        frameworks=tuple(_framework_view(f) for f in summary.frameworks),
        not_assessed=tuple(
            NotAssessedRow(n.file, n.status, _count(n.problems), n.first_problem)
            for n in summary.not_assessed
        ),
        quartile_method=f"Quartiles: {summary.quartile_method}.",
        size_rule=f"Size classes: {summary.size_rule}.",
        peer_note=peer_note,
    )


def portfolio_html(summary: PortfolioSummary) -> str:
    """The summary as one self-contained HTML document (inline CSS and charts)."""
    view = portfolio_view(summary)
    return environment().get_template(TEMPLATE).render(p=view, r=view)  # r: for print.css


def portfolio_pdf(summary: PortfolioSummary, html: str | None = None) -> bytes:
    """The summary as PDF (from `html` when it is already rendered).

    Raises:
        RenderError: WeasyPrint or fonts are missing, or no installed font draws a character.
    """
    if not fonts.has_fonts():
        raise RenderError(f"no fonts found for the PDF summary: {fonts.BASE_HINT}")
    html = portfolio_html(summary) if html is None else html
    lost = fonts.missing(set(html))
    if lost:
        shown = ", ".join(fonts.describe(c) for c in lost[:5]) + (" …" if len(lost) > 5 else "")
        raise RenderError(
            f"no installed font can draw {shown} in the portfolio summary (portfolio.html is "
            f"written): {fonts.hint(lost)}, or run `spm-audit doctor`"
        )
    return layout(html, summary.last_assessed or EPOCH)
