"""Readers: one file (CSV, Parquet or Excel) -> a raw DataFrame plus its `source_row` column.

Values are kept as the file gives them (CSV: text); typing happens later in one place (parse.py), so
the three formats go through the same conversions and give the same frame. `source_row` is the row a
spreadsheet shows: header = row 1, first record = row 2 (CSV records spanning lines count once;
Excel: the sheet's own row number; Parquet: record number + 1, as if exported to a sheet).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import DataError, Problem

SOURCE_ROW = "source_row"
EXTENSIONS = (".csv", ".parquet", ".xlsx")
_DELIMITERS = (",", ";", "\t", "|")
# Cells that mean "no value" in exports (pyarrow's default null markers, empty text aside). They read as
# missing, yet a record made only of them is still a record (reported), unlike a blank line.
_NULL_MARKERS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "N/A",
                 "NA", "NULL", "NaN", "n/a", "nan", "null")
_HINT = "check that the file is a CSV (UTF-8 or Latin-1), a Parquet file or an .xlsx workbook"


def read_table(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read one file into a raw frame with a `source_row` column; DataError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise DataError(Problem(f"cannot read {suffix or 'files without an extension'}: expected "
                                ".csv, .parquet or .xlsx", file=str(path), hint=_HINT))
    try:
        if suffix == ".csv":
            frame = _read_csv(path)
        elif suffix == ".parquet":
            frame = _read_parquet(path)
        else:
            frame = _read_excel(path, sheet)
    except DataError:
        raise
    except Exception as exc:  # every reader library has its own error types; all mean "unreadable"
        raise DataError(Problem(f"cannot read the file: {exc}".strip(), file=str(path), hint=_HINT)) from None
    _check_header([c for c in frame.columns if c != SOURCE_ROW], path)
    return frame


def _check_header(names: list[str], path: Path) -> None:
    """A header must exist and name each column once (a mapping selects columns by name)."""
    if not names:
        raise DataError(Problem("the file has no header row (it is empty)", file=str(path),
                                hint="the first row must name the columns"))
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise DataError(Problem(f"column name(s) {', '.join(map(repr, dupes))} appear more than once",
                                file=str(path), hint="rename the duplicate columns in the header row"))


def _read_csv(path: Path) -> pd.DataFrame:
    """Every column as text (ids keep leading zeros, nothing becomes 1.0); blank lines keep their row.
    Null markers (NULL, N/A, NaN, ...) become missing only after blank lines are dropped, so a record
    of markers alone stays a record and is reported, never dropped silently."""
    raw = path.read_bytes()
    if not raw.strip():
        return pd.DataFrame()
    if not raw.endswith((b"\n", b"\r")):
        raw += b"\n"  # a header-only export without a final newline is an empty table, not unreadable
    encoding = "utf-8"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        encoding = "cp1252"  # the usual encoding of a spreadsheet's "CSV" on Windows
    text_head = raw[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = text_head.splitlines()[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter))
    names = [h.strip() for h in header]
    _check_header(names, path)
    table = pacsv.read_csv(
        io.BytesIO(raw),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=True, null_values=[""]),
    )
    frame = table.to_pandas(types_mapper=_string_mapper)
    frame[SOURCE_ROW] = np.arange(2, len(frame) + 2, dtype="int64")
    frame = _drop_blank(frame)
    for name in names:
        marker = frame[name].isin(_NULL_MARKERS).to_numpy(dtype=bool, na_value=False)
        if marker.any():
            frame[name] = frame[name].mask(marker)
    return frame


def _string_mapper(arrow_type: pa.DataType) -> Any:
    """Arrow text -> pandas "string" dtype (NA = <NA>) without a round trip through Python objects."""
    if arrow_type in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow")
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    table = pq.read_table(path)
    # Parquet does not check that text columns hold UTF-8: a damaged file would read, then fail deep in
    # the string operations of the conversion. Validated here, it is "unreadable" like any damaged file.
    table.validate(full=True)
    frame = table.to_pandas(types_mapper=_string_mapper, self_destruct=True, split_blocks=True)
    frame = frame.reset_index(drop=True)
    frame[SOURCE_ROW] = np.arange(2, len(frame) + 2, dtype="int64")
    return frame


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    """The named sheet (default: the first); header = first non-empty row; rows keep the sheet's number."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise DataError(Problem(f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})",
                                    file=str(path), field="sheet", hint="fix `sheet:` in the mapping"))
        ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        header: list[str] | None = None
        records: list[list[Any]] = []
        rows: list[int] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = [str(v).strip() if v is not None else f"column_{i + 1}" for i, v in enumerate(values)]
                continue
            cells = [_excel_value(v) for v in values[:len(header)]]
            records.append(cells + [None] * (len(header) - len(cells)))
            rows.append(number)
    finally:
        workbook.close()
    if header is None:
        return pd.DataFrame()
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame[SOURCE_ROW] = np.asarray(rows, dtype="int64")
    return frame


def _excel_value(value: Any) -> Any:
    """Cell values made format-neutral: integral floats -> int (ids never read 1.0), clock times and
    durations -> 'H:MM:SS' text like a CSV export, blank text and null markers (NULL, N/A, ...) ->
    None, as the CSV reader reads them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, str) and (not value.strip() or value in _NULL_MARKERS):
        return None
    return value


def _drop_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank lines are not records: drop them (their row numbers stay skipped, like in a spreadsheet)."""
    data = frame.drop(columns=SOURCE_ROW)
    blank = data.isna().all(axis=1)
    return frame[~blank].reset_index(drop=True) if blank.any() else frame
