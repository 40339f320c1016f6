"""Data-quality families end to end through the CLI: cleared cells keep the contact, plausibility
warnings reach data_quality.csv and stderr, costs and volumes, absurd durations, no row left -> exit 2.
Expected values are computed by hand from the small files written here."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.data.plausibility import cautions

KPIS = """
  volume: {metric: volume}
  answer_rate: {metric: answer_rate, target: ">= 80%"}
  aht: {metric: average_handle_time, target: "<= 5m"}
  csat: {metric: csat, params: {method: mean}, target: ">= 3.5"}
"""


def contract(tmp_path: Path, kpis: str = KPIS) -> Path:
    path = tmp_path / "contract.yaml"
    path.write_text(textwrap.dedent("""
        contract:
          id: dq-test
          client: Client
          vendor: Vendor
          currency: CHF
          timezone: Europe/Zurich
        kpis:
        """) + textwrap.indent(textwrap.dedent(kpis).strip(), "  ") + "\n", encoding="utf-8")
    return path


def calls(rows: list[str], header: str = "interaction_id,channel,created_at,answered_at,handle_time_s,csat") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def evaluate(tmp_path: Path, files: dict[str, str], kpis: str = KPIS) -> tuple[int, dict, pd.DataFrame]:
    """(exit code, vendor results by kpi id, data_quality.csv); stderr is left to capsys."""
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["evaluate", str(contract(tmp_path, kpis)), "--data", str(data), "--out", str(out),
                 "--period", "2026-03"])
    if code != 0:
        return code, {}, pd.DataFrame()
    results = {r["kpi"]: r for r in csv.DictReader((out / "results.csv").open()) if r["grain"] == "vendor"}
    return code, results, pd.read_csv(out / "data_quality.csv", dtype={"row": "int64"})


def answered_call(i: int, csat: str = "4", handle: str = "300") -> str:
    return f"C{i},voice,2026-03-02 09:{i:02d}:00,2026-03-02 09:{i:02d}:20,{handle},{csat}"


def test_a_text_csat_on_every_row_keeps_every_contact(tmp_path, capsys):
    rows = [answered_call(i, csat=word) for i, word in enumerate(["good", "bad", "ok", "good"])]
    rows.append("C9,voice,2026-03-02 10:00:00,,,")  # an unanswered call
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows)})
    assert code == 0
    assert float(results["volume"]["value"]) == 5  # no contact lost to the unreadable survey column
    assert (float(results["answer_rate"]["value"]), int(results["answer_rate"]["n"])) == (0.8, 5)
    assert float(results["aht"]["value"]) == 300
    assert (results["csat"]["value"], results["csat"]["n"]) == ("", "0")  # no readable answer
    assert set(zip(quality["row"], quality["column"], quality["action"])) == {
        (r, "csat", "cleared") for r in (2, 3, 4, 5)}
    assert quality["problem"].iloc[0] == "csat 'good' is not a number"
    err = capsys.readouterr().err
    assert "80% of the interactions rows (4 of 5)" in err and "had a value cleared (4)" in err


def test_a_survey_on_1_10_is_read_with_the_declared_scale(tmp_path, capsys):
    answers = ["9", "10", "6", "8", "3"]
    rows = [answered_call(i, csat=a) for i, a in enumerate(answers)]
    # without a scale: 1-5 is assumed, the four answers above 5 are cleared and a warning says why; the
    # one answer left would be an exact and wrong CSAT, so the KPI is not measurable (never red, no credit)
    code, results, quality = evaluate(tmp_path / "default", {"interactions.csv": calls(rows)})
    assert code == 0 and results["csat"]["value"] == "" and results["csat"]["status"] == "not_measurable"
    assert float(results["aht"]["value"]) == 300  # the other KPIs are scored
    warning = quality[quality["action"] == "warning"]
    assert warning[["row", "column"]].values.tolist() == [[0, "csat"]]
    assert warning["problem"].iloc[0].startswith("4 of 5 csat values (80%) are outside the scale 1-5")
    assert "(scale: 1-10)" in warning["problem"].iloc[0]
    assert "warning: interactions.csat: 4 of 5 csat values" in capsys.readouterr().err
    # with `scale: 1-10` on the KPI, every answer counts: mean (9+10+6+8+3)/5 = 7.2
    kpis = KPIS.replace("params: {method: mean}", "params: {method: mean, scale: 1-10}")
    code, results, quality = evaluate(tmp_path / "declared", {"interactions.csv": calls(rows)}, kpis)
    assert code == 0 and float(results["csat"]["value"]) == pytest.approx(7.2)
    assert quality.empty


@pytest.mark.parametrize("handles, start", [
    (["3", "4", "5.5", "2"], "the median voice handle time is 3.5 s over 4 calls: durations that look like minutes"),
    (["0.0017", "0.0035", "0.002", "0"], "every handle_time_s is below 1 second (largest 0.0035): durations that look like fractions of a day"),
    (["0.0017", "", "0.002", "0"], "every handle_time_s is below 1 second (largest 0.002): durations that look like fractions of a day"),
])
def test_durations_in_another_unit_are_a_warning(tmp_path, capsys, handles, start):
    rows = [answered_call(i, handle=h) for i, h in enumerate(handles)]
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows)})
    assert code == 0 and float(results["volume"]["value"]) == 4  # the contacts are kept
    assert results["aht"]["status"] == "not_measurable"  # "3.5 s, green" would be exact and wrong
    assert "the KPIs measuring it are not measurable until then" in quality["problem"].iloc[0]
    assert quality[["row", "column", "action"]].values.tolist() == [[0, "handle_time_s", "warning"]]
    assert quality["problem"].iloc[0].startswith(start)
    assert f"warning: interactions.handle_time_s: {start}" in capsys.readouterr().err


def test_a_1_10_scale_whose_answers_never_pass_5_is_not_scored(tmp_path, capsys):
    rows = [answered_call(i, csat=str(1 + i % 5)) for i in range(25)]
    kpis = KPIS.replace("params: {method: mean}", "params: {scale: 1-10, satisfied: [9, 10]}").replace(
        '">= 3.5"', '">= 80%"')
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows)}, kpis)
    assert code == 0 and results["csat"]["status"] == "not_measurable"  # not "0 % satisfied, red"
    assert "none of its 25 answers is above 5" in capsys.readouterr().err


def test_plausible_handle_times_give_no_warning(tmp_path):
    rows = [answered_call(i, handle=h) for i, h in enumerate(["25", "40", "600", "0.5"])]  # median 32.5 s
    assert evaluate(tmp_path, {"interactions.csv": calls(rows)})[2].empty


def test_dates_without_times_warn_only_when_a_kpi_needs_the_time(tmp_path, capsys):
    rows = [f"C{i},email,2026-03-0{i + 1},2026-03-0{i + 2}" for i in range(3)]
    text = calls(rows, header="interaction_id,channel,created_at,first_response_at")
    timed = KPIS + '  frt: {metric: first_response_time, target: "<= 1d"}\n'
    code, _, quality = evaluate(tmp_path / "timed", {"interactions.csv": text}, timed)
    assert code == 0
    assert quality[["row", "column", "action"]].values.tolist() == [[0, "created_at", "warning"],
                                                                     [0, "first_response_at", "warning"]]
    assert "every created_at is at midnight (00:00)" in quality["problem"].iloc[0]
    assert "yet frt measure time between timestamps" in quality["problem"].iloc[0]
    assert "warning: interactions.first_response_at: every first_response_at is at midnight" in capsys.readouterr().err
    assert evaluate(tmp_path / "counts", {"interactions.csv": text})[2].empty  # volume needs only dates


def test_negative_cost_lines_count_and_repeated_lines_do_not(tmp_path, capsys):
    rows = [answered_call(i) for i in range(4)]
    costs = ("period,amount,currency,category\n"
             "2026-03,1000,CHF,fee\n"          # 2
             "2026-03,-100,CHF,discount\n"     # 3 a credit note: part of the cost (warning)
             "2026-03,1000,CHF,fee\n"          # 4 identical to row 2: quarantined
             "2026-03,1000,CHF,overtime\n")    # 5 same amount, another category: a genuine line
    volumes = "period,bookings\n2026-03,40\n2026-03,40\n"  # the second row is quarantined, not summed
    kpis = KPIS + '  cost: {metric: cost_per_unit, target: "<= 1000"}\n  cpb: {metric: contacts_per_booking, target: "<= 0.5"}\n'
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows), "costs.csv": costs,
                                                    "volumes.csv": volumes}, kpis)
    assert code == 0
    assert float(results["cost"]["value"]) == (1000 - 100 + 1000) / 4  # 4 handled contacts
    assert float(results["cpb"]["value"]) == 4 / 40
    got = {(t, r): (c, a, p) for t, r, c, a, p in quality[["table", "row", "column", "action", "problem"]].values}
    assert got == {
        ("costs", 3): ("amount", "warning", "negative cost line -100 (a credit note or discount?): counted in the period's cost"),
        ("costs", 4): ("amount", "quarantined", "cost line identical in every column to row 2: counted once "
                                                "(a genuine second line carries its own category or description)"),
        ("volumes", 3): ("period", "quarantined", "second volumes row for period 2026-03 (the first is row 2): "
                                                  "not summed; keep one row per month"),
    }
    assert "warning: costs.amount: 1 row(s), first row 3: negative cost line -100" in capsys.readouterr().err


def test_a_cost_line_in_another_currency_makes_its_month_not_measurable(tmp_path):
    """Adding 100 USD to CHF costs, or leaving it out, would both give a wrong cost per contact."""
    rows = [answered_call(i) for i in range(4)]
    costs = "period,amount,currency,category\n2026-03,1000,CHF,fee\n2026-03,100,USD,licence\n"
    kpis = KPIS + '  cost: {metric: cost_per_unit, target: "<= 1000"}\n'
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows), "costs.csv": costs}, kpis)
    assert code == 0
    assert results["cost"]["value"] == "" and results["cost"]["status"] == "not_measurable"
    row = quality[quality["table"] == "costs"].iloc[0]
    assert (row["row"], row["column"], row["action"]) == (3, "amount", "cleared")
    assert row["problem"].startswith("currency USD differs from the contract currency CHF")


def test_an_absurd_wait_is_cleared_and_the_call_still_offered(tmp_path):
    header = "interaction_id,channel,created_at,answered_at,abandoned,wait_s,handle_time_s,csat"
    rows = ["A1,voice,2026-03-02 09:00,,yes,1e12,,",  # a broken timer: 31,700 years in the queue
            "A2,voice,2026-03-02 09:00,2026-03-02 09:00:20,no,20,300,4",
            "A3,voice,2026-03-02 09:05,2026-03-02 09:05:30,no,30,90000,5"]  # handle time over 24 h
    kpis = KPIS + '  asa: {metric: average_speed_of_answer, target: "<= 60s"}\n'
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls(rows, header)}, kpis)
    assert code == 0
    assert (float(results["answer_rate"]["value"]), int(results["answer_rate"]["n"])) == (pytest.approx(2 / 3), 3)
    assert float(results["aht"]["value"]) == 300  # the 25-hour call is left out of AHT only
    assert float(results["asa"]["value"]) == 25
    assert quality[["row", "column", "problem", "action"]].values.tolist() == [
        [2, "wait_s", "wait_s 1e+12 is more than 7 days", "cleared"],
        [4, "handle_time_s", "handle_time_s 90000 is more than 24 h", "cleared"]]


def test_no_interactions_row_left_is_exit_2_with_the_top_reasons(tmp_path, capsys):
    rows = ["A1,voice,yesterday,,,", "A2,voice,2026-03-32,,,", "A3,fax,2026-03-02 09:00,,,", ",voice,2026-03-02,,,"]
    code, _, _ = evaluate(tmp_path, {"interactions.csv": calls(rows)})
    assert code == 2
    err = capsys.readouterr().err
    assert "interactions.csv: no interactions row is left: all 4 were quarantined. Top reasons: created_at: 2 row(s), " \
           "e.g. row 2: created_at 'yesterday' is not a readable timestamp" in err
    assert "; channel: 1 row(s), e.g. row 4: unknown channel 'fax'" in err
    assert "; interaction_id: 1 row(s), e.g. row 5: interaction_id is empty (required)" in err
    assert "hint: check that the mapping reads the right columns" in err and "Traceback" not in err


def test_cautions_name_the_table_and_the_share(tmp_path):
    (tmp_path / "interactions.csv").write_text(calls([answered_call(i, csat="9" if i < 2 else "4")
                                                      for i in range(10)]), encoding="utf-8")
    ds = load_dataset(tmp_path, contract=load_contract(contract(tmp_path)))
    (caution,) = cautions(ds)
    assert (caution.table, caution.share) == ("interactions", 0.2)
    assert caution.text.startswith("20% of the interactions rows (2 of 10) had a value cleared (2): the KPIs rest on less data")
    (tmp_path / "interactions.csv").write_text(calls([answered_call(i, csat="9" if i < 1 else "4")
                                                      for i in range(10)]), encoding="utf-8")
    assert cautions(load_dataset(tmp_path, contract=load_contract(contract(tmp_path)))) == []  # 10 %: not more


def test_qa_scores_written_as_shares_are_a_warning(tmp_path):
    qa = ("evaluation_id,interaction_id,agent_id,evaluator_id,evaluated_at,score\n"
          "E1,C1,ag,ev,2026-03-03,0.92\nE2,C2,ag,ev,2026-03-04,0.85\n")
    kpis = KPIS + '  qa: {metric: quality_score, target: ">= 85"}\n'
    code, results, quality = evaluate(tmp_path, {"interactions.csv": calls([answered_call(1)]),
                                                 "qa_evaluations.csv": qa}, kpis)
    assert code == 0 and results["qa"]["status"] == "not_measurable"  # 0.885 against ">= 85" would be red
    assert quality[["table", "row", "column", "action"]].values.tolist() == [["qa_evaluations", 0, "score", "warning"]]
    assert quality["problem"].iloc[0].startswith("every QA score is between 0 and 1 (largest 0.92)")


def test_an_answer_time_derived_from_an_absurd_wait_is_cleared_with_it(tmp_path):
    """pwc-call-center derives answered_at = created_at + wait_s: a 10,000,000 s wait (116 days) fits the
    timestamp range, so the answer time is bounded like the wait, and the ASA is not 116 days."""
    text = ("Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,"
            "AvgTalkDuration,Satisfaction rating\n"
            "ID1,Diane,2026-03-02,9:12:58,Contract related,Y,Y,10000000,0:02:23,3\n"
            "ID2,Diane,2026-03-02,9:13:58,Contract related,Y,Y,30,0:02:23,4\n")
    (tmp_path / "calls.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    kpis = KPIS + '  asa: {metric: average_speed_of_answer, target: "<= 60s"}\n'
    assert main(["evaluate", str(contract(tmp_path, kpis)), "--data", str(tmp_path / "calls.csv"), "--mapping",
                 "pwc-call-center", "--out", str(out), "--period", "2026-03"]) == 0
    quality = pd.read_csv(out / "data_quality.csv")
    assert quality[["row", "column", "action"]].values.tolist() == [[2, "answered_at", "cleared"], [2, "wait_s", "cleared"]]
    assert quality["problem"].tolist() == ["answered_at 2026-06-26 03:59:38 is more than 7 days after created_at "
                                           "2026-03-02 09:12:58", "wait_s 1e+07 is more than 7 days"]
    results = {r["kpi"]: r for r in csv.DictReader((out / "results.csv").open()) if r["grain"] == "vendor"}
    assert (float(results["asa"]["value"]), results["asa"]["n"]) == (30, "1")
