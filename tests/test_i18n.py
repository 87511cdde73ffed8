"""The report in French and Spanish: catalogues, --lang, locale formats, rule-set texts, fallback."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import app
from engine import i18n
from engine.lint import translation_coverage
from engine.model import Status
from engine.pipeline import demo_evidence, run_audit
from engine.render.html_report import render_html
from engine.render.pdf_report import render_pdf
from engine.report.build import build_report
from engine.rulesets import bundled_frameworks, load_rule_set

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# The report's section titles and fixed labels, in English: none may be left in a translated report.
ENGLISH_TITLES = (
    "Executive summary",
    "Opinion and red flags",
    "Social goals: targets and results",
    "Institutional profile and key figures",
    "Annex A. Action plan",
    "Annex B. Evidence gaps, N/A and overrides",
    "Annex C. Social performance pathway",
    "Annex D. Methodology, scope and sources",
    "Annex E. Evidence trail of the findings",
    "Sign-off",
    "Detailed results",
    "Red flags",
    "Reporting period",
    "Assessed on",
    "How the scores are computed",
    "Documents reviewed",
    "Partly met",
    "Not assessed",
    "points lost",
    "Recommendation.",
)
TRANSLATED_TITLES = {
    "fr": ("Synthèse", "Annexe A. Plan d'action", "Signaux d'alerte", "Partiellement atteint"),
    "es": (
        "Resumen ejecutivo",
        "Anexo A. Plan de acción",
        "Señales de alerta",
        "Cumplido en parte",
    ),
}
ASSESSED_ON = {"en": "2026-01-30", "fr": "30 janvier 2026", "es": "30 de enero de 2026"}


@pytest.fixture(scope="module")
def demo_result():
    return run_audit(demo_evidence(), ["all"])


def _without_translations(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_translations(v) for k, v in data.items() if k != "translations"}
    if isinstance(data, list):
        return [_without_translations(v) for v in data]
    return data


@pytest.fixture(scope="module")
def untranslated_rule_set(tmp_path_factory) -> Path:
    """A copy of the Universal Standards rule set in English only: every bundled rule set is
    translated, so the fallback to English is tested on this copy."""
    source = bundled_frameworks()["universal-standards"]
    folder = tmp_path_factory.mktemp("untranslated") / "universal_standards"
    folder.mkdir()
    for part in sorted(source.glob("*.yaml")):
        data = _without_translations(yaml.safe_load(part.read_text("utf-8")))
        if part.name == "ruleset.yaml":
            data["languages"] = ["en"]  # type: ignore[index]
        (folder / part.name).write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return folder


def _text(html: str) -> str:
    """The visible text of a report (no CSS, no charts), entities resolved."""
    import html as entities

    html = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    text = entities.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_demo_html_in_french_and_spanish(demo_result, language: str) -> None:
    html = render_html(demo_result, language=language)
    assert f'<html lang="{language}">' in html
    text = _text(html)
    for english in ENGLISH_TITLES:
        assert english not in text, english
    for title in TRANSLATED_TITLES[language]:
        assert title in text
    # the cover's date, written for the locale (the engine's own explanations keep ISO dates)
    label = {"fr": "Évaluée le", "es": "Evaluada el"}[language]
    assert f"{label} {ASSESSED_ON[language]}" in text
    # decimals with a comma and a space before the percent sign ("w 1,28 %")
    assert re.search(r"w \d+,\d\d %", text)
    assert not re.search(r"w \d+\.\d\d %", text)


def test_english_is_the_default_and_unchanged(demo_result) -> None:
    english = render_html(demo_result)
    assert english == render_html(demo_result, language="en")
    assert '<html lang="en">' in english
    text = _text(english)
    assert "Executive summary" in text
    assert ASSESSED_ON["en"] in text
    assert re.search(r"w \d+\.\d\d %", text)


def test_green_index_texts_come_from_the_rule_set(demo_result) -> None:
    report = build_report(demo_result, language="fr")
    green = next(f for f in report.frameworks if f.id == "green-index")
    card = next(i for i in green.findings if i.id == "GI.0.1.1" or i.finding)
    indicator = next(
        si.result.indicator
        for fr in demo_result.frameworks
        if fr.ruleset.id == "green-index"
        for si in fr.indicators
        if si.result.indicator.id == card.id
    )
    french = indicator.translations["fr"]
    assert card.title == french["title"]
    expected = french["partial_finding"] if card.status is Status.PARTIAL else french["finding"]
    assert card.finding == expected
    assert card.recommendation == french["recommendation"]
    assert card.recommendation != indicator.recommendation


def test_untranslated_rule_text_falls_back_to_english(untranslated_rule_set: Path) -> None:
    result = run_audit(demo_evidence(), [str(untranslated_rule_set)])
    report = build_report(result, language="es")
    untranslated = next(f for f in report.frameworks if f.id == "universal-standards")
    english = {
        si.result.indicator.id: si.result.indicator
        for fr in result.frameworks
        if fr.ruleset.id == "universal-standards"
        for si in fr.indicators
    }
    finding = untranslated.findings[0]
    assert finding.title == english[finding.id].title
    assert finding.finding == english[finding.id].finding_for(finding.status)
    assert finding.status_label in ("No cumplido", "Cumplido en parte")


def test_partial_translation_keeps_english_for_the_rest(demo_result) -> None:
    indicator = demo_result.frameworks[0].indicators[0].result.indicator
    only_title = replace(indicator, translations={"fr": {"title": "Titre seul"}})
    french = only_title.in_language("fr")
    assert french.title == "Titre seul"
    assert french.finding == indicator.finding
    assert french.recommendation == indicator.recommendation
    assert only_title.in_language("es") is only_title


def test_a_text_missing_from_the_catalogue_prints_in_english() -> None:
    with i18n.use_language("fr"):
        assert i18n.gettext("Executive summary") == "Synthèse"
        assert i18n.gettext("A sentence no catalogue holds.") == "A sentence no catalogue holds."
        assert i18n.ngettext("one thing", "{n} things", 3) == "{n} things"
    with i18n.use_language("de"):  # not a language of the report: English
        assert i18n.current_language() == "en"
        assert i18n.gettext("Executive summary") == "Executive summary"


def test_locale_formats() -> None:
    with i18n.use_language("fr"):
        assert i18n.number(93.333, 1) == "93,3"
        assert i18n.date_text("2026-01-30") == "30 janvier 2026"
        assert i18n.date_text("not a date") == "not a date"
    with i18n.use_language("es"):
        assert i18n.number(93.333, 1) == "93,3"
        assert i18n.date_text("2026-01-30") == "30 de enero de 2026"
    assert i18n.number(93.333, 1) == "93.3"
    assert i18n.date_text("2026-01-30") == "2026-01-30"


def test_catalogues_hold_every_fixed_text_translated() -> None:
    done = subprocess.run(
        [sys.executable, "bench/catalogues.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"fr: (\d+) of \1 fixed texts translated", done.stdout)
    assert re.search(r"es: (\d+) of \1 fixed texts translated", done.stdout)
    for language in ("fr", "es"):
        head = i18n.catalogue_path(language).read_text("utf-8")[:400]
        assert "not an official translation" in head


def test_translation_coverage_per_rule_set(untranslated_rule_set: Path) -> None:
    for framework in ("green-index", "smart-campaign", "universal-standards"):
        translated = load_rule_set(bundled_frameworks()[framework])
        assert translation_coverage(translated) == {"fr": (0, 0), "es": (0, 0)}
    usspm = load_rule_set(untranslated_rule_set)
    count = len(usspm.indicators())
    assert count == 225
    assert translation_coverage(usspm) == {"fr": (count, count), "es": (count, count)}


def test_lang_option_and_its_refusal(tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    done = runner.invoke(app, ["assess", str(demo_evidence()), "--lang", "fr", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert '<html lang="fr">' in out.read_text("utf-8")
    refused = runner.invoke(app, ["assess", str(demo_evidence()), "--lang", "de", "-o", str(out)])
    assert refused.exit_code == 2
    assert "--lang de" in refused.output
    json_out = tmp_path / "r.json"
    neutral = runner.invoke(
        app, ["assess", str(demo_evidence()), "--lang", "fr", "-o", str(json_out)]
    )
    assert neutral.exit_code == 0
    assert "Partiellement atteint" not in json_out.read_text("utf-8")


@pytest.mark.parametrize("language", ["fr", "es"])
def test_demo_pdf_in_french_and_spanish(demo_result, language: str) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(demo_result, language=language)))
    assert len(reader.pages) > 20
    text = "\n".join(page.extract_text() for page in reader.pages[:6])
    assert TRANSLATED_TITLES[language][0] in text
    assert "Executive summary" not in text
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert outline[:2] == (
        ["Opinion", "Synthèse"] if language == "fr" else ["Opinión", "Resumen ejecutivo"]
    )
