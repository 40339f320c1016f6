"""Krippendorff's interval alpha: the published example, an independent implementation, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scorecard.calibration import krippendorff_alpha_interval

nan = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12 units with
# missing values; published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
CODERS_BY_UNITS = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
])


def test_krippendorff_published_example():
    assert round(krippendorff_alpha_interval(CODERS_BY_UNITS.T), 3) == 0.849


def test_degenerate_cases():
    assert krippendorff_alpha_interval([[80, 80], [80, nan], [80, 80]]) == 1.0   # no variance at all
    assert math.isnan(krippendorff_alpha_interval([[80, nan], [nan, 70]]))    # nothing pairable
    assert math.isnan(krippendorff_alpha_interval(np.empty((0, 3))))
    with pytest.raises(ValueError):
        krippendorff_alpha_interval([1.0, 2.0])


scores = st.integers(min_value=0, max_value=100).map(float)


@st.composite
def reliability_data(draw) -> np.ndarray:
    """A units x coders matrix of QA-like scores with some missing values."""
    units = draw(st.integers(min_value=2, max_value=12))
    coders = draw(st.integers(min_value=2, max_value=6))
    cells = draw(st.lists(st.one_of(scores, st.just(nan)), min_size=units * coders, max_size=units * coders))
    return np.array(cells).reshape(units, coders)


def _pairable_values(matrix: np.ndarray) -> np.ndarray:
    rows = [r[~np.isnan(r)] for r in matrix]
    return np.concatenate([r for r in rows if r.size >= 2] or [np.empty(0)])


@settings(max_examples=200, deadline=None)
@given(matrix=reliability_data())
def test_matches_the_krippendorff_package(matrix):
    krippendorff = pytest.importorskip("krippendorff")
    assume(np.unique(_pairable_values(matrix)).size >= 2)
    expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="interval")
    assert krippendorff_alpha_interval(matrix) == pytest.approx(expected, abs=5e-4)


@given(unit_scores=st.lists(scores, min_size=2, max_size=10), coders=st.integers(min_value=2, max_value=5),
       missing=st.lists(st.booleans(), min_size=50, max_size=50))
def test_alpha_is_one_when_all_coders_agree(unit_scores, coders, missing):
    matrix = np.repeat(np.array(unit_scores)[:, None], coders, axis=1)
    mask = np.array(missing[: matrix.size]).reshape(matrix.shape)
    mask[:, :2] = False  # every unit keeps two values, so every unit is pairable
    matrix[mask] = nan
    assert krippendorff_alpha_interval(matrix) == pytest.approx(1.0)
