"""`kpis.ID.measured: quarterly`: judged once, on the quarter's rows, in the quarter's last month."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract, validate_files
from scorecard.data import load_dataset
from scorecard.demo_data import generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period

BASE = (Path(__file__).resolve().parents[1] / "contracts" / "acme-travel-nordlys.yaml").read_text(encoding="utf-8")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
# CSAT on a quarter with a minimum no quarter meets: it must be charged once, in March.
QUARTERLY = BASE.replace('    target: ">= 85%"\n    minimum: ">= 78%"\n',
                         '    target: ">= 99.5%"\n    minimum: ">= 99%"\n    measured: quarterly\n', 1)


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("quarterly")
    generate(folder / "data", agents=12, contacts_per_month=1500, months=MONTHS)
    path = folder / "contract.yaml"
    path.write_text(QUARTERLY, encoding="utf-8")
    return path, folder / "data"


def _evaluate(path: Path, data: Path, periods):
    contract = load_contract(path)
    return evaluate(contract, load_dataset(data, contract=contract), [parse_period(p) for p in periods])


def test_judged_once_on_the_quarter_in_its_last_month(setup):
    path, data = setup
    assert load_contract(path).kpis["csat"].measured == "quarterly"
    months = _evaluate(path, data, MONTHS)
    quarter = _evaluate(path, data, ["2026-Q1"])
    csat = months.results.query("kpi == 'csat' and grain == 'vendor'").set_index("period")
    q1 = quarter.results.query("kpi == 'csat' and grain == 'vendor'").iloc[0]
    assert csat.loc["2026-03", "value"] == pytest.approx(q1["value"]) and csat.loc["2026-03", "n"] == q1["n"]
    assert csat.loc["2026-03", "status"] == "red" and "2026-Q1" in csat.loc["2026-03", "note"]
    for month, judged in (("2026-01", "2026-03"), ("2026-02", "2026-03"), ("2026-04", "2026-06")):
        assert csat.loc[month, "status"] == "not_measurable"
        assert f"judged in {judged}" in csat.loc[month, "note"] and csat.loc[month, "value"] == csat.loc[month, "value"]
    credits = months.credits.query("kpi == 'csat'").set_index("period")
    charged = {m for m in MONTHS if Decimal(str(credits.loc[m, "credit"])) > 0}
    assert charged == {"2026-03"}
    assert credits.loc["2026-03", "credit"] == Decimal("23040.00")  # 40 % of 12 % of 480,000 EUR
    # agents and teams too: March rows are the quarter's, at every grain
    teams = months.results.query("kpi == 'csat' and grain == 'team_id' and period == '2026-03'")
    assert (teams["note"].str.contains("2026-Q1")).all() and len(teams)


def test_results_keep_each_kpi_and_grain_together_in_period_order(setup):
    path, data = setup
    rows = _evaluate(path, data, MONTHS).results
    blocks = list(dict.fromkeys(zip(rows["kpi"], rows["grain"])))  # each (kpi, grain) one run of rows
    assert [k for k, _ in zip(rows["kpi"], rows["grain"])] == [k for k, g in blocks
                                                             for _ in range(((rows["kpi"] == k) & (rows["grain"] == g)).sum())]
    csat = rows[(rows["kpi"] == "csat") & (rows["grain"] == "vendor")]["period"].tolist()
    assert csat == list(MONTHS)  # March, judged on the quarter and computed apart, stays in its place


def test_measured_must_be_monthly_or_quarterly(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(QUARTERLY.replace("measured: quarterly", "measured: yearly"), encoding="utf-8")
    problems = validate_files([path])
    assert [p.field for p in problems] == ["kpis.csat.measured"] and "quarterly" in problems[0].message


def test_cli_evaluates_a_quarterly_kpi(setup, tmp_path):
    path, data = setup
    assert main(["evaluate", str(path), "--data", str(data), "--period", "2026-02", "--out", str(tmp_path),
                 "-q"]) == 0
    text = (tmp_path / "results.csv").read_text(encoding="utf-8")
    line = next(r for r in text.splitlines() if r.startswith("2026-02,csat,csat,vendor,"))
    assert ",not_measurable," in line


def test_the_workbook_summary_says_why_a_month_is_not_judged(setup, tmp_path):
    import openpyxl

    from scorecard.xlsx import write_xlsx

    path, data = setup
    write_xlsx(_evaluate(path, data, ["2026-01"]), tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True))
    csat = next(r for r in rows if r[1] == "Customer satisfaction")
    assert (csat[5], csat[-1]) == ("Not measurable", "measured quarterly: judged in 2026-03 on 2026-Q1's rows")
