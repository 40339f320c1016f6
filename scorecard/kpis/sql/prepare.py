"""Input tables as every SQL engine reads them the same way, built as Arrow tables.

Timestamps become UTC epoch nanoseconds (BIGINT, NULL when missing) and each dated row gets its
local month key `_month` (year * 100 + month, INTEGER) computed here once, so no engine's session
time zone can move a row to another month. Cells the data checks cleared become `_cleared_<column>`
flags (see kpis/inputs.py); the columns the repeat windows partition by and the grain columns
get integer codes (`_code_<column>`), which the engines sort and group faster than text (the
aggregate queries group by them and name each entity from the codebook: sql/compile.py).

Every column is handed to Arrow as it is (the loader's text columns are Arrow already, a
timestamp's int64 view is its epoch): about 0.04 s per million rows, where building a pandas frame
of nullable integers first cost 0.5 s and a copy of every timestamp. A loader's narrowed float32
column (data/schema.py) stays float32, shared with the pandas frame: each backend reads it as DOUBLE
(backend.py), the float64s the pandas engine computes with (a float64 copy of the four narrowed
columns was 150 MB at 5 M rows).
"""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...periods import month_start_utc
from .expressions import Cond

DATED = {"interactions": "created_at", "qa_evaluations": "evaluated_at", "workforce": "interval_start",
         "qa_items": "evaluated_at"}
CODED = ("customer_id", "reason")  # what relation.Repeats partitions by


def code_column(name: str) -> str:
    return f"_code_{name}"


def text_in(column: str, values: Collection[str], columns: Collection[str],
            codebooks: Mapping[str, np.ndarray], table: str = "") -> Cond:
    """Rows whose text `column` (of `table`), lower-cased, is one of `values`; a missing cell is
    outside, no value listed matches nothing. On the column's integer codes when the prepared table
    has them: the codes whose value, lower-cased as the pandas engine lower-cases it
    (kpis/derive.py), is listed (LOWER over every row's text cost each query 0.1-0.15 s at 5 M rows,
    the codes' IN a third of it); else LOWER over the text."""
    at = f"{table}." if table else ""
    if column in codebooks and code_column(column) in columns:
        lower = pd.Series(codebooks[column], dtype=object).astype("string").str.lower()
        listed = ", ".join(str(i) for i, value in enumerate(lower) if value in values)
        return Cond(f"COALESCE({at}{code_column(column)} IN ({listed}), FALSE)" if listed else "FALSE")
    listed = ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(set(values)))
    return Cond(f"COALESCE(LOWER(CAST({at}{column} AS VARCHAR)) IN ({listed}), FALSE)" if listed else "FALSE")


def epoch_ns(ts: pd.Series) -> pa.Array | pa.ChunkedArray:
    """UTC timestamps -> int64 nanoseconds since the epoch, NULL where missing (a view when the
    series is already in nanoseconds)."""
    return pa.Array.from_pandas(ts).cast(pa.timestamp("ns", "UTC")).cast(pa.int64())


def month_keys(ns: pa.Array | pa.ChunkedArray, timezone: str) -> pa.Array:
    """Epoch ns -> year * 100 + month of the local month each instant falls in (NULL where missing).

    The local months' first instants (periods.month_start_utc, the rule of the pandas engine's
    month codes and of the clock tables) are computed for the few months spanned, and each instant
    is placed among them by binary search."""
    span = pc.min_max(ns)
    if not span["min"].is_valid:
        return pa.nulls(len(ns), pa.int32())
    lo, hi = (pd.Timestamp(span[end].as_py(), tz="UTC").tz_convert(timezone).tz_localize(None).to_period("M")
              for end in ("min", "max"))
    months = pd.period_range(lo, hi, freq="M")
    starts = np.array([month_start_utc(str(m), timezone).value for m in [*months, months[-1] + 1]], dtype=np.int64)
    where = np.searchsorted(starts, ns.fill_null(0).to_numpy(), side="right") - 1
    keys = np.array([m.year * 100 + m.month for m in months], dtype=np.int32)
    return pa.array(keys[where], mask=ns.is_null().to_numpy(zero_copy_only=False))  # a missing one's -1: masked


def prepare(frame: pd.DataFrame, timezone: str, dated: str | None, cleared: pd.DataFrame | None = None,
            coded: Sequence[str] = CODED, named: Sequence[str] = ()) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """One table for the engines: timestamps as epoch ns, `_month`, `_row` (the results' order:
    first appearance), `_cleared_*` flags and `_code_*` codes of the `coded` and `named` columns it
    has (a `coded` column of integers is its own code); and the codebook (code -> value, as Python
    values) of each `named` one."""
    out: dict[str, pa.Array | pa.ChunkedArray] = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = epoch_ns(s)
        else:
            out[col] = pa.Array.from_pandas(s.astype("string") if s.dtype == object else s)
    if dated and dated in frame and isinstance(frame[dated].dtype, pd.DatetimeTZDtype):
        out["_month"] = month_keys(out[dated], timezone)
    else:
        out["_month"] = pa.nulls(len(frame), pa.int32())
    out["_row"] = pa.array(np.arange(len(frame), dtype=np.int64))
    if cleared is not None and len(cleared) == len(frame):
        for col in cleared.columns:
            out[f"_cleared_{col}"] = pa.array(cleared[col].to_numpy(dtype=bool, na_value=False))
    codebooks = {}
    for col in dict.fromkeys([*coded, *named]):
        if col in out:
            values = out[col]
            if col not in named and pa.types.is_integer(values.type):  # the loader's customer codes:
                out[code_column(col)] = values  # their own codes (encoding them cost 0.4 s at 5 M rows)
                continue
            encoded = pc.dictionary_encode(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
            out[code_column(col)] = encoded.indices
            if col in named:
                codebooks[col] = np.array(encoded.dictionary.to_pylist(), dtype=object)
    return pa.table(out), codebooks
