"""A content-addressed record of files that passed schema validation, to skip repeating it.

JSON Schema validation of a large rule set costs about a quarter of a second in pure Python.
A file whose exact bytes, schema and engine version already validated cleanly cannot fail again, so
its SHA-256 is remembered in the user's cache folder (`$XDG_CACHE_HOME/spm-audit`, else
`~/.cache/spm-audit`). Any change to the file, the schema or the engine gives a new key. Set
`SPM_AUDIT_NO_CACHE=1` to turn it off; an unwritable cache folder only means no cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from engine.resources import SCHEMAS_DIR


@functools.cache
def _folder() -> Path | None:
    if os.environ.get("SPM_AUDIT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spm-audit" / "validated"


@functools.cache
def _schema_digest(schema: str) -> str:
    from importlib import metadata

    try:
        version = metadata.version("spm-audit")
    except metadata.PackageNotFoundError:  # pragma: no cover - bare checkout
        version = "0"
    data = b"".join(p.read_bytes() for p in sorted(SCHEMAS_DIR.glob("*.schema.json")))
    return hashlib.sha256(data + version.encode() + schema.encode()).hexdigest()


def _marker(schema: str, file_sha256: str) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{_schema_digest(schema)}:{file_sha256}".encode()).hexdigest()
    return folder / key[:2] / key


def is_known_valid(schema: str, file_sha256: str) -> bool:
    """Whether these exact bytes already passed this schema."""
    marker = _marker(schema, file_sha256)
    return marker is not None and marker.exists()


def remember_valid(schema: str, file_sha256: str) -> None:
    """Record that these exact bytes passed this schema (best effort)."""
    marker = _marker(schema, file_sha256)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return
