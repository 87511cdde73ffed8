"""What-if: the exact change of score, grade and gates each action would bring if it were done.

Pure: no I/O. An action is *done* when every indicator it settles passes; the frameworks it touches
are then rescored by `score_rule_set`, the same code as an assessment (not an estimate), so a
what-if equals a re-assessment of evidence in which those indicators pass.

Actions are ranked by gates they would pass, then grade steps, then points of overall score
(summed over the frameworks they touch), then the plan's own order. For every failed gate and for
the next grade band of each framework, the module finds a smallest set of actions that reaches it:
by exhaustive search when the number of combinations to try is small (`EXACT_BUDGET`), otherwise
greedily (the action that most reduces the shortfall first), with every action the target does not
need removed afterwards; the result says which. Fixing an indicator only raises scores (node
scores are weighted means over a fixed set of counted indicators), so a target that all the
actions together miss cannot be reached by the action plan at all: the result says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.model import FrameworkResult, GateResult, IndicatorResult, Status, Verdict
from engine.score import score_rule_set

Key = tuple[str, str]  # (framework id, indicator id)
EXACT_BUDGET = 20_000  # smaller sets an exhaustive search may try (each on the affine model)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An action of the plan: the indicators it settles."""

    number: int  # its place in the plan, from 1
    recommendation: str
    settles: tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A framework's score, grade and gates, as assessed or with some actions done."""

    framework: str
    score: Fraction | None
    grade: str | None
    gates: tuple[tuple[str, Verdict], ...]  # (gate id, verdict)

    def verdict(self, gate_id: str) -> Verdict | None:
        """A gate's verdict."""
        return next((v for g, v in self.gates if g == gate_id), None)


@dataclass(frozen=True, slots=True)
class Gain:
    """What one action would change in each framework it touches."""

    action: Candidate
    before: tuple[Outcome, ...]
    after: tuple[Outcome, ...]
    points: Fraction  # of overall score, summed over the frameworks touched
    gates_passed: tuple[str, ...]  # gates that pass only once it is done
    grade_steps: int  # bands gained, summed over the frameworks touched


@dataclass(frozen=True, slots=True)
class Target:
    """A failed gate or the next grade band, and a smallest set of actions that reaches it."""

    framework: str
    kind: str  # gate or grade
    id: str  # the gate id, or the grade aimed at
    title: str
    reachable: bool
    actions: tuple[int, ...]  # plan numbers, in the order they were chosen
    exact: bool  # True: no smaller set reaches it (exhaustive search); False: greedy
    after: Outcome | None  # the framework with those actions done
    reason: str  # why it cannot be reached, or how the set was found


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The what-if of a result: each action's gain, ranked, and the targets within reach."""

    baseline: tuple[Outcome, ...]
    gains: tuple[Gain, ...]  # best first
    targets: tuple[Target, ...]


class Rescorer:
    """Rescoring of one result's frameworks with some indicators set to pass (memoised)."""

    def __init__(self, frameworks: Sequence[FrameworkResult], assessed_on: dt.date) -> None:
        self.frameworks: dict[str, FrameworkResult] = {str(f.ruleset.id): f for f in frameworks}
        self.assessed_on = assessed_on
        self._memo: dict[tuple[str, frozenset[str]], FrameworkResult] = {}
        self.rescorings = 0

    def rescore(self, framework: str, passing: Iterable[str]) -> FrameworkResult:
        """The framework rescored with the indicators `passing` set to pass."""
        fixed = frozenset(passing)
        base = self.frameworks[framework]
        if not fixed:
            return base
        key = (framework, fixed)
        if key not in self._memo:
            results = [
                _passed(s.result) if s.result.indicator.id in fixed else s.result
                for s in base.indicators
            ]
            self.rescorings += 1
            self._memo[key] = score_rule_set(base.ruleset, results, self.assessed_on)
        return self._memo[key]

    def outcome(self, framework: str, actions: Iterable[Candidate]) -> Outcome:
        """The framework's outcome with `actions` done."""
        passing = {i for a in actions for fw, i in a.settles if fw == framework}
        return outcome(self.rescore(framework, passing))


def _passed(result: IndicatorResult) -> IndicatorResult:
    """The indicator result as if it were met (one status, no respondents' spread)."""
    return dataclasses.replace(result, status=Status.PASS, respondent_statuses=())


def outcome(framework: FrameworkResult) -> Outcome:
    """A framework result's score, grade and gates."""
    return Outcome(
        framework.ruleset.id,
        framework.overall.score,
        framework.grade.grade if framework.grade else None,
        tuple((g.gate.id, g.verdict) for g in framework.gates),
    )


def _rank(framework: FrameworkResult, grade: str | None) -> int | None:
    """A grade's place from the bottom of the scale (0: the lowest band); None: no grade."""
    if framework.grade is None or grade is None:
        return None
    grades = [b.grade for b in framework.grade.scale.bands]
    return len(grades) - 1 - grades.index(grade)


def what_if(
    frameworks: Sequence[FrameworkResult], actions: Sequence[Candidate], assessed_on: dt.date
) -> WhatIf:
    """Each action's exact gain, ranked, and a smallest set of actions for each target."""
    rescorer = Rescorer(frameworks, assessed_on)
    known = {f.ruleset.id for f in frameworks}
    actions = [
        dataclasses.replace(a, settles=tuple(k for k in a.settles if k[0] in known))
        for a in actions
    ]
    actions = [a for a in actions if a.settles]
    gains = [_gain(rescorer, a) for a in actions]
    gains.sort(key=lambda g: (-len(g.gates_passed), -g.grade_steps, -g.points, g.action.number))
    targets = []
    for framework in frameworks:
        targets.extend(_targets(rescorer, framework, actions))
    return WhatIf(tuple(outcome(f) for f in frameworks), tuple(gains), tuple(targets))


def _gain(rescorer: Rescorer, action: Candidate) -> Gain:
    touched = list(dict.fromkeys(fw for fw, _ in action.settles))
    before = tuple(outcome(rescorer.frameworks[fw]) for fw in touched)
    after = tuple(rescorer.outcome(fw, [action]) for fw in touched)
    points = sum(
        (
            (a.score or Fraction(0)) - (b.score or Fraction(0))
            for b, a in zip(before, after, strict=True)
        ),
        Fraction(0),
    )
    passed = tuple(
        f"{b.framework} {gate}"
        for b, a in zip(before, after, strict=True)
        for gate, verdict in a.gates
        if verdict is Verdict.PASSED and b.verdict(gate) is not Verdict.PASSED
    )
    steps = 0
    for b, a in zip(before, after, strict=True):
        base = rescorer.frameworks[b.framework]
        old, new = _rank(base, b.grade), _rank(base, a.grade)
        if old is not None and new is not None:
            steps += new - old
    return Gain(action, before, after, points, passed, steps)


@dataclass(frozen=True, slots=True)
class _State:
    """The scores that decide a framework's gates and grade, with some actions done."""

    scores: Mapping[str, Fraction]  # node id (or OVERALL) → score, for the nodes that matter
    fixed: frozenset[str]  # indicator ids now passing


OVERALL = "\x00overall"  # the key of the overall score among node ids


class _Linear:
    """A framework's gates and grade as functions of the actions done, for the search.

    Every node score is a weighted mean over a set of counted indicators that fixing an indicator
    does not change, so it is affine in the indicators' scores: the node scores with a set of
    actions done are the assessed ones plus the sum of each action's own change (measured by
    rescoring it alone). Gates and grade follow from those scores as `score` decides them; the
    set found is then rescored for real, and that rescoring is what the target reports.
    """

    def __init__(self, rescorer: Rescorer, framework: str, actions: Sequence[Candidate]) -> None:
        self.base = rescorer.frameworks[framework]
        watched = {n for g in self.base.gates for n, _, _ in g.nodes_not_met}
        before = {n.node.id: n.score for n in self.base.nodes if n.node.id in watched}
        before[OVERALL] = self.base.overall.score
        self.start = _State({k: v for k, v in before.items() if v is not None}, frozenset())
        self.deltas: dict[int, dict[str, Fraction]] = {}
        self.fixes: dict[int, frozenset[str]] = {}
        for action in actions:
            fixed = frozenset(i for f, i in action.settles if f == framework)
            after = rescorer.rescore(framework, fixed)
            now = {n.node.id: n.score for n in after.nodes if n.node.id in watched}
            now[OVERALL] = after.overall.score
            self.deltas[action.number] = {
                k: v - self.start.scores[k]
                for k, v in now.items()
                if v is not None and k in self.start.scores and v != self.start.scores[k]
            }
            self.fixes[action.number] = fixed

    def plus(self, state: _State, action: Candidate) -> _State:
        """The state with one more action done."""
        scores = dict(state.scores)
        for node, delta in self.deltas[action.number].items():
            scores[node] += delta
        return _State(scores, state.fixed | self.fixes[action.number])

    def state(self, chosen: Iterable[Candidate]) -> _State:
        """The state with `chosen` done."""
        state = self.start
        for action in chosen:
            state = self.plus(state, action)
        return state

    def gate_shortfall(self, gate: GateResult, state: _State) -> Fraction:
        """Points below the threshold over the judged parts not met, plus one per critical failure."""
        undetermined = set(gate.undetermined)
        short = sum(
            (
                max(Fraction(0), gate.gate.threshold - state.scores.get(node, Fraction(0)))
                for node, _, _ in gate.nodes_not_met
                if node not in undetermined
            ),
            Fraction(0),
        )
        return short + sum(1 for i in gate.critical_failures if i not in state.fixed)

    @staticmethod
    def gate_can_pass(gate: GateResult) -> bool:
        """Whether fixing findings can pass it: enough of its scope assessed, every part judged."""
        if gate.verdict is Verdict.PASSED:
            return True
        coverage_ok = gate.coverage is not None and gate.coverage >= gate.gate.min_coverage
        return coverage_ok and gate.nodes_counted > 0 and not gate.undetermined

    def still_fails(self, gate: GateResult, state: _State) -> bool:
        """Whether the gate's verdict stays `failed` (what caps a grade)."""
        return gate.verdict is Verdict.FAILED and self.gate_shortfall(gate, state) > 0

    def gate_passes(self, gate: GateResult, state: _State) -> bool:
        """Whether the gate passes."""
        return self.gate_can_pass(gate) and self.gate_shortfall(gate, state) == 0

    def grade_index(self, state: _State) -> int | None:
        """The grade's index in the scale (0: best), as `score` gives it; None: no grade."""
        grade = self.base.grade
        if grade is None or grade.grade is None:
            return None
        overall = state.scores.get(OVERALL, Fraction(0))
        bands = grade.scale.bands
        index = next(i for i, band in enumerate(bands) if overall >= band.min)
        grades = [b.grade for b in bands]
        gates = {g.gate.id: g for g in self.base.gates}
        for gate_id, max_grade in grade.scale.caps:
            gate = gates.get(gate_id)
            if gate is not None and self.still_fails(gate, state):
                index = max(index, grades.index(max_grade))
        return index


Check = Callable[[_State], bool]
Measure = Callable[[_State], Fraction]


def _targets(
    rescorer: Rescorer, framework: FrameworkResult, actions: Sequence[Candidate]
) -> list[Target]:
    fw = framework.ruleset.id
    mine = [a for a in actions if any(f == fw for f, _ in a.settles)]
    model = _Linear(rescorer, fw, mine)
    found = []
    for gate in framework.gates:
        if gate.verdict is Verdict.PASSED:
            continue
        what = ("gate", gate.gate.id, f"pass {gate.gate.title}")
        if not model.gate_can_pass(gate):
            found.append(Target(fw, *what, False, (), False, None, WHY_NOT_GATE))
            continue

        def reaches(state: _State, g: GateResult = gate) -> bool:
            return model.gate_passes(g, state)

        def shortfall(state: _State, g: GateResult = gate) -> Fraction:
            return model.gate_shortfall(g, state)

        found.append(_search(rescorer, model, fw, what, mine, (reaches, shortfall)))
    grade = framework.grade
    if grade is not None:
        bands = grade.scale.bands
        if grade.grade is None:
            found.append(
                Target(fw, "grade", "", "get a grade", False, (), False, None, grade.reason)
            )
        elif grade.grade != bands[0].grade:
            index = [b.grade for b in bands].index(grade.grade)
            aim = bands[index - 1]
            grades = [b.grade for b in bands]
            holding = {c for c, cap in grade.scale.caps if grades.index(cap) > index - 1}
            capping = [  # failed gates whose cap keeps the grade below the one aimed at
                g for g in framework.gates if g.verdict is Verdict.FAILED and g.gate.id in holding
            ]

            def reaches_grade(state: _State, want: int = index - 1) -> bool:
                got = model.grade_index(state)
                return got is not None and got <= want

            def grade_shortfall(state: _State, need: Fraction = aim.min) -> Fraction:
                short = max(Fraction(0), need - state.scores.get(OVERALL, Fraction(0)))
                return short + sum((model.gate_shortfall(g, state) for g in capping), Fraction(0))

            title = f"reach grade {aim.grade} ({aim.label}, from {float(aim.min * 100):g} %)"
            found.append(
                _search(
                    rescorer,
                    model,
                    fw,
                    ("grade", aim.grade, title),
                    mine,
                    (reaches_grade, grade_shortfall),
                    additive=not capping,
                )
            )
    return found


WHY_NOT_GATE = (
    "too little of its scope is assessed: it needs evidence for the indicators not assessed, "
    "which no action of the plan gives"
)


def _search(
    rescorer: Rescorer,
    model: _Linear,
    framework: str,
    what: tuple[str, str, str],
    actions: Sequence[Candidate],
    aim: tuple[Check, Measure],
    additive: bool = False,
) -> Target:
    """A smallest set of `actions` reaching the target that `aim` checks.

    `additive`: the target is a score to reach with nothing else in the way, so the largest gains
    first are the fewest actions.
    """
    reaches, _ = aim
    if not reaches(model.state(actions)):
        every = rescorer.outcome(framework, actions)
        why = "not even every action of the plan together reaches it"
        return Target(framework, *what, False, (), False, every, why)
    chosen = _greedy(model, actions, aim)
    size = len(chosen)
    if additive:
        how = "the largest gains first: gains add up exactly, so no fewer actions reach the score"
        exact = True
    elif _combinations_below(len(actions), size) <= EXACT_BUDGET:
        smaller = _exhaustive(model, actions, size, reaches)
        if smaller is not None:
            chosen = smaller
        how = f"exhaustive search: no set of fewer than {len(chosen)} action(s) reaches it"
        exact = True
    else:
        how = (
            "greedy search (the action that most reduces the shortfall first, then every action "
            f"not needed removed); the smaller sets are more than {EXACT_BUDGET:,} to try, so a "
            "smaller one may exist"
        )
        exact = False
    after = rescorer.outcome(framework, chosen)  # the real rescoring, not the model
    numbers = tuple(a.number for a in chosen)
    return Target(framework, *what, True, numbers, exact, after, how)


def _combinations_below(n: int, size: int) -> int:
    """How many sets of 1 to size - 1 of n actions there are (stops counting past the budget)."""
    total = 0
    for k in range(1, size):
        total += math.comb(n, k)
        if total > EXACT_BUDGET:
            break
    return total


def _greedy(
    model: _Linear, actions: Sequence[Candidate], aim: tuple[Check, Measure]
) -> list[Candidate]:
    reaches, shortfall = aim
    chosen: list[Candidate] = []
    state = model.start
    left = list(actions)
    while not reaches(state):
        trials = [(model.plus(state, a), a) for a in left]
        state, best = min(
            trials,
            key=lambda t: (shortfall(t[0]), -t[0].scores.get(OVERALL, Fraction(0)), t[1].number),
        )
        chosen.append(best)
        left.remove(best)
    for action in list(reversed(chosen)):  # drop what the target does not need
        rest = [a for a in chosen if a is not action]
        if reaches(model.state(rest)):
            chosen = rest
    return chosen


def _exhaustive(
    model: _Linear, actions: Sequence[Candidate], size: int, reaches: Check
) -> list[Candidate] | None:
    """The smallest set (below `size`) reaching the target, the one with most points among equals."""
    for k in range(1, size):
        hits = [(model.state(c), c) for c in itertools.combinations(actions, k)]
        hits = [(st, c) for st, c in hits if reaches(st)]
        if hits:
            _, best = max(
                hits,
                key=lambda h: (h[0].scores.get(OVERALL, Fraction(0)), [-a.number for a in h[1]]),
            )
            return list(best)
    return None


def candidates_from_plan(plan: Sequence[Mapping[str, object]]) -> tuple[Candidate, ...]:
    """The actions of a result record's action plan, numbered in its order."""
    found = []
    for number, action in enumerate(plan, start=1):
        settles = action.get("settles")
        keys = tuple(
            (str(s["framework"]), str(s["id"]))
            for s in (settles if isinstance(settles, list) else [])
            if isinstance(s, Mapping)
        )
        found.append(Candidate(number, str(action.get("recommendation", "")), keys))
    return tuple(found)
