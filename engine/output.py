"""Writing reports: atomically, and never over an input file."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from engine.errors import UsageError


def _file_mode() -> int:
    """The mode a new file gets here (0o666 less the umask): mkstemp's 0o600 is for secrets."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    A crash leaves either the old file or the new one, never half of one.

    Raises:
        UsageError: `path` is one of the inputs, or its folder does not exist.
    """
    target = path.resolve()
    for source in inputs:
        if source.exists() and target == source.resolve():
            raise UsageError(f"refusing to write the report over an input file: {path}")
    if target.is_dir():
        raise UsageError(f"output path is a directory: {path}")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"output folder does not exist: {folder}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_bytes(data: object) -> bytes:
    """Plain data as UTF-8 JSON: sorted keys, two-space indent, a final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
