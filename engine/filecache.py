"""The user's cache folder: content-addressed entries that only save work, never change a result.

Entries live under `$XDG_CACHE_HOME/spm-audit` (else `~/.cache/spm-audit`), one folder per kind
(`parsed`, `validated`; `code` is `engine.codecache`'s, keyed by the interpreter). Every key of a
parsed or validated entry includes `engine_digest()`: the engine's version, the bytes of every
bundled schema and of the code that reads and checks files, so an upgrade, an edited schema or an
edited parser or checker gives new keys and an old entry is never served. Writes are atomic
(a temporary file and a rename), so a reader sees a whole entry or none; an unreadable or
unwritable folder only means no cache. `SPM_AUDIT_NO_CACHE=1` turns every cache off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from engine.release import __version__
from engine.resources import SCHEMAS_DIR

# The modules whose code decides what a parsed file holds (engine.load, engine.yamlsource) and
# whether it passes its schema (engine.schemacheck, engine.schemaquick).
_READER_MODULES = ("load.py", "yamlsource.py", "schemacheck.py", "schemaquick.py")


def is_enabled() -> bool:
    """Whether caching is on (`SPM_AUDIT_NO_CACHE` unset or empty)."""
    return not os.environ.get("SPM_AUDIT_NO_CACHE")


def cache_folder(kind: str) -> Path | None:
    """The folder of one kind of entry, or None when caching is off."""
    if not is_enabled():
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no HOME and no password entry: no cache
            return None
    return Path(base) / "spm-audit" / kind


@functools.cache
def engine_digest() -> str:
    """SHA-256 of what decides a cached result: engine version, schemas, the file reader's code."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(f"python {sys.version_info[0]}.{sys.version_info[1]}".encode())
    for schema in sorted(SCHEMAS_DIR.glob("*.schema.json")):
        digest.update(schema.name.encode() + b"\0" + schema.read_bytes())
    here = Path(__file__).resolve().parent
    for name in _READER_MODULES:
        source = here / name
        digest.update(name.encode() + b"\0")
        digest.update(source.read_bytes() if source.is_file() else b"(no source)")
    return digest.hexdigest()


def entry_path(kind: str, key: str) -> Path | None:
    """Where the entry for `key` (a hex digest) lives, or None when caching is off."""
    folder = cache_folder(kind)
    return None if folder is None else folder / key[:2] / key


def read_entry(kind: str, key: str) -> bytes | None:
    """The bytes of an entry, or None if there is none or it cannot be read."""
    path = entry_path(kind, key)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_entry(kind: str, key: str, data: bytes) -> None:
    """Store an entry atomically (best effort: a failure only means no cache)."""
    path = entry_path(kind, key)
    if path is None:
        return
    import tempfile  # only when an entry is written: a warm run reads them all

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
