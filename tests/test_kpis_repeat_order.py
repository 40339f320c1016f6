"""repeat._by_customer_and_time: the one sort of customer x position keys used when rows come in
time order gives the stable lexsort's order; repeat flags on time-ordered rows (the key path) and on
customers held as a Categorical match the brute-force reading of convention 10."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis.repeat import _by_customer_and_time, repeat_flags
from tests.test_kpis_repeat_property import DAY, brute_force


def _lexsort(customer: np.ndarray, t: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(customer >= 0)
    return rows[np.lexsort((t[rows], customer[rows]))]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(-1, 4), st.integers(0, 6)), max_size=40), st.booleans())
def test_the_order_of_the_stable_lexsort(cells, in_time_order):
    if in_time_order:
        cells = sorted(cells, key=lambda cell: cell[1])
    customer = np.array([c for c, _ in cells], dtype=np.int32)
    t = np.array([t for _, t in cells], dtype=np.int64)
    assert _by_customer_and_time(customer, t).tolist() == _lexsort(customer, t).tolist()


contacts = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3", None]), st.integers(0, 20).map(lambda h: h * DAY // 2),
                              st.sampled_from(["refund", "baggage", None])), max_size=30)


@settings(max_examples=200, deadline=None)
@given(contacts, st.sampled_from([0, DAY, 3 * DAY, 7 * DAY]), st.sampled_from(["string", "category"]))
def test_flags_of_time_ordered_rows_match_the_definition(rows, window, dtype):
    rows = sorted(rows, key=lambda row: row[1])
    df = pd.DataFrame({
        "created_at": pd.to_datetime([t for _, t, _ in rows], unit="s", utc=True),
        "customer_id": pd.Series([c for c, _, _ in rows], dtype="string").astype(dtype),
        "reason": pd.Series([r for _, _, r in rows], dtype="string").astype(dtype),
    })
    repeated, _ = repeat_flags(df, float(window))
    assert list(repeated) == brute_force(rows, window)
