"""The command line behaves as the ecosystem's tools do (issue 16): version, completion, `-` for
stdin and stdout, formats by suffix, thresholds that say why, closed pipes, progress, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.render import RENDERERS
from engine.resources import EXAMPLES_DIR

runner = CliRunner()
KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
ALTIPLANO = EXAMPLES_DIR / "altiplano-credito-rapido.yaml"
SPM_AUDIT = [sys.executable, "-c", "import cli; cli.main()"]


def test_version() -> None:
    from importlib.metadata import version

    done = runner.invoke(app, ["--version"])
    assert done.exit_code == 0
    assert done.stdout == f"spm-audit {version('spm-audit')}\n"


def test_completion_can_be_installed() -> None:
    done = runner.invoke(app, ["--help"])
    assert "--install-completion" in done.stdout
    assert "--show-completion" in done.stdout


def test_help_lists_the_bundled_frameworks_and_profiles() -> None:
    done = runner.invoke(app, ["assess", "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0
    for name in ("universal-standards", "smart-campaign", "spi", "green-index", "alinus"):
        assert name in done.stdout
    assert "list[" not in done.stdout  # metavars people can read (ID, PATH, FILE)


def test_dash_reads_the_evidence_from_stdin() -> None:
    text = KOMBIT.read_text(encoding="utf-8")
    from_stdin = runner.invoke(app, ["assess", "-", "--format", "json"], input=text)
    from_file = runner.invoke(app, ["assess", str(KOMBIT), "--format", "json"])
    assert from_stdin.exit_code == from_file.exit_code == 0, from_stdin.output
    a, b = json.loads(from_stdin.stdout), json.loads(from_file.stdout)
    assert a["provenance"]["evidence"]["sha256"] == b["provenance"]["evidence"]["sha256"]
    assert a["provenance"]["evidence"]["file"] == "<stdin>"

    def verdicts(record: dict) -> list[tuple[str, str, object]]:
        return [
            (i["id"], i["status"], i["score"])
            for f in record["frameworks"]
            for i in f["indicators"]
        ]

    assert verdicts(a) == verdicts(b)
    assert [f["overall"] for f in a["frameworks"]] == [f["overall"] for f in b["frameworks"]]


def test_stdin_diagnostics_name_stdin() -> None:
    done = runner.invoke(app, ["assess", "-"], input="schema_version: 1\ninstitution: 3\n")
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert done.stderr.splitlines()[:2] == [
        "<stdin>:1:1: error: required key 'assessment' is missing [schema]",
        "<stdin>:2:1: error: expected a mapping, found an integer (3) [schema]",
    ]


def test_dash_output_is_stdout(tmp_path: Path) -> None:
    done = runner.invoke(app, ["assess", str(KOMBIT), "-o", "-", "--format", "csv"])
    assert done.exit_code == 0
    assert done.stdout.startswith("\ufeffrow,framework")
    assert not (Path.cwd() / "-").exists()


def test_an_unknown_suffix_is_refused_with_the_formats(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    done = runner.invoke(app, ["assess", str(KOMBIT), "-o", str(out)])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert all(f".{name}" in done.stderr for name in RENDERERS), done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_threshold_says_which_and_by_how_much_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = runner.invoke(
        app,
        [
            "assess",
            str(ALTIPLANO),
            "-f",
            "universal-standards",
            "--fail-under",
            "50",
            "-o",
            str(out),
        ],
    )
    assert done.exit_code == ExitCode.FAILED
    lines = done.stderr.splitlines()
    assert lines[-2] == (
        "failed: universal-standards: overall score 11.6 % (100 % assessed) is below "
        "--fail-under 50 by 38.4 points"
    )
    assert lines[-1] == f"wrote {out}"  # the report is still written, after the reason


def test_a_failed_gate_names_what_it_lacks() -> None:
    done = runner.invoke(
        app,
        ["assess", str(ALTIPLANO), "-f", "smart-campaign", "--require-gate", "smart-certification"],
    )
    assert done.exit_code == ExitCode.FAILED
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("failed:")]
    assert line.startswith("failed: gate smart-certification: failed (not met: ")
    assert "critical indicators failed: " in line


def test_an_unknown_gate_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    done = runner.invoke(app, ["assess", str(KOMBIT), "--require-gate", "nogate", "-o", str(out)])
    assert done.exit_code == ExitCode.INVALID_INPUT
    assert "unknown gate 'nogate'" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_ends_quietly() -> None:
    """`spm-audit assess … | head -c 10`: the reader goes away; the writer ends without a word."""
    with subprocess.Popen(
        [*SPM_AUDIT, "assess", str(KOMBIT), "-f", "all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as writer:
        assert writer.stdout is not None
        assert writer.stderr is not None
        head = writer.stdout.read(10)
        writer.stdout.close()
        stderr = writer.stderr.read().decode()
        returncode = writer.wait(timeout=120)
    assert head == b'{\n  "actio'
    assert "error" not in stderr, stderr
    assert returncode == 0


def test_no_progress_line_when_stderr_is_not_a_terminal() -> None:
    done = subprocess.run(
        [*SPM_AUDIT, "assess", str(KOMBIT), "-f", "all", "--format", "html"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert b"\r" not in done.stderr
    assert b"\x1b[" not in done.stderr


def test_a_progress_line_on_a_terminal_for_a_run_over_a_second(tmp_path: Path) -> None:
    """stderr on a pseudo-terminal: a PDF takes seconds, so a person sees what it is doing."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*SPM_AUDIT, "assess", str(KOMBIT), "-f", "all", "-o", str(tmp_path / "r.pdf")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            timeout=120,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"\r\x1b[Kwriting the PDF report\xe2\x80\xa6 " in shown, shown
    assert shown.rstrip().endswith(b"r.pdf"), shown  # the line is cleared before "wrote …"
