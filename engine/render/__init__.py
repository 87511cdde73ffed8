"""Stage 5, render: an `AuditResult` → bytes in one format. Renderers compute nothing."""

from __future__ import annotations

from typing import ClassVar, Protocol

from engine.model import AuditResult
from engine.render.csv_report import DIALECTS, CsvRenderer
from engine.render.html_report import HtmlRenderer
from engine.render.json_report import JsonRenderer
from engine.render.pdf_report import PdfRenderer
from engine.report import Audience

__all__ = ["CSV_DIALECTS", "RENDERERS", "Audience", "Renderer", "renderer_for"]


class Renderer(Protocol):
    """One output format; `audience` (full, institution, public) decides what a human report shows."""

    name: ClassVar[str]  # the --format value
    suffix: ClassVar[str]

    def __init__(self, audience: str = "full") -> None: ...

    def start(self) -> None:
        """Begin slow set-up in the background before the result exists (may do nothing)."""
        ...

    def close(self) -> None:
        """Release what `start` took (may do nothing)."""
        ...

    def render(self, result: AuditResult) -> bytes:
        """The report as bytes."""
        ...


RENDERERS: dict[str, type[Renderer]] = {
    r.name: r for r in (PdfRenderer, HtmlRenderer, JsonRenderer, CsvRenderer)
}
CSV_DIALECTS = tuple(DIALECTS)


def renderer_for(name: str, audience: str = "full", *, csv_dialect: str = "excel") -> Renderer:
    """The renderer of a format, for an audience (the CSV dialect applies to CSV only)."""
    if name == CsvRenderer.name:
        return CsvRenderer(audience, csv_dialect=csv_dialect)
    return RENDERERS[name](audience)
