"""The deck's own words (from i18n.yaml) and the few formats only slides need.

Values, targets, statuses and KPI labels are formatted by render/format.py (shared with the HTML
scorecards, so a number reads the same on a card and on a slide); the phrases only the deck says live
in i18n.yaml's `deck` section, beside every other UI string, so a translator edits one file.
"""

from __future__ import annotations

import math

from ... import numbers
from ..format import LANGUAGES, MISSING, fmt_number, strings, t

LANGS = LANGUAGES

# Duration display units of chart axes: (i18n unit, seconds); an axis uses the largest unit its
# median reaches twice, so 450 s plots as 7.5 min and 2 days as 2.0 d.
DURATION_UNITS = (("day", 86400.0), ("hour", 3600.0), ("minute", 60.0), ("second", 1.0))


def word(key: str, lang: str, **values: object) -> str:
    """A slide word in the deck's language, with its {placeholders} filled: the deck's own phrase,
    else the UI string shared with the HTML scorecards (format.t), so common words agree."""
    phrases = strings()["deck"]
    if key not in phrases:
        return t(key, lang, **values)
    text = phrases[key][lang]
    return text.format(**values) if values else text


def duration_unit(seconds: float, lang: str) -> tuple[str, float]:
    """The axis unit of durations around `seconds`: ('h', 3600.0) for 7.5 h; seconds below 2 min."""
    unit, size = next((u for u in DURATION_UNITS if abs(seconds) >= 2 * u[1]), DURATION_UNITS[-1])
    return numbers.unit_name(unit, lang), size


def fmt_share(value: float | None, lang: str, decimals: int = 0) -> str:
    """A fraction as a whole percentage ('40%', '40 %'): allocations and shares, where format.py's
    one-decimal KPI rates ('40.0%') would add noise."""
    if value is None or math.isnan(float(value)):
        return MISSING
    return numbers.marks(lang)["percent"].format(fmt_number(100 * float(value), decimals, lang))


