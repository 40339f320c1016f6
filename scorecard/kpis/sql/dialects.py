"""The SQL dialects the compiled KPI queries are rendered in: sqlglot's, overriding only what differs.

One node per operation (sqlglot expressions); each engine is a few lines here. An exact quantile
is computed by the compiler from two nodes of its own, the sorted observations of a group and an
item of them (compile.interpolated), so that every engine interpolates with the pandas engine's
arithmetic: DuckDB's QUANTILE_CONT and Spark's PERCENTILE round differently in the last bit.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.spark import Spark


class SortedValues(exp.AggFunc, exp.Expression):  # (sqlglot >= 30 makes AggFunc a trait)
    """A group's non-NULL values of `this` as a list, ascending; values that compare equal (0.0
    and -0.0) in the order of `by`, as the pandas engine's stable sort leaves them (no `by`: the
    values hold no -0.0, so equal values are the same bits and their order does not matter)."""

    arg_types = {"this": True, "by": False}


class Item(exp.Func, exp.Expression):
    """The `index`-th item of a list, counted from 1."""

    arg_types = {"this": True, "index": True}


def _duckdb_sorted(self, e: SortedValues) -> str:
    x = self.sql(e, "this")
    by = f", {self.sql(e, 'by')}" if e.args.get("by") is not None else ""
    return f"LIST({x} ORDER BY {x}{by}) FILTER (WHERE NOT {x} IS NULL)"


def _spark_sorted(self, e: SortedValues) -> str:
    """Spark has no ordered aggregate: pairs (value, by) sorted (ARRAY_SORT orders a struct field by
    field, -0.0 equal to 0.0), then their values. COLLECT_LIST skips the NULL pairs (and the NULL
    values: without `by`, the values themselves are sorted)."""
    x = self.sql(e, "this")
    if e.args.get("by") is None:
        return f"ARRAY_SORT(COLLECT_LIST({x}))"
    pairs = f"COLLECT_LIST(CASE WHEN NOT {x} IS NULL THEN NAMED_STRUCT('v', {x}, 'by', {self.sql(e, 'by')}) END)"
    return f"TRANSFORM(ARRAY_SORT({pairs}), p -> p.v)"


class ScorecardDuckDB(DuckDB):
    # sqlglot >= 30 binds DuckDB.Generator as a class attribute (`Generator = DuckDBGenerator`), which
    # mypy will not take as a base class; at run time it is the class. Importing DuckDBGenerator
    # instead would break the sqlglot >= 25.20 this project supports, which has no sqlglot.generators.
    class Generator(DuckDB.Generator):  # type: ignore[valid-type, misc]
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            SortedValues: _duckdb_sorted,
            Item: lambda self, e: f"{self.sql(e, 'this')}[{self.sql(e, 'index')}]",
        }


class ScorecardSpark(Spark):
    class Generator(Spark.Generator):  # type: ignore[valid-type, misc]  # as ScorecardDuckDB's
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            SortedValues: _spark_sorted,
            Item: lambda self, e: f"ELEMENT_AT({self.sql(e, 'this')}, CAST({self.sql(e, 'index')} AS INT))",
        }


DIALECTS: dict[str, str | type[Dialect]] = {"duckdb": ScorecardDuckDB, "spark": ScorecardSpark}


def render(expression: exp.Expression, dialect: str) -> str:
    """SQL text of a compiled query in one engine's dialect (a name in DIALECTS, or any sqlglot one)."""
    return expression.sql(dialect=DIALECTS.get(dialect, dialect))
