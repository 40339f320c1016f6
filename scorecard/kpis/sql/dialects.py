"""The SQL dialects the compiled KPI queries are rendered in: sqlglot's, overriding only what differs.

One node per operation (sqlglot expressions); each engine is a few lines here. The exact quantile
with linear interpolation (numpy's default, which the pandas engine used) is `exp.Quantile`:
sqlglot renders it PERCENTILE on Spark (exact) but QUANTILE on DuckDB, which is the discrete one,
so DuckDB gets QUANTILE_CONT.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB


class ScorecardDuckDB(DuckDB):
    class Generator(DuckDB.Generator):
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            exp.Quantile: lambda self, e: self.func("QUANTILE_CONT", e.this, e.args.get("quantile")),
        }


DIALECTS = {"duckdb": ScorecardDuckDB, "spark": "spark"}


def render(expression: exp.Expression, dialect: str) -> str:
    """SQL text of a compiled query in one engine's dialect (a name in DIALECTS, or any sqlglot one)."""
    return expression.sql(dialect=DIALECTS.get(dialect, dialect))
