"""A Parquet text column stored as dictionary codes is read as a Categorical for the conversions
(parquet.ParquetColumns.read(coded=True)), which clean each distinct value once: the typed frame, the
report and the unparseable cells must be those of the plain read, whatever the column holds."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import parse
from scorecard.data.convert import convert_table
from scorecard.data.mapping import ColumnRule, TableMapping
from scorecard.data.parquet import ParquetColumns
from scorecard.data.readers import read_table
from scorecard.data.schema import TABLES

# cells as exports write them: padded, empty, blank, non-breaking and ideographic spaces, cases, markers
_LABELS = st.sampled_from(["voice", " Chat ", "EMAIL", "", "  ", "\u00a0voice", "chat\u3000", "a1", "-", None])
_STAMPS = st.sampled_from(["2026-03-01 10:00", " 2026-03-29 02:30 ", "2026-07-02T11:30+02:00", "later", "", None])
_NUMBERS = st.sampled_from(["12", " 7.5", "-3", "1e400", "n/a", "", None])
_FLAGS = st.sampled_from(["yes", " N ", "TRUE", "0", "maybe", "", None])


def _rows(draw_list: list[tuple]) -> pd.DataFrame:
    ids, channels, stamps, numbers, flags, teams = zip(*draw_list)
    return pd.DataFrame({"Id": pd.array(ids, dtype="string"), "channel": pd.array(channels, dtype="string"),
                         "When": pd.array(stamps, dtype="string"), "Handle": pd.array(numbers, dtype="string"),
                         "Lost": pd.array(flags, dtype="string"), "team_id": pd.array(teams, dtype="string")})


_MAPPING = TableMapping("interactions", columns={
    "interaction_id": ColumnRule("interaction_id", source="Id"),
    "created_at": ColumnRule("created_at", source="When"),
    "handle_time_s": ColumnRule("handle_time_s", source="Handle", missing=("-",)),
    "abandoned": ColumnRule("abandoned", source="Lost", values={"maybe": "no"}),
    "agent_id": ColumnRule("agent_id", join=("team_id", "channel"), sep="/")})


def _convert(path, *, coded: set[str] | None):
    raw = read_table(path, on_demand=True)
    assert raw.unread is not None
    if coded is not None:
        object.__setattr__(raw.unread, "coded", frozenset(coded))  # force a read mode: speed only, same values
    return convert_table(raw.frame, TABLES["interactions"], _MAPPING, timezone="Europe/Paris", file="x",
                         unread=raw.unread)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(st.text(alphabet="ab 1", max_size=4), _LABELS, _STAMPS, _NUMBERS, _FLAGS, _LABELS),
                     min_size=1, max_size=30),
       dictionary=st.booleans(), group=st.sampled_from([1, 4, 1000]))
def test_a_dictionary_read_converts_like_the_plain_read(tmp_path_factory, rows, dictionary, group):
    path = tmp_path_factory.mktemp("pq") / "interactions.parquet"
    pq.write_table(pa.Table.from_pandas(_rows(rows), preserve_index=False), path, use_dictionary=dictionary,
                   row_group_size=group)
    names = {"Id", "channel", "When", "Handle", "Lost", "team_id"}
    plain, coded = _convert(path, coded=set()), _convert(path, coded=names)
    pd.testing.assert_frame_equal(coded[0], plain[0])
    assert [i.to_dict("list") for i in coded[1]] == [i.to_dict("list") for i in plain[1]]
    assert coded[2].keys() == plain[2].keys()
    for column, bad in plain[2].items():
        pd.testing.assert_series_equal(coded[2][column], bad)
    assert plain[0]["channel"].dtype.categories.dtype == "string"  # a label: codes over "string" categories


def test_only_text_columns_written_as_codes_are_read_as_codes(tmp_path):
    n = 1000
    frame = pd.DataFrame({"channel": ["voice", "chat"] * (n // 2), "interaction_id": [f"id-{i:06d}" for i in range(n)],
                          "csat": [float(i % 5) for i in range(n)]})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "a.parquet")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "b.parquet", use_dictionary=False)
    assert ParquetColumns(tmp_path / "a.parquet").coded == {"channel"}  # ids: plain pages past the dictionary
    assert ParquetColumns(tmp_path / "b.parquet").coded == frozenset()  # "voice" written plain: 9 bytes a row
    columns = ParquetColumns(tmp_path / "a.parquet")
    codes, text = columns.read("channel", coded=True), columns.read("channel")
    assert isinstance(codes.dtype, pd.CategoricalDtype) and text.dtype == "string"
    assert codes.astype(object).tolist() == text.astype(object).tolist()
    assert columns.read("interaction_id", coded=True).dtype == "string"
    # extras (columns no rule converts) keep the plain read's dtype: convert_table reads them uncoded
    assert columns.read("channel").dtype == "string"


@settings(max_examples=100, deadline=None)
@given(values=st.lists(_LABELS, max_size=25))
def test_labels_from_codes_equal_labels_from_text(values):
    text = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    codes = text.astype("category")
    pd.testing.assert_series_equal(parse.to_label(codes), parse.to_label(text))
