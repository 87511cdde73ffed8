"""Hostile and broken input: every corpus file gives exactly its expected diagnostics.

Evidence cases live in `tests/inputs/invalid/`, one file per case. A YAML file's first lines hold
its expectations; a JSON file (which cannot hold comments) has them in a sidecar `STEM.expect`:

    # expect: LINE:COL: SEVERITY: MESSAGE [CODE]     one per diagnostic, in output order
    # expect: (none)                                 a case that must pass cleanly
    # set: engine.evidence.MAX_ANSWERS=2             lower a limit for this case
    # pad-to: 5242881                                pad the file (in tmp_path) to this many bytes
    # xfail: REASON                                  a known gap, expected to fail until fixed

Each runs through `spm-audit assess FILE -f universal-standards -o OUT`: with an error, exit 2 and
nothing written at OUT; with only warnings, exit 0 and a report; never a traceback.

Rule-file cases are folders in `tests/inputs/invalid_rules/<case>/` (a copy of tests/fixtures/mini
with one thing broken, or profile files), with the expectations in `expect` (file names relative to
the folder). Each runs through `spm-audit rules lint` and exits 2.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE_CASES = ROOT / "tests" / "inputs" / "invalid"
RULE_CASES = ROOT / "tests" / "inputs" / "invalid_rules"
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: (error|warning): .+ \[[a-z_]+\]$")
BOM = b"\xef\xbb\xbf"

runner = CliRunner()


@dataclass
class Expectation:
    """What one corpus case must produce, and how to set it up."""

    diagnostics: list[str] = field(default_factory=list)
    limits: list[tuple[str, str, int]] = field(default_factory=list)
    pad_to: int | None = None
    xfail: str = ""

    @property
    def has_errors(self) -> bool:
        return any(": error: " in d for d in self.diagnostics)

    @property
    def error_count(self) -> int:
        return sum(": error: " in d for d in self.diagnostics)


def directive_lines(case: Path) -> list[str]:
    """The directive lines of a case: its leading comment lines, or its sidecar's lines."""
    if case.suffix == ".json":
        return case.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    raw = case.read_bytes().removeprefix(BOM)
    lines = []
    for line in raw.split(b"\n"):
        if not line.startswith(b"# "):
            break
        lines.append(line.decode("utf-8"))
    return lines


def read_expectation(case: Path) -> Expectation:
    """Parse the `# expect:`, `# set:` and `# pad-to:` directives of a case."""
    found = Expectation()
    for line in directive_lines(case):
        name, _, value = line.removeprefix("# ").partition(": ")
        if name == "expect":
            if value != "(none)":
                found.diagnostics.append(value)
        elif name == "set":
            target, _, number = value.partition("=")
            module, _, attribute = target.rpartition(".")
            found.limits.append((module, attribute, int(number)))
        elif name == "pad-to":
            found.pad_to = int(value)
        elif name == "xfail":
            found.xfail = value
    return found


def evidence_cases() -> list[Path]:
    return sorted(p for p in EVIDENCE_CASES.iterdir() if p.suffix in (".yaml", ".json"))


def diagnostic_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


def test_corpus_covers_every_case() -> None:
    assert len(evidence_cases()) >= 40
    for case in evidence_cases():
        lines = directive_lines(case)
        assert lines, f"{case.name}: no expectations"
        assert lines[0].startswith("# expect: "), f"{case.name}: line 1 must hold '# expect:'"
    for sidecar in EVIDENCE_CASES.glob("*.expect"):
        assert sidecar.with_suffix(".json").exists(), f"{sidecar.name} has no JSON case"


@pytest.mark.parametrize("case", evidence_cases(), ids=lambda p: p.name)
def test_evidence_case(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    expected = read_expectation(case)
    if expected.xfail:
        request.applymarker(pytest.mark.xfail(reason=expected.xfail, strict=True))
    for module, attribute, value in expected.limits:
        monkeypatch.setattr(importlib.import_module(module), attribute, value)
    if expected.pad_to is not None:
        work = tmp_path / "in"
        work.mkdir()
        padded = bytearray(case.read_bytes())
        while len(padded) < expected.pad_to:
            padded += b"#" + b"x" * min(99, expected.pad_to - len(padded) - 2) + b"\n"
        (work / case.name).write_bytes(bytes(padded[: expected.pad_to]))
        monkeypatch.chdir(work)
        shown = case.name
    else:
        monkeypatch.chdir(ROOT)
        shown = case.relative_to(ROOT).as_posix()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"

    result = runner.invoke(app, ["assess", shown, "-f", "universal-standards", "-o", str(out)])

    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert diagnostic_lines(result.stderr) == [f"{shown}:{d}" for d in expected.diagnostics]
    if expected.has_errors:
        assert result.exit_code == ExitCode.INVALID_INPUT, result.output
        assert result.stderr.splitlines()[-1] == (
            f"error: {expected.error_count} problem(s) in input files"
        )
        assert list(out_dir.iterdir()) == []
    else:
        assert result.exit_code == ExitCode.OK, result.output
        assert out.exists()
        assert [p.name for p in out_dir.iterdir()] == ["report.json"]


def rule_cases() -> list[Path]:
    return sorted(p for p in RULE_CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", rule_cases(), ids=lambda p: p.name)
def test_rule_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    shown = case.relative_to(ROOT).as_posix()
    expected = [
        f"{shown}/{line}"
        for line in (case / "expect").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if (case / "ruleset.yaml").exists():
        targets = [shown]
    else:
        # Profile files: `rules lint` follows `extends` to the profiles beside the one linted.
        profiles = sorted(case.glob("*.yaml"))
        targets = [profiles[0].relative_to(ROOT).as_posix()]  # the others are its parents

    result = runner.invoke(app, ["rules", "lint", *targets])

    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert diagnostic_lines(result.stderr) == expected
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    errors = sum(": error: " in line for line in expected)
    assert result.stderr.splitlines()[-1].startswith(f"{errors} problem(s) in ")


def test_corpus_stays_small() -> None:
    """Oversized inputs are generated by the test (pad-to), never committed."""
    assert sum(p.stat().st_size for p in EVIDENCE_CASES.iterdir()) < 200_000
