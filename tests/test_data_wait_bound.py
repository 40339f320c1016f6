"""The 7-day bound of a queue wait (quality._beyond) compares nanosecond timestamps on their int64
views: it must say what pandas' subtraction said, to the nanosecond, and no longer overflow."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data.parse import NAT
from scorecard.data.quality import _beyond, _orders
from scorecard.data.readers import SOURCE_ROW

_WEEK = pd.Timedelta(days=7)
_BASE = pd.Timestamp("2026-03-29 01:00", tz="UTC").value
# offsets (ns) around the bound, and far beyond it either way (within the +-292 years pandas subtracts)
_GAPS = st.one_of(st.sampled_from([0, -1, 1, _WEEK.value - 1, _WEEK.value, _WEEK.value + 1, -_WEEK.value - 1]),
                  st.integers(-200 * 365 * 86_400 * 10**9, 200 * 365 * 86_400 * 10**9), st.none())


def _stamps(ns: list[int | None]) -> pd.Series:
    """Exact nanoseconds (through floats, pandas would round them)."""
    ints = np.array([NAT if v is None else v for v in ns], dtype="int64")
    return pd.Series(ints.view("datetime64[ns]")).dt.tz_localize("UTC")


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(st.one_of(st.none(), st.integers(-10**17, 10**17)), _GAPS), max_size=12))
def test_the_bound_on_int64_views_equals_pandas_subtraction(pairs):
    starts = [None if s is None else _BASE + s for s, _ in pairs]
    ends = [None if s is None or g is None else _BASE + s + g for s, g in pairs]
    created, answered = _stamps(starts), _stamps(ends)
    expected = ((answered - created) > _WEEK).fillna(False).astype(bool)
    pd.testing.assert_series_equal(_beyond(answered, created, _WEEK), expected, check_names=False)


def test_an_answer_centuries_after_its_creation_is_reported_not_an_overflow():
    # pandas' subtraction raised "Overflow in int64 addition" here: the run ended in an internal error
    frame = pd.DataFrame({"created_at": _stamps([pd.Timestamp("1680-01-01", tz="UTC").value, _BASE]),
                          "answered_at": _stamps([pd.Timestamp("2260-01-01", tz="UTC").value, _BASE + 60 * 10**9]),
                          SOURCE_ROW: [2, 3]})
    found = pd.concat(_orders(frame, "UTC"))
    assert found[["row", "column"]].values.tolist() == [[2, "answered_at"]]
    assert found["problem"].iloc[0] == ("answered_at 2260-01-01 00:00:00 is more than 7 days after created_at "
                                        "1680-01-01 00:00:00")
