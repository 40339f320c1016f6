"""Parquet read column by column: a large table is never held whole in its raw form beside the typed
one (convert.py frees each column once typed), the next column a conversion will read is decoded in
a background thread while the current one is typed, and text stored as dictionary codes is read as
codes. `source_row` is the record number + 1, as if the file were exported to a sheet.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError, Problem
from .raw import SOURCE_ROW, string_mapper, unreadable

CODE_BYTES = 4  # a Parquet text column under 4 bytes a row (decoded) is dictionary codes: ParquetColumns.coded


class ParquetColumns:
    """A Parquet file's columns, each read alone when asked for (a column chunk decodes without the
    others), so a large table is never held whole in its raw form beside the typed one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with pq.ParquetFile(path) as file:
            schema, metadata = file.schema_arrow, file.metadata
        self.count = metadata.num_rows
        nested = [f for f in schema if pa.types.is_nested(f.type)]
        if nested:
            raise DataError([Problem(f"column {f.name!r} holds nested values ({_nesting(f.type)}): export it "
                                     "flat", file=str(path), field=f.name,
                                     hint="write one plain column per value (text, number, date or yes/no)")
                             for f in nested])
        # a pandas index stored as a column is not a record's value; `source_row` is always ours
        index = {c for c in (schema.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)}
        self.names = [n for n in schema.names if n not in index and n != SOURCE_ROW]
        self.coded = _dictionary_text(schema, metadata)
        self._planned: list[str] = []
        self._ahead: tuple[str, Future[pd.Series]] | None = None  # the next planned column, being decoded
        self._worker: ThreadPoolExecutor | None = None

    def plan(self, names: Sequence[str]) -> None:
        """The columns a conversion will read (`read(name, coded=True)`), in that order: from then on,
        while the caller converts one, the next is decoded in a background thread (pyarrow releases the
        GIL), so the two cores overlap reading and typing; at most one raw column is held ahead."""
        self._planned = list(names)

    def read(self, name: str, *, coded: bool = False) -> pd.Series:
        """One column as pandas reads it (pandas' stored dtypes kept; text as Arrow-backed strings).
        `coded` (for a conversion, which cleans each distinct value once: parse.to_label): a text column
        the file stores as a dictionary (`self.coded`) comes as a Categorical of its codes and values, so
        its cells are never decoded and stripped one by one (about half the CPU of a plain read)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == name and coded:
            column = ahead[1].result()  # a DataError of that read is raised here, when it is asked for
        else:
            column = self._load(name, coded)
        if coded and name in self._planned:
            self._read_ahead(self._planned.index(name) + 1)
        return column

    def _read_ahead(self, position: int) -> None:
        """Start decoding the planned column at `position` in the background; the worker ends after the last."""
        if position >= len(self._planned):
            if self._worker is not None:
                self._worker.shutdown(wait=False)
                self._worker = None
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet-column")
        name = self._planned[position]
        self._ahead = (name, self._worker.submit(self._load, name, True))

    def _load(self, name: str, coded: bool) -> pd.Series:
        try:
            dictionary = [name] if coded and name in self.coded else None
            with pq.ParquetFile(self.path, read_dictionary=dictionary) as file:
                table = file.read(columns=[name])
            # Parquet does not check that text holds UTF-8: a damaged file would read, then fail deep in
            # the string operations of the conversion. Validated here, it is "unreadable" like any damage.
            table.validate(full=True)
            return _in_nanoseconds(table).to_pandas(types_mapper=string_mapper, self_destruct=True)[name]
        except Exception as exc:  # pyarrow's error types (and a damaged pandas schema): all mean "unreadable"
            raise unreadable(self.path, exc) from None

    def rows(self) -> pd.DataFrame:
        """The frame of `source_row` alone: record number + 1, as if exported to a sheet."""
        return pd.DataFrame({SOURCE_ROW: np.arange(2, self.count + 2, dtype="int64")})

    def whole(self) -> pd.DataFrame:
        """Every column read, then `source_row`."""
        frame = pd.DataFrame({name: self.read(name) for name in self.names}, index=pd.RangeIndex(self.count))
        frame[SOURCE_ROW] = np.arange(2, self.count + 2, dtype="int64")
        return frame


def _in_nanoseconds(table: pa.Table) -> pa.Table:
    """A one-column table whose timestamps are of another unit (Parquet's microseconds, usually) cast
    to nanoseconds, here in the read-ahead thread: read at their own unit, the conversion's as_unit
    took 80 ms a column at 5 M rows on the main thread. One outside nanoseconds' range (before
    1677-09-21, after 2262-04-11) stays as stored, for the conversion to report its cells as before."""
    kind = table.schema.field(0).type
    if not pa.types.is_timestamp(kind) or kind.unit == "ns":
        return table
    try:
        return table.set_column(0, table.schema.field(0).name, table.column(0).cast(pa.timestamp("ns", kind.tz)))
    except pa.ArrowInvalid:  # out of bounds
        return table


def _dictionary_text(schema: pa.Schema, metadata: pq.FileMetaData) -> frozenset[str]:
    """Text columns stored as dictionary codes: under `CODE_BYTES` a row decoded (a value written plain
    takes at least 4 bytes, its length), so reading the dictionary costs the codes and a few values, not a
    hash of every cell as for ids (a dictionary writer falls back to plain pages past a few distinct
    values). Only a question of speed: a dictionary read and a plain one convert to the same values."""
    text = {f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)}
    size = dict.fromkeys(text, 0)
    for group in range(metadata.num_row_groups):
        chunks = metadata.row_group(group)
        for i in range(chunks.num_columns):
            chunk = chunks.column(i)
            if chunk.path_in_schema in size:
                size[chunk.path_in_schema] += chunk.total_uncompressed_size
    return frozenset(n for n, b in size.items() if b < CODE_BYTES * max(metadata.num_rows, 1))


def _nesting(arrow_type: pa.DataType) -> str:
    """A nested Arrow type in one word, as a user's tool names it."""
    if pa.types.is_struct(arrow_type):
        return "struct"
    if pa.types.is_map(arrow_type):
        return "map"
    if pa.types.is_union(arrow_type):
        return "union"
    return "list"
