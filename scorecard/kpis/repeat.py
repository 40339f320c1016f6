"""Repeat contacts for first-contact resolution (KPIS.md convention 10).

A contact is repeated when a later interaction of the same customer (any channel, handled or not,
any period) with the same reason when both rows have one, is created at most `window` after it.
`merge_asof` finds the next strictly later contact per customer in one vectorised pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _next_later(query: pd.DataFrame, cand: pd.DataFrame, by: list[str]) -> np.ndarray:
    """For each query row (t, by...), the earliest candidate t' > t with the same `by` keys."""
    if query.empty or cand.empty:
        return np.full(len(query), np.nan)
    q = query.assign(pos=np.arange(len(query))).sort_values("t", kind="stable")
    c = cand[by + ["t"]].assign(t_next=cand["t"]).sort_values("t", kind="stable")
    merged = pd.merge_asof(q, c, on="t", by=by, direction="forward", allow_exact_matches=False)
    out = np.full(len(query), np.nan)
    out[merged["pos"].to_numpy()] = merged["t_next"].to_numpy(dtype="float64")
    return out


def repeat_flags(df: pd.DataFrame, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(repeated, window_open) per row of the clean interactions table.

    window_open is True where the contact's window ends after the latest created_at in the data, so
    a repeat may still arrive: the value is provisional.
    """
    t = df["created_at"].to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64") / 1e9
    customer = df["customer_id"].astype("string")
    has_customer = customer.notna().to_numpy()
    frame = pd.DataFrame({"customer": customer.to_numpy(dtype=object), "t": t}, index=np.arange(len(df)))
    if "reason" in df:
        frame["reason"] = df["reason"].astype("string").to_numpy(dtype=object)
        has_reason = df["reason"].notna().to_numpy()
    else:
        has_reason = np.zeros(len(df), dtype=bool)
    rows = frame[has_customer]
    next_t = np.full(len(df), np.nan)
    # Rows without a reason match any later contact of the customer.
    no_reason = rows[~has_reason[has_customer]]
    next_t[no_reason.index] = _next_later(no_reason[["customer", "t"]], rows, ["customer"])
    # Rows with a reason match a later contact with the same reason, or one with no reason.
    with_reason = rows[has_reason[has_customer]]
    if len(with_reason):
        same = _next_later(with_reason[["customer", "reason", "t"]], with_reason, ["customer", "reason"])
        blank = _next_later(with_reason[["customer", "t"]], rows[~has_reason[has_customer]], ["customer"])
        next_t[with_reason.index] = np.fmin(same, blank)
    repeated = (next_t - t) <= window_s
    window_open = has_customer & (t + window_s > np.nanmax(t) if len(t) else False)
    return repeated & has_customer, window_open
