"""The plain words of a result in the report's language, read back from their English patterns.

engine.evaluate and engine.conditions write an indicator's explanation in English from a small
set of sentence patterns with values ("PAR30 is 7.1 %, within the 10 % limit.", "The assessor
answered 'partially': …"). The JSON result keeps that English text, and evaluate stays as fast
as it was: the report reads each sentence back into its pattern and values here and says it
again in the language in force, with the values in that language's words (met → atteint,
7.1 % → 7,1 %, a fact's title from the catalogue). Free text (an assessor's comment, an
override's reason, who gave it) is set aside first and put back as written. A sentence that fits
no pattern, or a fact title the catalogue lacks, stays in English: nothing is guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from engine.i18n import N_, SOURCE, current_language, gettext, pgettext

_ = gettext

# Each pattern is an English template; {name} is a value, read and said again by the function
# its name starts with (see _SAY). Sentences first, tried in order; a sentence ends with '.'.
SENTENCES = (
    N_("No assessor answer is recorded."),
    N_("No check is defined."),
    N_("The evidence gives no respondent's answers."),
    N_("Its score is the mean of the respondents' scores."),
    N_("The data and the assessor's answer differ; the lower result counts: {status}."),
    N_("The assessor answered '{answer}' (given for {free}): {free2}."),
    N_("The assessor answered '{answer}' (given for {free})."),
    N_("The assessor answered '{answer}': {free}."),
    N_("The assessor answered '{answer}'."),
    N_("The assessor marked it not applicable (given for {free}): {free2}."),
    N_("The assessor marked it not applicable (given for {free})."),
    N_("The assessor marked it not applicable: {free}."),
    N_("The assessor marked it not applicable."),
    N_("Computed result: {status}."),
    N_("Respondent {free} of {free2}: {status}."),
    N_("The assessor's answer ('{answer}') is left aside: the {framework} answers decide."),
    N_("Scored from the {framework} answers: {scores}; a mean of {number} %."),
    N_("Not applicable: none of the {framework} questions it stands for counts."),
    N_("The evidence does not give what the check needs: {clause}."),
    N_("Not applicable ({clause})."),
    N_("Not applicable: {clause}."),
    N_("Not met: {clause}."),
    N_("Met: {clause}."),
    N_("But {clause}."),
    N_("All {free} products meet the condition: {clause}."),
    N_("All {free} items meet the condition: {clause}."),
)
# A result changed by an override: its parts are optional, so they are read one by one.
CHANGED = N_("The result was changed to {status}{free}.")
CHANGED_BY = N_(" by {free}")
CHANGED_ON = N_(" on {free}")
GIVEN_FOR = N_(" (given for {free})")
# Clauses: parts of a sentence, without the full stop, tried in order.
CLAUSES = (
    N_("the evidence does not give {nouns}"),
    N_("not in the evidence: {nouns}"),
    N_("{Noun}: not in the evidence"),
    N_("{Noun}: yes"),
    N_("{Noun}: no"),
    N_("{noun} is not given, so it counts as {value}"),
    N_("{noun} is {value}, not {value2}"),
    N_("{noun} is {value}, {relations}"),
    N_("{noun} include {values}"),
    N_("{noun} is {value}"),
    N_("it is {value}"),
    N_("it is not {value}"),
    N_("{noun} is at most {value}"),
    N_("{noun} is at least {value}"),
    N_("{noun} is not given"),
)
JOINS = {" or ": N_(" or "), " and ": N_(" and ")}  # clauses joined ('it is not a loan or …')
# How a value relates to a bound: 'above the 5 % limit', 'within the limit of 12 days'.
RELATIONS = (
    N_("below the {value} {bound}"),
    N_("at the {value} {bound}"),
    N_("above the {value} {bound}"),
    N_("within the {value} {bound}"),
    N_("not below the {value} {bound}"),
    N_("not above the {value} {bound}"),
    N_("below the {bound} of {value}"),
    N_("at the {bound} of {value}"),
    N_("above the {bound} of {value}"),
    N_("within the {bound} of {value}"),
    N_("not below the {bound} of {value}"),
    N_("not above the {bound} of {value}"),
    N_("before {value}"),
    N_("on {value}"),
    N_("after {value}"),
)
BOUNDS = {"limit": N_("limit"), "minimum": N_("minimum"), "threshold": N_("threshold")}
SCORES = (N_("{free} scores {number}"), N_("{free} is not counted"))
VALUES = {
    "yes": N_("yes"),
    "no": N_("no"),
    "partially": N_("partially"),
    "not given": N_("not given"),
    "none": N_("none"),
    "met": N_("met"),
    "partly met": N_("partly met"),
    "not met": N_("not met"),
    "not applicable": N_("not applicable"),
    "not assessed": N_("not assessed"),
}
# kinds of product, as the evidence schema's x-words name them
VALUES |= {
    "a loan": N_("a loan"),
    "a savings product": N_("a savings product"),
    "insurance": N_("insurance"),
    "a payment service": N_("a payment service"),
    "a remittance service": N_("a remittance service"),
    "a non-financial service": N_("a non-financial service"),
}
UNITS = {"day": N_("day"), "days": N_("days"), "month": N_("month"), "months": N_("months")}
UNITS |= {"year": N_("year"), "years": N_("years")}
# Titles of facts built from a Green Index question id: 'answer to GI 0.2.4'.
GI_TITLES = (
    N_("answer to GI {free}"),
    N_("answers to GI {free}"),
    N_("details given for GI {free}"),
    N_("figures shown for GI {free}"),
    N_("figure {free} of GI {free2}"),
)
GI_TITLE = (
    r"(answers? to|details given for|figures shown for|figure \S+ of|number of answers to) GI .*"
)
TITLE_CONTEXT = "fact title"  # the catalogue's msgctxt of the evidence schema's titles
# The phrases that make a noun of a title: 'the number of answers to GI 1.1.2'.
NOUNS = (N_("the number of {title}"), N_("the {title}"), N_("its {title}"))
_NUMBER_OF, _THE, _ITS = NOUNS
ARTICLES = {
    "fr": ("le ", "la ", "les ", "l'", "l’"),
    "es": ("el ", "la ", "los ", "las "),
}
# what a template's article meets: 'au-dessus de le minimum' → 'au-dessus du minimum'
CONTRACTIONS = {
    "fr": ((" de le ", " du "), (" de les ", " des "), (" à le ", " au "), (" à les ", " aux ")),
    "es": ((" de el ", " del "), (" a el ", " al ")),
}
_TOKEN = "\x00{}\x00"  # noqa: S105 (a placeholder, not a password)
SENTENCE_END = re.compile(r"(?<=[.!?\x00])\s+(?=[A-Z\x00])")


def translated_words(text: str, free: Sequence[str] = ()) -> str:
    """`text` (an explanation in English plain words) said in the language in force.

    Args:
        text: sentences as engine.evaluate writes them.
        free: the free text inside them (comments, reasons, names), put back as written.
    """
    if current_language() == SOURCE or not text:
        return text
    kept: list[str] = []
    for part in sorted({p for p in free if p and p in text}, key=len, reverse=True):
        text = text.replace(part, _TOKEN.format(len(kept)))
        kept.append(part)
    said = " ".join(_sentence(s) for s in SENTENCE_END.split(text))
    for long, short in CONTRACTIONS.get(current_language(), ()):
        said = said.replace(long, short)
    for number, part in enumerate(kept):
        said = said.replace(_TOKEN.format(number), part)
    return said


def _sentence(text: str) -> str:
    if text.endswith("\x00"):  # free text that ends with its own full stop
        said = _sentence(text + ".")
        return said[:-1] if said.endswith("\x00.") else said
    found = _fill(SENTENCES, text)
    if found is not None:
        return found
    changed = _changed(text)
    if changed is not None:
        return changed
    if text.endswith("."):
        clause = _clause(_lower(text[:-1]))
        if clause is not None:
            return _upper(clause) + "."
    return text


def _changed(text: str) -> str | None:
    """An override's sentence: who changed the result to what, when, where and why."""
    match = re.fullmatch(
        r"The result was changed to (?P<status>[a-z ]+?)(?P<by> by .+?)?(?P<on> on \d{4}-\d\d-\d\d)?"
        r"(?P<via> \(given for [^)]*\))?(?P<reason>: .*)?\.",
        text,
        re.S,
    )
    if match is None:
        return None
    rest = ""
    if match["by"]:
        rest += _(CHANGED_BY).format(free=match["by"][4:])
    if match["on"]:
        rest += _(CHANGED_ON).format(free=_date(match["on"][4:]))
    if match["via"]:
        rest += _(GIVEN_FOR).format(free=match["via"][12:-1])
    rest += _punctuated(match["reason"] or "")
    return _(CHANGED).format(status=_value(match["status"]), free=rest)


def _clause(text: str) -> str | None:
    found = _fill(CLAUSES, text)
    if found is not None or "(" in text:
        return found
    for glue, said in JOINS.items():  # 'it is not a loan or its upfront fee is at most 3 %'
        parts = text.split(glue)
        if len(parts) > 1:
            each = [_clause(p) for p in parts]
            return None if None in each else _(said).join(p for p in each if p is not None)
    return None


def _fill(templates: Sequence[str], text: str) -> str | None:
    """The first template `text` fits, said in the language in force with its values; else None."""
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match is None:
            continue
        values: dict[str, str] = {}
        for name, value in match.groupdict().items():
            said = _say(name, value)
            if said is None:
                break
            values[name] = said
        else:
            return _(template).format(**values)
    return None


_GROUPS = {"bound": "(?P<bound>[a-z]+)", "number": r"(?P<number>[\d.,]+)"}


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else _GROUPS.get(part, f"(?P<{part}>.+?)")
        for i, part in enumerate(parts)
    )
    return re.compile(regex, re.S)


def _say(name: str, value: str) -> str | None:
    """A value said again by its kind (the placeholder's name); None if it cannot be."""
    kind = name.rstrip("0123456789")
    say: Callable[[str], str | None] = _SAY[kind]
    return say(value)


def _free(value: str) -> str:
    return value


def _status(value: str) -> str | None:
    return _(VALUES[value]) if value in VALUES else None


def _framework(value: str) -> str:
    return value


def _scores(value: str) -> str | None:
    parts = [_fill(SCORES, p) for p in value.split(", ")]
    return None if None in parts else ", ".join(p for p in parts if p is not None)


def _number(value: str) -> str:
    """'7.1' → '7,1', '1,250,000' → '1 250 000' (French) or '1.250.000' (Spanish)."""
    if not re.fullmatch(r"-?[\d,]*\d(\.\d+)?", value):
        return value
    whole, _dot, decimals = value.partition(".")
    group = "\u202f" if current_language() == "fr" else "."
    whole = whole.replace(",", group)
    return f"{whole},{decimals}" if decimals else whole


def _value(value: str) -> str | None:
    """A value in words: yes/no, a status, a number in its unit, a date; else as it is."""
    if value in VALUES:
        return _(VALUES[value])
    match = re.fullmatch(r"(-?[\d,]*\d(?:\.\d+)?)( %| [a-z]+)?", value)
    if match is not None:
        unit = (match[2] or "").strip()
        if unit and unit != "%" and unit not in UNITS:
            return None
        said_unit = " %" if unit == "%" else f" {_(UNITS[unit])}" if unit else ""
        return _number(match[1]) + said_unit
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return _date(value)
    if value.startswith("'") and value.endswith("'"):
        return f"« {value[1:-1]} »" if current_language() == "fr" else f"«{value[1:-1]}»"
    return _noun_words(value)  # another fact: 'its inflation rate'


def _values(value: str) -> str | None:
    parts = re.split(r", | and ", value)
    said = [_value(p) or _noun_words(p) for p in parts]
    if None in said:
        return None
    return _joined([s for s in said if s is not None])


def _date(value: str) -> str:
    from engine.i18n import date_text

    return date_text(value)


def _relations(value: str) -> str | None:
    parts = re.split(r"(, but | and )", value)
    said: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:
            said.append(_(", but ") if part == ", but " else _(" and "))
            continue
        found = _relation(part)
        if found is None:
            return None
        said.append(found)
    return "".join(said)


def _relation(text: str) -> str | None:
    for template in RELATIONS:
        match = _pattern(template).fullmatch(text)
        if match is None:
            continue
        bound = match.groupdict().get("bound")
        if bound is not None and bound not in BOUNDS:
            continue
        value = _value(match["value"])
        if value is None:
            continue
        return _(template).format(value=value, bound=_(BOUNDS[bound]) if bound else "")
    return None


def _clause_value(value: str) -> str | None:
    """A clause inside a sentence ('… needs: PAR30 is at most 5 %'), or clauses joined by ';'."""
    parts = [_clause(p) for p in value.split("; ")]
    return None if None in parts else "; ".join(_lower(p) for p in parts if p is not None)


def _title(title: str) -> str | None:
    """A fact's title in the language in force, with its article ('la réponse à GI 0.2.4')."""
    translated = pgettext(TITLE_CONTEXT, title)
    if translated != title:
        return translated
    for template in GI_TITLES:
        match = _pattern(template).fullmatch(title)
        if match is not None:
            return _(template).format(**match.groupdict())
    return None


def _bare(phrase: str) -> str:
    """The phrase without its article: 'réponse à GI 0.2.4'."""
    for article in ARTICLES.get(current_language(), ()):
        if phrase.startswith(article):
            return phrase[len(article) :]
    return phrase


def _noun_words(value: str) -> str | None:
    """A noun phrase: 'the number of answers to GI 1.1.2', 'PAR30', 'the rural share of clients'."""
    if value[:1].isupper() or value[:1].isdigit():
        return _title(value) or (value if " " not in value else None)
    for template in (_THE, _NUMBER_OF, _ITS):
        match = _pattern(template).fullmatch(value)
        if match is None:
            continue
        found = _title(match["title"])
        if found is None:
            continue
        if template == _NUMBER_OF:
            return _(template).format(title=_bare(found))
        if template == _ITS:
            return _possessive(found)
        return found
    return None


def _possessive(phrase: str) -> str:
    """'la réponse' → 'sa réponse', 'los datos' → 'sus datos'."""
    table = {
        "fr": {"le ": "son ", "la ": "sa ", "les ": "ses ", "l'": "son ", "l’": "son "},
        "es": {"el ": "su ", "la ": "su ", "los ": "sus ", "las ": "sus "},
    }.get(current_language(), {})
    for article, own in table.items():
        if phrase.startswith(article):
            return own + phrase[len(article) :]
    return phrase


def _noun_capital(value: str) -> str | None:
    """A title that opens a clause ('Written social strategy: yes'), without its article."""
    found = _title(_lower(value))
    if found is None and value != _lower(value):
        found = _title(value)
    return None if found is None else _upper(_bare(found))


def _nouns(value: str) -> str | None:
    parts = [_noun_words(p) for p in re.split(r", | and ", value)]
    if None in parts:
        return None
    return _joined([p for p in parts if p is not None])


def _joined(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])}{_(' and ')}{parts[-1]}"


def _punctuated(reason: str) -> str:
    """': text' with the French space before the colon."""
    if not reason:
        return ""
    return (" :" if current_language() == "fr" else ":") + reason[1:]


def _lower(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or first[1].isdigit()):
        return text
    return text[:1].lower() + text[1:]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


_SAY: dict[str, Callable[[str], str | None]] = {
    "free": _free,
    "status": _status,
    "answer": _status,
    "framework": _framework,
    "scores": _scores,
    "number": _number,
    "clause": _clause_value,
    "nouns": _nouns,
    "noun": _noun_words,
    "Noun": _noun_capital,
    "value": _value,
    "values": _values,
    "relations": _relations,
}
