"""The volume profile's local months taken from the local times (no label per row) and calibration
items picked once before their join, against the sections as computed before, on varied data."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.breakdowns import _per_kind, _period_of, calibration_items, volume_profile
from scorecard.calibration import item_agreement
from scorecard.kpis.engine import Engine
from scorecard.periods import parse_period
from test_integrity_facts_codes import interactions
from test_qa_errors_codes import qa_tables
from test_scoring import make_contract

PERIODS = [parse_period(p) for p in ("2026-01", "2026-02", "2026-03", "2026-05", "2026-Q2", "2026")]


def profile_of_labels(contract, engine) -> pd.DataFrame:
    """The volume profile read plainly: a groupby of the engine's per-row month labels, channels and
    local weekdays and hours."""
    rows, src = engine.interactions, engine.interaction_source()
    local = rows.created.dt.tz_convert(contract.timezone)
    handled = rows.handled if rows.handled is not None else np.zeros(rows.n, dtype=bool)
    frame = pd.DataFrame({"period": src.month.to_numpy(), "channel": rows.channel_codes[1][rows.channel_codes[0]], "weekday": local.dt.day_of_week,
                          "hour": local.dt.hour, "offered": 1, "handled": handled.astype("int64")})
    columns = ["period", "channel", "weekday", "hour"]
    out = frame.dropna(subset=["period"]).groupby(columns, sort=True)[["offered", "handled"]].sum().reset_index()
    out = out[out["period"].isin({p.label for p in engine.periods})].reset_index(drop=True)
    return out.astype({"period": str, "channel": str, "weekday": "int64", "hour": "int64", "offered": "int64"})


@settings(max_examples=150, deadline=None)
@given(interactions())
def test_volume_profile_months_from_local_times(case):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    engine = Engine(contract, {"interactions": frame}, PERIODS, [])
    pd.testing.assert_frame_equal(volume_profile(contract, engine), profile_of_labels(contract, engine),
                                  check_exact=True)


def test_volume_profile_hand_counted():
    created = pd.to_datetime(["2026-01-31 23:30", "2026-02-02 08:10", "2026-02-02 08:50"], utc=True)
    frame = pd.DataFrame({"channel": pd.array(["Voice", "voice", "chat"], dtype="string"), "created_at": created,
                          "answered_at": created + pd.to_timedelta([10, np.nan, 5], unit="s")})
    contract = replace(make_contract(), timezone="Europe/Paris", live_channels=("voice", "chat"))
    out = volume_profile(contract, Engine(contract, {"interactions": frame}, [parse_period("2026-02")], []))
    # 00:30 on Sunday 1 February in Paris; 09:10 and 09:50 on Monday 2 February
    assert out.to_dict("list") == {"period": ["2026-02"] * 3, "channel": ["chat", "voice", "voice"],
                                   "weekday": [0, 0, 6], "hour": [9, 9, 0], "offered": [1, 1, 1],
                                   "handled": [1, 0, 1]}


@settings(max_examples=150, deadline=None)
@given(qa_tables(), st.lists(st.sampled_from([True, False, None]), min_size=40, max_size=40))
def test_calibration_items_picked_before_the_join(case, reference):
    qa, items, periods, zone = case
    qa = qa.assign(calibration_session=qa["calibration_session"] if "calibration_session" in qa else None,
                   is_reference=pd.array(reference[:len(qa)], dtype="boolean"))
    qa["calibration_session"] = qa["calibration_session"].astype("string")
    contract = replace(make_contract(), timezone=zone)
    got = calibration_items(contract, SimpleNamespace(tables={"qa_items": items, "qa_evaluations": qa}), periods)
    expected = _per_kind(periods, lambda kind: item_agreement(items, qa, _period_of(contract, kind)))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
