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
import pyarrow as pa
import pyarrow.compute as pc


def repeat_flags(df: pd.DataFrame, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(repeated, window_open) per row of the clean interactions table.

    window_open is True where the contact's window ends after the latest created_at in the data, so
    a repeat may still arrive: the value is provisional.
    """
    t = df["created_at"].to_numpy(dtype="datetime64[ns]").astype("int64")
    window = int(round(window_s * 1e9))
    customer = _codes(df["customer_id"])
    reason = _codes(df["reason"]) if "reason" in df else np.full(len(df), -1, dtype=np.int32)
    rows = np.flatnonzero(customer >= 0)
    order = rows[np.lexsort((t[rows], customer[rows]))]
    del rows
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


def _codes(column: pd.Series) -> np.ndarray:
    """int32 codes of a column (-1 where missing; a code never reaches 2**31: half the memory of the
    sorted copies). Any numbering of the values will do; Arrow text is encoded by Arrow itself, in
    one piece (5 M customer ids, 2.5 M distinct: 0.90-0.99 s CPU, pandas' factorize 1.05-1.37 s)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        text = pa.chunked_array(column.array.__arrow_array__()).combine_chunks()
        return pc.fill_null(pc.dictionary_encode(text).indices, -1).to_numpy().astype(np.int32)
    return pd.factorize(column, use_na_sentinel=True)[0].astype(np.int32)
