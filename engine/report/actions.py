"""The institution's action plan: one action per finding, equivalent findings merged.

An institution failing the same practice in three frameworks has one thing to fix, not three:
findings linked by an `equivalent` mapping (directly or through a chain) become one action, which
names every indicator it settles. So do an indicator scored from another framework's questions
(`scored_from`: dimension 7 from the Green Index answers) and those questions' findings: meeting
the indicator is meeting its questions, and the action takes its texts (the priority is still the
most severe finding's). The action takes the recommendation, priority and status of its
most severe finding, and the owner and due date the evidence file gives for any of them. Actions
are ordered like findings: most severe first.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from engine.i18n import N_
from engine.i18n import gettext as _
from engine.model import Priority, Relation, Status
from engine.report.findings import (
    Action,
    ActionGroup,
    FrameworkFindings,
    IndicatorView,
    SettledIndicator,
)

if TYPE_CHECKING:
    from engine.report.model import FrameworkView

Key = tuple[str, str]  # (framework id, indicator id)


def severity(view: IndicatorView) -> tuple[int, int, Fraction]:
    """Findings order: priority, then critical first, then points lost (stable on document order)."""
    return (
        3 if view.priority is None else view.priority.rank,
        0 if view.critical else 1,
        -view.points_lost,
    )


def build_actions(frameworks: Sequence[FrameworkView | FrameworkFindings]) -> tuple[Action, ...]:
    """The merged action plan, most severe first."""
    order = {f.id: n for n, f in enumerate(frameworks)}
    findings: dict[Key, IndicatorView] = {
        (f.id, i.id): i for f in frameworks for i in f.findings if not i.benchmark
    }
    parent = {key: key for key in findings}
    # each finding's place in the order, once: the sorts below ask for it thousands of times
    rank = {key: (severity(f), order[key[0]], key[1]) for key, f in findings.items()}

    def root(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key, finding in findings.items():
        for link in finding.lands_in:
            other = (link.framework, link.id)
            if link.relation == Relation.EQUIVALENT and other in findings:
                parent[root(other)] = root(key)
    # A question two indicators were scored from goes with the more severe one only, so that the
    # two do not become one action through it.
    claimed: set[Key] = set()
    for key in sorted(findings, key=rank.__getitem__):
        for other in findings[key].scored_from:
            if other in findings and other not in claimed:
                claimed.add(other)
                parent[root(other)] = root(key)
    groups: dict[Key, list[Key]] = {}
    for key in findings:
        groups.setdefault(root(key), []).append(key)
    led: list[tuple[tuple[int, int, Fraction], Action]] = []
    for members in groups.values():
        members.sort(key=rank.__getitem__)
        severest = findings[members[0]]
        # an indicator scored from the others' questions speaks for them all
        lead = next((findings[k] for k in members if findings[k].scored_from), severest)
        # The first finding with an action item in the evidence gives owner, due date and progress.
        given = next((findings[k] for k in members if findings[k].progress), None)
        action = Action(
            recommendation=lead.recommendation,
            finding=lead.finding,
            status=Status.FAIL
            if any(findings[k].status is Status.FAIL for k in members)
            else Status.PARTIAL,
            priority=severest.priority,
            priority_label=severest.priority_label,
            critical=any(findings[k].critical for k in members),
            settles=tuple(
                SettledIndicator(k[0], k[1], findings[k].status_label.lower())
                for k in sorted(members, key=lambda k: (order[k[0]], k[1]))
            ),
            owner=given.owner if given else "",
            due=given.due if given else "",
            progress=given.progress if given else "",
            points_lost=max(findings[k].points_lost for k in members),
            effort=next((findings[k].effort for k in members if findings[k].effort), ""),
        )
        led.append((rank[members[0]][0], action))
    led.sort(key=lambda pair: (pair[0], pair[1].settles[0].framework, pair[1].settles[0].id))
    return tuple(action for _, action in led)


ROADMAP = 15  # the summary's roadmap: at most this many actions
_EFFORT_RANK = {"low": 0, "medium": 1, "high": 2}


def roadmap(actions: Sequence[Action]) -> tuple[Action, ...]:
    """The most urgent actions: by harm to clients (priority), then points, then the lighter first.

    Actions already done drop out.
    """
    open_actions = [a for a in actions if a.progress != "done"]
    ranked = sorted(
        open_actions,
        key=lambda a: (
            3 if a.priority is None else a.priority.rank,
            -a.points_lost,
            _EFFORT_RANK.get(a.effort, 3),
        ),
    )
    return tuple(ranked[:ROADMAP])


PRIORITY_TITLE = {
    Priority.HIGH: N_("High priority"),
    Priority.MEDIUM: N_("Medium priority"),
    Priority.LOW: N_("Low priority"),
}


def group_actions(actions: Sequence[Action]) -> tuple[ActionGroup, ...]:
    """Actions under headings: high, medium, low priority, then those with none set."""
    groups = []
    for priority in (*Priority, None):
        chosen = tuple(a for a in actions if a.priority is priority)
        if chosen:
            title = _(PRIORITY_TITLE[priority]) if priority else _("No priority set")
            groups.append(ActionGroup(f"{title} ({len(chosen)})", chosen))
    return tuple(groups)
