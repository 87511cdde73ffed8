"""`rules test` end to end: find the rule sets and test files, run them, measure coverage.

A path names a rule set folder (its examples and every `tests/*.yaml`), a test file or a `tests/`
folder (those files only), or a bundled framework by id. Nothing is written; the caller prints the
failures and the summary, and `--coverage-json` gets `coverage_record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import Diagnostic, InvalidInputError, UsageError, did_you_mean
from engine.load import load_file
from engine.model import RuleSet
from engine.rulecoverage import CoverageTracker, coverage_record, coverage_summary
from engine.rulesets import (
    RULESET_FILE,
    bundled_frameworks,
    bundled_profiles,
    find_profiles,
    load_profile,
    load_rule_set,
)
from engine.ruletests import (
    TESTS_FOLDER,
    CaseOutcome,
    Suite,
    example_cases,
    profile_of_test_file,
    read_test_file,
    run_suite,
)


@dataclass(slots=True)
class RuleTestRun:
    """What `rules test` found: problems (invalid files and failed cases), a summary, coverage."""

    problems: list[Diagnostic] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)
    cases: int = 0
    failed: int = 0


@dataclass(slots=True)
class _Target:
    folder: Path
    with_examples: bool = False
    files: list[Path] = field(default_factory=list)


def _rule_set_folder(path: Path) -> Path | None:
    for folder in (path.parent, path.parent.parent):
        if (folder / RULESET_FILE).is_file():
            return folder
    return None


def _targets(names: Sequence[str]) -> list[_Target]:
    targets: dict[Path, _Target] = {}

    def target(folder: Path) -> _Target:
        return targets.setdefault(folder.resolve(), _Target(folder))

    for name in names or list(bundled_frameworks()):
        path = Path(name)
        if name in bundled_frameworks() and not path.exists():
            path = bundled_frameworks()[name]
        if path.is_dir() and (path / RULESET_FILE).is_file():
            found = target(path)
            found.with_examples = True
            found.files.extend(sorted((path / TESTS_FOLDER).glob("*.y*ml")))
        elif path.is_dir() and (path.parent / RULESET_FILE).is_file():
            target(path.parent).files.extend(sorted(path.glob("*.y*ml")))
        elif path.is_file() and path.name == RULESET_FILE:
            found = target(path.parent)
            found.with_examples = True
            found.files.extend(sorted((path.parent / TESTS_FOLDER).glob("*.y*ml")))
        elif path.is_file() and (folder := _rule_set_folder(path)) is not None:
            target(folder).files.append(path)
        elif path.is_file():
            raise UsageError(
                f"{name}: cannot tell which rule set this tests; keep test files in a "
                f"'{TESTS_FOLDER}' folder beside the rule set's {RULESET_FILE}"
            )
        else:
            known = ", ".join(bundled_frameworks())
            raise UsageError(
                f"{name}: not a rule set folder, a test file or a bundled framework ({known})"
            )
    for found in targets.values():
        found.files = list(dict.fromkeys(found.files))
    return list(targets.values())


def _profile(folder: Path, rule_set: RuleSet, profile_id: str, test_file: Path) -> RuleSet:
    local = find_profiles({rule_set.id: folder})
    profiles = {**bundled_profiles(), **local}
    if profile_id not in local:
        raise InvalidInputError(
            [
                Diagnostic(
                    load_file(test_file).document.position_of(("profile",)),
                    f"no profile '{profile_id}' in {folder / 'profiles'}"
                    f"{did_you_mean(profile_id, list(local))}",
                    code="test",
                )
            ]
        )
    return load_profile(local[profile_id], {**bundled_frameworks(), rule_set.id: folder}, profiles)


def run_rule_tests(names: Sequence[str]) -> RuleTestRun:
    """Run the tests and examples of the named rule sets (default: every bundled one).

    Raises:
        UsageError: a path names nothing that can be tested.
    """
    run = RuleTestRun()
    tracker = CoverageTracker()
    for found in _targets(names):
        try:
            rule_set = load_rule_set(found.folder)
        except InvalidInputError as e:
            run.problems.extend(e.diagnostics)
            continue
        key = rule_set.id
        tracker.add_rule_set(key, rule_set, found.folder)

        failing: set[tuple[int, str]] = set()

        def note(
            suite: Suite,
            outcome: CaseOutcome,
            key: str = key,
            folder: Path = found.folder,
            failing: set[tuple[int, str]] = failing,
        ) -> None:
            if outcome.failures:
                failing.add((id(suite), outcome.case.name))
            evaluated = [r.indicator for r in outcome.results]
            tracker.record(
                key,
                suite.rule_set,
                folder,
                outcome.case.evidence.facts,
                evaluated,
                outcome.case.indicator_ids,
                outcome.case.name,
            )

        suites: list[tuple[str, Suite]] = []
        if found.with_examples:
            examples = Suite(rule_set, found.folder, tuple(example_cases(rule_set)), ())
            suites.append((f"{rule_set.id} {rule_set.version}: examples", examples))
        for test_file in found.files:
            try:
                profile_id = profile_of_test_file(test_file)
                target = (
                    rule_set
                    if profile_id is None
                    else _profile(found.folder, rule_set, profile_id, test_file)
                )
                cases = read_test_file(test_file, target)
            except InvalidInputError as e:
                run.problems.extend(e.diagnostics)
                continue
            label = f"{target.id} {target.version}: {_shown(test_file, found.folder)}"
            suites.append((label, Suite(target, found.folder, tuple(cases), (str(test_file),))))
        for label, suite in suites:
            failures = run_suite(suite, note)
            failed_cases = sum(1 for suite_id, _ in failing if suite_id == id(suite))
            run.cases += len(suite.cases)
            run.failed += failed_cases
            run.problems.extend(failures)
            run.summary.append(f"{label}: {len(suite.cases)} case(s), {failed_cases} failed")
    run.summary.extend(coverage_summary(tracker))
    run.coverage = coverage_record(tracker)
    run.problems.sort()
    return run


def _shown(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(path)
