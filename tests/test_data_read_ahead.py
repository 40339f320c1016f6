"""A Parquet file read with a plan (parquet.ParquetColumns.plan: the next column decoded in a background
thread while the current one is converted) gives the columns the one-at-a-time read gives, in any order
the caller asks."""

import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data.parquet import ParquetColumns
from scorecard.errors import DataError

KINDS = ["id", "label", "stamp", "number", "flag"]


def _write(path, n: int, seed: int) -> list[str]:
    """A file with one column of each kind (labels stored as a dictionary, ids plain), n rows."""
    rng = np.random.default_rng(seed)
    missing = rng.random(n) < 0.2
    stamps = pd.Series(pd.Timestamp("2026-03-29 00:30", tz="Europe/Paris")
                       + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s")).astype("datetime64[us, Europe/Paris]")
    frame = pd.DataFrame({
        "id": pd.Series([f" I{i}" if i % 5 == 0 else f"I{i}" for i in rng.integers(0, 50, n)], dtype="string"),
        "label": pd.Series(rng.choice(["voice", " Chat", "email"], n), dtype="string").mask(missing),
        "stamp": stamps.mask(missing),
        "number": pd.Series(rng.integers(0, 600, n), dtype="float64").mask(missing),
        "flag": pd.Series(rng.random(n) < 0.5)})
    frame.to_parquet(path, index=False)
    return KINDS


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 40), seed=st.integers(0, 2**16), planned=st.permutations(KINDS),
       asked=st.permutations(KINDS), cut=st.integers(0, len(KINDS)))
def test_read_ahead_gives_each_column_the_plain_read_gives(tmp_path_factory, n, seed, planned, asked, cut):
    path = tmp_path_factory.mktemp("pq") / "interactions.parquet"
    _write(path, n, seed)
    alone = {name: ParquetColumns(path).read(name, coded=True) for name in KINDS}
    columns = ParquetColumns(path)
    columns.plan(planned[:cut] if cut < len(KINDS) else planned)  # a plan of some columns, read in another order
    for name in planned + asked:  # each asked twice: once in plan order, once in another
        pd.testing.assert_series_equal(columns.read(name, coded=True), alone[name])


def test_each_planned_column_is_decoded_while_the_one_before_it_is_converted(tmp_path, monkeypatch):
    path = tmp_path / "interactions.parquet"
    _write(path, 10, 1)
    columns = ParquetColumns(path)
    decoded: list[tuple[str, str]] = []  # (column, thread that decoded it)
    load = ParquetColumns._load

    def spy(self, name, coded):
        decoded.append((name, threading.current_thread().name))
        return load(self, name, coded)

    monkeypatch.setattr(ParquetColumns, "_load", spy)
    columns.plan(["stamp", "id", "flag"])
    for name in ["stamp", "id", "flag"]:
        columns.read(name, coded=True)
    assert [name for name, _ in decoded] == ["stamp", "id", "flag"]
    assert decoded[0][1] == threading.current_thread().name  # the first is asked before anything runs ahead
    assert all(thread.startswith("parquet-column") for _, thread in decoded[1:])
    assert columns._worker is None  # the worker ends with the plan


def test_a_damaged_column_read_ahead_fails_when_it_is_asked_for(tmp_path):
    offsets = np.array([0, 2, 4], dtype="int32")  # "A\x80" is not UTF-8
    bad = pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"A\x80A2")])
    pq.write_table(pa.table({"channel": ["voice", "chat"], "interaction_id": bad}), tmp_path / "x.parquet")
    columns = ParquetColumns(tmp_path / "x.parquet")
    columns.plan(["channel", "interaction_id"])
    assert columns.read("channel", coded=True).tolist() == ["voice", "chat"]  # decoded ahead, not raised yet
    with pytest.raises(DataError) as err:
        columns.read("interaction_id", coded=True)
    assert err.value.problems[0].file.endswith("x.parquet")
