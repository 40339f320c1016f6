"""Where compiled KPI queries run: the one runner interface, and the embedded DuckDB backend.

A backend registers the prepared input tables (`prepare.py`: plain columns, timestamps as UTC epoch
nanoseconds, a precomputed local month key), adds the repeat flags to the interactions once, and
runs SQL rendered in its dialect. Another engine (Spark) is one more class with the same members;
the queries are the same sqlglot trees.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Protocol, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from ...errors import DataError, Problem
from .compile import AGG_COLUMNS, CompiledQuery, anchor_table
from .dialects import render
from .relation import Repeats


class Backend(Protocol):
    """What `run_queries` needs from an engine."""

    dialect: str
    repeats: Repeats | None  # the repeat flags its interactions already have (None: none yet)

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None: ...

    def extend(self, name: str, sql: str) -> None:
        """Add to table `name` the columns `sql` gives for each of its rows (keyed by `_row`)."""

    def execute(self, sql: str) -> pd.DataFrame: ...

    def materialize(self, name: str, sql: str) -> None:
        """Table `name` holds the rows of `sql` (a quantile query's anchors) until `drop`."""

    def drop(self, name: str) -> None: ...


class DuckDBBackend:
    """An in-process DuckDB connection with a memory limit that spills to a temporary folder, so a
    data set larger than the limit still completes (slower) instead of failing. The limit is half
    this machine's memory (at least 2GiB) unless SCORECARD_MEMORY_LIMIT says: the loaded tables live
    outside it, and an exact quantile's anchor holds each group's observations until it is chosen,
    which cannot spill (with the sorted lists of before, 50 M bench rows failed under 2GB; under
    6GB they completed, peak 9.9 GB; now 7.96 GB). Threads: DuckDB's
    default (every core) unless SCORECARD_THREADS says; one thread spends about 15 % less CPU
    (each thread's partial hash tables are merged: 12.8 s against 15.0 s for the KPI engine at 5 M
    rows on a loaded 2-core machine, where one thread was also the faster in wall time). A join on
    inequalities with a side of at most 1,000 rows (the backlog's period ends) is a nested loop: the
    merge join DuckDB takes above 5 rows sorted the 1.75 M async contacts of the 5 M bench rows, 2.6 s
    of CPU against 0.6 s."""

    dialect = "duckdb"

    def __init__(self, memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None):
        import duckdb
        self.con = duckdb.connect(":memory:")
        limit = (memory_limit or os.environ.get("SCORECARD_MEMORY_LIMIT", "").strip()
                 or f"{max(2, half_of_memory_gb())}GiB")
        spill = temp_directory or os.path.join(tempfile.gettempdir(), "scorecard-duckdb")
        try:
            self.con.execute(f"SET memory_limit = '{_quoted(limit)}'")
        except duckdb.Error as exc:
            raise DataError([Problem(
                f"SCORECARD_MEMORY_LIMIT={limit!r} is not an amount of memory", file="--engine duckdb",
                hint="write it as DuckDB reads it, e.g. SCORECARD_MEMORY_LIMIT=4GB or 500MB, "
                     "or unset it (half this machine's memory)")]) from exc
        self.con.execute(f"SET temp_directory = '{_quoted(spill)}'")
        self.limit, self.spill = limit, spill
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET nested_loop_join_threshold = 1000")
        threads = threads or _threads_asked()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.repeats: Repeats | None = None
        self._tables: dict[str, pa.Table] = {}

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None:
        """Registered as an Arrow table, which DuckDB scans in place: the prepared tables are Arrow
        already (sql/prepare.py), so nothing is copied or converted (copying them into a DuckDB table
        cost 0.4 s of CPU per million interactions, more than it saved). A table with float32
        columns is read through a view that casts them to DOUBLE as they are scanned."""
        table = arrow_table(frame)
        self._tables[name] = table
        floats = float32_columns(table)
        if not floats:
            self.con.register(name, table)
            return
        self.con.register(_scanned(name), table)
        casts = ", ".join(f'CAST("{c}" AS DOUBLE) AS "{c}"' for c in floats)
        self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * REPLACE ({casts}) FROM "{_scanned(name)}"')

    def extend(self, name: str, sql: str) -> None:
        """The new columns are appended to the Arrow table in its row order: every query then reads
        them as plain columns (a join back by row number cost more than the windows at 5 M rows)."""
        table = self._tables[name]
        with self._said():
            extra = self.con.sql(sql).arrow()
        if isinstance(extra, pa.RecordBatchReader):  # duckdb 2 hands a reader, 1.5 a table
            extra = extra.read_all()
        where = np.empty(table.num_rows, dtype=np.int64)  # _row of the table's i-th row -> its row in extra
        where[extra.column("_row").to_numpy()] = np.arange(extra.num_rows)
        order = pa.array(where[table.column("_row").to_numpy()])
        for column in extra.column_names:
            if column != "_row":
                table = table.append_column(column, extra.column(column).take(order))
        self.register(name, table)

    def execute(self, sql: str) -> pd.DataFrame:
        with self._said():
            return self.con.execute(sql).df()

    def materialize(self, name: str, sql: str) -> None:
        """A temporary table: the anchors and the query reading them are two statements, because
        as one (a CTE) DuckDB held 1.1 GB and took 2.1 s for the quantile of 20 M observations in
        12 groups, against 0.2 GB and 1.1 s."""
        with self._said():
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')

    def drop(self, name: str) -> None:
        self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    @contextmanager
    def _said(self) -> Iterator[None]:
        """DuckDB out of memory under its limit, or out of disk where it spills: said in words, with
        what to change (exit 2), not as a bug."""
        import duckdb
        try:
            yield
        except duckdb.OutOfMemoryException as exc:
            raise DataError([Problem(
                f"DuckDB ran out of memory computing the KPIs under its limit of {self.limit} "
                f"({str(exc).splitlines()[0][:160]})", file="--engine duckdb",
                hint=f"raise it with SCORECARD_MEMORY_LIMIT (e.g. twice {self.limit}, where the machine has it), "
                     "run DuckDB on one thread (SCORECARD_THREADS=1), or use the default engine (--engine "
                     "pandas), which holds less")]) from exc
        except duckdb.IOException as exc:
            raise DataError([Problem(
                f"DuckDB could not spill to {self.spill} ({str(exc).splitlines()[0][:160]})", file="--engine duckdb",
                hint="free disk space there, or point TMPDIR at a disk with room")]) from exc


def _threads_asked() -> int | None:
    """SCORECARD_THREADS, a whole number of threads (None: not set)."""
    asked = os.environ.get("SCORECARD_THREADS", "").strip()
    if not asked:
        return None
    if not asked.isdigit() or int(asked) < 1:
        raise DataError([Problem(f"SCORECARD_THREADS={asked!r} is not a number of threads", file="--engine duckdb",
                                 hint="write a whole number, e.g. SCORECARD_THREADS=1, or unset it to use every core")])
    return int(asked)


def half_of_memory_gb() -> int:
    """Half this machine's physical memory in whole GB (0 where the system does not say)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    return total // 2 // 2**30


def arrow_table(frame: pd.DataFrame | pa.Table) -> pa.Table:
    return frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)


def float32_columns(table: pa.Table) -> list[str]:
    """The columns every backend reads as DOUBLE: the loader's narrowed floats (sql/prepare.py),
    whose arithmetic in float32 (x * 60) would not be the pandas engine's float64."""
    return [f.name for f in table.schema if pa.types.is_float32(f.type)]


def _scanned(name: str) -> str:
    """The Arrow table under a view that reads its float32 columns as DOUBLE."""
    return f"{name}__arrow"


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def run_queries(backend: Backend, queries: Sequence[CompiledQuery], tables: dict[str, pd.DataFrame | pa.Table]
                ) -> pd.DataFrame:
    """Register `tables`, run every query, and return their aggregate rows in one frame (columns
    AGG_COLUMNS plus `kpi` and `query`, the CompiledQuery.key each row came from)."""
    for name, frame in tables.items():
        backend.register(name, frame)
    _add_repeats(backend, [q.repeats for q in queries if q.repeats is not None])
    frames = []
    for q in queries:
        anchors = q.anchors_sql(backend.dialect)
        if anchors is not None:
            backend.materialize(anchor_table(q.key), anchors)
        out = backend.execute(q.sql(backend.dialect))
        if anchors is not None:
            backend.drop(anchor_table(q.key))
        frames.append(q.long(out).assign(query=q.key))
    if not frames:
        return pd.DataFrame(columns=[*AGG_COLUMNS, "kpi", "query"])
    return pd.concat(frames, ignore_index=True)


def _add_repeats(backend: Backend, asked: list[Repeats]) -> None:
    """Give the interactions the repeat flags of every window asked and not added yet: the windows
    then run once for every query of every run on this backend. (The queries of one compile carry
    the same Repeats; whether the table has a reason is the table's, the same for every query.)"""
    held = backend.repeats
    windows = frozenset().union(*(r.windows for r in asked)) - (held.windows if held is not None else frozenset())
    if not windows:
        return
    missing = replace(asked[0], windows=windows)
    backend.extend("interactions", render(missing.select(), backend.dialect))
    backend.repeats = missing if held is None else replace(held, windows=held.windows | windows)
