"""The HTML renderer: one self-contained file (inline CSS, no external resources)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import ClassVar

import jinja2
from markupsafe import Markup, escape

from engine import filecache, i18n
from engine.model import AuditResult
from engine.release import __version__
from engine.render import svg
from engine.render.peer_chart import peer_boxes
from engine.render.renderer import RendererBase
from engine.report.build import build_report
from engine.report.model import Report
from engine.resources import TEMPLATES_DIR


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in the user's cache folder (`filecache`, kind `templates`).

    Compiling the report's templates takes about 0.1 s of every run; loading the compiled code
    takes a few milliseconds. Jinja checks each entry against the template's source (and the
    Python version) before using it; the key adds Jinja's version, spm-audit's and this module's
    code, which sets the environment's options, so no entry outlives what compiled it.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill `bucket` from the cache, if it holds an entry."""
        data = filecache.read_entry("templates", self._key(bucket))
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # an entry that cannot be read is only no entry
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template (best effort)."""
        filecache.write_entry("templates", self._key(bucket), bucket.bytecode_to_string())

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        return hashlib.sha256(f"{_code_digest()} {bucket.key}".encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    code = Path(__file__).read_bytes()
    versions = f"jinja2 {jinja2.__version__} spm-audit {__version__}"
    return hashlib.sha256(versions.encode() + b"\0" + code).hexdigest()


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment: autoescape on (templates end in .j2), undefined names fail."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        bytecode_cache=TemplateCache() if filecache.is_enabled() else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["nb"] = no_break
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    return env


def no_break(text: object) -> Markup:
    """Escaped text whose spaces do not break a line ("50 %" stays on one line)."""
    return Markup(str(escape(text)).replace(" ", "&nbsp;"))  # noqa: S704 - escaped first


TEMPLATES = {"full": "report.html.j2", "summary": "summary.html.j2"}


def render_html(result: AuditResult, *, audience: str = "full", language: str | None = None) -> str:
    """The report as an HTML document, with its charts inline, in `language` (default: English)."""
    return render_report_html(build_report(result, audience, language=language))


def render_report_html(report: Report) -> str:
    """A built report as an HTML document, with its charts inline."""
    template = TEMPLATES[report.edition]
    with i18n.use_language(report.language):  # the charts' words too
        drawn = {
            "dimensions": svg.dimension_chart(report.frameworks),
            "pathway": svg.pathway_chart(report.frameworks),
            "peers": peer_boxes(report.peers.rows) if report.peers else (),
        }
        return environment().get_template(template).render(r=report, charts=drawn)


class HtmlRenderer(RendererBase):
    """Writes the report as a self-contained HTML file."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"

    def render(self, result: AuditResult) -> bytes:
        """UTF-8 HTML."""
        return render_html(result, audience=self.audience, language=self.language).encode("utf-8")
