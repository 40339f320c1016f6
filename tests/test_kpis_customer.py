"""FCR, repeat contacts, backlog, surveys, volumes, grains and periods: hand-computed cases."""


import pandas as pd
import pytest

from kpi_helpers import contract, interactions, kpi, run, value


def test_seed_example_80_of_100_resolved_at_first_contact():
    n = 100
    df = interactions(interaction_id=[f"i{k}" for k in range(n)], channel=["voice"] * n,
                      created_at=["2026-03-03T09:00:00"] * n, answered_at=["2026-03-03T09:00:10"] * n,
                      resolved_first_contact=[k < 80 for k in range(n)])
    r = value(run(contract(kpi("first_contact_resolution", "fcr")), {"interactions": df}), "fcr")
    assert r.value == pytest.approx(0.80) and r.n == 100


def repeat_data():
    return interactions(
        interaction_id=list("abcdefg"),
        channel=["voice", "email", "voice", "chat", "voice", "voice", "self_service"],
        customer_id=["c1", "c1", "c2", "c2", "c3", None, "c3"],
        reason=["refund", "refund", "baggage", "refund", None, "refund", "refund"],
        created_at=["2026-03-28T10:00:00",   # a: repeated by b (same reason, 4 days, crosses the month)
                    "2026-04-01T10:00:00",
                    "2026-03-10T10:00:00",   # c: d has another reason -> not a repeat
                    "2026-03-11T10:00:00",
                    "2026-03-20T10:00:00",   # e: no reason -> any later contact counts: g (self-service)
                    "2026-03-20T10:00:00",   # f: no customer -> out of the denominator
                    "2026-03-27T10:00:00"],
        answered_at=["2026-03-28T10:00:10", None, "2026-03-10T10:00:10", "2026-03-11T10:00:05",
                     "2026-03-20T10:00:10", "2026-03-20T10:00:10", None],
        first_response_at=[None, "2026-04-01T12:00:00", None, None, None, None, None])


def test_fcr_by_repeat_contacts_crosses_month_boundaries():
    k = kpi("first_contact_resolution", "fcr", params={"repeat_window": "7d"})
    r = value(run(contract(k, kpi("repeat_contact_rate", "rcr")), {"interactions": repeat_data()}), "fcr")
    # March handled with customer: a, c, d, e; repeated: a (by b), e (by g, 7 days: inclusive)
    assert r.value == pytest.approx(2 / 4) and r.n == 4
    # windows of March contacts end by 4 April 10:00 > latest created_at (1 April): provisional
    assert bool(r.provisional)


def test_repeat_contact_rate_is_one_minus_fcr():
    res = run(contract(kpi("first_contact_resolution", "fcr"), kpi("repeat_contact_rate", "rcr")),
              {"interactions": repeat_data()})
    assert value(res, "rcr").value == pytest.approx(1 - value(res, "fcr").value)


def test_fcr_final_when_windows_are_closed():
    df = repeat_data()
    later = interactions(interaction_id=["z"], channel=["voice"], customer_id=["c9"], reason=["x"],
                         created_at=["2026-05-30T10:00:00"], answered_at=["2026-05-30T10:00:10"],
                         first_response_at=[None])
    res = run(contract(kpi("first_contact_resolution", "fcr")), {"interactions": pd.concat([df, later])})
    assert not bool(value(res, "fcr").provisional)


def test_backlog_counts_async_open_at_period_end():
    df = interactions(
        interaction_id=list("abcde"), channel=["email", "email", "email", "voice", "social"],
        created_at=["2026-02-10T10:00:00", "2026-03-31T23:30:00", "2026-03-05T10:00:00",
                    "2026-03-05T10:00:00", "2026-04-01T00:30:00"],
        resolved_at=[None, "2026-04-02T10:00:00", "2026-03-31T10:00:00", None, None])
    r = value(run(contract(kpi("backlog", "bl")), {"interactions": df}), "bl")
    # a (open since Feb) and b (resolved after the period end); voice never; e created after the end
    assert r.value == 2 and r.n == 2


def test_csat_dsat_nps_ces_servqual():
    df = interactions(interaction_id=list("abcdef"), channel=["voice"] * 6,
                      created_at=["2026-03-03T09:00:00"] * 6,
                      csat=[5, 4, 3, 2, 1, None], nps=[10, 9, 8, 7, 6, 0], ces=[1, 2, 3, None, None, None],
                      servqual_reliability=[8, 6, None, None, None, None],
                      servqual_empathy=[10, None, None, None, None, None])
    ks = [kpi("csat"), kpi("dsat"), kpi("nps"), kpi("customer_effort_score", "ces"),
          kpi("csat", "csat_mean", params={"method": "mean"}), kpi("servqual"),
          kpi("servqual", "sq_rel", params={"dimension": "reliability"})]
    res = run(contract(*ks), {"interactions": df})
    assert value(res, "csat").value == pytest.approx(2 / 5) and value(res, "csat").n == 5
    assert value(res, "dsat").value == pytest.approx(2 / 5)
    assert value(res, "nps").value == pytest.approx((2 / 6 - 2 / 6) * 100)  # 2 promoters, 2 detractors
    assert value(res, "csat_mean").value == pytest.approx(3.0)
    assert value(res, "ces").value == pytest.approx(2.0)
    assert value(res, "servqual").value == pytest.approx(8.0)
    assert value(res, "sq_rel").value == pytest.approx(7.0)


def test_nps_from_promoters_minus_detractors():
    scores = [10] * 50 + [8] * 30 + [3] * 20
    df = interactions(interaction_id=[str(i) for i in range(100)], channel=["chat"] * 100,
                      created_at=["2026-03-03T09:00:00"] * 100, nps=scores)
    assert value(run(contract(kpi("nps")), {"interactions": df}), "nps").value == pytest.approx(30.0)


def test_digital_rate_and_volume_and_contacts_per_booking():
    df = interactions(interaction_id=list("abcd"), channel=["voice", "self_service", "self_service", "email"],
                      created_at=["2026-03-03T09:00:00"] * 4)
    volumes = pd.DataFrame({"period": pd.array(["2026-03", "2026-04"], dtype="string"),
                            "bookings": [10.0, 5.0], "active_customers": [8.0, 1.0]})
    res = run(contract(kpi("digital_rate"), kpi("volume"), kpi("contacts_per_booking", "cpb")),
              {"interactions": df, "volumes": volumes})
    assert value(res, "digital_rate").value == pytest.approx(0.5)
    assert value(res, "volume").value == 4
    cpb = value(res, "cpb")
    assert cpb.value == pytest.approx(0.4) and cpb.n == 4


def test_grains_periods_and_quarters():
    df = interactions(interaction_id=list("abcd"), channel=["voice"] * 4,
                      created_at=["2026-01-31T23:30:00", "2026-02-01T00:30:00", "2026-02-10T10:00:00",
                                  "2026-03-10T10:00:00"],
                      answered_at=["2026-01-31T23:30:10", "2026-02-01T00:30:30", "2026-02-10T10:00:50",
                                   "2026-03-10T10:00:20"],
                      agent_id=["x", "y", "x", "x"])
    k = kpi("average_speed_of_answer", "asa")
    res = run(contract(k), {"interactions": df}, period=["2026-01", "2026-02", "2026-Q1"], grains=["agent_id"])
    assert value(res, "asa", period="2026-01").value == pytest.approx(10)   # local month, not UTC
    assert value(res, "asa", period="2026-02").value == pytest.approx(40)
    assert value(res, "asa", grain="agent_id", entity="x", period="2026-02").value == pytest.approx(50)
    # a quarter is computed from its rows, not averaged from months
    assert value(res, "asa", period="2026-Q1").value == pytest.approx((10 + 30 + 50 + 20) / 4)
    assert value(res, "asa", grain="agent_id", entity="x", period="2026-Q1").n == 3
    assert not ((res.grain == "agent_id") & (res.entity == "y") & (res.period == "2026-01")).any()


def test_fcr_survey_counts_answers_not_silent_customers():
    df = interactions(interaction_id=list("abcd"), channel=["voice"] * 4, created_at=["2026-03-03T09:00:00"] * 4,
                      answered_at=["2026-03-03T09:00:10"] * 4, resolved_first_contact=[True, False, None, True])
    r = value(run(contract(kpi("first_contact_resolution", "fcr")), {"interactions": df}), "fcr")
    assert r.value == pytest.approx(2 / 3) and r.n == 3
