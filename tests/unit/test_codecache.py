"""The dataclass methods' compiled code, kept across runs: the same classes, fewer compilations."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import codecache

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("__init__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _define() -> Any:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
        label: str = "p"

    return Point


def _compare(cached: Any, compiled: Any) -> None:
    for name in METHODS:
        a, b = getattr(cached, name), getattr(compiled, name)
        # code compares by bytecode, constants, names and flags (a __future__ flag included)
        assert a.__code__ == b.__code__, name
    assert cached.__repr__.__wrapped__.__code__ == compiled.__repr__.__wrapped__.__code__
    assert cached.__init__.__annotations__ == compiled.__init__.__annotations__
    assert cached.__match_args__ == compiled.__match_args__ == ("x", "tags", "label")
    p, q = cached(1, ("a",)), compiled(1, ("a",))
    assert repr(p).replace(cached.__qualname__, "") == repr(q).replace(compiled.__qualname__, "")
    assert p == cached(1, ("a",))
    assert p != cached(2)
    assert hash(cached(1)) == hash(compiled(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.label  # type: ignore[misc]


def test_classes_from_cached_code_are_those_compiled_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codecache.install()
    assert getattr(dataclasses, "exec", None) is codecache._exec
    monkeypatch.setattr(codecache, "_read", {__name__: {}})  # nothing met before: compiled here
    first = _define()
    assert len(codecache._read[__name__]) >= len(METHODS)
    again = _define()  # from the code kept in this process
    codecache.uninstall()
    try:
        plain = _define()  # compiled by dataclasses itself
    finally:
        codecache.install()
    _compare(first, plain)
    _compare(again, plain)


def test_the_cache_is_not_installed_when_caching_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    codecache.uninstall()
    monkeypatch.setenv("SPM_AUDIT_NO_CACHE", "1")
    try:
        codecache.install()
        assert getattr(dataclasses, "exec", None) is None
    finally:
        monkeypatch.delenv("SPM_AUDIT_NO_CACHE")
        codecache.install()


_REPORT = (
    "import json, sys, engine; from engine import codecache; "
    "json.dump({'compiled': sorted(codecache._compiled), "
    "'ran': sum(len(v) for v in codecache._ran.values())}, sys.stdout)"
)


def _import_engine(cache: Path) -> dict[str, Any]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("SPM_AUDIT_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", _REPORT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_a_second_run_compiles_no_dataclass_method(tmp_path: Path) -> None:
    first = _import_engine(tmp_path)
    assert "engine.model.rules" in first["compiled"]
    assert first["ran"] > 300  # the methods of every class `import engine` defines
    entries = {p.name for p in (tmp_path / "spm-audit" / codecache.KIND).rglob("*")}
    assert {codecache.key(m) for m in first["compiled"]} <= entries
    second = _import_engine(tmp_path)
    assert second == {"compiled": [], "ran": first["ran"]}
    # an entry that cannot be read is as no entry, and is written again
    rules = next((tmp_path / "spm-audit").rglob(codecache.key("engine.model.rules")))
    rules.write_bytes(b"not marshal data")
    assert _import_engine(tmp_path)["compiled"] == ["engine.model.rules"]
    assert _import_engine(tmp_path)["compiled"] == []


def test_no_home_folder_means_no_cache_not_a_crash() -> None:
    """A user with no HOME and no password entry (some containers) still runs spm-audit."""
    script = (
        "import pathlib, sys\n"
        "def nowhere(cls=None): raise RuntimeError('Could not determine home directory')\n"
        "pathlib.Path.home = classmethod(nowhere)\n"
        "import engine\n"
        "from engine import filecache\n"
        "assert filecache.cache_folder('code') is None\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    env.pop("SPM_AUDIT_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
