"""The sections that run over every row, a chunk of rows at a time (volume profile, agent teams),
and the QA items' evaluations found as positions rather than a joined frame: against the plain
readings they replaced (a groupby of labels, pandas' merge), with chunks of a few rows so that a
channel or a pair first seen in a later chunk is exercised, and on hand-counted cases."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard import breakdowns
from scorecard.breakdowns import agent_teams, volume_profile
from scorecard.calibration import item_evaluations
from scorecard.kpis.engine import Engine
from scorecard.periods import parse_period
from test_breakdowns_agent_teams import _by_labels, pairs
from test_integrity_facts_codes import interactions
from test_qa_errors_codes import assert_equal_to_labels, qa_tables
from test_scoring import make_contract
from test_sections_codes import PERIODS, profile_of_labels

chunk_rows = st.sampled_from([1, 2, 5, 64])


@settings(max_examples=100, deadline=None)
@given(interactions(), chunk_rows)
def test_volume_profile_by_chunks_equals_the_groupby_of_labels(case, rows):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    engine = Engine(contract, {"interactions": frame}, PERIODS, [])
    with mock.patch.object(breakdowns, "CHUNK_ROWS", rows):
        got = volume_profile(contract, engine)
    pd.testing.assert_frame_equal(got, profile_of_labels(contract, engine), check_exact=True)


def test_volume_profile_channel_first_seen_in_a_later_chunk():
    created = pd.to_datetime(["2026-02-02 08:10", "2026-01-31 23:30", "2026-02-02 08:50", "2026-03-01 10:00"],
                             utc=True)
    frame = pd.DataFrame({"channel": pd.array(["voice", "Chat", "voice", "chat"], dtype="string"),
                          "created_at": created, "answered_at": created + pd.to_timedelta([10, 5, np.nan, 5], unit="s")})
    contract = replace(make_contract(), timezone="Europe/Paris", live_channels=("voice", "chat"))
    engine = Engine(contract, {"interactions": frame}, [parse_period("2026-02"), parse_period("2026-Q1")], [])
    with mock.patch.object(breakdowns, "CHUNK_ROWS", 1):
        out = volume_profile(contract, engine)
    # Paris: Monday 2 February 09:10 and 09:50, Sunday 1 February 00:30; March is not an asked month
    assert out.to_dict("list") == {"period": ["2026-02"] * 2, "channel": ["chat", "voice"], "weekday": [6, 0],
                                   "hour": [0, 9], "offered": [1, 2], "handled": [1, 1]}


@settings(max_examples=100, deadline=None)
@given(pairs, pairs, chunk_rows)
def test_agent_teams_by_chunks_equals_the_groupby_of_labels(inter, qa, rows):
    tables = [pd.DataFrame(p, columns=["agent_id", "team_id"], dtype="string") for p in (inter, qa)]
    with mock.patch.object(breakdowns, "CHUNK_ROWS", rows):
        got = agent_teams(SimpleNamespace(tables={"interactions": tables[0], "qa_evaluations": tables[1]}))
    pd.testing.assert_frame_equal(got, _by_labels(tables), check_exact=True)


def _merged_positions(items: pd.DataFrame, qa: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The pairs as calibration.evaluated_items joins them: pandas' merge of the rated items with
    the ordinary evaluations, each side's row position carried through it."""
    rated = items.assign(_item=np.arange(len(items)))[items["failed"].notna()]
    ordinary = qa.assign(_qa=np.arange(len(qa)))
    if "calibration_session" in qa:
        ordinary = ordinary[qa["calibration_session"].isna()]
    joined = rated[["evaluation_id", "_item"]].merge(ordinary[["evaluation_id", "_qa"]], on="evaluation_id")
    return joined["_item"].to_numpy(), joined["_qa"].to_numpy()


def _empty_ids(case, draw_ids):
    """Some evaluation ids emptied on either side (an empty id matches an empty id in the merge)."""
    qa, items, periods, zone = case
    qa_empty, item_empty = draw_ids
    qa = qa.assign(evaluation_id=qa["evaluation_id"].mask(np.resize(qa_empty, len(qa))))
    items = items.assign(evaluation_id=items["evaluation_id"].mask(np.resize(item_empty, len(items))))
    return qa, items, periods, zone


empty_ids = st.tuples(st.lists(st.booleans(), min_size=1, max_size=5), st.lists(st.booleans(), min_size=1, max_size=5))


@settings(max_examples=200, deadline=None)
@given(qa_tables(), empty_ids)
def test_item_evaluations_are_the_merge_pairs_in_its_order(case, ids):
    qa, items, _, _ = _empty_ids(case, ids)
    got, expected = item_evaluations(items, qa), _merged_positions(items, qa)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


@settings(max_examples=100, deadline=None)
@given(qa_tables(), empty_ids)
def test_qa_errors_with_empty_ids_equal_the_groupby_of_labels(case, ids):
    assert_equal_to_labels(_empty_ids(case, ids))


def test_item_evaluations_hand_counted():
    qa = pd.DataFrame({"evaluation_id": ["e1", "e2", "e1", None, "e3"],
                       "calibration_session": [None, None, None, None, "s1"]}).astype("string")
    items = pd.DataFrame({"evaluation_id": pd.array(["e2", "e1", "e3", None, "e9", "e1"], dtype="string"),
                          "failed": pd.array([True, False, True, True, True, None], dtype="boolean")})
    # item 0 -> evaluation 1; item 1 -> evaluations 0 and 2 (a repeated id); item 2's evaluation is a
    # calibration entry; item 3's empty id meets evaluation 3's; e9 is unknown; item 5 has no verdict
    item_at, qa_at = item_evaluations(items, qa)
    assert item_at.tolist() == [0, 1, 1, 3] and qa_at.tolist() == [1, 0, 2, 3]


@pytest.mark.parametrize("qa_ids, item_ids", [
    (pd.Series(["e1", 2], dtype=object), pd.Series(["e1", 2, "x"], dtype=object)),
    (pd.Series(["e1", None, "e2"], dtype="string[python]"), pd.Series(["e2", None, "e3"], dtype="string[pyarrow]")),
])
def test_item_evaluations_of_ids_of_any_type_are_the_merge_pairs(qa_ids, item_ids):
    qa = pd.DataFrame({"evaluation_id": qa_ids})
    items = pd.DataFrame({"evaluation_id": item_ids, "failed": pd.array([True] * len(item_ids), dtype="boolean")})
    got, expected = item_evaluations(items, qa), _merged_positions(items, qa)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
