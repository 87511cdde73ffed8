"""The benchmark's generated evidence files: valid, different from one another, the same for a seed."""

from __future__ import annotations

import sys
from pathlib import Path

from engine import Auditor

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))

from evidence_generator import generate


def test_generated_files_are_valid_and_differ(tmp_path: Path) -> None:
    files = generate(8, tmp_path / "a")
    assert [p.name for p in files] == [f"institution-{n:04d}.yaml" for n in range(8)]
    auditor = Auditor(["universal-standards", "smart-campaign"])
    results = [auditor.assess(p) for p in files]  # refused files would raise
    names = {r.evidence.institution["name"] for r in results}
    assert len(names) == 8
    scores = [f.overall.score for r in results for f in r.frameworks]
    assert len(set(scores)) > len(scores) // 2  # the answers and facts vary, so do the scores
    countries = {r.evidence.institution["country"] for r in results}
    assert len(countries) > 1
    # two files from the same example differ too (files 0 and 4 both come from the first example)
    assert files[0].read_bytes() != files[4].read_bytes()


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first = generate(5, tmp_path / "a")
    second = generate(5, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    other = generate(5, tmp_path / "c", seed=1)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in first]
