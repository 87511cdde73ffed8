"""The bundled rule sets: which frameworks exist and where their files are."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from engine.load import load_file
from engine.resources import RULES_DIR
from engine.validate import RULESET_FILE


@functools.cache
def bundled_frameworks(rules_dir: Path = RULES_DIR) -> Mapping[str, Path]:
    """Framework id → rule set folder, for every folder of `rules_dir` with a ruleset.yaml."""
    found: dict[str, Path] = {}
    for header in sorted(rules_dir.glob(f"*/{RULESET_FILE}")):
        data = load_file(header).document.data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found[data["id"]] = header.parent
    return found
