"""The PDF renderer: the HTML report laid out by WeasyPrint, fetching nothing.

The URL fetcher allows only `data:` URLs, so no file or network resource can be read or embedded,
whatever the evidence holds. Dates come from the assessment and `SOURCE_DATE_EPOCH`, so the same
result gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import sys
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, ClassVar

from engine.errors import RenderError
from engine.model import AuditResult
from engine.render import fonts
from engine.render.html_report import render_html
from engine.render.renderer import RendererBase

# Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools and warns that it will need
# HarfBuzz one day; the output is the same, so the notice is not the user's problem.
_HARFBUZZ_NOTICE = "HarfBuzz-Subset"
_IDLE_SECONDS = 600  # a layout worker nobody asks for a document within this time exits


def _weasyprint() -> tuple[Any, Any]:
    """Import WeasyPrint (slow: about 0.5 s), only when a PDF is wanted."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_HARFBUZZ_NOTICE, category=DeprecationWarning)
            import weasyprint
            from weasyprint.urls import URLFetcher
    except OSError as e:  # pragma: no cover - depends on the system's Pango
        raise RenderError(
            f"WeasyPrint cannot load its system libraries ({e}); "
            "install libpango-1.0-0 and libpangoft2-1.0-0"
        ) from e
    return weasyprint, URLFetcher


def system_problems() -> list[str]:
    """What stops PDF rendering on this machine, each with the fix (empty when all is well)."""
    problems = []
    if not fonts.has_fonts():
        problems.append(f"no fonts found: {fonts.BASE_HINT}")
    try:
        _weasyprint()
    except RenderError as e:
        problems.append(str(e))
    return problems


def font_notes() -> list[str]:
    """Scripts the PDF report cannot print on this machine, with the fonts to install."""
    scripts = fonts.uncovered_scripts()
    if not scripts:
        return []
    samples = [fonts.SCRIPT_SAMPLES[s] for s in scripts]
    return [f"no installed font for {', '.join(scripts)}: {fonts.hint(samples)}"]


def _check_glyphs(html: str, evidence_file: str) -> None:
    """Fail, naming the characters and where the first one is, if no installed font draws them.

    Raises:
        RenderError: some character of the report would print as an empty box.
    """
    lost = fonts.missing(set(html))
    if not lost:
        return
    shown = ", ".join(fonts.describe(c) for c in lost[:5]) + (" …" if len(lost) > 5 else "")
    raise RenderError(
        f"{_first_position(evidence_file, lost)}no installed font can draw {shown}: "
        f"{fonts.hint(lost)}, or run `spm-audit doctor`"
    )


def _first_position(path: str, characters: list[str]) -> str:
    """'file:line:col: ' of the first of these characters in the evidence file, or ''."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    wanted = set(characters)
    for number, line in enumerate(lines, start=1):
        for column, character in enumerate(line, start=1):
            if character in wanted:
                return f"{path}:{number}:{column}: "
    return ""


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


def render_pdf(
    result: AuditResult, *, audience: str = "full", worker: LayoutWorker | None = None
) -> bytes:
    """The report as PDF bytes, laid out here or by a `LayoutWorker` started earlier.

    Raises:
        RenderError: WeasyPrint or fonts are missing, or a character has no font.
    """
    if not fonts.has_fonts():
        raise RenderError(f"no fonts found for the PDF report: {fonts.BASE_HINT}")
    html = render_html(result, audience=audience)
    _check_glyphs(html, result.evidence.file)
    assessment = result.evidence.assessment
    day = str(assessment.get("approved_on") or assessment["assessed_on"])
    return worker.layout(html, day) if worker else _layout(html, day)


def _layout(html: str, day: str) -> bytes:
    """HTML → PDF bytes; `day` (the assessment's date) stamps the file, so the bytes repeat."""
    weasyprint, URLFetcher = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(day)  # fontTools stamps font subsets with it
    fetcher = URLFetcher(allowed_protocols={"data"})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_HARFBUZZ_NOTICE, category=DeprecationWarning)
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    return pdf


class LayoutWorker:
    """A process that imports WeasyPrint while this one assesses, then lays out one report.

    Importing WeasyPrint takes about half a second of one core; started before the assessment, the
    import runs on the second core and the PDF is ready that much sooner. The worker is forked
    where the platform allows (a fresh interpreter elsewhere), lays out exactly one document and
    exits; if the run ends before asking (invalid evidence, say), it ends with it.
    """

    def __init__(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context(
            "fork" if sys.platform == "linux" and "fork" in methods else "spawn"
        )
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self._connection), daemon=True, name="spm-audit-pdf-layout"
        )
        self._process.start()
        child.close()

    def layout(self, html: str, day: str) -> bytes:
        """The PDF bytes of this HTML, laid out in the worker.

        Raises:
            RenderError: the worker failed or stopped.
        """
        try:
            self._connection.send((html, day))
            status, payload = self._connection.recv()
        except (EOFError, OSError) as e:
            self.close()
            raise RenderError(
                f"the PDF layout process stopped unexpectedly (exit code {self._process.exitcode})"
            ) from e
        self.close()
        if status == "pdf":
            return bytes(payload)
        if status == "render-error":
            raise RenderError(str(payload))
        raise RuntimeError(f"{payload} (in the PDF layout process)")

    def close(self) -> None:
        """Stop the worker (it exits by itself once the connection closes)."""
        self._connection.close()
        self._process.join(timeout=10)
        if self._process.is_alive():  # pragma: no cover - only if WeasyPrint hangs
            self._process.terminate()


def _serve(connection: Connection, parent_end: Connection) -> None:
    """The worker's life: import WeasyPrint, wait for one document, send back its PDF."""
    parent_end.close()  # a forked copy of the parent's end would keep the pipe open for ever
    with contextlib.suppress(RenderError):
        _weasyprint()  # reported when a document is asked for
    try:
        if not connection.poll(_IDLE_SECONDS):
            return  # nobody asked: the parent is stuck or gone
        html, day = connection.recv()
    except (EOFError, OSError):
        return  # the run needed no PDF after all
    try:
        connection.send(("pdf", _layout(html, day)))
    except RenderError as e:
        connection.send(("render-error", str(e)))
    except Exception as e:
        connection.send(("crash", f"{type(e).__name__}: {e}"))
    finally:
        connection.close()


class PdfRenderer(RendererBase):
    """Writes the report as PDF."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"

    def __init__(self, audience: str = "full") -> None:
        super().__init__(audience)
        self._worker: LayoutWorker | None = None

    def start(self) -> None:
        """Start importing WeasyPrint in a second process, while the assessment runs."""
        if self._worker is None:
            self._worker = LayoutWorker()

    def render(self, result: AuditResult) -> bytes:
        """PDF bytes."""
        worker, self._worker = self._worker, None
        return render_pdf(result, audience=self.audience, worker=worker)

    def close(self) -> None:
        """Stop a worker that was started but not used (the run failed before rendering)."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
