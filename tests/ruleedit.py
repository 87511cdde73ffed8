"""Edit copies of rule files by indicator id, as a standard body would by hand (for tests)."""

from __future__ import annotations

import re
from pathlib import Path


def _block(lines: list[str], indicator_id: str) -> tuple[int, int, int]:
    """(first line, line after the block, indentation of the '- id:' dash) of an indicator."""
    pattern = re.compile(rf'^(\s*)- id: "?{re.escape(indicator_id)}"?\s*$')
    for start, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            indent = len(match.group(1))
            end = start + 1
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
            ):
                end += 1
            return start, end, indent
    raise KeyError(indicator_id)


def find_part(folder: Path, indicator_id: str) -> Path:
    """The part file of a rule set folder that holds an indicator."""
    for part in sorted(folder.glob("*.yaml")):
        try:
            _block(part.read_text(encoding="utf-8").splitlines(), indicator_id)
        except KeyError:
            continue
        return part
    raise KeyError(indicator_id)


def edit_indicator(folder: Path, indicator_id: str, *, key: str, value: str | None) -> None:
    """Set (or, with None, delete) a top-level key of an indicator."""
    part = find_part(folder, indicator_id)
    lines = part.read_text(encoding="utf-8").splitlines()
    start, end, indent = _block(lines, indicator_id)
    pad = " " * (indent + 2)
    for i in range(start + 1, end):
        if lines[i].startswith(f"{pad}{key}:"):
            stop = i + 1
            while stop < end and len(lines[stop]) - len(lines[stop].lstrip()) > indent + 2:
                stop += 1
            lines[i:stop] = [] if value is None else [f"{pad}{key}: {value}"]
            break
    else:
        if value is not None:
            lines.insert(start + 1, f"{pad}{key}: {value}")
    part.write_text("\n".join(lines) + "\n", encoding="utf-8")


def remove_indicator(folder: Path, indicator_id: str) -> None:
    """Delete an indicator's block."""
    part = find_part(folder, indicator_id)
    lines = part.read_text(encoding="utf-8").splitlines()
    start, end, _ = _block(lines, indicator_id)
    del lines[start:end]
    part.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rename_indicator(folder: Path, old: str, new: str) -> None:
    """Give an indicator a new id (nothing else changes)."""
    part = find_part(folder, old)
    lines = part.read_text(encoding="utf-8").splitlines()
    start, _, indent = _block(lines, old)
    lines[start] = f'{" " * indent}- id: "{new}"'
    part.write_text("\n".join(lines) + "\n", encoding="utf-8")
