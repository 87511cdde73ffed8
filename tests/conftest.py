"""Shared fixtures: paths to test assets and small builders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def asset(*parts: str) -> Path:
    """A path below tests/fixtures."""
    return FIXTURES.joinpath(*parts)


@pytest.fixture
def mini_rules() -> Path:
    """A small rule set exercising every method, a gate, a grade scale and a cap."""
    return asset("mini")


@pytest.fixture
def write(tmp_path: Path):
    """Write text to a file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/golden/*/ outputs"
    )


@pytest.fixture(scope="session")
def browser():
    """Headless chromium (Debian package `chromium`; `make system-deps` installs it)."""
    from browser import Browser, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "chromium is not installed: run `make system-deps` (or apt-get install chromium)"
        )
    return Browser(executable)


@pytest.fixture(scope="session")
def yaml_server():
    """The YAML language server over stdio (npm package; `make lsp-deps` installs it)."""
    from lsp import YamlLanguageServer, find_server

    command = find_server()
    if command is None:
        pytest.fail(
            "yaml-language-server is not installed: run `make lsp-deps` (needs node and npm)"
        )
    with YamlLanguageServer(command) as server:
        yield server
