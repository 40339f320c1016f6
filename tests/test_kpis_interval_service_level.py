"""interval_service_level: hand-computed intervals (opening-hour edges, min_offered, the 5.0 s
abandon, undefined intervals, the target edge), DST days, both engines cell for cell, invariants,
validation and the CLI end to end."""

from __future__ import annotations

import os
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_helpers import assert_same_results, contract, interactions, kpi, run, value

from scorecard.cli import main
from scorecard.kpis.engine import compute_kpis
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period
from scorecard.units import parse_target

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


def test_the_target_edge_is_target_met_inclusive():
    from scorecard.kpis.formulas import target_edge
    for share in (0.8, 0.9, 2 / 3, 1.0, 0.0):
        target = parse_target(f">= {share * 100!r}%")
        assert target.met(target_edge(target.value)) and not target.met(target_edge(target.value) - 1e-8)
    assert 4 / 5 >= target_edge(0.8) and 3 / 4 < target_edge(0.8)


# -- invariants --------------------------------------------------------------------------------------
CALL = st.tuples(st.integers(0, 4 * 24 * 60 - 1),             # minute of 2026-03-28 .. 03-31 (DST on the 29th)
                 st.one_of(st.none(), st.integers(0, 60)),    # answered after, seconds
                 st.integers(0, 10),                           # abandoned after (when not answered)
                 st.sampled_from(["T1", "T2", None]))


def _random_calls(specs: list[tuple]) -> pd.DataFrame:
    created = pd.Timestamp("2026-03-28", tz="Europe/Paris").tz_convert("UTC") + pd.to_timedelta(
        [s[0] for s in specs], unit="min")
    wait = pd.to_timedelta([s[1] if s[1] is not None else s[2] for s in specs], unit="s")
    answered = pd.Series([s[1] is not None for s in specs])
    return pd.DataFrame({
        "interaction_id": pd.array([f"h{i}" for i in range(len(specs))], dtype="string"),
        "channel": pd.array(["voice"] * len(specs), dtype="string"),
        "created_at": created, "answered_at": pd.Series(created + wait).where(answered),
        "abandoned_at": pd.Series(created + wait).where(~answered),
        "team_id": pd.array([s[3] for s in specs], dtype="string")})


def _distinct_half_hours(frame: pd.DataFrame) -> int:
    """Independently of the engine: distinct (local wall half hour, UTC offset) of the calls."""
    local = [t.tz_convert("Europe/Paris") for t in frame["created_at"]]
    return len({(t.replace(minute=t.minute // 30 * 30, second=0, tzinfo=None), t.utcoffset()) for t in local})


@settings(max_examples=40, deadline=None)
@given(st.lists(CALL, min_size=1, max_size=60), st.integers(1, 3), st.sampled_from([0.5, 0.8, 1.0]),
       st.sampled_from([None, "business"]))
def test_value_is_a_share_and_n_at_most_the_intervals_with_contacts(specs, min_offered, target, calendar):
    frame = _random_calls(specs)
    k = isl(min_offered=min_offered, interval_target=target, calendar=calendar)
    res = compute_kpis(contract(k), {"interactions": frame}, [parse_period("2026-03")], ["vendor", "team_id"])
    for row in res.itertuples():
        calls_ = frame if row.grain == "vendor" else frame[frame["team_id"] == row.entity]
        assert row.n <= _distinct_half_hours(calls_)
        assert (row.n == 0 and pd.isna(row.value)) or 0.0 <= row.value <= 1.0


def test_random_calls_are_the_same_on_both_engines():
    rng = random.Random(7)
    specs = [(rng.randrange(4 * 24 * 60), rng.choice([None, rng.randrange(40)]), rng.randrange(10),
              rng.choice(["T1", "T2", "T3", None])) for _ in range(3000)]
    res = run(contract(isl(min_offered=3)), {"interactions": _random_calls(specs)},
              period=["2026-03", "2026-Q1", "2026"], grains=("vendor", "team_id"))
    assert (res["n"] > 0).sum() == 3 * 4  # vendor and T1-T3, for the month, the quarter and the year


# -- the contract: validation, the CLI end to end ------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CONTRACT = ROOT / "examples" / "interval-service-level.yaml"


@pytest.mark.parametrize("old, new, words", [
    ("interval_target: 80%", "interval_target: 80", "has no unit: a percentage needs its % sign"),
    ("threshold: 20s                 #", "threshold: 20 #", "has no unit: a duration needs one"),
    ("interval: 30m", "interval: 7m", "does not divide 24 hours"),
    ("interval: 30m", "interval: 30s", "shorter than a minute"),
    ("interval_target: 80%", "interval_target: 120%", "at most 100%"),
    ("interval_target: 80%", "", "needs params.interval_target"),
    ("calendar: business ", "calendar: busines ", 'did you mean "business"'),
    ("min_offered: 5", "min_offered: 0", "at least 1"),
])
def test_bad_params_are_exit_2_with_a_located_message(tmp_path, capsys, old, new, words):
    text = EXAMPLE_CONTRACT.read_text()
    assert old in text
    path = tmp_path / "contract.yaml"
    path.write_text(text.replace(old, new, 1))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr()
    message = err.out + err.err
    assert words in message and "interval_sl_voice" in message and "contract.yaml:" in message, message


def test_the_example_contract_validates_and_evaluates_the_same_on_both_engines(small_demo, tmp_path, capsys):
    assert main(["validate", str(EXAMPLE_CONTRACT)]) == 0
    for engine in ("pandas", "duckdb"):
        assert main(["evaluate", str(EXAMPLE_CONTRACT), "--data", str(small_demo), "--period", "2026-03",
                     "--grain", "team_id", "--engine", engine, "--out", str(tmp_path / engine)]) == 0
    pandas_csv, duckdb_csv = ((tmp_path / e / "results.csv").read_text() for e in ("pandas", "duckdb"))
    assert pandas_csv == duckdb_csv
    results = pd.read_csv(tmp_path / "pandas" / "results.csv")
    rows = results[results.kpi == "interval_sl_voice"]
    assert set(rows.grain) == {"vendor", "team_id"}
    vendor = rows[rows.grain == "vendor"].iloc[0]
    assert 0 < vendor.n <= 31 * 24 and 0 <= vendor.value <= 1 and vendor.status in ("green", "amber", "red")
    assert "Interval service level" in capsys.readouterr().out


def test_the_catalog_command_shows_the_metric(capsys):
    assert main(["catalog", "interval_service_level"]) == 0
    out = capsys.readouterr().out
    assert "interval_service_level (ISL): Interval service level" in out
    assert "interval: duration (default: 30m)" in out and "min_offered: integer (default: 1)" in out
    assert "interval_target: percent" in out and "calendar: string" in out


@pytest.mark.spark
def test_spark_gives_the_duckdb_intervals():
    """The same compiled query on Spark (its own SQL dialect and session time zone)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("no Java runtime (make spark-setup)")
    from scorecard.kpis.spark import SparkBackend, spark_session

    rng = random.Random(3)
    specs = [(rng.randrange(4 * 24 * 60), rng.choice([None, rng.randrange(40)]), rng.randrange(10),
              rng.choice(["T1", "T2", None])) for _ in range(500)]
    tables = {"interactions": _random_calls(specs)}
    c = contract(isl(min_offered=2))
    periods = [parse_period(p) for p in ("2026-03", "2026-Q1")]
    session = spark_session("local[2]")
    try:
        on_spark = SqlEngine(c, tables, periods, ["team_id"], backend=SparkBackend(session)).run()
    finally:
        session.stop()
    assert_same_results(compute_kpis(c, tables, periods, ["team_id"]), on_spark)
    assert (on_spark["n"] > 0).sum() == 2 * 3


def _row_by_row(frame: pd.DataFrame, calendar, month: str, min_offered: int) -> tuple[int, int]:
    """(counted, met) half hours of the example clause, call by call with zoneinfo and the calendar's
    wall-clock hours: a second reading of the rules, sharing no code with the engines."""
    from zoneinfo import ZoneInfo
    tz, half_hours = ZoneInfo("Europe/Paris"), {}
    for r in frame[frame.channel == "voice"].itertuples():
        t = r.created_at.to_pydatetime().astimezone(tz)
        if t.strftime("%Y-%m") != month:
            continue
        key = (t.replace(minute=t.minute // 30 * 30, second=0, microsecond=0, tzinfo=None), t.utcoffset())
        offered, den, num = half_hours.get(key, (0, 0, 0))
        answered = pd.notna(r.answered_at) and r.abandoned is not True
        short = not answered and pd.notna(r.abandoned_at) and (r.abandoned_at - r.created_at).total_seconds() < 5
        within = answered and (r.answered_at - r.created_at).total_seconds() <= 20
        half_hours[key] = (offered + 1, den + (not short), num + within)

    def opening(wall: datetime) -> bool:
        s = wall.hour * 3600 + wall.minute * 60
        return wall.date() not in calendar.holidays and any(o <= s < e for o, e in calendar.hours.get(wall.weekday(), ()))
    judged = [num / den for (wall, _), (offered, den, num) in half_hours.items() if offered >= min_offered and den and opening(wall)]
    return len(judged), sum(sl >= 0.8 for sl in judged)


@pytest.mark.parametrize("min_offered, at_least", [(5, 10), (1, 250)])
def test_the_demo_month_matches_a_row_by_row_count(small_demo, min_offered, at_least):
    from dataclasses import replace

    from scorecard.contract.loader import load_contract
    from scorecard.data import load_dataset
    from scorecard.kpis.inputs import InputFacts
    c = load_contract(EXAMPLE_CONTRACT)
    clause = c.kpis["interval_sl_voice"]
    c = replace(c, kpis={"isl": replace(clause, id="isl", params={**clause.params, "min_offered": min_offered})})
    dataset = load_dataset(small_demo, contract=c)
    cleared = dataset.cleared["interactions"]  # a cleared answer time leaves its call out (kpis/inputs.py)
    unknown = cleared[[col for col in ("created_at", "answered_at", "abandoned") if col in cleared]].any(axis=1)
    frame = dataset.tables["interactions"][~unknown.to_numpy()]
    counted, met = _row_by_row(frame, c.calendars["business"], "2026-03", min_offered)
    facts = InputFacts(cleared=dataset.cleared, constants=dataset.constants)
    r = value(compute_kpis(c, dataset.tables, [parse_period("2026-03")], ["vendor"], facts), "isl", entity=c.vendor)
    assert counted >= at_least and (r.n, r.value) == (counted, met / counted)
