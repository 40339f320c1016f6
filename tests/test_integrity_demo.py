"""The demo's planted gaming (demo_data/program.py) is flagged at vendor grain, and no other month is."""

from __future__ import annotations

import numpy as np
import pytest

from scorecard.contract.loader import load_contract
from scorecard.demo_data import build_tables
from scorecard.demo_data.program import plant_gaming
from scorecard.integrity.compute import integrity_signals

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")


@pytest.fixture(scope="module")
def contract():
    return load_contract("contracts/acme-travel-nordlys.yaml")


@pytest.mark.parametrize("seed", [7, 11])
def test_planted_month_is_the_only_vendor_month_flagged(contract, seed):
    tables = build_tables(seed=seed, agents=12, contacts_per_month=1500, months=MONTHS, faults=False)
    honest = integrity_signals(contract, tables, MONTHS)
    assert honest[honest["grain"] == "vendor"].empty
    tables["interactions"] = plant_gaming(tables["interactions"], "2026-05", np.random.default_rng(seed))
    gamed = integrity_signals(contract, tables, MONTHS)
    vendor = gamed[gamed["grain"] == "vendor"]
    assert set(vendor["period"]) == {"2026-05"}
    assert {"short_contacts", "speed_vs_quality"} <= set(vendor["signal"])
