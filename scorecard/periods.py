"""Reporting periods: months `YYYY-MM`, quarters `YYYY-Qn` and years `YYYY`, in the contract's time zone.

One module decides which period a timestamp belongs to, so KPIs, QA, workforce, credits and trends
agree on period boundaries (DST included: boundaries are local midnights).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ScorecardError

MONTH, QUARTER, YEAR = "month", "quarter", "year"
QUARTERLY = "quarterly"  # kpis.ID.measured: judged on its quarter's rows, in the quarter's last month
_PATTERNS = {
    MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    YEAR: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    label: str
    kind: str
    first_month: str  # YYYY-MM
    last_month: str  # YYYY-MM

    def months(self) -> list[str]:
        return months_between(self.first_month, self.last_month)


def parse_period(text: str) -> Period:
    """'2026-03' | '2026-Q1' | '2026' -> Period; a clear error otherwise."""
    text = str(text).strip()
    for kind, pattern in _PATTERNS.items():
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if kind == MONTH:
            return Period(text, kind, text, text)
        if kind == QUARTER:
            q = int(m.group(2))
            return Period(text, kind, f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}")
        return Period(text, kind, f"{year}-01", f"{year}-12")
    raise ScorecardError(f"period {text!r} is not a month (2026-03), a quarter (2026-Q1) or a year (2026)")


def shift_month(month: str, k: int) -> str:
    """'2026-01' shifted by -1 -> '2025-12'."""
    y, m = int(month[:4]), int(month[5:7])
    idx = y * 12 + (m - 1) + k
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def quarter_of(month: str) -> str:
    """'2026-05' -> '2026-Q2': the quarter a month YYYY-MM is in."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def quarter_end(month: str) -> bool:
    """Whether the month YYYY-MM closes its quarter (March, June, September, December): the month a
    KPI measured quarterly is judged and credited in."""
    return int(month[5:7]) % 3 == 0


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive (empty when last < first)."""
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = shift_month(cur, 1)
    return out


def window(last_month: str, count: int) -> list[str]:
    """The `count` months ending with `last_month`: the trend window of cards, deck and scoring."""
    return months_between(shift_month(last_month, 1 - count), last_month)


def local_months(ts: pd.Series, timezone: str) -> pd.Series:
    """UTC timestamps -> 'YYYY-MM' labels of their month in the contract's time zone (NaT -> <NA>).

    Labels are built from integer month numbers and only formatted once per distinct month:
    strftime on millions of rows would cost seconds."""
    local = ts.dt.tz_convert(timezone)
    number = (local.dt.year * 12 + local.dt.month - 1).to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = pd.factorize(number, use_na_sentinel=True)
    names = np.array([f"{int(u) // 12:04d}-{int(u) % 12 + 1:02d}" for u in uniques] + [None], dtype=object)
    return pd.Series(names[codes], index=ts.index, dtype="string")


class Months:
    """The local month of each UTC timestamp as a code into `labels` (-1 for NaT), found by binary
    search among the months' starting instants: the months local_months gives, without converting
    every row to local time (the cost of the integrity facts and QA sections at millions of rows)."""

    def __init__(self, ts: pd.Series, timezone: str) -> None:
        ns = ts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT")).astype("int64")
        valid = ts.notna().to_numpy()
        ends = local_months(pd.Series([ts.min(), ts.max()]), timezone) if valid.any() else None
        self.labels = months_between(ends.iloc[0], ends.iloc[1]) if ends is not None else []
        starts = np.array([month_start_utc(m, timezone).value for m in self.labels], dtype="int64")
        self.codes = np.where(valid, np.searchsorted(starts, ns, side="right") - 1, -1)

    def label(self, codes: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(self.labels, dtype=object)[codes], dtype="string")


def month_to_period(months: pd.Series, kind: str) -> pd.Series:
    """Month labels -> labels of the enclosing quarter or year."""
    if kind == MONTH:
        return months
    if kind == YEAR:
        return months.str.slice(0, 4)
    quarter = ((months.str.slice(5, 7).astype("Int64") - 1) // 3 + 1).astype("string")
    return months.str.slice(0, 4) + "-Q" + quarter


def month_start_utc(month: str, timezone: str) -> pd.Timestamp:
    """The instant a local month starts, in UTC: its first day's midnight; where a clock change skips
    that midnight, the first instant after it (01:00), and where midnight happens twice, the earlier
    one (the day starts at the first). local_months puts every instant from there on in the month;
    a zone whose clocks change at midnight (America/Havana, 2026-11-01) no longer raises."""
    ts = pd.Timestamp(f"{month}-01").tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert("UTC")


def period_end_utc(period: Period, timezone: str) -> pd.Timestamp:
    """The exclusive end of a period: the instant the next month starts, in UTC."""
    return month_start_utc(shift_month(period.last_month, 1), timezone)
