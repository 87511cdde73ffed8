"""Charts for the report, drawn by matplotlib's SVG backend and embedded inline.

Built from the template context (numbers already in the record); nothing is computed here but the
drawing. The SVG is reproducible: fixed hash salt, no dates, text kept as text so the report's fonts
render it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from engine.report.model import FrameworkView

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
COLOURS = ("#0b4f6c", "#2f7d95", "#7fb8c9", "#c7a100", "#a1231b")
_FONT = ["DejaVu Sans", "Noto Sans", "sans-serif"]


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "spm-audit",
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": _FONT,
            "font.size": 7.5,
            "axes.edgecolor": "#9fb3c2",
            "axes.linewidth": 0.6,
        }
    )
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=72)
    FigureCanvasSVG(figure)
    return figure


def _svg(figure: Any) -> Markup:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = _METADATA.sub("", text[text.index("<svg") :])  # RDF metadata: namespaces, no content
    return Markup(text)  # noqa: S704 - drawn here from numbers and escaped labels


def dimension_chart(frameworks: Sequence[FrameworkView]) -> Markup:
    """Score and coverage of every top-level node, one panel per framework."""
    sizes = [len(f.top) for f in frameworks]
    figure = _figure(6.9, 0.2 + 0.22 * sum(sizes) + 0.5 * len(frameworks))
    axes = figure.subplots(len(frameworks), 1, squeeze=False, gridspec_kw={"height_ratios": sizes})[
        :, 0
    ]
    for ax, framework in zip(axes, frameworks, strict=True):
        nodes = list(reversed(framework.top))
        labels = [f"{n.id} {n.title[:48]}" for n in nodes]
        scores = [0 if n.score is None else float(n.score) * 100 for n in nodes]
        coverage = [0 if n.coverage is None else float(n.coverage) * 100 for n in nodes]
        positions = range(len(nodes))
        ax.barh(positions, scores, height=0.62, color=COLOURS[1], label="score")
        ax.scatter(
            coverage, positions, marker="|", s=90, color=COLOURS[3], label="coverage", zorder=3
        )
        for y, value, cover, node in zip(positions, scores, coverage, nodes, strict=True):
            label = "not rated" if node.score is None else f"{value:.0f} %"
            if cover < 100:
                label += f" · coverage {cover:.0f} %"
            ax.text(101, y, label, va="center", fontsize=7)
        ax.set_yticks(list(positions), labels)
        ax.set_xlim(0, 112 if min(coverage, default=100) >= 100 else 140)
        ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
        ax.set_title(framework.id, loc="left", fontsize=8, fontweight="bold", color=COLOURS[0])
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(length=0)
    figure.tight_layout(h_pad=1.2)
    return _svg(figure)


def pathway_chart(frameworks: Sequence[FrameworkView]) -> Markup:
    """Mean score per stage of the social performance pathway, grouped by framework."""
    # Stages no framework places an indicator on (often impact) would be empty columns.
    used = [
        k
        for k in range(len(frameworks[0].pathway))
        if any(f.pathway[k].indicators for f in frameworks)
    ]
    stages = [frameworks[0].pathway[k].label for k in used]
    figure = _figure(6.9, 2.5)
    ax = figure.subplots()
    width = 0.8 / len(frameworks)
    for index, framework in enumerate(frameworks):
        values = [
            0 if p.score is None else float(p.score) * 100
            for p in (framework.pathway[k] for k in used)
        ]
        offsets = [s + index * width - 0.4 + width / 2 for s in range(len(stages))]
        ax.bar(
            offsets,
            values,
            width=width * 0.92,
            color=COLOURS[index % len(COLOURS)],
            label=framework.id,
        )
    ax.set_xticks(range(len(stages)), [s.replace(" and ", " &\n") for s in stages])
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        frameon=False, fontsize=7, ncols=len(frameworks), loc="lower left", bbox_to_anchor=(0, 1.0)
    )
    figure.tight_layout()
    return _svg(figure)
