"""QA, workforce and cost KPIs against hand-computed cases (KPIS.md conventions 11, 13, 14)."""

import pandas as pd
import pytest

from kpi_helpers import contract, interactions, kpi, run, ts, value
from scorecard.kpis.inputs import InputFacts


def qa_table():
    df = pd.DataFrame({
        "evaluation_id": [f"e{i}" for i in range(7)],
        "interaction_id": ["i1", "i2", "i3", "i4", "i1", "i9", "i9"],
        "agent_id": ["a1", "a1", "a2", "a3", "a1", "a2", "a2"],
        "team_id": ["t1", "t1", "t1", "t2", "t1", "t1", "t1"],
        "evaluator_id": ["q1", "q1", "q2", "q2", "c1", "q1", "q2"],
        "evaluator_side": ["vendor", "vendor", "vendor", "vendor", "client", "vendor", "vendor"],
        "score": [90.0, 80.0, 70.0, 95.0, 84.0, 60.0, 99.0],
        "fatal_error": [False, False, True, False, False, False, False],
        "calibration_session": [None, None, None, None, None, "s1", "s1"],
    })
    df["evaluated_at"] = ts(["2026-03-05T10:00:00"] * 7)
    for c in ("evaluation_id", "interaction_id", "agent_id", "team_id", "evaluator_id", "evaluator_side",
              "calibration_session"):
        df[c] = df[c].astype("string")
    df["fatal_error"] = df["fatal_error"].astype("boolean")
    return df


def test_quality_score_excludes_calibration_and_zeroes_fatal_errors():
    res = run(contract(kpi("quality_score", "qa"), kpi("quality_score", "qa0", params={"fatal_error_zeroes": True}),
                       kpi("quality_score", "qa_v", params={"side": "vendor"})),
              {"qa_evaluations": qa_table()}, grains=["agent_id"])
    assert value(res, "qa").value == pytest.approx((90 + 80 + 70 + 95 + 84) / 5)
    assert value(res, "qa").n == 5
    assert value(res, "qa0").value == pytest.approx((90 + 80 + 0 + 95 + 84) / 5)
    assert value(res, "qa_v").value == pytest.approx((90 + 80 + 70 + 95) / 4)
    assert value(res, "qa", grain="agent_id", entity="a1").value == pytest.approx((90 + 80 + 84) / 3)


def test_a_fatal_error_the_data_checks_cleared_leaves_its_evaluation_out_where_fatal_errors_zero_the_score():
    """The 4th evaluation's fatal_error was unreadable: whether it scores 95 or 0 cannot be told where
    fatal errors zero the score, so it leaves that mean; without that clause its score counts."""
    table = qa_table()
    table.loc[3, "fatal_error"] = pd.NA  # the loader clears the cell and marks it
    cleared = pd.DataFrame({"fatal_error": [False, False, False, True, False, False, False]})
    res = run(contract(kpi("quality_score", "qa"), kpi("quality_score", "qa0", params={"fatal_error_zeroes": True})),
              {"qa_evaluations": table}, facts=InputFacts(cleared={"qa_evaluations": cleared}))
    assert value(res, "qa0").value == pytest.approx((90 + 80 + 0 + 84) / 4) and value(res, "qa0").n == 4
    assert value(res, "qa").value == pytest.approx((90 + 80 + 70 + 95 + 84) / 5)


def test_agents_meeting_quality_uses_each_agents_mean():
    k = kpi("agents_meeting_quality", "amq", params={"threshold": 85})
    res = run(contract(k), {"qa_evaluations": qa_table()}, grains=["team_id"])
    # a1 mean 84.67 < 85, a2 70, a3 95 -> 1 of 3 evaluated agents
    r = value(res, "amq")
    assert r.value == pytest.approx(1 / 3) and r.n == 3
    assert value(res, "amq", grain="team_id", entity="t2").value == pytest.approx(1.0)


def test_qa_audit_variance_pairs_vendor_and_client_scores():
    r = value(run(contract(kpi("qa_audit_variance", "audit")), {"qa_evaluations": qa_table()}), "audit")
    assert r.value == pytest.approx(abs(90 - 84)) and r.n == 1


def test_qa_error_rate_from_items():
    items = pd.DataFrame({"evaluation_id": pd.array(["e0", "e0", "e1", "e1"], dtype="string"),
                          "item": pd.array(["greet", "refund rule", "greet", "refund rule"], dtype="string"),
                          "category": pd.array(["soft skills", "process", "soft skills", "process"], dtype="string"),
                          "points": [5.0, 0.0, 5.0, 10.0], "max_points": [5.0, 10.0, 5.0, 10.0],
                          "failed": pd.array([False, True, False, False], dtype="boolean")})
    res = run(contract(kpi("qa_error_rate", "qer"), kpi("qa_error_rate", "qer_p", params={"category": "process"})),
              {"qa_evaluations": qa_table(), "qa_items": items})
    assert value(res, "qer").value == pytest.approx(1 / 4)
    assert value(res, "qer_p").value == pytest.approx(1 / 2)


def workforce():
    df = pd.DataFrame({"team_id": pd.array(["t1", "t1", "t2"], dtype="string"),
                       "forecast_contacts": [100.0, 50.0, 80.0], "actual_contacts": [110.0, 40.0, 80.0],
                       "required_hours": [10.0, 5.0, 8.0], "scheduled_hours": [9.0, 5.0, 8.0],
                       "paid_hours": [10.0, 6.0, 8.0], "handling_hours": [8.0, 4.0, 6.0]})
    df["interval_start"] = ts(["2026-03-02T09:00:00", "2026-03-02T09:30:00", "2026-03-02T09:00:00"])
    return df


def test_workforce_ratios_and_forecast_accuracy():
    res = run(contract(kpi("utilization"), kpi("staffing_to_forecast"), kpi("forecast_accuracy")),
              {"workforce": workforce()}, grains=["team_id"])
    assert value(res, "utilization").value == pytest.approx(18 / 24) and value(res, "utilization").n == 3
    assert value(res, "staffing_to_forecast").value == pytest.approx(22 / 23)
    # 1 - (10 + 10 + 0) / 230 : absolute errors per row, not per period
    assert value(res, "forecast_accuracy").value == pytest.approx(1 - 20 / 230)
    assert value(res, "forecast_accuracy", grain="team_id", entity="t1").value == pytest.approx(1 - 20 / 150)


def test_cost_per_handled_contact_and_per_paid_hour():
    df = interactions(interaction_id=list("abc"), channel=["voice", "voice", "email"],
                      created_at=["2026-03-03T09:00:00"] * 3,
                      answered_at=["2026-03-03T09:00:10", None, None],
                      first_response_at=[None, None, "2026-03-03T10:00:00"])
    costs = pd.DataFrame({"period": pd.array(["2026-03", "2026-03"], dtype="string"), "amount": [100.0, 20.0],
                          "currency": pd.array(["EUR", "EUR"], dtype="string")})
    res = run(contract(kpi("cost_per_unit", "cpc"), kpi("cost_per_unit", "cph", params={"unit": "paid_hours"})),
              {"interactions": df, "costs": costs, "workforce": workforce()}, grains=["agent_id"])
    cpc = value(res, "cpc")
    assert cpc.value == pytest.approx(120 / 2) and cpc.n == 2
    assert value(res, "cph").value == pytest.approx(120 / 24)
    assert not (res.kpi == "cpc").sum() > 1  # cost per unit exists at grain vendor only


def calibration_table():
    df = pd.DataFrame({
        "evaluation_id": [f"k{i}" for i in range(8)],
        "interaction_id": ["x"] * 4 + ["y"] * 4,
        "agent_id": ["a1"] * 4 + ["a2"] * 4,
        "team_id": ["t1"] * 4 + ["t2"] * 4,
        "evaluator_id": ["ref", "q1", "q2", "q3", "q1", "q2", "q3", "q4"],
        "score": [80.0, 85.0, 74.0, 81.0, 70.0, 60.0, 90.0, 72.0],
        "calibration_session": ["s1"] * 4 + ["s2"] * 4,
        "is_reference": [True, False, False, False, False, False, False, False],
    })
    # the reference of s1 is dated in February: looked up across the whole session
    df["evaluated_at"] = ts(["2026-02-27T10:00:00"] + ["2026-03-02T10:00:00"] * 7)
    for c in ("evaluation_id", "interaction_id", "agent_id", "team_id", "evaluator_id", "calibration_session"):
        df[c] = df[c].astype("string")
    df["is_reference"] = df["is_reference"].astype("boolean")
    return df


def test_calibration_within_tolerance_and_variance():
    ks = [kpi("calibration_within_tolerance", "cal", params={"tolerance": 5}),
          kpi("calibration_variance", "calv", params={"tolerance": 5}),
          kpi("calibration_within_tolerance", "cal_cons", params={"tolerance": 5, "reference": "consensus"})]
    res = run(contract(*ks), {"qa_evaluations": calibration_table()}, grains=["evaluator_id", "team_id"])
    # s1 deviations from 80: +5 (inclusive: within), -6, +1; s2 has no reference: not pairable
    cal = value(res, "cal")
    assert cal.value == pytest.approx(2 / 3) and cal.n == 3
    assert value(res, "calv").value == pytest.approx((5 + 6 + 1) / 3)
    assert value(res, "cal", grain="evaluator_id", entity="q2").value == 0.0
    assert value(res, "cal", grain="team_id", entity="t1").n == 3
    # consensus: s2's median of 60, 70, 72, 90 is 71 -> deviations -1, -11, +19, +1 -> 2 of 4 within
    cons = value(res, "cal_cons")
    assert cons.value == pytest.approx((2 + 2) / 7) and cons.n == 7


def test_contacts_per_customer_and_cost_per_resolved_contact():
    df = interactions(interaction_id=list("abcd"), channel=["voice", "voice", "email", "self_service"],
                      created_at=["2026-03-03T09:00:00"] * 4,
                      answered_at=["2026-03-03T09:00:10", "2026-03-03T09:00:10", None, None],
                      first_response_at=[None, None, "2026-03-03T10:00:00", None],
                      resolved=[True, False, True, True])
    volumes = pd.DataFrame({"period": pd.array(["2026-03"], dtype="string"), "bookings": [10.0],
                            "active_customers": [8.0]})
    costs = pd.DataFrame({"period": pd.array(["2026-03"], dtype="string"), "amount": [90.0],
                          "currency": pd.array(["EUR"], dtype="string")})
    res = run(contract(kpi("contacts_per_customer", "cpc"),
                       kpi("cost_per_unit", "cpr", params={"unit": "resolved_contacts"})),
              {"interactions": df, "volumes": volumes, "costs": costs})
    cpc = value(res, "cpc")
    assert cpc.value == pytest.approx(4 / 8) and cpc.n == 4
    cpr = value(res, "cpr")  # resolved contacts: a, c and the self-service d
    assert cpr.value == pytest.approx(90 / 3) and cpr.n == 3


def test_actual_contacts_are_counted_from_interactions_when_absent():
    wf = workforce().drop(columns=["actual_contacts"])
    # t1 09:00-09:30 gets 2 voice contacts (09:10, 09:29:59), t1 09:30-10:00 gets 1, t2 none
    df = interactions(interaction_id=list("abcde"), channel=["voice"] * 5,
                      created_at=["2026-03-02T09:10:00", "2026-03-02T09:29:59", "2026-03-02T09:30:00",
                                  "2026-03-02T08:59:59", "2026-03-02T09:05:00"],
                      team_id=["t1", "t1", "t1", "t1", "t3"])
    res = run(contract(kpi("forecast_accuracy")), {"workforce": wf, "interactions": df})
    # actual 2, 1, 0 against forecast 100, 50, 80: 1 - (98 + 49 + 80) / 3
    assert value(res, "forecast_accuracy").value == pytest.approx(1 - 227 / 3)
