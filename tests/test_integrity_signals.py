"""Integrity signals: each rule on data built to trigger it, and on data that must not."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from scorecard.contract.model import Governance
from scorecard.integrity.compute import integrity_signals
from scorecard.integrity.words import evidence
from test_scoring import make_contract

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]
PER_MONTH = 200


def _month(month: str, i: int, **over) -> pd.DataFrame:
    """200 answered voice contacts in `month` for agent a1 of team t1 with steady habits; `over`
    replaces a column for this month (a value, or an array of 200)."""
    rng = np.random.default_rng(i)
    start = pd.Timestamp(f"{month}-05 09:00", tz="UTC")
    created = start + pd.to_timedelta(np.arange(PER_MONTH) * 600, unit="s")
    cols = {
        "interaction_id": [f"{month}-{k}" for k in range(PER_MONTH)],
        "channel": "voice", "created_at": created,
        "answered_at": created + pd.Timedelta(seconds=20),
        "handle_time_s": 300.0 + rng.normal(0, 5, PER_MONTH),
        "transferred": np.arange(PER_MONTH) % 20 == 0,           # 5 %
        "resolved_first_contact": np.arange(PER_MONTH) % 4 != 0,  # 75 %
        "csat": np.where(np.arange(PER_MONTH) % 4 == 0, 4.0 + (np.arange(PER_MONTH) % 8 == 0), np.nan),
        "reason": np.where(np.arange(PER_MONTH) % 3 == 0, "easy", np.where(np.arange(PER_MONTH) % 3 == 1, "mid", "hard")),
        "agent_id": "a1", "team_id": "t1",
    }
    cols.update(over)
    frame = pd.DataFrame(cols)
    ease = {"easy": 100.0, "mid": 300.0, "hard": 500.0}
    if "handle_time_s" not in over:
        frame["handle_time_s"] += frame["reason"].map(ease) - 300.0
    for c in ("interaction_id", "channel", "reason", "agent_id", "team_id"):
        frame[c] = frame[c].astype("string")
    for c in ("transferred", "resolved_first_contact"):
        frame[c] = frame[c].astype("boolean")
    return frame


def _qa(month: str, vendor: float, client: float) -> pd.DataFrame:
    ids = [f"{month}-{k}" for k in range(10)]
    at = pd.Timestamp(f"{month}-10", tz="UTC")
    return pd.DataFrame({
        "evaluation_id": [f"v{i}" for i in ids] + [f"c{i}" for i in ids], "interaction_id": ids * 2,
        "agent_id": "a1", "team_id": "t1", "evaluator_id": "e", "evaluated_at": at,
        "score": [vendor] * 10 + [client] * 10, "evaluator_side": ["vendor"] * 10 + ["client"] * 10,
    }).astype({"interaction_id": "string", "agent_id": "string", "team_id": "string",
               "evaluator_side": "string"})


def _signals(last: dict | None = None, qa: list[pd.DataFrame] | None = None, **governance) -> pd.DataFrame:
    frames = [_month(m, i, **(last or {}) if m == MONTHS[-1] else {}) for i, m in enumerate(MONTHS)]
    tables = {"interactions": pd.concat(frames, ignore_index=True)}
    if qa:
        tables["qa_evaluations"] = pd.concat(qa, ignore_index=True)
    contract = replace(make_contract(), governance=Governance(integrity=governance))
    return integrity_signals(contract, tables, MONTHS)


def _found(out: pd.DataFrame, signal: str, grain: str = "vendor") -> pd.DataFrame:
    return out[(out["signal"] == signal) & (out["grain"] == grain)]


def test_steady_months_raise_nothing():
    assert _signals().empty


def test_speed_vs_quality_by_hand():
    idx = np.arange(PER_MONTH)
    out = _signals({"handle_time_s": np.full(PER_MONTH, 200.0), "resolved_first_contact": pd.array(idx % 2 == 0)})
    found = _found(out, "speed_vs_quality")
    assert len(found) == 1 and found.iloc[0]["period"] == "2026-04"
    assert found.iloc[0]["value"] == pytest.approx(200.0)
    assert found.iloc[0]["baseline"] == pytest.approx(300.0, abs=2)
    assert "first-contact resolution 50.0 % against 75.0 %" in found.iloc[0]["evidence"]
    assert set(out.loc[out["signal"] == "speed_vs_quality", "grain"]) == {"vendor", "team_id", "agent_id"}


def test_faster_with_quality_holding_is_no_signal():
    out = _signals({"handle_time_s": np.full(PER_MONTH, 200.0)})
    assert _found(out, "speed_vs_quality").empty


def test_short_contacts_jump():
    ht = np.where(np.arange(PER_MONTH) < 40, 5.0, 300.0)  # 20 % under 10 s
    found = _found(_signals({"handle_time_s": ht}), "short_contacts")
    assert len(found) == 1 and found.iloc[0]["value"] == pytest.approx(0.20)
    assert "under 10s 20.0 % against 0.0 %" in found.iloc[0]["evidence"]


def test_a_few_short_contacts_are_no_signal():
    ht = np.where(np.arange(PER_MONTH) < 6, 5.0, 300.0)  # 3 %: below the 5-point floor
    assert _found(_signals({"handle_time_s": ht}), "short_contacts").empty


def test_short_contact_threshold_from_the_contract():
    ht = np.where(np.arange(PER_MONTH) < 40, 25.0, 300.0)  # 25 s: short only with a 30 s threshold
    assert _found(_signals({"handle_time_s": ht}), "short_contacts").empty
    assert len(_found(_signals({"handle_time_s": ht}, short_contact=30.0), "short_contacts")) == 1


def test_cherry_picking_faster_on_an_easier_mix():
    reason = np.where(np.arange(PER_MONTH) % 10 < 8, "easy", "hard")
    ht = np.where(reason == "easy", 100.0, 500.0)
    found = _found(_signals({"reason": reason, "handle_time_s": ht}), "cherry_picking")
    assert len(found) == 1 and "share of the quickest contact reasons 80.0 %" in found.iloc[0]["evidence"]


def test_same_mix_is_no_cherry_picking():
    assert _found(_signals({"handle_time_s": np.full(PER_MONTH, 200.0)}), "cherry_picking").empty


def test_transfer_spike_and_not():
    spike = _found(_signals({"transferred": pd.array(np.arange(PER_MONTH) % 5 == 0)}), "transfer_spike")
    assert len(spike) == 1 and spike.iloc[0]["value"] == pytest.approx(0.20)
    assert _found(_signals({"transferred": pd.array(np.arange(PER_MONTH) % 14 == 0)}), "transfer_spike").empty


def test_survey_coverage_drop_and_not():
    few = np.where(np.arange(PER_MONTH) % 10 == 0, 4.0, np.nan)  # 10 % surveyed against 25 %
    found = _found(_signals({"csat": few}), "survey_coverage_drop")
    assert len(found) == 1 and found.iloc[0]["value"] == pytest.approx(0.10)
    slight = np.where(np.arange(PER_MONTH) % 5 == 0, 4.0, np.nan)  # 20 %: a fall of a fifth only
    assert _found(_signals({"csat": slight}), "survey_coverage_drop").empty


def test_qa_leniency_and_not():
    steady = [_qa(m, 85.0, 84.0) for m in MONTHS[:-1]]
    found = _found(_signals(qa=steady + [_qa(MONTHS[-1], 90.0, 80.0)]), "qa_leniency")
    assert len(found) == 1 and found.iloc[0]["value"] == pytest.approx(10.0)
    assert found.iloc[0]["baseline"] == pytest.approx(1.0)
    assert _signals(qa=steady + [_qa(MONTHS[-1], 86.0, 84.0)]).empty


def test_small_months_are_not_judged():
    idx = np.arange(PER_MONTH)
    out = _signals({"handle_time_s": np.full(PER_MONTH, 200.0), "resolved_first_contact": pd.array(idx % 2 == 0)},
                   min_contacts=500)
    assert out.empty


def _tickets(month: str, i: int, *, old: int = 0, frt_s: float = 600.0) -> pd.DataFrame:
    """200 emails of `month` answered after `frt_s`, each resolved two days after it arrived except
    the last 30 (the open backlog at the month's end, resolved on the next month's 2nd); `old` of
    those were created on the month's first day instead of in its last hours."""
    frame = _month(month, i, channel="email")
    created = frame["created_at"].copy()
    last = np.arange(PER_MONTH) >= PER_MONTH - 30
    end = pd.Timestamp(month, tz="UTC") + pd.offsets.MonthBegin(1)
    created[last] = end - pd.to_timedelta(np.arange(30) * 3600 + 3600, unit="s")
    created[np.flatnonzero(last)[:old]] = pd.Timestamp(f"{month}-01 08:00", tz="UTC")
    frame["created_at"] = created
    frame["first_response_at"] = created + pd.Timedelta(seconds=frt_s)
    frame["resolved_at"] = (created + pd.Timedelta(days=2)).where(~last, end + pd.Timedelta(days=1))
    return frame.drop(columns=["answered_at"])


def _backlog_signals(governance: dict | None = None, **last) -> pd.DataFrame:
    frames = [_tickets(m, i, **(last if m == MONTHS[-1] else {})) for i, m in enumerate(MONTHS)]
    contract = replace(make_contract(), timezone="UTC", governance=Governance(integrity=governance or {}))
    return integrity_signals(contract, {"interactions": pd.concat(frames, ignore_index=True)}, MONTHS)


def test_cherry_picking_old_backlog_ages_while_first_response_looks_good():
    # 30 open at each month end, created 1..30 h before it: mean age 15.5 h. In April the 20 youngest
    # were created on April 1st 08:00 instead (712 h before May 1st): (20 x 712 + 21 + ... + 30) / 30 h.
    out = _backlog_signals(old=20)
    found = _found(out, "cherry_picking")
    assert len(found) == 1 and found.iloc[0]["period"] == "2026-04"
    assert found.iloc[0]["baseline"] == pytest.approx(15.5 * 3600)
    assert found.iloc[0]["value"] == pytest.approx((20 * 712 + 255) * 3600 / 30)
    assert found.iloc[0]["evidence"] == ("mean age of the open backlog at month end 20d03h against 15h30m over "
                                         "the 3 previous months while first response time 10m00s against 10m00s")
    assert set(out.loc[out["signal"] == "cherry_picking", "grain"]) == {"vendor", "team_id", "agent_id"}


def test_steady_backlog_slower_first_responses_or_a_small_backlog_are_no_signal():
    assert _backlog_signals().empty
    # the same old items while new contacts wait longer too: overloaded, not choosing
    assert _found(_backlog_signals(old=20, frt_s=900.0), "cherry_picking").empty
    # 30 open items are too few to judge when the contract asks for 40
    assert _found(_backlog_signals({"min_backlog": 40}, old=20), "cherry_picking").empty
    # one item of the month among 30 lifts the mean age from 15.5 h to 39.2 h: a signal by default
    # (+153 %), not for a contract that asks for the mean age to triple (backlog_age_rise: 200%)
    assert len(_found(_backlog_signals(old=1), "cherry_picking")) == 1
    assert _found(_backlog_signals({"backlog_age_rise": 2.0}, old=1), "cherry_picking").empty


def test_evidence_in_french_from_the_moves():
    row = _found(_backlog_signals(old=20), "cherry_picking").iloc[0]
    assert evidence(row["moves"], "fr", months=3, short=10.0) == (
        "âge moyen des demandes en attente en fin de mois 20j03h contre 15h30m sur les 3 mois précédents "
        "alors que délai de première réponse 10m00s contre 10m00s")
    assert evidence(row["moves"], "en", months=3, short=10.0) == row["evidence"]
    moved = [("transfer_rate", 0.105, 0.054), ("qa_gap", -1.25, 2.0), ("csat", 4.2, 4.5)]
    assert evidence(moved, "fr", months=3, short=8.0) == (
        "taux de transfert 10,5\u00a0% contre 5,4\u00a0% sur les 3 mois précédents alors que note qualité du "
        "prestataire moins l'audit du client sur les mêmes contacts -1,2 points contre +2,0 points et "
        "satisfaction moyenne 4,20 contre 4,50")
