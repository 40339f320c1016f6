"""The data set holds what the stages after the data checks read (data/dataset.read_later): no
source_row, no interaction id or booking id, no extra export column, but those a KPI filter names."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scorecard.contract.model import Contract, KpiSpec, Version
from scorecard.data import load_dataset
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


def test_a_column_a_filter_names_is_kept_in_any_contract_version(tmp_path):
    base = _contract(queue=("care",))
    frame = load_dataset(_data(tmp_path), contract=base).tables["interactions"]
    assert "queue" in frame and "notes" not in frame and "booking_id" not in frame
    amended = _contract(booking_id=("B1",))
    versioned = replace(_contract(), versions=(Version("amended", 1, False, "2026-03", None, "", amended),))
    frame = load_dataset(_data(tmp_path), contract=versioned).tables["interactions"]
    assert "booking_id" in frame and "queue" not in frame


def test_a_kpi_filtered_on_an_extra_column_is_still_measured(tmp_path):
    contract = _contract(queue=("care",))
    ds = load_dataset(_data(tmp_path), contract=contract)
    raw = compute_kpis(contract, ds.tables, [parse_period("2026-03")], [])
    vendor = raw[(raw["grain"] == "vendor") & (raw["period"] == "2026-03")]
    assert vendor["value"].tolist() == [200.0] and vendor["note"].tolist() == [""]


def test_a_parquet_column_nothing_reads_is_never_decoded(tmp_path, monkeypatch):
    import pandas as pd

    from scorecard.data.parquet import ParquetColumns

    frame = pd.read_csv(pd.io.common.StringIO(CSV))
    frame.to_parquet(tmp_path / "interactions.parquet")
    decoded: list[str] = []
    read = ParquetColumns.read

    def spy(self, name, **kw):
        decoded.append(name)
        return read(self, name, **kw)

    monkeypatch.setattr(ParquetColumns, "read", spy)
    ds = load_dataset(tmp_path, contract=_contract(queue=("care",)))
    assert "interaction_id" in decoded and "queue" in decoded  # the id is checked; the filter reads queue
    assert "booking_id" not in decoded and "notes" not in decoded
    assert list(ds.tables["interactions"].columns) == ["channel", "created_at", "answered_at", "handle_time_s",
                                                       "queue"]
    decoded.clear()
    load_dataset(tmp_path, contract=_contract(), all_columns=True)
    assert {"booking_id", "notes", "queue"} <= set(decoded)
