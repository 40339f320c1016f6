"""Arrow's memory from jemalloc: what an evaluation frees is reused, not zeroed again by the kernel.

Parquet columns, text joins and the result files' rows are Arrow buffers of column size (40 MB a
column at 5 M rows), allocated and freed stage after stage. pyarrow's default pool on Linux
(mimalloc) gave freed pages back and took fresh ones; jemalloc keeps them for the next buffers.
Measured alternated at 5 M rows (docs/benchmarks.md): peak 1.91-1.95 GB against 2.01-2.02 GB, time
within the noise, the same bytes out. A pool the user chose (ARROW_DEFAULT_MEMORY_POOL) is left alone.
`cli.main` sets it for the commands that read data only (cli.DATA_COMMANDS, review with --data), as it
imports pyarrow: `catalog` or `completion` never load it.

DuckDB has its own jemalloc, which keeps the pages a query freed for ten seconds by default: each of the
KPI queries after it took fresh ones, so the peak rose query after query. Freed at once
(DUCKDB_JE_MALLOC_CONF, read when DuckDB is loaded): `--engine duckdb` at 5 M rows peaks at 1,383-1,417
MB against 1,763-1,770 MB, for about 2 s more of system time (medians of 3 alternated: 25.5 s against
22.6 s wall, on a machine whose runs varied by 6 s). Background purging threads did not help. A
configuration the user set is left alone (DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:10000 buys the time back).
"""

from __future__ import annotations

import os


def use_jemalloc() -> str:
    """Make jemalloc Arrow's default pool where pyarrow has it; the name of the pool in use."""
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc (some platforms' wheels)
            pass
    return pa.default_memory_pool().backend_name


def free_duckdb_pages_at_once() -> None:
    """DuckDB's jemalloc gives freed pages back at once (set before DuckDB is first loaded)."""
    os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
