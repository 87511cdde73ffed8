"""Dimension 7 of the Universal Standards tied to the Green Index 3.0 (issue 11 item 3).

Every dimension-7 indicator but one maps to the Green Index questions it stands for; with Green
Index answers in the evidence it is scored from them (`scored_from` on the dimension). The
dimension's score then differs from the Green Index mean only by what the mapping explains:
questions two indicators cite, the one indicator without a Green Index question, and overrides.
"""

from __future__ import annotations

import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from engine.errors import InvalidInputError
from engine.evidence import read_evidence
from engine.importers.green_index import import_export
from engine.lint import lint_rule_sets
from engine.model import AuditResult, FrameworkResult, Status
from engine.pipeline import assess, run_audit
from engine.render import RENDERERS
from engine.resources import EXAMPLES_DIR
from engine.rulesets import load_rule_set
from engine.score import indicator_score

ROOT = Path(__file__).resolve().parents[1]
US = ROOT / "rules" / "universal_standards"
D7 = US / "d7_environment.yaml"
GI = ROOT / "rules" / "green_index"
EXPORT = EXAMPLES_DIR / "green_index" / "export.csv"
EXPECTED = yaml.safe_load(
    (EXAMPLES_DIR / "green_index" / "expected_scores.yaml").read_text(encoding="utf-8")
)
KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
CITED_TWICE = {"GI.0.1.2", "GI.0.1.4", "GI.2.1.4", "GI.3.2.2"}
WITHOUT_QUESTIONS = {"7.C.1.2"}  # the green share of the portfolio: a KPI the index does not score


def _framework(result: AuditResult, framework_id: str) -> FrameworkResult:
    return next(f for f in result.frameworks if f.ruleset.id == framework_id)


def _dimension7(framework: FrameworkResult) -> Fraction | None:
    return next(n.score for n in framework.nodes if n.node.id == "7")


def _evidence(tmp_path: Path, name: str) -> Path:
    """The evidence file of a self-made submission, or Kombit's."""
    if name == "Kombit":
        return KOMBIT
    path = tmp_path / "evidence.yaml"
    path.write_text(import_export(EXPORT, institution=name, country="KE").yaml_text, "utf-8")
    return path


def _without_green_index(tmp_path: Path, source: Path) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["facts"].pop("green_index", None)
    data["facts"].pop("green_index_respondents", None)
    path = tmp_path / "without.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


# -- the mapping ----------------------------------------------------------------------------------
def test_every_scored_question_is_cited_by_a_dimension_7_indicator() -> None:
    questions = {i.id for i in load_rule_set(GI).indicators()}
    assert len(questions) == 78
    d7 = [i for i in load_rule_set(US).indicators() if i.id.startswith("7.")]
    cited: dict[str, list[str]] = {}
    for indicator in d7:
        for mapping in indicator.mappings:
            assert mapping.framework == "green-index"
            cited.setdefault(mapping.id, []).append(indicator.id)
    assert set(cited) == questions
    assert {q for q, by in cited.items() if len(by) > 1} == CITED_TWICE
    assert {i.id for i in d7 if not i.mappings} == WITHOUT_QUESTIONS
    text = D7.read_text(encoding="utf-8")
    assert "No mappings: the green share of the portfolio is a quantitative (KPI) item" in text
    for indicator in d7:  # the source names every question the indicator is scored from
        assert indicator.scored_from is not None or indicator.id in WITHOUT_QUESTIONS
        for mapping in indicator.mappings:
            assert mapping.id in _expanded(indicator.source), (indicator.id, mapping.id)


def _expanded(source: str) -> set[str]:
    """The question ids a `source` text names, ranges such as GI.3.1.2-GI.3.1.4 spelt out."""
    found = set()
    for m in re.finditer(r"GI\.(\d)\.(\d)\.(\d+)(?:-GI\.\d\.\d\.(\d+))?", source):
        a, b, first, last = m.groups()
        found |= {f"GI.{a}.{b}.{n}" for n in range(int(first), int(last or first) + 1)}
    return found


# -- dimension 7 against the Green Index mean -------------------------------------------------------
CASES = [*EXPECTED, "Kombit"]


@pytest.mark.parametrize("name", CASES)
def test_dimension_7_differs_from_the_green_index_mean_only_where_explained(
    tmp_path: Path, name: str
) -> None:
    evidence = _evidence(tmp_path, name)
    result = run_audit(evidence, ["universal-standards", "green-index"])
    us, gi = _framework(result, "universal-standards"), _framework(result, "green-index")
    mean = gi.overall.score
    assert mean is not None
    if name in EXPECTED:  # the index's own score, computed with its official code
        assert abs(float(mean) * 100 - EXPECTED[name]["overall"]) < 5e-6
    question = {s.result.indicator.id: s.score for s in gi.indicators}
    d7 = [s for s in us.indicators if s.result.indicator.id.startswith("7.")]
    sourced = [s for s in d7 if s.result.sourced is not None]
    others = [s for s in d7 if s.result.sourced is None]
    assert {s.result.indicator.id for s in others} == WITHOUT_QUESTIONS
    assert all(s.score is not None for s in d7)  # Kombit lends: every indicator applies
    # Weights: 31 indicators stand for 82 question citations and keep their 31 weights.
    total = sum((Fraction(s.result.indicator.weight) for s in sourced), Fraction(0))
    citations = sum(len(s.result.sourced.questions) for s in sourced if s.result.sourced)
    assert (total, citations) == (31, 78 + len(CITED_TWICE))
    per_citation = total / citations
    weight = total + len(others)  # dimension 7's total weight, as without the answers
    # Each indicator is the mean of its questions' official scores.
    means = {}
    for s in sourced:
        spec = s.result.indicator.scored_from
        assert spec is not None
        scores = [question[q] for q in spec.questions]
        means[s.result.indicator.id] = sum(scores, Fraction(0)) / len(scores)
        assert s.result.sourced is not None
        assert s.result.sourced.score == means[s.result.indicator.id]
    # The difference from the mean, part by part, computed from the answers:
    twice = per_citation * sum((question[q] - mean for q in CITED_TWICE), Fraction(0)) / weight
    own = sum((s.score - mean for s in others if s.score is not None), Fraction(0)) / weight
    overridden = Fraction(0)  # an override replaces the mean of the questions
    for s in sourced:
        if s.result.override is not None:
            k = len(s.result.sourced.questions) if s.result.sourced else 0
            replaced = indicator_score(s.result.override.status, us.ruleset)
            assert replaced is not None
            overridden += per_citation * k * (replaced - means[s.result.indicator.id]) / weight
    assert _dimension7(us) - mean == twice + own + overridden
    assert bool(overridden) == (name == "Kombit")  # only Kombit has an override in dimension 7


def test_an_override_on_a_scored_indicator_still_wins() -> None:
    result = run_audit(KOMBIT, ["universal-standards"])
    scored = next(
        s
        for s in _framework(result, "universal-standards").indicators
        if s.result.indicator.id == "7.B.3.3"
    )
    assert scored.result.sourced is not None
    assert scored.result.override is not None
    assert scored.result.status is Status.FAIL
    assert scored.score == 0
    mean = scored.result.sourced.score
    assert mean is not None
    computed = Status.PASS if mean == 1 else Status.FAIL if mean == 0 else Status.PARTIAL
    assert scored.result.computed_status is computed
    assert "Computed result:" in scored.result.summary
    assert "Scored from the Green Index 3.0 answers" in scored.result.summary


def test_scored_indicators_weigh_by_questions_and_the_dimension_keeps_its_share(
    tmp_path: Path,
) -> None:
    with_gi = run_audit(KOMBIT, ["universal-standards"])
    without = run_audit(_without_green_index(tmp_path, KOMBIT), ["universal-standards"])
    us_with, us_without = (_framework(r, "universal-standards") for r in (with_gi, without))

    def shares(framework: FrameworkResult) -> dict[str, Fraction]:
        return {s.result.indicator.id: s.effective_weight for s in framework.indicators}

    a, b = shares(us_with), shares(us_without)
    d7 = [k for k in a if k.startswith("7.")]
    assert sum(a[k] for k in d7) == sum(b[k] for k in d7)  # dimension 7's share is unchanged
    assert a["7.C.1.3"] == 4 * a["7.C.1.5"]  # 12 questions against 3
    assert a["7.C.1.3"] == 12 * a["7.A.2.1"]
    assert b["7.C.1.3"] == b["7.C.1.5"]  # without the answers, every indicator weighs the same
    assert all(a[k] == b[k] for k in a if not k.startswith("7."))


# -- without Green Index answers, as before ----------------------------------------------------------
@pytest.mark.parametrize("example", ["altiplano-credito-rapido.yaml", "kombit-microfinance.yaml"])
def test_without_green_index_answers_dimension_7_is_evaluated_as_written(
    tmp_path: Path, example: str
) -> None:
    path = _without_green_index(tmp_path, EXAMPLES_DIR / example)
    result = run_audit(path, ["universal-standards"])
    us = _framework(result, "universal-standards")
    assert us.sources == ()
    assert all(s.result.sourced is None and s.weight is None for s in us.indicators)
    # the same as assessing with no Green Index rule set in the run at all
    evidence = read_evidence(path).evidence
    assert evidence is not None
    alone = _framework(assess(evidence, [us.ruleset]), "universal-standards")
    assert [(s.result.status, s.score, s.effective_weight) for s in us.indicators] == [
        (s.result.status, s.score, s.effective_weight) for s in alone.indicators
    ]
    record = RENDERERS["json"]().render(result).decode("utf-8")
    assert '"scored_from"' not in record
    assert "Computed from the" not in RENDERERS["html"]().render(result).decode("utf-8")


def test_the_indicator_without_green_index_questions_keeps_its_own_check() -> None:
    result = run_audit(KOMBIT, ["universal-standards"])
    scored = next(
        s
        for s in _framework(result, "universal-standards").indicators
        if s.result.indicator.id == "7.C.1.2"
    )
    assert scored.result.sourced is None
    assert scored.result.status is Status.PARTIAL  # 4 % green loans, below the 5 % threshold
    assert "green share of the portfolio" in scored.result.summary


# -- the result and the report ---------------------------------------------------------------------
def test_the_report_shows_the_green_index_score_beside_dimension_7() -> None:
    result = run_audit(KOMBIT, ["universal-standards"])
    us = _framework(result, "universal-standards")
    (use,) = us.sources
    assert (use.node, use.framework, use.indicators, use.questions) == ("7", "green-index", 31, 78)
    gi = run_audit(KOMBIT, ["green-index"]).frameworks[0]
    assert use.score == gi.overall.score
    html = RENDERERS["html"]().render(result).decode("utf-8")
    line = (
        f"Computed from the Green Index 3.0 answers (GI score {float(use.score or 0) * 100:.1f} %)"
    )
    assert line in html
    assert html.count("Computed from the Green Index 3.0 answers") == 1
    record = RENDERERS["json"]().render(result).decode("utf-8")
    assert '"scored_from"' in record
    scored = next(s for s in us.indicators if s.result.indicator.id == "7.A.1.1")
    assert scored.result.sourced is not None
    ids = [q.id for q in scored.result.sourced.questions]
    assert ids == ["GI.0.1.1", "GI.0.1.2"]
    for q in ids:
        assert q in scored.result.explanation
        assert q in scored.result.summary
    assert all(f.path.startswith("green_index.") for f in scored.result.facts)
    assert "The assessor's answer" not in scored.result.summary  # 7.A.1.1 is decided by data
    answered = next(s for s in us.indicators if s.result.indicator.id == "7.A.1.2")
    assert answered.result.answer is not None
    assert "The assessor's answer ('partially') is left aside" in answered.result.summary


# -- the rule-language key ---------------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "universal_standards"
    shutil.copytree(US, folder)
    return folder


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_the_schema_refuses_a_bad_scored_from_with_its_position(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    part = folder / "d7_environment.yaml"
    text = part.read_text("utf-8")
    part.write_text(text.replace("weights: questions}", "weights: per_question}"), "utf-8")
    with pytest.raises(InvalidInputError) as caught:
        load_rule_set(folder)
    (problem,) = caught.value.diagnostics
    assert problem.position.file.endswith("d7_environment.yaml")
    assert problem.position.line == _line_of(part, "weights: per_question")
    assert problem.position.column > 1
    assert "per_question" in problem.message


def test_scored_from_itself_or_with_nothing_mapped_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    part = folder / "d7_environment.yaml"
    text = part.read_text("utf-8")
    part.write_text(text.replace("{framework: green-index, weights", "{framework: spi, weights"))
    with pytest.raises(InvalidInputError) as caught:
        load_rule_set(folder)
    (problem,) = caught.value.diagnostics
    assert "no indicator below '7' maps to 'spi'" in problem.message
    assert problem.position.line == _line_of(part, "scored_from:")
    part.write_text(
        text.replace("{framework: green-index, weights", "{framework: universal-standards, weights")
    )
    with pytest.raises(InvalidInputError) as caught:
        load_rule_set(folder)
    assert any("cannot be scored from themselves" in d.message for d in caught.value.diagnostics)


def test_lint_catches_an_unknown_question_id(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    part = folder / "d7_environment.yaml"
    text = part.read_text("utf-8")
    wrong = "{framework: green-index, id: GI.3.1.26, relation: superset}"
    part.write_text(
        text.replace("{framework: green-index, id: GI.3.1.25, relation: superset}", wrong), "utf-8"
    )
    _, problems = lint_rule_sets([folder], {})
    (problem,) = [p for p in problems if "GI.3.1.26" in p.message]
    assert (
        "7.C.1.4 maps to 'GI.3.1.26', which is not an indicator of 'green-index'" in problem.message
    )
    assert problem.position.line == _line_of(part, "GI.3.1.26")


def test_a_dimension_7_action_settles_the_green_index_questions_it_was_scored_from() -> None:
    """One thing to fix, not two: a d7 finding and its questions' findings are one action, in d7's words."""
    from engine.report.build import build_report

    result = run_audit(KOMBIT, ["all"])
    report = build_report(result)
    us = next(f for f in result.frameworks if f.ruleset.id == "universal-standards")
    gi_findings = {
        s.result.indicator.id
        for f in result.frameworks
        if f.ruleset.id == "green-index"
        for s in f.indicators
        if s.result.status in (Status.FAIL, Status.PARTIAL)
    }
    sourced = {
        s.result.indicator.id: s.result
        for s in us.indicators
        if s.result.sourced is not None and s.result.status in (Status.FAIL, Status.PARTIAL)
    }
    assert len(sourced) >= 10
    action_of = {(s.framework, s.id): a for a in report.actions for s in a.settles}
    for rid, r in sourced.items():
        action = action_of[("universal-standards", rid)]
        us_members = [s.id for s in action.settles if s.framework == "universal-standards"]
        assert us_members == [rid], us_members  # shared questions do not chain two d7 indicators
        assert action.recommendation == r.indicator.recommendation_for(r.status), rid
        for q in r.sourced.questions:  # type: ignore[union-attr]
            if q.id in gi_findings:  # its question's finding is settled by a d7 action citing it
                holder = action_of[("green-index", q.id)]
                (owner,) = [s.id for s in holder.settles if s.framework == "universal-standards"]
                assert q.id in {x.id for x in sourced[owner].sourced.questions}  # type: ignore[union-attr]
    spoken_for = {q.id for r in sourced.values() for q in r.sourced.questions}  # type: ignore[union-attr]
    alone = [a for a in report.actions if {s.framework for s in a.settles} == {"green-index"}]
    assert not [a for a in alone if a.settles[0].id in spoken_for]
