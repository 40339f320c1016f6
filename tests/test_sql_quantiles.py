"""The SQL engines' exact quantiles (compile.interpolated over each group's sorted observations)
against the pandas engine's (aggregate.GroupIndex.quantile, pandas' groupby quantile's arithmetic):
the same bits on DuckDB for ties, -0.0 among zeros, one or two observations, none, large and tiny
magnitudes, at every grain of one GROUPING SETS query. (Where zeros of both signs tie, pandas'
groupby puts them in no fixed order; the pandas engine sorts stably, and so does the query.)
numpy.quantile is not the reference: from t = 0.5 it interpolates b - (b - a)(1 - t), which
rounds otherwise in the last bit (as DuckDB's QUANTILE_CONT, which the engine used before)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_helpers import contract, interactions, kpi, run, value
from scorecard.kpis.aggregate import Codes, GroupIndex
from scorecard.kpis.engine import compute_kpis
from scorecard.kpis.sql.backend import DuckDBBackend
from scorecard.kpis.sql.compile import PERIOD_MAP, MeasureSQL, aggregate_query, period_map, sql
from scorecard.kpis.sql.plan import compile_kpis, prepare_tables
from scorecard.periods import parse_period

LABELS = {"2026-01": ["2026-01"], "2026-02": ["2026-02"], "2026-Q1": ["2026-01", "2026-02", "2026-03"]}


@functools.cache
def _backend() -> DuckDBBackend:
    """One connection for the module (opening one costs as much CPU as the query): each call
    registers its own tables under the same names, which replaces the previous call's."""
    return DuckDBBackend()


def _duckdb(months: list[int], groups: list[str], values: list[float | None], q: float,
            signed_zeros: bool = True) -> pd.DataFrame:
    """The query's quantile and count per (period, grain, entity), rows in the given order
    (`signed_zeros`: MeasureSQL's, False sorts the values on one key)."""
    backend = _backend()
    backend.register("t", pa.table({"_month": pa.array(months, pa.int32()), "_row": np.arange(len(values)),
                                    "g": groups, "x": pa.array(values, pa.float64())}))
    backend.register(PERIOD_MAP, period_map(LABELS))
    m = MeasureSQL(sql("SELECT * FROM t"), sql("TRUE"), obs=sql("v.x"), q=q, signed_zeros=signed_zeros)
    query = aggregate_query("q", [("k", m, ["vendor", "g"])], vendor="V")
    return query.long(backend.execute(query.sql("duckdb")))


def _pandas_engine(months: list[int], groups: list[str], values: list[float | None], q: float) -> dict:
    """(period, grain, entity) -> (the pandas engine's quantile of the group's observations, their
    count), each row a fine group of its own, observations sorted stably as the engine sorts them
    when a -0.0 is among them; and pandas' groupby quantile, which it must equal as a number."""
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


values = st.one_of(st.none(), st.floats(-1e300, 1e300, allow_nan=False),
                   st.sampled_from([0.0, -0.0, 0.1, 1 / 3, 7.0, 22.0, 45.0, 1e-300, 5e-324, -5e-324, 1.7e308]))
cells = st.lists(st.tuples(st.sampled_from([202601, 202602, 202603]), st.sampled_from(["a", "b", "c"]), values),
                 min_size=1, max_size=40)
quantile = st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.95, 0.99, 1.0, 1 / 3, 0.999]),
                     st.integers(0, 100).map(lambda p: p / 100.0))


@settings(max_examples=200, deadline=None)
@given(cells, quantile)
def test_duckdb_quantiles_are_the_pandas_engines_to_the_bit(rows, q):
    months, groups, xs = (list(c) for c in zip(*rows))
    got = _duckdb(months, groups, xs, q)
    expected = _pandas_engine(months, groups, xs, q)
    keys = list(zip(got["period"], got["grain"], got["entity"]))
    assert sorted(keys) == sorted(expected)
    assert ({k: (_bits(v), n) for k, v, n in zip(keys, got["quantile"], got["nobs"])}
            == {k: (_bits(v), n) for k, (v, n) in expected.items()})


@settings(max_examples=100, deadline=None)
@given(cells.map(lambda rows: [(m, g, None if x is not None and x == 0.0 and np.signbit(x) else x)
                               for m, g, x in rows]), quantile)
def test_values_without_a_negative_zero_sorted_on_one_key_are_the_pandas_engines_to_the_bit(rows, q):
    """The one-key sort of observations that cannot be -0.0 (differences of two times): equal
    values are the same bits, so their order is free and the quantiles are still exact."""
    months, groups, xs = (list(c) for c in zip(*rows))
    got = _duckdb(months, groups, xs, q, signed_zeros=False)
    expected = _pandas_engine(months, groups, xs, q)
    keys = list(zip(got["period"], got["grain"], got["entity"]))
    assert ({k: (_bits(v), n) for k, v, n in zip(keys, got["quantile"], got["nobs"])}
            == {k: (_bits(v), n) for k, (v, n) in expected.items()})


def test_only_a_column_read_as_is_sorts_its_ties_in_row_order():
    """Handle times may hold -0.0: sorted on (value, row); a wait, a difference of two times, on
    its value alone (and Spark's pairs likewise become plain values)."""
    c = contract(kpi("average_handle_time", "aht", statistic="p90"),
                 kpi("average_speed_of_answer", "asa", statistic="median"))
    tables = {"interactions": interactions(
        interaction_id=list("ab"), channel=["voice"] * 2, created_at=["2026-03-03T09:00:00"] * 2,
        answered_at=["2026-03-03T09:00:10"] * 2, handle_time_s=[45.0, 8.0])}
    labels = {"2026-03": ["2026-03"]}
    prepared = prepare_tables(c, tables, labels)
    (query,), _ = compile_kpis(c, list(c.kpis.values()), ["vendor"], prepared, tables, labels)
    duckdb, spark = query.sql("duckdb"), query.sql("spark")
    assert duckdb.count(" ORDER BY ") == 2 and duckdb.count(", r._row) FILTER") == 1
    assert spark.count("NAMED_STRUCT") == 1 and spark.count("ARRAY_SORT(COLLECT_LIST(r.") == 1


def test_a_p90_interpolated_as_pandas_does_not_as_numpy_or_quantile_cont():
    """8, 22, 45: h = 0.9 x 2 = 1.8, 22 + (45 - 22) x 0.8 = 40.400000000000006 (numpy.quantile and
    DuckDB's QUANTILE_CONT: 40.4, one bit less)."""
    got = _duckdb([202601] * 3, ["a"] * 3, [45.0, 8.0, 22.0], 0.9)
    assert got["quantile"].tolist() == [40.400000000000006] * 4  # 2026-01 and 2026-Q1: vendor and a
    assert float(np.quantile([8.0, 22.0, 45.0], 0.9)) == 40.4


def test_a_zero_median_is_the_zero_the_pandas_engines_stable_sort_puts_there():
    """Zeros that tie keep the data's order, so a median of three with two zeros is the data's second
    zero: -0.0 of (0.0, -0.0, 5.0), 0.0 of (5.0, -0.0, 0.0); between two -0.0 it is 0.0
    (-0.0 + (-0.0 - -0.0) x 0.5)."""
    second_minus = _duckdb([202601] * 3, ["a"] * 3, [0.0, -0.0, 5.0], 0.5)["quantile"].to_numpy()
    second_plus = _duckdb([202601] * 3, ["a"] * 3, [5.0, -0.0, 0.0], 0.5)["quantile"].to_numpy()
    between = _duckdb([202601] * 2, ["a"] * 2, [-0.0, -0.0], 0.5)["quantile"].to_numpy()
    assert (second_minus == 0.0).all() and np.signbit(second_minus).all()
    assert (second_plus == 0.0).all() and not np.signbit(second_plus).any()
    assert (between == 0.0).all() and not np.signbit(between).any()


def test_the_duckdb_engine_gives_the_pandas_engines_aht_p90():
    """Through both engines: three handled calls, p90 of the handle times 40.400000000000006 on each."""
    c = contract(kpi("average_handle_time", "aht", statistic="p90"))
    tables = {"interactions": interactions(
        interaction_id=list("abc"), channel=["voice"] * 3, created_at=["2026-03-03T09:00:00"] * 3,
        answered_at=["2026-03-03T09:00:10"] * 3, handle_time_s=[45.0, 8.0, 22.0])}
    pandas = compute_kpis(c, tables, [parse_period("2026-03")], ("vendor",))
    assert value(run(c, tables), "aht").value == value(pandas, "aht").value == 40.400000000000006
