"""Efficiency KPIs against cases computed by hand (KPIS.md formulas and conventions)."""

import math

import pytest

from kpi_helpers import contract, interactions, kpi, run, value


def voice_calls():
    # 6 voice calls in March: waits 10 s, 20 s (edge: within), 25 s answered; abandons after 3 s
    # (short), 5 s (not short: strictly less only) and 40 s.
    return interactions(
        interaction_id=[f"c{i}" for i in range(6)],
        channel=["voice"] * 6,
        created_at=["2026-03-02T10:00:00"] * 6,
        answered_at=["2026-03-02T10:00:10", "2026-03-02T10:00:20", "2026-03-02T10:00:25", None, None, None],
        abandoned_at=[None, None, None, "2026-03-02T10:00:03", "2026-03-02T10:00:05", "2026-03-02T10:00:40"],
        handle_time_s=[300.0, 400.0, None, None, None, None],
    )


def test_service_level_offered_excludes_short_abandons_and_threshold_is_inclusive():
    k = kpi("service_level", "sl", params={"threshold": "20s", "exclude_abandoned_within": "5s"})
    r = value(run(contract(k), {"interactions": voice_calls()}), "sl")
    # within 20 s: 2 (10 s and 20 s); offered 6 - 1 short abandon = 5
    assert r.value == pytest.approx(2 / 5) and r.n == 5


@pytest.mark.parametrize("formula, expected, n", [
    ("answered", 2 / 3, 3),
    ("abandoned_in_threshold_met", (2 + 2) / 6, 6),   # abandons within 20 s: 3 s and 5 s
    ("abandoned_after_threshold", 2 / (3 + 1), 4),    # answered + abandoned after 20 s (40 s)
])
def test_service_level_formulas(formula, expected, n):
    k = kpi("service_level", "sl", params={"threshold": "20s", "formula": formula})
    r = value(run(contract(k), {"interactions": voice_calls()}), "sl")
    assert r.value == pytest.approx(expected) and r.n == n


def test_asa_abandonment_answer_rate_aht():
    ks = [kpi("average_speed_of_answer", "asa"), kpi("abandonment_rate", "ab", params={"exclude_within": "5s"}),
          kpi("answer_rate", "ar"), kpi("average_handle_time", "aht"),
          kpi("average_speed_of_answer", "asa_med", statistic="median")]
    res = run(contract(*ks), {"interactions": voice_calls()})
    assert value(res, "asa").value == pytest.approx((10 + 20 + 25) / 3)
    assert value(res, "asa_med").value == pytest.approx(20)
    ab = value(res, "ab")
    assert ab.value == pytest.approx(2 / 5) and ab.n == 5  # 3 s abandon leaves both sides
    assert value(res, "ar").value == pytest.approx(3 / 6)
    aht = value(res, "aht")  # empty handle time is not 0; abandons are not handled
    assert aht.value == pytest.approx(350) and aht.n == 2


def test_seed_example_ten_hours_over_hundred_requests_is_six_minutes():
    n = 100
    df = interactions(interaction_id=[f"e{i}" for i in range(n)], channel=["email"] * n,
                      created_at=["2026-03-03T09:00:00"] * n, first_response_at=["2026-03-03T09:06:00"] * n)
    r = value(run(contract(kpi("first_response_time", "frt")), {"interactions": df}), "frt")
    assert r.value == pytest.approx(10 * 3600 / 100) == 360


def test_percentiles_interpolate_linearly():
    waits = [10, 20, 30, 40]
    df = interactions(interaction_id=list("abcd"), channel=["chat"] * 4, created_at=["2026-03-03T09:00:00"] * 4,
                      first_response_at=[f"2026-03-03T09:00:{w:02d}" for w in waits])
    r = value(run(contract(kpi("first_response_time", "p90", statistic="p90")), {"interactions": df}), "p90")
    assert r.value == pytest.approx(37.0)  # 30 + 0.7 * 10


def test_live_first_response_falls_back_to_answered_at_row_by_row():
    df = interactions(interaction_id=["a", "b"], channel=["chat", "chat"], created_at=["2026-03-03T09:00:00"] * 2,
                      answered_at=["2026-03-03T09:00:30", "2026-03-03T09:00:40"],
                      first_response_at=["2026-03-03T09:01:00", None])
    r = value(run(contract(kpi("first_response_time", "frt")), {"interactions": df}), "frt")
    assert r.value == pytest.approx((60 + 40) / 2)


def test_wait_s_gives_answered_and_abandoned_times():
    df = interactions(interaction_id=["a", "b", "c"], channel=["voice"] * 3, created_at=["2026-03-03T09:00:00"] * 3,
                      wait_s=[15.0, 50.0, 2.0], abandoned=[False, False, True])
    k = kpi("service_level", "sl", params={"threshold": "20s", "exclude_abandoned_within": "5s"})
    res = run(contract(k, kpi("average_speed_of_answer", "asa")), {"interactions": df})
    assert value(res, "sl").value == pytest.approx(1 / 2)
    assert value(res, "asa").value == pytest.approx(32.5)


def test_turnaround_solution_and_resolution_times():
    df = interactions(interaction_id=["a", "b", "c"], channel=["email", "email", "self_service"],
                      created_at=["2026-03-03T09:00:00"] * 3,
                      assigned_at=["2026-03-03T10:00:00", None, None],
                      first_response_at=["2026-03-03T12:00:00", "2026-03-03T13:00:00", None],
                      first_solution_at=["2026-03-03T12:00:00", None, None],
                      resolved_at=["2026-03-04T09:00:00", None, "2026-03-03T09:30:00"],
                      resolved=[False, True, True])
    res = run(contract(kpi("turnaround_time", "tat"), kpi("time_to_first_solution", "tfs"),
                       kpi("total_resolution_time", "trt")), {"interactions": df})
    assert value(res, "tat").value == pytest.approx(2 * 3600)
    assert value(res, "tfs").value == pytest.approx(3 * 3600)
    # resolved_at whatever the flag; self_service rows with resolved_at count
    assert value(res, "trt").value == pytest.approx((24 * 3600 + 1800) / 2)


def test_resolution_transfer_rates_and_of_offered():
    df = interactions(interaction_id=list("abcd"), channel=["voice", "voice", "voice", "email"],
                      created_at=["2026-03-03T09:00:00"] * 4,
                      answered_at=["2026-03-03T09:00:10", "2026-03-03T09:00:10", None, None],
                      first_response_at=[None, None, None, "2026-03-03T10:00:00"],
                      resolved=[True, False, False, True], transferred=[True, False, False, False])
    res = run(contract(kpi("resolution_rate", "rr"), kpi("resolution_rate", "rr_all", params={"of": "offered"}),
                       kpi("transfer_rate", "tr")), {"interactions": df})
    assert value(res, "rr").value == pytest.approx(2 / 3)  # handled: a, b, d
    assert value(res, "rr_all").value == pytest.approx(2 / 4)
    assert value(res, "tr").value == pytest.approx(1 / 3)


def test_not_measurable_names_the_missing_column_never_zero():
    df = interactions(interaction_id=["a"], channel=["voice"], created_at=["2026-03-03T09:00:00"],
                      answered_at=["2026-03-03T09:00:10"])
    r = value(run(contract(kpi("transfer_rate", "tr")), {"interactions": df}), "tr")
    assert math.isnan(r.value) and "transferred" in r.note
    r = value(run(contract(kpi("quality_score", "qa")), {"interactions": df}), "qa")
    assert "qa_evaluations" in r.note


def test_empty_group_gives_a_vendor_row_with_no_observation():
    df = interactions(interaction_id=["a"], channel=["voice"], created_at=["2026-03-03T09:00:00"],
                      answered_at=["2026-03-03T09:00:10"])
    r = value(run(contract(kpi("first_response_time", "frt", filter={"channel": ("email",)})),
                  {"interactions": df}), "frt")
    assert math.isnan(r.value) and r.n == 0 and r.note == ""
