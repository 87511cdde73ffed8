"""Waivers: overrides with an authority, an expiry and a scope (issue 13, item 5)."""

from __future__ import annotations

from pathlib import Path

from engine.model import Status
from engine.pipeline import run_audit
from engine.render.html_report import render_html
from engine.render.record import result_record
from engine.resources import EXAMPLES_DIR

KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
OVERRIDE = """    "7.B.3.3":
      status: fail"""


def _kombit(tmp_path: Path, extra: str, given_on: str = "") -> Path:
    text = KOMBIT.read_text(encoding="utf-8")
    assert OVERRIDE in text
    text = text.replace(OVERRIDE, OVERRIDE + "\n" + extra)
    if given_on:  # a waiver carried over from an earlier assessment
        head, tail = text.split(OVERRIDE, 1)
        tail = tail.replace('"on": "2026-01-30"', f'"on": "{given_on}"', 1)
        text = head + OVERRIDE + tail
    path = tmp_path / "kombit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _status(result, framework: str, ident: str) -> tuple[Status, Status]:
    f = next(f for f in result.frameworks if f.ruleset.id == framework)
    r = next(s.result for s in f.indicators if s.result.indicator.id == ident)
    return r.status, r.computed_status


def test_an_override_reaches_its_equivalents_unless_its_scope_says_otherwise(
    tmp_path: Path,
) -> None:
    everywhere = run_audit(KOMBIT, ["all"])
    assert _status(everywhere, "spi", "4.3.3")[0] is Status.FAIL  # given for US 7.B.3.3
    alone = run_audit(_kombit(tmp_path, "      scope: indicator"), ["all"])
    assert _status(alone, "universal-standards", "7.B.3.3")[0] is Status.FAIL
    spi, computed = _status(alone, "spi", "4.3.3")
    assert spi is computed  # not overridden: the override stays with its own indicator
    assert result_record(alone)["conflicts"]  # so the two frameworks now disagree, and say so


def test_an_expired_waiver_warns_and_no_longer_applies(tmp_path: Path) -> None:
    result = run_audit(_kombit(tmp_path, '      expires: "2025-12-31"', "2025-01-15"), ["all"])
    status, computed = _status(result, "universal-standards", "7.B.3.3")
    assert status is computed is not Status.FAIL
    assert any("expired on 2025-12-31" in str(w) for w in result.warnings)
    record = result_record(result)
    assert [(e["framework"], e["id"], e["expires"]) for e in record["expired_overrides"]] == [
        ("universal-standards", "7.B.3.3", "2025-12-31")
    ]
    assert "Expired, not applied:" in render_html(result)


def test_a_waiver_in_force_is_applied_and_listed_with_its_authority(tmp_path: Path) -> None:
    extra = '      expires: "2026-12-31"\n      authority: Lakou rating committee'
    result = run_audit(_kombit(tmp_path, extra), ["all"])
    assert _status(result, "universal-standards", "7.B.3.3")[0] is Status.FAIL
    html = render_html(result)
    assert "on the authority of Lakou rating committee, in force until 2026-12-31" in html
    override = next(
        i["override"]
        for f in result_record(result)["frameworks"]
        if f["id"] == "universal-standards"
        for i in f["indicators"]
        if i["id"] == "7.B.3.3"
    )
    assert (override["authority"], override["expires"], override["scope"]) == (
        "Lakou rating committee",
        "2026-12-31",
        "equivalents",
    )
