"""Ids all set and distinct (the usual table) are told apart by their dense rank, without the sort
and sorted copy that locate repeats; a repeat or an empty id still goes through the sort."""

import pandas as pd
import pyarrow.compute as pc

from scorecard.data import quality
from scorecard.data.readers import SOURCE_ROW


def _frame(ids):
    return pd.DataFrame({"interaction_id": pd.array(ids, dtype="string"), SOURCE_ROW: range(2, len(ids) + 2)})


def test_distinct_ids_skip_the_sort_and_repeats_do_not(monkeypatch):
    sorts = []
    sort = pc.array_sort_indices
    monkeypatch.setattr(quality.pc, "array_sort_indices", lambda values: sorts.append(len(values)) or sort(values))
    frame = _frame(["b", "a", "c"])
    dup, first = quality._earlier_text(frame, frame["interaction_id"].array)
    assert dup.tolist() == [False] * 3 and first.empty and sorts == []
    frame = _frame(["b", "a", "b", None])
    dup, first = quality._earlier_text(frame, frame["interaction_id"].array)
    assert dup.tolist() == [False, False, True, False] and first.tolist() == [2] and sorts == [4]
    frame = _frame(["b", "a", None])  # no repeat, but an empty id: the sort decides (nulls are not ranked apart)
    dup, _ = quality._earlier_text(frame, frame["interaction_id"].array)
    assert not dup.any() and sorts == [4, 3]
