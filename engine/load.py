"""Stage 1, load: a path → a :class:`YamlDocument` and the SHA-256 of its bytes.

Enforces the size limit and the encoding (UTF-8, an optional byte-order mark is dropped), and reads
JSON through the same position-keeping parser as YAML. The path `-` (`STDIN`) reads standard input,
named `<stdin>` in diagnostics.

Rule files (`cache=True`) are parsed once per content: the data and packed positions of a file that
parsed cleanly are kept in the cache folder (engine.filecache) as `marshal` bytes, keyed by the
file's SHA-256, its kind (YAML or JSON) and the engine digest, and read back in a few milliseconds
instead of a YAML parse. An entry whose checksum, key or shape does not match is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import marshal
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from engine import filecache
from engine.errors import Diagnostic, InvalidInputError, Position
from engine.yamlsource import PathKey, Positions, YamlDocument, parse_yaml

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
STDIN = Path("-")
STDIN_NAME = "<stdin>"
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One input file: its parsed document, display name and content hash."""

    path: Path
    document: YamlDocument
    sha256: str


def display_name(path: Path) -> str:
    """The name used in diagnostics: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path, *, name: str | None = None, cache: bool = False) -> LoadedFile:
    """Read and parse one YAML or JSON file.

    Args:
        path: the file, or `STDIN`.
        name: how diagnostics name it (default: relative to the working directory).
        cache: keep and reuse its parse in the cache folder (rule files: evidence stays private).
    """
    if path == STDIN:
        return _load_stdin(name or STDIN_NAME)
    shown = name or display_name(path)
    start = Position(shown, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInputError([_too_big(start, size)])
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise InvalidInputError([Diagnostic(start, "file not found", code="io")]) from e
    except IsADirectoryError as e:
        raise InvalidInputError(
            [Diagnostic(start, "is a directory, expected a file", code="io")]
        ) from e
    except OSError as e:
        raise InvalidInputError(
            [Diagnostic(start, f"cannot read file: {e.strerror}", code="io")]
        ) from e
    logger.debug("loaded %s (%d bytes)", shown, len(raw))
    sha256 = hashlib.sha256(raw).hexdigest()
    is_json = path.suffix.lower() == ".json"
    if not cache:
        return LoadedFile(path, parse_text(raw, shown, is_json=is_json), sha256)
    key = _cache_key(sha256, is_json)
    document = _cached_document(key, sha256, raw, shown, is_json)
    if document is None:
        document = parse_text(raw, shown, is_json=is_json)
        _remember_document(key, sha256, document)
    return LoadedFile(path, document, sha256)


def _too_big(start: Position, size: int) -> Diagnostic:
    return Diagnostic(
        start, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}", code="limit"
    )


def _load_stdin(shown: str) -> LoadedFile:
    """Standard input as a file: YAML, or JSON when it starts with `{`; never cached."""
    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError(
            [_too_big(Position(shown, 1, 1), len(raw) + len(sys.stdin.buffer.read()))]
        )
    is_json = raw.lstrip()[:1] == b"{"
    return LoadedFile(
        STDIN, parse_text(raw, shown, is_json=is_json), hashlib.sha256(raw).hexdigest()
    )


_CACHE_KIND = "parsed"
_ENTRY_MAGIC = b"spm-audit parsed 2\n"


def _cache_key(sha256: str, is_json: bool) -> str:
    kind = "json" if is_json else "yaml"
    return hashlib.sha256(f"{filecache.engine_digest()}:{kind}:{sha256}".encode()).hexdigest()


def _remember_document(key: str, sha256: str, document: YamlDocument) -> None:
    if not filecache.is_enabled() or not isinstance(document.positions, Positions):
        return
    # the parser builds only dicts, lists, strings, numbers, booleans and None: all marshallable
    every = document.positions.every()
    hot = {key: value for key, value in every.items() if _is_hot(key)}
    main = marshal.dumps(cast(Any, (sha256, document.data, hot)))
    rest = marshal.dumps(cast(Any, every))
    entry = b"".join(
        (_ENTRY_MAGIC, _crc(main), len(main).to_bytes(8, "big"), main, _crc(rest), rest)
    )
    filecache.write_entry(_CACHE_KIND, key, entry)


def _crc(payload: bytes | memoryview) -> bytes:
    return zlib.crc32(payload).to_bytes(4, "big")


def _cached_document(
    key: str, sha256: str, raw: bytes, name: str, is_json: bool
) -> YamlDocument | None:
    """The cached parse of these bytes, or None when there is no sound entry.

    An entry is its magic line, then the checksum, length and marshal bytes of (SHA-256, data,
    the positions a build asks for), then the checksum and marshal bytes of every position: those
    are checked and read only when a path the first ones lack is asked for.
    """
    entry = filecache.read_entry(_CACHE_KIND, key)
    if entry is None or not entry.startswith(_ENTRY_MAGIC):
        return None
    view = memoryview(entry)
    start = len(_ENTRY_MAGIC) + 12
    end = start + int.from_bytes(view[start - 8 : start], "big")
    main, rest = view[start:end], view[end:]
    if len(rest) < 4 or _crc(main) != view[start - 12 : start - 8]:
        return None
    try:
        # NOTE: the entry was written by this program into the user's own cache folder and its
        # checksum matched; marshal builds plain data (it runs no code, unlike pickle).
        stored_sha, data, hot = marshal.loads(main)  # noqa: S302
    except (EOFError, ValueError, TypeError):
        return None
    if stored_sha != sha256 or not isinstance(hot, dict) or () not in hot:
        return None
    every = functools.partial(_every_position, rest, raw, name, is_json)
    text = functools.partial(_source_text, raw, is_json)
    return YamlDocument(name, data, Positions(name, hot, every), text)


# The lists whose items' positions a clean build of a rule set keeps (nodes, indicators, examples,
# mappings, changelog entries, gates, evidence checks): with every `id`, about 4,000 of the bundled
# rule files' 32,000 positions.
_KEPT_ITEMS = frozenset(
    [
        "nodes",
        "children",
        "indicators",
        "examples",
        "mappings",
        "changelog",
        "changes",
        "checks",
        "gates",
        "scope",
        "parts",
    ]
)


def _is_hot(key: PathKey) -> bool:
    """Whether a clean build asks for this path's position (the root, ids, kept lists' items)."""
    return not key or key[-1] == "id" or (len(key) > 1 and key[-2] in _KEPT_ITEMS)


def _every_position(rest: memoryview, raw: bytes, name: str, is_json: bool) -> dict[PathKey, int]:
    """Every position of a cached entry; parsed again if that part of the entry is unsound."""
    checksum, payload = rest[:4], rest[4:]
    if _crc(payload) == checksum:
        try:
            # NOTE: as in _cached_document: bytes of this program's entry, its checksum matched.
            every = marshal.loads(payload)  # noqa: S302
        except (EOFError, ValueError, TypeError):
            every = None
        if isinstance(every, dict):
            return cast(dict[PathKey, int], every)
    positions = parse_text(raw, name, is_json=is_json).positions
    return positions.every() if isinstance(positions, Positions) else {}


def parse_text(raw: bytes, name: str, *, is_json: bool = False) -> YamlDocument:
    """Decode and parse bytes already read."""
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError(
            [
                Diagnostic(
                    Position(name, 1, 1),
                    f"file is {len(raw)} bytes, over the limit of {MAX_FILE_BYTES}",
                    code="limit",
                )
            ]
        )
    body = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        before = body[: e.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise InvalidInputError(
            [
                Diagnostic(
                    Position(name, line, column),
                    f"not valid UTF-8 (byte 0x{body[e.start]:02x})",
                    code="encoding",
                )
            ]
        ) from e
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidInputError(
            [
                Diagnostic(
                    Position(name, line, 1), "file holds NUL characters (binary?)", code="encoding"
                )
            ]
        )
    if not text.strip():
        raise InvalidInputError([Diagnostic(Position(name, 1, 1), "file is empty", code="input")])
    if is_json:
        _check_json_syntax(text, name)
        text = _as_yaml_text(text)
    return parse_yaml(text, name)


def _source_text(raw: bytes, is_json: bool) -> str:
    """The text the parser read, for bytes already known to parse (a cache hit)."""
    text = (raw[len(_BOM) :] if raw.startswith(_BOM) else raw).decode("utf-8")
    return _as_yaml_text(text) if is_json else text


def _as_yaml_text(text: str) -> str:
    """JSON text as the YAML parser can read it, with the same meaning and positions."""
    # JSON writes characters beyond the BMP as surrogate pairs ("\\ud83d\\ude00"), which the YAML
    # parser refuses. Columns after such a pair on the same line shift by 11 per pair.
    text = _SURROGATE_PAIR.sub(_join_surrogates, text)
    # JSON allows tabs between tokens where YAML does not; inside JSON strings a tab must be
    # escaped, so replacing raw tabs by spaces keeps the meaning and every column.
    return text.replace("\t", " ")


_SURROGATE_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE
)


def _join_surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    return match.group(1) + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def _check_json_syntax(text: str, name: str) -> None:
    """Refuse what YAML's flow syntax accepts but JSON does not (trailing commas, comments, ...)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        message = e.msg[:1].lower() + e.msg[1:]
        raise InvalidInputError(
            [Diagnostic(Position(name, e.lineno, e.colno), f"invalid JSON: {message}", code="json")]
        ) from e
    except RecursionError:  # pragma: no cover - depends on the stack; the YAML pass bounds depth
        return
