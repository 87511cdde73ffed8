"""HTML to PDF with WeasyPrint, here or in a worker process started ahead of time.

Only `data:` URLs may be fetched, so no file or network resource can be read or embedded, whatever
the evidence holds. The assessment's date is the PDF's date (and `SOURCE_DATE_EPOCH` for the font
subsets), so the same HTML gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import logging
import multiprocessing
import os
import signal
import sys
import warnings
from multiprocessing.connection import Connection
from typing import Any

from engine import collector
from engine.errors import RenderError
from engine.render import html_tree

# Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools and warns that it will need
# HarfBuzz one day; the output is the same, so the notice is not the user's problem.
_HARFBUZZ_NOTICE = "HarfBuzz-Subset"
_IDLE_SECONDS = 600  # a layout worker nobody asks for a document within this time exits
# pydyf deflates every stream at level 9; level 6 (zlib's default) gives the demo's 2.5 MB of page
# content in a fifth of the time (35 ms instead of 190) for a file 4 % larger. The PDF's content is
# the same: only the compressed bytes of its streams differ.
_DEFLATE_LEVEL = 6


def weasyprint_module() -> tuple[Any, Any]:
    """WeasyPrint and its URL fetcher, imported (about 0.5 s) only when a PDF is wanted.

    Raises:
        RenderError: Pango or its companions are missing.
    """
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


# NOTE: WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names per library (one
# list for every platform); each name that fails goes to `ctypes.util.find_library`, which on Linux
# asks `ldconfig -p` and then runs gcc and ld to look again (WeasyPrint issue #1125). Sixteen names
# fail on Debian, a third of a second of gcc, which the PDF waits for. A name that `ldconfig -p`
# resolves gives the same library with or without compilers, so the worker, a process of ours
# with no other thread, imports WeasyPrint with a PATH on which no compiler can be found; if that
# import fails (no ldconfig cache, as on musl), it imports again the usual way.
_NO_PROGRAMS = os.devnull  # as PATH: a "folder" in which no program can be found


def _import_without_compilers() -> None:
    """Import WeasyPrint with gcc and ld out of `find_library`'s reach; the usual import if it fails.

    For a process of ours with no other thread only (PATH is the process's, for the import).
    """
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        return
    path = os.environ.get("PATH")
    os.environ["PATH"] = _NO_PROGRAMS
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints before it raises
            weasyprint_module()
    except RenderError:
        pass  # the caller's next `weasyprint_module()` tries with PATH as it was, and says why
    finally:
        if path is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = path


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


def _deflate_faster(_document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher: every stream still to be written deflated at `_DEFLATE_LEVEL`."""
    import pydyf

    if not hasattr(pydyf, "_to_bytes"):  # pragma: no cover - a pydyf other than 0.11-0.13
        return  # its own level, then
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            item.__class__ = _quick_stream(type(item))


_QUICK_STREAMS: dict[type, type] = {}


def _quick_stream(stream_class: type) -> type:
    """A subclass of a `pydyf.Stream` class whose bytes are deflated at `_DEFLATE_LEVEL`.

    Only `data` (the stream as written) differs from pydyf's, which deflates at level 9.
    """
    import zlib

    import pydyf

    def data(self: Any) -> bytes:
        content = b"\n".join(pydyf._to_bytes(part) for part in self.stream)
        extra = pydyf.Dictionary(self.extra.copy())
        extra["Filter"] = "/FlateDecode"
        content = zlib.compress(content, _DEFLATE_LEVEL)
        extra["Length"] = len(content)
        return b"\n".join((extra.data, b"stream", content, b"endstream"))

    if stream_class not in _QUICK_STREAMS:
        name = f"Quick{stream_class.__name__}"
        _QUICK_STREAMS[stream_class] = type(name, (stream_class,), {"data": property(data)})
    return _QUICK_STREAMS[stream_class]


def html_document(html: str, fetcher: Any) -> Any:
    """A `weasyprint.HTML` of the report, its tree read by `html_tree` (else by WeasyPrint).

    WeasyPrint's own reading (tinyhtml5) takes a sixth of a second more for the same tree. The
    attributes set are those `HTML.__init__` sets once it has parsed (WeasyPrint 70); the tests
    hold the two documents to the same attributes.
    """
    weasyprint, _ = weasyprint_module()
    tree = html_tree.parse(html)
    if tree is None:
        return weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    import cssselect2

    document = weasyprint.HTML.__new__(weasyprint.HTML)
    document.base_url = None  # the templates write no <base>; every URL is data:
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def layout(html: str, day: str) -> bytes:
    """HTML → PDF bytes; `day` (the assessment's date) stamps the file, so the bytes repeat."""
    _, URLFetcher = weasyprint_module()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(day)  # fontTools stamps font subsets with it
    fetcher = URLFetcher(allowed_protocols={"data"})
    # The cyclic garbage collector finds next to nothing to free in a layout (the peak RSS is the
    # same without it) but walks WeasyPrint's many young objects again and again: off during the
    # layout, the demo's PDF takes 0.5 s (14 %) less.
    with collector.paused(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_HARFBUZZ_NOTICE, category=DeprecationWarning)
        document = html_document(html, fetcher)
        pdf: bytes = document.write_pdf(
            pdf_identifier=False, uncompressed_pdf=False, finisher=_deflate_faster
        )
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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; the pipe ends us
    gc.disable()  # as in `layout`, for the import too (40 ms less): this process lays out one report
    _import_without_compilers()
    with contextlib.suppress(RenderError):
        weasyprint_module()  # reported when a document is asked for
    try:
        if not connection.poll(_IDLE_SECONDS):
            return  # nobody asked: the parent is stuck or gone
        html, day = connection.recv()
    except (EOFError, OSError):
        return  # the run needed no PDF after all
    reply: tuple[str, bytes | str]
    try:
        reply = ("pdf", layout(html, day))
    except RenderError as e:
        reply = ("render-error", str(e))
    except Exception as e:
        reply = ("crash", f"{type(e).__name__}: {e}")
    with contextlib.suppress(OSError):  # the parent may have gone meanwhile
        connection.send(reply)
    connection.close()
