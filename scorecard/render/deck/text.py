"""The deck's own words (from i18n.yaml) and the few formats only slides need.

Values, targets, statuses and KPI labels are formatted by render/format.py (shared with the HTML
scorecards, so a number reads the same on a card and on a slide); the phrases only the deck says live
in i18n.yaml's `deck` section, beside every other UI string, so a translator edits one file.
"""

from __future__ import annotations

import math

from ... import numbers
from ..format import LANGUAGES, MISSING, fmt_number, strings, t, typeset

LANGS = LANGUAGES

def word(key: str, lang: str, **values: object) -> str:
    """A slide word in the deck's language, with its {placeholders} filled: the deck's own phrase,
    else the UI string shared with the HTML scorecards (format.t), so common words agree; French
    typography as the cards have it (a no-break space before ':')."""
    phrases = strings()["deck"]
    if key not in phrases:
        return t(key, lang, **values)
    text = phrases[key][lang]
    return typeset(text.format(**values) if values else text, lang)


def fmt_share(value: float | None, lang: str, decimals: int = 0) -> str:
    """A fraction as a whole percentage ('40%', '40 %'): allocations and shares, where format.py's
    one-decimal KPI rates ('40.0%') would add noise."""
    if value is None or math.isnan(float(value)):
        return MISSING
    return numbers.marks(lang)["percent"].format(fmt_number(100 * float(value), decimals, lang))


