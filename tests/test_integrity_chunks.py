"""The integrity facts made a chunk of rows at a time (scorecard/integrity/chunks.py, the chunked
sums of groups.py): the same codes, months and facts as one pass over the whole table."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity_facts_reference import monthly_facts as reference
from integrity_facts_reference import qa_facts as qa_reference
from scorecard.integrity import chunks, groups
from scorecard.integrity.facts import monthly_facts, qa_facts
from scorecard.periods import Months
from test_integrity_facts_codes import ZONES, _month_edges
from test_integrity_groups import unrounded
from test_scoring import make_contract


def whole_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The codes as one factorize of the whole column made them (facts._codes before chunks.py)."""
    codes, uniques = pd.factorize(column)
    text = pd.Index(uniques).astype("string")
    order = np.argsort(text.to_numpy(dtype=object), kind="stable")
    rank = np.full(len(order) + 1, -1)
    rank[order] = np.arange(len(order))
    return rank[codes], pd.Index(text[order], dtype="string")


@st.composite
def columns(draw):
    values = draw(st.lists(st.sampled_from(["b", "a", "c", "B", "a1", "10", "9", None]), min_size=0, max_size=40))
    kind = draw(st.sampled_from(["string", "category", "object"]))
    if kind == "category":
        categories = draw(st.permutations(["b", "a", "c", "B", "a1", "10", "9", "unused"]))
        return pd.Series(pd.Categorical(values, categories=categories))
    return pd.Series(values, dtype=kind)


@settings(max_examples=200, deadline=None)
@given(columns(), st.integers(1, 7))
def test_chunked_codes_are_the_codes_of_one_factorize(column, chunk):
    want, labels = whole_codes(column)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", chunk)
        got, got_labels = chunks.codes(column)
    assert got.dtype == np.int32 and got.tolist() == want.tolist()
    pd.testing.assert_index_equal(got_labels, labels)


def test_codes_by_hand():
    """Chunks [b, a] [None, c] [a]: codes into the sorted labels a, b, c, wherever a value first appears."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", 2)
        codes, labels = chunks.codes(pd.Series(["b", "a", None, "c", "a"], dtype="string"))
    assert codes.tolist() == [1, 0, -1, 2, 0] and labels.tolist() == ["a", "b", "c"]


@pytest.mark.parametrize("zone", ZONES)
def test_chunked_months_are_the_months_of_the_whole_column(zone):
    rng = np.random.default_rng(2)
    ns = np.sort(rng.integers(pd.Timestamp("2025-01-01", tz="UTC").value,
                              pd.Timestamp("2027-01-01", tz="UTC").value, 3_000))
    edges = [x for x in _month_edges(zone) if ns[0] <= x <= ns[-1]]
    ns = np.r_[rng.permutation(np.r_[ns, edges])[:1500], np.sort(np.r_[ns, edges])]  # mixed, then in order
    ts = pd.Series(pd.to_datetime(ns, utc=True))
    ts[::53] = pd.NaT
    whole = Months(ts, zone)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", 97)
        codes, labels = chunks.month_codes(ts, zone)
    assert labels == whole.labels and codes.dtype == np.int16
    np.testing.assert_array_equal(codes, whole.codes)


def test_months_of_no_instant():
    codes, labels = chunks.month_codes(pd.Series(pd.to_datetime([None, None], utc=True)), "Europe/Paris")
    assert labels == [] and codes.tolist() == [-1, -1]


def test_where_finds_the_rows_as_int32():
    mask = np.random.default_rng(3).random(1000) < 0.3
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", 64)
        found = chunks.where(mask)
    assert found.dtype == np.int32 and found.tolist() == np.flatnonzero(mask).tolist()


def test_exact_sums_by_hand():
    key = np.array([0, 1, 0])
    counts, sums = groups.exact_sums([(key, np.array([1.0, 2.0, 3.0])), (key[:1], np.array([5.0]))], 3)
    assert counts.tolist() == [3.0, 1.0, 0.0] and sums.tolist() == [9.0, 2.0, 0.0]
    counts, sums = groups.exact_sums([(key, np.array([True, False, True]))], 2)
    assert counts.tolist() == [2.0, 1.0] and sums.tolist() == [2.0, 0.0]
    assert groups.exact_sums([(key, np.array([1.0, 0.5, 3.0]))], 2) is None  # a fraction
    assert groups.exact_sums([(key[:1], np.array([-0.0]))], 1) is None  # -0.0
    # each part's sum within the bound, the two together not: as one `exact` of all the values
    half = np.array([groups.EXACT_BOUND / 2 + 1])
    assert groups.exact_sums([(key[:1], half)], 1) is not None
    assert groups.exact_sums([(key[:1], half), (key[:1], -half)], 1) is None
    assert not groups.exact(np.r_[half, -half])


@settings(max_examples=40, deadline=None)
@given(unrounded(), st.integers(1, 9))
def test_facts_made_a_few_rows_at_a_time_equal_the_facts_on_labels(case, chunk):
    """Chunks of 1-9 rows (a quarter million at 5 M rows), factorized fine bins: whole values summed
    chunk by chunk, fractions handed to pandas whole, the backlog's open items found on codes."""
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    tables = {"interactions": frame}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", chunk)
        patch.setattr(groups, "MAX_BINS", 1)
        got = monthly_facts(contract, tables, 10.0)
    pd.testing.assert_frame_equal(got, reference(contract, tables, 10.0), check_exact=True, check_dtype=False)


@st.composite
def qa_rows(draw):
    n = draw(st.integers(1, 40))
    pick = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    start = pd.Timestamp("2026-01-01", tz="UTC").value
    qa = pd.DataFrame({
        "interaction_id": pd.array(pick(["i0", "i1", "i2", "i3", None]), dtype="string"),
        "evaluated_at": pd.to_datetime(np.array(pick([0, 20, 40, 70])) * 86_400 * 10**9 + start, utc=True),
        "evaluator_side": pd.array(pick(["vendor", "client", "Client", None]), dtype="string"),
        "score": pick([60.0, 75.5, 80.0, 91.25, np.nan]),
        "agent_id": pd.array(pick(["a1", "a2", None]), dtype="string"),
        "team_id": pd.array(pick(["t1", "t2", None]), dtype="string")})
    return qa.drop(columns=draw(st.lists(st.sampled_from(["evaluator_side", "team_id"]), unique=True)))


@settings(max_examples=100, deadline=None)
@given(qa_rows(), st.sampled_from(ZONES))
def test_qa_facts_pair_the_client_scores_once_for_every_grain(qa, zone):
    contract = replace(make_contract(), timezone=zone)
    pd.testing.assert_frame_equal(qa_facts(contract, qa), qa_reference(contract, qa), check_exact=True)


def test_qa_gap_by_hand():
    """i1: vendor 80 and 90 against the client's 70 (gaps 10, 20); i2 has no client score."""
    qa = pd.DataFrame({"interaction_id": ["i1", "i1", "i1", "i2"], "evaluator_side": ["vendor", "vendor", "client", "vendor"],
                       "score": [80.0, 90.0, 70.0, 60.0], "agent_id": ["a", "a", "q", "a"],
                       "evaluated_at": pd.to_datetime(["2026-03-02"] * 4, utc=True)})
    facts = qa_facts(make_contract(), qa).set_index(["grain", "entity"])
    assert facts.loc[("agent_id", "a"), ["qa", "qa_gap", "pairs"]].tolist() == [230.0 / 3, 15.0, 2]
