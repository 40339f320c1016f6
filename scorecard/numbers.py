"""Numbers as a reader of each language writes them: the one core behind the HTML scorecards and
the deck (render/format.py) and the explanations written by scoring.py and credits.py (explain.py).

"12,345.6" in English, "12 345,6" in French (a no-break space groups thousands), percent signs and
unit names per language. The marks come from numbers.yaml, read here once, so a figure cannot
read one way on a card and another way in an audit sentence.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

NBSP = "\u00a0"
_SYMBOLS = {"EUR": "\u20ac", "USD": "$", "GBP": "\u00a3"}


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """The parsed numbers.yaml (cached: it is read once per process)."""
    return yaml.safe_load(resources.files("scorecard").joinpath("numbers.yaml").read_text(encoding="utf-8"))


def marks(lang: str) -> dict[str, str]:
    """The language's `decimal` and `group` marks and its `percent` pattern."""
    return tables()["number"][lang]


def unit_name(unit: str, lang: str) -> str:
    """A unit's short name in the language: unit_name('day', 'fr') -> 'j'."""
    return tables()["units"][unit][lang]


def localize(text: str, lang: str) -> str:
    """A number Python wrote ("12,345.6") with the language's marks instead ("12 345,6")."""
    m = marks(lang)
    return text.replace(",", "\0").replace(".", m["decimal"]).replace("\0", m["group"])


def number(value: float | Decimal, decimals: int, lang: str, *, group: bool = True) -> str:
    """A plain number with fixed decimals, grouped by thousands unless `group` is False."""
    return localize(f"{value:{',' if group else ''}.{decimals}f}", lang)


def short(value: float, lang: str, significant: int = 6) -> str:
    """As few digits as the value needs, no grouping: 12.0 -> '12', 12.5 -> '12.5' ('12,5' in fr)."""
    return localize(f"{value:.{significant}g}", lang)


def percent(value_percent: float, decimals: int, lang: str) -> str:
    """A value already in percent with the language's sign: '85.2%' / '85,2 %'."""
    return marks(lang)["percent"].format(number(value_percent, decimals, lang))


def cents(amount: float) -> int:
    """Decimals a money amount needs: 2 when it has cents, else 0."""
    return 0 if abs(amount - round(amount)) < 0.005 else 2


def money(value: float, lang: str, currency: str = "", decimals: int = 2) -> str:
    """Money with its currency symbol: "€4.20" in English, "4,20 €" in French; unknown codes as "4.20 XYZ"."""
    text = number(value, decimals, lang)
    symbol = _SYMBOLS.get(currency.upper())
    if symbol and lang == "en":
        return f"{symbol}{text}"
    sign = symbol or currency
    return f"{text}{NBSP}{sign}" if sign else text
