"""interval_service_level on the pandas engine: the share of a period's intervals (half hours by
default) whose own service level meets `interval_target`, as outsourcing schedules word it ("80/20
in at least 90 % of the half hours of opening hours": a monthly average hides the Monday mornings).

Each interval's service level is the service_level formula itself (interactions.py registers
`per_interval(service_level)`: same filter, short-abandon exclusion and threshold edge), summed
per interval and per entity of every grain. An interval becomes one row of a small table: `counted` when it has at least
`min_offered` offered contacts, a defined service level (some contact left in its denominator)
and, with a calendar, a start inside opening hours; `met` when counted and its service level
meets the target (inclusive, as Target.met). The engine's ordinary sums then give each period and
entity met / counted, with n = counted.

Why one correction row per month: the engine adds every row of a source into the vendor total
and a grain's rows into that grain's entities. An interval row of a grain (team T's contacts in
10:00-10:30) has the other grains empty, so it reaches T and the vendor total only; the month's
correction row holds minus the sum of those rows, so the vendor total counts the vendor's own
intervals (all its contacts together) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..contract.model import GRAINS, KpiSpec
from . import formulas
from .business_time import BusinessClock, local_day_numbers
from .aggregate import Codes
from .derive import InteractionRows
from .measure import Measure, NotMeasurable, RowSource

Formula = Callable[[KpiSpec, InteractionRows, RowSource, np.ndarray], "Measure | NotMeasurable"]

GRAIN_COLUMNS = tuple(g for g in GRAINS if g != "vendor")
NS = 1_000_000_000


def slots(created: pd.Series, timezone: str, interval_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(wall start, UTC offset) in ns of each contact's interval: local wall time floored to the
    interval (it divides 24 h, so floors fall on local midnight), keyed with the offset in force, so
    the repeated hour of a 25-hour day gives two intervals and a 23-hour day has two fewer."""
    utc = created.to_numpy(dtype="datetime64[ns]").astype("int64")
    wall = created.dt.tz_convert(timezone).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype("int64")
    step = interval_ns(interval_s)
    return wall - wall % step, wall - utc


def interval_ns(interval_s: float) -> int:
    return round(interval_s * NS)


def opens_at(clock: BusinessClock, start_ns: np.ndarray) -> np.ndarray:
    """Whether each instant lies inside the calendar's opening hours (opening inclusive, closing
    exclusive: an interval starting at closing time is after hours)."""
    if not len(start_ns):
        return np.zeros(0, dtype=bool)
    day = local_day_numbers(pd.Series(pd.to_datetime(start_ns, utc=True)), clock.calendar.timezone)
    i = (day - clock.first_day).astype("int64")
    t = (start_ns.astype("float64") / NS)[:, None]
    return ((t >= clock.opens[i]) & (t < clock.opens[i] + clock.lengths[i])).any(axis=1)


def interval_flags(offered: np.ndarray, num: np.ndarray, den: np.ndarray, open_: np.ndarray,
                   kpi: KpiSpec) -> tuple[np.ndarray, np.ndarray]:
    """(met, counted) of intervals from their offered contacts and service-level sums (formulas.py)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        level = num / np.where(den > 0, den, 1.0)
    return formulas.interval_flags(kpi, offered, den, level, open_)


def per_interval(formula: Formula) -> Formula:
    """The interval version of a per-contact rate builder (interactions.service_level): interactions.py
    registers `per_interval(service_level)`, so the formula is the one service_level uses."""
    def build(kpi: KpiSpec, rows: InteractionRows, src: RowSource, base: np.ndarray) -> Measure | NotMeasurable:
        sl = formula(kpi, rows, src, base)
        if isinstance(sl, NotMeasurable):
            return sl
        if sl.num is None or sl.den is None:
            raise TypeError(f"per_interval needs a ratio builder, not {formula.__name__}")
        return _measure(kpi, rows, src, base, sl.num, sl.den)
    return build


def _measure(kpi: KpiSpec, rows: InteractionRows, src: RowSource, base: np.ndarray, num: np.ndarray,
             den: np.ndarray) -> Measure:
    """Offered contacts -> interval rows of every grain -> the engine's source of met / counted."""
    frame = src.frame
    offered = np.flatnonzero(base & rows.live & frame["created_at"].notna().to_numpy())
    start, offset = slots(frame["created_at"].iloc[offered], rows.contract.timezone, kpi.params["interval"])
    contacts = pd.DataFrame({"_start": start, "_offset": offset, "_month": src.months.codes[offered],
                             "_num": num[offered].astype("float64"), "_den": den[offered].astype("float64")})
    grains = [g for g in GRAIN_COLUMNS if g in frame]
    for g in grains:
        contacts[g] = frame[g].astype("string").iloc[offered].to_numpy()
    levels = [_intervals(contacts, [])] + [_intervals(contacts, [g]) for g in grains]
    calendar = kpi.params.get("calendar")
    clock = rows.clock(calendar) if calendar else None
    for level in levels:
        open_ = (opens_at(clock, (level["_start"] - level["_offset"]).to_numpy()) if clock is not None
                 else np.ones(len(level), dtype=bool))
        met, counted = interval_flags(level["_offered"].to_numpy(), level["_num"].to_numpy(),
                                      level["_den"].to_numpy(), open_, kpi)
        level["_met"], level["_counted"] = met.astype("float64"), counted.astype("float64")
    table = pd.concat([*levels, _correction(levels[1:])], ignore_index=True)
    for g in grains:
        table[g] = table[g].astype("string")
    # the engine caches group indexes by source name: one name per clause
    source = RowSource(f"intervals of {kpi.id} {kpi.params} {kpi.filter}", table[grains],
                       Codes(table["_month"].to_numpy(dtype=np.int64), src.months.values))
    return Measure(source, np.ones(len(table), dtype=bool), num=table["_met"].to_numpy(dtype="float64"),
                   den=table["_counted"].to_numpy(dtype="float64"))


def _intervals(contacts: pd.DataFrame, grain: list[str]) -> pd.DataFrame:
    """One row per interval (and entity of `grain`): offered contacts and service-level sums; a
    contact with no entity at the grain belongs to no interval of it."""
    return contacts.groupby(["_start", "_offset", "_month", *grain], sort=False, observed=True).agg(
        _offered=("_num", "size"), _num=("_num", "sum"), _den=("_den", "sum")).reset_index()


def _correction(grain_levels: list[pd.DataFrame]) -> pd.DataFrame:
    """Per month, minus the grains' interval rows: they leave the vendor total (see the module doc)."""
    if not grain_levels:
        return pd.DataFrame(columns=["_month", "_met", "_counted"])
    rows = pd.concat([level[["_month", "_met", "_counted"]] for level in grain_levels], ignore_index=True)
    sums = rows.groupby("_month", sort=False).sum()
    return (-sums).reset_index()
