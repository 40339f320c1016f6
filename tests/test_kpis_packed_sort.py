"""The quantile KPIs' observations sorted once (engine._sorted_observations): whole-number values
packed with their fine groups into int64 keys and sorted as one array, or an argsort of the values
otherwise. Either way every fine group must read the same values in the same order as after a
stable sort, to the bit (the sign of zero included), so that every quantile is unchanged."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis.aggregate import Codes, FineIndex, GroupIndex
from scorecard.kpis.engine import _packed_range, _sorted_observations
from scorecard.kpis.measure import Measure, RowSource

values = st.one_of(st.integers(-10**6, 10**6).map(float), st.sampled_from(
    [0.0, -0.0, 0.5, 2.0 ** 53 - 1, 2.0 ** 53, -(2.0 ** 53), 1e300, float("inf"), float("nan")]))


def _sorted(obs: list[float], fine: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = Codes(np.array(fine, dtype=np.int64), np.array([f"g{i}" for i in range(max(fine, default=0) + 1)], dtype=object))
    index = FineIndex(len(fine), [codes])
    src = RowSource("interactions", pd.DataFrame(index=range(len(fine))), codes)
    measure = Measure(src, np.ones(len(fine), bool), obs=np.array(obs, dtype="float64"), q=0.5)
    return (*_sorted_observations(index, measure), index.codes)


def _per_group_bits(codes: np.ndarray, obs: np.ndarray) -> dict[int, list[str]]:
    return {int(g): [float(v).hex() for v in obs[codes == g]] for g in np.unique(codes)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(values, st.integers(0, 5)), max_size=60))
def test_every_group_reads_its_values_as_after_a_stable_sort(rows):
    obs, fine = [v for v, _ in rows], [g for _, g in rows]
    counts, codes, ordered, fine_codes = _sorted(obs, fine)
    values_ = np.array(obs, dtype="float64")
    kept = ~np.isnan(values_)
    stable = np.argsort(values_[kept], kind="stable")
    want_codes, want_obs = fine_codes[kept][stable], values_[kept][stable]
    assert len(ordered) == len(want_obs) and (ordered[1:] >= ordered[:-1]).all()
    assert _per_group_bits(codes, ordered) == _per_group_bits(want_codes, want_obs)
    assert counts.tolist() == np.bincount(fine_codes[kept], minlength=len(counts)).tolist()


def test_packed_only_for_whole_numbers_that_fit():
    assert _packed_range(np.array([3600.0, 0.0, -5.0, 86400.0 * 365]), groups=1_000_000) == (-5, 86400 * 365)
    assert _packed_range(np.array([1.0, 1.5]), groups=10) is None  # a fraction of a second
    assert _packed_range(np.array([1.0, np.inf]), groups=10) is None
    assert _packed_range(np.array([2.0 ** 53]), groups=10) is None  # no longer exact as a neighbour's int64
    assert _packed_range(np.array([0.0, 2.0 ** 40]), groups=2 ** 30) is None  # 40 + 31 bits: no room in 62
    assert _packed_range(np.array([]), groups=10) is None


def test_a_hand_sorted_example():
    # fine groups 0 and 1; the NaN is no observation
    counts, codes, ordered, _ = _sorted([30.0, 10.0, float("nan"), 20.0, 10.0], [0, 1, 0, 0, 0])
    assert counts.tolist() == [3, 1]
    assert ordered.tolist() == [10.0, 10.0, 20.0, 30.0]
    assert _per_group_bits(codes, ordered) == {0: [v.hex() for v in (10.0, 20.0, 30.0)], 1: [(10.0).hex()]}


def test_small_whole_numbers_are_held_as_float32_and_read_back_exactly():
    """Below 2**24 in magnitude a whole number is exact in float32: the sorted observations are held
    so (4 bytes fewer each), and a quantile reads them as the float64 it would have read."""
    small = _sorted([2.0 ** 24 - 1, -(2.0 ** 24 - 1), 7.0, 3.0], [0, 0, 1, 1])[2]
    large = _sorted([2.0 ** 24, 7.0], [0, 1])[2]
    fraction = _sorted([0.5, 7.0], [0, 1])[2]
    assert small.dtype == np.float32 and large.dtype == np.float64 and fraction.dtype == np.float64
    assert small.astype(np.float64).tolist() == [-(2.0 ** 24 - 1), 3.0, 7.0, 2.0 ** 24 - 1]
    index = GroupIndex(Codes.constant(2, "2026-01"), Codes(np.array([0, 1]), np.array(["a", "b"], dtype=object)))
    codes, values = np.array([0, 1, 1, 0]), np.array([-(2.0 ** 24 - 1), 3.0, 7.0, 2.0 ** 24 - 1])
    for q in (0.5, 0.9):
        assert index.quantile(codes, values.astype(np.float32), q).tolist() == index.quantile(codes, values, q).tolist()
