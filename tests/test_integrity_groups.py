"""The integrity facts' sums on integer codes (scorecard/integrity/groups.py): exact sums through
np.bincount and the fine bins where no rounding can happen, pandas' own groupby mean elsewhere,
equal bit for bit to the groupby of labels the facts were first computed with
(tests/integrity_facts_reference.py); labels arriving as text or as Categoricals alike."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity_facts_reference import monthly_facts as reference
from scorecard.integrity import chunks, groups
from scorecard.integrity.facts import monthly_facts
from test_integrity_facts_codes import interactions
from test_scoring import make_contract

VALUES = st.one_of(st.integers(-10**6, 10**6).map(float), st.floats(-1e9, 1e9, allow_nan=False),
                   st.sampled_from([0.1, 0.2, 0.7, 1e16, -1e16, 3.0, np.nan]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 4), VALUES), min_size=1, max_size=60), st.booleans())
def test_group_means_are_pandas_groupby_means_of_the_labels(pairs, whole):
    """Rows without a group and NaN values stay in place: pandas averages a sorted NaN-free group
    with np.add.reduceat and others with Kahan's loop, and the two round differently."""
    key = np.array([k for k, _ in pairs])
    values = np.array([v for _, v in pairs])
    if whole:
        values = np.trunc(values / 1e3)  # whole numbers, small totals: the exact path
    labels = pd.Series(np.where(key >= 0, np.char.add("e", key.astype(str)), None), dtype="string")
    expected = pd.Series(values).groupby(labels).mean()
    got = groups.group_means(key, values, 5)
    present = np.flatnonzero(np.bincount(key[key >= 0], minlength=5))
    assert [f"e{k}" for k in present] == expected.index.tolist()
    assert [x.hex() for x in got[present]] == [float(x).hex() for x in expected]
    assert np.isnan(np.delete(got, present)).all()


def test_sums_of_unrounded_values_are_not_taken_plainly():
    """The case the exact path must refuse: 0.1 + 0.2 + 0.3 averages to 0.20000000000000004 plainly
    and to 0.19999999999999998 with Kahan's correction (pandas); whole numbers give the same bits
    either way."""
    key, values = np.array([0, 1, 0, 0]), np.array([0.1, 5.0, 0.2, 0.3])
    assert not groups.exact(values) and groups.exact(np.array([3.0, -2.0, 1e15]))
    assert not groups.exact(np.array([2.0 ** 51, 2.0 ** 51]))  # a running sum near 2**53
    assert not groups.exact(np.array([np.inf])) and not groups.exact(np.array([1.0, -0.0]))
    kahan = pd.Series(values).groupby(pd.array(["a", "b", "a", "a"], dtype="string")).mean()["a"]
    assert groups.group_means(key, values, 2)[0] == kahan == 0.19999999999999998
    assert np.bincount(key, weights=values)[0] / 3 == 0.20000000000000004


@st.composite
def unrounded(draw):
    """Interactions whose handle times and CSAT have fractions (pandas' groupby path), or not."""
    frame, zone = draw(interactions())
    if draw(st.booleans()):
        for column, step in (("handle_time_s", 0.1), ("csat", 0.01)):
            if column in frame:
                frame[column] = frame[column] + step * np.arange(len(frame)) % 0.7
    return frame, zone


@settings(max_examples=40, deadline=None)
@given(unrounded())
def test_facts_of_unrounded_values_equal_the_facts_on_labels(case):
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    tables = {"interactions": frame}
    pd.testing.assert_frame_equal(monthly_facts(contract, tables, 10.0), reference(contract, tables, 10.0),
                                  check_exact=True, check_dtype=False)


@settings(max_examples=40, deadline=None)
@given(interactions())
def test_factorized_fine_bins_and_chunked_first_responses_give_the_same_facts(case):
    """Many teams x agents: the fine bins are the products the rows have, factorized; first
    response times a few rows at a time (a million at 5 M rows)."""
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    tables = {"interactions": frame}
    direct = monthly_facts(contract, tables, 10.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(groups, "MAX_BINS", 1)
        patch.setattr(chunks, "CHUNK", 7)
        pd.testing.assert_frame_equal(monthly_facts(contract, tables, 10.0), direct, check_exact=True)


@settings(max_examples=40, deadline=None)
@given(interactions(), st.randoms(use_true_random=False))
def test_categorical_labels_give_the_facts_of_text_labels(case, rng):
    """Categories in any order, some never used: codes sorted as text, as for text labels."""
    frame, zone = case
    contract = replace(make_contract(), timezone=zone)
    text = monthly_facts(contract, {"interactions": frame}, 10.0)
    coded = frame.copy()
    for column in ("agent_id", "team_id", "reason"):
        if column in coded:
            categories = sorted(set(coded[column].dropna()) | {"zz-unused", "0-unused"})
            rng.shuffle(categories)
            coded[column] = pd.Categorical(coded[column], categories=categories)
    pd.testing.assert_frame_equal(monthly_facts(contract, {"interactions": coded}, 10.0), text, check_exact=True)
