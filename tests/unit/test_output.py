"""Writing outputs: atomically, with the mode the user's umask gives."""

from __future__ import annotations

import os
from pathlib import Path

from engine.output import write_atomically


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomically(tmp_path / "private.json", b"{}\n")
    finally:
        os.umask(old)
    write_atomically(tmp_path / "shared.json", b"{}\n")
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "shared.json").stat().st_mode & 0o777 == 0o666 & ~old
