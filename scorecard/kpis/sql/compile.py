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
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Sequence, cast

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

from .dialects import Anchor, render
from .prepare import code_column

if TYPE_CHECKING:
    from .relation import Repeats

AGG_COLUMNS = ["period", "grain", "entity", "base", "num", "den", "n", "prov", "quantile", "nobs", "first_row"]
ROWS = "scorecard_rows"  # the measures' relation, defined by relation.Rows.select()
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
    # a stock at each period's end (the backlog, sql/backlog.py), not a flow over the period's rows:
    # its rows are ordered period by period, as the pandas engine's loop makes them
    at_period_end: bool = False


@dataclass(frozen=True)
class CompiledQuery:
    """The query of the KPIs sharing one row relation and grains: `sql(dialect)` renders it;
    `long(frame)` reads its result as AGG_COLUMNS rows plus `kpi` (one per KPI x period x grain x
    entity; a row whose entity is missing at a grain belongs nowhere). `outputs` names, for each
    KPI, the result column of each of its aggregates (None: the KPI has no such part) and
    `kpi_grains` its own grains (a vendor-only KPI rides along a query of every grain), and
    `repeats` the repeat flags it joins (relation.py), materialized before it runs."""

    key: str
    kpis: tuple[str, ...]
    select: exp.Select
    grains: tuple[str, ...]
    vendor: str
    measures: tuple[MeasureSQL, ...] = field(compare=False, repr=False)
    outputs: tuple[dict[str, str | None], ...] = field(default=(), compare=False, repr=False)
    kpi_grains: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)
    repeats: "Repeats | None" = field(default=None, compare=False, repr=False)
    # grain -> the values of its codes, for the grains grouped by their integer codes (sql/prepare.py)
    codebooks: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    # exact quantiles: the grouped rows with each group's anchors, materialized as
    # anchor_table(key) before `select` reads them (_with_quantiles)
    anchors: exp.Select | None = field(default=None, compare=False, repr=False)

    def sql(self, dialect: str = "duckdb") -> str:
        return render(self.select, dialect)

    def anchors_sql(self, dialect: str = "duckdb") -> str | None:
        return None if self.anchors is None else render(self.anchors, dialect)

    def long(self, frame: pd.DataFrame) -> pd.DataFrame:
        if "_ok" in frame and not frame["_ok"].fillna(True).astype(bool).all():
            raise RuntimeError(f"query {self.key}: an engine's discrete percentile was not at the rank "
                               "_with_quantiles reads from (an exact quantile would be wrong)")
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
                entity = rows[grain] if grain not in self.codebooks else pd.Series(
                    self.codebooks[grain][rows[grain].to_numpy(dtype=np.int64)], index=rows.index, dtype=object)
                entity = entity.astype(str)
            for kpi, outputs, own in zip(self.kpis, self.outputs, self.kpi_grains):
                if grain not in own:
                    continue
                parts.append(pd.DataFrame({
                    "period": rows["period"].astype(str), "grain": grain, "entity": entity,
                    **{c: _values(rows, outputs[c], 0.0 if c == "nobs" else np.nan) for c in AGG_COLUMNS[3:-1]},
                    "first_row": rows["first_row"].to_numpy(dtype="float64"), "kpi": kpi}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*AGG_COLUMNS, "kpi"])


def _values(rows: pd.DataFrame, column: str | None, missing: float) -> np.ndarray:
    if column is None:
        return np.full(len(rows), missing)
    return rows[column].to_numpy(dtype="float64", na_value=np.nan)


def _in_base(base: exp.Expression, e: exp.Expression | None) -> exp.Expression | None:
    """A row's value where it is in the base, else NULL (out of every sum and quantile)."""
    if e is None:
        return None
    return exp.Case(ifs=[exp.If(this=base.copy(), true=e)], default=exp.Null())


class _Columns:
    """The distinct per-row expressions of a batch: KPIs that share a base, a numerator or a
    denominator (csat and dsat count the same answers) read one column, summed once."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.by_text: dict[str, str] = {}  # expression SQL -> its column
        self.exprs: list[exp.Expression] = []

    def add(self, e: exp.Expression | None) -> str | None:
        if e is None:
            return None
        text = e.sql()
        if text not in self.by_text:
            self.by_text[text] = f"{self.prefix}{len(self.exprs)}"
            self.exprs.append(e)
        return self.by_text[text]


def aggregate_query(key: str, measures: Sequence[tuple[str, MeasureSQL, Sequence[str]]], vendor: str,
                    rows: exp.Select | None = None, repeats: "Repeats | None" = None,
                    codebooks: dict[str, np.ndarray] | None = None) -> CompiledQuery:
    """The GROUPING SETS query of (kpi, measure, grains) over one relation at every grain one of
    them has ('vendor' = the whole period): the rows are read and grouped once for all of them,
    each distinct per-row expression summed once. `rows` defines `scorecard_rows`, the relation
    the measures read (relation.py). A grain in `codebooks` is grouped by its integer code
    (`_code_<grain>` of the relation: a third less work than grouping text at 5 M rows), and named
    from the codebook on the few aggregate rows.

    Every row of the relation is grouped (not only a KPI's base): `first_row`, the smallest `_row`
    of a group, orders the results as the rows first appear in the data, whatever the base."""
    grains = list(dict.fromkeys(g for _, _, own in measures for g in own))
    columns = [g for g in grains if g != "vendor"]
    alone = "vendor" in grains  # the period alone is a grouping set: the vendor's rows
    coded = {g: book for g, book in (codebooks or {}).items() if g in columns}
    relation = measures[0][1].relation
    sums, observed = _Columns("_s"), _Columns("_o")
    quantiles: dict[tuple[str, float], str] = {}
    outputs = []
    for _, m, _ in measures:
        prov = flag(m.provisional) if m.provisional is not None else None
        out = {c: sums.add(e) for c, e in (("base", flag(m.base)), ("num", _in_base(m.base, m.num)),
                                            ("den", _in_base(m.base, m.den)), ("n", _in_base(m.base, m.n)),
                                            ("prov", _in_base(m.base, prov)))}
        obs = observed.add(_in_base(m.base, m.obs))
        if obs is not None and m.q is not None:
            quantiles.setdefault((obs, m.q), f"q{len(quantiles)}")
        out = {c: None if name is None else name[1:] for c, name in out.items()}
        out["quantile"] = quantiles[(obs, m.q)] if obs is not None and m.q is not None else None
        out["nobs"] = f"c{obs[2:]}" if obs is not None else None
        outputs.append(out)
    inner = exp.select(
        exp.column("_month").as_("_month"), exp.column("_row").as_("_row"),
        *[exp.column(code_column(g) if g in coded else g).as_(g) for g in columns],
        *[e.as_(name) for name, e in zip(sums.by_text.values(), sums.exprs)],
        *[e.as_(name) for name, e in zip(observed.by_text.values(), observed.exprs)], copy=False,
    ).from_(relation.subquery("v") if isinstance(relation, exp.Select) else relation, copy=False)
    staged = not observed.exprs
    if staged:
        inner = _month_sums(inner, columns, list(sums.by_text.values()), alone)
    period = exp.column("period", "pm")
    flags = [exp.column(f"_g_{g}", "r") if staged else exp.func("GROUPING", exp.column(g, "r")) for g in columns]
    select = exp.select(
        period.as_("period"),
        *[exp.column(g, "r").as_(g) for g in columns],
        *[f.as_(f"_g_{g}") for g, f in zip(columns, flags)],
        *[exp.Sum(this=exp.column(name, "r")).as_(name[1:]) for name in sums.by_text.values()],
        *[Anchor(this=exp.column(obs, "r"), quantile=_decimal(q)).as_(f"_a{name[1:]}")
          for (obs, q), name in quantiles.items()],
        *[exp.Count(this=exp.column(name, "r")).as_(f"c{name[2:]}") for name in observed.by_text.values()],
        exp.Min(this=exp.column("_row", "r")).as_("first_row"), copy=False,
    ).from_(inner.subquery("r"), copy=False).join(
        exp.to_table(PERIOD_MAP).as_("pm"), on=exp.column("_month", "r").eq(exp.column("month", "pm")), copy=False)
    if staged:  # each month row of a grouping set -> its periods: the set's flags keep the sets apart
        select = select.group_by(period.copy(), *[exp.column(g, "r") for g in columns],
                                 *[f.copy() for f in flags], copy=False)
    else:
        select = select.group_by(exp.GroupingSets(expressions=_sets(period, columns, alone, "r")), copy=False)
    anchors = None
    if quantiles:
        if len(columns) + alone != 1:
            raise ValueError("exact quantiles are compiled one grain a query (plan._per_grain)")
        anchors, select = select, _with_quantiles(select, inner, columns, quantiles, anchor_table(key))
    if rows is not None:
        select = select.with_(ROWS, as_=rows, copy=False)
        anchors = anchors.with_(ROWS, as_=rows.copy(), copy=False) if anchors is not None else None
    return CompiledQuery(key, tuple(k for k, _, _ in measures), select, tuple(grains), vendor,
                         tuple(m for _, m, _ in measures), tuple(outputs),
                         tuple(tuple(own) for _, _, own in measures), repeats, coded, anchors)


def anchor_table(key: str) -> str:
    """The table a quantile query's anchors are materialized in before it runs (CompiledQuery)."""
    return f"scorecard_anchors_{key}"


def _with_quantiles(grouped: exp.Select, inner: exp.Select, columns: list[str],
                    quantiles: dict[tuple[str, float], str], anchors: str) -> exp.Select:
    """The grouped rows (materialized as table `anchors`, one grain) with each quantile read from
    its anchor. A group's anchor a is one of its observations, v[i], at the rank i the engine's
    discrete percentile takes (DuckDB: ⌈q n⌉ - 1 for a decimal q), which is ⌊h⌋ or ⌊h⌋ + 1
    for h = q (n - 1); one more pass over the rows counts the observations below a
    (lt) and up to a (le) and finds the greatest below it and the least above it, which are then
    every value the interpolation reads: v[j] is `below` for j < lt, a for j < le, else `above`.
    No group's observations are ever held sorted (a LIST of each group's values, sorted, held
    every observation of a period at the coarse grains: 2.2 GB at 50 M bench rows). `_ok` says
    each quantile's two ranks were inside [lt - 1, le], the only ranks the pass can answer."""
    kept = [name for name in grouped.named_selects if not name.startswith("_a")]
    on = exp.and_(exp.column("period", "a").eq(exp.column("period", "pm")),
                  *[exp.column(g, "a").eq(exp.column(g, "r")) for g in columns])
    stats = exp.select(exp.column("period", "pm").as_("period"), *[exp.column(g, "r").as_(g) for g in columns],
                       copy=False).from_(inner.copy().subquery("r"), copy=False).join(
        exp.to_table(PERIOD_MAP).as_("pm"), on=exp.column("_month", "r").eq(exp.column("month", "pm")), copy=False,
    ).join(exp.to_table(anchors).as_("a"), on=on, copy=False).group_by(
        exp.column("period", "pm"), *[exp.column(g, "r") for g in columns], copy=False)
    values, ok = [], []
    for (obs, q), name in quantiles.items():
        i, x, anchor = name[1:], exp.column(obs, "r"), exp.column(f"_a{name[1:]}", "a")
        stats = stats.select(
            exp.Sum(this=flag(x < anchor)).as_(f"_lt{i}"), exp.Sum(this=flag(x.copy() <= anchor.copy())).as_(f"_le{i}"),
            exp.Max(this=exp.case().when(x.copy() < anchor.copy(), x.copy())).as_(f"_below{i}"),
            exp.Min(this=exp.case().when(x.copy() > anchor.copy(), x.copy())).as_(f"_above{i}"), copy=False)
        lt, le = exp.column(f"_lt{i}", "s"), exp.column(f"_le{i}", "s")

        def at(j: exp.Expression, i: str = i, lt: exp.Expression = lt, le: exp.Expression = le,
               anchor: exp.Expression = anchor) -> exp.Expression:
            return (exp.case().when(j < lt.copy(), exp.column(f"_below{i}", "s"))
                    .when(j.copy() < le.copy(), anchor.copy()).else_(exp.column(f"_above{i}", "s")))

        count = exp.column(f"c{obs[2:]}", "a")
        k = _rank(count, q)
        values.append(interpolated(at, count.copy(), q).as_(name))
        ok.append(exp.or_(count.copy().eq(0), exp.and_(k >= lt - 1, k.copy() + 1 <= le)))
    return exp.select(*[exp.column(name, "a") for name in kept], *values, exp.and_(*ok).as_("_ok"), copy=False
                      ).from_(exp.to_table(anchors).as_("a"), copy=False).join(
        stats.subquery("s"), join_type="left", copy=False,
        on=exp.and_(exp.column("period", "a").eq(exp.column("period", "s")),
                    *[exp.column(g, "a").eq(exp.column(g, "s")) for g in columns]))


def _decimal(q: float) -> exp.Expression:
    """q as an exact decimal literal (0.9, not 9e-01): the engines index a decimal percentile by
    integer arithmetic."""
    return exp.Literal.number(f"{Decimal(repr(float(q))):f}")


def _rank(count: exp.Expression, q: float) -> exp.Expression:
    """⌊h⌋ for h = q (n - 1), in the pandas engine's float arithmetic (interpolated)."""
    return exp.cast(exp.Floor(this=_h(count, q)), "BIGINT")


def _h(count: exp.Expression, q: float) -> exp.Expression:
    return exp.cast(exp.Literal.string(repr(float(q))), "DOUBLE") * exp.paren(count - 1, copy=False)


def interpolated(at: Callable[[exp.Expression], exp.Expression], count: exp.Expression, q: float) -> exp.Expression:
    """KPIS.md's quantile (linear interpolation) of `count` observations whose j-th smallest (from
    0) is `at(j)`, with the pandas engine's arithmetic to the bit (aggregate.GroupIndex.quantile,
    pandas' groupby quantile): at h = q (n - 1), v[⌊h⌋] when h is whole, else
    v[⌊h⌋] + (v[⌊h⌋+1] - v[⌊h⌋]) × (h - ⌊h⌋), in that order (numpy's quantile takes
    b - (b - a)(1 - t) from t = 0.5, DuckDB's QUANTILE_CONT a(1 - t) + bt: either can differ in the
    last bit). NULL without observations."""
    h = _h(count, q)
    below = _rank(count.copy(), q)
    frac = exp.paren(h.copy() - exp.Floor(this=h.copy()), copy=False)
    low = at(below)
    high = at(below.copy() + 1)  # read only when h is not whole: h < n - 1
    step = exp.paren(high - low.copy(), copy=False) * frac.copy()
    return exp.case().when(count.copy().eq(0), exp.null()).when(frac.eq(0), low.copy()).else_(low.copy() + step)


def _sets(period: exp.Expression, columns: list[str], alone: bool, table: str | None = None) -> list[exp.Tuple]:
    """The grouping sets: the period alone (the vendor) when asked, and the period with each grain."""
    return ([exp.Tuple(expressions=[period.copy()])] if alone else []) + [
        exp.Tuple(expressions=[period.copy(), exp.column(g, table)]) for g in columns]


def _month_sums(rows: exp.Select, columns: list[str], names: list[str], alone: bool) -> exp.Select:
    """Stage 1 of decomposable sums: the rows -> their sums per month at every grain (GROUPING
    SETS over the rows, `_g_<grain>` flags naming each row's set), so the periods join a few
    thousand partial sums instead of every row. Each set groups the rows into a few thousand
    groups: at 1 M bench rows a third of the CPU of one stage over month x every grain (137,000
    groups, 7 rows each, whose 38 sums miss the cache) and the sets over their period rows.
    (Quantiles are not decomposable: they skip it.)"""
    month = exp.column("_month")
    return exp.select(month.copy(), *[exp.column(g) for g in columns],
                      *[exp.func("GROUPING", exp.column(g)).as_(f"_g_{g}") for g in columns],
                      exp.Min(this=exp.column("_row")).as_("_row"),
                      *[exp.Sum(this=exp.column(n)).as_(n) for n in names], copy=False).from_(
        rows.subquery("f"), copy=False).group_by(exp.GroupingSets(expressions=_sets(month, columns, alone)), copy=False)


def period_map(labels: dict[str, list[str]]) -> pd.DataFrame:
    """The PERIOD_MAP table: each asked period label with the months it covers, a month by the key
    the prepared tables' `_month` has (year * 100 + month, sql/prepare.py)."""
    rows = [(int(month[:4]) * 100 + int(month[5:7]), label) for label, months in labels.items() for month in months]
    return pd.DataFrame({"month": pd.array([m for m, _ in rows], dtype="int32"),
                         "period": pd.array([label for _, label in rows], dtype="string")})
