"""The merged action plan of a result, without the rest of the report (what the JSON record needs).

`build_report` lays out the same framework views; this module is what the machine formats import,
so that writing a record does not load the report's other parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model import AuditResult
from engine.report.actions import build_actions
from engine.report.audience import Audience, AudiencePolicy, policy_for
from engine.report.findings import Action
from engine.report.indicator_views import framework_findings

if TYPE_CHECKING:
    from engine.report.model import FrameworkView


def framework_views(
    result: AuditResult, policy: AudiencePolicy
) -> tuple[tuple[FrameworkView, ...], tuple[FrameworkView, ...]]:
    """Every framework's view, and those laid out in full.

    A framework the evidence says nothing about is named once, not laid out in full (unless
    nothing at all was assessed, when its gaps are what the reader needs).
    """
    from engine.report.views import framework_view  # the layout: not for a record without trends

    every = tuple(framework_view(f, result, policy) for f in result.frameworks)
    if result.progress is not None:
        from engine.report.progress import with_trends

        every = tuple(with_trends(f, result.progress) for f in every)
    return every, tuple(f for f in every if f.assessed) or every


def plan_actions(
    result: AuditResult, audience: Audience | str = Audience.FULL
) -> tuple[Action, ...]:
    """The merged action plan the audience sees: `build_report(...).actions`, without the rest."""
    policy = policy_for(audience)
    if not policy.action_plan:
        return ()
    if result.progress is not None:  # trends are drawn on the full views
        return build_actions(framework_views(result, policy)[1])
    every = [framework_findings(f, result, policy) for f in result.frameworks]
    assessed = [v for v, f in zip(every, result.frameworks, strict=True) if f.overall.coverage]
    return build_actions(assessed or every)
