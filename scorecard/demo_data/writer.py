"""Write the canonical tables as CSV or Parquet, one file per table named after it.

CSV timestamps are ISO 8601 with the local UTC offset (2026-03-02T08:15:03+01:00) so no reader has
to guess the time zone, and booleans are lower-case true/false. Parquet keeps tz-aware timestamps
and plain string columns (categoricals are cast to strings and pandas metadata is dropped, so any
Parquet reader sees ordinary types).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")
#: rows per written chunk: pyarrow's default row group (pq.write_table), so a table written in chunks
#: is the same file, byte for byte, as the whole table written at once
CHUNK_ROWS = 1024 * 1024


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
        written[name] = write_chunks([df], out_dir / f"{name}.{fmt}", fmt)
    return written


def write_chunks(chunks: Iterable[pd.DataFrame], path: Path, fmt: str) -> Path:
    """Append the chunks of one table to path (CSV with one header, or Parquet row groups), each
    converted and written before the next is made, so only one chunk's text and Arrow copies live."""
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            for i, df in enumerate(chunks):
                _csv_frame(df).to_csv(out, index=False, header=i == 0)
        return path
    writer: pq.ParquetWriter | None = None
    try:
        for df in chunks:
            table = _arrow(df)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table.cast(writer.schema), row_group_size=CHUNK_ROWS)
    finally:
        if writer is not None:
            writer.close()
    return path
