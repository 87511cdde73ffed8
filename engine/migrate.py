"""`spm-audit migrate`: carry an evidence file to a newer version of a rule set.

The rule set's changelog says which ids each version renamed, split, merged or retired. Answers,
overrides and action-plan entries move with a rename, and with a merge when only one of the merged
ids has an entry (or all agree); a split needs the assessor (each new indicator must be answered),
and a retired indicator's entry is dropped; each is listed with the entry it held. The new file
keeps the original text and comments: entries are renamed or cut in place, and a comment marks
each entry that was not carried. When the layout does not allow that (flow mappings on one line,
say), the file is written anew without its comments, and the notes say so.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from engine.errors import Diagnostic, InvalidInputError, Position, Severity, UsageError
from engine.evidence import build_evidence, check_evidence_for
from engine.load import load_file
from engine.model import IdChange, RuleSet, VersionEntry
from engine.rulesets import load_named
from engine.versions import assessed_version, id_moves, version_key
from engine.yamlsource import YamlDocument, parse_yaml

SECTIONS = ("answers", "overrides", "action_plan")


@dataclass(slots=True)
class _Entry:
    """An answer, override or action-plan entry, followed from its original id."""

    origin: str
    value: Any


@dataclass(slots=True)
class Migration:
    """The migrated file, what moved, and what could not be carried."""

    text: str
    notes: list[Diagnostic] = field(default_factory=list)  # warnings: not carried
    moved: list[str] = field(default_factory=list)  # lines for the user: what moved where
    comments_kept: bool = True
    framework: str = ""
    from_version: str = ""
    to_version: str = ""


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Migrator:
    def __init__(self, doc: YamlDocument, framework: str) -> None:
        self.doc = doc
        self.framework = framework
        data = cast(Mapping[str, Any], doc.data)
        self.sections: dict[str, dict[str, _Entry]] = {
            s: {rid: _Entry(rid, v) for rid, v in data.get(s, {}).get(framework, {}).items()}
            for s in SECTIONS
        }
        self.notes: list[Diagnostic] = []
        self.moved: list[str] = []
        self.dropped: dict[tuple[str, str], str] = {}  # (section, origin) -> comment for the file

    def _position(self, section: str, entry: _Entry) -> Position:
        return self.doc.position_of((section, self.framework, entry.origin))

    def _drop(self, section: str, entry: _Entry, why: str) -> None:
        self.notes.append(
            Diagnostic(
                self._position(section, entry),
                f"{section} entry for '{entry.origin}' not carried: {why}; it was {_shown(entry.value)}",
                Severity.WARNING,
                "migrate",
            )
        )
        self.dropped[(section, entry.origin)] = f"{why}; it was {_shown(entry.value)}"

    def apply(self, entry: VersionEntry, change: IdChange) -> None:
        where = f"in {entry.version}"
        for section, entries in self.sections.items():
            present = [entries[s] for s in change.sources if s in entries]
            if not present:
                continue
            for item in present:
                del entries[next(k for k, v in entries.items() if v is item)]
            if change.kind == "retired":
                for item in present:
                    self._drop(section, item, f"'{item.origin}' was retired {where}")
            elif change.kind == "split":
                targets = ", ".join(change.targets)
                for item in present:
                    self._drop(
                        section,
                        item,
                        f"'{change.sources[0]}' was split into {targets} {where}: the assessor "
                        "must answer each",
                    )
            else:
                self._carry(section, entries, present, change, where)

    def _carry(
        self,
        section: str,
        entries: dict[str, _Entry],
        present: list[_Entry],
        change: IdChange,
        where: str,
    ) -> None:
        target = change.targets[0]
        verb = "renamed" if change.kind == "renamed" else "merged"
        if target in entries:
            for item in present:
                self._drop(section, item, f"'{target}' already has an entry ({verb} {where})")
            return
        values = {_shown(p.value) for p in present}
        if len(values) > 1:
            for item in present:
                self._drop(
                    section,
                    item,
                    f"{', '.join(change.sources)} were merged into '{target}' {where} with "
                    "different entries: the assessor must decide",
                )
            return
        keep, *rest = present
        entries[target] = keep
        for item in rest:
            self.dropped[(section, item.origin)] = (
                f"'{item.origin}' merged into '{target}' {where} (the same entry)"
            )
        self.moved.append(
            f"{section}: {', '.join(p.origin for p in present)} → {target} ({verb} {where})"
        )

    def data(self, to_version: str) -> dict[str, Any]:
        data = copy.deepcopy(cast(dict[str, Any], self.doc.data))
        for section, entries in self.sections.items():
            if section in data and self.framework in data[section]:
                order = list(data[section][self.framework])  # keep entries where they were
                ranked = sorted(entries.items(), key=lambda kv: order.index(kv[1].origin))
                data[section][self.framework] = {k: e.value for k, e in ranked}
        versions = data["assessment"].setdefault("rule_set_versions", {})
        versions[self.framework] = to_version
        return data


# ---------------------------------------------------------------------------------------------
# Text edits that keep comments
# ---------------------------------------------------------------------------------------------

_KEY = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^:#\s][^:#]*?(?=\s*:)')


_VALUE = re.compile(r"(\s*:\s*)(\"[^\"]*\"|'[^']*'|[0-9.]+)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, column: int) -> int | None:
    """The line after a block entry whose key is at (start, column); None if not a block entry."""
    if lines[start][: column - 1].strip():
        return None  # something precedes the key on its line: a flow mapping
    end = start + 1
    while end < len(lines):
        text = lines[end]
        if text.strip() and _indent(text) <= column - 1:
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _edited_text(text: str, doc: YamlDocument, migrator: _Migrator, to_version: str) -> str | None:
    """The original text with entries renamed, cut and the version set; None if the layout forbids."""
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, line after, replacement) 0-based
    fw = migrator.framework
    for section, entries in migrator.sections.items():
        final = {e.origin: key for key, e in entries.items()}
        for origin in cast(Mapping[str, Any], doc.data).get(section, {}).get(fw, {}):
            pos = doc.positions[(section, fw, origin)]
            line, col = pos.line - 1, pos.column
            if origin in final and final[origin] != origin:
                match = _KEY.match(lines[line], col - 1)
                if match is None:
                    return None
                new_line = (
                    lines[line][: match.start()]
                    + json.dumps(final[origin])
                    + lines[line][match.end() :]
                )
                edits.append((line, line + 1, [new_line]))
            elif origin not in final:
                end = _block_end(lines, line, col)
                if end is None:
                    return None
                note = migrator.dropped.get((section, origin), f"'{origin}' not carried")
                edits.append((line, end, [f"{' ' * (col - 1)}# migrate: {note}"]))
        had = cast(Mapping[str, Any], doc.data).get(section, {}).get(fw)
        if had and not entries:
            # every entry was cut: the framework's mapping stays, empty
            pos = doc.positions[(section, fw)]
            text_line = lines[pos.line - 1]
            if not text_line.rstrip().endswith(":"):
                return None
            edits.append((pos.line - 1, pos.line, [text_line.rstrip() + " {}"]))
    version_edit = _version_edit(lines, doc, fw, to_version)
    if version_edit is None:
        return None
    edits.append(version_edit)
    edits.sort(key=lambda e: (e[0], e[1]))
    for (_, a_end, _), (b_start, _, _) in itertools.pairwise(edits):
        if b_start < a_end:
            return None
    for start, end, replacement in reversed(edits):
        lines[start:end] = replacement
    return "\n".join(lines)


def _version_edit(
    lines: list[str], doc: YamlDocument, framework: str, version: str
) -> tuple[int, int, list[str]] | None:
    positions = doc.positions
    entry = ("assessment", "rule_set_versions", framework)
    if entry in positions:
        pos = positions[entry]
        line = lines[pos.line - 1]
        key = _KEY.match(line, pos.column - 1)
        value = _VALUE.match(line, key.end()) if key is not None else None
        if value is None:
            return None
        new = line[: value.start(2)] + json.dumps(version) + line[value.end(2) :]
        return pos.line - 1, pos.line, [new]
    mapping = ("assessment", "rule_set_versions")
    if mapping in positions:
        children = [pos for k, pos in positions.items() if len(k) == 3 and k[:2] == mapping]
        if not children:
            return None
        first = children[0]
        if lines[first.line - 1][: first.column - 1].strip():
            return None
        text = f"{' ' * (first.column - 1)}{json.dumps(framework)}: {json.dumps(version)}"
        return first.line - 1, first.line - 1, [text]
    first = next(pos for k, pos in positions.items() if len(k) == 2 and k[0] == "assessment")
    if lines[first.line - 1][: first.column - 1].strip():
        return None  # assessment is a flow mapping
    text = f"{' ' * (first.column - 1)}rule_set_versions: {{{json.dumps(framework)}: {json.dumps(version)}}}"
    return first.line - 1, first.line - 1, [text]


# ---------------------------------------------------------------------------------------------
# Writing the file anew (when its layout does not allow edits in place)
# ---------------------------------------------------------------------------------------------


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _emit(value: object, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            head = f"{pad}{json.dumps(str(key), ensure_ascii=False)}:"
            if isinstance(item, (Mapping, list)) and item:
                lines.append(head)
                lines.extend(_emit(item, indent + 2))
            else:
                lines.append(f"{head} {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (Mapping, list)) and item:
                inner = _emit(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
    return lines


def _inline(value: object) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _rewritten(text: str, data: Mapping[str, Any]) -> str:
    leading = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        leading.append(line)
    return "\n".join([*leading, *_emit(data, 0)]) + "\n"


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------


def _choose_framework(doc: YamlDocument, framework: str | None) -> str:
    if framework is not None:
        return framework
    assessment = cast(Mapping[str, Any], doc.data)["assessment"]
    recorded: list[str] = list(assessment.get("rule_set_versions", {}))
    if len(recorded) == 1:
        return recorded[0]
    listed = f" (it records {', '.join(recorded)})" if recorded else ""
    raise UsageError(f"say which rule set to migrate with -f FRAMEWORK{listed}")


def _versions(rule_set: RuleSet) -> list[str]:
    return sorted({e.version for e in rule_set.changelog} | {rule_set.version}, key=version_key)


def migrate_evidence(
    evidence_path: Path,
    to_version: str,
    framework: str | None = None,
    from_version: str | None = None,
) -> Migration:
    """Migrate an evidence file's answers, overrides and action plan to `to_version`'s ids.

    Raises:
        InvalidInputError: the evidence is invalid, or the migrated file still names unknown ids.
        UsageError: the rule set or the versions cannot be worked out.
    """
    loaded = load_file(evidence_path)
    doc = loaded.document
    evidence = build_evidence(doc, loaded.sha256, evidence_path)
    rule_set = load_named(_choose_framework(doc, framework))
    key = rule_set.answers_key
    recorded = evidence.rule_set_versions.get(key)
    start = from_version or (recorded[0] if recorded else None)
    if start is None:
        raise UsageError(
            f"{evidence_path}: the evidence does not say which version of {key} it was written "
            f"for; give --from VERSION (or set assessment.rule_set_versions.{key})"
        )
    known = _versions(rule_set)
    if to_version not in known:
        raise UsageError(f"{key} has no version {to_version} (known: {', '.join(known)})")
    if version_key(to_version) < version_key(start):
        raise UsageError(f"cannot migrate {key} from {start} back to {to_version}")
    migrator = _Migrator(doc, key)
    for entry, change in id_moves(rule_set.changelog, start, to_version):
        migrator.apply(entry, change)
    data = migrator.data(to_version)
    text = loaded.path.read_text(encoding="utf-8-sig")
    edited = _edited_text(text, doc, migrator, to_version)
    kept = edited is not None and _parses_to(edited, data, doc.file)
    new_text = edited if kept and edited is not None else _rewritten(text, data)
    migrated = build_evidence(parse_yaml(new_text, doc.file), "", evidence_path)
    if to_version == assessed_version(rule_set):
        # only this rule set's ids are checked: other frameworks' entries are not ours to judge
        others = {*migrated.answers, *migrated.overrides, *migrated.action_plan}
        problems = [
            d
            for d in check_evidence_for(migrated, [rule_set], others)
            if d.severity is Severity.ERROR
        ]
        if problems:
            raise InvalidInputError(
                [
                    Diagnostic(
                        d.position,
                        f"{d.message}, and the changelog of {key} up to {to_version} does not "
                        "say where it went",
                        code="migrate",
                    )
                    for d in problems
                ]
            )
    return Migration(new_text, sorted(migrator.notes), migrator.moved, kept, key, start, to_version)


def _parses_to(text: str, data: object, file: str) -> bool:
    try:
        return parse_yaml(text, file).data == data
    except InvalidInputError:
        return False


def migration_lines(migration: Migration, out: Path) -> list[str]:
    """What the command says after writing."""
    lines = [*migration.moved]
    if not migration.comments_kept:
        lines.append(
            "the file's layout did not allow editing it in place: it was written anew, and its "
            "comments (but the leading ones) were not kept"
        )
    lines.append(
        f"wrote {out}: {migration.framework} {migration.from_version} → {migration.to_version}, "
        f"{len(migration.moved)} moved, {len(migration.notes)} not carried"
    )
    return lines
