"""The Spark backend: the same compiled KPI queries as DuckDB, rendered in Spark SQL (sql/plan.py,
sql/backend.py), for data sets beyond one machine. Needs the optional extra `scorecard[spark]`
(pyspark) and a Java runtime.

Inputs reach Spark through scorecard's own reader (row numbers, data checks and quarantine stay
exactly those of every other engine), as Arrow tables of the prepared columns: timestamps as UTC
epoch nanoseconds and a precomputed local month key, so no session setting can move a row to
another month. The session is pinned anyway (time zone UTC), and ANSI arithmetic is off so that a
division by zero gives NULL, as in DuckDB, instead of failing the run.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from scorecard.errors import DataError, Problem  # absolute: this file is also spark-submit's entry
from scorecard.kpis.sql.backend import arrow_table, float32_columns, half_of_memory_gb

LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
SETTINGS = {
    "spark.app.name": "scorecard",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}",
}
# On one machine, one shuffle partition per core and no adaptive re-planning: each KPI query is
# small, and Spark's per-stage overheads would otherwise cost more than the work (3.4 s instead of
# 9 s for the demo's 19 queries on 2 cores).
LOCAL_SETTINGS = {"spark.ui.enabled": "false", "spark.sql.adaptive.enabled": "false"}
INSTALL_HINT = "install the Spark extra: pip install 'scorecard[spark]' (it needs Java 17 or later: " \
               "apt-get install default-jre-headless)"


def _problem(message: str, hint: str) -> DataError:
    return DataError([Problem(message, file="--engine spark", hint=hint)])


def driver_memory() -> str:
    """The driver JVM's heap: SCORECARD_SPARK_DRIVER_MEMORY, else half this machine's memory (at least
    1g). The inputs cross into the driver as Arrow and, on a local master, are computed there too:
    Spark's own default of 1g cannot hold 5 M interactions."""
    asked = os.environ.get("SCORECARD_SPARK_DRIVER_MEMORY", "").strip()
    if asked:
        if not re.fullmatch(r"\d+[kmgt]?", asked.lower()):
            raise _problem(f"SCORECARD_SPARK_DRIVER_MEMORY={asked!r} is not a memory size",
                           "write a size as Spark takes it, e.g. SCORECARD_SPARK_DRIVER_MEMORY=8g")
        return asked.lower()
    return f"{max(1, half_of_memory_gb())}g"


def _local_cores(master: str) -> int:
    """Cores of a local master (local, local[4], local[*], local[2,3]), 0 for a cluster."""
    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master.strip())
    if not match:
        return 0
    if match.group(1) is None:
        return 1  # "local": one thread
    return (os.cpu_count() or 1) if match.group(1) == "*" else max(int(match.group(1)), 1)


def spark_session(master: str | None = None) -> Any:
    """The Spark session the KPIs run on: on `master`, else spark-submit's, else local[*] (every core
    of this machine)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise _problem("--engine spark needs pyspark, which is not installed", INSTALL_HINT) from exc
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # failures are reported by the CLI, once
    # pyspark warns that pandas 3 is newer than it tested; only Arrow tables cross, never pandas.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    # Under spark-submit the JVM is already up (its --master, --conf apply); here we start it.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    builder = SparkSession.builder
    if master:
        builder = builder.master(master)
    local = _local_cores(master or "local[*]")
    extra = {**LOCAL_SETTINGS, "spark.sql.shuffle.partitions": str(local)} if local else {}
    # under spark-submit its --conf and --driver-memory apply: nothing set, nothing read from the environment
    own = {} if submitted else {**SETTINGS, **extra, "spark.driver.memory": driver_memory()}
    for key, value in own.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, master unreachable: py4j raises plain exceptions
        where = master or "local[*]"
        raise _problem(f"Spark could not start on {where}: {str(exc).splitlines()[0][:300]}",
                       "check that Java 17+ is installed (java -version) and that the --spark-master URL "
                       "is reachable (spark://host:7077, yarn, k8s://..., local[*])") from exc
    session.sparkContext.setLogLevel("ERROR")
    for key in ("spark.sql.session.timeZone", "spark.sql.ansi.enabled"):
        session.conf.set(key, SETTINGS[key])  # pinned on an existing (spark-submit) session too
    return session


class SparkBackend:
    """Runs compiled queries on a Spark session: `register` turns a prepared frame into a temporary
    view (through Arrow), `execute` runs Spark SQL and brings the aggregate rows back as pandas."""

    dialect = "spark"

    def __init__(self, session: Any = None, master: str | None = None):
        self.session = session if session is not None else spark_session(master)
        self.repeats: Any = None  # the Repeats its interactions view has (sql/backend.py)
        self._cached: dict[str, Any] = {}

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None:
        table = arrow_table(frame)
        floats = set(float32_columns(table))
        if floats:  # read as DOUBLE, as on DuckDB (sql/backend.py)
            table = table.cast(pa.schema([f.with_type(pa.float64()) if f.name in floats else f for f in table.schema]))
        try:  # cached: every KPI's query reads the same rows, decoded from Arrow once, not once per query
            self._cache(name, self.session.createDataFrame(table))
        except Exception as exc:  # py4j's Java errors: an out-of-memory driver above all
            memory = self.session.sparkContext.getConf().get("spark.driver.memory", "1g")
            raise _problem(f"Spark could not take the {table.num_rows:,} rows of {name} "
                           f"({table.nbytes / 2**20:,.0f} MB as Arrow) with a driver of {memory}: "
                           f"{str(exc).splitlines()[0][:200]}",
                           "give the driver more memory (SCORECARD_SPARK_DRIVER_MEMORY=16g, or spark-submit "
                           "--driver-memory 16g), or run on one machine with --engine duckdb") from exc

    def extend(self, name: str, sql: str) -> None:
        """The view joined with the new columns by row number, cached in its place."""
        self._cache(name, self.session.table(name).join(self.session.sql(sql), on="_row", how="left"))

    def _cache(self, name: str, frame: Any) -> None:
        frame = frame.cache()
        frame.createOrReplaceTempView(name)
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()
        self._cached[name] = frame

    def materialize(self, name: str, sql: str) -> None:
        """A cached view, computed once when the query reading it runs."""
        self._cache(name, self.session.sql(sql))

    def drop(self, name: str) -> None:
        self._cached.pop(name).unpersist()
        self.session.catalog.dropTempView(name)

    def execute(self, sql: str) -> pd.DataFrame:
        try:
            return self.session.sql(sql).toArrow().to_pandas()
        except Exception as exc:  # a lost cluster, an executor out of memory: said once, in words
            raise _problem(f"Spark failed while computing the KPIs: {str(exc).splitlines()[0][:300]}",
                           "check the cluster (its web UI names the failed stage), or run on one "
                           "machine with --engine duckdb") from exc


if __name__ == "__main__":  # spark-submit [options] scorecard/kpis/spark.py evaluate ... --engine spark
    import sys

    from scorecard.cli import main
    sys.exit(main(sys.argv[1:]))
