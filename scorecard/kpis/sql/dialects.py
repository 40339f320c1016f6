"""The SQL dialects the compiled KPI queries are rendered in: sqlglot's, overriding only what differs.

One node per operation (sqlglot expressions); each engine is a few lines here. An exact quantile
is computed by the compiler from a node of its own, a discrete percentile of a group, and the
observations next to it (compile._with_quantiles), so that every engine interpolates with the
pandas engine's arithmetic: DuckDB's QUANTILE_CONT and Spark's PERCENTILE round differently in the
last bit.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.spark import Spark


class Anchor(exp.AggFunc, exp.Expression):  # (sqlglot >= 30 makes AggFunc a trait)
    """One of a group's non-NULL values of `this`: the discrete percentile `quantile` (an exact
    decimal), which the compiler's exact quantile starts from (compile._with_quantiles)."""

    arg_types = {"this": True, "quantile": True}


class ScorecardDuckDB(DuckDB):
    # sqlglot >= 30 binds DuckDB.Generator as a class attribute (`Generator = DuckDBGenerator`), which
    # mypy will not take as a base class; at run time it is the class. Importing DuckDBGenerator
    # instead would break the sqlglot >= 25.20 this project supports, which has no sqlglot.generators.
    class Generator(DuckDB.Generator):  # type: ignore[valid-type, misc]
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            Anchor: lambda self, e: f"QUANTILE_DISC({self.sql(e, 'this')}, {self.sql(e, 'quantile')})",
        }


class ScorecardSpark(Spark):
    class Generator(Spark.Generator):  # type: ignore[valid-type, misc]  # as ScorecardDuckDB's
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            Anchor: lambda self, e: (f"PERCENTILE_DISC({self.sql(e, 'quantile')}) "
                                     f"WITHIN GROUP (ORDER BY {self.sql(e, 'this')})"),
        }


DIALECTS: dict[str, str | type[Dialect]] = {"duckdb": ScorecardDuckDB, "spark": ScorecardSpark}


def render(expression: exp.Expression, dialect: str) -> str:
    """SQL text of a compiled query in one engine's dialect (a name in DIALECTS, or any sqlglot one)."""
    return expression.sql(dialect=DIALECTS.get(dialect, dialect))
