"""spm-audit batch, end to end: records, the portfolio table, a refused file among good ones."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine import Auditor, run_audit
from engine.batch import PORTFOLIO_COLUMNS, evidence_files
from engine.errors import ExitCode, UsageError
from engine.render.json_report import JsonRenderer
from engine.resources import EXAMPLES_DIR

runner = CliRunner()
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
SPM_AUDIT = str(Path(sys.executable).parent / "spm-audit")
BROKEN = "institution: {name: 3}\nassessment: nope\n"
PORTFOLIO_FILES = ("portfolio.csv", "portfolio.xlsx", "portfolio.html", "portfolio.pdf")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The three bundled examples and one broken evidence file."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, inputs / example.name)
    (inputs / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (inputs / "notes.txt").write_text("not evidence", encoding="utf-8")
    return inputs


def table(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_a_broken_file_among_good_ones_in_a_pool(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = digests(folder)
    done = subprocess.run(
        [SPM_AUDIT, "batch", str(folder), "-o", str(out), "-f", "all", "--jobs", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == ExitCode.INVALID_INPUT, done.stderr
    assert "Traceback" not in done.stderr
    # the refused file's every diagnostic, with its position, and the others went on
    assert f"{folder / 'broken.yaml'}:1:15: error: expected a string" in done.stderr
    assert f"{folder / 'broken.yaml'}:2:1: error: expected a mapping" in done.stderr
    assert (
        f"assessed {len(EXAMPLES)} of {len(EXAMPLES) + 1} evidence files, 1 refused" in done.stderr
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f"{e.stem}.json" for e in EXAMPLES), *PORTFOLIO_FILES]
    )  # no broken.json
    for example in EXAMPLES:  # the bytes `assess --format json` writes
        expected = JsonRenderer().render(run_audit(example, ["all"]))
        assert (out / f"{example.stem}.json").read_bytes() == expected
    assert digests(folder) == before  # inputs untouched
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_the_portfolio_table(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(folder / "*.yaml"), "-o", str(out), "--jobs", "1", "--no-summary"]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    rows = table(out / "portfolio.csv")
    assert tuple(rows[0]) == PORTFOLIO_COLUMNS
    assert [(r["file"], r["status"], r["framework"]) for r in rows] == sorted(
        [
            *((e.name, "assessed", "universal-standards") for e in EXAMPLES),
            ("broken.yaml", "refused", ""),
        ]
    )
    (broken,) = [r for r in rows if r["status"] == "refused"]
    assert broken["problems"] == "4"
    assert broken["first_problem"].startswith(f"{folder / 'broken.yaml'}:1:1: error:")
    assessed = [r for r in rows if r["status"] == "assessed"]
    for row, example in zip(assessed, EXAMPLES, strict=True):
        framework = run_audit(example, []).frameworks[0]
        assert float(row["score"]) == pytest.approx(float(framework.overall.score), abs=1e-9)
        assert float(row["coverage"]) == pytest.approx(float(framework.overall.coverage))
        assert row["grade"] == (framework.grade.grade or "")
        assert row["framework_version"] == f'="{framework.ruleset.version}"'  # stays text
        failed = [g.gate.id for g in framework.gates if g.verdict.value == "failed"]
        assert row["gates_failed"] == "; ".join(failed)
        critical = [
            s
            for s in framework.indicators
            if s.result.indicator.critical and s.result.status.value == "fail"
        ]
        assert int(row["critical_failures"]) == len(critical)
        assert int(row["warnings"]) > 0  # answers for frameworks this run does not assess
    kombit, altiplano = rows[2], rows[0]
    assert kombit["institution"] == "Kombit Microfinance S.A."
    assert kombit["gates_passed"] == "client-protection-essentials"
    assert int(altiplano["critical_failures"]) > 0


def test_all_good_exits_0_and_the_french_dialect(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.yaml").unlink()
    out = tmp_path / "new" / "out"  # made when missing
    result = runner.invoke(
        app,
        [
            "batch",
            str(folder),
            "-o",
            str(out),
            "-j",
            "1",
            "--csv-dialect",
            "excel-fr",
            "--no-summary",
        ],
    )
    assert result.exit_code == ExitCode.OK, result.output
    text = (out / "portfolio.csv").read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "file;institution;country;legal_form;size_class;active_borrowers;status;"
    )
    kombit = next(line for line in text.splitlines() if line.startswith("kombit-microfinance.yaml"))
    assert ";0,90" in kombit  # decimal comma: a number to a French spreadsheet (Kombit 90.1 %)


def test_two_files_that_would_write_one_record_are_refused_before_any_work(
    folder: Path, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES[0], folder / f"{EXAMPLES[0].stem}.json")
    with pytest.raises(UsageError, match="would both be written as"):
        evidence_files(str(folder))
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert not out.exists()


def test_nothing_to_assess_and_a_bad_jobs_number(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "*.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "no evidence files" in result.output
    result = runner.invoke(app, ["batch", str(EXAMPLES_DIR), "-o", str(tmp_path), "-j", "0"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--jobs must be at least 1" in result.output


def test_the_auditor_is_shared_by_the_forked_workers(folder: Path, tmp_path: Path) -> None:
    from engine.batch import Batch

    (folder / "broken.yaml").unlink()
    auditor = Auditor(["smart-campaign"])
    with Batch(auditor, tmp_path / "out", jobs=2) as batch:
        items = batch.run(evidence_files(str(folder)))
    assert [i.source.name for i in items] == [e.name for e in EXAMPLES]
    assert all(i.exit_code is ExitCode.OK for i in items)
    assert {r.framework for i in items for r in i.rows} == {"smart-campaign"}


def test_where_fork_is_missing_each_worker_loads_the_rule_sets(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from engine.batch import Batch

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    auditor = Auditor(["spi"])
    files = evidence_files(str(folder))[:2]  # altiplano, broken
    with Batch(auditor, tmp_path / "out", jobs=2) as batch:
        items = batch.run(files)
    assert [i.exit_code for i in items] == [ExitCode.OK, ExitCode.INVALID_INPUT]
    expected = JsonRenderer().render(run_audit(files[0], ["spi"]))
    assert (tmp_path / "out" / f"{files[0].stem}.json").read_bytes() == expected
