"""The report's language: message catalogues (gettext .po files), dates and numbers for a locale.

English is the source language and the fallback: a text with no translation prints in English,
never as a key. The catalogues are `engine/locale/LANG/LC_MESSAGES/spm_audit.po`, read at run
time with Babel (no compile step a wheel could miss). The language in force is a context
variable, set with `use_language` around building and rendering one report.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel is imported when a report speaks another language than English
    from babel.messages.catalog import Catalog

LANGUAGES = ("en", "fr", "es")
SOURCE = "en"
DOMAIN = "spm_audit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "spm_audit_language", default=SOURCE
)


def supported(language: str | None) -> str:
    """The language if the report speaks it (``fr-FR`` → ``fr``), else English."""
    code = (language or SOURCE).replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE


def current_language() -> str:
    """The language of the report being built or rendered."""
    return _LANGUAGE.get()


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Build or render in `language` (an unsupported one falls back to English) inside the block."""
    token = _LANGUAGE.set(supported(language))
    try:
        yield _LANGUAGE.get()
    finally:
        _LANGUAGE.reset(token)


def catalogue_path(language: str) -> Path:
    """Where a language's catalogue lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(language: str) -> Catalog | None:
    """A language's catalogue as Babel reads it; None for English or when there is none."""
    path = catalogue_path(language)
    if language == SOURCE or not path.is_file():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@functools.cache
def _messages(language: str) -> Mapping[str | tuple[str, ...], tuple[str, ...]]:
    """Msgid (a tuple for plural messages) → its translated forms; untranslated or fuzzy left out."""
    found = catalogue(language)
    table: dict[str | tuple[str, ...], tuple[str, ...]] = {}
    for message in found or ():
        if not message.id or message.fuzzy or message.context:
            continue
        raw = message.string
        forms = tuple(str(x or "") for x in raw) if isinstance(raw, tuple | list) else (raw or "",)
        if all(forms):
            table[message.id if isinstance(message.id, str) else tuple(message.id)] = tuple(forms)
    return table


def gettext(text: str) -> str:
    """`text` in the current language, or as given (English) when it has no translation."""
    language = _LANGUAGE.get()
    if language == SOURCE:
        return text
    forms = _messages(language).get(text)
    return forms[0] if forms else text


_ = gettext


@functools.cache
def _contexts(language: str) -> Mapping[tuple[str, str], str]:
    """(msgctxt, msgid) → its translation, for the texts a context sets apart (fact titles)."""
    return {
        (message.context, message.id): message.string
        for message in catalogue(language) or ()
        if message.context
        and isinstance(message.id, str)
        and isinstance(message.string, str)
        and message.string
        and not message.fuzzy
    }


def pgettext(context: str, text: str) -> str:
    """`text` of a context (e.g. ``fact title``) in the current language, else as given."""
    language = _LANGUAGE.get()
    if language == SOURCE:
        return text
    return _contexts(language).get((context, text), text)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, translated where the catalogue has it.

    French and Spanish take the singular for 0 and 1 (French) or 1 (Spanish), as their plural
    rules say; English for 1 only.
    """
    language = _LANGUAGE.get()
    forms = _messages(language).get((singular, plural)) if language != SOURCE else None
    one = count in (0, 1) if language == "fr" else count == 1
    if forms and len(forms) >= 2:
        return forms[0] if one else forms[-1]
    return singular if count == 1 else plural


def number(value: float, digits: int | None = 0) -> str:
    """A number for display: '93.3' in English, '93,3' in French and Spanish (None: as it is)."""
    language = _LANGUAGE.get()
    if language == SOURCE:
        return str(value) if digits is None else f"{value:.{digits}f}"
    from babel.numbers import format_decimal

    if digits is None:
        return str(format_decimal(value, locale=language))
    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(round(value, digits), format=pattern, locale=language))


def date_text(value: object) -> str:
    """An ISO date as the report prints it: as given in English, '30 janvier 2026' in French."""
    if _LANGUAGE.get() == SOURCE or value in (None, ""):
        return str(value if value is not None else "")
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    from babel.dates import format_date

    return str(format_date(day, format="long", locale=_LANGUAGE.get()))


def translated(translations: Mapping[str, Mapping[str, str]], key: str, english: str) -> str:
    """A rule-set text (title, finding, …) in the current language, else its English text."""
    return (translations.get(_LANGUAGE.get()) or {}).get(key) or english


def N_(text: str) -> str:
    """Mark `text` for the catalogue; it is translated where it is looked up (`gettext`)."""
    return text
