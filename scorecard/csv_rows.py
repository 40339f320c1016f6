"""The CSV files' rows made column by column: each distinct text's cell once, numbers by numpy,
rows joined with Arrow's string kernels, instead of pandas' `to_csv`, which hands every row to
Python's csv writer (most of the CSV files' time: results.csv has 10^5-10^6 rows).

The text is `to_csv`'s own: numbers as pandas writes them (numpy's `astype(str)`, missing empty),
each other cell as Python's csv writer writes it (quoted when it holds a comma, a quote or a line
feed; quotes doubled), so tests/test_results_csv_columns.py compares them on varied frames. A
column of another type (dates, nullable numbers) leaves the frame to `to_csv`.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_text import text_bytes
from .results import distinct, distinct_numbers

_TEXT = pa.large_string()


class _Field:
    """One field as Python's csv writer writes it (QUOTE_MINIMAL, "," and line feeds), taken from
    the writer itself: a row of the field and an empty one, less its ",\\n"."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")

    def __call__(self, value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""  # pandas writes a missing value as its na_rep, empty
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow([value, ""])
        return self.buffer.getvalue()[:-2]


def _numbers(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """pandas' own conversion of a numpy column (NaN empty; booleans True and False), once per
    distinct value."""
    codes, uniques = distinct_numbers(values)
    return uniques.astype(str).tolist(), codes


def _cells(values: pd.Series, transform: Callable[[object], object],
           field: _Field) -> tuple[list[str], np.ndarray] | None:
    """A column's distinct cells as text (booleans as true and false, each text through
    `transform`) and each row's index into them (-1: empty); None for a type `to_csv` writes
    otherwise."""
    dtype = values.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else ""
    if kind in ("i", "u", "f"):
        return _numbers(values.to_numpy())
    if kind == "b" or str(dtype) == "boolean":
        return ["false", "true"], np.where(values.isna().to_numpy(), -1,
                                           values.fillna(False).to_numpy(dtype=bool).astype(np.intp))
    if not (isinstance(dtype, pd.StringDtype) or kind == "O"):
        return None
    found = distinct(values)
    if found is not None:
        codes, texts = found
        return [field(transform(t)) for t in texts], codes
    # other Python objects, each cell its own (1 and True are equal keys) and typed as pandas'
    # map types them: [None, 0] becomes the floats [nan, 0.0]
    mapped = values.astype(object).map(transform)
    if mapped.dtype.kind in ("i", "u", "f", "b"):
        return _numbers(mapped.to_numpy())
    return ([field(v) for v in mapped.tolist()], np.arange(len(mapped))) if mapped.dtype.kind == "O" else None


def csv_columns(frame: pd.DataFrame, transform: Callable[[object], object]) -> list[bytes | memoryview] | None:
    """`frame` as CSV text (header, rows, line feeds) in UTF-8, each text cell passed through
    `transform` first, as the header's bytes and the rows' (a file takes them as they are, with no
    text of the whole); None when `to_csv` must write it (fewer than two columns, or a column of
    another type)."""
    field = _Field()
    names = list(frame.columns)
    if len(names) < 2:  # a lone empty field is written "" by the csv writer: left to it
        return None
    columns = []
    for i in range(len(names)):
        cells = _cells(frame.iloc[:, i], transform, field)
        if cells is None:
            return None
        texts, codes = cells
        end = "\n" if i == len(names) - 1 else ""  # the last cell ends its row
        columns.append(pc.take(pa.array([t + end for t in texts] + [end], _TEXT),
                               pa.array(np.where(codes < 0, len(texts), codes))))
    header = (",".join(field(str(name)) for name in names) + "\n").encode("utf-8")
    if not len(frame):
        return [header]
    return [header, text_bytes(pc.binary_join_element_wise(*columns, pa.scalar(",", _TEXT)))]
