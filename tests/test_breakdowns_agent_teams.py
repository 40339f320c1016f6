"""agent_teams: each agent's team is the one it has most rows for in interactions and QA (pairs
counted on integer codes); hand-computed, and against grouping the label pairs, on varied data."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.breakdowns import agent_teams


def _dataset(interactions: pd.DataFrame, qa: pd.DataFrame | None = None) -> SimpleNamespace:
    tables = {"interactions": interactions} if qa is None else {"interactions": interactions, "qa_evaluations": qa}
    return SimpleNamespace(tables=tables)


def _frame(pairs: list[tuple[str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["agent_id", "team_id"], dtype="string")


def test_most_rows_wins_across_tables_and_missing_keys_are_not_counted():
    inter = _frame([("a1", "t1"), ("a1", "t2"), ("a1", "t2"), ("a2", "t1"), ("a2", None), ("a2", None), (None, "t3")])
    qa = _frame([("a1", "t1"), ("a1", "t1"), ("a3", "t3")])
    # a1: t1 1 + 2 = 3 against t2 2; a2: t1 only (its empty teams are not a team); a3 from QA alone
    assert agent_teams(_dataset(inter, qa)).values.tolist() == [["a1", "t1"], ["a2", "t1"], ["a3", "t3"]]


def _by_labels(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The same answer from a groupby over the label pairs (the code before the integer codes)."""
    counts = pd.concat([t.groupby(["agent_id", "team_id"], observed=True).size() for t in tables])
    counts = counts.groupby(level=[0, 1]).sum().rename("rows").reset_index()
    best = counts.sort_values(["agent_id", "rows"], ascending=[True, False], kind="stable")
    return best.drop_duplicates("agent_id")[["agent_id", "team_id"]].reset_index(drop=True)


pairs = st.lists(st.tuples(st.sampled_from(["a1", "a2", "b", "A1", None]), st.sampled_from(["t1", "t2", "T", None])),
                 min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(pairs, st.one_of(st.none(), pairs))
def test_codes_give_the_label_groupby_answer(inter, qa):
    tables = [_frame(inter)] + ([] if qa is None else [_frame(qa)])
    pd.testing.assert_frame_equal(agent_teams(_dataset(*tables)), _by_labels(tables), check_exact=True)
