"""Write the canonical tables as CSV or Parquet, one file per table named after it.

CSV timestamps are ISO 8601 with the local UTC offset (2026-03-02T08:15:03+01:00) so no reader has
to guess the time zone, and booleans are lower-case true/false. Parquet keeps tz-aware timestamps
and plain string columns (categoricals are cast to strings and pandas metadata is dropped, so any
Parquet reader sees ordinary types).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


def iso_local(col: pd.Series) -> pd.Series:
    """Tz-aware timestamps -> 'YYYY-MM-DDTHH:MM:SS+HH:MM' in their own zone; NaT -> empty."""
    local = col.dt.tz_localize(None)
    utc = col.dt.tz_convert("UTC").dt.tz_localize(None)
    text = np.datetime_as_string(local.to_numpy().astype("datetime64[s]"), unit="s")
    minutes = ((local - utc).dt.total_seconds() // 60).fillna(0).astype(int)
    text_of = {m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in minutes.unique()}
    offset = minutes.map(text_of)
    return pd.Series(text, index=col.index).str.cat(offset).where(col.notna(), "")


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for name, col in df.items():
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = iso_local(col)
        elif col.dtype == bool:
            out[name] = np.where(col.to_numpy(), "true", "false")
    return out


def _arrow(df: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table.replace_schema_metadata(None)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, fmt: str) -> dict[str, Path]:
    """Write every table to out_dir/<name>.<fmt>; returns table name -> path."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, df in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            _csv_frame(df).to_csv(path, index=False)
        else:
            pq.write_table(_arrow(df), path)
        written[name] = path
    return written
