"""Small builders for KPI engine tests: a contract around a few KPIs and tables from literals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from scorecard.catalog import metric
from scorecard.contract.model import Calendar, Contract, KpiSpec
from scorecard.kpis.engine import compute_kpis
from scorecard.kpis.inputs import InputFacts
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period
from scorecard.units import parse_duration

TZ = "Europe/Paris"
BUSINESS = Calendar("business", TZ, {d: ((8 * 3600, 20 * 3600),) for d in range(5)} | {5: ((9 * 3600, 13 * 3600),)},
                    frozenset())


def kpi(metric_name: str, id: str | None = None, **kw) -> KpiSpec:
    """A KpiSpec with the catalog's defaults typed as the loader types them."""
    params = {}
    m = metric(metric_name)
    for name, value in {**m.defaults, **kw.pop("params", {})}.items():
        params[name] = parse_duration(value) if m.params.get(name) == "duration" and isinstance(value, str) else value
    return KpiSpec(id=id or metric_name, metric=metric_name, params=params, **kw)


def contract(*kpis: KpiSpec, calendars: dict | None = None, **kw) -> Contract:
    return Contract(id="t", client="C", vendor="V", currency="EUR", timezone=TZ, effective=None,
                    expires=None, monthly_fee=100000.0, kpis={k.id: k for k in kpis},
                    calendars=calendars if calendars is not None else {"business": BUSINESS}, **kw)


def ts(values: list) -> pd.Series:
    """Local wall times in the contract time zone (or None) -> UTC timestamps."""
    s = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
    if s.dt.tz is None:
        s = s.dt.tz_localize(TZ)
    return s.dt.tz_convert("UTC")


def interactions(**cols) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    for c in df.columns:
        if c.endswith("_at"):
            df[c] = ts(list(df[c]))
        elif c in ("channel", "customer_id", "reason", "agent_id", "team_id", "site", "interaction_id"):
            df[c] = df[c].astype("string")
        elif c in ("abandoned", "transferred", "resolved", "resolved_first_contact"):
            df[c] = df[c].astype("boolean")
    return df


def run(c: Contract, tables: dict[str, pd.DataFrame], period: str = "2026-03", grains=("vendor",),
        facts: InputFacts | None = None) -> pd.DataFrame:
    """Raw results of the DuckDB engine, checked cell for cell against the pandas engine: every KPI
    unit test is also a parity test of the two engines."""
    periods = [parse_period(p) for p in ([period] if isinstance(period, str) else period)]
    reference = compute_kpis(c, tables, periods, grains, facts)
    results = SqlEngine(c, tables, periods, grains, facts).run()
    assert_same_results(reference, results)
    return results


def assert_same_results(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same cells (period, kpi, grain, entity), counts, flags and notes exactly equal, values
    within 1e-12 relative (sums may be added in another order)."""
    keys = ["period", "kpi", "grain", "entity"]
    a, b = a.sort_values(keys).reset_index(drop=True), b.sort_values(keys).reset_index(drop=True)
    cells = [list(map(str, frame[keys].itertuples(index=False))) for frame in (a, b)]
    assert cells[0] == cells[1], (cells[0], cells[1])
    for col in ("metric", "n", "provisional", "note"):
        assert list(a[col]) == list(b[col]), (col, a[a[col] != b[col]], b[a[col] != b[col]])
    va, vb = a["value"].to_numpy(dtype="float64"), b["value"].to_numpy(dtype="float64")
    same = np.isclose(va, vb, rtol=1e-12, atol=0.0, equal_nan=True) | (va == vb)
    assert same.all(), pd.concat([a[~same], b.loc[~same, "value"].rename("other")], axis=1)


def value(results: pd.DataFrame, kpi_id: str, grain: str = "vendor", entity: str = "V", period: str | None = None):
    rows = results[(results.kpi == kpi_id) & (results.grain == grain) & (results.entity == entity)]
    if period:
        rows = rows[rows.period == period]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# one contact of a backlog test: its channel, created (seconds into 2026), resolved (seconds after)
backlog_contact = st.fixed_dictionaries({
    "channel": st.sampled_from(["voice", "email", "social", "Email", None]),
    "created": st.integers(0, 120 * 86400),
    "resolve": st.one_of(st.none(), st.integers(0, 90 * 86400)),
    "team": st.one_of(st.none(), st.sampled_from(["t1", "t2", "t3"])),
    "agent": st.one_of(st.none(), st.sampled_from(["a1", "a2", "a3", "a4"])),
})


def backlog_contacts(rows: list[dict], zone: str) -> pd.DataFrame:
    """The interactions of `backlog_contact` draws, created from 2026-01-01 in `zone`."""
    start = pd.Timestamp("2026-01-01", tz=zone).tz_convert("UTC")
    created = [start + pd.Timedelta(seconds=r["created"]) for r in rows]
    return pd.DataFrame({
        "channel": pd.array([r["channel"] for r in rows], dtype="string"),
        "created_at": pd.Series(created, dtype="datetime64[ns, UTC]"),
        "resolved_at": pd.Series([c + pd.Timedelta(seconds=r["resolve"]) if r["resolve"] is not None else pd.NaT
                                  for c, r in zip(created, rows)], dtype="datetime64[ns, UTC]"),
        "team_id": pd.array([r["team"] for r in rows], dtype="string"),
        "agent_id": pd.array([r["agent"] for r in rows], dtype="string"),
    })
