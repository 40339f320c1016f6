"""Where compiled KPI queries run: the one runner interface, and the embedded DuckDB backend.

A backend registers the prepared input tables (`prepare.py`: plain columns, timestamps as UTC epoch
nanoseconds, a precomputed local month key), materializes the repeat flags the queries join, and
runs SQL rendered in its dialect. Another engine (Spark) is one more class with the same members;
the queries are the same sqlglot trees.
"""

from __future__ import annotations

import os
import tempfile
from typing import Protocol, Sequence

import pandas as pd

from .compile import AGG_COLUMNS, CompiledQuery
from .dialects import render
from .relation import REPEATS, Repeats


class Backend(Protocol):
    """What `run_queries` needs from an engine."""

    dialect: str
    repeats: Repeats | None  # what its scorecard_repeats table holds (None: not built yet)

    def register(self, name: str, frame: pd.DataFrame) -> None: ...

    def materialize(self, name: str, sql: str) -> None: ...

    def execute(self, sql: str) -> pd.DataFrame: ...


class DuckDBBackend:
    """An in-process DuckDB connection with a memory limit that spills to a temporary folder, so a
    data set larger than the limit still completes (slower) instead of failing."""

    dialect = "duckdb"

    def __init__(self, memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None):
        import duckdb
        self.con = duckdb.connect(":memory:")
        limit = memory_limit or os.environ.get("SCORECARD_MEMORY_LIMIT", "2GB")
        spill = temp_directory or os.path.join(tempfile.gettempdir(), "scorecard-duckdb")
        self.con.execute(f"SET memory_limit = '{_quoted(limit)}'")
        self.con.execute(f"SET temp_directory = '{_quoted(spill)}'")
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.repeats: Repeats | None = None

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Registered as an Arrow table, which DuckDB scans in place: the prepared columns are
        already Arrow-backed (text) or plain arrays, so nothing is copied or converted (copying
        them into a DuckDB table cost 0.4 s of CPU per million interactions, more than it saved)."""
        import pyarrow as pa
        self.con.register(name, pa.Table.from_pandas(frame, preserve_index=False))

    def materialize(self, name: str, sql: str) -> None:
        self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql}')

    def execute(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def run_queries(backend: Backend, queries: Sequence[CompiledQuery], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Register `tables`, run every query, and return their aggregate rows in one frame (columns
    AGG_COLUMNS plus `kpi` and `query`, the CompiledQuery.key each row came from)."""
    for name, frame in tables.items():
        backend.register(name, frame)
    _materialize(backend, [q.repeats for q in queries if q.repeats is not None])
    frames = []
    for q in queries:
        out = backend.execute(q.sql(backend.dialect))
        frames.append(q.long(out).assign(query=q.key))
    if not frames:
        return pd.DataFrame(columns=[*AGG_COLUMNS, "kpi", "query"])
    return pd.concat(frames, ignore_index=True)


def _materialize(backend: Backend, asked: list[Repeats]) -> None:
    """Build the repeat flags once, and again (wider) only when a query asks for a window they lack:
    the windows then run once for every query of every run on this backend."""
    if not asked:
        return
    need = asked[0]
    for r in asked[1:]:
        need = need.widened(r)
    held = backend.repeats
    if held is not None and held.covers(need):
        return
    need = need if held is None else held.widened(need)
    backend.materialize(REPEATS, render(need.select(), backend.dialect))
    backend.repeats = need
