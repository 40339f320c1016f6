"""The data set holds what the stages after the data checks read (data/dataset.read_later): no
source_row, no interaction id or booking id, no extra export column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.contract.model import Contract, KpiSpec
from scorecard.contract.read_kpis import FILTER_COLUMNS
from scorecard.data import load_dataset
from scorecard.data.parquet import ParquetColumns
from scorecard.data.schema import TABLES
from scorecard.kpis.engine import compute_kpis
from scorecard.periods import parse_period

CSV = """interaction_id,channel,created_at,answered_at,handle_time_s,booking_id,queue,notes
A1,voice,2026-03-02 09:00:00,2026-03-02 09:00:10,100,B1,sales,long text one
A2,voice,2026-03-02 10:00:00,2026-03-02 10:00:30,200,B2,care,long text two
A2,voice,2026-03-02 11:00:00,2026-03-02 11:00:30,300,B3,care,a duplicate id
"""


def _contract(**filters: tuple[str, ...]) -> Contract:
    kpis = {"aht": KpiSpec("aht", "average_handle_time", filter=dict(filters))}
    return Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis=kpis)


def _data(tmp_path: Path) -> Path:
    (tmp_path / "interactions.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def test_ids_source_row_and_extras_are_not_held_after_the_checks(tmp_path):
    ds = load_dataset(_data(tmp_path), contract=_contract())
    frame = ds.tables["interactions"]
    assert list(frame.columns) == ["channel", "created_at", "answered_at", "handle_time_s"]
    # the checks still read the id: the second A2 row is a duplicate, reported with its source row
    assert len(frame) == 2 and ds.quality["row"].tolist() == [4]
    assert frame["handle_time_s"].tolist() == [100.0, 200.0]


def test_all_columns_keeps_what_the_reader_made(tmp_path):
    frame = load_dataset(_data(tmp_path), contract=_contract(), all_columns=True).tables["interactions"]
    assert {"interaction_id", "booking_id", "queue", "notes", "source_row"} <= set(frame.columns)
    assert frame["source_row"].tolist() == [2, 3]


def test_every_column_a_kpi_filter_may_name_is_held():
    # a contract's filters take these columns only (the schema refuses others): none is dropped
    canonical = {column for spec in TABLES.values() for column in spec.columns}
    unread = {column for spec in TABLES.values() for column in spec.unread}
    assert set(FILTER_COLUMNS) <= canonical and not set(FILTER_COLUMNS) & unread


def test_a_filtered_kpi_is_still_measured(tmp_path):
    contract = _contract(channel=("voice",))
    ds = load_dataset(_data(tmp_path), contract=contract)
    raw = compute_kpis(contract, ds.tables, [parse_period("2026-03")], [])
    vendor = raw[(raw["grain"] == "vendor") & (raw["period"] == "2026-03")]
    assert vendor["value"].tolist() == [150.0] and vendor["note"].tolist() == [""]


def test_a_parquet_column_nothing_reads_is_never_decoded(tmp_path, monkeypatch):
    pd.read_csv(_data(tmp_path) / "interactions.csv").to_parquet(tmp_path / "interactions.parquet")
    (tmp_path / "interactions.csv").unlink()
    decoded: list[str] = []
    read = ParquetColumns.read

    def spy(self, name, **kw):
        decoded.append(name)
        return read(self, name, **kw)

    monkeypatch.setattr(ParquetColumns, "read", spy)
    ds = load_dataset(tmp_path, contract=_contract())
    assert "interaction_id" in decoded  # the id is checked
    assert not {"booking_id", "queue", "notes"} & set(decoded)
    assert list(ds.tables["interactions"].columns) == ["channel", "created_at", "answered_at", "handle_time_s"]
    decoded.clear()
    load_dataset(tmp_path, contract=_contract(), all_columns=True)
    assert {"booking_id", "notes", "queue"} <= set(decoded)


def test_cost_lines_apart_only_by_their_description_are_both_counted(tmp_path):
    # found by the CLI fuzz test: the duplicate check of cost lines reads every column, extras included
    (tmp_path / "costs.csv").write_text("period,amount,currency,description\n2026-03,100,CHF,licences\n"
                                        "2026-03,100,CHF,training\n2026-03,100,CHF,training\n", encoding="utf-8")
    ds = load_dataset(tmp_path, contract=_contract())
    assert ds.tables["costs"]["amount"].tolist() == [100.0, 100.0]  # the third line repeats the second
    assert ds.quality["row"].tolist() == [4] and list(ds.tables["costs"].columns) == ["period", "amount", "currency"]
