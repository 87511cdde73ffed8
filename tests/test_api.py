"""The library entry: an Auditor keeps its rule sets and gives what `run_audit` gives, to the byte."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import engine
from engine import Auditor, InvalidInputError, run_audit
from engine.errors import UsageError
from engine.render.json_report import JsonRenderer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def every_framework() -> Auditor:
    return Auditor(["all"])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_same_bytes_as_run_audit(every_framework: Auditor, example: Path) -> None:
    expected = JsonRenderer().render(run_audit(example, ["all"]))
    assert every_framework.render(every_framework.assess(example), "json") == expected
    assert every_framework.report(example) == expected


def test_rule_sets_are_loaded_once_and_answers_for_others_reach_them() -> None:
    auditor = Auditor()  # universal-standards, as assess without -f
    assert [rs.id for rs in auditor.rule_sets] == ["universal-standards"]
    loaded = auditor.rule_sets
    for example in EXAMPLES:
        result = auditor.assess(example)
        expected = run_audit(example, [])
        assert JsonRenderer().render(result) == JsonRenderer().render(expected)
        assert result.warnings == expected.warnings  # e.g. answers for frameworks not assessed
    assert auditor.rule_sets is loaded
    # the bundled frameworks whose answers the examples hold, and the Green Index dimension 7 is
    # scored from, loaded once for all files
    assert set(auditor._context) == {"smart-campaign", "spi", "green-index"}


def test_a_refused_file_does_not_spoil_the_auditor(tmp_path: Path) -> None:
    auditor = Auditor(["universal-standards"])
    broken = tmp_path / "broken.yaml"
    broken.write_text("institution: {name: 3}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as refused:
        auditor.assess(broken)
    assert all(
        d.position is None or "broken.yaml" in d.position.file for d in refused.value.diagnostics
    )
    assert refused.value.diagnostics
    assert auditor.assess(EXAMPLES[0]).frameworks[0].ruleset.id == "universal-standards"


def test_an_unknown_framework_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="universal-standard"):
        Auditor(["universal-standard"])


def test_the_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use as a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code.group(1), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    lines = printed.getvalue().splitlines()
    assert len(lines) == 2 * len(EXAMPLES)  # two frameworks per example
    kombit = run_audit(ROOT / "examples" / "kombit-microfinance.yaml", ["universal-standards"])
    score = float(kombit.frameworks[0].overall.score)  # type: ignore[arg-type]
    assert f"kombit-microfinance universal-standards {score:.1%}" in printed.getvalue()
    board_csv = namespace["board_csv"]
    assert isinstance(board_csv, bytes)
    assert board_csv.startswith(b"\xef\xbb\xbfrow,")
    assert namespace["Auditor"] is engine.Auditor is Auditor  # spm_audit forwards to engine
