"""The KPI compiler: measures declared as column expressions -> one set-based query per KPI.

A `MeasureSQL` is what a KPI reduces to over a row relation: a base filter (the rows an entity
exists by), a numerator and a denominator summed, or observations of an exact quantile, a count
behind the value and a provisional flag. `aggregate_query` turns it into one SELECT that joins
each row's local month to the asked periods (month, quarter, year rows are their own) and groups
by GROUPING SETS over period x every grain, so every grain is computed in one pass.
Finishing (value = num / den, per-period divisors) happens on the aggregate rows: see sqlengine.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

from .dialects import render

AGG_COLUMNS = ["period", "grain", "entity", "base", "num", "den", "n", "prov", "quantile", "nobs", "first_row"]
PERIOD_MAP = "scorecard_period_map"  # month -> period label, one row per asked label of every kind


def sql(text: str) -> exp.Expression:
    """A column expression written in the portable SQL subset (parsed once into a typed tree)."""
    return sqlglot.parse_one(text, read="duckdb")


def flag(condition: exp.Expression) -> exp.Expression:
    """1.0 where a condition holds, else 0.0 (NULL counts as false), summed as an indicator."""
    return exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1.0))], default=exp.Literal.number(0.0))


@dataclass(frozen=True)
class MeasureSQL:
    """One KPI over a row relation. value = SUM(num) / SUM(den), or the quantile `q` of `obs`;
    n = SUM(den) (or COUNT(obs), or SUM(n) when given). Rows outside `base` contribute nothing."""

    relation: exp.Expression  # rows with the grain columns and `_month`, read as `v` by the expressions
    base: exp.Expression
    num: exp.Expression | None = None
    den: exp.Expression | None = None
    obs: exp.Expression | None = None
    q: float | None = None
    n: exp.Expression | None = None
    provisional: exp.Expression | None = None
    # value from (keys, num, den) where the value needs per-period data of another table, and a map
    # of the ratio (forecast accuracy = 1 - WAPE); both applied to the aggregate rows, see sqlengine.py
    combine: Callable | None = None
    transform: Callable[[np.ndarray], np.ndarray] | None = None


@dataclass(frozen=True)
class CompiledQuery:
    """One KPI's query: `sql(dialect)` renders it; `long(frame)` reads its result as AGG_COLUMNS rows
    (one per period x grain x entity; a row whose entity is missing at a grain belongs nowhere)."""

    key: str
    kpi: str
    select: exp.Select
    grains: tuple[str, ...]
    vendor: str
    measure: MeasureSQL = field(compare=False, repr=False)

    def sql(self, dialect: str = "duckdb") -> str:
        return render(self.select, dialect)

    def long(self, frame: pd.DataFrame) -> pd.DataFrame:
        parts = []
        for grain in self.grains:
            if grain == "vendor":
                rows = frame[np.logical_and.reduce([frame[f"_g_{g}"] == 1 for g in self._columns()] or [
                    np.ones(len(frame), bool)])]
                entity = pd.Series(self.vendor, index=rows.index, dtype=object)
            else:
                others = [frame[f"_g_{g}"] == 1 for g in self._columns() if g != grain]
                mask = (frame[f"_g_{grain}"] == 0) & np.logical_and.reduce(others or [np.ones(len(frame), bool)])
                rows = frame[mask & frame[grain].notna()]
                entity = rows[grain].astype(str)
            parts.append(pd.DataFrame({
                "period": rows["period"].astype(str), "grain": grain, "entity": entity,
                **{c: rows[c].to_numpy(dtype="float64") for c in AGG_COLUMNS[3:]}}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=AGG_COLUMNS)

    def _columns(self) -> list[str]:
        return [g for g in self.grains if g != "vendor"]


def _sum(e: exp.Expression | None) -> exp.Expression:
    return exp.Sum(this=e) if e is not None else exp.Null()


def _in_base(base: exp.Expression, e: exp.Expression | None) -> exp.Expression:
    """A row's value where it is in the base, else NULL (out of every sum and quantile)."""
    if e is None:
        return exp.Null()
    return exp.Case(ifs=[exp.If(this=base.copy(), true=e)], default=exp.Null())


def aggregate_query(key: str, kpi: str, m: MeasureSQL, grains: Sequence[str], vendor: str) -> CompiledQuery:
    """The GROUPING SETS query of one measure at `grains` ('vendor' = the whole period).

    Every row of the relation is grouped (not only the base): `first_row`, the smallest `_row` of
    a group, orders the results as the rows first appear in the data, whatever the KPI's base."""
    columns = [g for g in grains if g != "vendor"]
    inner = exp.select(
        exp.column("_month").as_("_month"),
        exp.column("_row").as_("_row"),
        *[exp.column(g).as_(g) for g in columns],
        flag(m.base).as_("_base"),
        _in_base(m.base, m.num).as_("_num"),
        _in_base(m.base, m.den).as_("_den"),
        _in_base(m.base, m.n).as_("_n"),
        _in_base(m.base, flag(m.provisional) if m.provisional is not None else None).as_("_prov"),
        _in_base(m.base, m.obs).as_("_obs"),
    ).from_(m.relation.subquery("v") if isinstance(m.relation, exp.Select) else m.relation)
    quantile = (exp.Quantile(this=exp.column("_obs", "r"), quantile=exp.Literal.number(m.q))
                if m.q is not None else exp.Null())
    period = exp.column("period", "pm")
    select = exp.select(
        period.as_("period"),
        *[exp.column(g, "r").as_(g) for g in columns],
        *[exp.func("GROUPING", exp.column(g, "r")).as_(f"_g_{g}") for g in columns],
        _sum(exp.column("_base", "r")).as_("base"),
        _sum(exp.column("_num", "r")).as_("num"),
        _sum(exp.column("_den", "r")).as_("den"),
        _sum(exp.column("_n", "r")).as_("n"),
        _sum(exp.column("_prov", "r")).as_("prov"),
        quantile.as_("quantile"),
        exp.Count(this=exp.column("_obs", "r")).as_("nobs"),
        exp.Min(this=exp.column("_row", "r")).as_("first_row"),
    ).from_(inner.subquery("r")).join(
        exp.to_table(PERIOD_MAP).as_("pm"), on=exp.column("_month", "r").eq(exp.column("month", "pm")))
    sets = [exp.Tuple(expressions=[period.copy()])] + [
        exp.Tuple(expressions=[period.copy(), exp.column(g, "r")]) for g in columns]
    select = select.group_by(exp.GroupingSets(expressions=sets))
    return CompiledQuery(key, kpi, select, tuple(grains), vendor, m)


def period_map(labels: dict[str, list[str]]) -> pd.DataFrame:
    """The PERIOD_MAP table: each asked period label with the months it covers."""
    rows = [(month, label) for label, months in labels.items() for month in months]
    return pd.DataFrame(rows, columns=["month", "period"]).astype("string")
