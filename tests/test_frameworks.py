"""One evidence file, many frameworks: certification verdicts, shared answers, the crosswalk."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli import app
from engine.resources import EXAMPLES_DIR

runner = CliRunner()


@cache
def record(example: str, *frameworks: str) -> dict[str, Any]:
    args = ["assess", str(EXAMPLES_DIR / f"{example}.yaml"), "--format", "json"]
    for framework in frameworks:
        args += ["-f", framework]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def framework(data: dict[str, Any], framework_id: str) -> dict[str, Any]:
    return next(f for f in data["frameworks"] if f["id"] == framework_id)


def test_all_frameworks_in_one_run() -> None:
    data = record("kombit-microfinance", "all")
    assert [f["id"] for f in data["frameworks"]] == [
        "green-index",
        "smart-campaign",
        "spi",
        "universal-standards",
    ]
    assert [r["id"] for r in data["provenance"]["rule_sets"]] == [
        "green-index",
        "smart-campaign",
        "spi",
        "universal-standards",
    ]


def test_certification_verdicts_differ_as_intended() -> None:
    certified = framework(record("kombit-microfinance", "all"), "smart-campaign")["gates"][0]
    assert certified["id"] == "smart-certification"
    assert certified["verdict"] == "passed"
    # A retired scheme (Smart Campaign closed in 2020): no validity or surveillance dates.
    assert (certified["valid_until"], certified["surveillance_due"]) == (None, None)
    refused = framework(record("altiplano-credito-rapido", "all"), "smart-campaign")["gates"][0]
    assert refused["verdict"] == "failed"
    assert refused["valid_until"] is None
    assert {"2.1", "5.3", "6.1"} <= {n["id"] for n in refused["not_met"]}
    assert "2.1.1" in refused["critical_failures"]


def test_an_answer_given_once_reaches_equivalent_indicators() -> None:
    data = record("kombit-microfinance", "smart-campaign")
    shared = [
        i
        for i in framework(data, "smart-campaign")["indicators"]
        if i["answer"] and i["answer"]["given_for"]
    ]
    assert shared
    example = shared[0]
    assert example["answer"]["given_for"].startswith("universal-standards ")
    equivalents = [m for m in example["mappings"] if m["relation"] == "equivalent"]
    assert f"universal-standards {equivalents[0]['id']}" == example["answer"]["given_for"]
    evidence = (EXAMPLES_DIR / "kombit-microfinance.yaml").read_text()
    assert f'    "{example["id"]}":\n' not in evidence.split("smart-campaign:")[-1].split("spi:")[0]


def test_findings_say_where_they_land_in_every_framework() -> None:
    data = record("altiplano-credito-rapido", "universal-standards", "smart-campaign")
    us = {i["id"]: i for i in framework(data, "universal-standards")["indicators"]}
    smart = {i["id"]: i for i in framework(data, "smart-campaign")["indicators"]}
    landed = [(i, link) for i in smart.values() for link in i["lands_in"]]
    assert landed
    indicator, link = landed[0]
    assert link["framework"] == "universal-standards"
    assert us[link["id"]]["status"] == link["status"]
    back = [b for b in us[link["id"]]["lands_in"] if b["id"] == indicator["id"]]
    assert back
    assert back[0]["framework"] == "smart-campaign"


def test_answers_under_the_dropped_smart_standard_reach_the_moved_indicators(
    tmp_path: Path,
) -> None:
    evidence = tmp_path / "old-ids.yaml"
    evidence.write_text(
        "schema_version: 1\n"
        "institution: {name: Old Ids MFI, country: HT, fictional: true}\n"
        "assessment:\n"
        "  type: self_assessment\n"
        "  period: {start: '2025-01-01', end: '2025-12-31'}\n"
        "  assessed_on: '2026-01-15'\n"
        "  assessors: [{name: Ana Tester, role: lead assessor}]\n"
        "facts: {}\n"
        "answers:\n"
        "  smart-campaign:\n"
        "    '6.3.1': {answer: 'no', comment: Contracts say nothing of data rights.}\n"
        "    '6.3.2': {answer: partially, comment: Checked in two branches only.}\n"
        "overrides:\n"
        "  smart-campaign:\n"
        "    '6.3.3': {status: fail, reason: Agents keep paper lists, by: Ana Tester, 'on': '2026-01-15'}\n"
    )
    result = runner.invoke(
        app, ["assess", str(evidence), "-f", "smart-campaign", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    indicators = {
        i["id"]: i for i in framework(json.loads(result.stdout), "smart-campaign")["indicators"]
    }
    assert not {"6.3", "6.3.1", "6.3.2", "6.3.3"} & set(indicators)
    assert (indicators["6.2.4"]["status"], indicators["6.1.5"]["status"]) == ("fail", "partial")
    assert indicators["6.1.5"]["finding"].startswith(
        "Client records are checked for accuracy in part"
    )
    assert indicators["6.1.6"]["status"] == "fail"


def test_the_crosswalk_is_built_once_per_set_of_rule_sets() -> None:
    """An Auditor or a batch assesses every file against the same frozen rule sets."""
    import dataclasses

    from engine.crosswalk import build_crosswalk
    from engine.model import Relation
    from engine.rulesets import load_rule_sets

    rule_sets = load_rule_sets(["universal-standards", "smart-campaign", "spi"])
    first = build_crosswalk(rule_sets)
    assert build_crosswalk(list(rule_sets)) is first
    # another combination, or copies of the same rule sets, have a crosswalk of their own
    assert build_crosswalk(rule_sets[:2]) is not first
    copies = [dataclasses.replace(rs) for rs in rule_sets]
    again = build_crosswalk(copies)
    assert again is not first
    assert again == first
    # the equivalents are the equivalent links, in link order
    for key, links in first.links.items():
        same = tuple(other for other, r in links if r is Relation.EQUIVALENT)
        assert first.equivalents.get(key, ()) == same
    assert any(first.equivalents.values())
