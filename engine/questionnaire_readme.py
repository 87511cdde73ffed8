"""The read-me sheet of the questionnaire workbook, in the language of the workbook."""

from __future__ import annotations

import textwrap

from engine.i18n import N_, SOURCE, current_language
from engine.i18n import gettext as _
from engine.questionnaire_sheets import word

# The read-me sheet: paragraphs of lines (the English lines as written; a translation is one
# text per paragraph, wrapped); a line starting with spaces is a command, never translated.
_READ_ME = (
    ("spm-audit questionnaire (workbook layout {version}) for: {names}.",),
    ("",),
    ("Fill the sheets, then turn the workbook into an evidence file:",),
    ("    spm-audit import questionnaire THIS.xlsx -o evidence.yaml",),
    ("    spm-audit assess evidence.yaml -o report.pdf",),
    ("",),
    (
        "Institution: one row per field; write in the 'value' column. Values written <like this> are",
        "blanks that the import refuses until they are replaced.",
    ),
    ("Assessors, Documents, Social goals, Products: one row per item, one column per field.",),
    ("Data: the facts the rules read, one per row; leave a value empty when you do not know it.",),
    (
        "One sheet per framework: answer each question in the 'answer' column (yes, partially, no,",
        "na), say why in 'comment' (na needs a reason), and cite documents as 'DOC-1 p. 4; DOC-2'.",
        "The columns 'yes states' … 'na states' say what each answer states about the institution.",
        "A question left unanswered is reported as not assessed, never as met.",
    ),
    ("Overrides and Action plan: one row per framework and indicator.",),
    ("",),
    (
        "Do not rename sheets or column headers; rows may be added to the list sheets. The hidden",
        "sheet 'spm-audit' tells the import what each sheet holds.",
    ),
)
_READ_ME_TRANSLATED = (  # the paragraphs for the catalogue
    N_("spm-audit questionnaire (workbook layout {version}) for: {names}."),
    N_("Fill the sheets, then turn the workbook into an evidence file:"),
    N_(
        "Institution: one row per field; write in the 'value' column. Values written <like this> "
        "are blanks that the import refuses until they are replaced."
    ),
    N_("Assessors, Documents, Social goals, Products: one row per item, one column per field."),
    N_("Data: the facts the rules read, one per row; leave a value empty when you do not know it."),
    N_(
        "One sheet per framework: answer each question in the 'answer' column (yes, partially, "
        "no, na), say why in 'comment' (na needs a reason), and cite documents as 'DOC-1 p. 4; "
        "DOC-2'. The columns 'yes states' … 'na states' say what each answer states about the "
        "institution. A question left unanswered is reported as not assessed, never as met."
    ),
    N_("Overrides and Action plan: one row per framework and indicator."),
    N_(
        "Do not rename sheets or column headers; rows may be added to the list sheets. The "
        "hidden sheet 'spm-audit' tells the import what each sheet holds."
    ),
    N_(
        "In this workbook the answers read {yes}, {partially}, {no} or na, and yes/no cells {yes} "
        "or {no}; the evidence file the import writes records yes, partially, no and na (and "
        "true/false), whatever the workbook's language."
    ),
)


def read_me_lines() -> list[str]:
    """The read-me's lines in the language in force."""
    if current_language() == SOURCE:
        return [line for paragraph in _READ_ME for line in paragraph]
    lines: list[str] = []
    words = {k: word(k) for k in ("yes", "partially", "no")}
    for paragraph in [*_READ_ME, ("",), (_READ_ME_TRANSLATED[-1],)]:
        text = " ".join(paragraph)
        if not text.strip() or text.startswith(" "):
            lines.append(text)
            continue
        said = _(text)
        lines += textwrap.wrap(said.format(**words) if "{yes}" in said else said, 95)
    return lines
