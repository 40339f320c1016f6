"""Agents meeting quality (share of evaluated agents whose mean QA score reaches the threshold) on
varied QA tables against a plain-pandas reading: per period and entity, each agent's mean first."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kpi_helpers import contract, kpi, ts
from scorecard.kpis.engine import compute_kpis
from scorecard.periods import parse_period

evaluations = st.lists(st.tuples(st.sampled_from(["a1", "a2", "a3", "b1", None]), st.sampled_from(["t1", "t2", None]),
                                 st.one_of(st.none(), st.sampled_from([60.0, 84.99, 85.0, 90.0, 100.0])),
                                 st.sampled_from(["2026-03-05T10:00:00", "2026-04-30T23:30:00",
                                                  "2026-05-01T00:30:00"])),
                       min_size=1, max_size=30)


def _reference(qa: pd.DataFrame, period: pd.Series, grain: str | None) -> dict[tuple[str, str], tuple[float, int]]:
    rows = qa.assign(period=period, entity=qa[grain] if grain else "V").dropna(
        subset=["period", "entity", "agent_id", "score"])
    per_agent = rows.groupby(["period", "entity", "agent_id"])["score"].mean()
    out = {}
    for (p, e), means in per_agent.groupby(level=[0, 1]):
        out[(str(p), str(e))] = (float((means >= 85).mean()), len(means))
    return out


@given(evaluations)
def test_agents_meeting_quality_is_the_share_of_agents_whose_mean_reaches_the_threshold(cells):
    qa = pd.DataFrame({"evaluation_id": pd.array([f"e{i}" for i in range(len(cells))], dtype="string"),
                       "interaction_id": pd.array([f"i{i}" for i in range(len(cells))], dtype="string"),
                       "agent_id": pd.array([c[0] for c in cells], dtype="string"),
                       "team_id": pd.array([c[1] for c in cells], dtype="string"),
                       "evaluator_id": pd.array(["q1"] * len(cells), dtype="string"),
                       "score": [np.nan if c[2] is None else c[2] for c in cells],
                       "evaluated_at": ts([c[3] for c in cells])})
    periods = ["2026-03", "2026-04", "2026-05", "2026-Q2"]
    res = compute_kpis(contract(kpi("agents_meeting_quality", "amq", params={"threshold": 85})),
                       {"qa_evaluations": qa}, [parse_period(p) for p in periods], ["team_id", "agent_id"])
    month = qa["evaluated_at"].dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m")
    quarter = pd.Series(np.where(month.isin(["2026-04", "2026-05"]), "2026-Q2", None), index=qa.index)
    for grain in ("vendor", "team_id", "agent_id"):
        got = {(r.period, r.entity): (r.value, r.n) for r in res[(res["grain"] == grain) & (res["n"] > 0)].itertuples()}
        expected = {**_reference(qa, month, None if grain == "vendor" else grain),
                    **_reference(qa, quarter, None if grain == "vendor" else grain)}
        assert got == expected, grain
