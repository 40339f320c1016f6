"""Service credits: allocation, cap, earn-back and chronic failure, checked by hand and by property."""

from __future__ import annotations

import math
from decimal import Decimal as D

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring import make_contract, raw_frame, vendor_rows

from scorecard.contract.model import ServiceCredits
from scorecard.credits import CREDIT_COLUMNS, compute_credits
from scorecard.periods import months_between
from scorecard.scoring import score_results
from scorecard.term import LeftOut

CLAUSE = ServiceCredits(at_risk=0.12, pool=2.0, allocations={"sl": 0.4, "asa": 0.2, "fcr": 0.4, "qa": 0.15},
                        earn_back_months=3, chronic_misses=3, chronic_within_months=6)
CONTRACT = make_contract(credits=CLAUSE)  # 12 % x 480,000 EUR = 57,600 EUR at risk

# month: (sl, asa, fcr, qa); R = red (missed minimum), A = amber, G = green
HISTORY = {
    "2025-10": (0.642, 20.0, 0.80, 90.0),  # sl R -> 23,040
    "2025-11": (0.85, 20.0, 0.60, 90.0),   # fcr R (no minimum: target miss) -> 23,040
    "2025-12": (0.85, 20.0, 0.80, 90.0),
    "2026-01": (0.85, 20.0, 0.60, None),   # sl earn-back of 2025-10; fcr R; qa not measurable
    "2026-02": (0.65, 90.0, 0.60, 70.0),   # all R: 66,240 capped to 57,600; fcr chronic
    "2026-03": (0.70, 20.0, 0.80, 90.0),   # sl exactly at its minimum: amber, no credit
    "2026-04": (0.85, 20.0, 0.80, 90.0),
    "2026-05": (0.85, 20.0, 0.80, 90.0),   # asa, fcr, qa earn back 2026-02, pro rata to the cap
}


def history() -> pd.DataFrame:
    rows = []
    for month, (sl, asa, fcr, qa) in HISTORY.items():
        rows += vendor_rows(month, sl=sl, asa=asa, fcr=fcr)
        rows.append((month, "qa", "vendor", "Nordlys", math.nan, 0, "qa_evaluations is empty")
                    if qa is None else (month, "qa", "vendor", "Nordlys", qa, 40))
        rows.append((month, "sl", "channel", "voice", 0.1, 1000))  # other grains are ignored
    return score_results(raw_frame(rows), CONTRACT)


def cell(frame: pd.DataFrame, period: str, kpi: str, column: str):
    return frame[(frame["period"] == period) & (frame["kpi"] == kpi)][column].item()


def test_credit_rows_and_explanations():
    out = compute_credits(history(), CONTRACT, ["2025-10", "2026-01", "2026-02", "2026-03"])
    assert list(out.columns) == CREDIT_COLUMNS
    assert list(out["period"].unique()) == ["2025-10", "2026-01", "2026-02", "2026-03"]
    assert list(out[out["period"] == "2025-10"]["kpi"]) == ["sl", "asa", "fcr", "qa", "TOTAL"]
    assert cell(out, "2025-10", "sl", "credit") == D("23040.00") == cell(out, "2025-10", "sl", "paid")
    assert cell(out, "2025-10", "sl", "explanation") == (
        "Service level was 64.2 % against a minimum of 70 % (service-credit share: 40 %): "
        "credit = 12 % x 480,000 EUR at risk = 57,600 EUR x 40 % = 23,040 EUR.")
    assert str(cell(out, "2025-10", "TOTAL", "credit")) == "23040.00"
    assert cell(out, "2025-10", "TOTAL", "explanation") == (
        "Total credit for 2025-10: 23,040 EUR, within the cap of 57,600 EUR at risk (12 % x 480,000 EUR); "
        "the cap does not apply.")
    # fcr has no minimum: its target miss is the credit trigger, shown as the threshold.
    assert cell(out, "2026-01", "fcr", "minimum") == ">= 75%" and cell(out, "2026-01", "fcr", "missed")
    assert "First contact resolution was 60.0 % against a target of 75 %" in cell(out, "2026-01", "fcr", "explanation")
    # not measurable: no credit, and the reason is given
    assert not cell(out, "2026-01", "qa", "missed") and cell(out, "2026-01", "qa", "credit") == 0
    assert cell(out, "2026-01", "qa", "explanation") == \
        "Quality score is not measurable in 2026-01 (qa_evaluations is empty): no credit."
    # exactly at the minimum is not a miss
    assert not cell(out, "2026-03", "sl", "missed") and cell(out, "2026-03", "sl", "credit") == 0
    assert "Service level was 70.0 % and met its minimum of 70 %" in cell(out, "2026-03", "sl", "explanation")
    # a lower-is-better threshold in words, never an id or a comparison sign
    assert cell(out, "2026-01", "asa", "explanation") == \
        "Average speed of answer was 20 s and met its minimum of at most 60 s: no credit."


def test_cap_applies_and_total_row():
    out = compute_credits(history(), CONTRACT, ["2026-02"])
    # 23,040 + 11,520 + 23,040 + 8,640 = 66,240 > 57,600
    assert out[out["kpi"] != "TOTAL"]["credit"].sum() == D("66240.00")
    assert cell(out, "2026-02", "TOTAL", "credit") == D("57600.00") == cell(out, "2026-02", "TOTAL", "paid")
    # each credit x 57,600 / 66,240, rounded to the cent: 20,034.78 + 10,017.39 + 20,034.78 + 7,513.04
    # = 57,599.99; the remaining cent goes to the largest credit, sl (first of sl and fcr in the contract)
    paid = out[out["kpi"] != "TOTAL"].set_index("kpi")["paid"].to_dict()
    assert paid == {"sl": D("20034.79"), "asa": D("10017.39"), "fcr": D("20034.78"), "qa": D("7513.04")}
    assert sum(paid.values()) == cell(out, "2026-02", "TOTAL", "paid")
    assert cell(out, "2026-02", "asa", "explanation").endswith("After the cap, 10,017.39 EUR of it is paid.")
    assert cell(out, "2026-02", "TOTAL", "allocation") == pytest.approx(1.15)
    assert cell(out, "2026-02", "TOTAL", "missed")
    assert "add up to 66,240 EUR, above the cap of 57,600 EUR at risk (12 % x 480,000 EUR): the cap applies" \
        in cell(out, "2026-02", "TOTAL", "explanation")
    assert ("Paid per KPI: Service level 20,034.79 EUR + Average speed of answer 10,017.39 EUR + "
            "First contact resolution 20,034.78 EUR + Quality score 7,513.04 EUR = "
            "57,600 EUR (each credit x 57,600 EUR / 66,240 EUR, rounded to the cent; the rounding remainder "
            "goes to the largest credit).") in cell(out, "2026-02", "TOTAL", "explanation")


def test_earn_back_after_three_green_months():
    out = compute_credits(history(), CONTRACT, ["2026-01", "2026-05"])
    assert cell(out, "2026-01", "sl", "earned_back") == D("23040.00")
    assert "credit of 2025-10 (23,040 EUR) is returned" in cell(out, "2026-01", "sl", "explanation")
    assert cell(out, "2026-01", "TOTAL", "earned_back") == D("23040.00")
    # 2026-02 was capped at 57,600 / 66,240 = 86.96 %: earn-back returns what was paid, to the cent.
    assert cell(out, "2026-05", "asa", "earned_back") == D("10017.39")
    assert cell(out, "2026-05", "fcr", "earned_back") == D("20034.78")
    assert cell(out, "2026-05", "qa", "earned_back") == D("7513.04")
    assert str(cell(out, "2026-05", "sl", "earned_back")) == "0.00"  # 2026-03 was amber, not green
    assert cell(out, "2026-05", "TOTAL", "earned_back") == D("37565.21")
    assert "(11,520 EUR, 10,017.39 EUR after the cap)" in cell(out, "2026-05", "asa", "explanation")
    # fcr missed in 2025-11 but not green in the 3 following months: nothing returned in 2026-02
    assert cell(compute_credits(history(), CONTRACT, ["2026-02"]), "2026-02", "fcr", "earned_back") == 0


def test_chronic_failure_window():
    out = compute_credits(history(), CONTRACT, months_between("2026-01", "2026-05"))
    flags = out[out["kpi"] == "fcr"].set_index("period")["chronic_failure"].to_dict()
    # misses 2025-11, 2026-01, 2026-02: 3 within the 6 months ending 2026-02, 2026-03 and 2026-04
    assert flags == {"2026-01": False, "2026-02": True, "2026-03": True, "2026-04": True, "2026-05": False}
    assert "Chronic failure: 3 misses within the 6 months to 2026-02 (2025-11, 2026-01, 2026-02)" \
        in cell(out, "2026-02", "fcr", "explanation")
    assert cell(out, "2026-02", "TOTAL", "chronic_failure")


def test_insufficient_sample_quarter_and_no_clause():
    scored = score_results(raw_frame([("2026-01", "sl", "vendor", "Nordlys", 0.5, 400)]), CONTRACT)
    out = compute_credits(scored, CONTRACT, ["2026-Q1"])
    assert list(out["period"].unique()) == ["2026-01", "2026-02", "2026-03"]
    assert not cell(out, "2026-01", "sl", "missed")
    assert cell(out, "2026-01", "sl", "explanation") == (
        "Service level had 400 observations in 2026-01, fewer than its minimum sample of 500: insufficient "
        "sample, no credit.")
    assert cell(out, "2026-02", "sl", "explanation") == "No result for Service level in 2026-02: no credit."
    empty = compute_credits(scored, make_contract(), ["2026-01"])
    assert empty.empty and list(empty.columns) == CREDIT_COLUMNS


# --- properties ------------------------------------------------------------------------------

LEVELS = {"below": 0.55, "at_minimum": 0.70, "between": 0.75, "at_target": 0.80, "above": 0.9}
MONTHS = months_between("2025-07", "2026-06")


@settings(max_examples=60, deadline=None)
@given(
    allocations=st.lists(st.sampled_from([0.1, 0.25, 0.4, 0.6, 1.0]), min_size=4, max_size=4),
    grid=st.lists(st.lists(st.sampled_from(sorted(LEVELS)), min_size=4, max_size=4),
                  min_size=len(MONTHS), max_size=len(MONTHS)),
    earn_back=st.integers(min_value=1, max_value=4),
)
def test_cap_earn_back_and_minimum_edge_properties(allocations, grid, earn_back):
    kpis = ["sl", "fcr", "qa", "asa"]
    clause = ServiceCredits(at_risk=0.12, pool=2.0, allocations=dict(zip(kpis, allocations, strict=True)),
                            earn_back_months=earn_back, chronic_misses=2, chronic_within_months=3)
    contract = make_contract(credits=clause)
    # Every KPI gets the sl thresholds (>= 80 %, minimum >= 70 %) by reusing the sl spec values.
    contract.kpis.update({k: contract.kpis["sl"] for k in kpis})
    rows = [(m, k, "vendor", "Nordlys", LEVELS[level], 1000)
            for m, levels in zip(MONTHS, grid, strict=True) for k, level in zip(kpis, levels, strict=True)]
    out = compute_credits(score_results(raw_frame(rows).assign(metric="service_level"), contract), contract, MONTHS)
    totals = out[out["kpi"] == "TOTAL"]
    assert (totals["credit"] <= D("57600.00")).all()
    assert sum(totals["earned_back"]) <= sum(totals["credit"])
    lines = out[out["kpi"] != "TOTAL"]
    for k in kpis:
        mine = lines[lines["kpi"] == k]
        assert sum(mine["earned_back"]) <= sum(mine["paid"])
    at_minimum = lines["value"] == LEVELS["at_minimum"]
    assert not lines[at_minimum]["missed"].any() and (lines[at_minimum]["credit"] == 0).all()


# --- months left out (outside the term or the data) --------------------------------------------

def test_a_left_out_month_has_one_zero_total_row_and_counts_for_nothing():
    """2025-10 (sl red) is before the term: no credit, so nothing to earn back in 2026-01; and the
    chronic window of fcr loses its 2025-11 miss."""
    left = {"2025-10": LeftOut("before_term", "2025-11-01")}
    out = compute_credits(history(), CONTRACT, ["2025-10", "2026-01", "2026-02"], left)
    october = out[out["period"] == "2025-10"]
    assert list(october["kpi"]) == ["TOTAL"] and str(october["paid"].item()) == "0.00"
    assert october["explanation"].item() == "No credit for 2025-10: before the contract term (effective 2025-11-01)."
    assert cell(out, "2026-01", "sl", "earned_back") == 0
    assert cell(out, "2026-02", "fcr", "chronic_failure")  # 2025-11, 2026-01, 2026-02 still 3
    left["2025-11"] = LeftOut("before_term", "2025-12-01")
    out = compute_credits(history(), CONTRACT, ["2026-02"], left)
    assert not cell(out, "2026-02", "fcr", "chronic_failure")


def test_yen_and_dinar_amounts_have_their_minor_unit():
    """JPY has no decimals, KWD three: 12 % x 1,000,003 JPY = 120,000.36 -> 120,000 JPY at risk."""
    from dataclasses import replace
    yen = replace(CONTRACT, currency="JPY", monthly_fee=1000003)
    out = compute_credits(history(), yen, ["2025-10", "2026-02"])
    assert str(cell(out, "2025-10", "sl", "credit")) == "48000"  # 120,000 x 40 %
    assert str(cell(out, "2026-02", "TOTAL", "paid")) == "120000"
    assert sum(out[(out["period"] == "2026-02") & (out["kpi"] != "TOTAL")]["paid"]) == D("120000")
    dinar = replace(CONTRACT, currency="KWD", monthly_fee=12345.678)
    out = compute_credits(history(), dinar, ["2025-10"])
    # 12 % x 12,345.678 = 1,481.48136 -> 1,481.481 at risk; x 40 % = 592.5924 -> 592.592
    assert str(cell(out, "2025-10", "sl", "credit")) == "592.592"
    assert "= 1,481.481 KWD x 40 % = 592.592 KWD." in cell(out, "2025-10", "sl", "explanation")
