"""Stage 5, render: an `AuditResult` → bytes in one format. Renderers compute nothing.

`RENDERERS` names every format; a renderer's module (and what it needs: Jinja2 for HTML, WeasyPrint
and fontconfig for PDF) is imported only when its format is asked for, so a JSON run never pays
for the PDF machinery (the CSV renderer, light, is imported for its dialects' names).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar, Protocol, cast

from engine.errors import UsageError
from engine.i18n import LANGUAGES
from engine.model import AuditResult
from engine.render.csv_report import DIALECTS, CsvRenderer
from engine.report import Audience

__all__ = ["CSV_DIALECTS", "RENDERERS", "Audience", "Renderer", "renderer_for", "report_language"]


class Renderer(Protocol):
    """One output format; `audience` (full, institution, public) decides what a human report shows."""

    name: ClassVar[str]  # the --format value
    suffix: ClassVar[str]

    def __init__(self, audience: str = "full", language: str | None = None) -> None: ...

    def start(self) -> None:
        """Begin slow set-up in the background before the result exists (may do nothing)."""
        ...

    def close(self) -> None:
        """Release what `start` took (may do nothing)."""
        ...

    def render(self, result: AuditResult) -> bytes:
        """The report as bytes."""
        ...


class _Registry(Mapping[str, type[Renderer]]):
    """Format name → renderer class, imported from its module on first use."""

    def __init__(self, where: Mapping[str, str]) -> None:
        # name → "module:Class", named from this package wherever it is installed
        self._where = dict(where)
        self._loaded: dict[str, type[Renderer]] = {}

    def __getitem__(self, name: str) -> type[Renderer]:
        if name not in self._loaded:
            module, _, attribute = self._where[name].partition(":")
            renderer = getattr(importlib.import_module(module), attribute)
            self._loaded[name] = cast(type[Renderer], renderer)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


RENDERERS: Mapping[str, type[Renderer]] = _Registry(
    {
        "pdf": f"{__name__}.pdf_report:PdfRenderer",
        "html": f"{__name__}.html_report:HtmlRenderer",
        "json": f"{__name__}.json_report:JsonRenderer",
        "csv": f"{__name__}.csv_report:CsvRenderer",
        "xlsx": f"{__name__}.xlsx_report:XlsxRenderer",
    }
)
CSV_DIALECTS = tuple(DIALECTS)


def format_for(name: str | None, out: Path | None) -> str:
    """The format asked for, else the one `out`'s suffix names, else JSON; an unknown suffix is refused."""
    if name is not None:
        return name
    suffix = out.suffix.lstrip(".").lower() if out is not None and str(out) != "-" else ""
    if suffix in RENDERERS:
        return suffix
    if suffix:
        raise UsageError(
            f"cannot tell the report format from '{out}': use a suffix of "
            f"{', '.join('.' + name for name in RENDERERS)}, or --format"
        )
    return "json"


def renderer_for(
    name: str, audience: str = "full", *, csv_dialect: str = "excel", language: str | None = None
) -> Renderer:
    """The renderer of a format, for an audience (the CSV dialect applies to CSV only).

    `language` is that of the HTML and PDF reports (JSON and CSV are language-neutral).
    """
    if name == CsvRenderer.name:
        return CsvRenderer(audience, csv_dialect=csv_dialect)
    return RENDERERS[name](audience, language)


def report_language(code: str | None) -> str | None:
    """A --lang value checked: one of the report's languages, or None (English).

    Raises:
        UsageError: the report is not written in that language.
    """
    if code is None or code.lower() in LANGUAGES:
        return None if code is None else code.lower()
    raise UsageError(f"--lang {code}: the report speaks {', '.join(LANGUAGES)}")
