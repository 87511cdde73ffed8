"""Compare two assessments of one institution: two result records in, a typed `Comparison` out.

Pure: no I/O, no clock. Each side is a result record (the JSON of `assess --format json`, or the
record of an evidence file just assessed), already checked against result.schema.json.

- Scores and coverage: per framework, its overall score and every node's, on both dates.
- Status changes: every indicator whose status differs (or that is in one assessment only).
- Renamed indicators: when the later rule set's changelog renamed, split or merged ids since the
  earlier version, an earlier indicator is matched with the id(s) it became, and its status change
  and finding are given under the later id with the earlier one (`was`); a merged indicator's
  earlier status is the worst of those it merges (fail, partial, not assessed, pass, not
  applicable). A retired indicator is in the earlier assessment only.
- Findings (an indicator not met or partly met): *closed* when it passes now, *new* when it was not
  a finding before, *recurring* when it is a finding on both dates. A finding that is now not
  assessed or not applicable is neither closed nor recurring: it is listed among the status changes.
- Goals: the evidence's social goals matched by id, target and actual on both dates.
- The earlier action plan, judged on the frameworks both assessments hold: an action is *done*
  when every indicator it settles passes now (or no longer applies), *late* when one is still not
  met and its due date is before the later assessment, *open* when one is still not met but not
  yet due, *not assessed* when the later assessment cannot tell, *dropped* when none of its
  indicators is in the later assessment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from engine.model import Status, Verdict, VersionEntry
from engine.model.progress import (
    ActionProgress,
    ActionState,
    CitedEvidence,
    Comparison,
    Finding,
    FindingChange,
    FrameworkComparison,
    GateDelta,
    GoalProgress,
    RatingGap,
    ScoreDelta,
    SelfVsExternal,
    SettledStatus,
    Side,
    StatusChange,
)
from engine.versions import successors, version_key

Record = Mapping[str, Any]
FINDING = frozenset({Status.FAIL, Status.PARTIAL})
MET = frozenset({Status.PASS, Status.NOT_APPLICABLE})
WORST_FIRST = (
    Status.FAIL,
    Status.PARTIAL,
    Status.NOT_ASSESSED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)
LISTED_MOVES = 10  # id changes named in the note; the rest counted
Moves = Mapping[str, Mapping[str, tuple[str, ...]]]  # framework id -> earlier id -> later ids


def fraction(exact: object) -> Fraction | None:
    """'numerator/denominator' (or a number) as a fraction; None stays None."""
    if exact is None:
        return None
    if isinstance(exact, str):
        return Fraction(exact)
    if isinstance(exact, int | float):
        return Fraction(str(exact))
    raise TypeError(f"not a score: {exact!r}")  # pragma: no cover - the schema refuses it


def side(record: Record, file: str) -> Side:
    """Which assessment a record is."""
    assessment = record.get("assessment", {})
    period = assessment.get("period") or {}
    return Side(
        file=file,
        institution=str(record.get("institution", {}).get("name", "")),
        assessment_type=str(assessment.get("type", "")),
        period_start=str(period.get("start", "")),
        period_end=str(period.get("end", "")),
        assessed_on=str(assessment.get("assessed_on", "")),
    )


def compare(
    old: Record,
    new: Record,
    old_file: str = "",
    new_file: str = "",
    *,
    self_assessment: bool = False,
    changelogs: Mapping[str, Sequence[VersionEntry]] | None = None,
) -> Comparison:
    """What moved from the earlier assessment (`old`) to the later (`new`).

    With `self_assessment`, `old` is the institution's self-assessment and `new` an external
    assessment (of the same period): the comparison also lists where the institution rated itself
    higher, with the evidence each side cited. `changelogs` holds the changelog of the later
    version of each rule set (by id), so that indicators it renamed are matched.
    """
    old_side, new_side = side(old, old_file), side(new, new_file)
    moves = id_moves_between(old, new, changelogs or {})
    if self_assessment:
        return Comparison(
            old_side,
            new_side,
            tuple(_framework(o, n, moves) for o, n in _pairs(old, new)),
            _goals(old.get("social_goals"), new.get("social_goals")),
            (),
            _self_notes(old_side, new_side),
            self_vs_external(old, new),
        )
    frameworks = tuple(_framework(o, n, moves) for o, n in _pairs(old, new))
    return Comparison(
        old_side,
        new_side,
        frameworks,
        _goals(old.get("social_goals"), new.get("social_goals")),
        _actions(old, new, new_side.assessed_on, moves),
        _notes(old, new, old_side, new_side, changelogs or {}, moves),
    )


def id_moves_between(
    old: Record, new: Record, changelogs: Mapping[str, Sequence[VersionEntry]]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per rule set assessed on both dates at two versions: what each earlier id became."""
    before = {r["id"]: str(r["version"]) for r in old["provenance"]["rule_sets"]}
    moves = {}
    for rule_set in new["provenance"]["rule_sets"]:
        rid, version = rule_set["id"], str(rule_set["version"])
        earlier = before.get(rid)
        if earlier is None or rid not in changelogs:
            continue
        if version_key(earlier) < version_key(version):
            moved = successors(changelogs[rid], earlier, version)
            if moved:
                moves[rid] = moved
    return moves


def _pairs(old: Record, new: Record) -> list[tuple[Record | None, Record | None]]:
    old_fw = {f["id"]: f for f in old["frameworks"]}
    new_fw = {f["id"]: f for f in new["frameworks"]}
    ids = [*new_fw, *(i for i in old_fw if i not in new_fw)]
    return [(old_fw.get(i), new_fw.get(i)) for i in ids]


SELF_TYPES = frozenset({"self_assessment", "accompanied_self_assessment"})
RANK = {Status.FAIL: 0, Status.PARTIAL: 1, Status.PASS: 2}


def _self_notes(self_side: Side, external: Side) -> tuple[str, ...]:
    notes = []
    if self_side.institution != external.institution:
        notes.append(
            f"the two assessments are of different institutions: '{self_side.institution}' and "
            f"'{external.institution}'"
        )
    if self_side.assessment_type not in SELF_TYPES:
        notes.append(f"the first file is a {self_side.assessment_type}, not a self-assessment")
    if external.assessment_type in SELF_TYPES:
        notes.append(f"the second file is a {external.assessment_type}, not an external one")
    if (self_side.period_start, self_side.period_end) != (
        external.period_start,
        external.period_end,
    ):
        notes.append(
            f"the two cover different periods ({self_side.period_start} to "
            f"{self_side.period_end}, {external.period_start} to {external.period_end})"
        )
    return tuple(notes)


def cited(indicator: Record) -> CitedEvidence:
    """What an indicator's rating rests on, from its record."""
    answer = indicator.get("answer") or {}
    documents = tuple(
        " ".join(
            part
            for part in (
                str(d["id"]),
                str(d.get("title") or ""),
                f"p. {d['pages']}" if d.get("pages") else "",
                f"({d['note']})" if d.get("note") else "",
            )
            if part
        )
        for d in indicator["evidence"]["documents"]
    )
    facts = tuple(f"{f['path']} = {f['value']}" for f in indicator["evidence"]["facts"])
    return CitedEvidence(
        str(answer.get("answer") or ""),
        str(answer.get("comment") or ""),
        documents,
        facts,
        str(indicator.get("summary") or ""),
    )


def self_vs_external(own: Record, external: Record) -> SelfVsExternal:
    """Where the institution's own rating is above, equal to or below the external one."""
    higher, lower, same = [], 0, 0
    for old_fw, new_fw in _pairs(own, external):
        if old_fw is None or new_fw is None:
            continue
        theirs = {i["id"]: i for i in new_fw["indicators"]}
        for mine in old_fw["indicators"]:
            other = theirs.get(mine["id"])
            if other is None:
                continue
            a, b = Status(mine["status"]), Status(other["status"])
            if a not in RANK or b not in RANK:
                continue
            if RANK[a] == RANK[b]:
                same += 1
            elif RANK[a] < RANK[b]:
                lower += 1
            else:
                higher.append(
                    RatingGap(
                        str(new_fw["id"]),
                        str(mine["id"]),
                        str(other["title"]),
                        bool(other["critical"]),
                        a,
                        b,
                        cited(mine),
                        cited(other),
                    )
                )
    higher.sort(key=lambda g: (RANK[g.external_status] - RANK[g.self_status], not g.critical))
    return SelfVsExternal(tuple(higher), lower, same, len(higher) + lower + same)


def _notes(
    old: Record,
    new: Record,
    old_side: Side,
    new_side: Side,
    changelogs: Mapping[str, Sequence[VersionEntry]],
    moves: Moves,
) -> tuple[str, ...]:
    notes = []
    if old_side.institution != new_side.institution:
        notes.append(
            f"the two assessments are of different institutions: '{old_side.institution}' and "
            f"'{new_side.institution}'"
        )
    if (
        old_side.assessed_on
        and new_side.assessed_on
        and old_side.assessed_on > new_side.assessed_on
    ):
        notes.append(
            f"the earlier file is dated after the later one ({old_side.assessed_on} > "
            f"{new_side.assessed_on}): is the order OLD NEW right?"
        )
    old_versions = {r["id"]: r["version"] for r in old["provenance"]["rule_sets"]}
    for rule_set in new["provenance"]["rule_sets"]:
        before = old_versions.get(rule_set["id"])
        if before is not None and before != rule_set["version"]:
            notes.append(
                f"{rule_set['id']}: rule set version {before} then {rule_set['version']}; "
                "a change of score may come from the rule set, not the institution"
            )
            moved = moves.get(rule_set["id"], {})
            if moved:
                notes.append(
                    f"{rule_set['id']}: {len(moved)} indicator id(s) changed by the changelog of "
                    f"{rule_set['version']} are matched with what they became: "
                    + "; ".join(
                        f"{was} → {', '.join(now) if now else 'retired'}"
                        for was, now in list(moved.items())[:LISTED_MOVES]
                    )
                    + (
                        f"; and {len(moved) - LISTED_MOVES} more"
                        if len(moved) > LISTED_MOVES
                        else ""
                    )
                )
            elif rule_set["id"] not in changelogs and version_key(before) < version_key(
                rule_set["version"]
            ):
                notes.append(
                    f"{rule_set['id']}: the changelog of {rule_set['version']} could not be read "
                    "(not a bundled rule set, or an older copy): an indicator it renamed shows as "
                    "gone and new"
                )
    for record, which in ((old, "earlier"), (new, "later")):
        if record.get("audience", "full") != "full":
            notes.append(
                f"the {which} record is the '{record['audience']}' edition: what it withholds "
                "(the action plan, evidence text) cannot be compared"
            )
    unjudged = _unjudged_actions(old, new)
    if unjudged:
        notes.append(
            f"{unjudged} action(s) of the earlier plan concern only frameworks the later "
            "assessment does not hold: not judged"
        )
    if "social_goals" not in old:
        notes.append("the earlier record holds no social goals (made before they were recorded)")
    return tuple(notes)


def _unjudged_actions(old: Record, new: Record) -> int:
    assessed_now = {f["id"] for f in new["frameworks"]}
    return sum(
        1
        for action in old.get("action_plan", [])
        if not any(s["framework"] in assessed_now for s in action["settles"])
    )


def _delta(old: Record | None, new: Record | None, fallback_id: str = "") -> ScoreDelta:
    some = new or old or {}
    return ScoreDelta(
        id=str(some.get("id", fallback_id)),
        title=str(some.get("title", "")),
        level=str(some.get("level", "")),
        parent=some.get("parent"),
        old_score=fraction(old.get("score_exact")) if old else None,
        new_score=fraction(new.get("score_exact")) if new else None,
        old_coverage=fraction(old.get("coverage")) if old else None,
        new_coverage=fraction(new.get("coverage")) if new else None,
    )


def _status(record: Record | None) -> Status | None:
    return None if record is None else Status(record["status"])


def _under_later_ids(
    indicators: Sequence[Record], moved: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, Record], dict[str, tuple[str, ...]]]:
    """The earlier indicators by the id each became, and the earlier ids behind each later one."""
    found: dict[str, Record] = {}
    was: dict[str, tuple[str, ...]] = {}
    for indicator in indicators:
        rid = indicator["id"]
        for now in moved.get(rid) or (rid,):  # a retired id stays as it was
            if now != rid:
                was[now] = (*was.get(now, ()), rid)
            other = found.get(now)
            worse = other is None or WORST_FIRST.index(
                Status(indicator["status"])
            ) < WORST_FIRST.index(Status(other["status"]))
            if worse:
                found[now] = indicator
    return found, was


def _framework(
    old: Record | None, new: Record | None, moves: Moves | None = None
) -> FrameworkComparison:
    some = new or old
    assert some is not None  # noqa: S101 - one side at least holds the framework
    old_nodes = {n["id"]: n for n in (old or {}).get("nodes", [])}
    new_nodes = {n["id"]: n for n in (new or {}).get("nodes", [])}
    node_ids = [*new_nodes, *(i for i in old_nodes if i not in new_nodes)]
    old_ind, was_ids = _under_later_ids(
        (old or {}).get("indicators", []), (moves or {}).get(str(some["id"]), {})
    )
    new_ind = {i["id"]: i for i in (new or {}).get("indicators", [])}
    ind_ids = [*new_ind, *(i for i in old_ind if i not in new_ind)]
    changes, findings = [], []
    for rid in ind_ids:
        before, after = old_ind.get(rid), new_ind.get(rid)
        was, now = _status(before), _status(after)
        shown = after or before
        assert shown is not None  # noqa: S101
        critical = bool(shown["critical"])
        earlier = was_ids.get(rid, ())
        if was is not now:
            changes.append(StatusChange(rid, shown["title"], was, now, critical, earlier))
        change = _finding_change(was, now)
        if change is not None:
            text = (before if change is FindingChange.CLOSED else after) or shown
            findings.append(
                Finding(
                    rid,
                    shown["title"],
                    change,
                    was,
                    now,
                    critical,
                    text.get("finding") or "",
                    earlier,
                )
            )
    order = list(FindingChange)
    findings.sort(key=lambda f: order.index(f.change))
    old_gates = {g["id"]: g for g in (old or {}).get("gates", [])}
    new_gates = {g["id"]: g for g in (new or {}).get("gates", [])}
    gates = tuple(
        GateDelta(
            gid,
            str((new_gates.get(gid) or old_gates[gid])["title"]),
            Verdict(old_gates[gid]["verdict"]) if gid in old_gates else None,
            Verdict(new_gates[gid]["verdict"]) if gid in new_gates else None,
        )
        for gid in [*new_gates, *(g for g in old_gates if g not in new_gates)]
    )
    return FrameworkComparison(
        id=str(some["id"]),
        title=str(some["title"]),
        old_version=None if old is None else str(old["version"]),
        new_version=None if new is None else str(new["version"]),
        overall=_delta(old and old["overall"], new and new["overall"], str(some["id"])),
        nodes=tuple(_delta(old_nodes.get(i), new_nodes.get(i), i) for i in node_ids),
        status_changes=tuple(changes),
        findings=tuple(findings),
        gates=gates,
        old_grade=_grade(old),
        new_grade=_grade(new),
    )


def _grade(framework: Record | None) -> str | None:
    grade = None if framework is None else framework.get("grade")
    return None if grade is None else grade.get("grade")


def _finding_change(was: Status | None, now: Status | None) -> FindingChange | None:
    if was in FINDING and now is Status.PASS:
        return FindingChange.CLOSED
    if now in FINDING:
        return FindingChange.RECURRING if was in FINDING else FindingChange.NEW
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _met(goal: Record | None) -> bool | None:
    if goal is None:
        return None
    target, actual = _number(goal.get("target")), _number(goal.get("actual"))
    if target is None or actual is None:
        return None
    return actual <= target if goal.get("direction") == "decrease" else actual >= target


def _goals(old: object, new: object) -> tuple[GoalProgress, ...]:
    before = {str(g.get("id")): g for g in old} if isinstance(old, list) else {}
    after = {str(g.get("id")): g for g in new} if isinstance(new, list) else {}
    rows = []
    for gid in [*after, *(g for g in before if g not in after)]:
        was, now = before.get(gid), after.get(gid)
        shown = now or was
        assert shown is not None  # noqa: S101
        rows.append(
            GoalProgress(
                id=gid,
                goal=str(shown.get("goal") or ""),
                indicator=str(shown.get("indicator") or ""),
                unit=str(shown.get("unit") or ""),
                direction=str(shown.get("direction") or "increase"),
                old_target=_number(was.get("target")) if was else None,
                old_actual=_number(was.get("actual")) if was else None,
                new_target=_number(now.get("target")) if now else None,
                new_actual=_number(now.get("actual")) if now else None,
                old_met=_met(was),
                new_met=_met(now),
            )
        )
    return tuple(rows)


def _statuses(record: Record) -> dict[tuple[str, str], Status]:
    return {
        (f["id"], i["id"]): Status(i["status"])
        for f in record["frameworks"]
        for i in f["indicators"]
    }


def action_state(settles: Sequence[SettledStatus], due: str, assessed_on: str) -> ActionState:
    """What became of an action, from the later statuses of the indicators it settles."""
    present = [s.new for s in settles if s.new is not None]
    if not present:
        return ActionState.DROPPED
    if any(s in FINDING for s in present):
        return ActionState.LATE if due and assessed_on and due < assessed_on else ActionState.OPEN
    if all(s in MET for s in present):
        return ActionState.DONE
    return ActionState.NOT_ASSESSED


def _actions(
    old: Record, new: Record, assessed_on: str, moves: Moves | None = None
) -> tuple[ActionProgress, ...]:
    """The earlier plan's actions, judged on the frameworks the later assessment holds.

    An indicator the later rule set renamed, split or merged is judged under its later id(s).
    """
    before, after = _statuses(old), _statuses(new)
    assessed_now = {f["id"] for f in new["frameworks"]}
    moved = moves or {}
    rows = []
    for action in old.get("action_plan", []):
        settles = tuple(
            SettledStatus(
                s["framework"],
                now,
                before.get((s["framework"], s["id"]), Status(action["status"])),
                after.get((s["framework"], now)),
            )
            for s in action["settles"]
            if s["framework"] in assessed_now
            for now in moved.get(s["framework"], {}).get(s["id"]) or (s["id"],)
        )
        if not settles:
            continue  # none of its frameworks is assessed now: nothing to judge it on
        due = str(action.get("due") or "")
        rows.append(
            ActionProgress(
                recommendation=str(action["recommendation"]),
                settles=settles,
                owner=str(action.get("owner") or ""),
                due=due,
                state=action_state(settles, due, assessed_on),
                critical=bool(action["critical"]),
            )
        )
    return tuple(rows)
