"""quarantine removes bad rows one column at a time, releasing each column of the typed frame once
copied (a table with one bad row is not held twice): clean rows, report and cleared cells must be
those of the whole-table filter it replaced, kept here as the reference."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import quality
from scorecard.data.readers import SOURCE_ROW
from scorecard.data.schema import TABLES

SPEC = TABLES["interactions"]


def _old_quarantine(frame, spec, issues):
    """The code before: one boolean filter of the whole frame."""
    issues = [i for i in issues if len(i)]
    if not issues:
        return frame.reset_index(drop=True), quality.empty_report(), None
    found = pd.concat(issues, ignore_index=True)
    by_column = found["action"] == quality.BY_COLUMN
    found.loc[by_column, "action"] = np.where(found.loc[by_column, "column"].isin(spec.required),
                                              quality.QUARANTINED, quality.CLEARED)
    removed = pd.Index(found.loc[found["action"] == quality.QUARANTINED, "row"].unique())
    found.loc[found["row"].isin(removed), "action"] = quality.QUARANTINED
    found["table"] = spec.name
    report = found.sort_values("row", kind="stable")[quality.COLUMNS].reset_index(drop=True)
    report["row"] = report["row"].astype("int64")
    clean = (frame[~frame[SOURCE_ROW].isin(removed)] if len(removed) else frame).reset_index(drop=True)
    return clean, report, quality._clear(clean, found[found["action"] == quality.CLEARED])


def _frame(n: int) -> pd.DataFrame:
    i = np.arange(n)
    return pd.DataFrame({
        "interaction_id": pd.array([f"id{k}" if k % 5 else None for k in i], dtype="string"),
        "created_at": pd.Series(pd.to_datetime(i * 3600, unit="s", utc=True)).astype("datetime64[ns, UTC]"),
        "handle_time_s": np.where(i % 3 == 0, np.nan, i * 1.5),
        "abandoned": pd.array([None if k % 4 == 0 else k % 2 == 0 for k in i], dtype="boolean"),
        "note": pd.Series([f"n{k}" for k in i], dtype=object),
        SOURCE_ROW: (i + 2).astype("int64")}, index=pd.RangeIndex(n))


_ISSUE = st.tuples(st.integers(0, 11), st.sampled_from(["interaction_id", "handle_time_s", "abandoned", "created_at"]),
                   st.sampled_from([quality.BY_COLUMN, quality.QUARANTINED, quality.CLEARED, quality.WARNING]))


@settings(max_examples=150, deadline=None)
@given(n=st.integers(0, 12), found=st.lists(_ISSUE, max_size=8))
def test_quarantine_column_by_column_equals_the_whole_table_filter(n, found):
    rows = [(r + 2, c, a) for r, c, a in found if r < n]
    issues = [pd.DataFrame({"row": [r], "column": [c], "problem": [f"bad {c}"], "action": [a]}) for r, c, a in rows]
    old = _old_quarantine(_frame(n), SPEC, [i.copy() for i in issues])
    new = quality.quarantine(_frame(n), SPEC, [i.copy() for i in issues])
    pd.testing.assert_frame_equal(new[0], old[0])
    pd.testing.assert_frame_equal(new[1], old[1])
    assert (new[2] is None) == (old[2] is None)
    if old[2] is not None:
        pd.testing.assert_frame_equal(new[2], old[2])


def test_the_typed_frame_is_released_column_by_column():
    frame = _frame(6)
    issue = pd.DataFrame({"row": [3], "column": ["interaction_id"], "problem": ["duplicate"],
                          "action": [quality.QUARANTINED]})
    clean, report, cleared = quality.quarantine(frame, SPEC, [issue])
    assert clean[SOURCE_ROW].tolist() == [2, 4, 5, 6, 7] and report["row"].tolist() == [3] and cleared is None
    assert list(frame.columns) == []  # every column handed over: the input is not held beside the clean rows
