"""Poverty outreach from a scorecard survey: points, likelihoods, the share and its interval."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from engine.evidence import load_evidence
from engine.poverty import Band, estimate_share, household_points, likelihood, table_gaps
from engine.scorecards import bundled_scorecards, find_scorecard, read_scorecard

DEMO = bundled_scorecards()["fictional-demo"]

POOREST = {
    "household_size": "six_or_more",
    "children_in_school": "no",
    "floor": "earth",
    "cooking_fuel": "wood",
    "phone": "none",
}
MIDDLE = {
    "household_size": "four_or_five",
    "children_in_school": "some",
    "floor": "cement",
    "cooking_fuel": "charcoal",
    "phone": "basic",
}
RICHEST = {
    "household_size": "three_or_fewer",
    "children_in_school": "all_or_none_that_age",
    "floor": "tiles_or_wood",
    "cooking_fuel": "gas_or_electricity",
    "phone": "smartphone",
}
MODEST = {**MIDDLE, "children_in_school": "no", "floor": "earth"}


def test_the_fictional_scorecard_reads_and_is_marked_fictional() -> None:
    scorecard, problems = read_scorecard(DEMO)
    assert problems == []
    assert scorecard is not None
    assert scorecard.fictional
    assert "FICTIONAL" in scorecard.title
    assert scorecard.max_points == 16 + 10 + 15 + 14 + 12 == 67
    assert set(scorecard.lines) == {"fictional_line", "fictional_extreme_line"}


def test_household_points_and_likelihoods_by_hand() -> None:
    scorecard, _ = read_scorecard(DEMO)
    assert scorecard is not None
    table = scorecard.lines["fictional_line"]
    cases = [(POOREST, 0, 0.90), (MIDDLE, 8 + 5 + 9 + 6 + 7, 0.35), (RICHEST, 67, 0.02)]
    cases.append((MODEST, 8 + 0 + 0 + 6 + 7, 0.55))
    for answers, points, expected in cases:
        assert household_points(scorecard, answers) == points
        assert likelihood(table, points) == expected
    # both ends of a row are in it
    assert [likelihood(table, p) for p in (9, 10, 19, 20)] == [0.90, 0.75, 0.75, 0.55]


def test_share_and_interval_by_hand() -> None:
    # mean (0.90 + 0.35 + 0.02 + 0.55) / 4 = 0.455; deviations 0.445, -0.105, -0.435, 0.095;
    # squares sum to 0.4073; s^2 = 0.4073 / 3; SE = sqrt(s^2 / 4) = 0.184233;
    # 95 %: 0.455 -+ 1.959964 x 0.184233 = [0.093911, 0.816089]  (1.959964 x 0.184233 = 0.361089)
    estimate = estimate_share([0.90, 0.35, 0.02, 0.55])
    assert estimate.share == pytest.approx(0.455, abs=1e-12)
    assert estimate.households == 4
    assert estimate.standard_error == pytest.approx(math.sqrt(0.4073 / 3 / 4), abs=1e-12)
    assert round(estimate.standard_error or 0, 6) == 0.184233
    assert estimate.low is not None
    assert estimate.high is not None
    assert round(estimate.low, 6) == 0.093911
    assert round(estimate.high, 6) == 0.816089


def test_interval_is_clipped_to_shares() -> None:
    # mean 0.6, s = sqrt((0.09 + 0.09 + 0.36) / 2) = 0.5196, SE = 0.3; 0.6 + 0.588 > 1
    estimate = estimate_share([0.9, 0.9, 0.0])
    assert estimate.standard_error == pytest.approx(0.3, abs=1e-12)
    assert estimate.high == 1.0
    assert estimate.low == pytest.approx(0.6 - 1.959963984540054 * 0.3, abs=1e-12)


def test_one_household_has_no_interval() -> None:
    estimate = estimate_share([0.35])
    assert (estimate.share, estimate.standard_error, estimate.low, estimate.high) == (
        0.35,
        None,
        None,
        None,
    )


def test_table_gaps_say_what_is_uncovered_or_covered_twice() -> None:
    table = [Band(0, 9, 0.9), Band(12, 20, 0.5), Band(18, 30, 0.2)]
    assert table_gaps(table, 40) == [
        "no row covers 10 to 11 points",
        "18 to 20 points covered twice",
        "no row covers 31 to 40 points (households can score 40)",
    ]
    assert table_gaps([Band(0, 40, 0.3)], 40) == []


def test_a_broken_scorecard_file_gets_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "schema_version: 1\n"
        "id: broken\n"
        "title: Broken\n"
        "questions:\n"
        "  - id: q1\n"
        "    text: First\n"
        "    answers: [{id: a, text: A, points: 0}, {id: b, text: B, points: 10}]\n"
        "  - id: q1\n"
        "    text: Again\n"
        "    answers: [{id: a, text: A, points: 0}, {id: a, text: B, points: 5}]\n"
        "poverty_lines:\n"
        "  - id: line\n"
        "    title: Line\n"
        "    likelihoods: [{points: [0, 9], likelihood: 0.5}]\n",
        encoding="utf-8",
    )
    scorecard, problems = read_scorecard(path)
    assert scorecard is None
    assert [f"{d.position.line}:{d.position.column}: {d.message}" for d in problems] == [
        "8:5: duplicate question id 'q1' (first at line 5)",
        "10:45: duplicate answer id 'a' in question 'q1' (first at line 10)",
        "14:5: poverty line 'line': no row covers 10 to 15 points (households can score 15)",
    ]


def test_finding_a_scorecard() -> None:
    assert find_scorecard("fictional-demo", None) == DEMO
    assert find_scorecard("fictional-dem", None) == (
        "unknown scorecard 'fictional-dem' (did you mean 'fictional-demo'?); "
        "give a bundled id or a .yaml file"
    )
    assert find_scorecard("../elsewhere.yaml", Path()) == (
        "scorecard path '../elsewhere.yaml' must stay inside the evidence file's folder"
    )


SURVEY = """\
schema_version: 1
institution: {name: Test MFI, country: HT}
assessment: {type: self_assessment, assessed_on: "2026-01-31", period: {start: "2025-01-01", end: "2025-12-31"}}
facts:
  client_survey:
    scorecard: SCORECARD
    poverty_line: fictional_line
    sample_size: 2
    households:
      - {id: H1, answers: {household_size: six_or_more, children_in_school: "no", floor: earth, cooking_fuel: wood, phone: none}}
      - {id: H2, answers: {household_size: four_or_five, children_in_school: some, floor: cement, cooking_fuel: charcoal, phone: basic}}
"""


def test_a_survey_becomes_facts_with_positions(tmp_path: Path) -> None:
    # (0.90 + 0.35) / 2 = 0.625; s = sqrt(2 x 0.275^2 / 1) = 0.3889, SE = 0.275,
    # 95 %: 0.625 -+ 0.539 = [0.0860, 1 (clipped from 1.164)]
    path = tmp_path / "survey.yaml"
    path.write_text(SURVEY.replace("SCORECARD", "fictional-demo"), encoding="utf-8")
    evidence = load_evidence(path)
    survey = evidence.facts["client_survey"]
    assert isinstance(survey, dict)
    assert survey["poor_share"] == pytest.approx(0.625, abs=1e-12)
    assert survey["poor_share_low"] == pytest.approx(0.625 - 1.959963984540054 * 0.275, abs=1e-12)
    assert survey["poor_share_high"] == 1.0
    assert survey["households_scored"] == 2
    assert evidence.fact_positions["client_survey.poor_share"].line == 9  # households:


def test_a_scorecard_file_beside_the_evidence(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "mine.yaml").write_bytes(DEMO.read_bytes())
    path = tmp_path / "survey.yaml"
    path.write_text(SURVEY.replace("SCORECARD", "cards/mine.yaml"), encoding="utf-8")
    survey = load_evidence(path).facts["client_survey"]
    assert isinstance(survey, dict)
    assert survey["poor_share"] == pytest.approx(0.625, abs=1e-12)
