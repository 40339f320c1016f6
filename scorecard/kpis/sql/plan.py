"""`compile_kpis`: a contract's KPIs -> the queries every SQL engine runs, and `prepare_tables`:
the input tables those queries read (see backend.run_queries). Both engines (DuckDB, Spark) use
exactly these two functions; only the dialect and the runner differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from ...catalog import metric as catalog_metric
from ...contract.model import Contract, KpiSpec
from ..base import kpi_base
from ..inputs import InputFacts
from ..intervals import GRAIN_COLUMNS
from ..measure import NotMeasurable
from .. import operations as ops
from .clock import clock_table, clock_table_name
from .backlog import PERIOD_ENDS, backlog_measure, backlog_query, period_ends
from .compile import PERIOD_MAP, CompiledQuery, MeasureSQL, aggregate_query, period_map
from .derive import InteractionFacts
from .expressions import Cond
from ..formulas import cost_unit
from .measures import BUILDERS, SqlTerms, ratio
from .prepare import DATED, code_column, prepare, text_in
from .relation import Rows

VENDOR_ONLY = {"cost_per_unit", "contacts_per_booking", "contacts_per_customer"}
PER_VOLUME = {"contacts_per_booking": "bookings", "contacts_per_customer": "active_customers"}


def compiles(kpi: KpiSpec) -> bool:
    """KPIs over interaction rows: these run as SQL; the others (QA, workforce) do not yet."""
    if kpi.metric in PER_VOLUME or kpi.metric == "backlog":
        return True
    if kpi.metric == "cost_per_unit":
        return kpi.params.get("unit") != "paid_hours"
    return kpi.metric in BUILDERS


@dataclass(frozen=True)
class Prepared:
    """The tables the queries read, and what the compiler needs to know about them."""

    tables: dict[str, pd.DataFrame | pa.Table]
    interaction_columns: tuple[str, ...] | None  # None: no interactions table
    clock_k: dict[str, int]
    codebooks: dict[str, np.ndarray] = field(default_factory=dict)  # grain column -> its codes' values
    unlabeled: bool = True  # some interactions have no reason: relation.Repeats.unlabeled


def prepare_tables(contract: Contract, tables: dict[str, pd.DataFrame], labels: dict[str, list[str]],
                   facts: InputFacts | None = None) -> Prepared:
    """Interactions with epoch-ns timestamps and month keys, the period map and the periods' ends,
    one clock table per calendar (covering every timestamp of the data)."""
    facts = facts or InputFacts()
    out: dict[str, pd.DataFrame | pa.Table] = {PERIOD_MAP: period_map(labels),
                                                PERIOD_ENDS: period_ends(labels, contract.timezone)}
    clock_k: dict[str, int] = {}
    columns = None
    codebooks: dict[str, np.ndarray] = {}
    unlabeled = True
    frame = tables.get("interactions")
    if frame is not None:
        prepared, codebooks = prepare(frame, contract.timezone, DATED["interactions"],
                                      facts.cleared.get("interactions"), named=GRAIN_COLUMNS)
        out["interactions"] = prepared
        columns = tuple(prepared.column_names)
        reasons = code_column("reason")
        unlabeled = reasons in columns and prepared.column(reasons).null_count > 0
        lo, hi = _span(prepared)
        for name, calendar in contract.calendars.items():
            out[clock_table_name(name)], clock_k[name] = clock_table(calendar, lo, hi)
    return Prepared(out, columns, clock_k, codebooks, unlabeled)


def _span(table: pa.Table) -> tuple[int, int]:
    """Earliest and latest instant (epoch ns) a clock may be asked about, wait_s included."""
    ranges = [pc.min_max(table.column(c)) for c in table.column_names
              if c.endswith("_at") and pa.types.is_int64(table.schema.field(c).type)]
    found = [(r["min"].as_py(), r["max"].as_py()) for r in ranges if r["min"].is_valid]
    if not found:
        start = int(pd.Timestamp("2000-01-01", tz="UTC").value)
        return start, start
    lo, hi = min(f[0] for f in found), max(f[1] for f in found)
    if "wait_s" in table.column_names:
        longest = pc.max(table.column("wait_s"))
        if longest.is_valid:
            hi += int(max(float(longest.as_py()), 0.0) * 1e9)
    return lo, hi


class SqlBase:
    """The terms of a KPI's base (kpis/base.py) over the interactions view, as conditions."""

    def __init__(self, columns: Sequence[str], codebooks: Mapping[str, np.ndarray] | None = None) -> None:
        self.columns = columns
        self.codebooks = codebooks or {}  # a coded column's text conditions read its codes (prepare.py)

    def every(self) -> Cond:
        return Cond("TRUE")

    def none(self) -> Cond:
        return Cond("FALSE")

    def has(self, column: str) -> bool:
        return column in self.columns

    def text_in(self, column: str, lowered: frozenset[str]) -> Cond:  # a NULL cell: outside
        return text_in(column, lowered, self.columns, self.codebooks, "v")

    def cleared(self, column: str) -> Cond | None:
        return Cond(f"v._cleared_{column}") if f"_cleared_{column}" in self.columns else None


def base_filter(kpi: KpiSpec, columns: Sequence[str],
                codebooks: Mapping[str, np.ndarray] | None = None) -> tuple[str, str]:
    """SQL of the rows a KPI counts over the interactions (kpis/base.py), and its note."""
    base, note = kpi_base(kpi, SqlBase(columns, codebooks),
                          own_table=catalog_metric(kpi.metric).table == "interactions")
    return base.text, note


def measure_sql(kpi: KpiSpec, rows: Rows | None, tables: dict[str, pd.DataFrame],
                labels: dict[str, list[str]]) -> MeasureSQL | NotMeasurable:
    """The declared measure of one compilable KPI over the prepared interactions (`rows`, None
    without an interactions table)."""
    if rows is None:
        return NotMeasurable("no interactions table in the data")
    if kpi.metric == "backlog" and not rows.has("resolved_at"):  # said before a filter's missing column, as
        return NotMeasurable("interactions has no column resolved_at")  # the pandas engine says it
    base, note = base_filter(kpi, rows.facts.columns, rows.codebooks)
    if note:
        return NotMeasurable(note)
    if kpi.metric in PER_VOLUME:
        return _per_period(rows, base, base, tables, "volumes", PER_VOLUME[kpi.metric], labels, False)
    if kpi.metric == "backlog":
        return backlog_measure(rows.relation(), base)
    if kpi.metric == "cost_per_unit":
        unit = cost_unit(kpi, SqlTerms(rows, base))
        if isinstance(unit, NotMeasurable):
            return unit
        return _per_period(rows, base, unit.text, tables, "costs", "amount", labels, True)
    return BUILDERS[kpi.metric](kpi, rows, base)


def _per_period(rows: Rows, base: str, counted: str, tables: dict[str, pd.DataFrame], table: str, column: str,
                labels: dict[str, list[str]], total_is_numerator: bool) -> MeasureSQL | NotMeasurable:
    """A count of rows divided by (or dividing) a per-period total of a small table (costs, volumes)."""
    if table not in tables:
        return NotMeasurable(f"no {table} table in the data")
    if column not in tables[table]:
        return NotMeasurable(f"{table} has no column {column}")
    totals = ops.per_period_totals(tables[table], column, labels)
    m = ratio(rows, base, counted, counted)
    return MeasureSQL(m.relation, m.base, num=m.num, den=m.den,
                      combine=ops.divided_by_period_total(totals, total_is_numerator=total_is_numerator))


def kpi_grains(kpi: KpiSpec, grains: Sequence[str]) -> list[str]:
    """The asked grains, plus channel for a KPI with per-channel targets; vendor only for the
    KPIs divided by a vendor-level total."""
    if kpi.metric in VENDOR_ONLY:
        return ["vendor"]
    split = ["channel"] if kpi.per_channel_targets or kpi.per_channel_minimums else []
    return list(dict.fromkeys(["vendor", *grains, *split]))


def compile_kpis(contract: Contract, kpis: Sequence[KpiSpec], grains: Sequence[str], prepared: Prepared,
                 tables: dict[str, pd.DataFrame], labels: dict[str, list[str]]
                 ) -> tuple[list[CompiledQuery], dict[str, str]]:
    """The queries of the compilable KPIs at their grains (those whose entity column the data
    has), one per distinct row relation (the sums apart from the quantiles, the quantiles one per
    grain), and the note of each KPI not measurable."""
    notes: dict[str, str] = {}
    batches: dict[tuple[str, bool], list[tuple[str, MeasureSQL, tuple[str, ...]]]] = {}
    stocks: list[tuple[str, MeasureSQL, tuple[str, ...]]] = []  # the backlogs: a query each (sql/backlog.py)
    columns = prepared.interaction_columns or ()
    rows = (Rows(InteractionFacts.of(columns, contract, prepared.codebooks), prepared.clock_k, prepared.unlabeled,
                 prepared.codebooks)
            if prepared.interaction_columns is not None else None)
    for kpi in kpis:
        m = measure_sql(kpi, rows, tables, labels)
        if isinstance(m, NotMeasurable):
            notes[kpi.id] = m.note
            continue
        present = tuple(g for g in kpi_grains(kpi, grains) if g == "vendor" or g in columns)
        if m.at_period_end:
            stocks.append((kpi.id, m, present))
            continue
        batches.setdefault((m.relation.sql(), m.q is None), []).append((kpi.id, m, present))
    repeats = rows.repeats_table() if rows is not None else None
    own = rows.relation().sql() if rows is not None else None  # the rows' relation has the grains' codes
    parts = [(relation, part) for (relation, summed), batch in batches.items()
             for part in ([batch] if summed else _per_grain(batch))]
    queries = [aggregate_query(f"q{i}", part, contract.vendor,
                               rows.select(_read(part)) if rows is not None else None, repeats,
                               prepared.codebooks if relation == own else {})
               for i, (relation, part) in enumerate(parts)]
    queries += [backlog_query(f"q{len(parts) + i}", kpi_id, m, present, contract.vendor,
                              rows.select(_read([(kpi_id, m, present)])), prepared.codebooks)
                for i, (kpi_id, m, present) in enumerate(stocks) if rows is not None]
    return queries, notes


def _read(batch: list[tuple[str, MeasureSQL, tuple[str, ...]]]) -> set[str]:
    """The columns a batch's measures read (their relation's included): the clocks its rows join."""
    parts = [e for _, m, _ in batch for e in (m.relation, m.base, m.num, m.den, m.obs, m.n, m.provisional)
             if e is not None]
    return {c.name for e in parts for c in e.find_all(exp.Column)}


def _per_grain(batch: list[tuple[str, MeasureSQL, tuple[str, ...]]]
               ) -> list[list[tuple[str, MeasureSQL, tuple[str, ...]]]]:
    """A batch of quantiles as one batch per grain: a quantile holds every observation of its
    groups until its anchor is chosen (compile._with_quantiles), and grouping sets over every grain
    would hold them all at once (with the sorted lists of before, at 5 M bench rows DuckDB's peak
    1.9 -> 1.5 GB, 0.3-0.7 s more for the rows read once per grain)."""
    grains = dict.fromkeys(g for _, _, own in batch for g in own)
    return [[(kpi, m, (grain,)) for kpi, m, own in batch if grain in own] for grain in grains]
