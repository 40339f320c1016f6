"""Time arithmetic for the generator, on float epoch seconds (UTC) so millions of rows stay vectorised.

`Clock` answers "when is it after N seconds of opening time?" for a weekly schedule with holidays:
that is how an e-mail written on Saturday night gets its reply on Monday morning. `slots` describes
the month's 30-minute local intervals (DST-aware) on which the arrival curves are drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .setting import HOLIDAYS, TIMEZONE, Hours

SLOT_S = 1800.0
DAY_S = 86400.0


def epoch(index: pd.DatetimeIndex) -> np.ndarray:
    """Tz-aware instants -> float epoch seconds."""
    return index.as_unit("s").asi8.astype(np.float64)


def local_midnight(day: str) -> float:
    """Epoch seconds of local midnight starting `day` ('YYYY-MM-DD' or 'YYYY-MM')."""
    return float(epoch(pd.DatetimeIndex([pd.Timestamp(day)]).tz_localize(TIMEZONE))[0])


def month_end(month: str) -> float:
    """Epoch seconds of the local midnight that ends `month` (the next month's start)."""
    return local_midnight(str((pd.Period(month, "M") + 1)))


def slots(month: str) -> pd.DataFrame:
    """The month's 30-minute local intervals: start (epoch s), hour (local, fractional), weekday, holiday."""
    start = pd.Timestamp(month).tz_localize(TIMEZONE)
    stop = pd.Timestamp(str(pd.Period(month, "M") + 1)).tz_localize(TIMEZONE)
    idx = pd.date_range(start, stop, freq="30min", inclusive="left")
    days = idx.tz_localize(None).normalize()
    return pd.DataFrame({
        "start": epoch(idx),
        "hour": idx.hour + idx.minute / 60.0,
        "weekday": idx.day_of_week,
        "holiday": days.isin(pd.DatetimeIndex(HOLIDAYS)),
    })


class Clock:
    """Opening intervals of a schedule over a date range, with open-time <-> wall-time conversion."""

    def __init__(self, hours: Hours, first_day: str, last_day: str,
                 holiday_hours: tuple[float, float] | None = None) -> None:
        days = pd.date_range(first_day, last_day, freq="D")
        holiday = days.isin(pd.DatetimeIndex(HOLIDAYS))
        opening = np.full((len(days), 2), np.nan)
        for weekday, (o, c) in hours.items():
            opening[days.day_of_week == weekday] = (o, c)
        opening[holiday] = holiday_hours if holiday_hours else np.nan
        keep = ~np.isnan(opening[:, 0])
        days, opening = days[keep], opening[keep]

        def at(h: np.ndarray) -> np.ndarray:
            return epoch((days + pd.to_timedelta(h, unit="h")).tz_localize(TIMEZONE))

        self.opens, self.closes = at(opening[:, 0]), at(opening[:, 1])
        self.cum = np.concatenate([[0.0], np.cumsum(self.closes - self.opens)[:-1]])

    def open_seconds(self, t: np.ndarray) -> np.ndarray:
        """Opening seconds elapsed since the clock's first day at each instant."""
        i = np.clip(np.searchsorted(self.opens, t, side="right") - 1, 0, None)
        inside = np.clip(t - self.opens[i], 0.0, self.closes[i] - self.opens[i])
        return np.where(t < self.opens[0], 0.0, self.cum[i] + inside)

    def wall(self, b: np.ndarray) -> np.ndarray:
        """Inverse of open_seconds: the instant when `b` opening seconds have elapsed (NaN stays NaN)."""
        j = np.clip(np.searchsorted(self.cum, np.nan_to_num(b), side="right") - 1, 0, None)
        return np.where(np.isnan(b), np.nan, self.opens[j] + (b - self.cum[j]))

    def add(self, t: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """t plus `seconds` of opening time: work that starts outside hours waits for the next opening."""
        return self.wall(self.open_seconds(t) + seconds)
