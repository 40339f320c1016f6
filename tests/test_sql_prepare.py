"""The SQL engines' input tables (kpis/sql/prepare.py), built as Arrow: each row's local month key
placed by binary search among the months' first instants must be the month pandas' tz_convert
gives (kpis/periods.local_months, the pandas engine's reading), in zones whose clocks skip or
repeat midnight; epoch nanoseconds whatever the timestamps' unit; codes that partition like the text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis.sql.prepare import code_column, month_keys, prepare
from scorecard.periods import local_months

# Havana and Santiago change their clocks at midnight (skipped in spring, repeated in autumn),
# Lord Howe by 30 minutes, Kathmandu is +05:45, Apia skipped a whole day (2011-12-30)
ZONES = ["Europe/Paris", "America/Havana", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu",
         "Pacific/Apia", "UTC"]
LO, HI = pd.Timestamp("2010-01-01", tz="UTC").value, pd.Timestamp("2030-12-31", tz="UTC").value
# instants near local month boundaries, where an off-by-one-month would show
NEAR = [pd.Timestamp(f"{y}-{m:02d}-01", tz="UTC").value for y in (2011, 2012, 2026) for m in range(1, 13)]


def instants():
    anywhere = st.integers(LO, HI)
    near = st.tuples(st.sampled_from(NEAR), st.integers(-3 * 86400, 3 * 86400)).map(lambda t: t[0] + t[1] * 10**9)
    return st.lists(st.one_of(anywhere, near, st.none()), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(values=instants(), zone=st.sampled_from(ZONES))
def test_month_keys_are_the_local_months_of_pandas(values, zone):
    ts = pd.Series(pd.to_datetime([v for v in values], utc=True))  # None -> NaT
    expected = local_months(ts, zone)
    keys = month_keys(pa.array([v for v in values], pa.int64()), zone).to_pylist()
    assert keys == [None if pd.isna(m) else int(m[:4]) * 100 + int(m[5:]) for m in expected]


@settings(max_examples=50, deadline=None)
@given(values=instants(), unit=st.sampled_from(["s", "ms", "us", "ns"]))
def test_timestamps_become_epoch_nanoseconds_in_any_unit(values, unit):
    whole = [None if v is None else v // 10**9 * 10**9 for v in values]  # representable in every unit
    ts = pd.Series(pd.to_datetime(whole, utc=True)).astype(f"datetime64[{unit}, UTC]")
    table, _ = prepare(pd.DataFrame({"created_at": ts}), "Europe/Paris", "created_at")
    assert table.column("created_at").to_pylist() == whole
    assert table.column("_row").to_pylist() == list(range(len(whole)))


def test_codes_partition_like_the_text_and_keep_missing_values_missing():
    frame = pd.DataFrame({"customer_id": pd.array(["b", "a", None, "b", "A"], dtype="string"),
                          "reason": ["x", None, "y", "x", "y"],  # object: made text first
                          "created_at": pd.to_datetime(["2026-03-01"] * 5, utc=True)})
    table, codebooks = prepare(frame, "Europe/Paris", "created_at", named=["reason"])
    customers = table.column(code_column("customer_id")).to_pylist()
    assert customers[2] is None and customers[0] == customers[3] and len({customers[i] for i in (0, 1, 4)}) == 3
    assert table.column(code_column("reason")).to_pylist() == [0, None, 1, 0, 1]
    assert list(codebooks) == ["reason"]  # the customers are coded, not named
    assert codebooks["reason"].tolist() == ["x", "y"]
    assert table.column("_month").to_pylist() == [202603] * 5


def test_integer_customer_codes_are_their_own_codes():
    """The loader's customer_id as nullable Int32 codes (equal ids, equal codes): kept as they are."""
    frame = pd.DataFrame({"customer_id": pd.array([7, 3, None, 7], dtype="Int32"),
                          "created_at": pd.to_datetime(["2026-03-01"] * 4, utc=True)})
    table, codebooks = prepare(frame, "Europe/Paris", "created_at")
    assert table.column(code_column("customer_id")).to_pylist() == [7, 3, None, 7]
    assert codebooks == {}


def test_a_table_without_its_date_column_has_no_month():
    table, _ = prepare(pd.DataFrame({"amount": [1.0, np.nan]}), "Europe/Paris", "created_at")
    assert table.column("_month").to_pylist() == [None, None]
    assert table.column("amount").to_pylist() == [1.0, None]  # NaN is missing, as pandas reads it


def test_a_narrowed_float32_column_is_shared_with_the_frame_and_read_as_double():
    """The loader's float32 column (data/schema.py) is not copied to float64 (150 MB at 5 M rows):
    DuckDB reads it through a view as DOUBLE, so x * 60 is the pandas engine's float64 arithmetic
    (in float32, 16777217 would round), before and after the repeat columns are appended."""
    from scorecard.kpis.sql.backend import DuckDBBackend

    handle = np.array([16777216.0, np.nan, 0.5], dtype=np.float32)
    frame = pd.DataFrame({"handle_time_s": handle, "created_at": pd.to_datetime(["2026-03-01"] * 3, utc=True)})
    table, _ = prepare(frame, "Europe/Paris", "created_at")
    column = table.column("handle_time_s").chunk(0)
    assert column.type == pa.float32() and column.null_count == 1
    assert np.shares_memory(np.frombuffer(column.buffers()[1], dtype=np.float32), frame["handle_time_s"].to_numpy())
    backend = DuckDBBackend()
    backend.register("interactions", table)
    read = "SELECT typeof(handle_time_s), handle_time_s + 1 FROM interactions ORDER BY _row"
    assert backend.execute(read).values.tolist()[0] == ["DOUBLE", 16777217.0]
    backend.extend("interactions", "SELECT _row, _row * 2 AS _twice FROM interactions")
    after = backend.execute("SELECT typeof(handle_time_s), handle_time_s + 1, _twice FROM interactions ORDER BY _row")
    assert after.values.tolist()[0] == ["DOUBLE", 16777217.0, 0]
