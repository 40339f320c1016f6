"""The monthly fee as people write money: 480,000 or 480 000 or 480.000,00 each get the plain-number
fix rather than a bare "expected a number", and the trillion bound is named only when it is passed.

Kept apart from loader.py so an amendment's `{monthly_fee: 520,000}` (split by YAML at the comma)
gets the same words from amendments.py, which loader.py imports.
"""

from __future__ import annotations

import re
from typing import Any

from ..yamlread import Path
from .fields import Fields

MAX_FEE = 1e12  # no outsourcing contract bills a trillion a month; more is a typo in the digits
#: 480,000 or 480 000 or 480.000,00 or 480'000: thousands grouped, optional 2-digit cents
_SEPARATED = re.compile(r"^\d{1,3}(?:([,. '\u00a0\u202f])\d{3})(?:\1\d{3})*(?:[.,]\d{2})?$")
_SEPARATORS = str.maketrans("", "", ",. '\u00a0\u202f")


def _plain(written: str) -> str:
    """'480.000,00' -> '480000': the cents dropped, then every separator."""
    return re.sub(r"[.,]\d{2}$", "", written).translate(_SEPARATORS)


def plain_fee(digits: str) -> str:
    """The fix for a fee written with thousands separators, as people write money."""
    return f"write the fee as a plain number: {digits} (no thousands separator)"


def read_fee(f: Fields, value: Any, path: Path) -> float | None:
    """`monthly_fee`: a plain number, not negative, below a trillion; each slip gets its own fix."""
    written = value.strip() if isinstance(value, str) else ""
    if _SEPARATED.match(written):
        f.add(path, f'cannot read "{written}" as a number', plain_fee(_plain(written)))
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        f.add(path, f"{value:g}: a monthly fee must be positive", "write the fee the contract bills each month, "
                                                                 "e.g. monthly_fee: 480000")
        return None
    big = isinstance(value, (int, float)) and value > MAX_FEE
    return f.number(value, path, minimum=0, maximum=MAX_FEE,
                    hint="a monthly fee above a trillion is not plausible: check the digits" if big
                    else "write the fee as a plain number, e.g. monthly_fee: 480000")


def split_fee(f: Fields, raw: Any, path: Path) -> tuple[Any, ...]:
    """`{monthly_fee: 520,000}`: in a flow mapping YAML splits at the comma, leaving the fee 520 and a
    key '000'. Said as the fee written with a thousands separator, not as an unknown field; returns the
    stray keys (none when the fee is not split)."""
    if not isinstance(raw, dict):
        return ()
    stray = tuple(k for k in raw if re.fullmatch(r"\d{3}", str(k)) and raw[k] is None)
    fee = raw.get("monthly_fee")
    if not stray or not isinstance(fee, int):
        return ()
    f.add(path + (stray[0],), f"monthly_fee: {fee},{','.join(str(k) for k in stray)} is read as {fee} and a "
                              f"field '{stray[0]}': in {{...}} a comma separates fields",
          plain_fee(f"{fee}{''.join(str(k) for k in stray)}"), key=True)
    return stray
