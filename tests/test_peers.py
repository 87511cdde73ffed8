"""Peer benchmarks (issue 12 item 5): the portfolio table's peer columns, `assess --peers`.

The quartiles and ranks expected here are worked out by hand in the comments; the inclusive
method puts quartile k of n sorted values at position (n - 1) * k / 4, interpolating linearly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import statistics
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine import run_audit
from engine.errors import ExitCode, InvalidInputError
from engine.model import AuditResult
from engine.peers import (
    MIN_PEERS,
    TableRow,
    benchmark,
    percentile_rank,
    quartile_of,
    quartiles,
    read_table,
    size_class,
)
from engine.pipeline import with_peers
from engine.render import renderer_for
from engine.render.record import result_record
from engine.report.build import build_report
from engine.resources import EXAMPLES_DIR
from engine.schemacheck import validator

runner = CliRunner()
KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
ALTIPLANO = EXAMPLES_DIR / "altiplano-credito-rapido.yaml"
TANOA = EXAMPLES_DIR / "tanoa-savings-cooperative.yaml"


def _set(text: str, section: str, key: str, value: object) -> str:
    """The evidence text with `key` of the facts (or institution) section `section` set."""
    start = (
        text.index(f"\n{section}:\n")
        if section == "institution"
        else text.index(f"\n  {section}:\n")
    )
    indent = "  " if section == "institution" else "    "
    pattern = re.compile(rf"^{indent}{key}: .*$", re.MULTILINE)
    found = pattern.search(text, start)
    assert found is not None, (section, key)
    return text[: found.start()] + f"{indent}{key}: {value}" + text[found.end() :]


def peer_copy(
    source: Path,
    name: str,
    *,
    country: str = "HT",
    legal_form: str = "microfinance_bank",
    borrowers: int = 41200,
    women: float | None = None,
) -> str:
    """A copy of an example as another institution, with its peer-group facts set."""
    text = source.read_text(encoding="utf-8")
    text = _set(text, "institution", "name", name)
    text = _set(text, "institution", "country", country)
    text = _set(text, "institution", "legal_form", legal_form)
    text = _set(text, "clients", "active_borrowers", borrowers)
    if women is not None:
        text = _set(text, "clients", "women_share", women)
    return text


# Kombit (HT, microfinance bank, 41,200 borrowers: large) against five peers of its group, whose
# women's shares are 0.50, 0.60, 0.65, 0.80, 0.90 (Kombit: 0.71), and three institutions outside it.
GROUP = [
    (ALTIPLANO, "Peer A", 0.50),
    (TANOA, "Peer B", 0.60),
    (KOMBIT, "Peer C", 0.65),
    (ALTIPLANO, "Peer D", 0.80),
    (TANOA, "Peer E", 0.90),
]
OUTSIDE = [
    (KOMBIT, "Other country", {"country": "PE"}, 0.10),
    (KOMBIT, "Other form", {"legal_form": "ngo"}, 0.20),
    (KOMBIT, "Small one", {"borrowers": 9999}, 0.30),
]


def write_portfolio_inputs(folder: Path, *, group: int = len(GROUP)) -> Path:
    """The evidence files of a portfolio: the first `group` peers, the outsiders, Kombit itself."""
    folder.mkdir(parents=True, exist_ok=True)
    for source, name, women in GROUP[:group]:
        slug = name.lower().replace(" ", "-")
        (folder / f"{slug}.yaml").write_text(peer_copy(source, name, women=women), "utf-8")
    for source, name, change, women in OUTSIDE:
        slug = name.lower().replace(" ", "-")
        text = peer_copy(source, name, women=women, **change)  # type: ignore[arg-type]
        (folder / f"{slug}.yaml").write_text(text, "utf-8")
    shutil.copy(KOMBIT, folder / KOMBIT.name)  # itself: left out
    return folder


def run_batch(inputs: Path, out: Path, *extra: str) -> Path:
    done = runner.invoke(
        app, ["batch", str(inputs), "-o", str(out), "-f", "all", "--jobs", "1", *extra]
    )
    assert done.exit_code == ExitCode.OK, done.output
    return out / "portfolio.csv"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("portfolio")
    return run_batch(write_portfolio_inputs(base / "in"), base / "out")


@pytest.fixture(scope="module")
def kombit() -> AuditResult:
    return run_audit(KOMBIT, ["all"])


def stats_of(record: dict) -> dict[str, dict]:
    return {s["key"]: s for s in record["peers"]["stats"]}


# -- the portfolio table ------------------------------------------------------------------------


def test_the_portfolio_rows_carry_the_peer_group_and_key_figures(portfolio: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(portfolio.read_bytes().decode("utf-8-sig"))))
    kombit = next(r for r in rows if r["file"] == KOMBIT.name)
    assert (kombit["country"], kombit["legal_form"], kombit["size_class"]) == (
        "HT",
        "microfinance_bank",
        "large",
    )
    assert kombit["active_borrowers"] == "41200"
    assert kombit["women_share"] == "0.71"
    assert kombit["par30"] == "0.038"
    assert kombit["operational_self_sufficiency"] == "1.14"
    # staff turnover: 71 departures / ((612 + 588) / 2) = 71 / 600
    assert float(kombit["staff_turnover"]) == pytest.approx(71 / 600)
    small = next(r for r in rows if r["institution"] == "Small one")
    assert small["size_class"] == "small"
    assert small["poor_share"] == "0.46"


@pytest.mark.parametrize(
    ("borrowers", "expected"),
    [
        (None, ""),
        (0, "small"),
        (9999, "small"),
        (10000, "medium"),
        (29999, "medium"),
        (30000, "large"),
    ],
)
def test_size_classes_at_their_thresholds(borrowers: int | None, expected: str) -> None:
    assert size_class(borrowers) == expected


# -- quartiles and ranks, by hand ---------------------------------------------------------------


def test_quartiles_and_ranks_by_hand() -> None:
    values = [0.50, 0.60, 0.65, 0.80, 0.90]
    # n = 5: positions 1, 2, 3 of 0..4 → the values themselves
    assert quartiles(values) == pytest.approx((0.60, 0.65, 0.80))
    # n = 4: [1, 2, 4, 8] positions 0.75, 1.5, 2.25 → 1.75, 3.0, 5.0
    assert quartiles([1, 2, 4, 8]) == pytest.approx((1.75, 3.0, 5.0))
    assert quartiles([3]) is None
    # 0.71: three below of five → 60; 0.65: two below, one equal → 50
    assert percentile_rank(0.71, values) == pytest.approx(60)
    assert percentile_rank(0.65, values) == pytest.approx(50)
    assert percentile_rank(0.1, values) == 0
    assert percentile_rank(1.0, values) == 100
    cuts = (0.60, 0.65, 0.80)
    assert [quartile_of(v, cuts) for v in (0.5, 0.6, 0.61, 0.65, 0.7, 0.8, 0.81)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
    ]


def _row(name: str, framework: str, score: float | None, **figures: float) -> TableRow:
    return TableRow(2, name, "HT", "microfinance_bank", "large", framework, score, figures)


def test_benchmark_of_hand_made_rows(kombit: AuditResult) -> None:
    rows = [
        _row(f"Peer {i}", "universal-standards", score, par30=par)
        for i, (score, par) in enumerate(
            [(0.2, 0.01), (0.4, 0.02), (0.6, 0.05), (0.8, 0.08), (1.0, 0.10), (0.5, 0.03)]
        )
    ]
    rows.append(_row("Kombit Microfinance S.A.", "universal-standards", 0.1))  # itself
    found = benchmark(kombit, rows, "table.csv", "0" * 64)
    assert (found.group, found.peers, found.left_out, found.fallback) == ("peer_group", 6, 1, "")
    stats = {s.key: s for s in found.stats}
    us = stats["universal-standards"]
    # scores 0.2 0.4 0.5 0.6 0.8 1.0: positions 1.25, 2.5, 3.75 → 0.425, 0.55, 0.75
    assert (us.q1, us.median, us.q3) == pytest.approx((0.425, 0.55, 0.75))
    assert (us.minimum, us.maximum, us.peers) == (0.2, 1.0, 6)
    framework = next(f for f in kombit.frameworks if f.ruleset.id == "universal-standards")
    kombit_us = float(framework.overall.score or 0)
    assert us.value == pytest.approx(kombit_us)  # 0.90…: above Q3, five of six below
    assert us.quartile == 4
    assert us.percentile == pytest.approx(100 * 5 / 6)
    par = stats["par30"]
    # 0.01 0.02 0.03 0.05 0.08 0.10: positions 1.25, 2.5, 3.75 → 0.0225, 0.04, 0.0725
    assert (par.q1, par.median, par.q3) == pytest.approx((0.0225, 0.04, 0.0725))
    assert par.value == 0.038  # Kombit's: between Q1 and the median, three of six below
    assert (par.quartile, par.percentile) == (2, 50)
    assert par.better == "lower"
    assert stats["smart-campaign"].peers == 0  # no row of that framework
    assert stats["smart-campaign"].quartile is None


def test_an_institution_twice_in_the_table_counts_once(kombit: AuditResult) -> None:
    # two assessments of Peer 0 (say two years) in one table: its first row counts
    rows = [_row(f"Peer {i}", "universal-standards", 0.1 * (i + 2)) for i in range(6)]
    rows.append(_row("Peer 0", "universal-standards", 0.95))
    found = benchmark(kombit, rows, "table.csv", "0" * 64)
    us = next(s for s in found.stats if s.key == "universal-standards")
    assert (found.peers, us.peers, us.maximum) == (6, 6, pytest.approx(0.7))


def test_a_small_group_falls_back_to_the_whole_table(kombit: AuditResult) -> None:
    rows = [_row(f"Peer {i}", "universal-standards", 0.5) for i in range(MIN_PEERS - 1)]
    rows += [
        TableRow(9, "Far away", "PE", "ngo", "small", "universal-standards", 0.3, {}),
    ]
    found = benchmark(kombit, rows, "t.csv", "0" * 64)
    assert found.group == "whole_table"
    assert found.group_peers == MIN_PEERS - 1
    assert found.peers == MIN_PEERS
    assert "fewer than 5" in found.fallback
    rows.append(_row("Peer 9", "universal-standards", 0.5))
    assert benchmark(kombit, rows, "t.csv", "0" * 64).group == "peer_group"


# -- end to end: batch, then assess --peers -----------------------------------------------------


def test_assess_with_the_peers_of_a_batch(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "kombit.json"
    done = runner.invoke(
        app, ["assess", str(KOMBIT), "-f", "all", "--peers", str(portfolio), "-o", str(out)]
    )
    assert done.exit_code == ExitCode.OK, done.output
    record = json.loads(out.read_text("utf-8"))
    assert not list(validator("result").iter_errors(record))
    peers = record["peers"]
    assert (peers["group"], peers["peers"], peers["left_out"]) == ("peer_group", 5, 4)
    women = stats_of(record)["women_share"]
    # 0.50 0.60 0.65 0.80 0.90 (the outsiders' 0.10 0.20 0.30 not counted); Kombit 0.71
    assert (women["q1"], women["median"], women["q3"]) == pytest.approx((0.60, 0.65, 0.80))
    assert (women["quartile"], women["percentile"], women["value"]) == (3, 60, 0.71)
    # scores: those of the peers' own records, whatever the table rounds them to
    scores = sorted(
        next(
            f["overall"]["score"]
            for f in json.loads((portfolio.parent / f"peer-{c}.json").read_text("utf-8"))[
                "frameworks"
            ]
            if f["id"] == "universal-standards"
        )
        for c in "abcde"
    )
    us = stats_of(record)["universal-standards"]
    assert [us["q1"], us["median"], us["q3"]] == pytest.approx(
        statistics.quantiles(scores, n=4, method="inclusive"), abs=1e-9
    )
    assert us["peers"] == 5


def test_a_group_of_four_falls_back_and_says_so(tmp_path: Path) -> None:
    table = run_batch(write_portfolio_inputs(tmp_path / "in", group=4), tmp_path / "out")
    result = with_peers(run_audit(KOMBIT, ["universal-standards"]), table)
    assert result.peers is not None
    assert result.peers.group == "whole_table"
    assert result.peers.peers == 7  # 4 of its group and 3 outsiders
    html = renderer_for("html", "full").render(result).decode("utf-8")
    assert "Against its peers" in html
    assert "Not by peer group: 4 peer(s) of the same country" in html
    women = next(s for s in result.peers.stats if s.key == "women_share")
    # 0.10 0.20 0.30 0.50 0.60 0.65 0.80: positions 1.5, 3, 4.5 → 0.25, 0.50, 0.625
    assert (women.q1, women.median, women.q3) == pytest.approx((0.25, 0.50, 0.625))


def test_the_french_dialect_reads_back(tmp_path: Path) -> None:
    table = run_batch(
        write_portfolio_inputs(tmp_path / "in"), tmp_path / "out", "--csv-dialect", "excel-fr"
    )
    rows, _ = read_table(table)
    assert {r.figures.get("women_share") for r in rows} >= {0.5, 0.71, 0.9}
    found = with_peers(run_audit(KOMBIT, ["spi"]), table).peers
    assert found is not None
    assert found.peers == 5


# -- who sees it --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "shown"),
    [("full", True), ("institution", True), ("board", False), ("public", False)],
)
def test_only_the_full_edition_shows_the_peers(
    portfolio: Path, kombit: AuditResult, audience: str, shown: bool
) -> None:
    result = with_peers(kombit, portfolio)
    assert ("peers" in result_record(result, audience)) is shown
    assert (build_report(result, audience).peers is not None) is shown


def test_the_report_section(portfolio: Path, kombit: AuditResult) -> None:
    report = build_report(with_peers(kombit, portfolio))
    assert report.peers is not None
    women = next(r for r in report.peers.rows if r.label == "Women among clients")
    assert (women.value, women.q1, women.median, women.q3) == ("71 %", "60 %", "65 %", "80 %")
    assert women.standing == "third quarter, percentile 60"
    par = next(r for r in report.peers.rows if r.label.startswith("Portfolio at risk"))
    assert par.label.endswith("(lower is better)")
    html = renderer_for("html", "full").render(with_peers(kombit, portfolio)).decode("utf-8")
    section = html[html.index('id="peers"') :]
    assert section.count("<svg") >= len(report.peers.rows) - 1  # a box plot per row with peers
    assert "Compared with the 5 institutions of the portfolio table portfolio.csv" in section


@pytest.mark.parametrize(
    ("language", "heading", "women", "standing"),
    [
        ("fr", "Face à ses pairs", "Femmes parmi les clients", "troisième quart, centile 60"),
        ("es", "Frente a sus pares", "Mujeres entre los clientes", "tercer cuartil, percentil 60"),
    ],
)
def test_the_section_in_french_and_spanish(
    portfolio: Path,
    kombit: AuditResult,
    language: str,
    heading: str,
    women: str | None,
    standing: str,
) -> None:
    peers = build_report(with_peers(kombit, portfolio), language=language).peers
    assert peers is not None
    assert peers.heading == heading
    row = next(r for r in peers.rows if r.kind == "figure")  # the first key figure: women's share
    assert row.standing == standing
    if women is not None:
        assert row.label == women
    assert "portfolio.csv" in peers.intro
    assert "Compared" not in peers.intro + peers.method


# -- bad tables ---------------------------------------------------------------------------------

HEADER = "institution,country,status,framework,score,coverage,women_share,size_class\r\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "A,HT,assessed,spi,high,1,0.5,large\r\n",
            ["t.csv:2:5: error: score: 'high' is not a number [peers]"],
        ),
        (
            "A,HT,assessed,spi,0.5,1,1.5,huge\r\nB,HT,done,spi,0.5,1,0.5,\r\n",
            [
                "t.csv:2:7: error: women_share: 1.5 is above 1 (a share, 0 to 1) [peers]",
                "t.csv:2:8: error: size_class: 'huge' is not one of large, medium, small (or empty) [peers]",
                "t.csv:3:3: error: status: 'done' is not one of assessed, refused, error [peers]",
            ],
        ),
        ("A,HT,assessed\r\n", ["t.csv:2:4: error: 3 field(s), the header has 8 [peers]"]),
        (
            ",HT,assessed,spi,0.5,1,,\r\n",
            ["t.csv:2:1: error: institution: empty in an assessed row [peers]"],
        ),
    ],
)
def test_bad_rows_are_placed_at_their_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        read_table(Path("t.csv"))
    assert [str(d) for d in raised.value.diagnostics] == expected


def test_a_file_that_is_no_portfolio_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.csv").write_text("name;value\nx;1\n", encoding="utf-8")
    (tmp_path / "latin.csv").write_bytes(HEADER.encode() + "Caf\xe9,HT\n".encode("latin-1"))
    done = runner.invoke(app, ["assess", str(KOMBIT), "--peers", "notes.csv", "-o", "x.json"])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert "notes.csv:1:1: error: not a portfolio table of spm-audit batch: no column " in (
        done.output
    )
    assert "Traceback" not in done.output
    assert not (tmp_path / "x.json").exists()
    done = runner.invoke(app, ["assess", str(KOMBIT), "--peers", "latin.csv"])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert "latin.csv:1:1: error: not UTF-8 text" in done.output
    done = runner.invoke(app, ["assess", str(KOMBIT), "--peers", "missing.csv"])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert "missing.csv" in done.output
    assert "Traceback" not in done.output


def test_without_peers_nothing_changes(kombit: AuditResult) -> None:
    assert kombit.peers is None
    assert "peers" not in result_record(kombit)
    assert 'id="peers"' not in renderer_for("html", "full").render(kombit).decode("utf-8")


def test_an_unknown_legal_form_compares_with_the_whole_table(kombit: AuditResult) -> None:
    institution = {k: v for k, v in kombit.evidence.institution.items() if k != "legal_form"}
    anonymous = dataclasses.replace(
        kombit, evidence=dataclasses.replace(kombit.evidence, institution=institution)
    )
    rows = [_row(f"Peer {i}", "universal-standards", 0.5) for i in range(MIN_PEERS + 2)]
    found = benchmark(anonymous, rows, "t.csv", "0" * 64)
    assert (found.group, found.legal_form, found.peers) == ("whole_table", "", MIN_PEERS + 2)
    assert found.fallback.startswith("the evidence does not give the institution's legal form")
