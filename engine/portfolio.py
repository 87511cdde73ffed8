"""`spm-audit batch` with its portfolio outputs: the table as CSV and xlsx, and the summary.

Beside the records (`batch.screen`) a batch writes `portfolio.csv` and `portfolio.xlsx` (the same
rows), and unless asked not to, the portfolio summary `portfolio.html` and `portfolio.pdf`. Every
file is written atomically; the PDF's system needs (Pango, a font) are checked before the first
evidence file is assessed, so a batch never runs for minutes to fail at its end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from engine.api import Auditor
from engine.batch import (
    BatchItem,
    ProgressLine,
    batch_exit_code,
    evidence_files,
    screen,
    write_portfolio,
)
from engine.errors import RenderError
from engine.output import write_atomically
from engine.portfolio_report import portfolio_html, portfolio_pdf
from engine.portfolio_summary import summarise
from engine.portfolio_xlsx import portfolio_xlsx
from engine.render.pdf_report import system_problems

WORKBOOK = "portfolio.xlsx"
SUMMARY_HTML = "portfolio.html"
SUMMARY_PDF = "portfolio.pdf"


def write_outputs(
    items: Sequence[BatchItem],
    auditor: Auditor,
    out_dir: Path,
    dialect: str,
    with_summary: bool,
    step: Callable[[str], None] = lambda _: None,
) -> list[Path]:
    """Write the portfolio table (CSV, xlsx) and, `with_summary`, the summary (HTML, PDF)."""
    inputs = [i.source for i in items]
    written = [write_portfolio(items, out_dir, dialect)]
    workbook = out_dir / WORKBOOK
    write_atomically(workbook, portfolio_xlsx(items), inputs=inputs)
    written.append(workbook)
    if with_summary:
        step("writing the portfolio summary")
        summary = summarise(items, auditor.rule_sets)
        html = portfolio_html(summary)
        write_atomically(out_dir / SUMMARY_HTML, html.encode("utf-8"), inputs=inputs)
        written.append(out_dir / SUMMARY_HTML)
        step("laying out the portfolio summary as PDF")
        write_atomically(out_dir / SUMMARY_PDF, portfolio_pdf(summary, html), inputs=inputs)
        written.append(out_dir / SUMMARY_PDF)
    return written


def screen_portfolio(
    files: Sequence[Path],
    auditor: Auditor,
    out_dir: Path,
    *,
    jobs: int | None,
    audience: str,
    dialect: str,
    with_summary: bool,
    progress: ProgressLine,
    show: Callable[[str], None],
) -> list[BatchItem]:
    """`spm-audit batch`: the records, the portfolio table and (`with_summary`) the summary.

    Raises:
        RenderError: the summary is asked for and this machine cannot lay out a PDF.
    """
    if with_summary:
        problems = system_problems()
        if problems:
            raise RenderError(
                "the portfolio summary PDF cannot be written on this machine: "
                + "; ".join(problems)
                + " (or run the batch with --no-summary)"
            )
    return screen(
        files,
        auditor,
        out_dir,
        jobs,
        audience,
        dialect,
        progress,
        show,
        lambda items, step: write_outputs(items, auditor, out_dir, dialect, with_summary, step),
    )


def run_batch(
    target: str,
    frameworks: Sequence[str],
    out_dir: Path,
    jobs: int | None,
    audience: str,
    dialect: str,
    with_summary: bool,
    progress: ProgressLine,
    show: Callable[[str], None],
) -> int:
    """`spm-audit batch TARGET -o OUT_DIR`: the files of TARGET, the rule sets, the run; its exit code.

    Raises:
        UsageError: nothing to assess, or an unknown framework.
        InvalidInputError: a rule set is invalid.
        RenderError: the summary is asked for and this machine cannot lay out a PDF.
    """
    files = evidence_files(target)
    auditor = Auditor(frameworks)
    items = screen_portfolio(
        files,
        auditor,
        out_dir,
        jobs=jobs,
        audience=audience,
        dialect=dialect,
        with_summary=with_summary,
        progress=progress,
        show=show,
    )
    return int(batch_exit_code(items))
