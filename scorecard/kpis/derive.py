"""Per-row facts derived once from the interactions table, exactly as KPIS.md defines them.

Every interaction KPI is a sum or a statistic over these columns, so the conventions (live
channels, abandons, "handled", the first-response fallback, wait_s) are decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..contract.model import Contract
from .business_time import BusinessClock, _epoch_seconds
from . import conventions
from .repeat import repeat_flags

SELF_SERVICE = "self_service"
DURATION_ROWS = 1 << 22  # rows of a duration's start converted at a time (InteractionRows.duration)


def _ts(df: pd.DataFrame, col: str) -> pd.Series | None:
    return df[col] if col in df else None


def _lower_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code into the distinct lower-cased labels ("" for a missing cell): the column's
    distinct values lower-cased, not every cell (a new Arrow column of 65 MB at 5 M rows, for a
    handful of channels), then merged where two lower-case alike ("Voice", "voice")."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    lowered = pd.Series(uniques).astype("string").str.lower().tolist() + [""]  # code -1 reads the ""
    merged, labels = pd.factorize(np.array(lowered, dtype=object))
    small = np.int8 if len(labels) < 127 else np.int32
    return merged[codes].astype(small), np.asarray(labels, dtype=object)


class ArrayFacts:
    """conventions.FactTerms over the interactions (the rows `at` of them): conditions as numpy bool
    arrays, flags as pandas nullable booleans, timestamps as pandas Series, numbers as float64."""

    def __init__(self, df: pd.DataFrame, live: np.ndarray, self_service: np.ndarray | None,
                 at: slice | np.ndarray = slice(None)):
        # self_service: None where the facts asked never read it (the first-response fallback, made
        # after release_kpi_facts dropped it)
        self.df, self.at = df, at
        self.live = live[at]
        self.self_service = None if self_service is None else self_service[at]
        self._flags: dict[str, pd.Series] = {}

    def timestamp(self, name: str) -> pd.Series | None:
        return self.df[name].iloc[self.at] if name in self.df else None

    def flag(self, name: str) -> pd.Series | None:
        if name not in self.df:
            return None
        if name not in self._flags:  # read a few times by the conventions: converted once
            self._flags[name] = self.df[name].iloc[self.at].astype("boolean")
        return self._flags[name]

    def number(self, name: str) -> np.ndarray | None:
        return self.df[name].iloc[self.at].to_numpy(dtype="float64") if name in self.df else None

    def either(self, flag: pd.Series, otherwise: np.ndarray | bool) -> np.ndarray:
        fill = otherwise if isinstance(otherwise, bool) else pd.Series(otherwise, index=flag.index)
        return flag.fillna(fill).to_numpy(dtype=bool)

    def known(self, timestamp: pd.Series) -> np.ndarray:
        return timestamp.notna().to_numpy()

    def missing(self, timestamp: pd.Series) -> np.ndarray:
        return timestamp.isna().to_numpy()

    def after_created(self, condition: np.ndarray, seconds: np.ndarray) -> pd.Series:
        created = self.df["created_at"].iloc[self.at]
        return created + pd.to_timedelta(np.where(condition, seconds, np.nan), unit="s")

    def only(self, condition: np.ndarray, timestamp: pd.Series) -> pd.Series:
        return timestamp.where(pd.Series(condition, index=timestamp.index))

    def first_of(self, timestamp: pd.Series, otherwise: pd.Series) -> pd.Series:
        return timestamp.fillna(otherwise)


@dataclass
class InteractionRows:
    """The clean interactions table with the derived facts every KPI reads."""

    df: pd.DataFrame
    contract: Contract
    clocks: dict[str, BusinessClock] = field(default_factory=dict)
    _repeats: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        df = self.df
        self.n = len(df)
        self._channel_codes, self._channel_labels = _lower_codes(df["channel"])
        self.live = self.channel_in(list(self.contract.live_channels))
        self.self_service = self.channel_in([SELF_SERVICE])
        self.created = df["created_at"]
        terms = ArrayFacts(df, self.live, self.self_service)
        answered_at = conventions.answered_at(terms)
        self.answered_at = answered_at
        self.abandoned, self.answered = conventions.abandoned_and_answered(terms, answered_at)
        self.abandoned_at = conventions.abandoned_at(terms, self.abandoned)
        # what first_response_at falls back to, kept past release_kpi_facts (the integrity signals read
        # it): the table's own column, or the one derived from wait_s
        self._answered_at = answered_at

    @property
    def first_response_at(self) -> pd.Series | None:
        """Convention 4: for live channels an empty first_response_at falls back to answered_at.
        Made each time it is read (a few KPIs and the integrity signals do, 20-60 ms at 5 M rows),
        not kept: a whole timestamp column, 8 bytes a row, through the KPIs and the sections."""
        return self.first_response_of(slice(None))

    def first_response_of(self, at: slice | np.ndarray) -> pd.Series | None:
        """first_response_at of the rows `at`, the fallback applied to those only: the integrity
        signals read it a chunk at a time (a whole column was 8 bytes a row at their peak)."""
        terms = ArrayFacts(self.df, self.live, None, at)
        answered_at = None if self._answered_at is None else self._answered_at.iloc[at]
        return conventions.first_response_at(terms, answered_at)

    @property
    def channel_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(each row's code, the distinct lower-cased channels it indexes; a missing cell reads ""):
        what the volume profile counts by, 1 byte a row (the labels per row, an object array of
        shared str, were 40 MB at 5 M rows)."""
        return self._channel_codes, self._channel_labels

    def release_kpi_facts(self) -> None:
        """Drop what only the KPIs and the sections read, once they are done: the integrity signals,
        the stage where memory peaks, read only the table, `live`, `channel_in`, `first_response_at`,
        `handled` and `n` (about 60 MB fewer at 5 M rows: abandoned_at, flags, repeat flags). Reading a
        dropped fact afterwards raises AttributeError."""
        _ = self.handled  # computed (and kept) while the facts it reads are still here
        for name in ("answered_at", "abandoned_at", "abandoned", "answered", "self_service"):
            self.__dict__.pop(name, None)
        self._repeats.clear()
        self.clocks.clear()

    def channel_in(self, channels: list[str]) -> np.ndarray:
        """Rows whose lower-cased channel is one of `channels` (looked up on the distinct labels)."""
        return np.isin(self._channel_labels, channels)[self._channel_codes]

    @cached_property
    def handled(self) -> np.ndarray | None:
        """Answered (live channels) or given a first response (async); self-service never."""
        terms = ArrayFacts(self.df, self.live, self.self_service)
        return conventions.handled(terms, self.answered, self.first_response_at)

    def column(self, name: str) -> pd.Series | None:
        """A timestamp by canonical name, with the derivations above applied."""
        if name in ("answered_at", "abandoned_at", "first_response_at"):
            return getattr(self, name)  # first_response_at made only when it is the one asked
        return self.df[name] if name in self.df else None

    def duration(self, start: str, end: str, clock: str | None, where: np.ndarray | None = None) -> np.ndarray | None:
        """Seconds from `start` to `end`, row by row: absolute time, or business time of a calendar.
        `where`: the rows wanted (NaN elsewhere), so that a business clock reads only those (an
        email KPI's fifth of the contacts: its day lookups cost 0.2 s a column at 5 M rows)."""
        if clock is not None and where is not None:
            rows = np.flatnonzero(where)
            a, b = self._rows_of(start, rows), self._rows_of(end, rows)
            if a is None or b is None:
                return None
            out = np.full(self.n, np.nan)
            out[rows] = self.clock(clock).duration(a, b)
            return out
        a, b = self.column(start), self.column(end)
        if a is None or b is None:
            return None
        if clock is None:  # in place, the start a slice at a time: one float column at once, not three
            seconds = _epoch_seconds(b)  # (16 bytes a row fewer: 800 MB at 50 M rows)
            for start_row in range(0, self.n, DURATION_ROWS):
                part = slice(start_row, start_row + DURATION_ROWS)
                seconds[part] -= _epoch_seconds(a.iloc[part])
            return seconds
        return self.clock(clock).duration(a, b)

    def _rows_of(self, name: str, rows: np.ndarray) -> pd.Series | None:
        """A timestamp of some rows only: first_response_at's fallback applied to those rows alone
        (the whole derived column is 8 bytes a row, 16 while it is made)."""
        if name == "first_response_at":
            return self.first_response_of(rows)
        column = self.column(name)
        return None if column is None else column.iloc[rows]

    def repeats(self, window_s: float) -> tuple[np.ndarray, np.ndarray]:
        """(repeated, window_open) per row for a repeat window, computed once per window."""
        if window_s not in self._repeats:
            self._repeats[window_s] = repeat_flags(self.df, window_s)
        return self._repeats[window_s]

    def clock(self, name: str) -> BusinessClock:
        if name not in self.clocks:
            calendar = self.contract.calendars[name]
            # first_response_at as stored: its fallback's values are answered_at's, in the list already
            # (the same range, without making the whole derived column, 16 bytes a row at once)
            columns = [_ts(self.df, "first_response_at"), *(self.column(c) for c in (
                "created_at", "resolved_at", "first_solution_at", "answered_at"))]
            stamps = [s for s in columns if s is not None and s.notna().any()]
            # No dated row at all (a header-only file): any range will do, nothing is measured.
            lo = min((s.min() for s in stamps), default=pd.Timestamp("2000-01-01", tz="UTC"))
            hi = max((s.max() for s in stamps), default=lo)
            self.clocks[name] = BusinessClock.build(calendar, lo, hi)
        return self.clocks[name]


class Filters:
    """The terms of a KPI's base (kpis/base.py) over one table, each filtered column lower-cased
    once: a filter is then a lookup of the column's integer codes (lower-casing every cell for each
    KPI cost 0.1 s at 5 M rows, about twenty times per evaluation). `cleared`: the data checks'
    cleared cells of this very table (inputs.InputFacts.cleared_of), None when none apply."""

    def __init__(self, df: pd.DataFrame, cleared: pd.DataFrame | None = None) -> None:
        self.df = df
        self._cleared = cleared
        self._columns: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def every(self) -> np.ndarray:
        return np.ones(len(self.df), dtype=bool)

    def none(self) -> np.ndarray:
        return np.zeros(len(self.df), dtype=bool)

    def has(self, column: str) -> bool:
        return column in self.df

    def text_in(self, column: str, lowered: frozenset[str]) -> np.ndarray:
        codes, labels = self._column(column)
        hit = labels.isin(lowered).fillna(False).to_numpy(dtype=bool)
        return np.append(hit, False)[codes]  # code -1 (a missing cell) reads the False

    def cleared(self, column: str) -> np.ndarray | None:
        if self._cleared is None or column not in self._cleared:
            return None
        return self._cleared[column].to_numpy(dtype=bool, na_value=False)

    def _column(self, col: str) -> tuple[np.ndarray, pd.Series]:
        if col not in self._columns:
            codes, uniques = pd.factorize(self.df[col], use_na_sentinel=True)
            small = np.int8 if len(uniques) < 127 else np.int32  # a channel's codes: 1 byte a row
            self._columns[col] = codes.astype(small), pd.Series(uniques).astype("string").str.lower()
        return self._columns[col]
