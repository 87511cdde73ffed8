"""Positions, diagnostics and the error tree shared by every stage.

A :class:`Diagnostic` is a problem in an input file, always with a :class:`Position`.
An :class:`AuditError` means the run cannot go on; the CLI turns it into a message and an exit code.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar


class ExitCode(enum.IntEnum):
    """Process exit codes (design §6)."""

    OK = 0
    FAILED = 1  # the assessment ran; a requested threshold or gate was not met
    INVALID_INPUT = 2  # invalid input or usage; every diagnostic printed
    INTERNAL = 3  # a bug: one line and a hint to re-run with --debug


def did_you_mean(word: str, choices: Iterable[str], *, known: str = "") -> str:
    """' (did you mean 'x'?)' for the closest choice.

    When none is close: '' or, if `known` names the choices (e.g. "known"), ' (known: a, b)'.
    """
    listed = list(choices)
    close = closest(word, listed)
    if close is not None:
        return f" (did you mean '{close}'?)"
    return f" ({known}: {', '.join(listed) or 'none'})" if known else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `word`, if one is close enough to suggest."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in an input file, 1-based as editors count."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(enum.StrEnum):
    """How bad a diagnostic is: errors reject the input, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A problem found in an input file."""

    position: Position
    message: str
    severity: Severity = Severity.ERROR
    code: str = "input"

    def __str__(self) -> str:
        return f"{self.position}: {self.severity}: {self.message} [{self.code}]"


class AuditError(Exception):
    """The run cannot go on; reported as one message and an exit code."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL


class InvalidInputError(AuditError):
    """Input files are invalid; carries every diagnostic, sorted by position."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics))
        errors = sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)
        super().__init__(f"{errors} problem(s) in input files")


class UsageError(AuditError):
    """The command was asked for something it cannot do (unknown framework, bad output path)."""

    exit_code = ExitCode.INVALID_INPUT


class RenderError(AuditError):
    """A report could not be produced (e.g. no usable fonts for the PDF)."""

    exit_code = ExitCode.INTERNAL
