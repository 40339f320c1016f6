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
from typing import Callable, Sequence, cast

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

from .dialects import render

AGG_COLUMNS = ["period", "grain", "entity", "base", "num", "den", "n", "prov", "quantile", "nobs", "first_row"]
PERIOD_MAP = "scorecard_period_map"  # month -> period label, one row per asked label of every kind


def sql(text: str) -> exp.Expression:
    """A column expression written in the portable SQL subset (parsed once into a typed tree)."""
    # sqlglot >= 30 types parse_one as returning Expr, a mixin base; every node it builds is an Expression.
    return cast(exp.Expression, sqlglot.parse_one(text, read="duckdb"))


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
    """The query of the KPIs sharing one row relation and grains: `sql(dialect)` renders it;
    `long(frame)` reads its result as AGG_COLUMNS rows plus `kpi` (one per KPI x period x grain x
    entity; a row whose entity is missing at a grain belongs nowhere)."""

    key: str
    kpis: tuple[str, ...]
    select: exp.Select
    grains: tuple[str, ...]
    vendor: str
    measures: tuple[MeasureSQL, ...] = field(compare=False, repr=False)

    def sql(self, dialect: str = "duckdb") -> str:
        return render(self.select, dialect)

    def long(self, frame: pd.DataFrame) -> pd.DataFrame:
        parts = []
        columns = [g for g in self.grains if g != "vendor"]
        for grain in self.grains:
            others = [frame[f"_g_{g}"] == 1 for g in columns if g != grain]
            mask = np.logical_and.reduce(others or [np.ones(len(frame), bool)])
            if grain == "vendor":
                rows = frame[mask]
                entity = pd.Series(self.vendor, index=rows.index, dtype=object)
            else:
                rows = frame[mask & (frame[f"_g_{grain}"] == 0) & frame[grain].notna()]
                entity = rows[grain].astype(str)
            for i, kpi in enumerate(self.kpis):
                parts.append(pd.DataFrame({
                    "period": rows["period"].astype(str), "grain": grain, "entity": entity,
                    **{c: rows[f"{c}{i}"].to_numpy(dtype="float64") for c in AGG_COLUMNS[3:-1]},
                    "first_row": rows["first_row"].to_numpy(dtype="float64"), "kpi": kpi}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*AGG_COLUMNS, "kpi"])


def _sum(e: exp.Expression | None) -> exp.Expression:
    return exp.Sum(this=e) if e is not None else exp.Null()


def _in_base(base: exp.Expression, e: exp.Expression | None) -> exp.Expression:
    """A row's value where it is in the base, else NULL (out of every sum and quantile)."""
    if e is None:
        return exp.Null()
    return exp.Case(ifs=[exp.If(this=base.copy(), true=e)], default=exp.Null())


def aggregate_query(key: str, measures: Sequence[tuple[str, MeasureSQL]], grains: Sequence[str],
                    vendor: str) -> CompiledQuery:
    """The GROUPING SETS query of measures over one relation at `grains` ('vendor' = the whole
    period): the rows are read and grouped once for all of them.

    Every row of the relation is grouped (not only a KPI's base): `first_row`, the smallest `_row`
    of a group, orders the results as the rows first appear in the data, whatever the base."""
    columns = [g for g in grains if g != "vendor"]
    relation = measures[0][1].relation
    per_row, sums = [], []
    for i, (_, m) in enumerate(measures):
        prov = flag(m.provisional) if m.provisional is not None else None
        per_row += [flag(m.base).as_(f"_base{i}"), _in_base(m.base, m.num).as_(f"_num{i}"),
                    _in_base(m.base, m.den).as_(f"_den{i}"), _in_base(m.base, m.n).as_(f"_n{i}"),
                    _in_base(m.base, prov).as_(f"_prov{i}"), _in_base(m.base, m.obs).as_(f"_obs{i}")]
        r = {c: exp.column(f"_{c}{i}", "r") for c in ("base", "num", "den", "n", "prov", "obs")}
        quantile = (exp.Quantile(this=r["obs"].copy(), quantile=exp.Literal.number(m.q))
                    if m.q is not None else exp.Null())
        sums += [_sum(r["base"]).as_(f"base{i}"), _sum(r["num"]).as_(f"num{i}"), _sum(r["den"]).as_(f"den{i}"),
                 _sum(r["n"]).as_(f"n{i}"), _sum(r["prov"]).as_(f"prov{i}"), quantile.as_(f"quantile{i}"),
                 exp.Count(this=r["obs"]).as_(f"nobs{i}")]
    inner = exp.select(
        exp.column("_month").as_("_month"), exp.column("_row").as_("_row"),
        *[exp.column(g).as_(g) for g in columns], *per_row, copy=False,
    ).from_(relation.subquery("v") if isinstance(relation, exp.Select) else relation, copy=False)
    if all(m.q is None for _, m in measures):
        inner = _fine_sums(inner, columns, len(measures))
    period = exp.column("period", "pm")
    select = exp.select(
        period.as_("period"),
        *[exp.column(g, "r").as_(g) for g in columns],
        *[exp.func("GROUPING", exp.column(g, "r")).as_(f"_g_{g}") for g in columns],
        *sums, exp.Min(this=exp.column("_row", "r")).as_("first_row"), copy=False,
    ).from_(inner.subquery("r"), copy=False).join(
        exp.to_table(PERIOD_MAP).as_("pm"), on=exp.column("_month", "r").eq(exp.column("month", "pm")), copy=False)
    sets = [exp.Tuple(expressions=[period.copy()])] + [
        exp.Tuple(expressions=[period.copy(), exp.column(g, "r")]) for g in columns]
    select = select.group_by(exp.GroupingSets(expressions=sets), copy=False)
    return CompiledQuery(key, tuple(k for k, _ in measures), select, tuple(grains), vendor,
                         tuple(m for _, m in measures))


def _fine_sums(rows: exp.Select, columns: list[str], count: int) -> exp.Select:
    """Stage 1 of decomposable sums: rows -> month x grain columns, so the grouping sets read a
    few thousand partial sums instead of every row (quantiles are not decomposable: they skip it)."""
    keys = ["_month", *columns]
    sums = [exp.Sum(this=exp.column(f"_{c}{i}")).as_(f"_{c}{i}")
            for i in range(count) for c in ("base", "num", "den", "n", "prov")]
    return exp.select(*[exp.column(k) for k in keys], exp.Min(this=exp.column("_row")).as_("_row"),
                      *[exp.Null().as_(f"_obs{i}") for i in range(count)], *sums, copy=False).from_(
        rows.subquery("f"), copy=False).group_by(*[exp.column(k) for k in keys], copy=False)


def period_map(labels: dict[str, list[str]]) -> pd.DataFrame:
    """The PERIOD_MAP table: each asked period label with the months it covers."""
    rows = [(month, label) for label, months in labels.items() for month in months]
    return pd.DataFrame(rows, columns=["month", "period"]).astype("string")
