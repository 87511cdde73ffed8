"""A content-addressed record of files that passed schema validation, to skip repeating it.

JSON Schema validation of a large rule set costs about a quarter of a second in pure Python.
A file whose exact bytes, schema and engine version already validated cleanly cannot fail again, so
its SHA-256 is remembered in the user's cache folder (engine.filecache: `$XDG_CACHE_HOME/spm-audit`,
else `~/.cache/spm-audit`). Any change to the file, the schema or the engine gives a new key. Set
`SPM_AUDIT_NO_CACHE=1` to turn it off; an unwritable cache folder only means no cache.
"""

from __future__ import annotations

import hashlib

from engine import filecache

_KIND = "validated"


def _key(schema: str, file_sha256: str) -> str:
    return hashlib.sha256(
        f"{filecache.engine_digest()}:{schema}:{file_sha256}".encode()
    ).hexdigest()


def is_known_valid(schema: str, file_sha256: str) -> bool:
    """Whether these exact bytes already passed this schema."""
    if not filecache.is_enabled():
        return False
    marker = filecache.entry_path(_KIND, _key(schema, file_sha256))
    return marker is not None and marker.exists()


def remember_valid(schema: str, file_sha256: str) -> None:
    """Record that these exact bytes passed this schema (best effort)."""
    if filecache.is_enabled():
        filecache.write_entry(_KIND, _key(schema, file_sha256), b"")
