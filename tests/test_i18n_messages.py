"""The command line's messages in French and Spanish: --lang, then LC_ALL, LC_MESSAGES, LANG."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine import messages

ROOT = Path(__file__).resolve().parents[1]
KOMBIT = ROOT / "examples" / "kombit-microfinance.yaml"
runner = CliRunner()

# (environment, --lang, the language of the messages)
PRECEDENCE = (
    ({}, None, "en"),
    ({"LANG": "C.UTF-8"}, None, "en"),
    ({"LANG": "fr_FR.UTF-8"}, None, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, None, "es"),
    ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "es_ES", "LC_ALL": "en_GB.UTF-8"}, None, "en"),
    ({"LC_ALL": "de_DE.UTF-8"}, None, "en"),  # not a language spm-audit speaks
    ({"LANG": "fr_FR.UTF-8"}, "es", "es"),  # --lang wins
    ({"LC_ALL": "es_ES.UTF-8"}, "en", "en"),
)


@pytest.mark.parametrize(("environ", "lang", "expected"), PRECEDENCE)
def test_which_language_the_messages_speak(
    environ: dict[str, str], lang: str | None, expected: str
) -> None:
    assert messages.choose(lang, environ) == expected
    messages.choose("en")


def _stderr(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env={"LC_ALL": "", "LC_MESSAGES": "", **env})
    return result.stderr


def test_validate_speaks_the_environment_language() -> None:
    assert "valide (0 avertissement(s))" in _stderr(["validate", str(KOMBIT)], {"LANG": "fr_FR"})
    assert "válido (0 advertencia(s))" in _stderr(["validate", str(KOMBIT)], {"LANG": "es_ES"})
    assert "valid (0 warning(s))" in _stderr(["validate", str(KOMBIT)], {"LANG": "C.UTF-8"})


def test_diagnostics_keep_their_machine_readable_prefix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ninstitution: {name: X, country: HT, wieght: 2}\n")
    said = _stderr(["validate", str(bad)], {"LANG": "es_ES.UTF-8"})
    assert f"{bad}:2:37: error: clave desconocida «wieght»" in said
    assert f"{bad}:1:1: error: falta la clave obligatoria «assessment» [schema]" in said
    assert said.rstrip().endswith("error: 2 problema(s) en los archivos de entrada")


def test_lang_chooses_the_messages_over_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "demo.html"
    said = _stderr(["demo", "--lang", "fr", "-o", str(out)], {"LANG": "es_ES.UTF-8"})
    assert said.strip() == f"{out} écrit (évaluation de kombit-microfinance.yaml)"
    assert '<html lang="fr">' in out.read_text(encoding="utf-8")


def test_the_environment_does_not_change_a_report(tmp_path: Path) -> None:
    """LANG chooses the messages only: a document's language is --lang's, on every machine."""
    french, english = tmp_path / "fr.html", tmp_path / "en.html"
    _stderr(["demo", "-o", str(french)], {"LANG": "fr_FR.UTF-8"})
    _stderr(["demo", "-o", str(english)], {"LANG": "C.UTF-8"})
    assert french.read_bytes() == english.read_bytes()
