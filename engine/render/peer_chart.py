"""The "Against its peers" box plots as inline SVG, one small chart per row of the section.

Each row has its own scale, from the lowest to the highest of the peers' values and the
institution's: whiskers from the peers' lowest to highest, a box from Q1 to Q3, a line at the
median, a dot at the institution's value. Nothing is computed here but coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from engine.render.svg import COLOURS, FONT
from engine.report.model import PeerRow

WIDTH = 150
HEIGHT = 16
PAD = 6  # room for the dot at either end


def _x(value: float, low: float, high: float) -> float:
    return PAD + (WIDTH - 2 * PAD) * (value - low) / (high - low)


def peer_box(row: PeerRow) -> Markup:
    """One row's box plot ('' when no peer gives the value)."""
    known = [v for v in (row.minimum, row.maximum, row.own) if v is not None]
    if row.minimum is None or row.maximum is None or not known:
        return Markup("")
    low, high = min(known), max(known)
    if high == low:  # every value the same: centre them
        low, high = low - 1, high + 1
    mid = HEIGHT / 2
    body = [
        f'<line x1="{_x(row.minimum, low, high):.1f}" y1="{mid:.1f}" '
        f'x2="{_x(row.maximum, low, high):.1f}" y2="{mid:.1f}" stroke="{COLOURS["axis"]}" '
        'stroke-width="1.5"/>'
    ]
    if row.lower is not None and row.upper is not None:
        x1, x2 = _x(row.lower, low, high), _x(row.upper, low, high)
        body.append(
            f'<rect x="{x1:.1f}" y="3" width="{max(x2 - x1, 1):.1f}" height="{HEIGHT - 6}" '
            f'fill="#d4e6ec" stroke="{COLOURS["score"]}" stroke-width="0.8"/>'
        )
    if row.middle is not None:
        xm = _x(row.middle, low, high)
        body.append(
            f'<line x1="{xm:.1f}" y1="2" x2="{xm:.1f}" y2="{HEIGHT - 2}" '
            f'stroke="{COLOURS["title"]}" stroke-width="1.5"/>'
        )
    if row.own is not None:
        body.append(
            f'<circle cx="{_x(row.own, low, high):.1f}" cy="{mid:.1f}" r="3.5" '
            f'fill="{COLOURS["failed"]}"/>'
        )
    return Markup(  # noqa: S704 - the only text is escaped, numbers are formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" {FONT}><title>{escape(row.label)}</title>'
        f"<desc>{escape(row.chart_text)}</desc>" + "".join(body) + "</svg>"
    )


def peer_boxes(rows: Sequence[PeerRow]) -> tuple[Markup, ...]:
    """A box plot for every row, in order."""
    return tuple(peer_box(r) for r in rows)
