"""A Parquet file read column by column (parquet.ParquetColumns) gives the frame the whole-file read
gave, and the conversion reads each column only when a rule needs it, so the raw table is never held
whole beside the typed one."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import parse
from scorecard.data.convert import convert_table
from scorecard.data.mapping import ColumnRule, TableMapping
from scorecard.data.parquet import ParquetColumns
from scorecard.data.raw import SOURCE_ROW, string_mapper
from scorecard.data.readers import read_table
from scorecard.data.schema import TABLES
from scorecard.errors import DataError


def _whole_file(path) -> pd.DataFrame:
    """The reading before this change: the whole table at once, pandas index dropped; timestamps of
    another unit at nanoseconds by pandas when they fit (the column reader casts them with Arrow)."""
    table = pq.read_table(path)
    frame = table.to_pandas(types_mapper=string_mapper, self_destruct=True, split_blocks=True)
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]) and frame[name].dt.unit != "ns":
            try:
                frame[name] = frame[name].dt.as_unit("ns")
            except pd.errors.OutOfBoundsDatetime:
                pass
    frame[SOURCE_ROW] = np.arange(2, len(frame) + 2, dtype="int64")
    return frame


texts = st.one_of(st.none(), st.text(alphabet="ab ,é1:-", max_size=6))
columns = st.sampled_from(["int", "Int64", "float", "text", "string", "stamp", "bool", "boolean", "category"])


def _column(kind: str, draw_values: list) -> pd.Series:
    n = len(draw_values)
    ints = [len(v or "") for v in draw_values]
    if kind == "int":
        return pd.Series(ints, dtype="int64")
    if kind == "Int64":
        return pd.Series([None if v is None else i for v, i in zip(draw_values, ints)], dtype="Int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else i / 3 for v, i in zip(draw_values, ints)])
    if kind == "stamp":
        return pd.Series(pd.date_range("2026-03-29", periods=n, freq="37min", tz="Europe/Paris"))
    if kind == "bool":
        return pd.Series([i % 2 == 0 for i in ints])
    if kind == "boolean":
        return pd.Series([None if v is None else i % 2 == 0 for v, i in zip(draw_values, ints)], dtype="boolean")
    if kind == "category":
        return pd.Series(draw_values, dtype="category")
    return pd.Series(draw_values, dtype="string" if kind == "string" else object)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(texts, min_size=0, max_size=12), kinds=st.lists(columns, min_size=1, max_size=5),
       index=st.sampled_from([None, "range", "labels", "named"]))
def test_column_by_column_equals_the_whole_file(tmp_path_factory, values, kinds, index):
    frame = pd.DataFrame({f"{k}_{i}": _column(k, values) for i, k in enumerate(kinds)})
    if index == "labels":
        frame.index = [f"r{i}" for i in range(len(frame))]
    elif index == "named":
        frame.index = pd.Index(range(10, 10 + len(frame)), name="row_id")
    path = tmp_path_factory.mktemp("pq") / "interactions.parquet"
    frame.to_parquet(path, index=None if index == "range" else index is not None)
    expected = _whole_file(path)
    pd.testing.assert_frame_equal(read_table(path).frame, expected)
    columns = ParquetColumns(path)
    assert columns.names == [c for c in expected.columns if c != SOURCE_ROW]
    for name in columns.names:
        pd.testing.assert_series_equal(columns.read(name), expected[name])
    pd.testing.assert_frame_equal(columns.rows(), expected[[SOURCE_ROW]])


def test_a_file_column_named_source_row_is_replaced_by_the_record_numbers(tmp_path):
    pq.write_table(pa.table({"interaction_id": ["a", "b"], SOURCE_ROW: [7, 7]}), tmp_path / "x.parquet")
    raw = read_table(tmp_path / "x.parquet", on_demand=True)
    assert raw.unread is not None and raw.unread.names == ["interaction_id"]
    assert raw.frame[SOURCE_ROW].tolist() == [2, 3]


def _export(tmp_path):
    frame = pd.DataFrame({"Ticket": ["T1", "T2", None], "When": ["2026-03-01 10:00", "2026-07-02 11:30", "later"],
                          "channel": ["Email", " chat", "voice"], "note": ["x", "y", "z"], "unused": [1, 2, 3]})
    path = tmp_path / "interactions.parquet"
    frame.to_parquet(path, index=False)
    mapping = TableMapping("interactions", columns={
        "interaction_id": ColumnRule("interaction_id", source="Ticket"),
        "created_at": ColumnRule("created_at", source="When"),
        "first_response_at": ColumnRule("first_response_at", source="When")})
    return path, mapping


def test_the_conversion_reads_a_column_when_a_rule_needs_it_and_gives_the_eager_result(tmp_path, monkeypatch):
    path, mapping = _export(tmp_path)
    eager = convert_table(read_table(path).frame, TABLES["interactions"], mapping, timezone="Europe/Paris",
                          file="x")
    raw = read_table(path, on_demand=True)
    assert list(raw.frame.columns) == [SOURCE_ROW]
    held: list[list[str]] = []  # the raw columns held each time another one is read
    read = ParquetColumns.read

    def spy(self, name, **options):
        held.append([c for c in raw.frame.columns if c != SOURCE_ROW])
        return read(self, name, **options)

    monkeypatch.setattr(ParquetColumns, "read", spy)
    lazy = convert_table(raw.frame, TABLES["interactions"], mapping, timezone="Europe/Paris", file="x",
                         unread=raw.unread)
    pd.testing.assert_frame_equal(lazy[0], eager[0])
    assert [list(i["row"]) for i in lazy[1]] == [list(i["row"]) for i in eager[1]] == [[4], [4]]
    assert lazy[2].keys() == eager[2].keys()
    # each column read once, after the previous one was typed and freed: one raw column at a time
    assert len(held) == 5 and all(h == [] for h in held)
    assert list(lazy[0].columns)[-3:] == ["note", "unused", SOURCE_ROW]


def test_a_mapping_naming_an_absent_column_lists_the_file_columns(tmp_path):
    path, _ = _export(tmp_path)
    raw = read_table(path, on_demand=True)
    mapping = TableMapping("interactions", columns={"interaction_id": ColumnRule("interaction_id", source="Id")})
    with pytest.raises(DataError) as err:
        convert_table(raw.frame, TABLES["interactions"], mapping, timezone="UTC", file="x", unread=raw.unread)
    assert err.value.problems[0].hint == "columns in the file: Ticket, When, channel, note, unused"


def test_timestamps_of_another_unit_are_read_at_nanoseconds_when_they_fit(tmp_path):
    """Parquet's usual microseconds (and milliseconds) come as nanoseconds, the unit the conversion
    types them to, with the same instants; a column with an instant outside nanoseconds' range
    stays at its unit, so the conversion reports that cell as unreadable as before."""
    stamps = pa.array([1_774_746_000_000_000, None, 0], pa.timestamp("us", "Europe/Paris"))
    table = pa.table({"created_at": stamps, "naive_ms": pa.array([1, None, 2], pa.timestamp("ms")),
                      "far": pa.array([253_402_214_400_000_000, 0, None], pa.timestamp("us", "UTC"))})  # 9999-12-31
    pq.write_table(table, tmp_path / "t.parquet")
    columns, whole = ParquetColumns(tmp_path / "t.parquet"), pq.read_table(tmp_path / "t.parquet").to_pandas()
    created, naive, far = (columns.read(c) for c in ("created_at", "naive_ms", "far"))
    assert str(created.dtype) == "datetime64[ns, Europe/Paris]" and str(naive.dtype) == "datetime64[ns]"
    assert created.tolist() == whole["created_at"].tolist() and naive.tolist() == whole["naive_ms"].tolist()
    assert created.iloc[0] == pd.Timestamp("2026-03-29 01:00", tz="UTC")
    pd.testing.assert_series_equal(far, whole["far"])  # still microseconds
    fitted = parse._fit_ns(far)
    assert fitted.isna().tolist() == [True, False, True]
