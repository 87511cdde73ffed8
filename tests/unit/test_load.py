from pathlib import Path

import pytest

from engine import load
from engine.errors import InvalidInputError


def first_message(path: Path) -> str:
    with pytest.raises(InvalidInputError) as info:
        load.load_file(path, name="f.yaml")
    return str(info.value.diagnostics[0])


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("a: 12345678901\n")
    assert (
        first_message(path) == "f.yaml:1:1: error: file is 15 bytes, over the limit of 10 [limit]"
    )


def test_invalid_utf8_has_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    assert first_message(path) == "f.yaml:2:7: error: not valid UTF-8 (byte 0xe9) [encoding]"


def test_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load.load_file(path).document.data == {"a": 1}


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("  \n")
    assert first_message(path) == "f.yaml:1:1: error: file is empty [input]"


def test_missing_file(tmp_path: Path) -> None:
    assert first_message(tmp_path / "nope.yaml") == "f.yaml:1:1: error: file not found [io]"


def test_json_tabs_between_tokens_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text('{\n\t"a": [1,\t2]\n}')
    loaded = load.load_file(path)
    assert loaded.document.data == {"a": [1, 2]}
    assert len(loaded.sha256) == 64
