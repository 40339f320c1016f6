"""The engine's exact quantiles (aggregate.GroupIndex.quantile) against pandas' groupby quantile,
which the engine called before: the same bits for any group sizes, ties, periods outside the asked
ones and more groups than 16-bit codes hold."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scorecard.kpis.aggregate import Codes, GroupIndex


def _pandas(values: np.ndarray, group: np.ndarray, size: int, q: float) -> np.ndarray:
    keep = group >= 0
    out = np.full(size, np.nan)
    s = pd.Series(values[keep]).groupby(group[keep]).quantile(q)
    out[s.index.to_numpy()] = s.to_numpy()
    return out


def _quantile(index: GroupIndex, fine: np.ndarray, values: np.ndarray, q: float) -> np.ndarray:
    ascending = np.argsort(values, kind="stable")  # as the engine sorts a measure's observations once
    return index.quantile(fine[ascending], values[ascending], q)


rows = st.lists(st.tuples(st.integers(0, 7), st.one_of(st.floats(-1e9, 1e9, allow_nan=False),
                                                        st.sampled_from([0.1, 1 / 3, 7.0, 30.0, 1e-300]))),
                min_size=1, max_size=80)


@given(rows, st.sampled_from([0.0, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]))
def test_quantiles_equal_pandas_groupby_quantile_bit_for_bit(cells, q):
    fine = np.array([c[0] for c in cells])
    values = np.array([c[1] for c in cells], dtype="float64")
    # fine groups 0-7 -> period (6 and 7: a month outside the asked periods) x entity (fine % 3)
    period = Codes(np.array([0, 0, 0, 1, 1, 1, -1, -1]), np.array(["2026-01", "2026-02"], dtype=object))
    entity = Codes(np.array([0, 1, 2, 0, 1, 2, 0, 1]), np.array(["a", "b", "c"], dtype=object))
    index = GroupIndex(period, entity)
    expected = _pandas(values, index.fine_to_group[fine], index.size, q)
    assert np.array_equal(_quantile(index, fine, values, q), expected, equal_nan=True)


def test_a_hand_computed_median_and_p90_per_group():
    index = GroupIndex(Codes(np.zeros(2, dtype=np.int64), np.array(["2026-01"], dtype=object)),
                       Codes(np.array([0, 1]), np.array(["a", "b"], dtype=object)))
    fine = np.array([0, 0, 0, 0, 1])
    values = np.array([40.0, 10.0, 30.0, 20.0, 5.0])
    assert _quantile(index, fine, values, 0.5).tolist() == [25.0, 5.0]  # a: 10 20 | 30 40, b alone
    assert _quantile(index, fine, values, 0.9).tolist() == [37.0, 5.0]  # h = 2.7: 30 + 0.7 * 10


def test_more_groups_than_16_bit_codes_hold():
    size = 70_000
    rng = np.random.default_rng(7)
    fine = rng.integers(0, size, 300_000)
    values = rng.integers(0, 50, 300_000).astype("float64")
    index = GroupIndex(Codes(np.zeros(size, dtype=np.int64), np.array(["2026-01"], dtype=object)),
                       Codes(np.arange(size), np.arange(size).astype(str).astype(object)))
    assert index.size == size
    expected = _pandas(values, index.fine_to_group[fine], size, 0.9)
    assert np.array_equal(_quantile(index, fine, values, 0.9), expected, equal_nan=True)
