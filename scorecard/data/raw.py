"""What the file readers share (readers.py: CSV and Excel; parquet.py: Parquet column by column): the
`source_row` column, Arrow text as pandas strings, and the one "cannot read the file" error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import DataError, Problem

SOURCE_ROW = "source_row"
HINT = "check that the file is a CSV (UTF-8, UTF-16 or Latin-1), a Parquet file or an .xlsx workbook"


def unreadable(path: Path, exc: Exception) -> DataError:
    """A reader library's error (each has its own types; all mean "unreadable") as a located problem."""
    return DataError(Problem(f"cannot read the file: {exc}".strip(), file=str(path), hint=HINT))


def string_mapper(arrow_type: pa.DataType) -> Any:
    """Arrow text -> pandas "string" dtype (NA = <NA>) without a round trip through Python objects."""
    if arrow_type in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow")
    return None
