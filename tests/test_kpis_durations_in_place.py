"""Durations made with fewer float columns at once: the calendar-time difference with its start
converted a slice at a time (derive.DURATION_ROWS), and a duration measure masking the caller's
own fresh array in place. Both give the same bits as before, and a column of the data is never
written."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_helpers import contract, interactions, kpi, run, value
from scorecard.kpis import derive
from scorecard.kpis.aggregate import Codes
from scorecard.kpis.business_time import BusinessClock
from scorecard.kpis.derive import InteractionRows
from scorecard.kpis.measure import RowSource, duration_measure

instants = st.one_of(st.none(), st.integers(-10**12, 10**12))  # ms around 1970, and NaT


def _stamps(ms: list[int | None]) -> pd.Series:
    return pd.Series([pd.NaT if v is None else pd.Timestamp(v, unit="ms", tz="UTC") for v in ms],
                     dtype="datetime64[ns, UTC]")


def _old_epoch_seconds(ts: pd.Series) -> np.ndarray:
    """business_time._epoch_seconds before it read a view of the nanoseconds (5d734c4)."""
    values = ts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    out = values.view("int64").astype("float64")
    out /= 1_000_000_000
    out[np.isnat(values)] = np.nan
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(instants, instants), min_size=1, max_size=20), st.integers(1, 6))
def test_calendar_durations_by_slices_are_the_whole_difference(rows, at_once):
    frame = pd.DataFrame({"channel": pd.array(["email"] * len(rows), dtype="string"),
                          "created_at": _stamps([a for a, _ in rows]), "resolved_at": _stamps([b for _, b in rows])})
    derived = InteractionRows(frame, contract(kpi("total_resolution_time")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(derive, "DURATION_ROWS", at_once)
        got = derived.duration("created_at", "resolved_at", None)
    want = _old_epoch_seconds(frame["resolved_at"]) - _old_epoch_seconds(frame["created_at"])
    assert got.view(np.int64).tolist() == want.view(np.int64).tolist()  # NaN where either is missing


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.just(np.nan), st.floats(-1e6, 1e6)), st.booleans()), max_size=20),
       st.sampled_from(["mean", "median", "p90"]))
def test_a_fresh_duration_masked_in_place_is_the_copied_measure(rows, statistic):
    values = np.array([v for v, _ in rows], dtype="float64")
    base = np.array([b for _, b in rows], dtype=bool)
    src = RowSource("interactions", pd.DataFrame(index=range(len(rows))), Codes.constant(len(rows), "2026-01"))
    column = values.copy()
    copied = duration_measure(src, base, column, statistic)
    assert column.view(np.int64).tolist() == values.view(np.int64).tolist()  # a data column: untouched
    own = values.copy()
    masked = duration_measure(src, base, own, statistic, fresh=True)
    for name in ("obs", "num", "den"):
        a, b = getattr(copied, name), getattr(masked, name)
        assert (a is None) == (b is None) and (a is None or np.array_equal(a, b, equal_nan=True))
    assert masked.q == copied.q


def test_a_hand_computed_median_duration_measure():
    values = np.array([60.0, np.nan, 30.0, 10.0])
    src = RowSource("interactions", pd.DataFrame(index=range(4)), Codes.constant(4, "2026-01"))
    m = duration_measure(src, np.array([True, True, True, False]), values, "median", fresh=True)
    assert m.q == 0.5 and np.array_equal(m.obs, [60.0, np.nan, 30.0, np.nan], equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["voice", "email", "chat"]), st.integers(0, 30 * 86400),
                          st.one_of(st.none(), st.integers(0, 3 * 86400)), st.one_of(st.none(), st.integers(0, 600)),
                          st.booleans()), min_size=1, max_size=20))
def test_business_first_responses_of_some_rows_with_the_live_fallback(rows):
    """first_response_at of the asked rows only (a live contact's answer when it has none) gives
    the business durations of the whole derived column at those rows."""
    start = pd.Timestamp("2026-03-20", tz="UTC")  # over the spring DST change
    created = [start + pd.Timedelta(seconds=r[1]) for r in rows]

    def after(seconds):
        return pd.Series([pd.NaT if s is None else c + pd.Timedelta(seconds=s) for c, s in zip(created, seconds)],
                         dtype="datetime64[ns, UTC]")
    frame = pd.DataFrame({"channel": pd.array([r[0] for r in rows], dtype="string"),
                          "created_at": pd.Series(created, dtype="datetime64[ns, UTC]"),
                          "first_response_at": after([r[2] for r in rows]), "answered_at": after([r[3] for r in rows])})
    derived = InteractionRows(frame, contract(kpi("first_response_time")))
    where = np.array([r[4] for r in rows])
    every = derived.duration("created_at", "first_response_at", "business")
    some = derived.duration("created_at", "first_response_at", "business", where)
    assert np.array_equal(some[where], every[where], equal_nan=True) and np.isnan(some[~where]).all()
    # the clock spans the instants of the derived column, read from the stored one and answered_at
    stamps = [s for s in (frame["created_at"], derived.first_response_at, derived.answered_at) if s.notna().any()]
    want = BusinessClock.build(derived.contract.calendars["business"], min(s.min() for s in stamps),
                               max(s.max() for s in stamps))
    got = derived.clock("business")
    assert got.first_day == want.first_day and len(got.cum_before) == len(want.cum_before)


def test_the_duration_kpis_leave_the_data_as_it_was():
    """Every duration measure (fresh or not) over float64 and timestamp columns of the data, some of
    which numpy reads as views: after the engine, the table holds the very same values."""
    frame = interactions(
        channel=["voice", "voice", "email", "chat"], customer_id=["a", "b", "a", "c"],
        created_at=["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-03 11:00", "2026-03-04 12:00"],
        answered_at=["2026-03-02 09:01", None, None, None], first_response_at=[None, None, "2026-03-03 15:00", "2026-03-04 12:01"],
        resolved_at=["2026-03-02 09:10", None, "2026-03-05 09:00", "2026-03-04 12:30"],
        assigned_at=[None, None, "2026-03-03 11:30", "2026-03-04 12:00"],
        handle_time_s=[300.0, np.nan, 600.0, 120.5], wait_s=[60.0, 30.0, np.nan, np.nan])
    before = frame.copy(deep=True)
    kpis = [kpi("average_handle_time", statistic="median"), kpi("average_speed_of_answer", statistic="p90"),
            kpi("first_response_time", clock="business"), kpi("first_response_time", "frt_mean"),
            kpi("turnaround_time"), kpi("total_resolution_time", statistic="median")]
    results = run(contract(*kpis), {"interactions": frame})
    pd.testing.assert_frame_equal(frame, before, check_exact=True)
    # email 11:00 -> 15:00 (4 h, business hours), chat 1 min, the answered call 1 min (live fallback): mean
    assert value(results, "first_response_time")["value"] == (4 * 3600 + 60 + 60) / 3
