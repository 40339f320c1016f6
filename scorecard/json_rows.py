"""results.json's tables as JSON records made column by column, not row by row.

pandas' `to_json(orient="records")` encodes every cell in C but converts each Arrow text column to
Python objects first, and results.json takes each period's rows out of every table before encoding
them: at 5 M interactions most of its time. Here each column's cells are encoded once per distinct
value (the same few periods, KPIs, grains and statuses repeat; numbers are keyed by their bits) by
the very encoder `to_json` calls, with the same options, and the records of any subset of rows are
joined with Arrow's string kernels, chunk by chunk, straight into the file: the same text as
`to_json` of those rows (tests/test_results_json_stream.py compares them on varied tables).
Columns of other types (dates, nullable integers, categories of numbers) leave the whole table to
`to_json`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.io.json._json import ujson_dumps  # the C encoder DataFrame.to_json calls

from .arrow_text import text_bytes
from .results import distinct

# results.json's encoding options, as to_json(double_precision=15, date_format="iso",
# force_ascii=False) passes them to the encoder
OPTIONS: dict[str, Any] = {"double_precision": 15, "ensure_ascii": False, "date_unit": "ms", "iso_dates": True}
CHUNK = 65_536  # rows joined at once: a few tens of MB of text, whatever the table's size
# Money (Decimal, already rounded to the minor unit) is written as a JSON number: 15 significant
# digits print every amount below 10^13 with its exact cents, and readers get numbers, as for
# every value.
MONEY_COLUMNS = ("credit", "earned_back", "paid", "bonus", "would_have_been")


def _encode(value: Any) -> str:
    return ujson_dumps(value, **OPTIONS)


def _encode_each(values: list[Any], texts: bool) -> list[str]:
    """Each value's JSON (numbers, or `texts`) from one call of the encoder over the list, cut at
    the commas between them: a call costs 3 us, most of it not the encoding. No comma is inside a
    number, and no '","' inside an encoded text (each of its quotes is escaped)."""
    if not values:
        return []
    if texts:
        return ['"' + text + '"' for text in _encode(values)[2:-2].split('","')]
    return _encode(values)[1:-1].split(",")


def _cells(values: pd.Series) -> tuple[np.ndarray, list[str]] | None:
    """Each row's index into the column's distinct encoded cells (-1: null) and those cells; None
    for a type whose encoding inside a frame may differ from its distinct values' (dates)."""
    dtype = values.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else ""
    if kind in ("i", "u", "f"):  # equal numbers print the same (0.0 and -0.0 as 0.0); NaN: -1
        codes, uniques = pd.factorize(values.to_numpy())
        return codes, _encode_each(uniques.tolist(), texts=False)
    if kind == "b":
        return values.to_numpy().astype(np.intp), ["false", "true"]
    # texts (and missing values), each encoded once, categories of texts too (labels are held as
    # such); a column of other Python objects (1 and True are equal keys) is left to to_json, as
    # are other types
    texts = isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype)) or kind == "O"
    found = distinct(values) if texts else None
    return None if found is None else (found[0], _encode_each(found[1], texts=True))


def _with_money_as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    money = {c: frame[c].map(lambda v: float(v) if isinstance(v, Decimal) else v)
             for c in MONEY_COLUMNS if c in frame.columns}
    return frame.assign(**money) if money else frame


class Records:
    """A frame's rows as JSON records (NaN and missing -> null, money as numbers), its columns
    encoded once, so that many subsets of its rows (a period's) cost a take each."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.columns: list[tuple[pa.Array, np.ndarray]] | None = []
        names = list(self.frame.columns)
        # to_json's own answer: "[]" for no columns, an error for repeated ones; money as numbers
        # is the type pandas infers from the rows written (credits and overall: a few rows)
        if (not names or not all(isinstance(n, str) for n in names) or len(set(names)) < len(names)
                or set(names) & set(MONEY_COLUMNS)):
            self.columns = None
            return
        for i, name in enumerate(names):
            cells = _cells(self.frame.iloc[:, i])
            if cells is None:
                self.columns = None
                return
            codes, encoded = cells
            # each fragment with its key; the first opens the record (after the comma that
            # separates records: the very first one is cut), the last closes it
            start, end = ",{" if i == 0 else "", "}" if i == len(names) - 1 else ""
            key = start + _encode(name) + ":"
            fragments = pa.array([key + cell + end for cell in encoded] + [key + "null" + end], pa.large_string())
            self.columns.append((fragments, np.where(codes < 0, len(encoded), codes)))

    def write(self, out: IO[bytes], rows: np.ndarray | None = None) -> None:
        """The JSON array of the records of `rows` (positions, in order; all rows by default)."""
        rows = np.arange(len(self.frame)) if rows is None else rows
        if self.columns is None:
            _write_frame(out, _with_money_as_numbers(self.frame.iloc[rows]))
            return
        out.write(b"[")
        for start in range(0, len(rows), CHUNK):
            taken = rows[start:start + CHUNK]
            parts = [pc.take(fragments, pa.array(codes[taken])) for fragments, codes in self.columns]
            joined = pc.binary_join_element_wise(*parts, pa.scalar(",", pa.large_string())) if len(parts) > 1 \
                else parts[0]
            text = text_bytes(joined)
            out.write(text[1:] if start == 0 else text)  # no comma before the first record
        out.write(b"]")


def _write_frame(out: IO[bytes], frame: pd.DataFrame) -> None:
    """`to_json` of the frame, chunk by chunk: each record is encoded on its own, so the chunks
    join into the text of the whole frame."""
    out.write(b"[")
    first = True
    for start in range(0, len(frame), CHUNK):
        text = frame.iloc[start:start + CHUNK].to_json(orient="records", double_precision=15,
                                                       date_format="iso", force_ascii=False)
        if len(text) > 2:  # "[]": rows without columns are no records
            out.write((text[1:-1] if first else "," + text[1:-1]).encode("utf-8"))
            first = False
    out.write(b"]")
