"""Where compiled KPI queries run: the one runner interface, and the embedded DuckDB backend.

A backend registers the prepared input tables (`prepare.py`: plain columns, timestamps as UTC epoch
nanoseconds, a precomputed local month key) and runs SQL rendered in its dialect. Another engine
(Spark) is one more class with the same three members; the queries are the same sqlglot trees.
"""

from __future__ import annotations

import os
import tempfile
from typing import Protocol, Sequence

import pandas as pd

from .compile import AGG_COLUMNS, CompiledQuery


class Backend(Protocol):
    """What `run_queries` needs from an engine."""

    dialect: str

    def register(self, name: str, frame: pd.DataFrame) -> None: ...

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

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Copied into DuckDB's own columnar format once: scanning the pandas frame in every
        query would convert its text columns again each time."""
        self.con.register("scorecard_incoming", frame)
        self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM scorecard_incoming')
        self.con.unregister("scorecard_incoming")

    def execute(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def run_queries(backend: Backend, queries: Sequence[CompiledQuery], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Register `tables`, run every query, and return their aggregate rows in one frame (columns
    AGG_COLUMNS plus `kpi` and `query`, the CompiledQuery.key each row came from)."""
    for name, frame in tables.items():
        backend.register(name, frame)
    frames = []
    for q in queries:
        out = backend.execute(q.sql(backend.dialect))
        frames.append(q.long(out).assign(query=q.key))
    if not frames:
        return pd.DataFrame(columns=[*AGG_COLUMNS, "kpi", "query"])
    return pd.concat(frames, ignore_index=True)
