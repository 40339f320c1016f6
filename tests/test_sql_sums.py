"""The compiled sums in two stages (compile._month_sums): each month's sums at every grain, then
their periods. Hand-computed: a row counts once at each grain and once for the vendor, whatever
the number of grains, and a row whose entity is missing counts for the vendor only."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scorecard.kpis.sql.backend import DuckDBBackend
from scorecard.kpis.sql.compile import PERIOD_MAP, MeasureSQL, aggregate_query, flag, period_map, sql

LABELS = {"2026-01": ["2026-01"], "2026-02": ["2026-02"], "2026-Q1": ["2026-01", "2026-02", "2026-03"]}


def test_each_row_counts_once_per_grain_and_period():
    backend = DuckDBBackend()
    backend.register("t", pa.table({
        "_month": pa.array([202601, 202601, 202602, 202602, 202603], pa.int32()), "_row": np.arange(5),
        "site": ["s1", "s2", "s1", None, "s2"], "team": ["t1", "t1", "t1", "t2", "t2"],
        "ok": [True, False, True, True, False]}))
    backend.register(PERIOD_MAP, period_map(LABELS))
    m = MeasureSQL(sql("SELECT * FROM t"), sql("TRUE"), num=flag(sql("v.ok")), den=flag(sql("TRUE")))
    query = aggregate_query("q", [("k", m, ["vendor", "site", "team"])], vendor="V")
    assert "GROUPING SETS" in query.sql("duckdb")
    got = query.long(backend.execute(query.sql("duckdb")))
    sums = {(p, g, e): (num, den, first) for p, g, e, num, den, first
            in zip(got["period"], got["grain"], got["entity"], got["num"], got["den"], got["first_row"])}
    assert sums == {
        ("2026-01", "vendor", "V"): (1, 2, 0), ("2026-02", "vendor", "V"): (2, 2, 2),
        ("2026-Q1", "vendor", "V"): (3, 5, 0),
        ("2026-01", "site", "s1"): (1, 1, 0), ("2026-01", "site", "s2"): (0, 1, 1),
        ("2026-02", "site", "s1"): (1, 1, 2),  # row 3 has no site: the vendor's only
        ("2026-Q1", "site", "s1"): (2, 2, 0), ("2026-Q1", "site", "s2"): (0, 2, 1),
        ("2026-01", "team", "t1"): (1, 2, 0), ("2026-02", "team", "t1"): (1, 1, 2),
        ("2026-02", "team", "t2"): (1, 1, 3), ("2026-Q1", "team", "t1"): (2, 3, 0),
        ("2026-Q1", "team", "t2"): (1, 2, 3)}
