"""The demo generator writes the interactions a chunk at a time: the files are those of the whole table."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

import scorecard.demo_data as demo_data
from scorecard.demo_data import build_tables, generate, writer

SMALL = {"months": ["2026-02", "2026-03"], "agents": 12, "contacts_per_month": 1500}


def _frame(start: int, n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "id": pd.array([f"INT{i}" for i in range(start, start + n)], dtype="string"),
        "at": pd.to_datetime([1_772_000_000 + 3600 * i for i in range(start, start + n)], unit="s", utc=True)
        .tz_convert("Europe/Paris"),
        "channel": pd.Categorical(["voice", "chat", "voice"][start:start + n], categories=["voice", "chat"]),
        "handle": pd.array([412, None, 7][start:start + n], dtype="Int64"),
        "ok": [True, False, True][start:start + n],
    })


def test_chunks_are_appended_under_one_csv_header(tmp_path):
    path = writer.write_chunks([_frame(0, 2), _frame(2, 1)], tmp_path / "t.csv", "csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "id,at,channel,handle,ok",
        "INT0,2026-02-25T07:13:20+01:00,voice,412,true",
        "INT1,2026-02-25T08:13:20+01:00,chat,,false",
        "INT2,2026-02-25T09:13:20+01:00,voice,7,true",
    ]


def test_chunks_are_parquet_row_groups_of_plain_strings(tmp_path):
    path = writer.write_chunks([_frame(0, 2), _frame(2, 1)], tmp_path / "t.parquet", "parquet")
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [2, 1]
    table = pq.read_table(path)
    assert str(table.schema.field("channel").type) == "string"
    assert table.column("channel").to_pylist() == ["voice", "chat", "voice"]
    assert table.column("handle").to_pylist() == [412, None, 7]
    assert table.schema.field("at").type.tz == "Europe/Paris"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_chunked_generation_writes_the_files_of_the_whole_tables(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(writer, "CHUNK_ROWS", 1000)
    monkeypatch.setattr(demo_data, "CHUNK_ROWS", 1000)
    whole = writer.write_tables(build_tables(seed=5, faults=False, **SMALL), tmp_path / "whole", fmt)
    chunked = generate(tmp_path / "chunked", seed=5, fmt=fmt, faults=False, **SMALL)
    assert list(chunked) == list(whole)
    for name, path in whole.items():
        assert chunked[name].read_bytes() == path.read_bytes(), name
    rows = len(build_tables(seed=5, faults=False, **SMALL)["interactions"])
    assert rows > 3000  # four chunks, the last one partial
    if fmt == "parquet":
        meta = pq.ParquetFile(chunked["interactions"]).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000] * 3 + [rows - 3000]
