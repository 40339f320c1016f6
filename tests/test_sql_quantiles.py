"""The SQL engines' exact quantiles (compile._with_quantiles: each group's discrete percentile and
the observations next to it, then compile.interpolated) against the pandas engine's
(aggregate.GroupIndex.quantile, pandas' groupby quantile's arithmetic): the same bits on DuckDB for
ties, one or two observations, none, large and tiny magnitudes, at the vendor grain and another.
No -0.0 reaches them: the loader reads -0 as 0 (tested here too).
numpy.quantile is not the reference: from t = 0.5 it interpolates b - (b - a)(1 - t), which
rounds otherwise in the last bit (as DuckDB's QUANTILE_CONT, which the engine used before)."""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_helpers import contract, interactions, kpi, run, value
from scorecard.kpis.aggregate import Codes, GroupIndex
from scorecard.kpis.engine import compute_kpis
from scorecard.kpis.sql.backend import DuckDBBackend, run_queries
from scorecard.kpis.sql.compile import PERIOD_MAP, CompiledQuery, MeasureSQL, aggregate_query, period_map, sql
from scorecard.kpis.sql.plan import compile_kpis, prepare_tables
from scorecard.periods import parse_period

LABELS = {"2026-01": ["2026-01"], "2026-02": ["2026-02"], "2026-Q1": ["2026-01", "2026-02", "2026-03"]}


@functools.cache
def _backend() -> DuckDBBackend:
    """One connection for the module (opening one costs as much CPU as the query): each call
    registers its own tables under the same names, which replaces the previous call's."""
    return DuckDBBackend()


def _duckdb(months: list[int], groups: list[str], values: list[float | None], q: float) -> pd.DataFrame:
    """The queries' quantile and count per (period, grain, entity): one query a grain, as plan
    compiles them."""
    m = MeasureSQL(sql("SELECT * FROM t"), sql("TRUE"), obs=sql("v.x"), q=q)
    queries = [aggregate_query(f"q{i}", [("k", m, [grain])], vendor="V") for i, grain in enumerate(("vendor", "g"))]
    tables = {"t": pa.table({"_month": pa.array(months, pa.int32()), "_row": np.arange(len(values)),
                             "g": groups, "x": pa.array(values, pa.float64())}),
              PERIOD_MAP: period_map(LABELS)}
    return run_queries(_backend(), queries, tables)


def _pandas_engine(months: list[int], groups: list[str], values: list[float | None], q: float) -> dict:
    """(period, grain, entity) -> (the pandas engine's quantile of the group's observations, their
    count), each row a fine group of its own, observations sorted as the engine sorts them; and
    pandas' groupby quantile, which it must equal as a number."""
    frame = pd.DataFrame({"month": months, "g": groups, "x": pd.array(values, dtype="Float64").astype("float64")})
    out = {}
    for label, covered in LABELS.items():
        rows = frame[frame["month"].isin([int(m[:4]) * 100 + int(m[5:]) for m in covered])].reset_index(drop=True)
        for grain, keys in (("vendor", pd.Series("V", index=rows.index)), ("g", rows["g"])):
            codes, entities = pd.factorize(keys)
            index = GroupIndex(Codes(np.zeros(len(rows), dtype=np.int64), np.array([label], dtype=object)),
                               Codes(codes, np.asarray(entities, dtype=object)))
            x = rows["x"].to_numpy()
            fine = np.flatnonzero(~np.isnan(x))
            ascending = np.argsort(x[fine], kind="stable")
            quantiles = index.quantile(fine[ascending], x[fine][ascending], q)
            counts = np.bincount(index.fine_to_group[fine], minlength=index.size)
            grouped = rows["x"].groupby(keys).quantile(q)
            assert np.array_equal(quantiles, grouped[index.entity].to_numpy(), equal_nan=True)
            out.update({(label, grain, e): (v, n) for e, v, n in zip(index.entity, quantiles, counts)})
    return out


def _bits(v: float) -> int | str:
    return "nan" if np.isnan(v) else int(np.float64(v).view(np.int64))


values = st.one_of(st.none(), st.floats(-1e300, 1e300, allow_nan=False).map(lambda x: x + 0.0),
                   st.sampled_from([0.0, 0.1, 1 / 3, 7.0, 22.0, 45.0, 1e-300, 5e-324, -5e-324, 1.7e308, -1.7e308]))
cells = st.lists(st.tuples(st.sampled_from([202601, 202602, 202603]), st.sampled_from(["a", "b", "c"]), values),
                 min_size=1, max_size=40)
quantile = st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.95, 0.99, 1.0, 1 / 3, 0.999, 1e-05]),
                     st.integers(0, 100).map(lambda p: p / 100.0))


def _same(got: pd.DataFrame, expected: dict) -> None:
    keys = list(zip(got["period"], got["grain"], got["entity"]))
    assert sorted(keys) == sorted(expected)
    assert ({k: (_bits(v), n) for k, v, n in zip(keys, got["quantile"], got["nobs"])}
            == {k: (_bits(v), n) for k, (v, n) in expected.items()})


@settings(max_examples=200, deadline=None)
@given(cells, quantile)
def test_duckdb_quantiles_are_the_pandas_engines_to_the_bit(rows, q):
    months, groups, xs = (list(c) for c in zip(*rows))
    _same(_duckdb(months, groups, xs, q), _pandas_engine(months, groups, xs, q))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1.0, 2.0, 2.5, 60.0, None]), min_size=50, max_size=600),
       st.randoms(use_true_random=False), quantile)
def test_long_runs_of_ties_around_the_anchor(draws, rnd, q):
    """Hundreds of observations of a few values: the anchor inside a long run of equal ones, the
    ranks read below, inside and above it."""
    months = [rnd.choice([202601, 202602]) for _ in draws]
    groups = [rnd.choice("ab") for _ in draws]
    _same(_duckdb(months, groups, draws, q), _pandas_engine(months, groups, draws, q))


def test_an_anchor_off_the_rank_is_refused(monkeypatch):
    """The pass after the anchors answers only the ranks next to it: an engine whose discrete
    percentile took another rank (here the group's least value) is an error, not a quantile."""
    rendered = CompiledQuery.anchors_sql
    monkeypatch.setattr(CompiledQuery, "anchors_sql", lambda self, dialect: re.sub(
        r"QUANTILE_DISC\((r\._o\d+), [0-9.]+\)", r"MIN(\1)", rendered(self, dialect)))
    with pytest.raises(RuntimeError, match="discrete percentile"):
        _duckdb([202601] * 5, ["a"] * 5, [1.0, 2.0, 3.0, 4.0, 5.0], 0.9)


def test_no_group_is_held_as_a_sorted_list():
    """DuckDB's QUANTILE_DISC and Spark's PERCENTILE_DISC anchor each quantile; no LIST, no
    COLLECT_LIST, no interpolating built-in."""
    c = contract(kpi("average_handle_time", "aht", statistic="p90"),
                 kpi("average_speed_of_answer", "asa", statistic="median"))
    tables = {"interactions": interactions(
        interaction_id=list("ab"), channel=["voice"] * 2, created_at=["2026-03-03T09:00:00"] * 2,
        answered_at=["2026-03-03T09:00:10"] * 2, handle_time_s=[45.0, 8.0])}
    labels = {"2026-03": ["2026-03"]}
    prepared = prepare_tables(c, tables, labels)
    (query,), _ = compile_kpis(c, list(c.kpis.values()), ["vendor"], prepared, tables, labels)
    duckdb, spark = query.anchors_sql("duckdb"), query.anchors_sql("spark")
    assert duckdb.count("QUANTILE_DISC(r._o") == 2 and spark.count("PERCENTILE_DISC(0.") == 2
    assert "QUANTILE_DISC(r._o0, 0.9)" in duckdb and "PERCENTILE_DISC(0.5) WITHIN GROUP" in spark
    texts = [duckdb, spark, query.sql("duckdb"), query.sql("spark")]
    assert not any(word in text for text in texts for word in ("LIST(", "ARRAY_SORT", "QUANTILE_CONT", "APPROX"))


def test_the_loader_reads_minus_zero_as_zero(tmp_path):
    """-0 in a CSV cell, -0.0 in a Parquet float column: 0.0, the sign gone (parse.to_number)."""
    from scorecard.data.parse import clock_seconds, to_number
    for parsed in (to_number(pd.Series(["-0", "-0.0", "3"]))[0], to_number(pd.Series([-0.0, 2.0]))[0],
                   clock_seconds(pd.Series(["-0", "0:01:02"]), two_parts="ms")[0]):
        assert not np.signbit(parsed.to_numpy()).any()
    assert to_number(pd.Series(["-0", "-1.5"]))[0].tolist() == [0.0, -1.5]


def test_a_p90_interpolated_as_pandas_does_not_as_numpy_or_quantile_cont():
    """8, 22, 45: h = 0.9 x 2 = 1.8, 22 + (45 - 22) x 0.8 = 40.400000000000006 (numpy.quantile and
    DuckDB's QUANTILE_CONT: 40.4, one bit less)."""
    got = _duckdb([202601] * 3, ["a"] * 3, [45.0, 8.0, 22.0], 0.9)
    assert got["quantile"].tolist() == [40.400000000000006] * 4  # 2026-01 and 2026-Q1: vendor and a
    assert float(np.quantile([8.0, 22.0, 45.0], 0.9)) == 40.4


def test_the_duckdb_engine_gives_the_pandas_engines_aht_p90():
    """Through both engines: three handled calls, p90 of the handle times 40.400000000000006 on each."""
    c = contract(kpi("average_handle_time", "aht", statistic="p90"))
    tables = {"interactions": interactions(
        interaction_id=list("abc"), channel=["voice"] * 3, created_at=["2026-03-03T09:00:00"] * 3,
        answered_at=["2026-03-03T09:00:10"] * 3, handle_time_s=[45.0, 8.0, 22.0])}
    pandas = compute_kpis(c, tables, [parse_period("2026-03")], ("vendor",))
    assert value(run(c, tables), "aht").value == value(pandas, "aht").value == 40.400000000000006
