"""Rule-set versions: the header's `changelog` of id changes, checked with positions.

Each entry names a version (oldest first, none newer than the rule set's own) and the ids it
changed: `renamed` (one id to one), `split` (one id to several), `merged` (several to one) and
`retired` (gone, no successor). Replayed from the oldest entry, the changelog must end where the
rule set is: every id it leaves in place is an indicator, and every id it takes away is not.
`migrate` reads the same entries to carry an evidence file's answers to the new ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.errors import Diagnostic, Severity, did_you_mean
from engine.model import EvidenceSet, IdChange, RuleSet, VersionEntry
from engine.yamlsource import PathKey, YamlDocument


def version_key(version: str) -> tuple[int, ...]:
    """A semantic version as a tuple of numbers, for ordering."""
    return tuple(int(part) for part in version.split("."))


def _ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def build_changelog(
    doc: YamlDocument,
    raw: Sequence[Mapping[str, Any]],
    version: str,
    indicator_ids: Iterable[str],
    diagnostics: list[Diagnostic],
) -> tuple[VersionEntry, ...]:
    """The changelog entries of a rule set header, checked against its version and indicators."""
    current = set(indicator_ids)

    def error(at: PathKey, message: str) -> None:
        diagnostics.append(Diagnostic(doc.position_of(at), message, code="changelog"))

    entries: list[VersionEntry] = []
    last: tuple[int, ...] | None = None
    # id -> (in place after the replay?, the change that last touched it, its version)
    state: dict[str, tuple[bool, PathKey, str]] = {}
    for i, entry in enumerate(raw):
        at: PathKey = ("changelog", i)
        key = version_key(entry["version"])
        if last is not None and key <= last:
            error(
                (*at, "version"),
                "changelog versions must be listed oldest first, each newer than the one before",
            )
        if key > version_key(version):
            error(
                (*at, "version"),
                f"changelog version {entry['version']} is newer than the rule set's version {version}",
            )
        last = key
        changes = []
        for j, change in enumerate(entry.get("changes", [])):
            here: PathKey = (*at, "changes", j)
            kind = change["change"]
            sources, targets = _ids(change.get("from")), _ids(change.get("to"))
            shape = {
                "renamed": (
                    len(sources) == 1 and len(targets) == 1,
                    "one id 'from' and one id 'to'",
                ),
                "split": (
                    len(sources) == 1 and len(targets) >= 2,
                    "one id 'from' and a list of two or more ids 'to'",
                ),
                "merged": (
                    len(sources) >= 2 and len(targets) == 1,
                    "a list of two or more ids 'from' and one id 'to'",
                ),
                "retired": (len(sources) >= 1 and not targets, "the id(s) 'from' and no 'to'"),
            }[kind]
            if not shape[0]:
                error(here, f"'{kind}' takes {shape[1]}")
                continue
            for source in sources:
                if source not in targets:
                    state[source] = (False, here, entry["version"])
            for target in targets:
                state[target] = (True, here, entry["version"])
            changes.append(
                IdChange(kind, sources, targets, change.get("note", ""), doc.position_of(here))
            )
        entries.append(
            VersionEntry(
                entry["version"],
                entry.get("date", ""),
                entry.get("summary", ""),
                tuple(changes),
                doc.position_of(at),
            )
        )
    for rid, (in_place, here, at_version) in sorted(state.items()):
        if in_place and rid not in current:
            error(
                here,
                f"changelog {at_version} leaves '{rid}' in place, but it is not an indicator of "
                f"this rule set{did_you_mean(rid, sorted(current))}",
            )
        elif not in_place and rid in current:
            error(
                here,
                f"changelog {at_version} takes '{rid}' away, but it is still an indicator of this "
                "rule set (a later change must bring it back)",
            )
    return tuple(entries)


def id_moves(
    changelog: Sequence[VersionEntry], after: str, up_to: str
) -> list[tuple[VersionEntry, IdChange]]:
    """The id changes of the versions newer than `after`, up to and including `up_to`, in order."""
    low, high = version_key(after), version_key(up_to)
    return [
        (entry, change)
        for entry in changelog
        if low < version_key(entry.version) <= high
        for change in entry.changes
    ]


def successors(
    changelog: Sequence[VersionEntry], after: str, up_to: str
) -> dict[str, tuple[str, ...]]:
    """What each id of version `after` became by `up_to`: its new ids (() when retired).

    Only the ids the changelog changed are given; a chain of changes is followed to its end (A
    renamed B, then B split into C and D: A → (C, D)).
    """
    became: dict[str, tuple[str, ...]] = {}
    for _entry, change in id_moves(changelog, after, up_to):
        for source in change.sources:
            holders = [old for old, now in became.items() if source in now]
            for old in holders:
                now = became[old]
                at = now.index(source)
                kept = tuple(t for t in change.targets if t not in now)
                became[old] = now[:at] + kept + now[at + 1 :]
            if not holders and source not in became:  # an id of version `after`, first changed
                became[source] = change.targets
    return {old: now for old, now in became.items() if now != (old,)}


def assessed_version(rule_set: RuleSet) -> str:
    """The version answers are written for: a profile's base rule set's, else its own."""
    return rule_set.base_version or rule_set.version


def version_warnings(evidence: EvidenceSet, rule_sets: Sequence[RuleSet]) -> list[Diagnostic]:
    """A warning for each assessed rule set whose version differs from the one the evidence names."""
    found = []
    for rule_set in rule_sets:
        recorded = evidence.rule_set_versions.get(rule_set.answers_key)
        if recorded is None:
            continue
        written_for, position = recorded
        current = assessed_version(rule_set)
        if written_for == current:
            continue
        if version_key(written_for) < version_key(current):
            moves = id_moves(rule_set.changelog, written_for, current)
            changed = f"{len(moves)} id change(s) since then; " if moves else ""
            advice = (
                f"{changed}run 'spm-audit migrate {evidence.file} --to {current} "
                f"-f {rule_set.answers_key} -o NEW_FILE'"
            )
        else:
            advice = "it is newer than the rule set assessed"
        found.append(
            Diagnostic(
                position,
                f"the evidence was written for {rule_set.answers_key} {written_for}, but "
                f"{current} is assessed: {advice}",
                Severity.WARNING,
                "version",
            )
        )
    return found
