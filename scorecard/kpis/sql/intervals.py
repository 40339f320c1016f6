"""interval_service_level as SQL (the twin of kpis/intervals.py, whose module doc explains the
shape): offered contacts -> one row per interval and entity of every grain (GROUPING SETS) with
its `counted` and `met` flags, plus one correction row per month taking the grains' rows back out
of the vendor total; the compiler's ordinary sums then give met / counted at every grain.

The local wall time needs the UTC offset in force at each instant. No engine's session time zone
is trusted for it (see prepare.py): the offsets of the contract's zone are written into the query
as a balanced CASE over their change instants (1970-2100), a dozen comparisons per row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
from sqlglot import exp

from ...contract.model import KpiSpec
from ..formulas import interval_flags
from ..intervals import GRAIN_COLUMNS, interval_ns
from ..measure import NotMeasurable
from .clock import BUCKET_NS, clock_table_name
from .compile import MeasureSQL, sql
from .expressions import Cond, Value
from .relation import Rows

Formula = Callable[[KpiSpec, Rows, str], "MeasureSQL | NotMeasurable"]
SPAN = ("1970-01-01", "2100-01-01")


def _offsets(instants: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """UTC offset (ns) in force at each UTC instant."""
    instants = instants.as_unit("ns")
    return instants.tz_convert(timezone).tz_localize(None).asi8 - instants.tz_localize(None).asi8


@cache
def offset_changes(timezone: str) -> tuple[tuple[int, int], ...]:
    """(first UTC instant in ns, offset in ns) of each offset the zone takes in SPAN, the first one
    from the start of time; found day by day, then to the minute inside a changing day."""
    days = pd.date_range(*SPAN, freq="D", tz="UTC")
    daily = _offsets(days, timezone)
    out = [(np.iinfo(np.int64).min, int(daily[0]))]
    for i in np.flatnonzero(np.diff(daily)):
        minutes = pd.date_range(days[i], days[i + 1], freq="min")
        offsets = _offsets(minutes, timezone)
        out += [(int(minutes[j + 1].value), int(offsets[j + 1])) for j in np.flatnonzero(np.diff(offsets))]
    return tuple(out)


def offset_sql(ts: str, changes: tuple[tuple[int, int], ...]) -> str:
    """SQL of the offset (ns) in force at the epoch-ns expression `ts`: a balanced CASE."""
    if len(changes) == 1:
        return str(changes[0][1])
    mid = len(changes) // 2
    return (f"(CASE WHEN {ts} < {changes[mid][0]} THEN {offset_sql(ts, changes[:mid])} "
            f"ELSE {offset_sql(ts, changes[mid:])} END)")


def per_interval(formula: Formula) -> Formula:
    """The interval version of a per-contact rate builder: sql/measures.py registers
    `per_interval(service_level)`, so each interval's service level is service_level's formula."""
    def build(kpi: KpiSpec, rows: Rows, base: str) -> MeasureSQL | NotMeasurable:
        m = formula(kpi, rows, base)
        if isinstance(m, NotMeasurable):
            return m
        if m.num is None or m.den is None:
            raise TypeError(f"per_interval needs a ratio builder, not {formula.__name__}")
        return MeasureSQL(_relation(kpi, rows, base, m, m.num, m.den), sql("TRUE"), num=sql("v._met"),
                          den=sql("v._counted"))
    return build


def _relation(kpi: KpiSpec, rows: Rows, base: str, m: MeasureSQL, num: exp.Expression, den: exp.Expression
              ) -> exp.Expression:
    """Interval rows of every grain with their flags, and each month's correction row."""
    grains = [g for g in GRAIN_COLUMNS if rows.has(g)]
    cols = "".join(f", {g}" for g in grains)
    offset = offset_sql("v.created_at", offset_changes(rows.facts.timezone))
    contacts = (f"SELECT v._month, v._row{cols.replace(', ', ', v.')}, v.created_at, {offset} AS _offset, "
                f"CAST({num.sql('duckdb')} AS DOUBLE) AS _num, CAST({den.sql('duckdb')} AS DOUBLE) AS _den "
                f"FROM ({m.relation.sql('duckdb')}) v WHERE {base} AND v._live AND v.created_at IS NOT NULL")
    step = interval_ns(kpi.params["interval"])
    slotted = f"SELECT *, (created_at + _offset) - (created_at + _offset) % {step} AS _start FROM ({contacts}) c"
    sets = ", ".join(f"(_start, _offset, _month{g})" for g in ["", *[f", {g}" for g in grains]])
    vendor = " + ".join(f"GROUPING({g})" for g in grains) + f" = {len(grains)}" if grains else "TRUE"
    intervals = (f"SELECT _start, _offset, _month{cols}, COUNT(*) AS _offered, SUM(_num) AS _num, "
                 f"SUM(_den) AS _den, MIN(_row) AS _row, {vendor} AS _vendor FROM ({slotted}) s "
                 f"GROUP BY GROUPING SETS ({sets})")
    kept = " OR ".join(["i._vendor", *[f"i.{g} IS NOT NULL" for g in grains]])  # no entity: no interval
    open_, join = _opening_hours(kpi, rows)
    level = Value("(i._num / (CASE WHEN i._den > 0 THEN i._den ELSE 1.0 END))")
    met_cond, counted_cond = interval_flags(kpi, Value("i._offered"), Value("i._den"), level, Cond(open_))
    met, counted = met_cond.text, counted_cond.text
    flags = (f"SELECT i._month, i._row{cols.replace(', ', ', i.')}, i._vendor, "
             f"CASE WHEN {met} THEN 1.0 ELSE 0.0 END AS _met, CASE WHEN {counted} THEN 1.0 ELSE 0.0 END AS _counted "
             f"FROM ({intervals}) i{join} WHERE {kept}")
    nulls = "".join(f", CAST(NULL AS VARCHAR) AS {g}" for g in grains)
    correction = (f"SELECT _month, CAST(NULL AS BIGINT) AS _row{nulls}, -SUM(_met) AS _met, "
                  f"-SUM(_counted) AS _counted FROM f WHERE NOT _vendor GROUP BY _month")
    return sql(f"WITH f AS ({flags}) SELECT * FROM (SELECT _month, _row{cols}, _met, _counted FROM f "
               f"UNION ALL {correction}) u")


def _opening_hours(kpi: KpiSpec, rows: Rows) -> tuple[str, str]:
    """(condition, join): an interval's start instant inside an opening of the calendar's day,
    read from its clock table (clock.py); TRUE without a calendar."""
    calendar = kpi.params.get("calendar")
    if not calendar:
        return "TRUE", ""
    start = "(CAST(i._start - i._offset AS DOUBLE) / 1e9)"
    inside = " OR ".join(f"({start} >= k.o{j} AND {start} < k.o{j} + k.l{j})" for j in range(rows.clock_k[calendar]))
    return (f"COALESCE({inside}, FALSE)",
            f" LEFT JOIN {clock_table_name(calendar)} k ON k.bucket = (i._start - i._offset) // {BUCKET_NS}")
