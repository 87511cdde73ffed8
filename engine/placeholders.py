"""Placeholders: the blanks of a generated template, refused until someone fills them.

`spm-audit template` writes `"<name of the institution>"`, `"<YYYY-MM-DD>"` and the like where only
the user can know the value. A value that is wholly such a bracketed blank is never evidence, so
`validate` and `assess` refuse it at its position, and the schema's complaint about the same value
(a blank is not a date) is left out: one problem, said once, in the words of the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.errors import Diagnostic, Severity
from engine.yamlsource import YamlDocument, leaves

# A blank is a few lower-case words (`<your name>`) or a format (`<YYYY-MM-DD>`), never markup:
# `<b>` or `<img src="…">` in a name is text to print literally, not a blank.
_BLANK = re.compile(r"<(?:[a-z][a-z0-9,.'()-]*(?: [a-z0-9,.'()-]+){1,12}|[A-Z]+(?:-[A-Z]+)+)>")


def placeholder(hint: str) -> str:
    """The blank the template writes where the user must give a value (`hint` says which)."""
    blank = f"<{hint}>"
    if not is_placeholder(blank):
        raise ValueError(f"{blank!r} would not be recognised as a blank")
    return blank


def is_placeholder(value: object) -> bool:
    """Whether `value` is a template's blank left as it was (`hint` must be words or a format)."""
    return isinstance(value, str) and _BLANK.fullmatch(value.strip()) is not None


def find_placeholders(doc: YamlDocument) -> list[Diagnostic]:
    """One error for every blank of the template left in `doc`."""
    return [
        Diagnostic(
            doc.position_of(at),
            f"'{value}' is a blank of the template: replace it with the real value",
            Severity.ERROR,
            "placeholder",
        )
        for at, value in leaves(doc.data, is_placeholder)
    ]


def without_repeats(
    diagnostics: Sequence[Diagnostic], blanks: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """`diagnostics` less those about a value already reported as a blank."""
    taken = {d.position for d in blanks}
    return [d for d in diagnostics if d.position not in taken]
