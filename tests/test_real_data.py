"""The product on the two real public exports, through the presets and the CLI, checked against
figures recomputed here with plain pandas from the raw files (issue: real exports)."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from scorecard.cli import main

ROOT = Path(__file__).resolve().parents[1]
PWC = ROOT / "examples" / "data" / "pwc-call-center"
TICKETS = ROOT / "examples" / "data" / "support-tickets" / "customer_support_tickets.csv"


def pwc_raw() -> pd.DataFrame:
    """The csv read as text, converted by hand: times are h.mm.ss, unanswered calls are blank."""
    df = pd.read_csv(PWC / "call-center.csv", dtype=str)
    parts = df["AvgTalkDuration"].str.split(".", expand=True).astype(float)
    return pd.DataFrame({
        "month": df["Date"].str[:7], "agent": df["Agent"],
        "answered": df["Answered (Y/N)"] == "Y", "resolved": df["Resolved"] == "Y",
        "speed": pd.to_numeric(df["Speed of answer in seconds"]),
        "talk": parts[0] * 3600 + parts[1] * 60 + parts[2],
        "rating": pd.to_numeric(df["Satisfaction rating"]),
    })


def expected(group: pd.DataFrame) -> dict[str, float]:
    answered = group[group["answered"]]
    return {
        "answer_rate": group["answered"].mean(),
        "resolution_rate": group["resolved"].mean(),                    # of all calls
        "resolution_rate_answered": answered["resolved"].mean(),         # of answered calls
        "csat": group["rating"].dropna().mean(),                         # mean rating of rated calls
        "average_speed_of_answer": answered["speed"].mean(),
        "average_handle_time": answered["talk"].mean(),
    }


def evaluate(tmp_path: Path, data: Path, *period_args: str) -> dict[tuple, dict]:
    out = tmp_path / "out"
    assert main(["evaluate", str(ROOT / "contracts" / "pwc-call-center.yaml"), "--data", str(data),
                 "--mapping", "pwc-call-center", "--out", str(out), *period_args]) == 0
    return {(r["period"], r["kpi"], r["grain"], r["entity"]): r
            for r in csv.DictReader((out / "results.csv").open())}


@pytest.mark.parametrize("export", ["call-center.csv", "call-center.xlsx"])
def test_pwc_quarter_overall_and_per_agent_match_plain_pandas(export, tmp_path):
    rows = evaluate(tmp_path, PWC / export, "--period", "2021-Q1")
    raw = pwc_raw()
    for kpi, value in expected(raw).items():
        got = rows[("2021-Q1", kpi, "vendor", "Call Center")]
        assert float(got["value"]) == pytest.approx(value, rel=1e-12), kpi
    for agent, group in raw.groupby("agent"):
        for kpi, value in expected(group).items():
            assert float(rows[("2021-Q1", kpi, "agent_id", agent)]["value"]) == pytest.approx(value, rel=1e-12)
    assert float(rows[("2021-Q1", "answer_rate", "vendor", "Call Center")]["value"]) == pytest.approx(0.8108)


def test_pwc_months_match_plain_pandas(tmp_path):
    rows = evaluate(tmp_path, PWC / "call-center.csv", "--from", "2021-01", "--to", "2021-03")
    for month, group in pwc_raw().groupby("month"):
        for kpi, value in expected(group).items():
            assert float(rows[(month, kpi, "vendor", "Call Center")]["value"]) == pytest.approx(value, rel=1e-12)


def test_support_tickets_report_every_impossible_order_and_clear_it(tmp_path):
    out = tmp_path / "out"
    assert main(["evaluate", str(ROOT / "contracts" / "support-tickets.yaml"), "--data", str(TICKETS),
                 "--mapping", "support-tickets", "--period", "2023-06", "--out", str(out)]) == 0
    raw = pd.read_csv(TICKETS, dtype=str)
    first = pd.to_datetime(raw["First Response Time"], format="%d-%m-%y %H:%M")
    resolved = pd.to_datetime(raw["Time to Resolution"], format="%d-%m-%y %H:%M")
    impossible = set((raw.index[resolved < first] + 2).tolist())  # spreadsheet rows: header is row 1
    report = pd.read_csv(out / "data_quality.csv")
    reported = report[(report["column"] == "resolved_at") & report["problem"].str.contains("before")]
    assert impossible and set(reported["row"]) == impossible
    assert (reported["action"] == "cleared").all()
    results = {r["kpi"]: r for r in csv.DictReader((out / "results.csv").open()) if r["grain"] == "vendor"}
    # every dated ticket of June counts in the volume, the 1,364 with an impossible resolution included
    june = (first >= "2023-06-01") & (first < "2023-07-01")
    assert float(results["tickets"]["value"]) == june.sum() == 5475
    # the resolution time sees only closed tickets whose resolution comes after the first response
    clean_closed = ((resolved >= first) & first.notna()).sum()
    assert int(results["resolution_time"]["n"]) == clean_closed - (first[(resolved >= first)] < "2023-06-01").sum()
