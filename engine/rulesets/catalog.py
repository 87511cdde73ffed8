"""Finding rule sets: the bundled frameworks and profiles, and what a name or a path stands for.

`load_named` is the one function that turns a framework or profile id, a rule set folder or a
profile file into a `RuleSet`; whether a path is a rule set or a profile is decided here only.
"""

from __future__ import annotations

import enum
import functools
import gc
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine import collector
from engine.errors import Diagnostic, InvalidInputError, UsageError, did_you_mean
from engine.load import load_file
from engine.model import RuleSet
from engine.resources import RULES_DIR
from engine.rulesets.build import RULESET_FILE, load_rule_set
from engine.rulesets.profile import PROFILES_FOLDER, load_profile

ALL = "all"


class Kind(enum.Enum):
    """What a path holds."""

    RULE_SET = "rule set"  # a folder with a ruleset.yaml, or that file
    PROFILE = "profile"  # a profile file
    NEITHER = "neither"


def kind_of(path: Path) -> Kind:
    """Whether `path` is a rule set (its folder or header) or a profile file."""
    if path.is_dir() or path.name == RULESET_FILE:
        return Kind.RULE_SET
    if path.is_file() and path.suffix in (".yaml", ".yml"):
        return Kind.PROFILE
    return Kind.NEITHER


@functools.cache
def bundled_frameworks(rules_dir: Path = RULES_DIR) -> Mapping[str, Path]:
    """Framework id → rule set folder, for every folder of `rules_dir` with a ruleset.yaml."""
    found: dict[str, Path] = {}
    for header in sorted(rules_dir.glob(f"*/{RULESET_FILE}")):
        data = load_file(header, cache=True).document.data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found[data["id"]] = header.parent
    return found


@functools.cache
def bundled_profiles() -> Mapping[str, Path]:
    """Profile id → file, for the bundled rule sets."""
    return find_profiles(bundled_frameworks())


def find_profiles(rule_set_folders: Mapping[str, Path]) -> dict[str, Path]:
    """Profile id → file, for every `profiles/*.yaml` beside the given rule sets."""
    found: dict[str, Path] = {}
    for folder in rule_set_folders.values():
        for path in sorted((folder / PROFILES_FOLDER).glob("*.yaml")):
            data = load_file(path, cache=True).document.data
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                found[data["id"]] = path
    return found


def profiles_beside(paths: Sequence[Path]) -> dict[str, Path]:
    """Profile id → file, for the profile files in the folders of the given profile files.

    Lets `rules lint some/profile.yaml` follow `extends` to a profile next to it.
    """
    found: dict[str, Path] = {}
    folders = dict.fromkeys(p.parent for p in paths if kind_of(p) is Kind.PROFILE)
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = load_file(path, cache=True).document.data
            except InvalidInputError:
                continue  # reported when the file itself is linted
            if (
                isinstance(data, dict)
                and isinstance(data.get("id"), str)
                and "ruleset" in data
                and "parts" not in data
            ):
                found[data["id"]] = path
    return found


def _unknown(name: str) -> UsageError:
    choices = [*bundled_frameworks(), *bundled_profiles()]
    hint = did_you_mean(name, choices)
    return UsageError(
        f"unknown framework or profile '{name}'{hint}; known: {', '.join(choices)}, or all"
    )


def load_path(
    path: Path, *, profiles: Mapping[str, Path] | None = None, check_examples: bool = False
) -> RuleSet:
    """A rule set folder (or its header) or a profile file.

    Args:
        path: the folder, header or profile file.
        profiles: profile id → file, for `extends` (default: the bundled profiles).
        check_examples: also check examples' facts against the evidence schema (`rules lint`).
    """
    match kind_of(path):
        case Kind.RULE_SET:
            return load_rule_set(path, check_examples=check_examples)
        case Kind.PROFILE:
            return load_profile(path, bundled_frameworks(), profiles or bundled_profiles())
        case Kind.NEITHER:
            raise _unknown(str(path))


def load_named(name: str) -> RuleSet:
    """A bundled framework or profile by id, or a rule set folder or profile file by path.

    Raises:
        UsageError: no framework, profile or file has that name.
        InvalidInputError: the rule set or profile is invalid; carries every diagnostic.
    """
    if name in bundled_frameworks():
        return load_rule_set(bundled_frameworks()[name])
    if name in bundled_profiles():
        return load_path(bundled_profiles()[name])
    return load_path(Path(name))


def check_names(names: Sequence[str]) -> list[str]:
    """The rule sets and profiles `names` stand for (`all`: every bundled framework), in order.

    Raises:
        UsageError: no framework, profile or file has one of the names.
    """
    wanted = list(
        dict.fromkeys(
            n for name in names for n in (bundled_frameworks() if name == ALL else [name])
        )
    )
    for name in wanted:
        if (
            name not in bundled_frameworks()
            and name not in bundled_profiles()
            and kind_of(Path(name)) is Kind.NEITHER
        ):
            raise _unknown(name)
    return wanted


def load_rule_sets(names: Sequence[str]) -> list[RuleSet]:
    """Every named rule set or profile (`all`: every bundled framework), all problems together."""
    wanted = check_names(names)
    rule_sets: list[RuleSet] = []
    problems: list[Diagnostic] = []
    with collector.paused():
        for name in wanted:
            try:
                rule_sets.append(load_named(name))
            except InvalidInputError as e:
                problems.extend(e.diagnostics)
        if not problems:
            # NOTE: rule sets live as long as the process that loaded them; frozen, the tens of
            # thousands of objects they hold are no longer scanned by every later collection
            # (about 40 ms of a run). Frozen before the collector is back on: else its first
            # pass walks them all once more just before they are frozen (about 10 ms).
            gc.freeze()
    if problems:
        raise InvalidInputError(problems)
    return rule_sets
