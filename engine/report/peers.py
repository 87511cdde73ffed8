"""The report's "Against its peers" section, from the result's peer benchmark (`assess --peers`).

Input: a `PeerBenchmark` (engine/peers.py computed it); output: a `PeersView` with every number
formatted and every sentence written, so that the template only lays it out.

The sentences, the key figures' labels and the size rule are said in the report's language (the
catalogues); the numbers follow its locale; framework titles are the rule sets' own.
"""

from __future__ import annotations

from engine.i18n import N_, current_language
from engine.i18n import gettext as _
from engine.model.peers import PeerBenchmark, PeerStat
from engine.report.model import PeerRow, PeersView
from engine.report.profile import LEGAL_FORM, country_name, ratio, share

QUARTER = {
    1: N_("lowest quarter"),
    2: N_("second quarter"),
    3: N_("third quarter"),
    4: N_("highest quarter"),
}
COLUMNS = (
    "",
    N_("This institution"),
    N_("Peers"),
    N_("Q1 · median · Q3 (lowest to highest)"),
    N_("Standing"),
    N_("Box: Q1 to Q3, line: median, whiskers: lowest to highest; dot: this institution"),
)
SIZE_CLASS = {"small": N_("small"), "medium": N_("medium"), "large": N_("large")}


def _shown(stat: PeerStat, value: float | None) -> str:
    if value is None:
        return "—"
    return share(value) if stat.unit == "share" else ratio(value)


def standing(stat: PeerStat) -> str:
    """'third quarter, percentile 63; among the best quarter' (or why there is none)."""
    if stat.value is None:
        return _("not given") if stat.kind == "figure" else _("not rated")
    if stat.percentile is None:
        return _("no peer gives it")
    said = _("percentile {rank}").format(rank=f"{stat.percentile:.0f}")
    if stat.quartile is None:  # one peer only: no quartiles
        return said
    best = {"higher": 4, "lower": 1}.get(stat.better)
    worst = {"higher": 1, "lower": 4}.get(stat.better)
    judged = (
        _("; among the best quarter")
        if stat.quartile == best
        else _("; among the weakest quarter")
        if stat.quartile == worst
        else ""
    )
    return f"{_(QUARTER[stat.quartile])}, {said}{judged}"


def _row(stat: PeerStat) -> PeerRow:
    spread = (
        _("{lowest} to {highest}").format(
            lowest=_shown(stat, stat.minimum), highest=_shown(stat, stat.maximum)
        )
        if stat.peers
        else "—"
    )
    way = {"higher": _(" (higher is better)"), "lower": _(" (lower is better)")}
    label = _(stat.label) if stat.kind == "figure" else stat.label
    chart_text = _(
        "{label}: peers {spread}, quartiles {q1}, {median}, {q3}; this institution {value}"
    ).format(
        label=label,
        spread=spread,
        q1=_shown(stat, stat.q1),
        median=_shown(stat, stat.median),
        q3=_shown(stat, stat.q3),
        value=_shown(stat, stat.value),
    )
    return PeerRow(
        label=f"{label}{way.get(stat.better, '')}",
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


def _fallback(benchmark: PeerBenchmark) -> str:
    """Why the whole table, in the language in force (engine.peers gives the English reason)."""
    unknown = [
        word
        for word, known in (
            (_("legal form"), benchmark.legal_form),
            (_("size"), benchmark.size_class),
        )
        if not known
    ]
    if unknown:
        reason = _(
            "the evidence does not give the institution's {what}: compared with the whole table"
        )
        return _("Not by peer group: {reason}.").format(
            reason=reason.format(what=_(" or ").join(unknown))
        )
    reason = _(
        "{count} peer(s) of the same country, legal form and size class, fewer than {needed}: "
        "compared with the whole table"
    ).format(count=benchmark.group_peers, needed=benchmark.min_peers)
    return _("Not by peer group: {reason}.").format(reason=reason)


def peers_view(benchmark: PeerBenchmark) -> PeersView:
    """The section for a report in the language in force."""
    country = country_name(benchmark.country, current_language())
    form = (
        LEGAL_FORM[benchmark.legal_form]
        if benchmark.legal_form in LEGAL_FORM
        else benchmark.legal_form or _("legal form not given")
    )
    size = (
        _("{size} size class").format(
            size=_(SIZE_CLASS.get(benchmark.size_class, benchmark.size_class))
        )
        if benchmark.size_class
        else _("size not given")
    )
    group = f"{country}, {form.lower() if benchmark.legal_form else form}, {size}"
    if benchmark.group == "peer_group":
        intro = _(
            "Compared with the {count} institutions of the portfolio table {table} that share its "
            "country, legal form and size class ({group})."
        ).format(count=benchmark.peers, table=benchmark.source, group=group)
        fallback = ""
    else:
        intro = _(
            "Compared with the {count} other institutions of the portfolio table {table}, whatever "
            "their country, legal form and size (its own group: {group})."
        ).format(count=benchmark.peers, table=benchmark.source, group=group)
        fallback = _fallback(benchmark)
    left_out = (
        " "
        + _(
            "The institution itself is left out ({count} row(s) of the table with its name and "
            "country)."
        ).format(count=benchmark.left_out)
        if benchmark.left_out
        else ""
    )
    method = _(
        "Scores are overall scores of each framework, from the table's rows of that framework "
        "(rows of coverage 0 not counted); key figures are those of the evidence files. "
        "Quartiles: {method} (two peers or more). Percentile: the share of peers below the "
        "institution plus half of those equal. Quarters: lowest at or below Q1, highest above Q3. "
        "A peer group needs {needed} institutions; {size_rule}.{left_out} Table SHA-256 {sha}."
    ).format(
        method=_(benchmark.quartile_method),
        needed=benchmark.min_peers,
        size_rule=_(benchmark.size_rule),
        left_out=left_out,
        sha=benchmark.sha256,
    )
    return PeersView(
        heading=_("Against its peers"),
        intro=intro,
        fallback=fallback,
        columns=tuple(_(c) if c else c for c in COLUMNS),
        rows=tuple(_row(s) for s in benchmark.stats),
        method=method,
    )
