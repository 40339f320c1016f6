"""The engine's pieces that work a slice of rows at a time (repeat contacts' first successors, the
quantile keys' positions) give the whole-array results at any slice size, and a group index's sums
drop the fine groups inside no group (its spill slot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis import aggregate, repeat
from scorecard.kpis.aggregate import Codes, GroupIndex
from test_kpis_quantile_keys import _bits, _index, _reference, values
from test_kpis_repeat_property import DAY, brute_force, contacts


@settings(max_examples=200, deadline=None)
@given(contacts, st.sampled_from([0, DAY, 3 * DAY]), st.integers(1, 5))
def test_repeat_flags_by_chunks_match_the_definition(rows, window, chunk):
    df = pd.DataFrame({
        "created_at": pd.to_datetime([t for _, t, _ in rows], unit="s", utc=True),
        "customer_id": pd.array([c for c, _, _ in rows], dtype="string"),
        "reason": pd.array([r for _, _, r in rows], dtype="string"),
    })
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(repeat, "CHUNK_ROWS", chunk)
        repeated, window_open = repeat.repeat_flags(df, float(window))
    assert list(repeated) == brute_force(rows, window)
    latest = max((t for _, t, _ in rows), default=0)
    assert list(window_open) == [c is not None and t + window > latest for c, t, _ in rows]


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 8), st.sampled_from([0.0, 0.5, 0.9, 1.0]), st.integers(1, 7))
def test_quantile_positions_by_slices(data, fine_groups, q, at_once):
    periods = data.draw(st.lists(st.integers(-1, 1), min_size=fine_groups, max_size=fine_groups))
    entities = data.draw(st.lists(st.integers(-1, 2), min_size=fine_groups, max_size=fine_groups))
    index = _index(periods, entities)
    obs = np.sort(np.array(data.draw(st.lists(values, max_size=40)), dtype="float64"), kind="stable")
    fine = np.array(data.draw(st.lists(st.integers(0, fine_groups - 1), min_size=len(obs), max_size=len(obs))),
                    dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aggregate, "POSITIONS_AT_ONCE", at_once)
        patch.setattr(aggregate, "RADIX_GROUPS", 1)  # the int64 keys' path, which adds the positions
        got = index.quantile(fine, obs, q)
    assert _bits(got) == _bits(_reference(index, fine, obs, q))


def test_sums_leave_out_the_fine_groups_inside_no_group():
    # fine groups: 0 -> (p0, e0), 1 -> no period, 2 -> (p0, e1), 3 -> no entity, 4 -> (p0, e0)
    index = GroupIndex(Codes(np.array([0, -1, 0, 0, 0], dtype=np.int32), np.array(["2026-01"], dtype=object)),
                       Codes(np.array([0, 0, 1, -1, 0], dtype=np.int32), np.array(["a", "b"], dtype=object)))
    sums = index.sum(np.array([1.0, 100.0, 2.0, np.nan, 4.0]))
    assert index.size == 2 and sums.tolist() == [5.0, 2.0]
    assert index.fine_to_group.tolist() == [0, -1, 1, -1, 0]
    everywhere = GroupIndex(Codes(np.zeros(3, dtype=np.int32), np.array(["2026-01"], dtype=object)),
                            Codes(np.array([1, 0, 1], dtype=np.int32), np.array(["a", "b"], dtype=object)))
    assert everywhere.sum(np.array([1.0, 2.0, 4.0])).tolist() == [5.0, 2.0]
