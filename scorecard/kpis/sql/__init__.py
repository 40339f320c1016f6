"""The KPI compiler and its SQL backends (see docs/ARCHITECTURE.md, "The SQL engine seam").

    prepared = prepare_tables(contract, tables, labels, facts)
    queries, notes = compile_kpis(contract, kpis, grains, prepared, tables, labels)
    aggregates = run_queries(backend, queries, prepared.tables)
"""

from .backend import Backend, DuckDBBackend, run_queries
from .compile import AGG_COLUMNS, CompiledQuery, MeasureSQL
from .plan import Prepared, compile_kpis, compiles, prepare_tables

__all__ = ["AGG_COLUMNS", "Backend", "CompiledQuery", "DuckDBBackend", "MeasureSQL", "Prepared",
           "compile_kpis", "compiles", "prepare_tables", "run_queries"]
