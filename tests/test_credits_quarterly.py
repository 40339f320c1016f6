"""Earn-back of a KPI measured quarterly: it counts judged quarters, not months (the first two
months of a quarter are never green, so a month count could never return a quarterly credit)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pandas as pd
import pytest
from test_scoring import make_contract, raw_frame, vendor_rows

from scorecard.contract.model import ServiceCredits
from scorecard.credits import compute_credits
from scorecard.scoring import score_results
from scorecard.versions import mark_quarterly

MONTHS = [f"2026-{m:02d}" for m in range(1, 10)]


def _contract(earn_back_months: int):
    clause = ServiceCredits(at_risk=0.12, pool=1.0, allocations={"sl": 0.5, "asa": 0.5},
                            earn_back_months=earn_back_months)
    contract = make_contract(credits=clause)  # 12 % x 480,000 EUR = 57,600 EUR at risk, 28,800 EUR a KPI
    sl = dataclasses.replace(contract.kpis["sl"], measured="quarterly")
    return dataclasses.replace(contract, kpis={**contract.kpis, "sl": sl})


def _scored(contract, sl_quarter_ends: dict[str, float]) -> pd.DataFrame:
    """sl at 0.5 (red) in every month a quarter's last month does not override; asa green throughout."""
    rows = [r for m in MONTHS for r in vendor_rows(m, sl=sl_quarter_ends.get(m, 0.5), asa=20.0)]
    return mark_quarterly(score_results(raw_frame(rows), contract), contract)


def _cell(frame: pd.DataFrame, month: str, kpi: str, column: str):
    return frame[(frame["period"] == month) & (frame["kpi"] == kpi)][column].item()


def test_a_green_quarter_after_a_red_one_earns_its_credit_back():
    contract = _contract(earn_back_months=3)
    out = compute_credits(_scored(contract, {"2026-03": 0.60, "2026-06": 0.85, "2026-09": 0.85}), contract, MONTHS)
    # only quarter ends are judged: 2026-03 red (28,800), 2026-04 and 2026-05 not judged, 2026-06 green
    assert [_cell(out, m, "sl", "credit") for m in MONTHS[:6]] == [0, 0, D("28800.00"), 0, 0, 0]
    assert _cell(out, "2026-06", "sl", "earned_back") == D("28800.00")
    assert _cell(out, "2026-06", "TOTAL", "earned_back") == D("28800.00")
    assert "Earn-back: Service level (measured quarterly) met its target of 80 % in 2026-Q2, so the credit of " \
           "2026-03 (28,800 EUR) is returned" in _cell(out, "2026-06", "sl", "explanation")
    assert _cell(out, "2026-09", "sl", "earned_back") == 0  # 2026-06 had no credit to return


def test_an_amber_quarter_returns_nothing():
    contract = _contract(earn_back_months=3)
    out = compute_credits(_scored(contract, {"2026-03": 0.60, "2026-06": 0.75}), contract, MONTHS[:6])
    assert _cell(out, "2026-06", "sl", "earned_back") == 0


@pytest.mark.parametrize("q2, earned", [(0.85, D("28800.00")), (0.75, 0)])
def test_six_months_are_two_judged_quarters(q2, earned):
    contract = _contract(earn_back_months=6)
    out = compute_credits(_scored(contract, {"2026-03": 0.60, "2026-06": q2, "2026-09": 0.85}), contract, MONTHS)
    assert _cell(out, "2026-06", "sl", "earned_back") == 0  # one quarter is not yet two
    assert _cell(out, "2026-09", "sl", "earned_back") == earned  # Q2 and Q3 both green, or not
