"""The backlog on the SQL engines (sql/backlog.py): by hand, and equal to the pandas engine's loop
row for row, in its order, on random contacts in several time zones."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_helpers import backlog_contact, backlog_contacts, contract, kpi
from scorecard.kpis.engine import Engine
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period

ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-Q1", "2026")


def _both(c, frame: pd.DataFrame, periods, grains) -> tuple[pd.DataFrame, pd.DataFrame]:
    periods = [parse_period(p) for p in periods]
    tables = {"interactions": frame}
    return (Engine(c, tables, periods, grains).run(), SqlEngine(c, tables, periods, grains).run())


def test_backlog_by_hand_on_duckdb():
    # email e1 open all along; e2 resolved in February; voice never in a backlog; e3 created in March;
    # t2's e4 created and resolved within February: t2 listed in February with 0 open
    frame = pd.DataFrame({
        "channel": pd.array(["email", "email", "voice", "email", "email"], dtype="string"),
        "created_at": pd.to_datetime(["2026-01-10", "2026-01-20", "2026-01-05", "2026-03-03", "2026-02-03"], utc=True),
        "resolved_at": pd.to_datetime([None, "2026-02-10", None, None, "2026-02-04"], utc=True),
        "team_id": pd.array(["t1", "t2", "t1", "t2", "t2"], dtype="string"),
    })
    spec = kpi("backlog")
    _, got = _both(contract(spec), frame, ("2026-01", "2026-02", "2026-03", "2026-Q1"), ["team_id"])
    values = got.set_index(["period", "grain", "entity"])["value"].to_dict()
    assert values == {("2026-01", "vendor", "V"): 2.0, ("2026-02", "vendor", "V"): 1.0,
                      ("2026-03", "vendor", "V"): 2.0, ("2026-Q1", "vendor", "V"): 2.0,
                      ("2026-01", "team_id", "t1"): 1.0, ("2026-01", "team_id", "t2"): 1.0,
                      ("2026-02", "team_id", "t1"): 1.0, ("2026-02", "team_id", "t2"): 0.0,
                      ("2026-03", "team_id", "t1"): 1.0, ("2026-03", "team_id", "t2"): 1.0,
                      ("2026-Q1", "team_id", "t1"): 1.0, ("2026-Q1", "team_id", "t2"): 1.0}
    assert got["n"].tolist() == got["value"].astype(int).tolist()


def test_a_contact_resolved_at_the_instant_a_period_ends_is_in_its_backlog():
    # "not resolved by then": resolved at February's first instant (Paris), it was open at January's end
    frame = pd.DataFrame({
        "channel": pd.array(["email", "email"], dtype="string"),
        "created_at": pd.to_datetime(["2026-01-10", "2026-01-11"], utc=True),
        "resolved_at": pd.Series([pd.Timestamp("2026-02-01", tz="Europe/Paris"),
                                  pd.Timestamp("2026-01-31 23:59:59", tz="Europe/Paris")]).dt.tz_convert("UTC"),
    })
    spec = kpi("backlog")
    c = replace(contract(spec), timezone="Europe/Paris")
    pandas, duckdb = _both(c, frame, ("2026-01",), [])
    assert duckdb["value"].tolist() == pandas["value"].tolist() == [1.0]


def test_backlog_without_resolved_at_is_not_measurable_on_duckdb():
    frame = pd.DataFrame({"channel": pd.array(["email"], dtype="string"),
                          "created_at": pd.to_datetime(["2026-01-10"], utc=True)})
    spec = kpi("backlog", filter={"queue": ("a",)})  # the missing column is said before the filter's
    pandas, duckdb = _both(contract(spec), frame, ("2026-01",), [])
    assert duckdb["note"].tolist() == pandas["note"].tolist() == ["interactions has no column resolved_at"]


@settings(max_examples=60, deadline=None)
@given(st.lists(backlog_contact, min_size=1, max_size=40), st.sampled_from(ZONES), st.booleans())
def test_backlog_on_duckdb_is_the_pandas_engines_row_for_row(rows, zone, filtered):
    frame = backlog_contacts(rows, zone)
    spec = kpi("backlog", filter={"channel": ("email",)} if filtered else {})
    pandas, duckdb = _both(replace(contract(spec), timezone=zone), frame, PERIODS, ["team_id", "agent_id", "channel"])
    # in the pandas engine's order, every cell exactly (its entities are a string array, the SQL
    # engine's an object column of the same texts, as for every KPI)
    pd.testing.assert_frame_equal(duckdb, pandas.astype({"entity": object}), check_exact=True)
