"""The audience policy reaches every format: nothing confidential, no names, no evidence text in public.

The evidence files are read as data here, independently of the engine, to list what must not leak.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from engine.pipeline import run_audit
from engine.render import RENDERERS
from engine.resources import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
TEXT_FORMATS = ("json", "csv", "html")


def _secrets(example: Path) -> dict[str, set[str]]:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    assessment = data["assessment"]
    names = {a["name"] for a in assessment.get("assessors", [])}
    names |= {str(assessment["approved_by"])} if assessment.get("approved_by") else set()
    comments: set[str] = set()
    for per in data.get("answers", {}).values():
        for answer in per.values():
            if answer.get("answered_by"):
                names.add(answer["answered_by"])
            if len(answer.get("comment", "")) > 25:
                comments.add(" ".join(answer["comment"].split()))
    for per in data.get("overrides", {}).values():
        for override in per.values():
            names.add(override["by"])
            comments.add(" ".join(override["reason"].split()))
    confidential = {d["id"] for d in data.get("documents", []) if d.get("confidential")} | {
        d["title"] for d in data.get("documents", []) if d.get("confidential")
    }
    return {"names": names, "evidence text": comments, "confidential": confidential}


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _readable(fmt: str, data: bytes) -> str:
    """The text a reader of this format sees: entities decoded, JSON strings unquoted, spaces folded."""
    text = data.decode("utf-8-sig")
    if fmt == "html":
        text = html.unescape(text)
    elif fmt == "json":
        text = "\n".join(_strings(json.loads(text)))
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def outputs(request: pytest.FixtureRequest) -> tuple[Path, dict[tuple[str, str], str]]:
    result = run_audit(request.param, ["all"])
    rendered = {
        (fmt, audience): _readable(fmt, RENDERERS[fmt](audience).render(result))
        for fmt in TEXT_FORMATS
        for audience in ("full", "institution", "board", "public")
    }
    return request.param, rendered


def test_public_outputs_hold_no_name_no_evidence_text_and_no_confidential_document(
    outputs: tuple[Path, dict[tuple[str, str], str]],
) -> None:
    example, rendered = outputs
    secrets = _secrets(example)
    assert secrets["names"]
    for fmt in TEXT_FORMATS:
        public = rendered[(fmt, "public")]
        for kind, values in secrets.items():
            leaked = sorted(v for v in values if v in public)
            assert not leaked, f"{example.name} public {fmt} shows {kind}: {leaked[:3]}"


def test_the_board_sees_no_evidence_text_and_no_confidential_document(
    outputs: tuple[Path, dict[tuple[str, str], str]],
) -> None:
    example, rendered = outputs
    secrets = _secrets(example)
    for fmt in TEXT_FORMATS:
        board = rendered[(fmt, "board")]
        for kind in ("evidence text", "confidential"):
            leaked = sorted(v for v in secrets[kind] if v in board)
            assert not leaked, f"{example.name} board {fmt} shows {kind}: {leaked[:3]}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_public_edition_is_at_most_four_pages(example: Path) -> None:
    reader = PdfReader(io.BytesIO(RENDERERS["pdf"]("public").render(run_audit(example, ["all"]))))
    assert 2 <= len(reader.pages) <= 4


def test_the_institution_sees_no_confidential_document(
    outputs: tuple[Path, dict[tuple[str, str], str]],
) -> None:
    example, rendered = outputs
    for fmt in TEXT_FORMATS:
        leaked = sorted(
            v for v in _secrets(example)["confidential"] if v in rendered[(fmt, "institution")]
        )
        assert not leaked, f"{example.name} institution {fmt} shows {leaked}"


def test_full_outputs_show_what_the_others_withhold(
    outputs: tuple[Path, dict[tuple[str, str], str]],
) -> None:
    example, rendered = outputs
    secrets = _secrets(example)
    for fmt in TEXT_FORMATS:
        full = rendered[(fmt, "full")]
        assert any(c in full for c in secrets["evidence text"]), (example.name, fmt)
        if fmt != "csv":  # the CSV names no assessor, only who overrode a result
            assert any(n in full for n in secrets["names"]), (example.name, fmt)
        assert rendered[(fmt, "public")] != full
        assert rendered[(fmt, "institution")] != rendered[(fmt, "public")]


def test_public_pdf_holds_no_name_and_no_confidential_document() -> None:
    example = EXAMPLES_DIR / "kombit-microfinance.yaml"
    result = run_audit(example, ["all"])
    reader = PdfReader(io.BytesIO(RENDERERS["pdf"]("public").render(result)))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    secrets = _secrets(example)
    assert "K-FILES" in secrets["confidential"]
    for kind in ("names", "confidential"):
        leaked = sorted(v for v in secrets[kind] if v in text)
        assert not leaked, f"public PDF shows {kind}: {leaked}"
    assert not [c for c in secrets["evidence text"] if c[:60] in text]


@pytest.mark.parametrize("audience", ["full", "institution", "board", "public"])
def test_every_audience_record_is_valid_against_the_result_schema(audience: str) -> None:
    from jsonschema import Draft202012Validator

    from engine.resources import SCHEMAS_DIR

    schema = json.loads((SCHEMAS_DIR / "result.schema.json").read_text(encoding="utf-8"))
    for example in EXAMPLES:
        record = json.loads(RENDERERS["json"](audience).render(run_audit(example, ["all"])))
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(record)]
        assert not errors, (example.name, errors[:3])
        assert record["audience"] == audience
        assert bool(record["action_plan"]) is (audience != "public")
