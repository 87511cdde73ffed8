"""The bundled JSON Schemas, written beside a user's files so that editors complete and check them.

Files spm-audit writes for people to edit (the questionnaire template, imported evidence) start
with a `# yaml-language-server: $schema=.spm-audit/evidence.schema.json` line. The path is
relative to the file, so the line keeps working when the folder is moved or copied with its
`.spm-audit/` folder; `install(folder)` (the `spm-audit schemas install` command) writes the
schemas there, for a file copied anywhere else. The bundled examples have the same line, their
`.spm-audit` being a link to `schemas/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from engine.errors import UsageError
from engine.output import write_atomically
from engine.resources import SCHEMAS_DIR

SCHEMA_FOLDER = ".spm-audit"


def schema_line(kind: str = "evidence") -> str:
    """The editor line that gives a file of `kind` ('evidence', 'ruleset', …) its schema."""
    return f"# yaml-language-server: $schema={SCHEMA_FOLDER}/{kind}.schema.json"


def bundled_schemas() -> Iterator[Path]:
    """Every bundled schema file, in name order."""
    yield from sorted(SCHEMAS_DIR.glob("*.schema.json"))


def install(folder: Path) -> list[Path]:
    """Write the bundled schemas into `folder/.spm-audit/`; return the files written or refreshed.

    A schema already there with the same content is left alone, so that running it twice writes
    nothing; one that differs (an older spm-audit's) is replaced.

    Raises:
        UsageError: `folder` does not exist.
    """
    if not folder.is_dir():
        raise UsageError(f"folder does not exist: {folder}")
    target = folder / SCHEMA_FOLDER
    target.mkdir(exist_ok=True)
    written = []
    for schema in bundled_schemas():
        data = schema.read_bytes()
        there = target / schema.name
        if there.is_file() and there.read_bytes() == data:
            continue
        write_atomically(there, data)
        written.append(there)
    return written
