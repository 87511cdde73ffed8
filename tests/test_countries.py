"""The country codes evidence may name are Babel's (CLDR) two-letter territories, no more, no fewer."""

from __future__ import annotations

from babel import Locale

from engine.countries import CODES


def test_the_country_codes_are_babels_two_letter_territories() -> None:
    babel = {c for c in map(str, Locale("en").territories) if len(c) == 2 and c.isalpha()}
    assert sorted(CODES - babel) == []
    assert sorted(babel - CODES) == []
    assert {"KE", "HT", "BO", "FJ"} <= CODES
