"""Reports: every example in every format, reproducible bytes, escaped evidence, nothing fetched."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.pipeline import run_audit
from engine.render import RENDERERS
from engine.render.html_report import render_html
from engine.render.pdf_report import render_pdf
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
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == [
        "Executive summary",
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
    assert "Executive summary" in public


def test_csv_has_one_row_per_indicator_per_framework() -> None:
    import csv

    result = run_audit(KOMBIT, ["universal-standards", "smart-campaign"])
    data = RENDERERS["csv"]().render(result)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 226 + 87
    first = rows[0]
    assert (first["framework"], first["indicator"]) == ("universal-standards", "1.A.1.1")
    assert first["status"] in {"pass", "partial", "fail", "not_applicable", "not_assessed"}
    assert data == RENDERERS["csv"]().render(result)
