"""Reports: every example in every format, reproducible bytes, escaped evidence, nothing fetched."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.errors import RenderError
from engine.pipeline import run_audit
from engine.render import RENDERERS, fonts, pdf_layout, renderer_for
from engine.render.html_report import render_html
from engine.render.pdf_report import PdfRenderer, render_pdf
from engine.resources import EXAMPLES_DIR

KOMBIT = EXAMPLES_DIR / "kombit-microfinance.yaml"
HOSTILE = '<img src="file:///etc/passwd"> <script>alert(1)</script> & "q"'


@pytest.fixture(scope="module")
def kombit_result():
    return run_audit(KOMBIT, ["universal-standards"])


@pytest.fixture(scope="module")
def kombit_pdf(kombit_result) -> bytes:
    return render_pdf(kombit_result)


def test_pdf_pages_metadata_and_key_strings(kombit_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(kombit_pdf))
    assert len(reader.pages) > 12
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Social performance assessment — Kombit Microfinance S.A."
    assert meta.author == "Marie Joseph, Daniel Pierre"
    assert str(meta.get("/CreationDate", "")).startswith("D:20260130")
    text = "\n".join(page.extract_text() for page in reader.pages[:4])
    assert "Executive summary" in text
    assert "indicative — not a rating issued by an agency" in text
    assert reader.attachments == {}
    assert [o.title for o in reader.outline if not isinstance(o, list)][:4] == [
        "Opinion",
        "Executive summary",
        "Institutional profile and key figures",
        "Findings — Universal Standards for Social and Environmental Performance Management (modelled)",
    ]


def test_pdf_is_byte_identical_across_renders(kombit_result, kombit_pdf: bytes) -> None:
    assert render_pdf(kombit_result) == kombit_pdf


def test_html_is_reproducible_and_self_contained(kombit_result) -> None:
    html = render_html(kombit_result)
    assert html == render_html(kombit_result)
    assert "http://" not in html.replace("http://www.w3.org", "")  # SVG namespaces only
    assert "<link" not in html
    assert "src=" not in html


@pytest.mark.parametrize("name", sorted(RENDERERS))
@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_renders_in_every_format(example: Path, name: str) -> None:
    data = RENDERERS[name]().render(run_audit(example, ["all"]))
    assert len(data) > 1000
    if name == "pdf":
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) > 12
        assert reader.attachments == {}


def test_hostile_evidence_text_is_escaped_and_nothing_is_fetched_or_attached(
    tmp_path: Path,
) -> None:
    evidence = tmp_path / "hostile.yaml"
    shutil.copy(KOMBIT, evidence)
    text = evidence.read_text()
    text = text.replace("name: Kombit Microfinance S.A.", f"name: '{HOSTILE}'", 1)
    text = text.replace("comment: Confirmed:", f"comment: '{HOSTILE}' Confirmed:", 1)
    evidence.write_text(text)
    result = run_audit(evidence, ["universal-standards"])
    html = render_html(result)
    assert "<img src=" not in html
    assert "<script>" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    pdf = render_pdf(result)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert '<img src="file:///etc/passwd">' in reader.pages[0].extract_text()
    assert b"root:x:0:0" not in pdf


def test_public_audience_shows_no_evidence_text(kombit_result) -> None:
    full = render_html(kombit_result, audience="full")
    public = render_html(kombit_result, audience="public")
    assert "Assessor answered" in full
    assert "Assessor answered" not in public
    assert "K-CREDIT" in full
    assert "K-CREDIT" not in public
    assert "Results" in public
    assert 'id="detail-' not in public


def test_csv_has_one_row_per_indicator_per_framework() -> None:
    import csv

    result = run_audit(KOMBIT, ["universal-standards", "smart-campaign"])
    data = renderer_for("csv", csv_dialect="plain").render(result)
    assert data.startswith(b"\xef\xbb\xbf")
    everything = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    rows = [r for r in everything if r["row"] == "indicator"]
    assert len(rows) == sum(len(f.indicators) for f in result.frameworks) == 225 + 88
    first = rows[0]
    assert (first["framework"], first["id"]) == ("universal-standards", "1.A.1.1")
    overall = [r for r in everything if r["row"] == "framework"]
    assert [(r["id"], r["grade"]) for r in overall] == [
        ("universal-standards", result.frameworks[0].grade.grade),
        ("smart-campaign", ""),
    ]
    assert float(overall[0]["score"]) == float(result.frameworks[0].overall.score)
    assert {r["row"] for r in everything} == {"framework", "node", "gate", "indicator"}
    assert first["status"] in {"pass", "partial", "fail", "not_applicable", "not_assessed"}
    assert data == renderer_for("csv", csv_dialect="plain").render(result)


TANGUT = "\U00017000"  # a letter practically no machine has a font for


def test_a_character_no_font_draws_fails_naming_it_its_position_and_the_fix(
    tmp_path: Path,
) -> None:
    evidence = tmp_path / "tangut.yaml"
    text = KOMBIT.read_text().replace(
        "name: Kombit Microfinance S.A.", f"name: Kombit {TANGUT} Microfinance", 1
    )
    evidence.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if TANGUT in row)
    column = text.splitlines()[line - 1].index(TANGUT) + 1
    result = run_audit(evidence, ["universal-standards"])
    with pytest.raises(RenderError) as raised:
        render_pdf(result)
    message = str(raised.value)
    assert message.startswith(f"{evidence}:{line}:{column}: no installed font can draw ")
    assert f"'{TANGUT}' (U+17000 " in message
    assert "install fonts-noto-core" in message
    assert TANGUT in render_html(result)  # HTML and JSON need no font on this machine


def test_font_coverage_is_read_from_fontconfig() -> None:
    assert fonts.has_fonts()
    assert fonts.missing("Kombit Microfinance S.A. — café, 50 %") == []
    assert fonts.missing(f"a{TANGUT}b{TANGUT}") == [TANGUT]
    assert (
        fonts.hint(["中"])
        == "install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk)"
    )
    assert "Latin" not in fonts.uncovered_scripts()


def test_the_layout_worker_gives_the_same_bytes_as_rendering_here(
    kombit_result, kombit_pdf: bytes
) -> None:
    renderer = PdfRenderer()
    renderer.start()
    assert renderer.render(kombit_result) == kombit_pdf
    renderer.close()


def test_a_started_worker_that_is_never_used_is_stopped() -> None:
    renderer = PdfRenderer()
    renderer.start()
    worker = renderer._worker
    assert worker is not None
    renderer.close()
    assert not worker._process.is_alive()
    assert renderer._worker is None


def test_a_failure_in_the_worker_reaches_the_caller_as_a_render_error(
    kombit_result, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str, day: str) -> bytes:
        raise RenderError("Pango is missing")

    monkeypatch.setattr(pdf_layout, "layout", broken)  # the forked worker inherits it
    worker = pdf_layout.LayoutWorker()
    with pytest.raises(RenderError, match="Pango is missing"):
        render_pdf(kombit_result, worker=worker)


def test_the_worker_imports_weasyprint_with_no_compiler_on_path_then_restores_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str | None] = []

    def importing() -> tuple[object, object]:
        seen.append(os.environ.get("PATH"))
        print("WeasyPrint could not import some external libraries")  # as WeasyPrint does
        raise RenderError("no Pango")

    monkeypatch.setattr(pdf_layout.sys, "platform", "linux")
    monkeypatch.delitem(pdf_layout.sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(pdf_layout, "weasyprint_module", importing)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    pdf_layout._import_without_compilers()  # a failure is left to the usual import
    assert seen == [os.devnull]
    assert os.environ["PATH"] == "/usr/bin:/bin"
    assert capsys.readouterr().out == ""
    monkeypatch.delenv("PATH")
    pdf_layout._import_without_compilers()
    assert seen == [os.devnull, os.devnull]
    assert "PATH" not in os.environ


def test_a_weasyprint_already_imported_is_not_imported_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def importing() -> tuple[object, object]:
        raise AssertionError("imported again")

    monkeypatch.setitem(pdf_layout.sys.modules, "weasyprint", pdf_layout)
    monkeypatch.setattr(pdf_layout, "weasyprint_module", importing)
    pdf_layout._import_without_compilers()


def test_weasyprint_imported_without_compilers_lays_out_the_same_pdf(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from engine.render import pdf_layout\n"
        "path = os.environ['PATH']\n"
        "pdf_layout._import_without_compilers()\n"
        "assert 'weasyprint' in sys.modules and os.environ['PATH'] == path\n"
        "html = '<p>Kombit Microfinance · 2026</p>'\n"
        "sys.stdout.buffer.write(pdf_layout.layout(html, '2026-03-31'))\n"
    )
    quick = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    assert quick.startswith(b"%PDF")
    assert quick == pdf_layout.layout("<p>Kombit Microfinance · 2026</p>", "2026-03-31")


def test_report_sections_come_in_the_order_of_design_section_7() -> None:
    html = render_html(run_audit(KOMBIT, ["all"]))
    # The opinion first (issue 10), then design §7: summary with charts, the action plan's
    # roadmap, findings, the detail, gaps; the full action list is an annex (issue 10).
    order = [
        'id="opinion"',
        'id="summary"',
        'id="goals"',
        'id="roadmap"',
        'id="profile"',
        'id="findings-smart-campaign"',
        'id="findings-universal-standards"',
        'id="detail-smart-campaign"',
        'id="plan"',
        'id="gaps"',
        'id="pathway"',
        'id="method"',
        'id="signoff"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert html.count('class="ind ') > 390  # every indicator has its entry in the detail


def test_html_pdf_and_csv_agree_on_every_indicator() -> None:
    import csv
    import html as html_lib
    import re

    result = run_audit(KOMBIT, ["all"])
    rows = [
        r
        for r in csv.DictReader(
            io.StringIO(renderer_for("csv", csv_dialect="plain").render(result).decode("utf-8-sig"))
        )
        if r["row"] == "indicator"
    ]
    page = render_html(result)
    entries = {}
    for framework in re.findall(r'<h1 id="detail-([a-z-]+)"', page):
        section = page.split(f'<h1 id="detail-{framework}"')[1].split("<h1 ")[0]
        for status, ident, line in re.findall(
            r'<div class="ind ([a-z_]+)"><p class="t">(\S+) .*?</p>\n<p class="x">([^<]*)', section
        ):
            entries[(framework, ident)] = (status, html_lib.unescape(line))
    # The example holds Green Index answers: its 78 questions are detailed like the rest.
    assert "Not assessed, the evidence holding nothing for them" not in page
    assert len(entries) == len(rows) == 391 + 78  # 225 + 88 + 78
    labels = {"pass": "Met", "partial": "Partly met", "fail": "Not met"}
    labels |= {"not_applicable": "Not applicable", "not_assessed": "Not assessed"}
    for row in rows:
        status, line = entries[(row["framework"], row["id"])]
        assert status == row["status"], row["id"]
        score = "—" if row["score"] == "" else f"{float(row['score']) * 100:.0f}\xa0%"
        assert line.startswith(f"{labels[status]} · {score} · w"), (row["id"], line)
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(result))).pages)
    assert all(f"{row['id']} " in pdf_text for row in rows)


def test_institution_audience_never_names_a_confidential_document(kombit_result) -> None:
    full = render_html(kombit_result, audience="full")
    institution = render_html(kombit_result, audience="institution")
    assert "K-FILES" in full  # the loan-file sample, confidential in the evidence
    assert "K-FILES" not in institution
    assert "K-CREDIT" in institution


def test_the_detail_cites_the_documents_a_finding_rests_on(kombit_result) -> None:
    detail = render_html(kombit_result).split('id="detail-universal-standards"')[1]
    entry = detail.split('<p class="t">4.A.1.1 ')[1].split("</div>")[0]
    assert "Partly met" in entry
    assert "Documents: K-CREDIT p. 21-23; K-FILES." in entry


def test_streams_are_deflated_at_level_6_to_the_same_content(kombit_pdf: bytes) -> None:
    import zlib

    import pydyf

    content = b"\n".join([b"BT /F1 8 Tf (Page 1 of 9) Tj ET"] * 50)
    stream = pydyf.Stream([b"BT /F1 8 Tf (Page 1 of 9) Tj ET"] * 50, compress=True)
    slow = stream.data
    stream.__class__ = pdf_layout._quick_stream(pydyf.Stream)
    quick = stream.data
    assert quick != slow  # other bytes ...
    body = quick.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(body) == content  # ... of the same content
    assert f"/Length {len(body)}".encode() in quick
    page = PdfReader(io.BytesIO(kombit_pdf)).pages[3]["/Contents"].get_object()
    raw = page._data  # the report's own page content, as written
    assert raw == zlib.compress(zlib.decompress(raw), 6)
    assert raw != zlib.compress(zlib.decompress(raw), 9)


def test_compiled_templates_are_cached_and_render_the_same_html(
    kombit_result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.render import html_report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("SPM_AUDIT_NO_CACHE", "1")
    html_report.environment.cache_clear()
    uncached = render_html(kombit_result)
    assert not (tmp_path / "spm-audit").exists()
    monkeypatch.delenv("SPM_AUDIT_NO_CACHE")
    html_report.environment.cache_clear()
    assert render_html(kombit_result) == uncached  # compiled, then kept
    entries = [p for p in (tmp_path / "spm-audit" / "templates").rglob("*") if p.is_file()]
    assert len(entries) >= 4  # report, base, sections, finding
    html_report.environment.cache_clear()

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    with monkeypatch.context() as patch:
        patch.setattr(html_report.environment(), "compile", compile_again)
        assert render_html(kombit_result) == uncached  # read back from the cache
    for garbage in (b"not a compiled template", entries[0].read_bytes()[:16]):  # torn
        for entry in entries:
            entry.write_bytes(garbage)
        html_report.environment.cache_clear()
        assert render_html(kombit_result) == uncached  # an unsound entry is compiled again
        assert all(p.read_bytes() != garbage for p in entries)
    html_report.environment.cache_clear()


def test_the_layout_runs_without_the_cycle_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    seen: list[bool] = []
    real = pdf_layout.html_document

    def spy(html: str, fetcher: object) -> object:
        seen.append(gc.isenabled())
        return real(html, fetcher)

    monkeypatch.setattr(pdf_layout, "html_document", spy)
    page = "<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"
    assert gc.isenabled()
    assert pdf_layout.layout(page, "2025-03-31").startswith(b"%PDF")
    assert seen == [False]
    assert gc.isenabled()  # on again after
    gc.disable()
    try:
        pdf_layout.layout(page, "2025-03-31")
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
