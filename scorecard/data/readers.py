"""Readers: one file (CSV, Parquet or Excel) -> a raw DataFrame plus its `source_row` column, and the
lines that never became records.

Values are kept as the file gives them (CSV: text); typing happens later in one place (parse.py), so
the three formats go through the same conversions and give the same frame. `source_row` is the row a
spreadsheet shows: header = row 1, first record = row 2 (CSV records spanning lines count once;
Excel: the sheet's own row number; Parquet: record number + 1, as if exported to a sheet). A blank
line inside the data and a malformed CSV line (cells that do not fit the header, an unclosed quote)
keep their row number and are reported, never dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DataError, Problem
from .csvlines import Malformed, fitting_lines
from .parquet import ParquetColumns
from .raw import HINT, SOURCE_ROW, string_mapper, unreadable

if TYPE_CHECKING:  # sources.py imports this module
    from .sources import DatabaseTable

EXTENSIONS = (".csv", ".parquet", ".xlsx")
REPORT_COLUMNS = ["row", "column", "problem", "action"]
SKIPPED, QUARANTINED = "skipped", "quarantined"
_DELIMITERS = (",", ";", "\t", "|")
# Cells that mean "no value" in exports (pyarrow's default null markers, empty text aside). They read as
# missing, yet a record made only of them is still a record (reported), unlike a blank line.
_NULL_MARKERS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "N/A",
                 "NA", "NULL", "NaN", "n/a", "nan", "null")
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class RawTable:
    """A file's records (`frame`, with `source_row`) and the lines that never became records (`report`:
    row, column, problem, action `skipped` for a blank line or `quarantined` for a malformed one)."""

    frame: pd.DataFrame
    report: pd.DataFrame
    # a Parquet file read on demand: its columns, not in `frame` yet, each read when first needed
    unread: ParquetColumns | None = None

    @property
    def rows_read(self) -> int:
        """Data rows of the file: the records plus the malformed lines (blank lines are not rows)."""
        return len(self.frame) + int((self.report["action"] == QUARANTINED).sum())

    def quality(self, table: str) -> pd.DataFrame:
        """The report as data_quality rows of `table` (table, row, column, problem, action)."""
        return self.report.assign(table=table)[["table", *REPORT_COLUMNS]]


def read_table(path: Path | DatabaseTable, *, sheet: str | None = None, on_demand: bool = False) -> RawTable:
    """Read one file (or a database table, sources.py) into a raw frame with a `source_row` column;
    DataError when it cannot be read. `on_demand`: a Parquet file's frame holds `source_row` alone,
    its columns are read one at a time from `unread` (convert.py frees each once typed)."""
    if not isinstance(path, Path):  # a sources.DatabaseTable reads itself
        return path.read()
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise DataError(Problem(f"cannot read {suffix or 'files without an extension'}: expected "
                                ".csv, .parquet or .xlsx", file=str(path), hint=HINT))
    try:
        if suffix == ".parquet":  # its header is checked before any column is read
            columns = ParquetColumns(path)
            _check_header(columns.names, path)
            if on_demand:
                return RawTable(columns.rows(), _report([]), columns)
            return RawTable(columns.whole(), _report([]))
        frame, report = _read_csv(path) if suffix == ".csv" else _read_excel(path, sheet)
    except DataError:
        raise
    except Exception as exc:  # every reader library has its own error types; all mean "unreadable"
        raise unreadable(path, exc) from None
    _check_header([c for c in frame.columns if c != SOURCE_ROW], path)
    return RawTable(frame, report)


def _report(entries: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Report rows (row, problem, action) of lines that are not records; column "" (a whole line)."""
    rows, problems, actions = (list(t) for t in zip(*entries)) if entries else ([], [], [])
    return pd.DataFrame({"row": np.asarray(rows, dtype="int64"), "column": "",
                         "problem": pd.Series(problems, dtype=object), "action": pd.Series(actions, dtype=object)},
                        columns=REPORT_COLUMNS)


def _check_header(names: list[str], path: Path) -> None:
    """A header must exist and name each column once (a mapping selects columns by name)."""
    if not names:
        raise DataError(Problem("the file has no header row (it is empty)", file=str(path),
                                hint="the first row must name the columns"))
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise DataError(Problem(f"column name(s) {', '.join(map(repr, dupes))} appear more than once",
                                file=str(path), hint="rename the duplicate columns in the header row"))


def _read_csv(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every column as text (ids keep leading zeros, nothing becomes 1.0); blank lines keep their row.
    Null markers (NULL, N/A, NaN, ...) become missing only after blank lines are dropped, so a record
    of markers alone stays a record and is reported, never dropped silently."""
    raw, encoding = _normalised_bytes(path.read_bytes())
    if not raw.strip():
        return pd.DataFrame(), _report([])
    if not raw.endswith((b"\n", b"\r")):
        raw += b"\n"  # a header-only export without a final newline is an empty table, not unreadable
    head = raw[:65536].decode(encoding, errors="replace")
    first_line = next(iter(io.StringIO(head, newline=""))).rstrip("\r\n")  # lines end as csvlines ends them
    delimiter = max(_DELIMITERS, key=first_line.count)
    header = [h.strip() for h in next(csv.reader(io.StringIO(first_line), delimiter=delimiter))]
    names = list(header)
    while names and not names[-1]:
        names.pop()  # spreadsheets pad the header with empty cells (a,b,c,,,): no column there
    _check_header(names, path)
    frame = _arrow_records(raw, encoding, delimiter, len(header), len(names))
    malformed: list[Malformed] = []
    if frame is None:  # some line does not fit: keep the records that do, report the others
        text, rows, malformed = fitting_lines(raw.decode(encoding), delimiter, len(header), len(names))
        frame = _arrow_records(text.encode("utf-8"), "utf-8", delimiter, len(header), len(names), checked=True)
        if frame is None or len(frame) != len(rows):  # a bug, reported as "cannot read the file"
            raise ValueError("the lines that fit the header could not be read back")
        frame[SOURCE_ROW] = rows
    frame.columns = [*names, SOURCE_ROW]
    frame, blank = _drop_blank(frame)
    last = max(int(frame[SOURCE_ROW].max()) if len(frame) else 0, *(m.row for m in malformed), 0)
    blank = [row for row in blank if row < last]  # blank lines after the last record end the file
    for name in names:
        marker = frame[name].isin(_NULL_MARKERS).to_numpy(dtype=bool, na_value=False)
        if marker.any():
            frame[name] = frame[name].mask(marker)
    entries = [(row, "blank line", SKIPPED) for row in blank] + [(m.row, m.problem, QUARANTINED) for m in malformed]
    return frame, _report(sorted(entries))


def _normalised_bytes(raw: bytes) -> tuple[bytes, str]:
    """The file's bytes without a byte-order mark, UTF-16 exports re-encoded as UTF-8, and their
    encoding: UTF-8, else cp1252 (the usual encoding of a spreadsheet's "CSV" on Windows)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    for bom, codec in _UTF16_BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec).encode("utf-8"), "utf-8"
    if len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0):  # UTF-16 without a mark: ASCII with NUL halves
        return raw.decode("utf-16-be" if raw[0] == 0 else "utf-16-le").encode("utf-8"), "utf-8"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw, "cp1252"
    return raw, "utf-8"


def _arrow_records(raw: bytes, encoding: str, delimiter: str, width: int, named: int, *,
                   checked: bool = False) -> pd.DataFrame | None:
    """Every record (with `source_row`) read by pyarrow, the fast path; None when a line does not fit
    the header (wrong number of cells, a value under an unnamed column, an odd number of quotes that
    may swallow the lines after it), so the line-by-line reader can locate it and read the rest.
    `checked`: every line is known to fit (csvlines.fitting_lines); a quote there may be literal."""
    if raw.count(b'"') % 2 and not checked:
        return None
    misfit: list[pacsv.InvalidRow] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        misfit.append(row)
        return "error"

    positions = [f"c{i}" for i in range(width)]  # the header is named (and checked) apart
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(column_names=positions, skip_rows=1, encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=False, invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in positions},
                                                 strings_can_be_null=True, null_values=[""]),
        )
    except pa.ArrowInvalid:
        if misfit:
            return None
        raise
    if any(table.column(i).null_count < len(table) for i in range(named, width)):
        return None
    frame = table.select(range(named)).to_pandas(types_mapper=string_mapper)
    frame[SOURCE_ROW] = np.arange(2, len(frame) + 2, dtype="int64")
    return frame


def _read_excel(path: Path, sheet: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The named sheet (default: the first); header = first non-empty row, its trailing empty cells
    ignored; rows keep the sheet's number; blank rows between records are reported as skipped, rows
    with a value beyond the header are quarantined (as a CSV line would be)."""
    with _sheet_rows(path, sheet) as sheet_rows:
        header: list[str] | None = None
        records: list[list[Any]] = []
        rows: list[int] = []
        blank: list[int] = []
        beyond: list[tuple[int, str, str]] = []
        for number, values in enumerate(sheet_rows, start=1):
            filled = [i for i, v in enumerate(values) if v is not None and str(v).strip()]
            if not filled:
                if header is not None:
                    blank.append(number)
                continue
            if header is None:
                header = [str(v).strip() if v is not None and str(v).strip() else f"column_{i + 1}"
                          for i, v in enumerate(values[:filled[-1] + 1])]
                continue
            if filled[-1] >= len(header):
                beyond.append((number, f"this row has a value in column {filled[-1] + 1}, the header names "
                               f"{len(header)} columns; the row is left out (fix it in the export)", QUARANTINED))
                continue
            cells = [_excel_value(v) for v in values[:len(header)]]
            records.append(cells + [None] * (len(header) - len(cells)))
            rows.append(number)
    if header is None:
        return pd.DataFrame(), _report([])
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame[SOURCE_ROW] = np.asarray(rows, dtype="int64")
    last = max(rows[-1] if rows else 0, beyond[-1][0] if beyond else 0)
    return frame, _report(sorted([(row, "blank line", SKIPPED) for row in blank if row < last] + beyond))


def _no_sheet(path: Path, sheet: str, names: list[str]) -> DataError:
    return DataError(Problem(f"no sheet named {sheet!r} (sheets: {', '.join(names)})", file=str(path),
                             field="sheet", hint="fix `sheet:` in the mapping"))


@contextmanager
def _sheet_rows(path: Path, sheet: str | None) -> Iterator[Iterable[Sequence[Any]]]:
    """The sheet's rows from row 1 (so numbers are the sheet's own), empty cells None or "".
    python-calamine (Rust) reads a workbook about 4x faster than openpyxl; openpyxl reads what it
    cannot (or where it is not installed)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # not installed, or a workbook calamine cannot open: openpyxl may
        book = None
    if book is not None:
        if sheet is not None and sheet not in book.sheet_names:
            raise _no_sheet(path, sheet, book.sheet_names)
        yield book.get_sheet_by_name(sheet if sheet is not None else book.sheet_names[0]).to_python(
            skip_empty_area=False)
        return
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise _no_sheet(path, sheet, workbook.sheetnames)
        ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        yield ws.iter_rows(values_only=True)
    finally:
        workbook.close()


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


def _drop_blank(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Blank lines are not records: the frame without them, and their row numbers."""
    blank = frame.drop(columns=SOURCE_ROW).isna().all(axis=1).to_numpy()
    if not blank.any():
        return frame, []
    return frame[~blank].reset_index(drop=True), frame[SOURCE_ROW].to_numpy()[blank].tolist()
