"""Memory savings of the data path and the engine that must not change a value: an export column
freed once converted (read twice by a mapping, it is still there for the second rule), and the
channels held as one shared str per distinct value instead of one str per row."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scorecard.data.convert import convert_table
from scorecard.data.mapping import ColumnRule, TableMapping
from scorecard.data.quality import _orders
from scorecard.data.readers import SOURCE_ROW
from scorecard.data.schema import TABLES
from scorecard.kpis.derive import _lower_codes


def _raw() -> pd.DataFrame:
    text = pd.StringDtype("pyarrow")
    return pd.DataFrame({"Ticket": pd.array(["T1", "T2", "T3"], dtype=text),
                         "When": pd.array(["2026-03-01 10:00", "2026-07-02 11:30", "later"], dtype=text),
                         "Kanal": pd.array(["Email", " chat", None], dtype=text),
                         "note": pd.array(["x", "y", "z"], dtype=text), SOURCE_ROW: [2, 3, 4]})


def test_a_column_read_by_two_rules_feeds_both_and_only_unread_columns_stay_in_the_raw_frame():
    raw = _raw()
    mapping = TableMapping("interactions", columns={
        "interaction_id": ColumnRule("interaction_id", source="Ticket"),
        "created_at": ColumnRule("created_at", source="When"),
        "first_response_at": ColumnRule("first_response_at", source="When"),
        "channel": ColumnRule("channel", source="Kanal")})
    frame, issues, bad = convert_table(raw, TABLES["interactions"], mapping, timezone="Europe/Paris", file="t.csv")
    # 10:00 in Paris is 09:00 UTC in winter, 11:30 is 09:30 UTC in summer; "later" is not a time
    expected = pd.Series(pd.to_datetime(["2026-03-01 09:00", "2026-07-02 09:30", None]).tz_localize("UTC")).astype(
        "datetime64[ns, UTC]")
    for column in ("created_at", "first_response_at"):
        pd.testing.assert_series_equal(frame[column], expected, check_names=False)
        assert bad[column].tolist() == [False, False, True]
    assert frame["channel"].tolist() == ["email", "chat", pd.NA]
    assert frame["note"].tolist() == ["x", "y", "z"]  # an extra column, kept as the export wrote it
    assert frame[SOURCE_ROW].tolist() == [2, 3, 4]
    assert [list(i["row"]) for i in issues] == [[4], [4]]  # the bad cell reported once per column
    assert list(raw.columns) == ["note", SOURCE_ROW]  # what was converted is no longer held twice


def test_columns_read_by_their_own_name_are_freed_too():
    raw = _raw().rename(columns={"Ticket": "interaction_id", "When": "created_at", "Kanal": "channel"})
    frame, _, _ = convert_table(raw, TABLES["interactions"], None, timezone="UTC", file="t.csv")
    assert frame["interaction_id"].tolist() == ["T1", "T2", "T3"]
    assert list(raw.columns) == ["note", SOURCE_ROW]


labels = st.lists(st.one_of(st.none(), st.sampled_from(["Voice", "voice", "EMAIL", "chat", "Émail", "self_service",
                                                          "", "ß"])), max_size=40)


@given(labels)
def test_lower_labels_are_the_per_row_strings_with_one_object_per_distinct_value(values):
    column = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    old = column.astype("string").str.lower().fillna("").to_numpy(dtype=object)
    codes, labels = _lower_codes(column)
    new = labels[codes]
    assert new.dtype == object and new.tolist() == old.tolist()
    assert len({id(v) for v in new}) == len(set(old))
    assert np.array_equal(np.isin(new, ["voice", "chat"]), np.isin(old, ["voice", "chat"]))



def test_a_wait_end_is_late_only_beyond_seven_days_to_the_nanosecond():
    created = pd.Series(pd.to_datetime(["2026-03-01 10:00"] * 3).tz_localize("UTC")).astype("datetime64[ns, UTC]")
    week = pd.Timedelta(days=7)
    frame = pd.DataFrame({"created_at": created, "answered_at": created + pd.Series([week, week + pd.Timedelta(1),
                                                                                     pd.NaT]),
                          SOURCE_ROW: [2, 3, 4]})
    found = pd.concat(_orders(frame, "UTC"))
    assert found[["row", "column"]].values.tolist() == [[3, "answered_at"]]
    assert found["problem"].iloc[0] == ("answered_at 2026-03-08 10:00:00 is more than 7 days after created_at "
                                        "2026-03-01 10:00:00")
