"""`rules diff --impact DIR`: assess every evidence file of a folder with both versions.

Per institution: overall score, coverage, grade and gate verdicts before and after, the
indicators whose status changed, and the answers the new version no longer reads (given for an id
it does not know, nor lists under `replaces`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Diagnostic, InvalidInputError, UsageError
from engine.evidence import load_evidence
from engine.model import EvidenceSet, FrameworkResult, RuleSet
from engine.pipeline import assess, context_names
from engine.rulediff import RuleSetDiff, diff_rule_sets
from engine.rulesets import load_named, load_rule_sets
from engine.versions import version_key

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An indicator whose status differs between the two versions for one institution."""

    old_id: str
    new_id: str
    old: str  # '' when the indicator is new
    new: str  # '' when it was removed


@dataclass(frozen=True, slots=True)
class Impact:
    """One institution's results under both versions."""

    file: str
    institution: str
    old: FrameworkResult
    new: FrameworkResult
    status_changes: tuple[StatusChange, ...]
    unused_answers: tuple[str, ...]


def evidence_files(folder: Path) -> list[Path]:
    """The evidence files directly in a folder (YAML or JSON), sorted.

    Raises:
        UsageError: the folder does not exist or holds none.
    """
    if not folder.is_dir():
        raise UsageError(f"--impact: not a folder: {folder}")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in EVIDENCE_SUFFIXES)
    if not found:
        raise UsageError(f"--impact: no evidence files (*.yaml, *.json) in {folder}")
    return found


def _status_changes(
    old: FrameworkResult, new: FrameworkResult, renames: Mapping[str, str]
) -> list[StatusChange]:
    before: dict[str, str] = {s.result.indicator.id: str(s.result.status) for s in old.indicators}
    after: dict[str, str] = {s.result.indicator.id: str(s.result.status) for s in new.indicators}
    forward = {o: renames.get(o, o) for o in before}
    changes = [
        StatusChange(o, n if n in after else "", before[o], after.get(n, ""))
        for o, n in forward.items()
        if before[o] != after.get(n, "")
    ]
    reached = set(forward.values())
    changes += [StatusChange("", n, "", after[n]) for n in after if n not in reached]
    return changes


def _unused(evidence: EvidenceSet, rule_set: RuleSet) -> list[str]:
    known = {i.id for i in rule_set.indicators()} | {
        old for i in rule_set.indicators() for old in i.replaces
    }
    known |= rule_set.base_indicator_ids
    return [rid for rid in evidence.answers.get(rule_set.answers_key, {}) if rid not in known]


def assess_impact(diff: RuleSetDiff, files: Sequence[Path]) -> list[Impact]:
    """Assess each evidence file with the old and the new rule set.

    Raises:
        InvalidInputError: an evidence file is invalid (every problem of every file).
    """
    old, new = diff.old, diff.new
    context_cache: dict[str, list[RuleSet]] = {}
    impacts: list[Impact] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            evidence = load_evidence(path)
        except InvalidInputError as e:
            problems.extend(e.diagnostics)
            continue
        others = tuple(context_names(evidence, [old, new]))
        key = ",".join(others)
        if key not in context_cache:
            context_cache[key] = load_rule_sets(others) if others else []
        context = context_cache[key]
        before = assess(evidence, [old], context).frameworks[0]
        after = assess(evidence, [new], context).frameworks[0]
        name = str(evidence.institution.get("short_name") or evidence.institution.get("name"))
        impacts.append(
            Impact(
                evidence.file,
                name,
                before,
                after,
                tuple(_status_changes(before, after, diff.renames)),
                tuple(_unused(evidence, new)),
            )
        )
    if problems:
        raise InvalidInputError(problems)
    return impacts


def compare_rule_sets(
    old_name: str, new_name: str, impact_folder: Path | None = None
) -> tuple[RuleSetDiff, list[Impact]]:
    """Load two rule sets (folders, profile files or bundled ids), diff them, assess the impact.

    Raises:
        InvalidInputError: a rule set or an evidence file is invalid.
        UsageError: a name designates nothing, or the impact folder holds no evidence.
    """
    files = evidence_files(impact_folder) if impact_folder is not None else []
    old, new = load_named(old_name), load_named(new_name)
    renames = {
        change.sources[0]: change.targets[0]
        for entry in new.changelog
        if version_key(entry.version) > version_key(old.version)
        for change in entry.changes
        if change.kind == "renamed"
    }
    diff = diff_rule_sets(old, new, renames)
    return diff, assess_impact(diff, files) if files else []
