"""The instant a local month starts (periods.month_start_utc), across clock changes: the one definition
the engine's period ends, the integrity backlog's month ends and periods.Months read."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.periods import local_months, month_start_utc, months_between, parse_period, period_end_utc


@pytest.mark.parametrize(("month", "zone", "utc"), [
    ("2026-03-01", "Europe/Paris", "2026-02-28 23:00"),  # winter time, UTC+1
    ("2026-04-01", "Europe/Paris", "2026-03-31 22:00"),  # after the March change (29 March, 02:00): UTC+2
    ("2026-11-01", "Europe/Paris", "2026-10-31 23:00"),  # after the October change (25 October, 03:00): UTC+1
    # Cuba: clocks went from 00:00 to 01:00 on 1 April 2012 (UTC-5 -> UTC-4): April starts at 01:00
    ("2012-04-01", "America/Havana", "2012-04-01 05:00"),
    # and go back from 01:00 to 00:00 on Sunday 1 November 2026: the first midnight (UTC-4) starts November
    ("2026-11-01", "America/Havana", "2026-11-01 04:00"),
])
def test_a_month_starts_at_its_first_local_instant(month, zone, utc):
    assert month_start_utc(month[:7], zone) == pd.Timestamp(utc, tz="UTC")


def test_a_period_before_a_midnight_clock_change_has_an_end():
    assert period_end_utc(parse_period("2026-10"), "America/Havana") == pd.Timestamp("2026-11-01 04:00", tz="UTC")


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Havana", "America/Santiago", "Asia/Beirut", "UTC"])
def test_the_start_is_where_local_months_turns(zone):
    months = months_between("2000-01", "2039-12")
    starts = pd.Series([month_start_utc(m, zone) for m in months])
    one_ns = pd.Timedelta(1, "ns")
    assert local_months(starts, zone).tolist() == months
    assert local_months(starts - one_ns, zone).tolist() == months_between("1999-12", "2039-11")
