"""Rule sets and profiles: finding them by name or path, building them once, tailoring them.

Stage 2 (validate) for rule files. `load_named` turns a framework or profile id, a rule set folder
or a profile file into a validated, compiled `RuleSet`.
"""

from engine.rulesets.build import RULESET_FILE, load_rule_set
from engine.rulesets.catalog import (
    ALL,
    Kind,
    bundled_frameworks,
    bundled_profiles,
    check_names,
    find_profiles,
    kind_of,
    load_named,
    load_path,
    load_rule_sets,
    profiles_beside,
)
from engine.rulesets.profile import load_profile

__all__ = [
    "ALL",
    "RULESET_FILE",
    "Kind",
    "bundled_frameworks",
    "bundled_profiles",
    "check_names",
    "find_profiles",
    "kind_of",
    "load_named",
    "load_path",
    "load_profile",
    "load_rule_set",
    "load_rule_sets",
    "profiles_beside",
]
