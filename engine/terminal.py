"""What the command line shows on a terminal and where it writes: a progress line, stdout or a file.

The command line (cli.py) declares the commands; this module holds the little behaviour of a
well-mannered Unix tool that is not about audits: `-` for stdout, a closed pipe ending quietly,
binary output refused on a terminal, and a progress line on stderr that only a person sees.
"""

from __future__ import annotations

import copy
import enum
import functools
import os
import sys
import threading
import time
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from engine.errors import UsageError
from engine.output import write_atomically

STDIO = Path("-")  # `-o -` writes to stdout; an input `-` is read from stdin (engine/load.py)


def emit(data: bytes, out: Path | None, inputs: list[Path]) -> str:
    """Write `data` to `out` atomically, or to stdout when `out` is None or `-`; what was done.

    Returns the line to print on stderr ("wrote FILE"), or "" when the data went to stdout.
    """
    if out is None or out == STDIO:
        if sys.stdout.isatty() and data[:1] not in (b"{", b"[", b"#") and not data.startswith(b"<"):
            raise UsageError("this format is binary: write it to a file with -o FILE")
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the reader stopped (`| head`): end quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return ""
    write_atomically(out, data, inputs=inputs)
    return f"wrote {out}"


def command_asked(args: Sequence[str], names: Collection[str]) -> str | None:
    """The command `args` invoke: their first word that is not an option, if it is in `names`.

    The command line's own options are flags (tests/test_startup.py checks it), so the first word
    is the command's name; anything else (no command, a typo, `--`) is None.
    """
    for arg in args:
        if arg.startswith("-"):
            if arg == "--":
                return None
            continue
        return arg if arg in names else None
    return None


def only_the_command_asked(app: Any, args: Sequence[str]) -> Any:
    """The typer app holding only the command `args` invoke, or the whole app.

    typer builds the options of every command on every run (about 5 ms); the others are not
    needed to run one. Help, completion and a mistyped command get the whole app.
    """
    from typer.main import get_command_name

    def name(command: Any) -> str:
        return str(command.name or get_command_name(command.callback.__name__))

    groups = [str(g.name) for g in app.registered_groups]
    asked = command_asked(args, {*map(name, app.registered_commands), *groups})
    if asked is None:
        return app
    lean = copy.copy(app)
    lean.registered_commands = [c for c in app.registered_commands if name(c) == asked]
    lean.registered_groups = [g for g in app.registered_groups if g.name == asked]
    return lean


def say(text: str) -> None:
    """Print a line on stderr, for a person (what a run did, what it refused)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class Progress:
    """A line on stderr saying what a long run is doing, shown after a second; only on a terminal."""

    DELAY = 1.0

    def __init__(self) -> None:
        self._shown = sys.stderr.isatty()
        self._what = ""
        self._since = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._drawn = False

    def __enter__(self) -> Progress:
        if self._shown:
            threading.Thread(target=self._tick, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self.clear()

    def step(self, what: str) -> None:
        """Say what the run does now."""
        with self._lock:
            self._what, self._since = what, time.monotonic()

    def clear(self) -> None:
        """Take the line away (before printing anything else)."""
        with self._lock:
            self._what = ""
            if self._drawn:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
                self._drawn = False

    def _tick(self) -> None:
        start = time.monotonic()
        while not self._stop.wait(0.2):
            with self._lock:
                if self._what and time.monotonic() - start >= self.DELAY:
                    sys.stderr.write(
                        f"\r\033[K{self._what}… {time.monotonic() - self._since:.0f} s"
                    )
                    sys.stderr.flush()
                    self._drawn = True


Converter = Callable[[object], object]


def option_converter(
    annotation: object, minimum: float | None = None, maximum: float | None = None
) -> Converter | None:
    """A converter for one command-line option's value, or None if its type is not a plain one.

    The plain types are str, int, float, paths, enumerations, and lists or optionals of them. A
    bad value raises ValueError with the message typer's own conversion gives (cli.py).
    """
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        others = [a for a in typing.get_args(annotation) if a is not type(None)]
        return option_converter(others[0], minimum, maximum) if len(others) == 1 else None
    if typing.get_origin(annotation) is list:
        item = option_converter(typing.get_args(annotation)[0], minimum, maximum)
        return None if item is None else lambda value: [item(v) for v in _items(value)]
    if annotation is str or annotation is Path:
        return cast(Converter, annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        choices = {str(c.value): c for c in annotation}
        return functools.partial(_choice, choices)
    if annotation is int or annotation is float:
        return functools.partial(_number, annotation, minimum, maximum)
    if annotation is bool:
        return _truth
    return None


_TRUTH = {"1": True, "on": True, "t": True, "true": True, "y": True, "yes": True, "": False}
_TRUTH |= {"0": False, "off": False, "f": False, "false": False, "n": False, "no": False}


def _truth(value: object) -> bool:
    if isinstance(value, bool):
        return value
    found = _TRUTH.get(str(value).strip().lower())
    if found is None:
        raise ValueError("Input should be a valid boolean, unable to interpret input")
    return found


def _items(value: object) -> Iterable[object]:
    return value if isinstance(value, list | tuple) else [value]


def _choice(choices: Mapping[str, enum.Enum], value: object) -> enum.Enum:
    if isinstance(value, enum.Enum) and value in choices.values():
        return value
    if str(value) in choices:
        return choices[str(value)]
    shown = ", ".join(repr(c) for c in choices)
    raise ValueError(f"Value error, {str(value)!r} is not one of {shown}.")


def _number(kind: type, minimum: float | None, maximum: float | None, value: object) -> object:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        noun = "an integer" if kind is int else "a number"
        raise ValueError(
            f"Input should be a valid {noun[noun.index(' ') + 1 :]}, unable to parse string as {noun}"
        ) from None
    if minimum is not None and number < minimum:
        raise ValueError(f"Input should be greater than or equal to {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"Input should be less than or equal to {maximum}")
    return number
