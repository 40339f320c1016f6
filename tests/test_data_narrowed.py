"""The data set holds a float column as float32 where every value is one (TableSpec.narrowed,
dataset.read_later): whole seconds and survey answers are, 0.1 s is not and stays float64; the
checks and `all_columns` see float64; and every KPI reading them, on the pandas and the SQL engine,
gives the values of the float64 columns, hand-computed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scorecard.contract.model import Contract, KpiSpec
from scorecard.data import load_dataset
from scorecard.data.dataset import _exact_in_float32
from scorecard.data.schema import TABLES
from scorecard.kpis.engine import compute_kpis
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period

# handle times 300, 420.5 and 600 or 600.1 s (no float32 holds 600.1), csat 1-5 with a blank
CSV = """interaction_id,channel,created_at,answered_at,handle_time_s,csat,nps,ces
A1,voice,2026-03-02 09:00:00,2026-03-02 09:00:10,300,5,10,2
A2,voice,2026-03-02 10:00:00,2026-03-02 10:00:10,420.5,,6,
A3,voice,2026-03-04 09:00:00,2026-03-04 09:00:10,{third},2,8,5
"""


def _contract() -> Contract:
    kpis = {"aht": KpiSpec("aht", "average_handle_time"),
            "aht_median": KpiSpec("aht_median", "average_handle_time", statistic="median"),
            "csat": KpiSpec("csat", "csat", params={"satisfied": [4, 5], "method": "mean"}),
            "nps": KpiSpec("nps", "nps"), "ces": KpiSpec("ces", "customer_effort_score")}
    return Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis=kpis)


def _data(tmp_path: Path, third: str) -> Path:
    (tmp_path / "interactions.csv").write_text(CSV.format(third=third), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("third, handle_dtype", [("600", np.float32), ("600.1", np.float64)])
def test_exact_columns_are_held_as_float32(tmp_path, third, handle_dtype):
    frame = load_dataset(_data(tmp_path, third), contract=_contract()).tables["interactions"]
    assert frame["handle_time_s"].dtype == handle_dtype
    assert frame["csat"].dtype == frame["nps"].dtype == frame["ces"].dtype == np.float32
    assert frame["handle_time_s"].to_numpy(dtype="float64").tolist() == [300.0, 420.5, float(third)]
    assert frame["csat"].isna().tolist() == [False, True, False]
    everything = load_dataset(_data(tmp_path, third), contract=_contract(), all_columns=True).tables["interactions"]
    assert everything["handle_time_s"].dtype == everything["csat"].dtype == np.float64


def test_a_value_float32_does_not_hold_keeps_the_column_float64():
    assert _exact_in_float32(pd.Series([1.0, np.nan, -0.0, 2.5, 3.0]))
    assert not _exact_in_float32(pd.Series([1.0, 0.1]))
    assert not _exact_in_float32(pd.Series([1.0, float(2**24 + 1)]))
    assert not _exact_in_float32(pd.Series([1.0, 1e300]))  # inf as a float32: no overflow warning either
    assert _exact_in_float32(pd.Series([], dtype="float64"))


def test_only_columns_read_as_float64_are_narrowed():
    assert {name: spec.narrowed for name, spec in TABLES.items() if spec.narrowed} == {
        "interactions": ("handle_time_s", "wait_s", "csat", "nps", "ces")}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_kpis_of_the_narrowed_columns_are_those_of_float64(tmp_path, engine):
    contract, march = _contract(), [parse_period("2026-03")]
    narrow, wide = (load_dataset(_data(tmp_path, "600"), contract=contract, all_columns=every).tables
                    for every in (False, True))
    values = []
    for tables in (narrow, wide):
        raw = (compute_kpis(contract, tables, march, []) if engine == "pandas"
               else SqlEngine(contract, tables, march, []).run())
        vendor = raw[raw["grain"] == "vendor"].set_index("kpi")
        values.append({k: (vendor.at[k, "value"], vendor.at[k, "n"]) for k in contract.kpis})
    # AHT (300 + 420.5 + 600) / 3, its median 420.5; CSAT mean (5 + 2) / 2; NPS (100 - 100 + 0) / 3;
    # CES mean (2 + 5) / 2 over the two answers
    assert values[0] == values[1] == {"aht": ((300 + 420.5 + 600) / 3, 3), "aht_median": (420.5, 3),
                                      "csat": (3.5, 2), "nps": (0.0, 3), "ces": (3.5, 2)}
