"""The SQL dialects the compiled KPI queries are rendered in: sqlglot's, overriding only what differs.

One node per operation (sqlglot expressions); each engine is a few lines here. The exact quantile
with linear interpolation (numpy's default, which the pandas engine used) is `exp.Quantile`:
sqlglot renders it PERCENTILE on Spark (exact) but QUANTILE on DuckDB, which is the discrete one,
so DuckDB gets QUANTILE_CONT.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.duckdb import DuckDB


class ScorecardDuckDB(DuckDB):
    # sqlglot >= 30 binds DuckDB.Generator as a class attribute (`Generator = DuckDBGenerator`), which
    # mypy will not take as a base class; at run time it is the class. Importing DuckDBGenerator
    # instead would break the sqlglot >= 25.20 this project supports, which has no sqlglot.generators.
    class Generator(DuckDB.Generator):  # type: ignore[valid-type, misc]
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            exp.Quantile: lambda self, e: self.func("QUANTILE_CONT", e.this, e.args.get("quantile")),
        }


DIALECTS: dict[str, str | type[Dialect]] = {"duckdb": ScorecardDuckDB, "spark": "spark"}


def render(expression: exp.Expression, dialect: str) -> str:
    """SQL text of a compiled query in one engine's dialect (a name in DIALECTS, or any sqlglot one)."""
    return expression.sql(dialect=DIALECTS.get(dialect, dialect))
