"""Input tables as every SQL engine reads them the same way.

Timestamps become UTC epoch nanoseconds (BIGINT, NULL when missing) and each dated row gets its
local month key `_month` computed here once, so no engine's session time zone can move a row to
another month. Cells the data checks cleared become `_cleared_<column>` flags (see kpis/inputs.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...periods import local_months

DATED = {"interactions": "created_at", "qa_evaluations": "evaluated_at", "workforce": "interval_start",
         "qa_items": "evaluated_at"}


def epoch_ns(ts: pd.Series) -> pd.Series:
    """UTC timestamps -> nullable int64 nanoseconds since the epoch."""
    values = ts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    missing = np.isnat(values)
    return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, values.astype("int64")), missing), index=ts.index)


def prepare(frame: pd.DataFrame, timezone: str, dated: str | None, cleared: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table for the engines: timestamps as epoch ns, `_month`, and `_cleared_*` flags."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = epoch_ns(s)
        elif s.dtype == object:
            out[col] = s.astype("string")
        else:
            out[col] = s
    month = local_months(frame[dated], timezone) if dated and dated in frame else pd.Series(
        pd.NA, index=frame.index, dtype="string")
    out["_month"] = month
    out["_row"] = np.arange(len(frame), dtype="int64")  # the results' order: first appearance
    if cleared is not None and len(cleared) == len(frame):
        for col in cleared.columns:
            out[f"_cleared_{col}"] = cleared[col].to_numpy(dtype=bool, na_value=False)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)
