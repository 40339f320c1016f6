"""GroupIndex.quantile (the observations put group by group: a radix sort of 16-bit slots, or
one sort of int64 group x position keys) against the stable argsort by group it replaced (kept
below as the reference): the same bits, the sign of zero included, for observations outside every
group, ties, empty groups and more groups than 16-bit codes hold."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis import aggregate
from scorecard.kpis.aggregate import Codes, GroupIndex


def _reference(index: GroupIndex, fine_codes: np.ndarray, values: np.ndarray, q: float) -> np.ndarray:
    """GroupIndex.quantile at 24ce9c0."""
    group = index.fine_to_group[fine_codes]
    inside = group >= 0
    group, v = group[inside], np.asarray(values, dtype="float64")[inside]
    out = np.full(index.size, np.nan)
    if not len(group):
        return out
    v = v[np.argsort(group.astype(np.uint16) if index.size <= 1 << 16 else group, kind="stable")]
    counts = np.bincount(group, minlength=index.size)
    has = counts > 0
    n = counts[has]
    start = (np.cumsum(counts) - counts)[has]
    h = q * (n - 1).astype("float64")
    low = np.floor(h).astype(np.int64)
    frac = h % 1
    below, above = v[start + low], v[start + np.minimum(low + 1, n - 1)]
    out[has] = np.where(frac == 0, below, below + (above - below) * frac)
    return out


def _bits(values: np.ndarray) -> list[str]:
    return [float(v).hex() for v in values]


def _index(periods: list[int], entities: list[int]) -> GroupIndex:
    n_p, n_e = max(periods, default=0) + 1, max(entities, default=0) + 1
    return GroupIndex(Codes(np.array(periods, dtype=np.int32), np.array([f"p{i}" for i in range(n_p)], dtype=object)),
                      Codes(np.array(entities, dtype=np.int32), np.array([f"e{i}" for i in range(n_e)], dtype=object)))


values = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 1 / 3, 7.5, 1e300, -1e300, 5e-324]),
                   st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=300)
@given(st.data(), st.integers(1, 12), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0]),
       st.sampled_from([1, aggregate.RADIX_GROUPS]))
def test_the_same_bits_as_the_stable_sort_by_group(data, fine_groups, q, radix_groups):
    """Both ways of putting the observations group by group: the radix sort of 16-bit slots, and
    the sort of int64 keys (RADIX_GROUPS 1: taken for any number of groups)."""
    # fine groups -> periods (-1: outside the asked ones) x entities (-1: no entity)
    periods = data.draw(st.lists(st.integers(-1, 2), min_size=fine_groups, max_size=fine_groups))
    entities = data.draw(st.lists(st.integers(-1, 3), min_size=fine_groups, max_size=fine_groups))
    index = _index(periods, entities)
    obs = np.array(data.draw(st.lists(values, max_size=60)), dtype="float64")
    fine = np.array(data.draw(st.lists(st.integers(0, fine_groups - 1), min_size=len(obs), max_size=len(obs))),
                    dtype=np.int64)
    order = np.argsort(obs, kind="stable")  # as the engine sorts a measure's observations once
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aggregate, "RADIX_GROUPS", radix_groups)
        got = index.quantile(fine[order], obs[order], q)
        # the engine's way: each group's observations given, summed from the fine groups' (float64)
        counts = index.sum(np.bincount(fine, minlength=fine_groups).astype("float64"))
        given_counts = index.quantile(fine[order], obs[order], q, counts)
    assert _bits(got) == _bits(_reference(index, fine[order], obs[order], q)) == _bits(given_counts)


def test_zero_signs_keep_their_order_in_each_group():
    index = _index([0], [0])
    obs = np.array([-0.0, 0.0, 0.0, -0.0])  # sorted stably: equal values in row order
    assert _bits(index.quantile(np.zeros(4, dtype=np.int64), obs, 0.0)) == [(-0.0).hex()]
    assert _bits(index.quantile(np.zeros(4, dtype=np.int64), obs, 1.0)) == [(-0.0).hex()]
    assert _bits(index.quantile(np.zeros(4, dtype=np.int64), obs[::-1].copy(), 0.0)) == [(-0.0).hex()]
    assert _bits(index.quantile(np.zeros(4, dtype=np.int64), np.array([0.0, -0.0]), 0.0)) == [(0.0).hex()]


def test_hand_computed_with_rows_outside_every_group():
    # fine 0: group (p0, e0); fine 1: period outside; fine 2: group (p0, e1)
    index = _index([0, -1, 0], [0, 0, 1])
    fine = np.array([1, 0, 2, 0, 1, 0, 0])
    obs = np.array([1.0, 8.0, 9.0, 22.0, 30.0, 45.0, 50.0])
    # group e0: 8, 22, 45, 50 -> p90 at h = 2.7: 45 + 5 * 0.7; group e1: 9 alone
    assert index.quantile(fine, obs, 0.9).tolist() == [45 + (50 - 45) * 0.7, 9.0]
    assert np.isnan(index.quantile(fine[:0], obs[:0], 0.9)).all()


def test_many_groups():
    size = 70_000
    rng = np.random.default_rng(3)
    fine = rng.integers(0, size, 200_000)
    obs = np.sort(rng.integers(-20, 20, 200_000).astype("float64"))
    index = _index([0] * size, list(range(size)))
    got, expected = index.quantile(fine, obs, 0.5), _reference(index, fine, obs, 0.5)
    assert _bits(got) == _bits(expected)


@pytest.mark.parametrize("size", [aggregate.RADIX_GROUPS - 2, aggregate.RADIX_GROUPS - 1, aggregate.RADIX_GROUPS])
def test_the_groups_around_the_radix_limit(size):
    """65,534 groups (65,535 slots: the last radix case), 65,535 and 65,536 (the int64 keys), with
    fine groups outside every group."""
    rng = np.random.default_rng(size)
    fine_size = size + 3
    periods = np.zeros(fine_size, dtype=np.int32)
    periods[-3:] = -1  # three fine groups in no asked period
    index = GroupIndex(Codes(periods, np.array(["p0"], dtype=object)),
                       Codes(np.arange(fine_size, dtype=np.int32) % size, np.arange(size).astype(str).astype(object)))
    assert index.size == size
    fine = rng.integers(0, fine_size, 200_000)
    obs = np.sort(rng.integers(0, 40, 200_000).astype("float64"), kind="stable")
    fine = fine[np.argsort(rng.random(200_000), kind="stable")]  # any fine groups, values ascending
    assert _bits(index.quantile(fine, obs, 0.9)) == _bits(_reference(index, fine, obs, 0.9))
