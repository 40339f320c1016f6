"""Vectorised conversions from raw file values to the canonical dtypes.

Each converter takes a column as any reader gives it (text from CSV, native types from Parquet,
Python objects from Excel) and returns `(values, bad)`: the typed column and a mask of the cells that
held something unparseable (empty cells are missing, not bad), so the quality checks can report the
offending value. Naive timestamps are wall-clock times in the contract's time zone; at a DST change a
nonexistent time (spring gap) is shifted forward to the first valid instant and an ambiguous one
(autumn overlap) is read as its first occurrence (summer time). Offsets and `Z` are honoured as written.
A date outside the years the canonical `datetime64[ns]` holds (1678-2261 here, a margin for time
zones) is unparseable: pandas reads 9999-12-31 or 0001-01-01 at a coarser unit that does not fit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

STRING = "string"
BOOLEAN = "boolean"
UTC_NS = "datetime64[ns, UTC]"
_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")
_BOOL_WORDS = {**{w: True for w in _TRUE}, **{w: False for w in _FALSE}}
# A UTC offset after a time of day (T09, 09:00, 0900, 09:00:00.5): Z, +01:00, +0530 or the hour alone
# (-05), all ISO 8601. The time must come first, so the day of a bare date (2026-03-10) is never read as
# an offset of -10 h.
# pandas also reads one-digit hours (+1, -5:00): those are offsets too, never a naive time.
_OFFSET = r"[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?\s*(?:[zZ]|[+-]\d{1,2}(?::?\d{2})?)\s*$"
_CLOCK = r"^\s*(\d+)[:.](\d{1,2})(?:[:.](\d{1,2}))?\s*$"
_PERIOD = r"^\d{4}-(?:0[1-9]|1[0-2])(?:$|[-T ])"
# bytes that may begin or end a cell `str.strip` changes: ASCII white space, any byte of a non-ASCII character
_UNSAFE = np.array([chr(b).isspace() or b >= 0x80 for b in range(256)])
_YEARS = (1678, 2261)  # inside datetime64[ns] (1677-09-21 .. 2262-04-11) with room for any UTC offset
NAT = np.iinfo(np.int64).min  # NaT in a datetime column's int64 view

Parsed = tuple[pd.Series, pd.Series]


def to_label(s: pd.Series, *, lower: bool = False, categorical: bool = False) -> pd.Series:
    """Ids and labels as "string": integral numbers print without '.0', text stripped, '' -> <NA>;
    `lower`: lower-cased too (channels). `categorical`: the same values as a pandas Categorical (the
    clean distinct values as "string" categories, sorted as the strings sort; missing = NaN code -1),
    for labels with few distinct values: 1-2 bytes a row instead of 13-30 (docs/ARCHITECTURE.md)."""
    if pd.api.types.is_float_dtype(s.dtype) and bool((((s % 1 == 0) & (s.abs() < 2.0**63)) | s.isna()).all()):
        s = s.astype("Int64")  # (1e20 does not fit: it stays a float, '1e+20')
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = s.cat.codes.to_numpy(), s.cat.categories
    elif not categorical and (isinstance(s.array, pd.arrays.ArrowStringArray)
                              or s.iloc[:20_000].nunique() * 4 > min(len(s), 20_000)):
        # Arrow text (Parquet, CSV) or mostly distinct values (ids): every cell in one vectorised pass,
        # faster on Arrow than factorizing (1 M agent ids: 0.14 s instead of 0.45 s); same strip
        out = s.astype(STRING)
        if not _trimmed(out.array):
            out = out.str.strip()
            empty = out == ""
            out = out.mask(empty) if bool(empty.any()) else out  # masking copies every cell: only when needed
        return out.str.lower() if lower else out
    else:  # as text first: factorize alone takes 0.0 and -0.0 of a float column for one value, which
        # each cell's text writes apart (any float column); and, categorical, 1 and 1.0 (or True) of an
        # object column
        as_text = pd.api.types.is_float_dtype(s.dtype) or (categorical and s.dtype == object)
        codes, uniques = pd.factorize(s.astype(STRING) if as_text else s)
    # Few distinct values (channels, teams, agents): clean each once and map the codes back.
    clean = pd.Series(uniques).astype(STRING).str.strip()
    clean = clean.mask(clean == "")
    clean = clean.str.lower() if lower else clean
    if categorical:
        return pd.Series(_recoded(codes, clean), index=s.index, name=s.name)
    return pd.Series(clean.array.take(codes, allow_fill=True), index=s.index, name=s.name)


def _recoded(codes: np.ndarray, clean: pd.Series) -> pd.Categorical:
    """The Categorical of `clean.take(codes)` (-1: missing): two raw values may clean alike (' Chat',
    'chat'), so the categories are the distinct clean values, sorted, and each raw code is mapped to its
    clean value's position (a cleared one to -1)."""
    valid = clean.notna().to_numpy()
    values = clean[valid].to_numpy(dtype=object)
    categories = np.unique(values)  # Python's str order: code points, as Arrow and pandas sort text
    position = np.full(len(clean) + 1, -1, dtype=np.int64)  # the last slot: code -1 stays missing
    position[:-1][valid] = np.searchsorted(categories, values)
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype=STRING))
    return pd.Categorical.from_codes(position[codes], dtype=dtype)


def _trimmed(text: pd.api.extensions.ExtensionArray) -> bool:
    """Whether stripping would change no cell: none empty, none starting or ending with a byte that may
    be white space (ASCII white space, or any byte of a non-ASCII character, left to the strip). Read
    from each cell's first and last byte, so millions of clean ids are not copied by a strip."""
    arrow = pa.array(text)  # the column's own chunks (pandas hands its Arrow data over, no copy)
    for chunk in arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]:
        if chunk.null_count == len(chunk):
            continue
        offset = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        bounds = np.frombuffer(chunk.buffers()[1], dtype=offset)[chunk.offset:chunk.offset + len(chunk) + 1]
        first, end = bounds[:-1], bounds[1:]
        if chunk.null_count:
            valid = chunk.is_valid().to_numpy(zero_copy_only=False)
            first, end = first[valid], end[valid]
        if bool(np.less_equal(end, first).any()):  # an empty cell (its data buffer may even be absent)
            return False
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        if bool(_UNSAFE[data[first]].any()) or bool(_UNSAFE[data[end - 1]].any()):
            return False
    return True


def _native_and_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split a column into naive datetime cells (Excel date cells, at the unit pandas picks: they may
    not fit nanoseconds yet, see `_fit_ns`) and text to parse."""
    if s.dtype != object:
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), to_label(s)
    is_dt = s.map(lambda v: isinstance(v, (dt.datetime, dt.date))).astype(bool)
    native = pd.to_datetime(s.where(is_dt), errors="coerce")
    return native, to_label(s.where(~is_dt))


def _fit_ns(values: pd.Series) -> pd.Series:
    """Datetimes of any unit (naive or aware) at nanosecond unit; cells outside `_YEARS` -> NaT
    (converting them would raise OutOfBoundsDatetime; callers report them as unparseable)."""
    if _inside_years(values):
        return values.dt.as_unit("ns")  # the usual case: no per-cell year check on millions of rows
    year = values.dt.year
    inside = values.where((year >= _YEARS[0]) & (year <= _YEARS[1]))
    return inside.dt.as_unit("ns")


def _inside_years(values: pd.Series) -> bool:
    """Whether every timestamp set (if any) lies in `_YEARS`. Naive and UTC values: their earliest and
    latest read on the int64 view against the bounds in the column's unit (pandas' min and max copy the
    column first: 9 timestamp columns at 5 M rows); other time zones by their local years, as pandas says."""
    if values.dt.tz is not None and str(values.dt.tz) != "UTC":
        low, high = values.min(), values.max()
        return bool(pd.isna(low) or (low.year >= _YEARS[0] and high.year <= _YEARS[1]))
    stamps = values.array.asi8
    high = stamps.max() if len(stamps) else NAT
    if high == NAT:  # NaT is the smallest int64: no timestamp set
        return True
    first, after = (np.datetime64(f"{y}-01-01", values.dt.unit).astype(np.int64) for y in (_YEARS[0], _YEARS[1] + 1))
    low = np.min(stamps, where=stamps != NAT, initial=np.iinfo(np.int64).max)
    return bool(low >= first and high < after)


def to_number(s: pd.Series) -> Parsed:
    """float64; text that is not a finite number is bad. A -0 is read as 0 (`_unsigned_zero`)."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values, missing = s.astype("float64"), s.isna()
    else:
        text = to_label(s)
        values, missing = pd.to_numeric(text, errors="coerce").astype("float64"), text.isna()
    bad = ~missing & ~np.isfinite(values)
    return _unsigned_zero(values.where(~bad)), bad


def _unsigned_zero(values: pd.Series) -> pd.Series:
    """-0.0 as 0.0 (x + 0.0; every other value, NaN included, unchanged): a duration, a score or an
    amount of -0 is 0, and no stage after the checks need then order zeros of two signs (the SQL
    engines' exact quantiles compare values: -0.0 and 0.0 are equal there)."""
    return values + 0.0


def to_bool(s: pd.Series) -> Parsed:
    """Nullable boolean from true/false, yes/no, y/n, 1/0, t/f (any case)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(BOOLEAN), pd.Series(False, index=s.index)
    text = to_label(s).str.lower()
    values = text.map(_BOOL_WORDS).astype(BOOLEAN)
    return values, text.notna() & values.isna()


def clock_seconds(s: pd.Series, *, two_parts: str) -> Parsed:
    """Seconds from clock text `h:mm:ss` or `h.mm.ss` (as exports write 9.12.58 or 0.02.23); a two-part
    value is read as `mm:ss` (two_parts='ms', durations) or `h:mm` (two_parts='hm', times of day).
    A plain number is already seconds."""
    text = to_label(s)
    parts = text.str.extract(_CLOCK).astype("float64")
    a, b, c = parts[0], parts[1], parts[2]
    if two_parts == "ms":
        seconds = (a * 3600 + b * 60 + c).where(c.notna(), a * 60 + b)
    else:
        seconds = a * 3600 + b * 60 + c.fillna(0.0)
    in_range = (b < 60) & (c.fillna(0.0) < 60)
    seconds = seconds.where(in_range)
    plain = pd.to_numeric(text.where(parts[0].isna()), errors="coerce").astype("float64")
    values = _unsigned_zero(seconds.fillna(plain))
    return values, text.notna() & values.isna()


def to_timestamp(s: pd.Series, timezone: str, fmt: str | None = None) -> Parsed:
    """datetime64[ns, UTC]; naive values are local times in `timezone`, offsets are honoured.
    `fmt` is a strftime pattern for text cells (default ISO 8601)."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        values = _fit_ns(s.dt.tz_convert("UTC")).astype(UTC_NS)
        return values, s.notna() & values.isna()
    if pd.api.types.is_datetime64_dtype(s.dtype):
        values = localize(s, timezone)
        return values, s.notna() & values.isna()
    native, text = _native_and_text(s)
    values = localize(native, timezone)
    bad_native = native.notna() & values.isna()
    if fmt is None:
        with_offset = text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    else:
        with_offset = pd.Series("%z" in fmt, index=s.index) & text.notna()
    if bool(with_offset.any()):
        aware = pd.to_datetime(text[with_offset], format=fmt or "ISO8601", errors="coerce", utc=True)
        values[with_offset] = _fit_ns(aware).astype(UTC_NS)
    naive_text = text.notna() & ~with_offset
    if bool(naive_text.any()):
        naive = pd.to_datetime(text[naive_text], format=fmt or "ISO8601", errors="coerce")
        values[naive_text] = localize(naive, timezone)
    return values, (text.notna() & values.isna()) | bad_native


def localize(naive: pd.Series, timezone: str) -> pd.Series:
    """Wall-clock times in `timezone` -> UTC (DST rule: see the module docstring); NaT outside `_YEARS`."""
    first_occurrence = np.ones(len(naive), dtype=bool)
    local = _fit_ns(naive).dt.tz_localize(timezone, nonexistent="shift_forward", ambiguous=first_occurrence)
    return local.dt.tz_convert("UTC")


def combine_date_time(date: pd.Series, time: pd.Series, timezone: str, fmt: str | None) -> Parsed:
    """A date column plus a time-of-day column (09:12:58, 9.12.58) -> one timestamp.
    Returns the timestamps and the bad mask of each part: (values, bad_date | bad_time)."""
    day, bad_day = _dates(date, fmt)
    seconds, bad_time = clock_seconds(time, two_parts="hm")
    bad_time = bad_time | (seconds >= 86400)
    wall = day + pd.to_timedelta(seconds.where(~bad_time).fillna(0.0), unit="s")
    values = localize(wall, timezone).where(day.notna() & seconds.notna() & ~bad_time)  # no time: unknown, not midnight
    return values.astype(UTC_NS), bad_day | bad_time


def _dates(s: pd.Series, fmt: str | None) -> Parsed:
    """Naive midnights of a date column (Excel date cells, or text in `fmt`, default ISO)."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        day = _fit_ns(s).dt.normalize()
        return day, s.notna() & day.isna()
    native, text = _native_and_text(s)
    fitted = _fit_ns(native)
    parsed = _fit_ns(pd.to_datetime(text, format=fmt or "ISO8601", errors="coerce"))
    bad = (text.notna() & parsed.isna()) | (native.notna() & fitted.isna())
    return fitted.fillna(parsed).dt.normalize(), bad


def to_period(s: pd.Series) -> Parsed:
    """'YYYY-MM' labels; a full date (or an Excel date cell) gives its month."""
    text = to_label(s)
    ok = text.str.contains(_PERIOD, regex=True).fillna(False).astype(bool)
    return text.str.slice(0, 7).where(ok), text.notna() & ~ok
