"""Security: reports fetch nothing, evidence never becomes markup or template code, document paths
stay in the evidence's folder, and a crash while rendering or writing leaves no partial file.

(`-o` pointing at an input is refused: see tests/test_cli.py.)
"""

from __future__ import annotations

import http.server
import io
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode, InvalidInputError
from engine.evidence import load_evidence
from engine.model import AuditResult
from engine.pipeline import run_audit
from engine.render.html_report import render_html
from engine.render.pdf_report import render_pdf
from engine.resources import EXAMPLES_DIR

KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
runner = CliRunner()


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n")

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        return


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server on 127.0.0.1 that counts the requests it receives."""
    requests: ClassVar[list[str]] = []
    handler = type("Handler", (_CountingHandler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_the_server_counts_requests(server: tuple[int, list[str]]) -> None:
    port, requests = server
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/probe.png", timeout=5) as response:
        assert response.status == 200
    assert requests == ["/probe.png"]


def payloads(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {
        "img": f'<img src="{base}/x.png">',
        "link": '<link rel="attachment" href="file:///etc/passwd">',
        "css": f"<style>body {{ background: url({base}/bg.png) }}</style>",
        "import": f'<style>@import url("{base}/evil.css");</style>',
        "relative": '<img src="secret.png"><a rel="attachment" href="passwd">x</a>',
        "template": "{{ 7 * 191 }} {% for x in range(3) %}loop{% endfor %}",
    }


def hostile_result(tmp_path: Path, port: int) -> tuple[AuditResult, dict[str, str]]:
    """Kombit's evidence with every payload in text the report prints."""
    hostile = payloads(port)
    evidence = tmp_path / "hostile.yaml"
    text = KOMBIT.read_text(encoding="utf-8")
    joined = " ".join(hostile.values()).replace("'", "''")
    comment = (
        "comment: Covers some products or branches only; internal audit plan and reports reviewed."
    )
    name = "name: Kombit Microfinance S.A."
    assert comment in text
    assert name in text
    text = text.replace(comment, f"comment: '{joined}'", 1)
    text = text.replace(name, f"name: '{hostile['img']}'", 1)
    evidence.write_text(text, encoding="utf-8")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # a relative URL would find it
    (tmp_path / "passwd").write_text("root:x:0:0:secret\n")
    return run_audit(evidence, ["universal-standards"]), hostile


def test_html_fetches_nothing_and_shows_hostile_text_literally(
    tmp_path: Path, server: tuple[int, list[str]]
) -> None:
    port, requests = server
    result, hostile = hostile_result(tmp_path, port)
    html = render_html(result)
    markup = {k: v for k, v in hostile.items() if k != "template"}
    for payload in markup.values():
        assert payload not in html  # never markup
        escaped = (
            payload.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&#34;")
            .replace("'", "&#39;")
        )
        assert escaped in html  # shown, as text
    assert hostile["template"] in html  # evidence is data, never template code
    assert "1337" not in html
    assert "looploop" not in html
    assert requests == []


def test_pdf_fetches_nothing_attaches_nothing_and_shows_hostile_text(
    tmp_path: Path, server: tuple[int, list[str]]
) -> None:
    port, requests = server
    result, hostile = hostile_result(tmp_path, port)
    pdf = render_pdf(result)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert requests == []
    assert b"root:x:0:0" not in pdf
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert hostile["img"] in text
    assert hostile["link"] in text
    assert "url(http://127.0.0.1" in text
    assert "{{ 7 * 191 }}" in text


@pytest.mark.parametrize(
    "path",
    ["../x.pdf", "/etc/passwd", "docs/../../x.pdf", "C:\\Windows\\win.ini", "..\\x.pdf"],
)
def test_document_paths_cannot_escape_the_evidence_folder(tmp_path: Path, path: str) -> None:
    evidence = tmp_path / "e.yaml"
    text = KOMBIT.read_text(encoding="utf-8")
    marker = "documents:\n"
    assert marker in text
    entry = f"  - {{id: ESCAPE, title: Escape, path: '{path}'}}\n"
    evidence.write_text(text.replace(marker, marker + entry, 1), encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_evidence(evidence)
    assert [d.message for d in info.value.diagnostics] == [
        f"document path '{path}' must stay inside the evidence file's folder"
    ]


def test_document_path_inside_the_folder_is_accepted(tmp_path: Path) -> None:
    evidence = tmp_path / "e.yaml"
    text = KOMBIT.read_text(encoding="utf-8")
    entry = "  - {id: INSIDE, title: Inside, path: docs/policy.pdf}\n"
    evidence.write_text(text.replace("documents:\n", "documents:\n" + entry, 1))
    assert "INSIDE" in load_evidence(evidence).documents


@pytest.mark.parametrize("fmt", ["json", "html", "pdf"])
def test_crash_while_rendering_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    from engine.render import RENDERERS

    def crash(self: object, result: AuditResult) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(RENDERERS[fmt], "render", crash)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = runner.invoke(app, ["assess", str(KOMBIT), "-o", str(out_dir / f"r.{fmt}")])
    assert result.exit_code == ExitCode.INTERNAL
    assert "renderer crashed" in result.stderr
    assert list(out_dir.iterdir()) == []


def test_crash_while_writing_keeps_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.json"
    out.write_text("previous report\n")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("engine.output.os.fsync", failing_fsync)
    result = runner.invoke(app, ["assess", str(KOMBIT), "-o", str(out)])
    assert result.exit_code != ExitCode.OK
    assert out.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_evidence_is_never_modified(tmp_path: Path) -> None:
    evidence = tmp_path / "e.yaml"
    shutil.copy(KOMBIT, evidence)
    before = evidence.read_bytes()
    for fmt in ("json", "html"):
        runner.invoke(app, ["assess", str(evidence), "--format", fmt, "-o", str(tmp_path / "r")])
    assert evidence.read_bytes() == before
