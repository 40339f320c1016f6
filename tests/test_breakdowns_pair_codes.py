"""breakdowns._pair_codes ranks category x item pairs as pd.factorize(sort=True) of their keys does,
by a lookup over the possible pairs or, when they outnumber the rows, by the hash it replaces."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.breakdowns import _pair_codes


def _factorized(first: np.ndarray, second: np.ndarray, n_second: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.where((first >= 0) & (second >= 0), first.astype(np.int64) * n_second + second, -1)
    return pd.factorize(keys, sort=True)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.data())
def test_pair_codes_are_the_sorted_factorisation(n_first, n_second, data):
    rows = data.draw(st.lists(st.tuples(st.integers(-1, n_first - 1), st.integers(-1, n_second - 1)), max_size=60))
    first = np.array([r[0] for r in rows], dtype=np.int32)
    second = np.array([r[1] for r in rows], dtype=np.int32)
    codes, keys = _pair_codes(first, second, n_first, n_second)
    expected_codes, expected_keys = _factorized(first, second, n_second)
    assert codes.dtype == np.int32
    assert np.array_equal(codes, expected_codes) and np.array_equal(keys, expected_keys)


def test_pair_codes_by_hand():
    # category 1 x item 0 -> key 3, category 0 x item 2 -> 2, a missing item -> -1: ranks -1, 2, 3
    codes, keys = _pair_codes(np.array([1, 0, 1, 0, 1], dtype=np.int32), np.array([0, 2, -1, 2, 0], dtype=np.int32),
                              2, 3)
    assert keys.tolist() == [-1, 2, 3] and codes.tolist() == [2, 1, 0, 1, 2]
