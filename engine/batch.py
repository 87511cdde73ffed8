"""Batch screening: many evidence files against rule sets loaded once, in a process pool.

One JSON record per institution (named after its evidence file, written atomically, the bytes
`spm-audit assess --format json` gives) and a portfolio table: one row per institution and
framework with score, coverage, grade, gates and critical failures, spreadsheet-safe as the CSV
report is. A refused evidence file keeps its diagnostics, gets a row saying so, and does not stop
the others. Workers are forked where the platform allows it, so they inherit the compiled rule sets
(frozen out of the collector's way) instead of loading them again; elsewhere each worker loads them
once.
"""

from __future__ import annotations

import csv
import glob
import io
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from engine.api import Auditor
from engine.errors import AuditError, ExitCode, InvalidInputError, UsageError
from engine.model import AuditResult, Status, Verdict
from engine.output import write_atomically
from engine.peers import FIGURES, NO_PEER_FACTS, PeerFacts, peer_facts
from engine.render.csv_report import DIALECTS

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json")
PORTFOLIO = "portfolio.csv"


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """One institution under one framework, as the portfolio table shows it."""

    framework: str
    framework_version: str
    score: Fraction | None
    coverage: Fraction | None
    grade: str | None
    gates_passed: tuple[str, ...]
    gates_failed: tuple[str, ...]
    gates_undecided: tuple[str, ...]  # insufficient evidence to decide
    critical_failures: int
    failed_indicators: tuple[
        str, ...
    ] = ()  # ids of the indicators not met (the summary counts them)


@dataclass(frozen=True, slots=True)
class BatchItem:
    """What became of one evidence file."""

    source: Path
    institution: str
    country: str
    output: Path | None  # the JSON record written (None: refused)
    rows: tuple[PortfolioRow, ...]
    problems: tuple[str, ...]  # a refused file's diagnostics (`file:line:col: error: …`)
    warnings: int
    exit_code: ExitCode  # OK, INVALID_INPUT (refused) or INTERNAL (a bug, said in `problems`)
    peer_facts: PeerFacts = NO_PEER_FACTS  # legal form, size class, key figures (engine/peers.py)
    assessed_on: str = ""  # the assessment's date (the summary's span of dates)


def evidence_files(target: str) -> list[Path]:
    """The evidence files a folder holds (YAML and JSON, not in subfolders) or a glob matches.

    Raises:
        UsageError: nothing matches, or two files would write the same record (same base name).
    """
    folder = Path(target)
    if folder.is_dir():
        found = [p for p in folder.iterdir() if p.suffix.lower() in EVIDENCE_SUFFIXES]
    else:
        found = [Path(p) for p in glob.glob(target, recursive=True)]
    files = sorted(p for p in found if p.is_file() and not p.name.startswith("."))
    if not files:
        where = "in the folder" if folder.is_dir() else "matching"
        raise UsageError(f"no evidence files (.yaml, .yml, .json) {where} '{target}'")
    by_name: dict[str, Path] = {}
    for path in files:
        other = by_name.setdefault(path.stem, path)
        if other != path:
            raise UsageError(
                f"'{other}' and '{path}' would both be written as {path.stem}.json: "
                "rename one, or run them in two batches"
            )
    return files


def framework_rows(result: AuditResult) -> tuple[PortfolioRow, ...]:
    """The portfolio rows of one result: one per framework or profile assessed."""
    rows = []
    for framework in result.frameworks:
        verdicts = {v: tuple(g.gate.id for g in framework.gates if g.verdict is v) for v in Verdict}
        failed = [s for s in framework.indicators if s.result.status is Status.FAIL]
        critical = sum(1 for s in failed if not s.benchmark and s.result.indicator.critical)
        rows.append(
            PortfolioRow(
                framework.ruleset.id,
                framework.ruleset.version,
                framework.overall.score,
                framework.overall.coverage,
                framework.grade.grade if framework.grade else None,
                verdicts[Verdict.PASSED],
                verdicts[Verdict.FAILED],
                verdicts[Verdict.INSUFFICIENT_EVIDENCE],
                critical,
                tuple(s.result.indicator.id for s in failed if not s.benchmark),
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class _Job:
    out_dir: Path
    audience: str


_WORKER: dict[str, Any] = {}  # the auditor and the job of this process (inherited when forked)


def _start_worker(frameworks: Sequence[str] | None, job: _Job, pooled: bool = True) -> None:
    """Set a worker up: with fork it already holds the auditor; with spawn it loads the rule sets."""
    if pooled:  # Ctrl-C is the parent's to handle: it stops the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if frameworks is not None:
        _WORKER["auditor"] = Auditor(frameworks)
    _WORKER["job"] = job


def _assess_one(source: Path) -> BatchItem:
    auditor: Auditor = _WORKER["auditor"]
    job: _Job = _WORKER["job"]
    try:
        result = auditor.assess(source)
        data = auditor.render(result, "json", audience=job.audience)
        output = job.out_dir / f"{source.stem}.json"
        write_atomically(output, data, inputs=[source])
    except InvalidInputError as e:
        problems = tuple(str(d) for d in e.diagnostics) or (f"error: {e}",)
        return BatchItem(source, "", "", None, (), problems, 0, ExitCode.INVALID_INPUT)
    except AuditError as e:
        return BatchItem(source, "", "", None, (), (f"error: {e}",), 0, e.exit_code)
    except Exception as e:  # a bug: said, and the other files still assessed
        said = f"internal error: {type(e).__name__}: {e}"
        return BatchItem(source, "", "", None, (), (said,), 0, ExitCode.INTERNAL)
    return assessed_item(source, result, output)


def assessed_item(source: Path, result: AuditResult, output: Path | None) -> BatchItem:
    """The item of an evidence file assessed (its record written to `output`)."""
    institution = result.evidence.institution
    return BatchItem(
        source,
        str(institution.get("name", "")),
        str(institution.get("country", "")),
        output,
        framework_rows(result),
        (),
        len(result.warnings),
        ExitCode.OK,
        peer_facts(institution, result.evidence.facts),
        result.evidence.dates.assessed_on.isoformat(),
    )


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Batch:
    """A pool of workers holding the auditor's rule sets; `run` assesses files with it.

    Use it as a context manager: entering forks the workers (before any thread of the caller
    starts), leaving stops them. `jobs=1` assesses in this process, without a pool.
    """

    def __init__(
        self, auditor: Auditor, out_dir: Path, *, jobs: int | None = None, audience: str = "full"
    ) -> None:
        if jobs is not None and jobs < 1:
            raise UsageError(f"--jobs must be at least 1, not {jobs}")
        self.auditor = auditor
        self.out_dir = out_dir
        self.jobs = jobs or default_jobs()
        self.audience = audience
        self._pool: Any = None

    def __enter__(self) -> Batch:
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise UsageError(f"output path is not a folder: {self.out_dir}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        job = _Job(self.out_dir, self.audience)
        _WORKER["auditor"] = self.auditor
        if self.jobs == 1:
            _start_worker(None, job, pooled=False)
            return self
        forked = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forked else "spawn")
        frameworks = None if forked else list(self.auditor.names)
        self._pool = context.Pool(self.jobs, _start_worker, (frameworks, job))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
        _WORKER.clear()

    def run(
        self, files: Sequence[Path], on_item: Callable[[BatchItem, int], None] | None = None
    ) -> list[BatchItem]:
        """Assess every file, in order; `on_item(item, done)` is called as each one is finished."""
        items = []
        for done, item in enumerate(self._items(files), start=1):
            items.append(item)
            if on_item is not None:
                on_item(item, done)
        return items

    def _items(self, files: Sequence[Path]) -> Iterator[BatchItem]:
        if self._pool is None:
            return (_assess_one(f) for f in files)
        chunk = max(1, min(16, len(files) // (self.jobs * 8)))
        return iter(self._pool.imap(_assess_one, files, chunksize=chunk))


PORTFOLIO_COLUMNS = (
    "file",
    "institution",
    "country",
    "legal_form",
    "size_class",
    "active_borrowers",
    "status",
    "framework",
    "framework_version",
    "score",
    "coverage",
    "grade",
    "gates_passed",
    "gates_failed",
    "gates_undecided",
    "critical_failures",
    *(f.column for f in FIGURES),
    "warnings",
    "problems",
    "first_problem",
)


# Columns whose text a spreadsheet would take for a number or a date ("1.2.0"), and columns of
# shares of 1 (shown as percentages in the workbook: scores, coverage, the key figures in shares).
PORTFOLIO_IDS = frozenset({"framework_version"})
PORTFOLIO_SHARES = frozenset(
    {"score", "coverage", *(f.column for f in FIGURES if f.unit == "share")}
)


def portfolio_table(items: Sequence[BatchItem]) -> list[dict[str, object]]:
    """The portfolio table's rows, typed: text, counts, numbers and shares; absent is None.

    One row per institution and framework, one per refused file. The CSV and the workbook are
    both written from these rows, so a column added here reaches both.
    """
    rows: list[dict[str, object]] = []
    for item in items:
        base: dict[str, object] = {
            "file": item.source.name,
            "institution": item.institution,
            "country": item.country,
            "warnings": item.warnings,
        }
        facts = item.peer_facts
        if item.exit_code is ExitCode.OK:
            base |= {
                "legal_form": facts.legal_form,
                "size_class": facts.size_class,
                "active_borrowers": facts.active_borrowers,
                **{f.column: v for f, v in zip(FIGURES, facts.figures, strict=True)},
            }
        if item.exit_code is not ExitCode.OK:
            rows.append(
                {
                    **base,
                    "status": "refused" if item.exit_code is ExitCode.INVALID_INPUT else "error",
                    "problems": len(item.problems),
                    "first_problem": item.problems[0] if item.problems else "",
                }
            )
            continue
        rows.extend(
            {
                **base,
                "status": "assessed",
                "framework": row.framework,
                "framework_version": row.framework_version,
                "score": row.score,
                "coverage": row.coverage,
                "grade": row.grade,
                "gates_passed": "; ".join(row.gates_passed),
                "gates_failed": "; ".join(row.gates_failed),
                "gates_undecided": "; ".join(row.gates_undecided),
                "critical_failures": row.critical_failures,
                "problems": 0,
            }
            for row in item.rows
        )
    return rows


def portfolio_csv(items: Sequence[BatchItem], dialect: str = "excel") -> bytes:
    """The portfolio table as CSV: one row per institution and framework, a row per refused file."""
    d = DIALECTS[dialect]

    def cell(column: str, value: object) -> object:
        if value is None:
            return ""
        if isinstance(value, str):
            return d.ident(value) if column in PORTFOLIO_IDS else d.text(value)
        if isinstance(value, Fraction | float):
            return d.number(float(value))
        return value

    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out, PORTFOLIO_COLUMNS, restval="", lineterminator="\r\n", delimiter=d.delimiter
    )
    writer.writeheader()
    for row in portfolio_table(items):
        writer.writerow({column: cell(column, value) for column, value in row.items()})
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def batch_exit_code(items: Sequence[BatchItem]) -> ExitCode:
    """INTERNAL if a file met a bug, else INVALID_INPUT if one was refused, else OK."""
    codes = {item.exit_code for item in items}
    for code in (ExitCode.INTERNAL, ExitCode.INVALID_INPUT):
        if code in codes:
            return code
    return ExitCode.OK


class ProgressLine(Protocol):
    """A progress line the caller shows (the command line's, on a terminal).

    It is entered after the pool forks, so that no thread of it runs when the workers start.
    """

    def __enter__(self) -> object: ...

    def __exit__(self, *exc: object) -> object: ...

    def step(self, what: str) -> None:
        """Say what the run does now."""

    def clear(self) -> None:
        """Take the line away, before anything else is printed."""


Outputs = Callable[[Sequence["BatchItem"], Callable[[str], None]], Sequence[Path]]


def screen(
    files: Sequence[Path],
    auditor: Auditor,
    out_dir: Path,
    jobs: int | None,
    audience: str,
    dialect: str,
    progress: ProgressLine,
    show: Callable[[str], None],
    outputs: Outputs | None = None,
) -> list[BatchItem]:
    """`spm-audit batch`: assess the files, print each refusal, write the tables, say what was done.

    `outputs(items, step)` writes what the batch gives beside the records (by default the portfolio
    CSV) and returns the paths written; `step` says on the progress line what it does.
    """

    def table(items: Sequence[BatchItem], step: Callable[[str], None]) -> list[Path]:
        return [write_portfolio(items, out_dir, dialect)]

    with Batch(auditor, out_dir, jobs=jobs, audience=audience) as runner, progress:

        def said(item: BatchItem, done: int) -> None:
            if item.output is None:
                progress.clear()
                show("\n".join(refusal(item)))
            progress.step(f"assessed {done} of {len(files)} evidence files")

        items = runner.run(files, said)
        progress.step("writing the portfolio table")
        written = (outputs or table)(items, progress.step)
        progress.clear()
    show(summary(items, written))
    return items


def refusal(item: BatchItem) -> list[str]:
    """What to print of a file that was not assessed: its problems, then what became of it."""
    return [
        *item.problems,
        f"error: {item.source}: refused ({len(item.problems)} problem(s)); the others go on",
    ]


def summary(items: Sequence[BatchItem], written: Sequence[Path]) -> str:
    """The last line of a batch."""
    refused = sum(1 for i in items if i.output is None)
    done = [f"{len(items) - refused} record(s)", *(str(p) for p in written)]
    listed = ", ".join(done[:-1]) + f" and {done[-1]}" if len(done) > 1 else done[0]
    return (
        f"assessed {len(items) - refused} of {len(items)} evidence files"
        f"{f', {refused} refused' if refused else ''}; wrote {listed}"
    )


def write_portfolio(items: Sequence[BatchItem], out_dir: Path, dialect: str = "excel") -> Path:
    """Write the portfolio table beside the records, atomically; its path."""
    path = out_dir / PORTFOLIO
    write_atomically(path, portfolio_csv(items, dialect), inputs=[i.source for i in items])
    return path
