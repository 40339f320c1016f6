"""The business-hour clock as a join: one table per calendar, keyed by 15-minute UTC bucket.

Each row carries the local day the bucket falls in (every time zone's offset is a multiple of
15 minutes, so a bucket never straddles two local days) and that day's business data from
kpis/business_time.BusinessClock, built DST-safe from the contract: business seconds before the
day, each opening interval as absolute instants and lengths, closing time, next business day.
B(t) = cum_before + sum_j clip(t - open_j, 0, len_j); a business duration is B(end) - B(start).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...contract.model import Calendar
from ..business_time import BusinessClock

BUCKET_NS = 900 * 1_000_000_000


def clock_table_name(calendar: str) -> str:
    return f"scorecard_clock_{calendar}"


def clock_table(calendar: Calendar, lo_ns: int, hi_ns: int) -> tuple[pd.DataFrame, int]:
    """(table, k): every bucket from `lo_ns` to `hi_ns` (with the clock's padding days), and the
    number of opening intervals per day."""
    clock = BusinessClock.build(calendar, pd.Timestamp(lo_ns, tz="UTC"), pd.Timestamp(hi_ns, tz="UTC"))
    days = len(clock.cum_before)
    first = pd.Timestamp(clock.first_day, unit="D").tz_localize(calendar.timezone, ambiguous=True,
                                                               nonexistent="shift_forward")
    last = pd.Timestamp(clock.first_day + days, unit="D").tz_localize(calendar.timezone, ambiguous=True,
                                                                      nonexistent="shift_forward")
    buckets = np.arange(first.value // BUCKET_NS, last.value // BUCKET_NS)
    local = pd.to_datetime(buckets * BUCKET_NS, utc=True).tz_convert(calendar.timezone).tz_localize(None)
    day = local.to_numpy(dtype="datetime64[D]").astype("int64") - clock.first_day
    keep = (day >= 0) & (day < days)
    buckets, day = buckets[keep], day[keep]
    k = clock.opens.shape[1]
    nxt = clock.next_business[day]
    out = {"bucket": buckets, "day": day + clock.first_day, "cum_before": clock.cum_before[day],
           "last_close": clock.last_close[day],
           "next_day": np.where(np.isnan(nxt), np.nan, nxt + clock.first_day)}
    for j in range(k):
        out[f"o{j}"] = clock.opens[day, j]
        out[f"l{j}"] = clock.lengths[day, j]
    return pd.DataFrame(out), k


def business_seconds(alias: str, ts: str, k: int) -> str:
    """SQL of B(t) for an epoch-ns expression `ts` joined to the clock table under `alias`."""
    t = f"(CAST({ts} AS DOUBLE) / 1e9)"
    within = " + ".join(f"LEAST(GREATEST({t} - {alias}.o{j}, 0.0), {alias}.l{j})" for j in range(k))
    return f"(CASE WHEN {ts} IS NOT NULL THEN {alias}.cum_before + ({within}) END)"


def bucket_of(ts: str) -> str:
    return f"({ts} // {BUCKET_NS})"  # integer division: exact at every day boundary
