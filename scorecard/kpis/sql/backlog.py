"""The backlog as SQL (the twin of Engine._backlog, convention 8): at each period's end, the async
contacts in the KPI's filter created before it and not resolved before it.

A stock, not a sum over the period's rows: each such contact joins every period end at which it is
open (created < end, resolved missing or at or after it), and the contacts counted per month and
entity join their month's periods so that an entity with contacts in the period is listed with a
backlog of 0 (counted first: at 5 M bench rows each row joining its month, quarter and year cost the
query about twice its time). Both kinds of rows are summed at every grain in one GROUPING SETS pass;
`first_row` is where each entity first appears among all the interactions (the pandas engine's group
order), and the finishing orders the rows period by period (`MeasureSQL.at_period_end`), as the
pandas engine's loop makes them.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sqlglot import exp

from ...periods import parse_period, period_end_utc
from .compile import PERIOD_MAP, ROWS, CompiledQuery, MeasureSQL, sql
from .prepare import code_column

PERIOD_ENDS = "scorecard_period_ends"  # period label -> the instant it ends (epoch ns, exclusive)
OPEN_ROWS = "scorecard_backlog_rows"  # the async contacts in a backlog KPI's filter
OUTPUTS = {"base": "base", "num": "open", "den": "one", "n": "open", "prov": None, "quantile": None, "nobs": None}


def period_ends(labels: dict[str, list[str]], timezone: str) -> pd.DataFrame:
    """The PERIOD_ENDS table: each asked period label with the instant it ends in the contract's time
    zone, as epoch ns like the prepared timestamps."""
    ends = [period_end_utc(parse_period(label), timezone).value for label in labels]
    return pd.DataFrame({"period": pd.array(list(labels), dtype="string"),
                         "end_ns": pd.array(ends, dtype="int64")})


def backlog_measure(relation: exp.Expression, base: str) -> MeasureSQL:
    """A backlog as the finishing reads it: value = open / 1 and n = open, the query's OUTPUTS (`n`
    given says the count is the query's, not the denominator)."""
    return MeasureSQL(relation, sql(base), n=sql("open"), at_period_end=True)


def backlog_query(key: str, kpi_id: str, m: MeasureSQL, grains: Sequence[str], vendor: str, rows: exp.Select,
                  codebooks: dict[str, np.ndarray]) -> CompiledQuery:
    """One backlog KPI at its grains ('vendor' among them or not) over `rows` (relation.Rows.select)."""
    columns = [g for g in grains if g != "vendor"]
    coded = {g: book for g, book in codebooks.items() if g in columns}
    keyed = {g: code_column(g) if g in coded else g for g in columns}  # a coded grain groups by its codes
    picked = "".join(f", v.{column} AS {g}" for g, column in keyed.items())
    carried, by = "".join(f", b.{g}" for g in columns), "".join(f", {g}" for g in columns)
    open_rows = sql(f"SELECT v._month, v.created_at, v.resolved_at{picked} FROM {ROWS} AS v WHERE NOT v._live")
    assert isinstance(open_rows, exp.Select)
    open_rows = open_rows.where(m.base.copy(), copy=False)
    is_open = "b.created_at < pe.end_ns AND NOT COALESCE(b.resolved_at < pe.end_ns, FALSE)"
    open_at_ends = (f"SELECT pe.period{carried}, 1.0 AS open, 0.0 AS present "
                    f"FROM {OPEN_ROWS} AS b JOIN {PERIOD_ENDS} AS pe ON {is_open}")
    per_month = f"SELECT _month{by}, COUNT(*) AS present FROM {OPEN_ROWS} GROUP BY _month{by}"
    in_periods = (f"SELECT pm.period{carried}, 0.0 AS open, b.present "
                  f"FROM ({per_month}) AS b JOIN {PERIOD_MAP} AS pm ON b._month = pm.month")
    sets = ", ".join(["(e.period)"] * ("vendor" in grains) + [f"(e.period, e.{g})" for g in columns])
    keys = "".join(f", e.{g}" for g in columns) + "".join(f", GROUPING(e.{g}) AS _g_{g}" for g in columns)
    grouped = (f"SELECT e.period{keys}, SUM(e.present) + SUM(e.open) AS base, SUM(e.open) AS open "
               f"FROM ({open_at_ends} UNION ALL {in_periods}) AS e GROUP BY GROUPING SETS ({sets})")
    # each entity's first row among all the interactions (read from the table, not the derived rows:
    # a second reader of those made DuckDB materialize them, 0.9 s at 5 M bench rows)
    firsts = {g: f"f{i}" for i, g in enumerate(columns)}
    joins = "".join(f" LEFT JOIN (SELECT {keyed[g]} AS {g}, MIN(_row) AS first_row FROM interactions "
                    f"GROUP BY {keyed[g]}) AS {f} ON g._g_{g} = 0 AND g.{g} = {f}.{g}" for g, f in firsts.items())
    first_row = f"COALESCE({''.join(f'{f}.first_row, ' for f in firsts.values())}0)"
    select = sql(f"SELECT g.*, {first_row} AS first_row, 1.0 AS one FROM ({grouped}) AS g{joins}")
    assert isinstance(select, exp.Select)
    select = select.with_(ROWS, as_=rows, copy=False).with_(OPEN_ROWS, as_=open_rows, copy=False)
    return CompiledQuery(key, (kpi_id,), select, tuple(grains), vendor, (m,), (OUTPUTS,), (tuple(grains),),
                         None, coded)
