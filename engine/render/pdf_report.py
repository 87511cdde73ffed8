"""The PDF renderer: the HTML report, its characters checked against the installed fonts.

The layout itself is `pdf_layout`'s: WeasyPrint, here or in a worker started while the assessment
ran.
"""

from __future__ import annotations

from typing import ClassVar

from engine.errors import RenderError
from engine.model import AuditResult, EvidenceSet
from engine.render import fonts
from engine.render.pdf_layout import LayoutWorker, layout, weasyprint_module
from engine.render.renderer import RendererBase


def system_problems() -> list[str]:
    """What stops PDF rendering on this machine, each with the fix (empty when all is well)."""
    problems = []
    if not fonts.has_fonts():
        problems.append(f"no fonts found: {fonts.BASE_HINT}")
    try:
        weasyprint_module()
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


def _check_glyphs(html: str, evidence: EvidenceSet) -> None:
    """Fail, naming the characters and where the first one is, if no installed font draws them.

    Raises:
        RenderError: some character of the report would print as an empty box.
    """
    lost = fonts.missing(set(html))
    if not lost:
        return
    shown = ", ".join(fonts.describe(c) for c in lost[:5]) + (" …" if len(lost) > 5 else "")
    where = evidence.locate(lost)
    raise RenderError(
        f"{f'{where}: ' if where else ''}no installed font can draw {shown}: "
        f"{fonts.hint(lost)}, or run `spm-audit doctor`"
    )


def render_pdf(
    result: AuditResult,
    *,
    audience: str = "full",
    worker: LayoutWorker | None = None,
    language: str | None = None,
) -> bytes:
    """The report as PDF bytes, laid out here or by a `LayoutWorker` started earlier.

    Raises:
        RenderError: WeasyPrint or fonts are missing, or a character has no font.
    """
    if not fonts.has_fonts():
        raise RenderError(f"no fonts found for the PDF report: {fonts.BASE_HINT}")
    from engine.render.html_report import render_html  # Jinja2: after the worker has forked

    html = render_html(result, audience=audience, language=language)
    _check_glyphs(html, result.evidence)
    assessment = result.evidence.assessment
    day = str(assessment.get("approved_on") or assessment["assessed_on"])
    return worker.layout(html, day) if worker else layout(html, day)


class PdfRenderer(RendererBase):
    """Writes the report as PDF."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"

    def __init__(self, audience: str = "full", language: str | None = None) -> None:
        super().__init__(audience, language)
        self._worker: LayoutWorker | None = None

    def start(self) -> None:
        """Start importing WeasyPrint in a second process, while the assessment runs."""
        if self._worker is None:
            self._worker = LayoutWorker()

    def render(self, result: AuditResult) -> bytes:
        """PDF bytes."""
        worker, self._worker = self._worker, None
        return render_pdf(result, audience=self.audience, worker=worker, language=self.language)

    def close(self) -> None:
        """Stop a worker that was started but not used (the run failed before rendering)."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
