"""The findings of a report and the action plan built from them: typed views, no logic.

What the JSON record, the CSV and the batch need of the typed report (`engine.report.plan`), apart
from its layout (`engine.report.model`), so that writing a record builds and imports only these
(issue 17: the 20 other classes of the layout cost ~15 ms of every start).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from engine.model import Priority, Relation, Status


@dataclass(frozen=True, slots=True)
class FactLine:
    """A fact an indicator's result rests on."""

    path: str
    value_text: str
    position: str | None  # 'file:line:col' in the evidence file


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """A document an answer cites, with pages and note."""

    id: str
    title: str | None
    pages: str | None
    note: str | None
    confidential: bool


@dataclass(frozen=True, slots=True)
class Landing:
    """Where an indicator lands in another framework of the run."""

    framework: str
    id: str
    relation: Relation
    status: Status
    status_text: str  # 'partial', 'not assessed'


@dataclass(frozen=True, slots=True)
class OverrideView:
    """An assessor's override, as this audience may see it."""

    by: str
    on: str
    reason: str
    authority: str = ""
    expires: str = ""
    scope_text: str = ""  # 'this indicator only' when it does not reach equivalents


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """One indicator's result."""

    framework: str
    id: str
    title: str
    path: tuple[str, ...]
    status: Status
    status_label: str
    computed_label: str
    score_pct: str
    effective_weight_pct: str
    points_lost: Fraction
    points_lost_pct: str
    critical: bool
    priority: Priority | None
    priority_label: str
    pathway_label: str
    inferred: bool
    benchmark: bool
    finding: str  # the text its status states ('' when met)
    recommendation: str
    explanation: str  # the machine trace; '' where the audience sees no evidence text
    summary: str  # the result in plain words; '' likewise
    rests_on: str  # the one line the detailed results print ('' likewise)
    facts: tuple[FactLine, ...]
    documents: tuple[CitedDocument, ...]
    evidence_sought: tuple[str, ...]
    evidence_sought_text: str
    lands_in: tuple[Landing, ...]
    override: OverrideView | None
    overridden: bool
    owner: str
    due: str
    progress: str
    standard_id: str
    standard_title: str
    effort: str = ""  # low, medium, high, when the evidence's action plan says
    # (framework, question id) of the questions of another framework it was scored from
    scored_from: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FrameworkFindings:
    """A framework's findings, most severe first: what the merged action plan is built from."""

    id: str
    findings: tuple[IndicatorView, ...]


@dataclass(frozen=True, slots=True)
class SettledIndicator:
    """An indicator an action settles."""

    framework: str
    id: str
    status_text: str


@dataclass(frozen=True, slots=True)
class Action:
    """One thing for the institution to do: a finding, or equivalent findings merged."""

    recommendation: str
    finding: str
    status: Status
    priority: Priority | None
    priority_label: str
    critical: bool
    settles: tuple[SettledIndicator, ...]
    owner: str  # '' when the evidence names none
    due: str
    progress: str
    points_lost: Fraction = Fraction(0)  # the most any of its findings costs
    effort: str = ""

    @property
    def owner_text(self) -> str:
        """The owner, or what to print when the evidence names none."""
        return self.owner or "to agree"

    @property
    def due_text(self) -> str:
        """The due date, or a dash."""
        return self.due or "—"


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """Actions of one priority."""

    title: str
    actions: tuple[Action, ...]
