"""An institution against its peers: built by `engine.peers` from a portfolio table.

Shown, through `AuditResult.peers`, in the result record (`peers`, schemas/peers.schema.json) and
in the full report's "Against its peers" section (`assess --peers PORTFOLIO.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PeerStat:
    """One framework's score, or one key figure, of the institution and of its peers.

    The quartiles need two peers or more (with one, the median is its value); the percentile
    needs one. None where they cannot be given.
    """

    kind: str  # score (a framework's overall score) or figure (a key figure)
    key: str  # the framework id, or the figure's column in the portfolio table
    label: str
    unit: str  # share (shown in per cent) or ratio
    better: str  # higher, lower, or '' when neither is better in itself
    peers: int  # peers with a value
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    value: float | None  # the institution's own
    quartile: int | None  # 1 (lowest quarter of the values) … 4 (highest)
    percentile: float | None  # share of the peers below, plus half of those equal, in per cent


@dataclass(frozen=True, slots=True)
class PeerBenchmark:
    """The institution's scores and key figures against a peer group from a portfolio table."""

    source: str  # the portfolio table's base name
    sha256: str
    country: str  # the institution's: what its peers share
    legal_form: str  # '' when the evidence does not give it
    size_class: str  # small, medium, large; '' when the size measure is not given
    group: str  # peer_group (same country, legal form and size class) or whole_table
    fallback: str  # why the whole table stands in for the peer group ('' when it does not)
    peers: int  # institutions compared with (the institution itself left out)
    group_peers: int  # institutions of the table in the institution's peer group
    left_out: int  # rows of the table that are the institution itself (same name and country)
    min_peers: int  # a peer group smaller than this falls back to the whole table
    quartile_method: str
    size_rule: str
    stats: tuple[PeerStat, ...]
