"""Generated evidence files for the batch benchmark: the bundled examples, varied, all valid.

`generate(count, folder)` writes `count` evidence files, each one of the examples in turn (read as
YAML 1.2, as spm-audit reads them) with its answers and figures changed by a seeded random number
generator, so the files differ from one another as a real portfolio's do, and the same seed gives
the same files:

- the institution: a name of its own, a country and a legal form drawn from lists;
- the clients and the portfolio: every count and amount scaled by one factor per file (from a
  tenth to four times the example's), so ratios between them hold; shares moved by up to 0.05;
- the answers: each assessor's answer yes, partially or no replaced, with a chance drawn per file
  (0 to 0.6), by another of the three (N/A answers are kept, with their justification);
- the yes/no facts of its practices (strategy, policies, governance, staff, …): each flipped,
  with a chance drawn per file (0 to 0.25).

Run as a script to write a folder: `python bench/evidence_generator.py 1000 /tmp/evidence`.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.load import load_file  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SEED = 20261203
COUNTRIES = ("HT", "PE", "BO", "FJ", "KE", "SN", "PH", "KH", "GH", "MX", "IN", "TZ")
LEGAL_FORMS = ("ngo", "cooperative", "credit_union", "nbfi", "microfinance_bank", "commercial_bank")
ANSWERS = ("yes", "partially", "no")
SCALED = ("clients", "portfolio")  # facts sections whose counts and amounts scale together
# facts sections whose yes/no facts are practices (not the profile: what the institution offers)
FLIPPED = ("strategy", "sp_data", "policies", "governance", "staff", "complaints", "environment")
KEEP = {"currency", "founded_year", "board_reports_per_year"}  # numbers that do not scale


def _examples() -> list[dict[str, Any]]:
    loaded = []
    for path in EXAMPLES:
        data = load_file(path).document.data
        assert isinstance(data, dict), path
        loaded.append(data)
    return loaded


def _scale(section: dict[str, Any], factor: float, rng: random.Random) -> None:
    for key, value in section.items():
        if key in KEEP or isinstance(value, bool):
            continue
        if isinstance(value, int):
            section[key] = max(0, round(value * factor))
        elif isinstance(value, float) and 0 <= value <= 1 and key.endswith(("share", "ratio")):
            section[key] = round(min(1.0, max(0.0, value + rng.uniform(-0.05, 0.05))), 4)
        elif isinstance(value, float) and value > 1:
            section[key] = round(value * factor, 2)


def _flip(node: object, chance: float, rng: random.Random) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, bool):
                if rng.random() < chance:
                    node[key] = not value
            else:
                _flip(value, chance, rng)


def vary(data: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    """One evidence file from an example: another institution, other answers and figures."""
    institution = data["institution"]
    short = str(institution.get("short_name") or institution["name"]).split()[0]
    institution["name"] = f"{short} Portfolio Institution {number:04d}"
    institution["short_name"] = f"PI-{number:04d}"
    institution["country"] = rng.choice(COUNTRIES)
    institution["legal_form"] = rng.choice(LEGAL_FORMS)
    institution["fictional"] = True
    facts = data.get("facts", {})
    factor = rng.uniform(0.1, 4.0)
    for name in SCALED:
        if isinstance(facts.get(name), dict):
            _scale(facts[name], factor, rng)
    flip = rng.uniform(0, 0.25)
    for name in FLIPPED:
        if name in facts:
            _flip(facts[name], flip, rng)
    change = rng.uniform(0, 0.6)
    for answers in data.get("answers", {}).values():
        for answer in answers.values():
            if answer.get("answer") in ANSWERS and rng.random() < change:
                answer["answer"] = rng.choice([a for a in ANSWERS if a != answer["answer"]])
    return data


def generate(count: int, folder: Path, seed: int = SEED) -> list[Path]:
    """Write `count` generated evidence files into `folder`; their paths."""
    import copy

    rng = random.Random(seed)  # noqa: S311 - reproducible variation, not a secret
    examples = _examples()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        data = vary(copy.deepcopy(examples[number % len(examples)]), number, rng)
        path = folder / f"institution-{number:04d}.yaml"
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str]) -> int:
    count, folder = int(argv[0]), Path(argv[1])
    generate(count, folder)
    print(f"wrote {count} evidence files to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
