"""The import contract covers every module, cli.py included (import-linter cannot take a module as a root)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    contract = next(c for c in contracts if c["name"] == "One-way pipeline")
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def _modules() -> list[str]:
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(".".join(parts))
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_every_engine_module_is_in_a_layer() -> None:
    layers = _layers()
    missing = [
        m
        for m in _modules()
        if m != "engine" and not any(m == layer or m.startswith(layer + ".") for layer in layers)
    ]
    assert missing == []


def test_cli_sits_above_every_layer_and_nothing_imports_it() -> None:
    for path in (ROOT / "engine").rglob("*.py"):
        assert "cli" not in _imports(path), path
    engine_imports = {name for name in _imports(ROOT / "cli.py") if name.startswith("engine")}
    layers = _layers()
    unknown = [
        n
        for n in engine_imports
        if n != "engine" and not any(n == x or n.startswith(x + ".") for x in layers)
    ]
    assert engine_imports
    assert unknown == []


def test_no_module_is_over_600_lines() -> None:
    """cli.py, the declarations of every command, may hold 800 (docs/decisions/0002)."""
    limits = {ROOT / "cli.py": 800}
    long = {
        str(path.relative_to(ROOT)): n
        for path in [*(ROOT / "engine").rglob("*.py"), ROOT / "cli.py"]
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > limits.get(path, 600)
    }
    assert long == {}
