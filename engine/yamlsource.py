"""YAML (and JSON) text → plain data plus a position for every key and item.

The only module that imports PyYAML. It walks the C parser's events once and builds the data
itself, so that:

* duplicate keys, anchors, aliases and custom tags are refused, each with its position;
* plain scalars are read as YAML 1.2's core schema does (``no``, ``NO``, ``yes``, ``12:30``,
  ``0755`` and ``2024-01-31`` stay strings; only ``true``/``false`` are booleans);
* NaN and infinities are refused (no evidence value can be "not a number");
* nesting depth and scalar length are bounded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import yaml

from engine.errors import Diagnostic, InvalidInputError, Position

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
MAX_SCALAR_LENGTH = 100_000

# The C parser (libyaml); PyYAML exports it only through its loaders.
_Parser = getattr(yaml, "CBaseLoader", None)

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
)
_NONFINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
# The first characters of what the five patterns above match: other plain text is a string.
_MAYBE_TYPED = frozenset("~nNtTfF-+.0123456789")
_STANDARD_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


_COLUMN_BITS = 32  # a packed position is line << 32 | column (a 5 MiB line still fits)
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1


class Positions(Mapping[PathKey, Position]):
    """Path → position, kept as packed integers; a `Position` is made only when one is asked for.

    A rule set has some 25,000 keys and items and needs the positions of a few thousand, so
    packing them keeps both the parse and the cache (engine.load) cheap. A cached file's
    positions may come in two parts: those a clean build asks for, and a function that gives all
    of them, called at the first path the first part lacks (for a diagnostic, mostly).
    """

    __slots__ = ("_rest", "file", "packed")

    def __init__(
        self,
        file: str,
        packed: dict[PathKey, int],
        rest: Callable[[], dict[PathKey, int]] | None = None,
    ) -> None:
        self.file = file
        self.packed = packed  # path → line << 32 | column
        self._rest = rest  # every path → its packed position, in document order

    def __getitem__(self, key: PathKey) -> Position:
        value = self.packed.get(key)
        if value is None:
            value = self.every()[key]
        return Position(self.file, value >> _COLUMN_BITS, value & _COLUMN_MASK)

    def __contains__(self, key: object) -> bool:
        return key in self.packed or (self._rest is not None and key in self.every())

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self.every())

    def __len__(self) -> int:
        return len(self.every())

    def every(self) -> dict[PathKey, int]:
        """Every path's packed position, in document order (reading the rest first if need be)."""
        if self._rest is not None:
            self.packed = self._rest()
            self._rest = None
        return self.packed


def pack_position(line: int, column: int) -> int:
    """A 1-based line and column as one integer (see `Positions`)."""
    return line << _COLUMN_BITS | column


def unpack_position(file: str, packed: int) -> Position:
    """The position a packed integer stands for (see `pack_position`)."""
    return Position(file, packed >> _COLUMN_BITS, packed & _COLUMN_MASK)


def dotted_positions(positions: Mapping[PathKey, Position], head: str) -> dict[str, Position]:
    """The positions below a top-level key, by dotted path below it ('products.2.apr')."""
    if type(positions) is Positions:  # what the parser gives: its packed numbers, no view
        file = positions.file
        return {
            ".".join(map(str, key[1:])): unpack_position(file, packed)
            for key, packed in positions.every().items()
            if len(key) > 1 and key[0] == head
        }
    return {
        ".".join(map(str, key[1:])): pos
        for key, pos in positions.items()
        if key[:1] == (head,) and len(key) > 1
    }


def leaves(
    data: object, wanted: Callable[[object], bool], at: PathKey = ()
) -> Iterator[tuple[PathKey, object]]:
    """The values below parsed data (dicts and lists) that `wanted` accepts, with their paths.

    In document order. A path is built only for what is yielded and the containers descended
    into: most of a file's values are neither.
    """
    if isinstance(data, dict):
        pairs: Iterable[tuple[str | int, object]] = data.items()
    elif isinstance(data, list):
        pairs = enumerate(data)
    else:
        if wanted(data):
            yield at, data
        return
    for key, value in pairs:
        if isinstance(value, dict | list):
            yield from leaves(value, wanted, (*at, key))
        elif wanted(value):
            yield (*at, key), value


def packed_position(doc: YamlDocument, path: PathKey) -> int | None:
    """The packed position of exactly `path` where the document keeps it at hand, else None."""
    positions = doc.positions
    return positions.packed.get(path) if type(positions) is Positions else None


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Parsed data with the position of every mapping key and sequence item."""

    file: str
    data: object
    positions: Mapping[PathKey, Position]
    # The source text, for locating characters; or a function giving it (a cached parse decodes
    # its bytes only if the text is asked for).
    source: str | Callable[[], str] = field(default="", repr=False, compare=False)

    @property
    def text(self) -> str:
        """The text the document was parsed from."""
        source = self.source
        if not isinstance(source, str):
            source = source()
            object.__setattr__(self, "source", source)  # frozen: decoded once
        return source

    def position_of(self, path: Sequence[str | int]) -> Position:
        """Position of `path`, or of its nearest indexed parent (e.g. for a missing key)."""
        key = tuple(path)
        positions = self.positions
        if type(positions) is Positions and (value := positions.packed.get(key)) is not None:
            return Position(positions.file, value >> _COLUMN_BITS, value & _COLUMN_MASK)
        while key not in self.positions:
            key = key[:-1]
        return self.positions[key]


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML or JSON document; raise InvalidInputError with every problem found."""
    builder = _Builder(file)
    parser = None
    try:
        if _Parser is None:  # pragma: no cover - libyaml is present on every supported platform
            events: Iterator[yaml.Event] = yaml.parse(text, Loader=yaml.SafeLoader)
        else:
            parser = _Parser(text)
            # libyaml's events until it has none, iterated in C (no generator frame per event)
            events = iter(parser.get_event, None)
        data = builder.build(events)
    except _TooDeepError as e:
        raise InvalidInputError(builder.problems) from e
    except yaml.MarkedYAMLError as e:
        builder.problems.append(_syntax_diagnostic(e, text, file))
        raise InvalidInputError(builder.problems) from e
    except yaml.YAMLError as e:
        builder.problems.append(Diagnostic(Position(file, 1, 1), f"invalid YAML: {e}", code="yaml"))
        raise InvalidInputError(builder.problems) from e
    finally:
        if parser is not None:
            parser.dispose()
    if builder.problems:
        raise InvalidInputError(builder.problems)
    if builder.empty:
        raise InvalidInputError(
            [Diagnostic(Position(file, 1, 1), "file is empty (only comments or blank lines)")]
        )
    return YamlDocument(file, data, Positions(file, builder.positions), text)


def _syntax_diagnostic(error: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    """A parser error as a diagnostic; says where the unclosed construct began when that helps."""
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (error.problem or error.context or "invalid YAML").rstrip(".")
    lines = text.split("\n")
    here = (
        lines[mark.line][mark.column : mark.column + 1] if mark and mark.line < len(lines) else ""
    )
    if here == "\t":
        problem = "tab character where YAML expects spaces (indent with spaces only)"
    else:
        start = error.context_mark
        if error.context and start is not None and start.line != (mark.line if mark else -1):
            construct = re.sub(r"^while (?:parsing|scanning) (?:an? )?", "", error.context)
            problem += f" (in the {construct} that starts at {start.line + 1}:{start.column + 1})"
    return Diagnostic(Position(file, line, col), problem, code="yaml")


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[PathKey, int] = {(): pack_position(1, 1)}
        self.problems: list[Diagnostic] = []
        self.empty = False
        self.aliases_seen: set[str] = set()

    def _pos(self, event: yaml.Event) -> Position:
        mark = event.start_mark
        return (
            Position(self.file, mark.line + 1, mark.column + 1)
            if mark
            else Position(self.file, 1, 1)
        )

    def _packed(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return pack_position(mark.line + 1, mark.column + 1) if mark else pack_position(1, 1)

    def _problem(self, event: yaml.Event, message: str) -> None:
        self.problems.append(Diagnostic(self._pos(event), message, code="yaml"))

    def build(self, events: Iterator[yaml.Event]) -> object:
        documents: list[object] = []
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if documents:
                    self._problem(event, "more than one YAML document in the file")
                    return documents[0]
                documents.append(self._node(next(events), events, (), 1))
        if not documents:
            self.empty = True
            return None
        return documents[0]

    def _check_node_event(self, event: yaml.Event) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._problem(event, f"anchors are not allowed (found '&{anchor}')")
        tag = getattr(event, "tag", None)
        if tag not in _STANDARD_TAGS and not isinstance(event, yaml.ScalarEvent):
            self._problem(event, f"tags are not allowed (found '{tag}')")

    def _node(
        self, event: yaml.Event, events: Iterator[yaml.Event], path: PathKey, depth: int
    ) -> object:
        if depth > MAX_DEPTH:
            self._problem(event, f"nesting deeper than {MAX_DEPTH} levels")
            raise _TooDeepError
        if isinstance(event, yaml.AliasEvent):
            # NOTE: one diagnostic per anchor name: a billion-laughs document has thousands of uses.
            if str(event.anchor) not in self.aliases_seen:
                self.aliases_seen.add(str(event.anchor))
                self._problem(event, f"aliases are not allowed (found '*{event.anchor}')")
            return None
        self._check_node_event(event)
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[object] = []
            for child in events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                item_path = (*path, len(items))
                self.positions[item_path] = self._packed(child)
                items.append(self._node(child, events, item_path, depth + 1))
            return items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, object] = {}
            for key_event in events:
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                key = self._key(key_event, events, path, depth)
                value_event = next(events)
                if key is None:
                    self._node(value_event, events, path, depth + 1)
                    continue
                key_path = (*path, key)
                if key in mapping:
                    first = Positions(self.file, self.positions)[key_path]
                    where = f"line {first.line}"
                    if first.line == self._pos(key_event).line:
                        where += f", column {first.column}"
                    self._problem(key_event, f"duplicate key '{key}' (first at {where})")
                    self._node(value_event, events, path, depth + 1)
                    continue
                self.positions[key_path] = self._packed(key_event)
                mapping[key] = self._node(value_event, events, key_path, depth + 1)
            return mapping
        self._problem(event, f"unexpected YAML event {type(event).__name__}")  # pragma: no cover
        return None  # pragma: no cover

    def _key(
        self, event: yaml.Event, events: Iterator[yaml.Event], path: PathKey, depth: int
    ) -> str | None:
        if not isinstance(event, yaml.ScalarEvent):
            self._problem(event, "mapping keys must be plain strings")
            self._node(event, events, path, depth + 1)
            return None
        self._check_node_event(event)
        value = self._scalar(event)
        if isinstance(value, bool) or value is None:
            return str(event.value)
        return str(value)

    def _scalar(self, event: yaml.ScalarEvent) -> object:
        value: str = event.value
        if len(value) > MAX_SCALAR_LENGTH:
            self._problem(event, f"value longer than {MAX_SCALAR_LENGTH} characters ({len(value)})")
            return ""
        tag = event.tag
        if tag not in _STANDARD_TAGS:
            self._problem(event, f"tags are not allowed (found '{tag}')")
            return value
        plain = (
            event.implicit[0] and not event.style and tag is None
        )  # C parser: style "" for plain
        if not plain or (value and value[0] not in _MAYBE_TYPED):
            return value
        if _NULL.match(value):
            return None
        if _BOOL_TRUE.match(value):
            return True
        if _BOOL_FALSE.match(value):
            return False
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            number = float(value)
            if not math.isfinite(number):
                self._problem(event, f"number out of range: {value}")
                return None
            return number
        if _NONFINITE.match(value):
            self._problem(event, f"not a finite number: {value}")
            return None
        return value


class _TooDeepError(yaml.YAMLError):
    pass
