"""Krippendorff's alpha for interval data: how much QA evaluators agree beyond chance.

Written here (about twenty lines) rather than imported so the calibration report does not depend on
a package for one formula; tests cross-check it against the `krippendorff` package and against
Krippendorff's own worked example. Reference: K. Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011): alpha = 1 - D_o / D_e with the squared difference as distance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt


def krippendorff_alpha_interval(data: npt.ArrayLike) -> float:
    """Interval alpha of a units x coders matrix (NaN = the coder did not rate that unit).

    Returns NaN when no unit has two values (nothing is pairable) and 1.0 when every pairable value
    is identical: with no variance at all there is no disagreement to explain, and in a calibration
    session that means every evaluator gave the reference's score.
    """
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"expected a units x coders matrix, got {matrix.ndim} dimension(s)")
    return alpha_from_units(row[~np.isnan(row)] for row in matrix)


def alpha_from_units(units: Iterable[npt.ArrayLike]) -> float:
    """Interval alpha from the values given to each unit, whoever gave them.

    Alpha only needs each unit's multiset of values, so an evaluator who scored a session twice
    simply contributes two values. Units with fewer than two values are not pairable and ignored.
    """
    pairable = [v for v in (np.asarray(u, dtype=float) for u in units) if v.size >= 2]
    if not pairable:
        return math.nan
    values = np.concatenate(pairable)
    n = values.size
    observed = sum(_squared_differences(v) / (v.size - 1) for v in pairable) / n
    expected = _squared_differences(values) / (n * (n - 1))
    if expected == 0:
        return 1.0
    return float(1.0 - observed / expected)


def _squared_differences(values: np.ndarray) -> float:
    """Sum of (v_i - v_j)^2 over ordered pairs i != j, i.e. 2 m sum (v_i - mean)^2 (no m^2 loop)."""
    centred = values - values.mean()
    return float(2 * values.size * np.dot(centred, centred))
