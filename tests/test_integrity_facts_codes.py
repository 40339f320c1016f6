"""The integrity facts on integer codes (periods.Months, the per-entity groupbys, the backlog's runs
of month ends) against the facts as first computed (tests/integrity_facts_reference.py, groupbys
over month and entity labels, a mask per month end), on varied interactions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity_facts_reference import monthly_facts as reference
from scorecard.integrity.facts import monthly_facts
from scorecard.periods import Months, local_months
from test_scoring import make_contract

# zones whose clocks change at midnight (a month can start at 01:00 or have two midnights) and others
ZONES = ["Europe/Paris", "America/Santiago", "America/Havana", "Asia/Beirut", "America/Asuncion",
         "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]
NS_2000, NS_2040 = pd.Timestamp("2000-01-01", tz="UTC").value, pd.Timestamp("2040-01-01", tz="UTC").value


def _month_edges(zone: str) -> list[int]:
    """Each month start of 2000-2039 in `zone` as local_months sees it, and one nanosecond either side."""
    ts = pd.Series(pd.date_range("2000-01-01", "2040-01-01", freq="h", tz="UTC"))
    months = local_months(ts, zone)
    starts = ts[months.ne(months.shift())].astype("int64").to_numpy()
    # the hour found is the first in the new month; the month starts somewhere in the hour before it
    return [int(x) for s in starts for x in (s - 3_600_000_000_000, s, s + 1)]


@pytest.mark.parametrize("zone", ZONES)
def test_months_by_binary_search_are_the_local_months(zone):
    rng = np.random.default_rng(1)
    ns = np.r_[rng.integers(NS_2000, NS_2040, 20_000), _month_edges(zone)]
    ts = pd.Series(pd.to_datetime(ns, utc=True))
    ts[::97] = pd.NaT
    months = Months(ts, zone)
    got = pd.Series(np.asarray(months.labels + [None], dtype=object)[months.codes], dtype="string")
    pd.testing.assert_series_equal(got, local_months(ts, zone).reset_index(drop=True), check_names=False)


@st.composite
def interactions(draw):
    n = draw(st.integers(1, 120))
    zone = draw(st.sampled_from(ZONES))
    start = pd.Timestamp("2026-01-01", tz="UTC").value
    # some contacts created at the very instant a month starts (a month end of the backlog)
    edges = [pd.Timestamp(f"2026-{m:02d}-01").tz_localize(zone).value for m in range(2, 8)]
    created = np.array(draw(st.lists(st.one_of(st.integers(start, start + 200 * 86_400 * 10**9),
                                               st.sampled_from(edges)), min_size=n, max_size=n)))
    pick = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    frame = pd.DataFrame({
        "interaction_id": [f"i{k}" for k in range(n)],
        "channel": pick(["voice", "chat", "email", "self_service"]),
        "created_at": pd.to_datetime(created, utc=True),
        "answered_at": pd.to_datetime(created + np.array(pick([20, 90, -1])) * 10**9, utc=True),
        "resolved_at": pd.to_datetime(created + np.array(pick([3_600, 40 * 86_400, -1])) * 10**9, utc=True),
        "handle_time_s": pick([5.0, 200.0, 300.0, 600.0, np.nan]),
        "transferred": pick([True, False, None]), "resolved_first_contact": pick([True, False, None]),
        "csat": pick([1.0, 4.0, 5.0, np.nan]), "reason": pick(["a", "b", "c", "d", None]),
        "agent_id": pick(["a1", "a2", "a3", None]), "team_id": pick(["t1", "t2", None]),
    })
    frame.loc[frame["answered_at"] < frame["created_at"], "answered_at"] = pd.NaT
    frame.loc[frame["resolved_at"] < frame["created_at"], "resolved_at"] = pd.NaT
    dropped = draw(st.lists(st.sampled_from(["answered_at", "resolved_at", "handle_time_s", "csat", "reason",
                                             "team_id", "transferred"]), unique=True))
    frame = frame.drop(columns=dropped)
    frame = frame.astype({c: "string" for c in ("interaction_id", "channel", "reason", "agent_id", "team_id")
                          if c in frame})
    return frame.astype({c: "boolean" for c in ("transferred", "resolved_first_contact") if c in frame}), zone


@settings(max_examples=150, deadline=None)
@given(interactions())
def test_facts_on_codes_equal_the_facts_on_labels(case):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    new, old = monthly_facts(contract, {"interactions": frame}, 10.0), reference(contract, {"interactions": frame}, 10.0)
    pd.testing.assert_frame_equal(new, old, check_exact=True, check_dtype=False)
