"""The report's charts as inline SVG, drawn from the typed report: no plotting library.

Text stays text (the report's fonts render it, and it is escaped); no element has an id, so the
charts never collide with the page's anchors; each chart has a title and a description for
screen readers. Nothing is computed here but coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from markupsafe import Markup, escape

from engine.i18n import gettext as _
from engine.report.model import FrameworkView, PathwayRow

WIDTH = 690
LABEL = 250  # room for the row labels
BAR = 340  # the length of 100 %
ROW = 17
COLOURS = {
    "score": "#2f7d95",
    "coverage": "#c7a100",
    "met": "#2e8540",
    "partial": "#d9a400",
    "failed": "#b3261e",
    "not_assessed": "#5a74b8",
    "axis": "#9fb3c2",
    "title": "#0b4f6c",
    "text": "#1d232b",
}
FONT = 'font-family="DejaVu Sans, Noto Sans, sans-serif"'


def _x(share: Fraction | float) -> float:
    return LABEL + BAR * float(share)


def _text(
    x: float, y: float, text: str, *, size: float = 9, anchor: str = "start", **style: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in style.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{COLOURS["text"]}"{extra}>{escape(text)}</text>'
    )


def _svg(height: float, title: str, description: str, body: Sequence[str]) -> Markup:
    return Markup(  # noqa: S704 - every text is escaped above, numbers are formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" {FONT}>'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _axis(y_top: float, y_bottom: float) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = _x(Fraction(tick, 100))
        parts.append(
            f'<line x1="{x:.1f}" y1="{y_top:.1f}" x2="{x:.1f}" y2="{y_bottom:.1f}" '
            f'stroke="{COLOURS["axis"]}" stroke-width="0.5"/>'
        )
        parts.append(_text(x, y_bottom + 10, f"{tick} %", size=7.5, anchor="middle"))
    return parts


def dimension_chart(frameworks: Sequence[FrameworkView]) -> Markup:
    """Score of every top-level part of every framework, with a tick at its coverage."""
    body: list[str] = []
    y = 4.0
    described = []
    for framework in frameworks:
        body.append(_text(0, y + 10, framework.short_title, size=9.5, font_weight="bold"))
        y += 16
        top = y
        for node in framework.top:
            label = f"{node.id} {node.title}"
            label = label if len(label) <= 46 else label[:45] + "…"
            body.append(_text(LABEL - 6, y + 11, label, size=8, anchor="end"))
            if node.score is not None:
                body.append(
                    f'<rect x="{LABEL}" y="{y + 3:.1f}" width="{BAR * float(node.score):.1f}" '
                    f'height="{ROW - 6}" fill="{COLOURS["score"]}"/>'
                )
            if node.coverage is not None:
                cx = _x(node.coverage)
                body.append(
                    f'<line x1="{cx:.1f}" y1="{y + 1:.1f}" x2="{cx:.1f}" y2="{y + ROW - 1:.1f}" '
                    f'stroke="{COLOURS["coverage"]}" stroke-width="2"/>'
                )
            if node.previous_score is not None:  # a triangle over the bar at the earlier score
                px = _x(node.previous_score)
                body.append(
                    f'<path d="M{px - 3.5:.1f},{y:.1f} L{px + 3.5:.1f},{y:.1f} '
                    f'L{px:.1f},{y + 6:.1f} Z" fill="{COLOURS["text"]}"/>'
                )
            shown = _("not rated") if node.score is None else node.score_pct
            if node.trend:
                shown += f" ({node.trend})"
            if node.coverage is not None and node.coverage < 1:
                shown += f" · {_('coverage')} {node.coverage_pct}"
            body.append(_text(_x(1) + 8, y + 11, shown, size=8))
            was = f", {node.trend_text}" if node.trend_text else ""
            described.append(f"{framework.short_title} {node.id}: {shown}{was}")
            y += ROW
        body[len(body) :] = _axis(top, y)
        y += 22
    return _svg(
        y,
        _("Scores of each top-level part, with coverage"),
        "; ".join(described),
        body,
    )


def _stage_shares(row: PathwayRow) -> list[tuple[str, Fraction]]:
    counted = row.met + row.partial + row.failed + row.not_assessed
    if not counted:
        return []
    return [
        (kind, Fraction(n, counted))
        for kind, n in (
            ("met", row.met),
            ("partial", row.partial),
            ("failed", row.failed),
            ("not_assessed", row.not_assessed),
        )
    ]


def pathway_chart(frameworks: Sequence[FrameworkView]) -> Markup:
    """Per stage of the pathway, the shares of its indicators met, partly met, not met, not assessed."""
    body: list[str] = []
    described = []
    y = 4.0
    legend = (
        ("met", _("met")),
        ("partial", _("partly met")),
        ("failed", _("not met")),
        ("not_assessed", _("not assessed")),
    )
    x = float(LABEL)
    for kind, label in legend:
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="9" height="9" fill="{COLOURS[kind]}"/>')
        body.append(_text(x + 12, y + 8, label, size=8))
        x += max(88, 20 + 4.6 * len(label))  # longer words in French and Spanish
    y += 18
    for framework in frameworks:
        rows = [r for r in framework.pathway if r.indicators]
        body.append(_text(0, y + 10, framework.short_title, size=9.5, font_weight="bold"))
        y += 16
        top = y
        for row in rows:
            body.append(_text(LABEL - 6, y + 11, row.label, size=8, anchor="end"))
            start = Fraction(0)
            for kind, part in _stage_shares(row):
                if part:
                    body.append(
                        f'<rect x="{_x(start):.1f}" y="{y + 3:.1f}" width="{BAR * float(part):.1f}" '
                        f'height="{ROW - 6}" fill="{COLOURS[kind]}"/>'
                    )
                start += part
            body.append(
                _text(
                    _x(1) + 8,
                    y + 11,
                    _("{count} indicators").format(count=row.indicators),
                    size=8,
                )
            )
            described.append(
                f"{framework.short_title} {row.label}: "
                + _(
                    "{met} met, {partial} partly, {failed} not met, {not_assessed} not assessed"
                ).format(
                    met=row.met,
                    partial=row.partial,
                    failed=row.failed,
                    not_assessed=row.not_assessed,
                )
            )
            y += ROW
        body[len(body) :] = _axis(top, y)
        y += 22
    return _svg(y, _("The social performance pathway"), "; ".join(described), body)
