"""A small scanner of Python's regular-expression syntax, to refuse nested quantifiers.

A repeated part that holds another repeat (`(a+)+`, `((a+)b)*`, `(?:a|b+)*`) can backtrack
exponentially on a string that almost matches, and Python's `re` has no timeout, so rule sets may
not use such patterns. The scanner reads groups (capturing, named, non-capturing, scoped flags,
lookarounds, atomic, conditional), alternation, character classes, escapes and quantifiers (`*`,
`+`, `?`, `{m}`, `{m,}`, `{,n}`, `{m,n}`, each optionally lazy `?` or possessive `+`) into a small
tree. What it cannot read it leaves to `re.compile`, which reports the error with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRACES = re.compile(r"\{(?:(\d+)|(\d*),(\d*))\}")  # `{}` and `{ 2}` are literal text in `re`
_FLAGS = frozenset("aiLmsux-")


@dataclass(frozen=True, slots=True)
class Atom:
    """One character, escape, class or back-reference: matches without repeating inside."""

    text: str


@dataclass(frozen=True, slots=True)
class Group:
    """Alternatives (one for a plain group or the whole pattern), each a sequence of pieces."""

    branches: tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True, slots=True)
class Repeat:
    """A piece under a quantifier; `high` None is unbounded."""

    low: int
    high: int | None
    body: Piece

    @property
    def is_many(self) -> bool:
        """Whether the body may match more than once (what makes nesting dangerous)."""
        return self.high is None or self.high > 1


Piece = Atom | Group | Repeat


class RegexSyntaxError(ValueError):
    """The scanner could not read the pattern; `re.compile` gives the real message."""


def parse_regex(pattern: str) -> Group:
    """The pattern as a tree of groups, repeats and atoms."""
    return _Scanner(pattern).parse()


def has_nested_repeat(pattern: str) -> bool:
    """Whether a part that repeats holds another repeat, however deeply grouped (`((a+)b)*`).

    False for a pattern the scanner cannot read: compiling it reports the syntax error instead.
    """
    try:
        tree = parse_regex(pattern)
    except RegexSyntaxError:
        return False
    return _nested(tree, inside=False)


def _nested(piece: Piece, *, inside: bool) -> bool:
    if isinstance(piece, Atom):
        return False
    if isinstance(piece, Group):
        return any(_nested(p, inside=inside) for branch in piece.branches for p in branch)
    many = piece.is_many
    return (inside and many) or _nested(piece.body, inside=inside or many)


class _Scanner:
    """Recursive descent over the pattern text."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0

    def parse(self) -> Group:
        tree = self._alternation()
        if self.at < len(self.text):
            raise RegexSyntaxError(f"unbalanced parenthesis at position {self.at}")
        return tree

    # -- structure -------------------------------------------------------------------------------
    def _peek(self, offset: int = 0) -> str:
        index = self.at + offset
        return self.text[index] if index < len(self.text) else ""

    def _alternation(self) -> Group:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.at += 1
            branches.append(self._sequence())
        return Group(tuple(branches))

    def _sequence(self) -> tuple[Piece, ...]:
        pieces: list[Piece] = []
        while self.at < len(self.text) and self._peek() not in "|)":
            piece = self._atom()
            if piece is not None:
                pieces.append(self._quantified(piece))
        return tuple(pieces)

    def _quantified(self, piece: Piece) -> Piece:
        bounds = self._quantifier()
        if bounds is None:
            return piece
        if self._peek() in ("?", "+"):  # lazy or possessive: still one repeat
            self.at += 1
        if self._quantifier(consume=False) is not None:
            raise RegexSyntaxError(f"multiple repeat at position {self.at}")
        return Repeat(bounds[0], bounds[1], piece)

    def _quantifier(self, *, consume: bool = True) -> tuple[int, int | None] | None:
        char = self._peek()
        bounds: tuple[int, int | None] | None = None
        size = 1
        if char == "*":
            bounds = (0, None)
        elif char == "+":
            bounds = (1, None)
        elif char == "?":
            bounds = (0, 1)
        elif char == "{":
            match = _BRACES.match(self.text, self.at)
            if match is None:
                return None
            exact, low, high = match.groups()
            if exact is not None:
                bounds = (int(exact), int(exact))
            else:
                bounds = (int(low) if low else 0, int(high) if high else None)
            size = match.end() - match.start()
        if bounds is not None and consume:
            self.at += size
        return bounds

    # -- atoms -----------------------------------------------------------------------------------
    def _atom(self) -> Piece | None:
        char = self._peek()
        if char in ("*", "+", "?") or (char == "{" and self._quantifier(consume=False)):
            raise RegexSyntaxError(f"nothing to repeat at position {self.at}")
        if char == "(":
            return self._group()
        if char == "[":
            return self._class()
        if char == "\\":
            return self._escape()
        self.at += 1
        return Atom(char)

    def _escape(self) -> Atom:
        start = self.at
        if self.at + 1 >= len(self.text):
            raise RegexSyntaxError(f"bad escape (end of pattern) at position {self.at}")
        self.at += 2
        if self.text[start + 1] == "N" and self._peek() == "{":  # \N{NAME}
            self._skip_past("}")
        return Atom(self.text[start : self.at])

    def _class(self) -> Atom:
        start = self.at
        self.at += 1
        if self._peek() == "^":
            self.at += 1
        if self._peek() == "]":  # a `]` first is a literal
            self.at += 1
        while self._peek() != "]":
            if not self._peek():
                raise RegexSyntaxError(f"unterminated character set at position {start}")
            self.at += 2 if self._peek() == "\\" else 1
        self.at += 1
        return Atom(self.text[start : self.at])

    def _group(self) -> Piece | None:
        start = self.at
        self.at += 1
        if self._peek() == "?":
            self.at += 1
            kind = self._peek()
            if kind == "#":  # a comment
                self._skip_past(")")
                return None
            if kind == "P" and self._peek(1) == "=":  # (?P=name): a back-reference
                self._skip_past(")")
                return Atom(self.text[start : self.at])
            if kind == "P" and self._peek(1) == "<":
                self._skip_past(">")
            elif kind in (":", "=", "!", ">"):
                self.at += 1
            elif kind == "<" and self._peek(1) in ("=", "!"):
                self.at += 2
            elif kind == "(":  # (?(id)yes|no)
                self._skip_past(")")
            elif kind and kind in _FLAGS:
                while self._peek() and self._peek() in _FLAGS:
                    self.at += 1
                if self._peek() == ")":  # (?i): flags for the whole pattern
                    self.at += 1
                    return None
                if self._peek() != ":":
                    raise RegexSyntaxError(f"unknown flag at position {self.at}")
                self.at += 1
            else:
                raise RegexSyntaxError(f"unknown extension at position {start}")
        body = self._alternation()
        if self._peek() != ")":
            raise RegexSyntaxError(f"missing ), unterminated subpattern at position {start}")
        self.at += 1
        return body

    def _skip_past(self, end: str) -> None:
        found = self.text.find(end, self.at)
        if found < 0:
            raise RegexSyntaxError(f"missing {end} at position {self.at}")
        self.at = found + 1
