"""The typed report: the merged action plan, audiences, ordering."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

from engine.model import Priority, Relation, Status
from engine.report.actions import build_actions
from engine.report.findings import IndicatorView, Landing
from engine.report.model import FrameworkView


def _view(framework: str, ident: str, status: Status = Status.FAIL, **extra: Any) -> IndicatorView:
    base = IndicatorView(
        framework=framework,
        id=ident,
        title=f"{ident} title",
        path=(ident[0],),
        status=status,
        status_label="Not met" if status is Status.FAIL else "Partly met",
        computed_label="",
        score_pct="",
        effective_weight_pct="",
        points_lost=Fraction(1, 100),
        points_lost_pct="1.00",
        critical=False,
        priority=Priority.MEDIUM,
        priority_label="Medium",
        pathway_label="",
        inferred=False,
        benchmark=False,
        finding=f"{framework} {ident} is wrong.",
        recommendation=f"fix {framework} {ident}",
        explanation="",
        summary="",
        rests_on="",
        facts=(),
        documents=(),
        evidence_sought=(),
        evidence_sought_text="",
        lands_in=(),
        override=None,
        overridden=False,
        owner="",
        due="",
        progress="",
        standard_id="",
        standard_title="",
    )
    return dataclasses.replace(base, **extra)


def _framework(ident: str, findings: list[IndicatorView]) -> Any:
    # build_actions reads only the id and the findings of a framework view
    return _Stub(ident, tuple(findings))


@dataclasses.dataclass(frozen=True)
class _Stub:
    id: str
    findings: tuple[IndicatorView, ...]


def _link(framework: str, ident: str, relation: Relation, status: Status) -> Landing:
    return Landing(framework, ident, relation, status, str(status))


def test_action_plan_lists_equivalent_findings_across_frameworks_once() -> None:
    us = _view(
        "us",
        "4.A.1.1",
        lands_in=(_link("sc", "2.1.1", Relation.EQUIVALENT, Status.FAIL),),
        owner="Head of credit",
        due="2026-06-30",
        progress="in progress",
    )
    sc = _view(
        "sc", "2.1.1", Status.PARTIAL, critical=True, priority=Priority.HIGH, priority_label="High"
    )
    spi = _view(
        "spi", "2.2.1", lands_in=(_link("sc", "2.1.1", Relation.EQUIVALENT, Status.PARTIAL),)
    )
    related = _view(
        "spi", "3.1.1", lands_in=(_link("us", "4.A.1.1", Relation.RELATED, Status.FAIL),)
    )
    frameworks: list[FrameworkView] = [
        _framework("sc", [sc]),
        _framework("spi", [spi, related]),
        _framework("us", [us]),
    ]
    plan = build_actions(frameworks)
    assert len(plan) == 2  # the chain us ~ sc ~ spi is one action; 'related' stays apart
    merged = plan[0]
    assert [(s.framework, s.id) for s in merged.settles] == [
        ("sc", "2.1.1"),
        ("spi", "2.2.1"),
        ("us", "4.A.1.1"),
    ]
    assert merged.recommendation == "fix sc 2.1.1"  # the most severe finding leads
    assert merged.critical is True
    assert merged.status is Status.FAIL  # the worst status of the findings it settles
    assert (merged.owner, merged.due, merged.progress) == (
        "Head of credit",
        "2026-06-30",
        "in progress",
    )
    assert [(s.framework, s.id) for s in plan[1].settles] == [("spi", "3.1.1")]
    assert plan[1].owner == ""
    assert plan[1].owner_text == "to agree"


def test_benchmarks_bring_no_action() -> None:
    benchmark = _view("us", "1.PD.1.1", benchmark=True, priority=None, priority_label="")
    assert build_actions([_framework("us", [benchmark])]) == ()
