"""Peer benchmarks: an institution's scores and key figures against its peers in a portfolio table.

Input: the portfolio table `spm-audit batch` writes (portfolio.csv, any of its CSV dialects) and
an assessed result. Output: a typed `PeerBenchmark` (engine/model/peers.py). Pure but for reading
the table; every bad row or cell is a diagnostic at `file:line:column` (the column is the field's
number, as a spreadsheet counts), all of them at once.

- Peer group: the institutions of the table with the same country, legal form and size class.
  The institution itself (same name and country) is left out. A group of fewer than `MIN_PEERS`
  institutions, or an institution whose legal form or size is not known, falls back to the whole
  table, and the benchmark says why.
- Size class: by active borrowers (`facts.clients.active_borrowers`), not by gross loan portfolio,
  which is in local currency and so not comparable across countries. The thresholds
  (`SIZE_CLASSES`) are the project's own, modelled on the MIX MicroBanking Bulletin's outreach
  peer groups (fewer than 10,000 borrowers small, up to 30,000 medium, more large); not checked
  against a published text.
- Scores: a framework's overall score in the rows of that framework; a row whose coverage is 0
  (the evidence held nothing for the framework) is not counted.
- Quartiles: `statistics.quantiles(values, n=4, method="inclusive")` (linear interpolation between
  the closest ranks, minimum and maximum included), for two peers or more.
- Values are compared at the table's precision (10 decimals), the institution's own included, so
  that a peer with the same score ties with it.
- Ranks: the quartile the institution's value falls in (1 at or below Q1, 2 at or below the median,
  3 at or below Q3, 4 above), and its percentile rank: the share of peers below it plus half of
  those equal to it, in per cent (mid-rank).
"""

from __future__ import annotations

import csv
import hashlib
import io
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.derived import as_number, fact_at
from engine.errors import Diagnostic, InvalidInputError, Position
from engine.i18n import N_
from engine.load import MAX_FILE_BYTES, display_name
from engine.model import AuditResult
from engine.model.peers import PeerBenchmark, PeerStat

MIN_PEERS = 5
QUARTILE_METHOD = N_(
    'statistics.quantiles(n=4, method="inclusive"): linear interpolation between closest ranks, '
    "minimum and maximum included"
)
SIZE_MEASURE = "clients.active_borrowers"
# (class, fewest active borrowers); the project's own thresholds, modelled on the MIX
# MicroBanking Bulletin's outreach peer groups (not checked against a published text)
SIZE_CLASSES = (("small", 0), ("medium", 10_000), ("large", 30_000))
SIZE_RULE = N_(
    "size class by active borrowers: small below 10,000, medium 10,000 to 29,999, large 30,000 "
    "or more (the project's thresholds, modelled on the MIX MicroBanking Bulletin's outreach "
    "peer groups)"
)
STATUSES = ("assessed", "refused", "error")
DIGITS = 10  # the precision values are compared at: the spreadsheet dialects write 10 decimals


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure a rater compares across institutions, read or computed from the facts."""

    column: str  # its column in the portfolio table
    label: str
    unit: str  # share or ratio
    better: str  # higher, lower, or ''
    read: Callable[[Mapping[str, object]], float | None]
    at_most_one: bool = False  # a share of a whole (a turnover or an APR may pass 100 %)


def _fact(path: str) -> Callable[[Mapping[str, object]], float | None]:
    return lambda facts: as_number(fact_at(facts, path))


def staff_turnover(facts: Mapping[str, object]) -> float | None:
    """Departures / average staff ((staff at start + at end) / 2), as the frameworks define it."""
    total, at_start, departures = (
        as_number(fact_at(facts, f"staff.{k}")) for k in ("total", "at_start", "departures")
    )
    if total is None or at_start is None or departures is None or not total + at_start:
        return None
    return departures / ((total + at_start) / 2)


def highest_apr(facts: Mapping[str, object]) -> float | None:
    """The highest APR of the loan products: computed from the terms where given, else declared."""
    products = fact_at(facts, "products")
    aprs = [
        apr
        for p in (products if isinstance(products, list) else [])
        if isinstance(p, Mapping) and p.get("type") == "loan"
        if (apr := as_number(p.get("apr_computed", p.get("apr")))) is not None
    ]
    return max(aprs) if aprs else None


FIGURES = (
    Figure(
        "women_share", N_("Women among clients"), "share", "", _fact("clients.women_share"), True
    ),
    Figure("rural_share", N_("Rural clients"), "share", "", _fact("clients.rural_share"), True),
    Figure(
        "poor_share",
        N_("Clients below the poverty line"),
        "share",
        "",
        _fact("clients.poor_share"),
        True,
    ),
    Figure(
        "par30",
        N_("Portfolio at risk over 30 days (PAR30)"),
        "share",
        "lower",
        _fact("portfolio.par30"),
        True,
    ),
    Figure(
        "operational_self_sufficiency",
        N_("Operational self-sufficiency"),
        "ratio",
        "higher",
        _fact("finance.operational_self_sufficiency"),
    ),
    Figure(
        "staff_turnover",
        N_("Staff turnover (departures / average staff)"),
        "share",
        "lower",
        staff_turnover,
    ),
    Figure("highest_apr", N_("Highest APR of the loan products"), "share", "lower", highest_apr),
)


def size_class(active_borrowers: float | None) -> str:
    """small, medium or large by active borrowers ('' when not given)."""
    if active_borrowers is None:
        return ""
    return next(name for name, low in reversed(SIZE_CLASSES) if active_borrowers >= low)


@dataclass(frozen=True, slots=True)
class PeerFacts:
    """What the portfolio table holds of one institution beside its scores."""

    legal_form: str = ""
    size_class: str = ""
    active_borrowers: float | None = None
    figures: tuple[float | None, ...] = ()  # in the order of FIGURES


NO_PEER_FACTS = PeerFacts()


def peer_facts(institution: Mapping[str, object], facts: Mapping[str, object]) -> PeerFacts:
    """An institution's legal form, size class and key figures, from its evidence."""
    borrowers = as_number(fact_at(facts, SIZE_MEASURE))
    return PeerFacts(
        str(institution.get("legal_form") or ""),
        size_class(borrowers),
        borrowers,
        tuple(f.read(facts) for f in FIGURES),
    )


# -- reading the portfolio table ---------------------------------------------------------------

REQUIRED = ("institution", "country", "status", "framework", "score")
KNOWN_SIZES = {name for name, _ in SIZE_CLASSES}


@dataclass(frozen=True, slots=True)
class TableRow:
    """One assessed row of a portfolio table."""

    line: int
    institution: str
    country: str
    legal_form: str
    size_class: str
    framework: str
    score: float | None  # None: not rated, or nothing of the framework assessed (coverage 0)
    figures: Mapping[str, float]


def _plain(cell: str) -> str:
    """A cell as the dialects write it, back to its text: ="1.0" and a protecting ' removed."""
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    if cell[:2] in {"'=", "'+", "'-", "'@"}:
        return cell[1:]
    return cell


def read_table(path: Path) -> tuple[list[TableRow], str]:
    """The assessed rows of a portfolio table, and the table's SHA-256.

    Raises:
        InvalidInputError: the file cannot be read, or a row or cell is bad (every one of them).
    """
    name = display_name(path)
    problems: list[Diagnostic] = []

    def problem(line: int, column: int, message: str) -> None:
        problems.append(Diagnostic(Position(name, line, column), message, code="peers"))

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InvalidInputError(
            [Diagnostic(Position(name, 1, 1), f"cannot read the file: {e.strerror}", code="peers")]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        problem(1, 1, f"file is {len(raw)} bytes, over the limit of {MAX_FILE_BYTES}")
        raise InvalidInputError(problems)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problem(1, 1, f"not UTF-8 text (byte {e.start + 1}): write the table as UTF-8")
        raise InvalidInputError(problems) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    decimal = "," if delimiter == ";" else "."
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as e:
        problem(1, 1, f"not a CSV table: {e}")
        raise InvalidInputError(problems) from None
    columns = {c.strip(): i for i, c in enumerate(header)}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problem(
            1,
            1,
            f"not a portfolio table of spm-audit batch: no column {', '.join(missing)} "
            f"(the header has {len(header)} column(s))",
        )
        raise InvalidInputError(problems)
    rows = []
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row = _row(cells, columns, start, decimal, problem)
            if row is not None:
                rows.append(row)
    except csv.Error as e:
        problem(line + 1, 1, f"bad CSV: {e}")
    if problems:
        raise InvalidInputError(problems)
    return rows, hashlib.sha256(raw).hexdigest()


def _row(
    cells: Sequence[str],
    columns: Mapping[str, int],
    line: int,
    decimal: str,
    problem: Callable[[int, int, str], None],
) -> TableRow | None:
    if len(cells) < len(columns):
        problem(line, len(cells) + 1, f"{len(cells)} field(s), the header has {len(columns)}")
        return None

    def cell(column: str) -> str:
        return _plain(cells[columns[column]].strip()) if column in columns else ""

    def number(column: str, *, share: bool = False) -> float | None:
        text = cell(column)
        if not text:
            return None
        try:
            value = round(float(text.replace(decimal, ".") if decimal != "." else text), DIGITS)
        except ValueError:
            problem(line, columns[column] + 1, f"{column}: '{text}' is not a number")
            return None
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            problem(line, columns[column] + 1, f"{column}: {text} is not a number of 0 or more")
            return None
        if share and value > 1:
            problem(line, columns[column] + 1, f"{column}: {text} is above 1 (a share, 0 to 1)")
            return None
        return value

    status = cell("status")
    if status not in STATUSES:
        problem(
            line,
            columns["status"] + 1,
            f"status: '{status}' is not one of {', '.join(STATUSES)}",
        )
        return None
    if status != "assessed":
        return None
    institution, country, framework = cell("institution"), cell("country"), cell("framework")
    for column, given in (("institution", institution), ("framework", framework)):
        if not given:
            problem(line, columns[column] + 1, f"{column}: empty in an assessed row")
    size = cell("size_class")
    if size and size not in KNOWN_SIZES:
        problem(
            line,
            columns["size_class"] + 1,
            f"size_class: '{size}' is not one of {', '.join(sorted(KNOWN_SIZES))} (or empty)",
        )
    score, coverage = number("score", share=True), number("coverage", share=True)
    if coverage == 0:  # the evidence held nothing for this framework: no score to compare
        score = None
    figures = {
        f.column: value
        for f in FIGURES
        if (value := number(f.column, share=f.at_most_one)) is not None
    }
    return TableRow(
        line,
        institution,
        country,
        cell("legal_form"),
        size,
        framework,
        score,
        figures,
    )


# -- the benchmark ------------------------------------------------------------------------------


def quartiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Q1, median and Q3 (inclusive method); None for fewer than two values."""
    if len(values) < 2:
        return None
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def percentile_rank(value: float, values: Sequence[float]) -> float:
    """Share of `values` below `value`, plus half of those equal, in per cent."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return 100 * (below + equal / 2) / len(values)


def quartile_of(value: float, cuts: tuple[float, float, float]) -> int:
    """1 at or below Q1, 2 at or below the median, 3 at or below Q3, 4 above."""
    return 1 + sum(1 for cut in cuts if value > cut)


def _stat(
    kind: str,
    key: str,
    label: str,
    unit: str,
    better: str,
    value: float | None,
    values: list[float],
) -> PeerStat:
    values = sorted(values)
    value = None if value is None else round(value, DIGITS)  # as the table would hold it
    cuts = quartiles(values)
    return PeerStat(
        kind=kind,
        key=key,
        label=label,
        unit=unit,
        better=better,
        peers=len(values),
        minimum=values[0] if values else None,
        q1=cuts[0] if cuts else None,
        median=cuts[1] if cuts else (values[0] if values else None),
        q3=cuts[2] if cuts else None,
        maximum=values[-1] if values else None,
        value=value,
        quartile=quartile_of(value, cuts) if value is not None and cuts else None,
        percentile=percentile_rank(value, values) if value is not None and values else None,
    )


def benchmark(
    result: AuditResult, rows: Sequence[TableRow], source: str = "", sha256: str = ""
) -> PeerBenchmark:
    """The institution of `result` against its peers among `rows` (of the table `source`)."""
    institution = result.evidence.institution
    name, country = str(institution.get("name", "")), str(institution.get("country", ""))
    own = peer_facts(institution, result.evidence.facts)
    others = [r for r in rows if (r.institution, r.country) != (name, country)]
    left_out = len(rows) - len(others)
    every = {(r.institution, r.country) for r in others}
    group = [
        r
        for r in others
        if (r.country, r.legal_form, r.size_class) == (country, own.legal_form, own.size_class)
    ]
    group_peers = len({(r.institution, r.country) for r in group})
    unknown = [
        what
        for what, known in (("legal form", own.legal_form), ("size", own.size_class))
        if not known
    ]
    if unknown:
        fallback = (
            f"the evidence does not give the institution's {' or '.join(unknown)}: compared with "
            "the whole table"
        )
    elif group_peers < MIN_PEERS:
        fallback = (
            f"{group_peers} peer(s) of the same country, legal form and size class, fewer than "
            f"{MIN_PEERS}: compared with the whole table"
        )
    else:
        fallback = ""
    chosen = others if fallback else group
    stats = []
    for framework in result.frameworks:
        fid = framework.ruleset.id
        score = framework.overall.score
        scored: dict[tuple[str, str], float] = {}  # an institution counts once: its first row
        for r in chosen:
            if r.framework == fid and r.score is not None:
                scored.setdefault((r.institution, r.country), r.score)
        values = list(scored.values())
        stats.append(
            _stat(
                "score",
                fid,
                framework.ruleset.short_title or framework.ruleset.title,
                "share",
                "higher",
                None if score is None else float(score),
                values,
            )
        )
    by_institution: dict[tuple[str, str], TableRow] = {}
    for r in chosen:  # the key figures are the institution's: one row of each is enough
        by_institution.setdefault((r.institution, r.country), r)
    for index, figure in enumerate(FIGURES):
        values = [
            v for r in by_institution.values() if (v := r.figures.get(figure.column)) is not None
        ]
        stats.append(
            _stat(
                "figure",
                figure.column,
                figure.label,
                figure.unit,
                figure.better,
                own.figures[index],
                values,
            )
        )
    return PeerBenchmark(
        source=source,
        sha256=sha256,
        country=country,
        legal_form=own.legal_form,
        size_class=own.size_class,
        group="whole_table" if fallback else "peer_group",
        fallback=fallback,
        peers=len(every) if fallback else group_peers,
        group_peers=group_peers,
        left_out=left_out,
        min_peers=MIN_PEERS,
        quartile_method=QUARTILE_METHOD,
        size_rule=SIZE_RULE,
        stats=tuple(stats),
    )


def peers_of(result: AuditResult, path: Path) -> PeerBenchmark:
    """Read the portfolio table at `path` and benchmark the institution of `result` against it.

    Raises:
        InvalidInputError: the table is bad (every problem, at its row and column).
    """
    rows, sha256 = read_table(path)
    return benchmark(result, rows, path.name, sha256)
