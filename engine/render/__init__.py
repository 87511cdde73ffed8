"""Stage 5, render: an `AuditResult` → bytes in one format. Renderers compute nothing."""

from __future__ import annotations

from typing import ClassVar, Protocol

from engine.model import AuditResult
from engine.render.html_report import HtmlRenderer
from engine.render.json_report import JsonRenderer
from engine.render.pdf_report import PdfRenderer


class Renderer(Protocol):
    """One output format."""

    name: ClassVar[str]  # the --format value
    suffix: ClassVar[str]

    def render(self, result: AuditResult) -> bytes:
        """The report as bytes."""
        ...


RENDERERS: dict[str, type[Renderer]] = {
    r.name: r for r in (PdfRenderer, HtmlRenderer, JsonRenderer)
}
