"""The PDF renderer: the HTML report laid out by WeasyPrint, fetching nothing.

The URL fetcher allows only `data:` URLs, so no file or network resource can be read or embedded,
whatever the evidence holds. Dates come from the assessment and `SOURCE_DATE_EPOCH`, so the same
result gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import warnings
from pathlib import Path
from typing import Any, ClassVar

from engine.errors import RenderError
from engine.model import AuditResult
from engine.render.html_report import render_html

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)
# Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools and warns that it will need
# HarfBuzz one day; the output is the same, so the notice is not the user's problem.
_HARFBUZZ_NOTICE = "HarfBuzz-Subset"
FONT_HINT = "install fonts-dejavu-core (Debian/Ubuntu: apt-get install fonts-dejavu-core)"


def has_fonts() -> bool:
    """Whether any TrueType or OpenType font is installed where fontconfig looks."""
    return any(folder.is_dir() and any(folder.rglob("*.[ot]tf")) for folder in FONT_DIRS)


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
    if not has_fonts():
        problems.append(f"no fonts found: {FONT_HINT}")
    try:
        _weasyprint()
    except RenderError as e:
        problems.append(str(e))
    return problems


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


def render_pdf(result: AuditResult, *, audience: str = "full") -> bytes:
    """The report as PDF bytes.

    Raises:
        RenderError: WeasyPrint or fonts are missing.
    """
    if not has_fonts():
        raise RenderError(f"no fonts found for the PDF report: {FONT_HINT}")
    weasyprint, URLFetcher = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(result, audience=audience)
    assessment = result.evidence.assessment
    day = str(assessment.get("approved_on") or assessment["assessed_on"])
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(day)  # fontTools stamps font subsets with it
    fetcher = URLFetcher(allowed_protocols={"data"})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_HARFBUZZ_NOTICE, category=DeprecationWarning)
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    return pdf


class PdfRenderer:
    """Writes the report as PDF."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"

    def __init__(self, audience: str = "full") -> None:
        self.audience = audience

    def render(self, result: AuditResult) -> bytes:
        """PDF bytes."""
        return render_pdf(result, audience=self.audience)
