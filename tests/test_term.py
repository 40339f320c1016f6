"""The contract term and the data's span bound scores, credits and bonus (scorecard/term.py), by hand
and end to end through the CLI."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from test_scoring import make_contract, raw_frame, vendor_rows

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.demo_data import generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period
from scorecard.scoring import score_results
from scorecard.term import LeftOut, left_out_months, left_out_periods, notes, unscore

ROOT = Path(__file__).resolve().parents[1]
TERM = replace(make_contract(), effective=date(2026, 1, 15), expires=date(2026, 6, 30))


def test_months_outside_the_term_or_the_data_with_the_first_reason():
    months = ["2025-12", "2026-01", "2026-05", "2026-06", "2026-07"]
    left = left_out_months(months, TERM, ("2025-11", "2026-05"))
    # January is charged: the term starts in it
    assert left == {"2025-12": LeftOut("before_term", "2026-01-15"), "2026-06": LeftOut("after_data", "2026-05"),
                    "2026-07": LeftOut("after_term", "2026-06-30")}
    assert left_out_months(months, TERM, ("2025-11", "2026-05"), within_term=False) == {
        "2026-06": LeftOut("after_data", "2026-05"), "2026-07": LeftOut("after_data", "2026-05")}
    assert left_out_months(["2026-02"], TERM, ("2026-03", "2026-04"))["2026-02"].text() == \
        "before the first month of the data (2026-03)"
    assert left_out_months(["2026-02"], make_contract(), (None, None)) == {"2026-02": LeftOut("no_data")}
    assert LeftOut("after_term", "2026-06-30").text("fr") == "après la durée du contrat (échéance le 2026-06-30)"


def test_a_period_is_left_out_only_when_all_its_months_are():
    left = left_out_months(["2025-10", "2025-11", "2025-12", "2026-01", "2026-02"], TERM, ("2025-01", "2026-12"))
    periods = [parse_period(p) for p in ("2025-Q4", "2026-Q1", "2025-12")]
    assert left_out_periods(periods, left) == {"2025-Q4": LeftOut("before_term", "2026-01-15"),
                                               "2025-12": LeftOut("before_term", "2026-01-15")}


def test_unscore_keeps_the_vendor_rows_with_the_reason():
    raw = raw_frame(vendor_rows("2025-12", sl=0.5, fcr=0.6) + vendor_rows("2026-01", sl=0.5)
                    + [("2025-12", "sl", "agent_id", "a1", 0.5, 100)])
    out = unscore(score_results(raw, TERM), {"2025-12": LeftOut("before_term", "2026-01-15")})
    december = out[out["period"] == "2025-12"]
    assert list(december["grain"]) == ["vendor", "vendor"] and december["value"].isna().all()
    assert set(december["status"]) == {"not_measurable"} and (december["n"] == 0).all()
    assert set(december["note"]) == {"before the contract term (effective 2026-01-15)"}
    assert out[out["period"] == "2026-01"]["status"].item() == "red"


def test_notes_group_consecutive_months_with_one_reason():
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    left = left_out_months(months, replace(TERM, effective=date(2026, 3, 1)), ("2026-01", "2026-05"))
    lines = notes([parse_period(m) for m in months[:3]] + [parse_period("2026-Q2"), parse_period("2026-Q3")], left)
    assert lines == [
        "2026-01 to 2026-02 left out: before the contract term (effective 2026-03-01). No KPI is scored and "
        "no credit or bonus is computed for them.",
        "2026-06 (in 2026-Q2) carries no credit or bonus: after the last month of the data (2026-05).",
        "2026-Q3 left out: after the contract term (expires 2026-06-30). No KPI is scored and no credit or "
        "bonus is computed for it."]


# --- end to end --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> tuple[Path, Path]:
    """Demo data for 2026-02 and 2026-03 and the demo contract made effective on 2026-03-01."""
    root = tmp_path_factory.mktemp("term")
    generate(root / "data", agents=12, contacts_per_month=1500, months=("2026-02", "2026-03"))
    text = (ROOT / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
    assert "effective: 2026-01-01" in text
    contract = root / "contract.yaml"
    contract.write_text(text.replace("effective: 2026-01-01", "effective: 2026-03-01"), encoding="utf-8")
    return contract, root / "data"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_months_before_the_term_and_after_the_data_are_not_charged(setup, tmp_path, capsys):
    contract, data = setup
    assert main(["evaluate", str(contract), "--data", str(data), "--from", "2026-01", "--to", "2026-05",
                 "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "note: 2026-01 to 2026-02 left out: before the contract term (effective 2026-03-01)." in err
    assert "note: 2026-04 to 2026-05 left out: after the last month of the data (2026-03)." in err
    results = rows(tmp_path / "results.csv")
    for month in ("2026-01", "2026-02", "2026-04", "2026-05"):
        mine = [r for r in results if r["period"] == month]
        assert mine and {r["grain"] for r in mine} == {"vendor"}
        assert {r["status"] for r in mine} == {"not_measurable"} and {r["value"] for r in mine} == {""}
    march = [r for r in results if r["period"] == "2026-03"]
    assert {"agent_id", "vendor"} <= {r["grain"] for r in march} and any(r["value"] for r in march)
    credits = rows(tmp_path / "credits.csv")
    left = [r for r in credits if r["period"] != "2026-03"]
    assert [r["kpi"] for r in left] == ["TOTAL"] * 4 and {r["paid"] for r in left} == {"0.00"}
    march = [r for r in credits if r["period"] == "2026-03"]
    total = march[-1]
    assert total["kpi"] == "TOTAL" and sum(Decimal(r["paid"]) for r in march[:-1]) == Decimal(total["paid"])
    assert all(len(r[c].split(".")[1]) == 2 for r in credits for c in ("credit", "earned_back", "paid"))
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    february = next(p for p in doc["periods"] if p["period"] == "2026-02")
    assert february["credits"][0]["explanation"] == (
        "No credit for 2026-02: before the contract term (effective 2026-03-01).")
    assert february["overall"][0]["bonus"] in ("0.00", 0)
    assert february["kpis"][0]["note"] == "before the contract term (effective 2026-03-01)"


def test_a_period_wholly_outside_exits_0_with_nothing_scored(setup, tmp_path, capsys):
    contract, data = setup
    assert main(["evaluate", str(contract), "--data", str(data), "--period", "2025-Q4", "--out", str(tmp_path)]) == 0
    assert "note: 2025-Q4 left out: before the contract term (effective 2026-03-01)." in capsys.readouterr().err
    results = rows(tmp_path / "results.csv")
    assert results and {r["status"] for r in results} == {"not_measurable"}
    assert {r["paid"] for r in rows(tmp_path / "credits.csv")} == {"0.00"}


def test_a_backtest_can_ignore_the_term_but_not_the_data(setup):
    contract, data = setup
    loaded = load_contract(contract)
    dataset = load_dataset(data, contract=loaded)
    periods = [parse_period("2026-02"), parse_period("2026-04")]
    ev = evaluate(loaded, dataset, periods, within_term=False)
    assert set(ev.left_out) == {"2026-04"}
    february = ev.results[(ev.results["period"] == "2026-02") & (ev.results["grain"] == "vendor")]
    assert not february["value"].isna().all()
    assert not math.isnan(ev.overall.set_index("period").at["2026-02", "score"])
    assert set(evaluate(loaded, dataset, periods).left_out) == {"2026-02", "2026-04"}
