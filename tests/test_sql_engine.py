"""The SQL engine's shared work: the repeat flags computed once per backend (and widened for a new
window), the sum KPIs of a contract in one query reading each distinct expression once. The flags
are checked against kpis/repeat.py (the pandas engine's own reading of convention 10) on generated
contacts with ties, missing customers and reasons, and windows that end exactly on a contact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from kpi_helpers import assert_same_results, contract, interactions, kpi, run, value
from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.kpis.engine import Engine
from scorecard.kpis.repeat import repeat_flags
from scorecard.kpis.sql import compile_kpis, compiles, prepare_tables
from scorecard.kpis.sql.backend import DuckDBBackend
from scorecard.kpis.sql.dialects import render
from scorecard.kpis.sql.prepare import prepare
from scorecard.kpis.sql.relation import Repeats
from scorecard.kpis.sqlengine import SqlEngine
from scorecard.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]


class CountingBackend(DuckDBBackend):
    """DuckDB, recording the columns each `extend` adds."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list[list[str]] = []

    def extend(self, name: str, sql: str) -> None:
        before = set(self._tables[name].column_names)
        super().extend(name, sql)
        self.added.append(sorted(set(self._tables[name].column_names) - before))


contacts = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3", None]), st.sampled_from(["r1", "r2", None]),
                              st.integers(0, 40)), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=contacts, window=st.sampled_from([1, 3, 10, 25]))
def test_repeat_flags_are_those_of_the_pandas_engine(rows, window):
    """Seconds on a small range, so several contacts share an instant (not a repeat of each other)
    and windows end exactly on a later contact (a repeat: the window is inclusive)."""
    _assert_flags_of_the_pandas_engine(rows, window, with_reason=True)


@settings(max_examples=60, deadline=None)
@given(rows=contacts, window=st.sampled_from([1, 3, 10, 25]))
def test_repeat_flags_without_a_reason_column_are_those_of_the_pandas_engine(rows, window):
    _assert_flags_of_the_pandas_engine(rows, window, with_reason=False)


def _assert_flags_of_the_pandas_engine(rows, window: int, with_reason: bool) -> None:
    customer, reason, second = zip(*rows)
    frame = pd.DataFrame({
        "customer_id": pd.array(customer, dtype="string"), "reason": pd.array(reason, dtype="string"),
        "created_at": pd.Timestamp("2026-03-01", tz="UTC") + pd.to_timedelta(list(second), unit="s")})
    if not with_reason:
        frame = frame.drop(columns="reason")
    repeated, window_open = repeat_flags(frame, float(window))
    w = window * 1_000_000_000
    # the windows over the customer alone are left out only where every row has a reason
    for unlabeled in {True, not with_reason or bool(frame["reason"].isna().any())}:
        backend = DuckDBBackend()
        backend.register("interactions", prepare(frame, "Europe/Paris", "created_at")[0])
        backend.extend("interactions", render(Repeats(frozenset([w]), with_reason, unlabeled).select(), "duckdb"))
        flags = backend.execute("SELECT * FROM interactions ORDER BY _row")
        assert flags[f"_repeated_{w}"].to_numpy(dtype=bool).tolist() == repeated.tolist()
        assert flags[f"_window_open_{w}"].to_numpy(dtype=bool).tolist() == window_open.tolist()


def _contacts(n: int = 300, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-01T08:00:00", tz="UTC")
    created = [start + pd.Timedelta(hours=float(h)) for h in np.sort(rng.integers(0, 24 * 40, n))]
    return interactions(
        interaction_id=[f"i{k}" for k in range(n)], channel=rng.choice(["voice", "email", "chat"], n).tolist(),
        customer_id=[None if rng.random() < 0.1 else f"c{rng.integers(0, 30)}" for _ in range(n)],
        reason=[None if rng.random() < 0.2 else str(rng.choice(["refund", "baggage"])) for _ in range(n)],
        created_at=[t.isoformat() for t in created],
        answered_at=[(t + pd.Timedelta(seconds=20)).isoformat() for t in created])


def test_a_run_with_another_repeat_window_widens_the_flags_and_later_runs_reuse_them():
    week = kpi("first_contact_resolution", "fcr", params={"repeat_window": "7d"})
    two_days = kpi("repeat_contact_rate", "rcr", params={"repeat_window": "2d"})
    c = contract(week, two_days)
    tables = {"interactions": _contacts()}
    periods = [parse_period(p) for p in ("2026-03", "2026-04")]
    reference = Engine(c, tables, periods, ["vendor", "reason"])
    backend = CountingBackend()
    engine = SqlEngine(c, tables, periods, ["vendor", "reason"], backend=backend)
    assert_same_results(reference.run([week]), engine.run([week]))
    assert_same_results(reference.run([two_days]), engine.run([two_days]))  # a window not built yet
    assert_same_results(reference.run([week, two_days], ["vendor"]), engine.run([week, two_days], ["vendor"]))
    week_ns, two_days_ns = 7 * 86400 * 10**9, 2 * 86400 * 10**9
    assert backend.added == [[f"_repeated_{week_ns}", f"_window_open_{week_ns}"],  # built, widened once, reused
                             [f"_repeated_{two_days_ns}", f"_window_open_{two_days_ns}"]]
    assert backend.repeats is not None and backend.repeats.windows == {week_ns, two_days_ns}


def test_the_windows_over_the_customer_alone_run_only_when_some_contact_has_no_reason():
    """Every reason known: one window, by customer and reason (the costly ones by customer alone are
    left out), and the same FCR as the pandas engine; one reason missing: all three windows."""
    fcr = kpi("first_contact_resolution", "fcr", params={"repeat_window": "7d"})
    c = contract(fcr)
    labeled = _contacts().assign(reason=lambda f: f["reason"].fillna("refund"))
    for frame, unlabeled in ((labeled, False), (_contacts(), True)):
        tables = {"interactions": frame}
        prepared = prepare_tables(c, tables, {"2026-03": ["2026-03"]})
        assert prepared.unlabeled is unlabeled
        queries, _ = compile_kpis(c, [fcr], ["vendor"], prepared, tables, {"2026-03": ["2026-03"]})
        windows = render(queries[0].repeats.select(), "duckdb")
        assert ("_next_unlabeled" in windows) is unlabeled
        periods = [parse_period("2026-03")]
        assert_same_results(Engine(c, tables, periods, ["vendor", "reason"]).run([fcr]),
                            SqlEngine(c, tables, periods, ["vendor", "reason"]).run([fcr]))


def test_the_sum_kpis_of_a_contract_are_one_query_reading_each_expression_once(small_demo):
    acme = load_contract(ROOT / "contracts" / "acme-travel-nordlys.yaml")
    dataset = load_dataset(small_demo, contract=acme)
    labels = {"2026-03": ["2026-03"]}
    kpis = [k for k in acme.kpis.values() if compiles(k)]
    queries, _ = compile_kpis(acme, kpis, ["agent_id"], prepare_tables(acme, dataset.tables, labels),
                              dataset.tables, labels)
    quantiles = {k.id for k in kpis if k.statistic not in ("mean", None)}
    # the quantiles one query per grain, each grouping one set: their observations are held for one
    # grain at a time (DuckDB's peak memory), not for every grain at once
    # ... and the backlog, a stock at each period's end, one query of its own (sql/backlog.py)
    assert [set(q.kpis) for q in queries] == [{k.id for k in kpis} - quantiles - {"backlog"}, quantiles, quantiles,
                                              {"backlog"}]
    sums, vendor, agents, _ = queries
    assert {own for q in (vendor, agents) for own in q.kpi_grains} == {("vendor",), ("agent_id",)}
    grouped = [sums.select, vendor.anchors, agents.anchors]  # a quantile's grouped rows: its anchors
    sets = [len(q.find(exp.GroupingSets).expressions) for q in grouped]
    assert sets == [len(set(sums.grains)), 1, 1]  # the sums: vendor, agent_id and channel in one pass
    # only the sums read business time (the email response KPIs): the quantiles join no calendar
    joins = ["scorecard_clock_business" in render(q, "duckdb") for q in grouped]
    assert joins == [True, False, False]
    by_kpi = dict(zip(sums.kpis, sums.outputs))
    assert by_kpi["csat"]["den"] == by_kpi["dsat"]["den"]  # the same answers counted once
    assert by_kpi["cost_per_contact"]["base"] == by_kpi["csat"]["base"]  # both over every contact
    assert dict(zip(sums.kpis, sums.kpi_grains))["cost_per_contact"] == ("vendor",)  # rides along
    columns = {c for outputs in sums.outputs for c in outputs.values() if c}
    assert len(columns) < 3 * len(sums.kpis)


def test_a_contract_without_live_channels_handles_its_tickets_on_both_engines():
    """A ticket desk (live_channels: []): every contact is async, handled once it has a first
    response. The SQL engine once read the empty channel list as IN (NULL), which is never true nor
    false, so no ticket was handled and the repeat rate of the contact reasons was empty."""
    tickets = interactions(
        interaction_id=["t1", "t2", "t3", "t4"], channel=["email", "phone", "email", "phone"],
        customer_id=["c1", "c1", "c2", "c3"], reason=["refund", "refund", None, "login"],
        created_at=["2026-03-02T09:00:00", "2026-03-04T09:00:00", "2026-03-05T09:00:00", "2026-03-06T09:00:00"],
        first_response_at=["2026-03-02T10:00:00", "2026-03-04T10:00:00", None, "2026-03-06T11:00:00"],
        transferred=[False, True, False, False])
    c = contract(kpi("repeat_contact_rate", "rcr"), kpi("transfer_rate"), live_channels=())
    results = run(c, {"interactions": tickets})
    rcr, transfers = value(results, "rcr"), value(results, "transfer_rate")
    assert (rcr.value, rcr.n) == (pytest.approx(1 / 3), 3)  # t1 repeated by t2 (same reason); t3 not handled
    assert (transfers.value, transfers.n) == (pytest.approx(1 / 3), 3)


def test_scorecard_threads_sets_duckdb_threads_and_a_bad_value_is_one_message(monkeypatch):
    from scorecard.errors import DataError

    monkeypatch.setenv("SCORECARD_THREADS", "1")
    assert DuckDBBackend().con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    monkeypatch.setenv("SCORECARD_THREADS", "two")
    with pytest.raises(DataError, match="SCORECARD_THREADS='two' is not a number of threads"):
        DuckDBBackend()


@pytest.mark.parametrize("half, limit", [(0, "2.0 GiB"), (1, "2.0 GiB"), (6, "6.0 GiB")])
def test_duckdbs_memory_limit_is_half_the_machine_at_least_2gib_unless_set(monkeypatch, half, limit):
    """The loaded tables live outside DuckDB's limit and its quantile lists cannot spill: a fixed 2GB
    made 50 M bench rows fail on a 24 GB machine."""
    import scorecard.kpis.sql.backend as backend

    monkeypatch.delenv("SCORECARD_MEMORY_LIMIT", raising=False)
    monkeypatch.setattr(backend, "half_of_memory_gb", lambda: half)
    setting = "SELECT current_setting('memory_limit')"
    assert DuckDBBackend().con.execute(setting).fetchone()[0] == limit
    monkeypatch.setenv("SCORECARD_MEMORY_LIMIT", "3GiB")
    assert DuckDBBackend().con.execute(setting).fetchone()[0] == "3.0 GiB"


def test_duckdb_out_of_memory_or_a_bad_memory_limit_is_a_message_and_exit_2(small_demo, tmp_path, monkeypatch, capsys):
    """Under too small a SCORECARD_MEMORY_LIMIT the quantiles cannot be held: said with the limit and
    what to change, exit 2 and nothing written (it was an internal error, exit 1)."""
    from scorecard.cli import main

    argv = [str(ROOT / "contracts" / "acme-travel-nordlys.yaml"), "--data", str(small_demo), "--period", "2026-03",
            "--engine", "duckdb", "--out", str(tmp_path / "out")]
    monkeypatch.setenv("SCORECARD_MEMORY_LIMIT", "1MB")
    assert main(["evaluate", *argv]) == 2
    err = capsys.readouterr().err
    assert "DuckDB ran out of memory computing the KPIs under its limit of 1MB" in err
    assert "twice 1MB" in err and "--engine pandas" in err and "Traceback" not in err
    assert [p for p in (tmp_path / "out").rglob("*") if ".scorecard" not in p.parts] == []  # only its lock
    monkeypatch.setenv("SCORECARD_MEMORY_LIMIT", "lots")
    assert main(["evaluate", *argv]) == 2
    assert "SCORECARD_MEMORY_LIMIT='lots' is not an amount of memory" in capsys.readouterr().err


CHANNELS = ["voice", "Voice", "VOICE", "chat", "Chat", "email", "Email", "self_service", "Self_Service", "sms", None]


@settings(max_examples=40, deadline=None)
@given(picks=st.lists(st.integers(0, len(CHANNELS) - 1), min_size=1, max_size=12))
def test_channel_conditions_read_the_channel_codes_and_equal_the_pandas_engine(picks):
    """Live channels, a channel filter and digital channels are conditions on the channel's integer
    codes (the codes whose lower-cased value is listed), whatever the case of the data; a missing
    channel is in none of them; every value equal to the pandas engine's (`run`)."""
    n = len(picks)
    frame = interactions(
        interaction_id=[f"i{i}" for i in range(n)], channel=[CHANNELS[p] for p in picks],
        created_at=[f"2026-03-02T09:{i:02d}:00" for i in range(n)],
        answered_at=[f"2026-03-02T09:{i:02d}:{10 + i:02d}" if i % 3 else None for i in range(n)],
        first_response_at=[f"2026-03-02T10:{i:02d}:00" for i in range(n)],
        abandoned=[i % 3 == 0 for i in range(n)], agent_id=["a1", "a2"] * (n // 2) + ["a1"] * (n % 2))
    c = contract(kpi("abandonment_rate"), kpi("service_level"), kpi("digital_rate", params={"digital_channels": ["Self_Service", "sms"]}),
                 kpi("first_response_time", "email_frt", filter={"channel": ("email",)}))
    run(c, {"interactions": frame}, grains=("vendor", "channel", "agent_id"))
    tables = {"interactions": frame}
    prepared = prepare_tables(c, tables, {"2026-03": ["2026-03"]})
    queries, _ = compile_kpis(c, list(c.kpis.values()), ["vendor"], prepared, tables, {"2026-03": ["2026-03"]})
    assert all("LOWER(" not in render(q.select, "duckdb") for q in queries)


def test_channels_of_any_case_hand_computed():
    """Voice, voice and CHAT are live, a missing channel is not (KPIS.md: live = voice, chat, messaging):
    offered 3, abandoned 1 -> 1/3; Self_Service is the default digital channel: 1 of 6 contacts."""
    frame = interactions(
        interaction_id=list("abcdef"), channel=["Voice", "voice", "CHAT", "email", None, "Self_Service"],
        created_at=[f"2026-03-02T09:0{i}:00" for i in range(6)],
        answered_at=[None, "2026-03-02T09:01:30", "2026-03-02T09:02:30", None, None, None],
        abandoned=[True, False, False, False, False, False])
    results = run(contract(kpi("abandonment_rate"), kpi("digital_rate")), {"interactions": frame})
    assert (value(results, "abandonment_rate").value, value(results, "abandonment_rate").n) == (pytest.approx(1 / 3), 3)
    assert (value(results, "digital_rate").value, value(results, "digital_rate").n) == (pytest.approx(1 / 6), 6)
