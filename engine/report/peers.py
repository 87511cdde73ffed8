"""The report's "Against its peers" section, from the result's peer benchmark (`assess --peers`).

Input: a `PeerBenchmark` (engine/peers.py computed it); output: a `PeersView` with every number
formatted and every sentence written, so that the template only lays it out.

NOTE: the section's sentences are English only for now: they are not marked for the French and
Spanish catalogues yet (bench/catalogues.py --check would ask for their translations at once).
Numbers follow the report's language. TODO(peers): #12 mark them and translate them.
"""

from __future__ import annotations

from engine.i18n import current_language
from engine.model import PeerBenchmark, PeerStat
from engine.report.model import PeerRow, PeersView
from engine.report.profile import LEGAL_FORM, country_name, ratio, share

QUARTER = {1: "lowest quarter", 2: "second quarter", 3: "third quarter", 4: "highest quarter"}
COLUMNS = (
    "",
    "This institution",
    "Peers",
    "Q1 · median · Q3 (lowest to highest)",
    "Standing",
    "Box: Q1 to Q3, line: median, whiskers: lowest to highest; dot: this institution",
)


def _shown(stat: PeerStat, value: float | None) -> str:
    if value is None:
        return "—"
    return share(value) if stat.unit == "share" else ratio(value)


def standing(stat: PeerStat) -> str:
    """'third quarter, percentile 63; among the best quarter' (or why there is none)."""
    if stat.value is None:
        return "not given" if stat.kind == "figure" else "not rated"
    if stat.percentile is None:
        return "no peer gives it"
    said = f"percentile {stat.percentile:.0f}"
    if stat.quartile is None:  # one peer only: no quartiles
        return said
    best = {"higher": 4, "lower": 1}.get(stat.better)
    worst = {"higher": 1, "lower": 4}.get(stat.better)
    judged = (
        "; among the best quarter"
        if stat.quartile == best
        else "; among the weakest quarter"
        if stat.quartile == worst
        else ""
    )
    return f"{QUARTER[stat.quartile]}, {said}{judged}"


def _row(stat: PeerStat) -> PeerRow:
    spread = f"{_shown(stat, stat.minimum)} to {_shown(stat, stat.maximum)}" if stat.peers else "—"
    way = {"higher": " (higher is better)", "lower": " (lower is better)"}.get(stat.better, "")
    chart_text = (
        f"{stat.label}: peers {spread}, quartiles {_shown(stat, stat.q1)}, "
        f"{_shown(stat, stat.median)}, {_shown(stat, stat.q3)}; this institution "
        f"{_shown(stat, stat.value)}"
    )
    return PeerRow(
        label=f"{stat.label}{way}",
        kind=stat.kind,
        value=_shown(stat, stat.value),
        peers=stat.peers,
        q1=_shown(stat, stat.q1),
        median=_shown(stat, stat.median),
        q3=_shown(stat, stat.q3),
        spread=spread,
        standing=standing(stat),
        minimum=stat.minimum,
        lower=stat.q1,
        middle=stat.median,
        upper=stat.q3,
        maximum=stat.maximum,
        own=stat.value,
        chart_text=chart_text,
    )


def peers_view(benchmark: PeerBenchmark) -> PeersView:
    """The section for a report in the language in force."""
    country = country_name(benchmark.country, current_language())
    form = LEGAL_FORM.get(benchmark.legal_form, benchmark.legal_form) or "legal form not given"
    size = f"{benchmark.size_class} size class" if benchmark.size_class else "size not given"
    group = f"{country}, {form.lower() if benchmark.legal_form else form}, {size}"
    if benchmark.group == "peer_group":
        intro = (
            f"Compared with the {benchmark.peers} institutions of the portfolio table "
            f"{benchmark.source} that share its country, legal form and size class ({group})."
        )
        fallback = ""
    else:
        intro = (
            f"Compared with the {benchmark.peers} other institutions of the portfolio table "
            f"{benchmark.source}, whatever their country, legal form and size (its own group: "
            f"{group})."
        )
        fallback = f"Not by peer group: {benchmark.fallback}."
    left_out = (
        f" The institution itself is left out ({benchmark.left_out} row(s) of the table with its "
        "name and country)."
        if benchmark.left_out
        else ""
    )
    method = (
        f"Scores are overall scores of each framework, from the table's rows of that framework "
        f"(rows of coverage 0 not counted); key figures are those of the evidence files. "
        f"Quartiles: {benchmark.quartile_method} (two peers or more). Percentile: the share of "
        f"peers below the institution plus half of those equal. Quarters: lowest at or below Q1, "
        f"highest above Q3. A peer group needs {benchmark.min_peers} institutions; "
        f"{benchmark.size_rule}.{left_out} Table SHA-256 {benchmark.sha256}."
    )
    return PeersView(
        heading="Against its peers",
        intro=intro,
        fallback=fallback,
        columns=COLUMNS,
        rows=tuple(_row(s) for s in benchmark.stats),
        method=method,
    )
