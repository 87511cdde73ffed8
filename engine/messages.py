"""The command line's messages in French and Spanish, read back from their English patterns.

The language of the messages: `--lang` where a command has it, else the environment as POSIX
orders it (`LC_ALL`, then `LC_MESSAGES`, then `LANG`: `fr_FR.UTF-8` gives French), else
English. Reports and questionnaires are documents for someone else: only `--lang` chooses their
language, so that the same command gives the same file on every machine.

A message keeps what programs and editors parse: the position and the severity word of a
diagnostic (`file:line:col: error: … [code]`) and the prefixes `error:`, `warning:`, `failed:`,
`note:` and `internal error:` stay as they are; the text after them is translated where it fits
one of the patterns below, and stays in English otherwise. `--help` stays in English: Typer
builds it when the command is declared, before any option is read.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping

from engine.errors import Diagnostic
from engine.i18n import LANGUAGES, N_, SOURCE, gettext, supported, use_language

PREFIXES = ("internal error: ", "error: ", "warning: ", "failed: ", "note: ")
# What the commands print, and the diagnostics users meet most; {name} is kept as written.
PATTERNS = (
    N_("wrote {file} (assessment of {name})"),
    N_("wrote the schemas for editors in {folder}"),
    N_("wrote {count} page(s) to {folder}"),
    N_("wrote {file}"),
    N_("{file}: valid ({count} warning(s))"),
    N_("{file}: {answers} answer(s), {facts} fact(s)"),
    N_("{file}: {name}, {count} respondent(s)"),
    N_("{errors} problem(s) in {count} rule set(s), profile(s) and scorecard(s)"),
    N_("{count} case(s), {failed} failed, {problems} problem(s)"),
    N_("{count} problem(s) in input files"),
    N_("spm-audit can render PDF reports on this machine"),
    N_("assessing"),
    N_("writing the {format} report"),
    N_(
        "{framework}: overall score {score} ({coverage} assessed) is below --fail-under {limit} by {points} points"
    ),
    N_("{framework}: overall score {score} is below --fail-under {limit} by {points} points"),
    N_("gate {gate}: {verdict} ({why})"),
    N_("gate {gate}: {verdict}"),
    N_("required key '{key}' is missing"),
    N_("unknown key '{key}' (did you mean '{other}'?)"),
    N_("unknown key '{key}' (expected one of: {keys})"),
    N_("unknown key '{key}'"),
    N_("{value} is not one of: {options}"),
    N_("expected {expected}, found {found}"),
    N_("cannot read file: {why}"),
    N_("'{value}' is not yes or no"),
    N_("'{value}' is not a number"),
    N_("'{value}' is not a date YYYY-MM-DD"),
    N_("'{value}' is not one of {options}"),
    N_("unknown column '{column}'"),
    N_("unknown field '{field}'"),
)
_CHOSEN = {"language": SOURCE}


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The messages' language the environment asks for: LC_ALL, LC_MESSAGES, then LANG."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:  # the first one set decides, as POSIX has it ('C' is English)
            return supported(value.split(".")[0])
    return SOURCE


def choose(language: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Set the messages' language: `language` (a --lang value) if given, else the environment's."""
    chosen = supported(language) if language in LANGUAGES else environment_language(environ)
    _CHOSEN["language"] = chosen
    return chosen


def said(text: str) -> str:
    """A message in the chosen language (English when it fits no pattern)."""
    if _CHOSEN["language"] == SOURCE:
        return text
    with use_language(_CHOSEN["language"]):
        prefix = next((p for p in PREFIXES if text.startswith(p)), "")
        return prefix + _translated(text[len(prefix) :])


def diagnostic(found: Diagnostic) -> str:
    """A diagnostic as the command line prints it: position and severity kept, text translated."""
    if _CHOSEN["language"] == SOURCE:
        return str(found)
    with use_language(_CHOSEN["language"]):
        return f"{found.position}: {found.severity}: {_translated(found.message)} [{found.code}]"


def _translated(text: str) -> str:
    for template in PATTERNS:
        match = _pattern(template).fullmatch(text)
        if match is not None:
            return gettext(template).format(**match.groupdict())
    return text


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
        re.S,
    )
