"""Invariants of the KPI engine on random data: it never fails, rates stay in [0, 1], counts and
durations are never negative, NPS stays in [-100, 100]."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.catalog import metric
from scorecard.contract.loader import load_contract
from scorecard.kpis.engine import compute_kpis
from scorecard.periods import parse_period

CONTRACT = load_contract(Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml")
START = pd.Timestamp("2026-03-01", tz="Europe/Paris").tz_convert("UTC")

row = st.fixed_dictionaries({
    "channel": st.sampled_from(["voice", "chat", "email", "social", "self_service"]),
    "created": st.integers(0, 31 * 86400 - 1),
    "answer": st.one_of(st.none(), st.integers(0, 600)),
    "response": st.one_of(st.none(), st.integers(0, 3 * 86400)),
    "resolve": st.one_of(st.none(), st.integers(0, 5 * 86400)),
    "handle": st.one_of(st.none(), st.floats(0, 3600)),
    "customer": st.one_of(st.none(), st.sampled_from(["c1", "c2", "c3"])),
    "reason": st.one_of(st.none(), st.sampled_from(["refund", "baggage"])),
    "agent": st.one_of(st.none(), st.sampled_from(["a1", "a2"])),
    "csat": st.one_of(st.none(), st.integers(1, 5)),
    "nps": st.one_of(st.none(), st.integers(0, 10)),
    "flag": st.booleans(),
})


def table(rows: list[dict]) -> pd.DataFrame:
    created = START + pd.to_timedelta([r["created"] for r in rows], unit="s")

    def after(key):
        return pd.Series([created[i] + pd.Timedelta(seconds=r[key]) if r[key] is not None else pd.NaT
                          for i, r in enumerate(rows)], dtype="datetime64[ns, UTC]")
    live = [r["channel"] in ("voice", "chat") for r in rows]
    answered = after("answer").where(pd.Series(live))
    return pd.DataFrame({
        "interaction_id": pd.array([f"i{i}" for i in range(len(rows))], dtype="string"),
        "channel": pd.array([r["channel"] for r in rows], dtype="string"),
        "created_at": pd.Series(created, dtype="datetime64[ns, UTC]"),
        "answered_at": answered,
        "abandoned_at": pd.Series([created[i] + pd.Timedelta(seconds=3) if live[i] and r["answer"] is None else pd.NaT
                                   for i, r in enumerate(rows)], dtype="datetime64[ns, UTC]"),
        "first_response_at": after("response").where(~pd.Series(live)),
        "assigned_at": pd.Series(created, dtype="datetime64[ns, UTC]"),
        "resolved_at": after("resolve"),
        "handle_time_s": [r["handle"] if r["handle"] is not None else np.nan for r in rows],
        "customer_id": pd.array([r["customer"] for r in rows], dtype="string"),
        "reason": pd.array([r["reason"] for r in rows], dtype="string"),
        "agent_id": pd.array([r["agent"] for r in rows], dtype="string"),
        "transferred": pd.array([r["flag"] for r in rows], dtype="boolean"),
        "resolved": pd.array([not r["flag"] for r in rows], dtype="boolean"),
        "csat": [float(r["csat"]) if r["csat"] else np.nan for r in rows],
        "nps": [float(r["nps"]) if r["nps"] is not None else np.nan for r in rows],
    })


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=40))
def test_engine_invariants_on_random_interactions(rows):
    res = compute_kpis(CONTRACT, {"interactions": table(rows)}, [parse_period("2026-03")],
                       ["agent_id", "channel", "reason"])
    assert (res["n"] >= 0).all()
    for kpi_id, rows_of_kpi in res.groupby("kpi"):
        spec = CONTRACT.kpis[kpi_id]
        unit = metric(spec.metric).unit_for(spec.params)
        values = rows_of_kpi["value"].dropna()
        if unit == "rate":
            assert values.between(0, 1).all(), (kpi_id, values.tolist())
        elif unit in ("duration", "count"):
            assert (values >= 0).all(), (kpi_id, values.tolist())
        elif spec.metric == "nps":
            assert values.between(-100, 100).all()
    assert set(res.loc[res.grain == "vendor", "kpi"]) == set(CONTRACT.kpis)
