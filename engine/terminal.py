"""What the command line shows on a terminal and where it writes: a progress line, stdout or a file.

The command line (cli.py) declares the commands; this module holds the little behaviour of a
well-mannered Unix tool that is not about audits: `-` for stdout, a closed pipe ending quietly,
binary output refused on a terminal, and a progress line on stderr that only a person sees.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

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
