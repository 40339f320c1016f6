"""--engine spark against DuckDB, cell for cell: the same compiled queries on a local[2] Spark
session give the same results on the demo data and on KPI test data built to hit every edge the
KPI unit tests name (counts, flags and notes exact, values within 1e-12 relative), whatever the
session's time zone, and through the CLI.

One Spark session for the module (it takes about 10 s to start). Skipped, with the reason, on a
machine without pyspark or Java, except in CI (`make test` installs both), where it must run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_helpers import BUSINESS, assert_same_results, contract, kpi
from scorecard.cli import main
from scorecard.contract.loader import load_contract
from scorecard.contract.model import GRAINS
from scorecard.data import load_dataset
from scorecard.errors import DataError
from scorecard.kpis.inputs import InputFacts
from scorecard.kpis.sql.backend import DuckDBBackend
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "contracts" / "acme-travel-nordlys.yaml"
MISSING = ("pyspark is not installed (pip install -e '.[spark]')" if importlib.util.find_spec("pyspark") is None
           else "no Java runtime (make spark-setup)" if shutil.which("java") is None else "")
if MISSING and not os.environ.get("CI"):
    pytest.skip(MISSING, allow_module_level=True)

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    from scorecard.kpis.spark import spark_session
    session = spark_session("local[2]")
    yield session
    session.stop()


def _both(c, tables, periods, grains, facts, session):
    from scorecard.kpis.spark import SparkBackend
    periods = [parse_period(p) for p in periods]
    duck = SqlEngine(c, tables, periods, grains, facts, backend=DuckDBBackend()).run()
    spark = SqlEngine(c, tables, periods, grains, facts, backend=SparkBackend(session)).run()
    return duck, spark


def test_demo_data_is_the_same_on_spark_and_duckdb(small_demo, spark):
    c = load_contract(ACME)
    dataset = load_dataset(small_demo, contract=c)
    assert len(dataset.quality)  # the demo's faults: quarantined rows and cleared cells are in play
    duck, on_spark = _both(c, dataset.tables, ["2026-02", "2026-03", "2026-Q1", "2026"], GRAINS,
                           InputFacts(cleared=dataset.cleared, constants=dataset.constants), spark)
    assert_same_results(duck, on_spark)
    assert (on_spark["n"] > 0).sum() > 500
    # and every value the same bits (the exact quantiles too, compile.interpolated), not only within 1e-12
    keys = ["period", "kpi", "grain", "entity"]
    duck_values, spark_values = (r.sort_values(keys)["value"].to_numpy(dtype="float64") for r in (duck, on_spark))
    assert [v.hex() for v in duck_values] == [v.hex() for v in spark_values]


# -- KPI test data --------------------------------------------------------------------------------
def kpi_test_tables(seed: int = 12, n: int = 600) -> dict[str, pd.DataFrame]:
    """Interactions around the edges the KPI unit tests name: the DST change (29 March) and month
    ends in Paris time, live and async channels (one in capitals, some missing), short and long
    abandons with and without a flag or an abandon time (wait_s fills it), first responses falling
    back to the answer, fractional seconds, customers with several contacts at one instant, missing
    customers and reasons, every survey column partly empty."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-02-26 00:00", tz="Europe/Paris").tz_convert("UTC")
    created = start + pd.to_timedelta(np.sort(rng.integers(0, 38 * 86400, n)) + rng.choice([0, 0.5], n), unit="s")
    created = pd.Series(created)
    created.iloc[10:14] = created.iloc[10]  # four contacts at one instant
    channel = rng.choice(["voice", "chat", "email", "social", "self_service", "VOICE", None], n,
                         p=[.35, .15, .2, .1, .1, .05, .05])
    live = pd.Series(channel).str.lower().isin(["voice", "chat"]).to_numpy()
    wait = rng.exponential(25, n).round(1)
    abandoned = live & (rng.random(n) < 0.2)
    flag = pd.array(np.where(rng.random(n) < 0.1, None, abandoned), dtype="boolean")
    answered_at = created + pd.to_timedelta(np.where(live & ~abandoned, wait, np.nan), unit="s")
    abandoned_at = created + pd.to_timedelta(np.where(abandoned & (rng.random(n) < 0.7), wait, np.nan), unit="s")

    def later(hours: float, p_missing: float) -> pd.Series:
        delay = np.where(rng.random(n) < p_missing, np.nan, rng.exponential(hours * 3600, n).round())
        return created + pd.to_timedelta(delay, unit="s")

    def maybe(values: np.ndarray, p_missing: float = 0.2) -> np.ndarray:
        return np.where(rng.random(n) < p_missing, np.nan, values)

    customer = pd.array(np.where(rng.random(n) < 0.1, None, [f"C{i}" for i in rng.integers(0, 40, n)]),
                        dtype="string")
    customer[10:14] = "C-same"
    interactions = pd.DataFrame({
        "interaction_id": pd.array([f"I{i:04d}" for i in range(n)], dtype="string"),
        "channel": pd.array(channel, dtype="string"),
        "created_at": created, "answered_at": answered_at, "abandoned": flag, "abandoned_at": abandoned_at,
        "wait_s": wait, "assigned_at": later(0.5, 0.3), "first_response_at": later(6, 0.5),
        "first_solution_at": later(12, 0.4), "resolved_at": later(30, 0.3),
        "handle_time_s": maybe(rng.integers(30, 1500, n).astype(float)),
        "transferred": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.15), dtype="boolean"),
        "resolved": pd.array(rng.random(n) < 0.8, dtype="boolean"),
        "resolved_first_contact": pd.array(np.where(rng.random(n) < 0.6, None, rng.random(n) < 0.7), dtype="boolean"),
        "customer_id": customer,
        "reason": pd.array(rng.choice(["billing", "change", "refund", None], n), dtype="string"),
        "agent_id": pd.array(rng.choice(["A1", "A2", "A3", "A4", None], n), dtype="string"),
        "team_id": pd.array(rng.choice(["T1", "T2"], n), dtype="string"),
        "site": pd.array(rng.choice(["Lisbon", "Tunis"], n), dtype="string"),
        "csat": maybe(rng.integers(1, 6, n).astype(float), 0.5), "nps": maybe(rng.integers(0, 11, n).astype(float), 0.6),
        "ces": maybe(rng.integers(1, 8, n).astype(float), 0.6),
        "servqual_reliability": maybe(rng.integers(1, 8, n).astype(float), 0.7),
        "servqual_empathy": maybe(rng.integers(1, 8, n).astype(float), 0.7),
    })
    interactions["source_row"] = np.arange(2, n + 2)
    return {"interactions": interactions}


KPI_TEST_KPIS = [
    kpi("service_level", "sl_offered", params={"threshold": "20s", "exclude_abandoned_within": "5s"},
        filter={"channel": ("voice",)}),
    kpi("service_level", "sl_answered", params={"formula": "answered"}),
    kpi("service_level", "sl_in_met", params={"formula": "abandoned_in_threshold_met"}),
    kpi("service_level", "sl_after", params={"formula": "abandoned_after_threshold"}, clock="business"),
    kpi("average_speed_of_answer", "asa"), kpi("average_speed_of_answer", "asa_p90", statistic="p90"),
    kpi("abandonment_rate", "abandon", params={"exclude_within": "5s"}), kpi("answer_rate"),
    kpi("first_response_time", "frt_median", statistic="median"),
    kpi("first_response_time", "frt_business", clock="business", filter={"channel": ("email",)}),
    kpi("turnaround_time"), kpi("time_to_first_solution", statistic="p90"),
    kpi("total_resolution_time", statistic="median"), kpi("average_handle_time"),
    kpi("same_day_response", clock="business"), kpi("first_contact_resolution", "fcr_survey"),
    kpi("repeat_contact_rate", params={"repeat_window": 3 * 86400.0}),
    kpi("resolution_rate"), kpi("resolution_rate", "resolution_offered", params={"of": "offered"}),
    kpi("transfer_rate"), kpi("volume"), kpi("digital_rate", params={"digital_channels": ["chat", "email", "social"]}),
    kpi("csat", params={"satisfied": [4, 5]}), kpi("csat", "csat_mean", params={"method": "mean"}),
    kpi("dsat", params={"dissatisfied": [1, 2]}), kpi("nps"), kpi("customer_effort_score"), kpi("servqual"),
    kpi("backlog"),
]


def test_kpi_test_data_is_the_same_on_spark_and_duckdb(spark):
    c = contract(*KPI_TEST_KPIS, calendars={"business": BUSINESS})
    duck, on_spark = _both(c, kpi_test_tables(), ["2026-02", "2026-03", "2026-04", "2026-Q1", "2026"],
                           ["vendor", "agent_id", "team_id", "site", "channel", "reason"], None, spark)
    assert_same_results(duck, on_spark)
    measured = on_spark[on_spark["grain"] == "vendor"].dropna(subset=["value"])
    assert set(measured["kpi"]) == {k.id for k in KPI_TEST_KPIS}  # every KPI computed, none not measurable


def test_the_session_time_zone_moves_no_row_to_another_month(spark):
    """Timestamps reach Spark as UTC epoch nanoseconds with the Paris month precomputed: a session
    set to another zone (here 14 hours ahead of UTC) changes nothing."""
    from scorecard.kpis.spark import SparkBackend
    c = contract(kpi("volume"), kpi("service_level"), kpi("total_resolution_time", statistic="median"))
    tables = kpi_test_tables(seed=3, n=200)
    periods = [parse_period(p) for p in ("2026-02", "2026-03", "2026-04")]
    before = SqlEngine(c, tables, periods, ["vendor", "channel"], backend=DuckDBBackend()).run()
    spark.conf.set("spark.sql.session.timeZone", "Pacific/Kiritimati")
    try:
        moved = SqlEngine(c, tables, periods, ["vendor", "channel"], backend=SparkBackend(spark)).run()
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert_same_results(before, moved)


def test_evaluate_with_engine_spark_writes_the_duckdb_files(small_demo, spark, tmp_path):
    for engine in ("duckdb", "spark"):
        extra = ["--spark-master", "local[2]"] if engine == "spark" else []
        assert main(["evaluate", str(ACME), "--data", str(small_demo), "--period", "2026-03", "--grain", "agent_id",
                     "--engine", engine, *extra, "--out", str(tmp_path / engine)]) == 0
    for name in ("results.csv", "credits.csv", "calibration.csv", "data_quality.csv"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "duckdb" / name).read_bytes(), name


def test_spark_master_without_the_spark_engine_is_exit_2_saying_so(small_demo, capsys):
    assert main(["evaluate", str(ACME), "--data", str(small_demo), "--spark-master", "local[2]"]) == 2
    err = capsys.readouterr().err
    assert "--spark-master" in err and "--engine spark" in err and "Traceback" not in err


def test_without_pyspark_the_spark_engine_says_how_to_install_it(monkeypatch):
    from scorecard.kpis.spark import spark_session
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if not installed
    with pytest.raises(DataError) as err:
        spark_session("local[2]")
    assert "pip install 'scorecard[spark]'" in str(err.value) and "Java" in str(err.value)


@pytest.mark.parametrize("master, cores", [("local", 1), ("local[4]", 4), ("local[2,3]", 2),
                                           ("spark://host:7077", 0), ("yarn", 0), ("k8s://https://h:443", 0)])
def test_local_masters_get_one_shuffle_partition_per_core(master, cores):
    from scorecard.kpis.spark import _local_cores
    assert _local_cores(master) == cores


def test_the_driver_gets_half_the_machine_or_what_the_environment_says(monkeypatch):
    from scorecard.kpis.spark import driver_memory
    monkeypatch.delenv("SCORECARD_SPARK_DRIVER_MEMORY", raising=False)
    half = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 // 2**30
    assert driver_memory() == f"{max(1, half)}g"  # Spark's own 1g could not hold 5 M interactions
    monkeypatch.setenv("SCORECARD_SPARK_DRIVER_MEMORY", " 16G ")
    assert driver_memory() == "16g"
    monkeypatch.setenv("SCORECARD_SPARK_DRIVER_MEMORY", "lots")
    with pytest.raises(DataError) as err:
        driver_memory()
    assert "'lots' is not a memory size" in str(err.value) and "SCORECARD_SPARK_DRIVER_MEMORY=8g" in str(err.value)
