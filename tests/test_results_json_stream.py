"""results.json streamed (results.results_json), its tables' records made column by column
(json_rows.Records): the same text as the writer it replaced, which made the whole file in memory
with pandas' to_json (tests/results_json_reference.py), on varied evaluations and tables."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard import json_rows, results
from scorecard.json_rows import Records
from scorecard.results import results_json, write_json

from fixtures_evaluation import MONTHS, make_evaluation
from results_json_reference import _rows as old_rows
from results_json_reference import results_json as old_results_json

BASE = make_evaluation(n_agents=12, agents_per_team=4)
# every month of the fixture, a quarter (its credits are its months' rows) and a period without rows
PERIODS = (*MONTHS[-3:], "2026-Q1", "2024-01")

texts = st.text(st.sampled_from(list('a/é"\\\n\t\x00\x1f😀\u2028 <&>=')), max_size=5)
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(
    [0.0, -0.0, 0.1 + 0.2, 1e16, 1e16 - 1, 1e-15, 9.9999999999999995e-16, 123456789.123456789, 0.5e-15,
     2.5, 0.9999999999999999, 5e-324]))
cells = st.one_of(st.none(), texts, floats, st.booleans(), st.integers(-2**63, 2**63 - 1),
                  st.sampled_from([Decimal("1.00"), Decimal("-2.50"), Decimal("123456789012.34")]))
COLUMN_KINDS = {"float": floats, "text": st.none() | texts, "int": st.integers(-2**63, 2**63 - 1),
                "object": cells, "bool": st.booleans(), "Int64": st.none() | st.integers(-9, 9),
                "datetime64[ns]": st.none() | st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)), "category": st.none() | texts}
DTYPES = {"text": "str", "bool": bool, "int": "int64", "float": "float64", "object": object}


@st.composite
def tables(draw, periods=PERIODS[:4]) -> pd.DataFrame:
    """A table of varied columns (money ones among them), often with a period column."""
    n = draw(st.integers(0, 9))
    names = draw(st.lists(st.sampled_from(["value", "label", "credit", "bonus", "n", "flag", "x"]),
                          unique=True, max_size=4))
    frame = pd.DataFrame({name: pd.Series(draw(st.lists(COLUMN_KINDS[kind], min_size=n, max_size=n)),
                                          dtype=DTYPES.get(kind, kind))
                          for name in names for kind in [draw(st.sampled_from(sorted(COLUMN_KINDS)))]},
                         index=range(n))
    if draw(st.booleans()):
        frame.insert(0, "period", draw(st.lists(st.sampled_from(periods), min_size=n, max_size=n)))
    return frame


def _evaluation(draw) -> results.Evaluation:
    sections = {name: draw(st.none() | tables()) for name in draw(st.lists(st.sampled_from(
        results.SECTIONS_IN_JSON), unique=True))}
    quality = draw(st.one_of(st.just(BASE.quality), tables().map(lambda f: f.assign(
        action=["quarantined" if i % 2 else "kept" for i in range(len(f))]))))
    return replace(BASE, periods=tuple(draw(st.lists(st.sampled_from(PERIODS), unique=True, min_size=1))),
                   results=BASE.history, sections={**BASE.sections, **sections}, quality=quality,
                   inputs=draw(st.dictionaries(texts, st.just("ab" * 32), max_size=2)))


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from([1, 2, 3, 65_536]))
def test_streamed_results_json_is_the_text_made_whole(data, chunk):
    ev = _evaluation(data.draw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_rows, "CHUNK", chunk)  # the chunks' joins, on tables of a few rows
        out = io.BytesIO()
        results_json(ev, out)
    assert out.getvalue().decode("utf-8") == old_results_json(ev)


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(1, 4))
def test_records_in_chunks_are_the_whole_tables_to_json(frame, chunk):
    """Columns encoded once, or (dates, nullable integers, categories) the table to to_json."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_rows, "CHUNK", chunk)
        out = io.BytesIO()
        Records(frame).write(out)
    assert out.getvalue().decode("utf-8") == old_rows(frame)


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_records_of_any_rows_are_those_rows_to_json(frame, data):
    """A subset of the rows (a period's), in order, as to_json of that subset."""
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(frame) - 1, 0)), max_size=len(frame)))),
                    dtype=np.intp)
    out = io.BytesIO()
    Records(frame).write(out, rows)
    assert out.getvalue().decode("utf-8") == old_rows(frame.iloc[rows])


def test_rows_without_columns_are_an_empty_array_in_any_chunking(monkeypatch):
    monkeypatch.setattr(json_rows, "CHUNK", 2)
    out = io.BytesIO()
    Records(pd.DataFrame(index=range(5))).write(out)
    assert out.getvalue() == b"[]"


def test_written_file_holds_the_quarters_credits_and_root_causes(tmp_path):
    """Hand-read expectations on the fixture: a quarter carries its three months' credit rows, a
    period without rows has empty tables, and the red vendor KPIs of a month get their causes."""
    ev = replace(BASE, periods=(MONTHS[-1], "2026-Q1", "2024-01"), results=BASE.history)
    doc = json.loads(write_json(ev, tmp_path / "results.json").read_text(encoding="utf-8"))
    month, quarter, empty = doc["periods"]
    assert [p["period"] for p in doc["periods"]] == [MONTHS[-1], "2026-Q1", "2024-01"]
    assert {c["period"] for c in quarter["credits"]} == {"2026-01", "2026-02", "2026-03"}
    assert len(quarter["credits"]) == sum(BASE.credits["period"].isin(["2026-01", "2026-02", "2026-03"]))
    assert len(month["kpis"]) == sum(BASE.history["period"] == MONTHS[-1]) and "period" not in month["kpis"][0]
    assert all(empty[name] == [] for name in ("overall", "kpis", "credits", "root_causes"))
    red = BASE.results[(BASE.results["grain"] == "vendor") & (BASE.results["status"] == "red")]
    assert {c["kpi"] for c in month["root_causes"]} <= set(red["kpi"]) and month["root_causes"]
    assert isinstance(month["credits"][0]["credit"], float) if month["credits"] else True
    assert doc["data_quality"] == {"problems": 0, "quarantined_rows": 0, "rows": []}
    assert not list(tmp_path.glob(".results.json.*"))  # the temporary file renamed into place


def test_large_float_column_formats_as_pandas_encoder():
    """The numbers results.json shows: 15 decimals, trailing zeros cut; an exponent above 10^16 - 1
    or under 10^-15; -0.0 as 0.0; infinities and NaN as null."""
    frame = pd.DataFrame({"v": [123456789.123456789, 1e16, 1.5e16, 1e-16, 2e-15, -0.0, np.inf, np.nan, 0.1 + 0.2]})
    out = io.BytesIO()
    Records(frame).write(out)
    assert out.getvalue().decode() == ('[{"v":123456789.123456791043282},{"v":10000000000000000.0},{"v":1.5e+16},'
                              '{"v":1e-16},{"v":0.000000000000002},{"v":0.0},{"v":null},{"v":null},{"v":0.3}]')
