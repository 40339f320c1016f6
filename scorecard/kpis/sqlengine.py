"""The KPI engine on an SQL backend (DuckDB embedded by default, Spark through the same queries).

Interaction KPIs are compiled (sql/plan.py) and run in one batch on the backend; only the aggregate
rows come back, and the finishing here (value = num / den, per-period divisors of costs and
volumes, transforms) works on those few rows. KPIs the compiler does not cover yet (QA, workforce,
agents meeting quality) go through the pandas engine this class extends.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from ..contract.model import Contract, KpiSpec
from ..periods import Period
from .engine import RAW_COLUMNS, Engine
from .inputs import InputFacts
from .measure import ratio_value
from .sql.backend import Backend, DuckDBBackend, run_queries
from .sql.compile import MeasureSQL
from .sql.plan import Prepared, compile_kpis, compiles, prepare_tables


def finish(m: MeasureSQL, grains: Sequence[str], agg: pd.DataFrame, kinds: dict[str, int],
           positions: dict[str, int]) -> pd.DataFrame:
    """Raw rows (period, entity, grain, value, n, provisional) of one KPI's aggregate rows, in
    the pandas engine's order: period kind (`kinds`: label -> rank), then grain, then first
    appearance in the data; a stock at each period's end period by period (`positions`)."""
    agg = agg[agg["base"] > 0]
    rank = {g: i for i, g in enumerate(grains)}
    agg = agg.assign(_kind=agg["period"].map(positions if m.at_period_end else kinds),
                     _grain=agg["grain"].map(rank)).sort_values(
        ["_kind", "_grain", "first_row"], kind="stable").reset_index(drop=True)
    num, den = agg["num"].to_numpy(), agg["den"].to_numpy()
    provisional = (agg["prov"].to_numpy() > 0) if m.provisional is not None else np.zeros(len(agg), bool)
    if m.q is not None:
        value, n = agg["quantile"].to_numpy(dtype="float64"), agg["nobs"].to_numpy()
    else:
        value, n, combined = ratio_value(agg[["period", "entity"]], num, den, m.combine)
        provisional = provisional if combined is None else combined
    if m.transform is not None:
        value = m.transform(value)
    if m.n is not None:
        n = agg["n"].to_numpy()
    return agg[["period", "entity", "grain"]].assign(value=value, n=n, provisional=provisional)


class SqlEngine(Engine):
    """`Engine` whose interaction KPIs run as compiled SQL on `backend`."""

    def __init__(self, contract: Contract, tables: dict[str, pd.DataFrame], periods: Sequence[Period],
                 grains: Sequence[str], facts: InputFacts | None = None, backend: Backend | None = None):
        super().__init__(contract, tables, periods, grains, facts)
        self.backend = backend or DuckDBBackend()
        self._prepared: Prepared | None = None

    def run(self, kpis: Sequence[KpiSpec] | None = None, grains: Sequence[str] | None = None) -> pd.DataFrame:
        grains = self.grains if grains is None else list(dict.fromkeys(grains))
        kpis = list(self.contract.kpis.values()) if kpis is None else list(kpis)
        sql_kpis = [k for k in kpis if compiles(k) and not self.facts.constant_note(k)]
        by_id = self._run_sql(sql_kpis, grains)
        frames = [by_id[k.id] if k.id in by_id else self._kpi(k, grains) for k in kpis]
        if not frames:
            return pd.DataFrame(columns=RAW_COLUMNS)
        out = pd.concat(frames, ignore_index=True)
        out["n"] = out["n"].fillna(0).round().astype("int64")
        return out[RAW_COLUMNS]

    def _run_sql(self, kpis: list[KpiSpec], grains: list[str]) -> dict[str, pd.DataFrame]:
        if not kpis:
            return {}
        labels = self.all_labels()
        first = self._prepared is None
        if self._prepared is None:
            self._prepared = prepare_tables(self.contract, self.tables, labels, self.facts)
        prepared = self._prepared
        queries, notes = compile_kpis(self.contract, kpis, grains, prepared, self.tables, labels)
        agg = run_queries(self.backend, queries, prepared.tables if first else {})
        if first:  # the backend holds them now (DuckDB scans them in place): no second reference
            self._prepared = replace(prepared, tables={})
        kinds = {label: rank for rank, kind in enumerate(self.labels) for label in self.labels[kind]}
        positions = {p.label: i for i, p in enumerate(self.periods)}
        out = {kpi_id: self._not_measurable(_spec(kpis, kpi_id), note)
               for kpi_id, note in notes.items()}
        parts: dict[str, tuple[MeasureSQL, list[str], list[str]]] = {}  # a quantile: one query per grain
        for q in queries:
            for kpi_id, m, own in zip(q.kpis, q.measures, q.kpi_grains):
                _, kpi_grains, keys = parts.setdefault(kpi_id, (m, [], []))
                kpi_grains.extend(own)
                keys.append(q.key)
        for kpi_id, (m, kpi_grains, keys) in parts.items():
            rows = agg[agg["query"].isin(keys) & (agg["kpi"] == kpi_id)]
            out[kpi_id] = self._emit(_spec(kpis, kpi_id), finish(m, kpi_grains, rows, kinds, positions))
        return out


def _spec(kpis: list[KpiSpec], kpi_id: str) -> KpiSpec:
    return next(k for k in kpis if k.id == kpi_id)


ENGINES = ("duckdb", "pandas", "spark")


def make_engine(name: str, contract: Contract, tables: dict[str, pd.DataFrame], periods: Sequence[Period],
                grains: Sequence[str], facts: InputFacts | None = None, *, spark_master: str | None = None) -> Engine:
    """The engine `--engine` names: pandas (the default until the SQL engine is faster: see
    docs/benchmarks.md), duckdb (the compiled queries, embedded), or spark (the same queries on Spark)."""
    if name == "pandas":
        return Engine(contract, tables, periods, grains, facts)
    if name == "spark":
        from .spark import SparkBackend
        return SqlEngine(contract, tables, periods, grains, facts, SparkBackend(master=spark_master))
    return SqlEngine(contract, tables, periods, grains, facts)
