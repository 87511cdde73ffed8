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


RULE_FILE = """\
ruleset: r
nodes:
  - id: "1"
    title: One
    indicators:
      - id: "1.1"
        title: First
        check: {all: [{path: a.b, eq: true}, {exists: a.c}]}
        examples:
          pass: {facts: {a: {b: true}}}
        translations: {fr: {title: Premier}}
"""


def test_a_cached_parse_gives_the_same_data_and_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SPM_AUDIT_NO_CACHE", raising=False)
    path = tmp_path / "part.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    parsed = load.load_file(path, name="part.yaml", cache=True).document
    assert list((tmp_path / "cache" / "spm-audit" / "parsed").glob("*/*"))
    cached = load.load_file(path, name="part.yaml", cache=True).document
    assert cached.data == parsed.data
    assert cached.text == parsed.text
    indicator = ("nodes", 0, "indicators", 0)
    # what a clean build asks for is read at once; the rest only when a path is missing from it
    for key in [(), (*indicator, "id"), indicator, (*indicator, "examples", "pass")]:
        assert cached.position_of(key) == parsed.position_of(key)
    title = (*indicator, "translations", "fr", "title")
    assert title not in getattr(cached.positions, "packed", {})
    assert str(cached.position_of(title)) == "part.yaml:11:29"
    assert str(cached.position_of((*indicator, "check", "nope"))) == "part.yaml:8:9"
    assert list(cached.positions.items()) == list(parsed.positions.items())


@pytest.mark.parametrize("where", ["start", "end"])
def test_a_damaged_cache_entry_never_changes_data_or_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SPM_AUDIT_NO_CACHE", raising=False)
    path = tmp_path / "part.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    parsed = load.load_file(path, name="part.yaml", cache=True).document
    [entry] = (tmp_path / "cache" / "spm-audit" / "parsed").glob("*/*")
    damaged = bytearray(entry.read_bytes())
    damaged[60 if where == "start" else -3] ^= 0xFF  # in the data, or in the rest of the positions
    entry.write_bytes(bytes(damaged))
    cached = load.load_file(path, name="part.yaml", cache=True).document
    assert cached.data == parsed.data
    title = ("nodes", 0, "indicators", 0, "translations", "fr", "title")
    assert str(cached.position_of(title)) == "part.yaml:11:29"
    assert list(cached.positions.items()) == list(parsed.positions.items())


@pytest.mark.parametrize("module", ["yamlsource.py", "schemaquick.py", "schemacheck.py"])
def test_an_edited_reader_or_schema_checker_gives_every_cache_new_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    from engine import filecache

    engine_dir = Path(filecache.__file__).resolve().parent
    for name in ("load.py", "yamlsource.py", "schemacheck.py", "schemaquick.py"):
        (tmp_path / name).write_bytes((engine_dir / name).read_bytes())
    monkeypatch.setattr(filecache, "__file__", str(tmp_path / "filecache.py"))
    digest = filecache.engine_digest.__wrapped__
    before = digest()
    assert digest() == before
    with (tmp_path / module).open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    assert digest() != before
