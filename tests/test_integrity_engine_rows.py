"""The integrity facts read the KPI engine's derived interaction rows (derived once per evaluation)
when these derive the same table under the same live channels, and derive their own otherwise."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings

from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.evaluate import evaluate
from scorecard.integrity import facts
from scorecard.integrity.compute import integrity_signals
from scorecard.kpis.derive import InteractionRows
from scorecard.periods import parse_period
from test_integrity_facts_codes import interactions
from test_scoring import make_contract


@settings(max_examples=60, deadline=None)
@given(interactions())
def test_facts_of_given_rows_equal_the_facts_derived_here(case):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    tables = {"interactions": frame}
    rows = InteractionRows(frame, contract)
    pd.testing.assert_frame_equal(facts.monthly_facts(contract, tables, 10.0, rows),
                                  facts.monthly_facts(contract, tables, 10.0), check_exact=True)


def _frame() -> pd.DataFrame:
    created = pd.Series(pd.date_range("2026-01-05", periods=6, freq="7D", tz="UTC"))
    return pd.DataFrame({"channel": pd.array(["voice", "chat", "email"] * 2, dtype="string"), "created_at": created,
                         "answered_at": created + pd.Timedelta(seconds=30),
                         "first_response_at": (created + pd.Timedelta(hours=1)).where(created.index % 3 == 2)})


def test_given_rows_are_used_only_for_the_same_table_and_live_channels():
    contract, frame = make_contract(), _frame()
    rows = InteractionRows(frame, contract)
    assert facts._derived(frame, contract, rows) is rows
    assert facts._derived(frame, replace(contract, live_channels=tuple(reversed(contract.live_channels))), rows) is rows
    copy = frame.copy()
    assert facts._derived(copy, contract, rows).df is copy
    voice_only = replace(contract, live_channels=("voice",))
    own = facts._derived(frame, voice_only, rows)
    assert own is not rows and own.live.tolist() == [True, False, False, True, False, False]
    assert facts._derived(frame, contract, None) is not rows


def test_rows_of_other_live_channels_do_not_change_the_facts():
    """Chat live (handled: answered) or async (not handled: no first response): the counts differ."""
    frame = _frame()
    chat_live = replace(make_contract(), live_channels=("voice", "chat"))
    voice_only = replace(chat_live, live_channels=("voice",))
    tables = {"interactions": frame}
    stale = facts.monthly_facts(voice_only, tables, 10.0, InteractionRows(frame, chat_live))
    pd.testing.assert_frame_equal(stale, facts.monthly_facts(voice_only, tables, 10.0), check_exact=True)
    chat = facts.monthly_facts(chat_live, tables, 10.0)
    assert chat["handled"].tolist() != stale["handled"].tolist()


@pytest.fixture(scope="module")
def demo(small_demo):
    contract = load_contract("contracts/acme-travel-nordlys.yaml")
    return contract, load_dataset(small_demo, contract=contract)


def test_evaluate_derives_the_interaction_rows_once(demo, monkeypatch):
    contract, dataset = demo
    built: list[InteractionRows] = []
    post_init = InteractionRows.__post_init__

    def counted(self: InteractionRows) -> None:
        built.append(self)
        post_init(self)

    monkeypatch.setattr(InteractionRows, "__post_init__", counted)
    ev = evaluate(contract, dataset, [parse_period("2026-03")], engine="pandas")
    assert len(built) == 1
    alone = integrity_signals(ev.contract, dataset.tables, ["2026-03"])
    assert len(built) == 2
    pd.testing.assert_frame_equal(ev.integrity, alone, check_exact=True)


def test_first_response_of_a_slice_is_the_slice_of_the_whole_column():
    """The live-channel fallback to answered_at, made for a chunk of rows (the integrity signals read
    it so), gives the rows of the whole derived column, index included."""
    t = pd.Timestamp("2026-03-02 09:00", tz="UTC")
    frame = pd.DataFrame({
        "channel": pd.Categorical(["voice", "email", "voice", "chat", "email"]),
        "created_at": pd.Series([t] * 5, dtype="datetime64[ns, UTC]"),
        "answered_at": pd.Series([t + pd.Timedelta(seconds=s) if s else pd.NaT for s in (20, 0, 35, 12, 0)],
                                 dtype="datetime64[ns, UTC]"),
        "first_response_at": pd.Series([pd.NaT, t + pd.Timedelta(hours=2), t + pd.Timedelta(seconds=40), pd.NaT,
                                        pd.NaT], dtype="datetime64[ns, UTC]")})
    rows = InteractionRows(frame, make_contract())
    whole = rows.first_response_at
    assert whole.tolist()[:3] == [t + pd.Timedelta(seconds=20), t + pd.Timedelta(hours=2),
                                  t + pd.Timedelta(seconds=40)]  # voice falls back, email keeps its own
    for at in (slice(0, 2), slice(2, 5), slice(4, 5), slice(0, 0)):
        pd.testing.assert_series_equal(rows.first_response_of(at), whole.iloc[at])
