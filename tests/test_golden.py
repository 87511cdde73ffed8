"""Golden outputs: the JSON record and the HTML report of a small case, compared byte for byte.

Run `pytest --update-goldens` to rewrite them after an intended change, and review the diff like
code. CI never rewrites them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.pipeline import run_audit
from engine.render import RENDERERS

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
RULES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("fmt", "name"), [("json", "result.json"), ("html", "report.html")])
def test_golden(case: str, fmt: str, name: str, request: pytest.FixtureRequest) -> None:
    folder = GOLDEN / case
    result = run_audit(folder / "evidence.yaml", [str(RULES / case)])
    data = RENDERERS[fmt]().render(result)
    expected = folder / name
    if request.config.getoption("--update-goldens"):
        expected.write_bytes(data)
    assert expected.exists(), f"no golden {expected}; run pytest --update-goldens"
    assert data == expected.read_bytes(), (
        f"{expected} differs; if intended, run pytest --update-goldens and review"
    )
