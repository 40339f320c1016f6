"""The audit-trail sentences of scoring.py and credits.py in the contract's language.

The templates live in explanations.yaml (one entry per sentence, one text per language, named
placeholders); the figures in them are written here with scorecard/numbers.py, the same marks the
scorecards and the deck use: "12 % x 480,000 EUR" in English, "12 % x 480 000 EUR" in French.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from . import money as money_
from . import numbers
from .errors import ScorecardError
from .units import UnitError, parse_target

# Durations as a sentence says them: the largest unit the value spans at least twice.
_DURATION_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    """explanations.yaml as {"group.name": {lang: text}} (read once per process)."""
    text = resources.files("scorecard").joinpath("explanations.yaml").read_text(encoding="utf-8")
    return {f"{group}.{name}": entry for group, entries in yaml.safe_load(text).items()
            for name, entry in entries.items()}


def sentence(key: str, lang: str, **values: Any) -> str:
    """The template `key` in `lang` with its `{name}` placeholders filled from `values`."""
    try:
        text = templates()[key][lang]
    except KeyError:
        raise ScorecardError(f"no explanation {key!r} in language {lang!r} "
                             "(scorecard/explanations.yaml)") from None
    return text.format(**values)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def plain(x: float, lang: str) -> str:
    """A weight or band as a contract writes it: 12.0 -> '12', 12.5 -> '12.5' ('12,5')."""
    return numbers.short(x, lang)


def percent(fraction: float, lang: str) -> str:
    """0.12 -> '12 %', 0.035 -> '3.5 %' ('3,5 %' in French)."""
    return sentence("format.percent", lang, value=numbers.short(100 * fraction, lang, 4))


def money(amount: float | Decimal, currency: str, lang: str) -> str:
    """480000 -> '480,000 EUR' ('480 000 EUR'); the currency's decimals only when the amount has a
    fraction (10,017.39 EUR, 1.500 KWD); NaN -> '? EUR'."""
    if _missing(amount):
        return sentence("format.money", lang, amount="?", currency=currency)
    exact = money_.exact(amount)
    decimals = 0 if exact == exact.to_integral_value() else money_.minor_unit(currency)
    return sentence("format.money", lang, amount=numbers.number(exact, decimals, lang), currency=currency)


def minor_unit(currency: str, lang: str) -> str:
    """What an amount of the currency is rounded to: 'cent' for EUR, 'whole unit' for JPY."""
    digits = money_.minor_unit(currency)
    key = {0: "zero", 2: "two"}.get(digits, "other")
    return sentence(f"minor_unit.{key}", lang, digits=digits)


def value(x: float, unit: str, lang: str) -> str:
    """A value in base units as a person reads it: rates in %, durations in s / min / h / d."""
    if _missing(x):
        return sentence("word.no_value", lang)
    if unit == "rate":
        return sentence("format.percent", lang, value=numbers.number(100 * x, 1, lang, group=False))
    if unit == "duration":
        for size, name in _DURATION_UNITS:
            if abs(x) >= 2 * size:
                return _quantity(x / size, 1, name, lang)
        return _quantity(x, 0, "second", lang)
    if unit == "count":
        return numbers.number(x, 0, lang)
    if unit in ("money", "ratio"):
        return numbers.number(x, 2, lang)
    return numbers.number(x, 1, lang, group=False)


def threshold(text: str, unit: str, lang: str) -> str:
    """A contract comparison as a sentence says it after "a minimum of": '>= 70%' -> '70 %',
    '<= 30s' -> 'at most 30 s' ('au plus 30 s'); text that does not parse is kept as written."""
    try:
        target = parse_target(text)
    except UnitError:
        return text
    if unit == "rate":
        shown = percent(target.value, lang)
    elif unit == "duration":
        size, name = next(((s, n) for s, n in _DURATION_UNITS if abs(target.value) >= 2 * s), (1, "second"))
        shown = sentence("format.quantity", lang, value=numbers.short(target.value / size, lang, 4),
                         unit=numbers.unit_name(name, lang))
    else:
        shown = numbers.short(target.value, lang)
    return sentence(f"threshold.{target.op}", lang, value=shown)


def ordinal(n: int, lang: str) -> str:
    """2 -> 'second' ('deuxième'), 5 -> '5th' ('5e')."""
    key = str(n) if f"ordinal.{n}" in templates() else "other"
    return sentence(f"ordinal.{key}", lang, n=n)


def _quantity(x: float, decimals: int, unit: str, lang: str) -> str:
    return sentence("format.quantity", lang, value=numbers.number(x, decimals, lang, group=False),
                    unit=numbers.unit_name(unit, lang))


def listing(items: list[str], lang: str) -> str:
    """['a', 'b', 'c'] -> 'a, b and c' ('a, b et c')."""
    if len(items) == 1:
        return items[0]
    return sentence("format.listing", lang, items=", ".join(items[:-1]), last=items[-1])
