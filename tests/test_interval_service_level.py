"""interval_service_level: hand-computed intervals (opening-hour edges, min_offered, the 5.0 s
abandon, undefined intervals, the target edge), DST days, both engines cell for cell, invariants,
validation and the CLI end to end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from kpi_helpers import contract, interactions, kpi, run, value

DAY = "2026-03-03"  # a Tuesday: the test calendar opens 08:00-20:00


def calls(specs: list[tuple]) -> pd.DataFrame:
    """(local HH:MM:SS, answered after s or None, abandoned after s or None, team) -> voice calls."""
    def at(clock: str, after: float | None) -> str | None:
        if after is None:
            return None
        return (datetime.fromisoformat(f"{DAY}T{clock}") + timedelta(seconds=after)).isoformat()
    return interactions(
        interaction_id=[f"c{i}" for i in range(len(specs))], channel=["voice"] * len(specs),
        created_at=[f"{DAY}T{s[0]}" for s in specs], answered_at=[at(s[0], s[1]) for s in specs],
        abandoned_at=[at(s[0], s[2]) for s in specs], team_id=[s[3] for s in specs])


# Each interval with its service level (threshold 20 s, short abandons < 5 s left out, target 80 %,
# min_offered 2, calendar 08:00-20:00):
EXAMPLE = [
    # 07:30-08:00 starts before opening: not counted (2/2 would meet)
    ("07:40:00", 10, None, "T1"), ("07:59:59", 10, None, "T1"),
    # 08:00-08:30 starts at opening: counted, 3/4 = 75 % (20 s is within) -> missed
    ("08:00:00", 5, None, "T1"), ("08:10:00", 30, None, "T1"), ("08:20:00", 20, None, "T1"),
    ("08:29:59", 10, None, "T1"),
    # 10:00-10:30 has one offered contact, below min_offered: not counted
    ("10:05:00", 10, None, "T1"),
    # 12:00-12:30: the 5.0 s abandon is not short (stays in the denominator), the 4.9 s one is:
    # 3 / (3 + 1) = 75 % -> missed (had 5.0 s been short: 3/3 -> met)
    ("12:01:00", 10, None, "T1"), ("12:02:00", 12, None, "T1"), ("12:03:00", 19, None, "T1"),
    ("12:04:00", None, 5.0, "T1"), ("12:05:00", None, 4.9, "T1"),
    # 14:00-14:30: both calls are short abandons, its service level is undefined: not counted
    ("14:01:00", None, 2, "T1"), ("14:02:00", None, 3, "T1"),
    # 15:00-15:30: 4/5 = 80 %, the target edge -> met; T1 alone 3/3 met, T2 alone 1/2 missed
    ("15:01:00", 10, None, "T1"), ("15:02:00", 10, None, "T1"), ("15:03:00", 10, None, "T1"),
    ("15:04:00", 10, None, "T2"), ("15:05:00", 60, None, "T2"),
    # 19:30-20:00 starts before closing: counted, 2/2 -> met
    ("19:45:00", 10, None, "T1"), ("19:59:00", 10, None, "T1"),
    # 20:00-20:30 starts at closing: after hours, not counted
    ("20:00:00", 10, None, "T1"), ("20:10:00", 10, None, "T1"),
]
PARAMS = {"threshold": "20s", "interval_target": 0.8, "min_offered": 2, "exclude_abandoned_within": "5s",
          "calendar": "business"}


def isl(**params) -> object:
    return kpi("interval_service_level", "isl", params={**PARAMS, **params})


def test_hand_computed_intervals_on_both_engines():
    res = run(contract(isl()), {"interactions": calls(EXAMPLE)}, grains=("vendor", "team_id"))
    vendor = value(res, "isl")
    # counted: 08:00, 12:00, 15:00, 19:30; met: 15:00 (edge), 19:30
    assert (vendor.value, vendor.n) == (2 / 4, 4)
    t1, t2 = value(res, "isl", "team_id", "T1"), value(res, "isl", "team_id", "T2")
    assert (t1.value, t1.n) == (2 / 4, 4)  # T1's 15:00 is 3/3
    assert (t2.value, t2.n) == (0.0, 1)    # T2's 15:00 is 1/2


def test_without_a_calendar_every_interval_with_enough_contacts_counts():
    res = run(contract(isl(calendar=None)), {"interactions": calls(EXAMPLE)})
    r = value(res, "isl")
    assert (r.value, r.n) == (4 / 6, 6)  # 07:30 and 20:00 join, both met


def test_min_offered_one_counts_the_lone_contact():
    r = value(run(contract(isl(min_offered=1)), {"interactions": calls(EXAMPLE)}), "isl")
    assert (r.value, r.n) == (3 / 5, 5)  # 10:00-10:30 is 1/1


def test_a_one_hour_interval_merges_half_hours():
    # 08:00-09:00 3/4 missed, 10:00 1/1 (min_offered 1), 12:00 3/4 missed, 15:00 4/5 met, 19:00 2/2 met
    r = value(run(contract(isl(interval="1h", min_offered=1)), {"interactions": calls(EXAMPLE)}), "isl")
    assert (r.value, r.n) == (3 / 5, 5)


def _every_ten_minutes(day: str) -> pd.DataFrame:
    """One answered call every 10 minutes of absolute time through a local day in Paris."""
    start = pd.Timestamp(day, tz="Europe/Paris")
    end = start + pd.offsets.Day(1)  # the next local midnight: 23, 24 or 25 hours later
    created = pd.date_range(start, end, freq="10min", inclusive="left", tz="Europe/Paris")
    n = len(created)
    return pd.DataFrame({
        "interaction_id": pd.array([f"d{i}" for i in range(n)], dtype="string"),
        "channel": pd.array(["voice"] * n, dtype="string"),
        "created_at": created.tz_convert("UTC"), "answered_at": (created + pd.Timedelta(seconds=5)).tz_convert("UTC")})


@pytest.mark.parametrize("day, hours, intervals", [("2026-03-29", 23, 46), ("2026-10-25", 25, 50),
                                                   ("2026-03-03", 24, 48)])
def test_dst_days_have_46_and_50_half_hours(day, hours, intervals):
    calls_ = _every_ten_minutes(day)
    assert len(calls_) == hours * 6
    k = isl(calendar=None, min_offered=1, exclude_abandoned_within=None)
    r = value(run(contract(k), {"interactions": calls_}, period=day[:7]), "isl")
    assert (r.value, r.n) == (1.0, intervals)
