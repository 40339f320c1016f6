"""`scorecard backtest`: each side equals `evaluate` on that contract alone; the difference is
draft - current; the CSV follows the spec's columns and the HTML shows both sides."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period
from scorecard.review.backtest import BACKTEST_COLUMNS

CURRENT = Path("contracts/acme-travel-nordlys.yaml")
MONTHS = ["2026-02", "2026-03"]


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    """The demo contract with a stricter service-level minimum (78 % instead of 70 %), signed later."""
    text = CURRENT.read_text(encoding="utf-8")
    text = text.replace('minimum: ">= 70%"', 'minimum: ">= 78%"').replace("id: acme-travel-nordlys-2026",
                                                                       "id: acme-draft-2027")
    text = text.replace("effective: 2026-01-01", "effective: 2027-01-01")
    path = tmp_path_factory.mktemp("draft") / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(draft, small_demo, tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("bt") / "out"
    code = main(["backtest", str(draft), "--against", str(CURRENT), "--data", str(small_demo),
                 "--from", MONTHS[0], "--to", MONTHS[-1], "--out", str(out)])
    assert code == 0
    text = (out / "backtest.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(BACKTEST_COLUMNS)
    return out, list(csv.DictReader(io.StringIO(text)))


def _alone(contract_path: Path, data: Path):
    contract = load_contract(contract_path)
    return evaluate(contract, load_dataset(data, contract=contract), [parse_period(m) for m in MONTHS],
                    within_term=False)


@pytest.mark.parametrize("side", ["draft", "current"])
def test_each_side_equals_evaluate_on_that_contract_alone(run, draft, small_demo, side):
    path, name = (draft, "acme-draft-2027") if side == "draft" else (CURRENT, "acme-travel-nordlys-2026")
    ev = _alone(path, small_demo)
    rows = [r for r in run[1] if r["contract"] == name]
    for month in MONTHS:
        total = next(r for r in rows if r["period"] == month and r["kpi"] == "TOTAL")
        credits = ev.credits[(ev.credits["period"] == month) & (ev.credits["kpi"] == "TOTAL")].iloc[0]
        overall = ev.overall[ev.overall["period"] == month].iloc[0]
        assert Decimal(total["credit"]) == credits["credit"]
        assert Decimal(total["earned_back"]) == credits["earned_back"]
        assert Decimal(total["bonus"]) == overall["bonus"]
        assert float(total["score"]) == pytest.approx(overall["score"], abs=1e-9)
        vendor = ev.results[(ev.results["period"] == month) & (ev.results["grain"] == "vendor")]
        statuses = {r["kpi"]: r["status"] for r in rows if r["period"] == month and r["kpi"] != "TOTAL"}
        assert statuses == dict(zip(vendor["kpi"], vendor["status"]))
    span = next(r for r in rows if r["period"] == "TOTAL")
    assert Decimal(span["credit"]) == sum(ev.credits[ev.credits["kpi"] == "TOTAL"]["credit"], Decimal(0))


def test_the_difference_is_draft_minus_current(run):
    rows = run[1]
    for period in [*MONTHS, "TOTAL"]:
        def get(contract, col, period=period):
            return next(Decimal(r[col]) for r in rows if r["period"] == period and r["contract"] == contract
                        and r["kpi"] == "TOTAL")
        for col in ("credit", "earned_back", "bonus"):
            assert get("difference", col) == get("acme-draft-2027", col) - get("acme-travel-nordlys-2026", col)


def test_a_stricter_minimum_never_costs_the_vendor_less(run):
    rows = run[1]
    for month in MONTHS:
        def sl(contract, month=month):
            return next(r for r in rows if r["period"] == month and r["contract"] == contract
                        and r["kpi"] == "service_level_voice")
        draft, current = sl("acme-draft-2027"), sl("acme-travel-nordlys-2026")
        assert Decimal(draft["credit"]) >= Decimal(current["credit"])
        if current["status"] == "red":
            assert draft["status"] == "red"


def test_the_html_shows_both_sides_and_a_bar_per_month_and_side(run):
    html = (run[0] / "backtest.html").read_text(encoding="utf-8")
    assert "acme-draft-2027" in html and "acme-travel-nordlys-2026" in html
    assert html.count("<rect ") == 2 * len(MONTHS)
    assert html.count("<tr") == 2 + len(MONTHS) + 1  # two header rows, the months, the total


def test_backtest_without_months_exits_2(tmp_path, draft, small_demo, capsys):
    with pytest.raises(SystemExit) as exit:  # argparse: a missing option is a usage error
        main(["backtest", str(draft), "--data", str(small_demo), "--out", str(tmp_path)])
    assert exit.value.code == 2 and "--from" in capsys.readouterr().err
    assert main(["backtest", str(draft), "--data", str(small_demo), "--from", "2026-03", "--to", "2026-02",
                 "--out", str(tmp_path)]) == 2
