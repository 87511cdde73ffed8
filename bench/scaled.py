"""Rule sets at k× the bundled size, for `make bench`: k renamed copies of every bundled framework.

Copy j of framework F is the folder F-copyj: the same files with the rule set's id renamed, so
that every copy is loaded, validated, evaluated and scored as a rule set of its own. The evidence
is an example with its answers and overrides repeated under every copy's id. Nothing here is
bundled; the folders live in a temporary directory for the length of a benchmark.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def write_scaled(target: Path, copies: int, example: Path) -> tuple[list[Path], Path]:
    """`copies` renamed copies of each bundled framework under `target`, and the evidence for them."""
    from engine.rulesets import bundled_frameworks

    folders = []
    ids = []
    for framework, folder in sorted(bundled_frameworks().items()):
        for j in range(copies):
            name = f"{framework}-copy{j}"
            copy = target / name
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("tests"))
            for part in copy.glob("*.yaml"):  # the header's id, each part's `ruleset:`
                key = "id" if part.name == "ruleset.yaml" else "ruleset"
                pattern = rf"^{key}: {re.escape(framework)}$"
                text = re.sub(pattern, f"{key}: {name}", part.read_text(), count=1, flags=re.M)
                part.write_text(text)
            folders.append(copy)
            ids.append((framework, name))
    evidence = yaml.safe_load(example.read_text(encoding="utf-8"))
    for key in ("answers", "overrides"):
        given = evidence.get(key) or {}
        evidence[key] = {copy: given[f] for f, copy in ids if f in given}
    evidence.pop("action_plan", None)  # its items name the bundled ids
    out = target / "evidence.json"  # JSON: the copies' answers are not YAML aliases of each other
    out.write_text(json.dumps(evidence, ensure_ascii=False, default=str), encoding="utf-8")
    return folders, out
