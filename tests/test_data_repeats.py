"""Repeated ids found by one Arrow sort (quality._earlier_text) are the rows and first rows pandas'
duplicated finds (quality._earlier, still the reading of several keys)."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data.quality import _earlier, _earlier_text, _repeats
from scorecard.data.readers import SOURCE_ROW

TEXT = pd.StringDtype("pyarrow")


def _frame(ids: list, start: int = 2) -> pd.DataFrame:
    return pd.DataFrame({"interaction_id": pd.array(ids, dtype=TEXT),
                         SOURCE_ROW: list(range(start, start + len(ids)))})


def test_each_repeat_names_the_first_row_of_its_id():
    frame = _frame(["A", "B", None, "A", "C", "B", None, "A", "a"])
    found = _repeats(frame, ["interaction_id"], "interaction_id",
                     lambda d, first: d["interaction_id"] + "@" + first)
    # rows 5 and 9 repeat A (first on row 2), row 7 repeats B (row 3); empty ids and "a" are not repeats
    assert found[["row", "problem", "action"]].values.tolist() == [[5, "A@2", "quarantined"],
                                                                   [7, "B@3", "quarantined"],
                                                                   [9, "A@2", "quarantined"]]


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.one_of(st.none(), st.sampled_from(["", "A", "a", "A ", "é", "1", "01", "Z" * 30])),
                    max_size=60),
       start=st.integers(2, 5), shuffled=st.booleans())
def test_the_arrow_sort_finds_what_pandas_finds(ids, start, shuffled):
    frame = _frame(ids, start)
    if shuffled:  # rows already reordered (a clean frame keeps its labels): labels are not positions
        frame.index = list(reversed(range(len(frame))))
    dup, first = _earlier_text(frame, frame["interaction_id"].array)
    old_dup, old_first = _earlier(frame, ["interaction_id"])
    pd.testing.assert_series_equal(dup, old_dup, check_names=False)
    assert first.index.tolist() == old_first.index.tolist()
    assert first.tolist() == old_first.tolist()


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.sampled_from(["", "A", "A ", "B", "a", "é", "01", "1"]), max_size=30),
       descending=st.booleans())
def test_ids_in_sorted_order_are_told_as_pandas_tells_them(ids, descending):
    """Ids sorted as an export sorted by id writes them (ties possible): distinct only if each is above
    the one before it; any tie is found with its first row."""
    frame = _frame(sorted(ids, reverse=descending))
    dup, first = _earlier_text(frame, frame["interaction_id"].array)
    old_dup, old_first = _earlier(frame, ["interaction_id"])
    pd.testing.assert_series_equal(dup, old_dup, check_names=False)
    assert first.tolist() == old_first.tolist()
