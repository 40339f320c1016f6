"""Business-hour durations and same-day response: DST, holidays, closed days (KPIS.md conv. 6, 9)."""

import datetime as dt

import pandas as pd
import pytest

from kpi_helpers import BUSINESS, TZ, contract, interactions, kpi, run, ts, value
from scorecard.contract.model import Calendar
from scorecard.kpis.business_time import BusinessClock

HOLIDAY_CAL = Calendar("business", TZ, BUSINESS.hours, frozenset({dt.date(2026, 5, 1)}))


def clock(cal=BUSINESS):
    return BusinessClock.build(cal, pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-12-31", tz="UTC"))


@pytest.mark.parametrize("start, end, hours", [
    ("2026-03-02T09:00:00", "2026-03-02T11:30:00", 2.5),      # same day
    ("2026-03-02T06:00:00", "2026-03-02T09:00:00", 1.0),      # before opening counts from 08:00
    ("2026-03-06T19:00:00", "2026-03-09T09:00:00", 1 + 4 + 1),  # Fri 1 h, Sat 4 h, Sun closed, Mon 1 h
    ("2026-03-07T14:00:00", "2026-03-08T18:00:00", 0.0),      # Sat after closing to Sunday: closed
    ("2026-03-27T19:00:00", "2026-03-30T09:00:00", 6.0),      # over the spring DST change (Sun 29 March)
    ("2026-10-23T19:00:00", "2026-10-26T09:00:00", 6.0),      # over the autumn DST change (Sun 25 Oct)
])
def test_business_durations(start, end, hours):
    got = clock().duration(ts([start]), ts([end]))[0]
    assert got == pytest.approx(hours * 3600)


def test_holiday_counts_zero():
    # Friday 1 May 2026 is a holiday: Thursday 19:00 -> Saturday 10:00 = 1 h Thu + 1 h Sat
    got = clock(HOLIDAY_CAL).duration(ts(["2026-04-30T19:00:00"]), ts(["2026-05-02T10:00:00"]))[0]
    assert got == pytest.approx(2 * 3600)


def test_elapsed_duration_ignores_dst():
    # 01:30 -> 03:30 local on the spring-forward night is 1 h of absolute time
    df = interactions(interaction_id=["a"], channel=["email"], created_at=["2026-03-29T01:30:00"],
                      first_response_at=["2026-03-29T03:30:00"])
    r = value(run(contract(kpi("first_response_time", "frt")), {"interactions": df}), "frt")
    assert r.value == pytest.approx(3600)


def test_business_clock_kpi():
    df = interactions(interaction_id=["a", "b"], channel=["email"] * 2,
                      created_at=["2026-03-06T19:00:00", "2026-03-02T09:00:00"],
                      first_response_at=["2026-03-09T09:00:00", "2026-03-02T10:00:00"])
    r = value(run(contract(kpi("first_response_time", "frt", clock="business")), {"interactions": df}), "frt")
    assert r.value == pytest.approx((6 * 3600 + 3600) / 2)


def test_a_business_time_quantile_joins_the_clock_its_query_reads():
    """The SQL engines join a calendar only to the queries that read it (sql/relation.Rows.select):
    a p90 of business time, in a quantile query of its own, gets the calendar; hand-computed: the
    business times 6 h (Fri 19:00 -> Mon 09:00), 1 h, 2 h -> p90 at h = 1.8 of the sorted 1, 2, 6 h:
    2 h + 0.8 x 4 h."""
    df = interactions(interaction_id=["a", "b", "c"], channel=["email"] * 3,
                      created_at=["2026-03-06T19:00:00", "2026-03-02T09:00:00", "2026-03-03T09:00:00"],
                      first_response_at=["2026-03-09T09:00:00", "2026-03-02T10:00:00", "2026-03-03T11:00:00"])
    c = contract(kpi("first_response_time", "frt_p90", clock="business", statistic="p90"),
                 kpi("first_response_time", "frt_elapsed_median", statistic="median"))
    results = run(c, {"interactions": df})  # equal to the pandas engine
    assert value(results, "frt_p90").value == pytest.approx((2 + 0.8 * 4) * 3600)
    assert value(results, "frt_elapsed_median").value == pytest.approx(2 * 3600)


def test_same_day_response_business_day_rules():
    df = interactions(
        interaction_id=list("abcdef"), channel=["email"] * 6,
        created_at=["2026-03-02T07:00:00",   # Mon before opening: belongs to Monday
                    "2026-03-02T21:00:00",   # Mon after closing: belongs to Tuesday
                    "2026-03-07T15:00:00",   # Sat after closing: belongs to Monday 9 March
                    "2026-03-02T10:00:00",   # answered the next day: miss
                    "2026-03-02T10:00:00",   # never answered: miss (in the denominator)
                    "2026-03-08T10:00:00"],  # Sunday: belongs to Monday
        first_response_at=["2026-03-02T19:59:00", "2026-03-03T18:00:00", "2026-03-09T08:30:00",
                           "2026-03-03T08:00:00", None, "2026-03-09T23:00:00"])
    r = value(run(contract(kpi("same_day_response", "sdr", clock="business")), {"interactions": df}), "sdr")
    assert r.value == pytest.approx(4 / 6) and r.n == 6


def test_same_day_response_without_calendar_is_24_hours():
    df = interactions(interaction_id=["a", "b"], channel=["email"] * 2,
                      created_at=["2026-03-02T10:00:00"] * 2,
                      first_response_at=["2026-03-03T10:00:00", "2026-03-03T10:00:01"])
    r = value(run(contract(kpi("same_day_response", "sdr"), calendars={}), {"interactions": df}), "sdr")
    assert r.value == pytest.approx(1 / 2)
