"""FineIndex counts a recurring 0/1 column once and GroupIndex sums such a count once (aggregate.py):
whatever the order and repetition of the columns, every sum equals a fresh count of its own column."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis import aggregate
from scorecard.kpis.aggregate import COUNTS_KEPT, Codes, FineIndex, GroupIndex


def _indexes(rows: int) -> tuple[FineIndex, GroupIndex]:
    rng = np.random.default_rng(rows)
    month = Codes(rng.integers(0, 2, rows).astype(np.int32), np.array(["2026-01", "2026-02"], dtype=object))
    agent = Codes(rng.integers(-1, 3, rows).astype(np.int32), np.array(["a", "b", "c"], dtype=object))
    fine = FineIndex(rows, [month, agent])
    return fine, GroupIndex(month.take(fine.first_row), agent.take(fine.first_row))


@settings(max_examples=60)
@given(st.data())
def test_each_sum_is_the_count_of_its_own_column(data):
    rows = data.draw(st.integers(1, 40))
    fine, index = _indexes(rows)
    pool = data.draw(st.lists(st.lists(st.booleans(), min_size=rows, max_size=rows), min_size=1, max_size=4))
    picks = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=3 * COUNTS_KEPT))
    for pick in picks:
        mask = np.array(pool[pick])
        expected = np.bincount(fine.codes[mask], minlength=fine.size).astype("float64")
        counts = fine.sum(mask)
        assert np.array_equal(counts, expected)
        assert np.array_equal(index.sum(counts), np.bincount(
            index.fine_to_group[fine.codes[mask & (index.fine_to_group[fine.codes] >= 0)]],
            minlength=index.size).astype("float64"))


def test_a_recurring_column_is_counted_and_summed_once():
    fine, index = _indexes(50)
    mask = np.arange(50) % 3 == 0
    first = fine.sum(mask)
    assert fine.sum(mask.copy()) is first  # another array, the same bits
    assert index.sum(first) is index.sum(fine.sum(mask))
    assert fine.sum(~mask) is not first
    assert not first.flags.writeable and not index.sum(first).flags.writeable
    for k in range(COUNTS_KEPT):  # older counts make way
        fine.sum(np.arange(50) % (k + 5) == 1)
    assert fine.sum(mask) is not first and np.array_equal(fine.sum(mask), first)


def test_numbers_and_subsets_are_not_kept():
    fine, index = _indexes(30)
    values = np.arange(30, dtype="float64")
    assert fine.sum(values) is not fine.sum(values)
    rows = np.flatnonzero(values > 10)
    mask = values[rows] < 20
    assert fine.sum(mask, fine.codes[rows]).flags.writeable
    sums = fine.sum(values)
    assert index.sum(sums) is not index.sum(sums)


def test_a_count_by_slices_of_rows_is_the_whole_count(monkeypatch):
    fine, _ = _indexes(50)
    mask = np.arange(50) % 4 != 1
    whole = fine.sum(mask)
    monkeypatch.setattr(aggregate, "COUNT_ROWS", 7)  # 8 slices, the last of 1 row
    fine, _ = _indexes(50)
    sliced = fine.sum(mask)
    assert np.array_equal(sliced, whole) and np.array_equal(sliced, np.bincount(fine.codes[mask], minlength=fine.size))
    assert sliced.dtype == np.uint8
