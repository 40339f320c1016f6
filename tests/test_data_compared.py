"""The data set holds customer_id as nullable Int32 codes after the checks (TableSpec.compared,
dataset.read_later): equal ids one code, distinct ids distinct codes, missing <NA>; the checks and
`all_columns` still see the text; id_codes takes the codes as they are, and repeat contacts come out
the same, hand-computed, on the pandas and the SQL engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scorecard.contract.model import Contract, KpiSpec
from scorecard.data import load_dataset
from scorecard.data.dataset import as_codes
from scorecard.data.schema import TABLES
from scorecard.kpis.engine import compute_kpis
from scorecard.data.idcodes import id_codes
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period

# " c3" is c3 once stripped; C1 is another customer than c1; A4 has none. Repeats within 7 days:
# A1 (A3, two days later) and A5 (A8, a day later); A2's next contact (A7) is 18 days later.
CSV = """interaction_id,channel,created_at,answered_at,customer_id
A1,voice,2026-03-02 09:00:00,2026-03-02 09:00:10,c1
A2,voice,2026-03-02 10:00:00,2026-03-02 10:00:10,c2
A3,voice,2026-03-04 09:00:00,2026-03-04 09:00:10,c1
A4,voice,2026-03-05 09:00:00,2026-03-05 09:00:10,
A5,voice,2026-03-06 09:00:00,2026-03-06 09:00:10,c3
A8,voice,2026-03-07 09:00:00,2026-03-07 09:00:10, c3
A6,voice,2026-03-20 09:00:00,2026-03-20 09:00:10,C1
A7,voice,2026-03-20 10:00:00,2026-03-20 10:00:10,c2
"""
TEXT = ["c1", "c2", "c1", None, "c3", "c3", "C1", "c2"]


def _contract() -> Contract:
    kpis = {"rcr": KpiSpec("rcr", "repeat_contact_rate", params={"repeat_window": 7 * 86400.0})}
    return Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis=kpis)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "interactions.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def _same_partition(codes: np.ndarray, ids: list[str | None]) -> bool:
    """Equal ids one code, distinct ids distinct codes, missing -1."""
    pairs = {(c, i) for c, i in zip(codes.tolist(), ids)}
    present = {p for p in pairs if p[1] is not None}
    return ({p[0] for p in pairs if p[1] is None} <= {-1} and -1 not in {c for c, _ in present}
            and len({c for c, _ in present}) == len(present) == len({i for _, i in present}))


def test_customer_ids_are_held_as_int32_codes(data):
    customers = load_dataset(data, contract=_contract()).tables["interactions"]["customer_id"]
    assert customers.dtype == "Int32"
    assert customers.isna().tolist() == [i is None for i in TEXT]
    assert _same_partition(customers.to_numpy(dtype=np.int32, na_value=-1), TEXT)


def test_all_columns_keeps_the_text(data):
    customers = load_dataset(data, contract=_contract(), all_columns=True).tables["interactions"]["customer_id"]
    assert customers.dtype == "string" and customers.tolist() == [pd.NA if i is None else i for i in TEXT]


def test_only_the_customer_is_compared():
    assert {name: spec.compared for name, spec in TABLES.items() if spec.compared} == {
        "interactions": ("customer_id",)}


@pytest.mark.parametrize("ids", [TEXT, ["CU0001", None, "CU0002", "CU0001"], [None, None], []])
def test_as_codes_and_id_codes_of_the_codes(ids):
    codes = as_codes(pd.Series(ids, dtype="string"))
    assert codes.dtype == "Int32" and codes.isna().tolist() == [i is None for i in ids]
    again = id_codes(codes)  # taken as they are
    assert again.dtype == np.int32 and again.tolist() == codes.to_numpy(dtype=np.int32, na_value=-1).tolist()
    assert _same_partition(again, ids)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_repeat_contacts_on_the_codes_are_those_of_the_text(data, engine):
    contract, march = _contract(), [parse_period("2026-03")]
    coded, text = (load_dataset(data, contract=contract, all_columns=every).tables for every in (False, True))
    text["interactions"] = text["interactions"][["channel", "created_at", "answered_at", "customer_id"]]
    values = []
    for tables in (coded, text):
        raw = (compute_kpis(contract, tables, march, []) if engine == "pandas"
               else SqlEngine(contract, tables, march, []).run())
        values.append(raw.loc[raw["grain"] == "vendor", ["value", "n"]].to_numpy().tolist())
    # 7 handled contacts with a customer (A4 has none), 2 of them repeated (A1, A5)
    assert values[0] == values[1] == [[pytest.approx(2 / 7), 7.0]]
