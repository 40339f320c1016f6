"""Repeat contacts for first-contact resolution (KPIS.md convention 10).

A contact is repeated when a later interaction of the same customer (any channel, handled or not,
any period) with the same reason when both rows have one, is created at most `window` after it.
Contacts are sorted once by (customer, time); each one is then compared with its 1st, 2nd, ...
successor while some successor is still the same customer within the window (the 1st on slices
of the sorted columns, the others on the positions still open). The number of passes
is the largest number of contacts one customer makes within a window, so it stays a handful.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .idcodes import id_codes


def repeat_flags(df: pd.DataFrame, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(repeated, window_open) per row of the clean interactions table.

    window_open is True where the contact's window ends after the latest created_at in the data, so
    a repeat may still arrive: the value is provisional.
    """
    t = df["created_at"].to_numpy(dtype="datetime64[ns]").astype("int64")
    window = int(round(window_s * 1e9))
    # int32 codes (a customer or reason code never reaches 2**31): half the memory of the sorted copies
    customer = id_codes(df["customer_id"])
    reason = (pd.factorize(df["reason"], use_na_sentinel=True)[0] if "reason" in df
              else np.full(len(df), -1)).astype(np.int32)
    order = _by_customer_and_time(customer, t)
    c, tt, r = customer[order], t[order], reason[order]
    found = np.zeros(len(order), dtype=bool)
    # each contact against its first successor on slices: no index arrays over every contact
    gap = tt[1:] - tt[:-1]
    reachable = (c[1:] == c[:-1]) & (gap <= window)
    hit = reachable & (gap > 0) & ((r[:-1] < 0) | (r[1:] < 0) | (r[1:] == r[:-1]))
    found[:-1] = hit
    active = np.flatnonzero(reachable & ~hit)  # a later successor may still qualify
    del gap, reachable, hit
    step = 2
    while len(active):
        active = active[active + step < len(order)]
        nxt = active + step
        gap = tt[nxt] - tt[active]
        reachable = (c[nxt] == c[active]) & (gap <= window)
        compatible = (r[active] < 0) | (r[nxt] < 0) | (r[nxt] == r[active])
        hit = reachable & (gap > 0) & compatible
        found[active[hit]] = True
        active = active[reachable & ~hit]  # a later successor may still qualify
        step += 1
    repeated = np.zeros(len(df), dtype=bool)
    repeated[order] = found
    latest = t.max() if len(t) else 0
    window_open = (customer >= 0) & (t + window > latest)
    return repeated, window_open


def _by_customer_and_time(customer: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Positions of the rows with a customer, sorted by (customer, created_at), ties in row order (a
    stable lexsort). Rows usually come in time order: then one sort of int64 keys customer x rows +
    position gives that order (0.05 s at 5 M rows against 0.45 s for the lexsort)."""
    rows = np.flatnonzero(customer >= 0)
    times = t[rows]
    if not bool((times[1:] >= times[:-1]).all()):
        return rows[np.lexsort((times, customer[rows]))]
    key = customer[rows].astype(np.int64) * len(rows)
    key += np.arange(len(rows))
    key.sort()
    return rows[key % len(rows)] if len(rows) else rows

