"""The few statistics a scorecard needs to be read fairly.

An agent's 3 satisfied answers out of 4 is "75 %" but says little; a team lead should see that
before acting on it. So rate KPIs on small samples carry a 95 % Wilson interval (honest near 0 % and
100 %, unlike the normal approximation), and agents are compared with the whole population through
robust measures (quartiles, 1.5 × IQR) rather than means that one bad month distorts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
SMALL_SAMPLE = 30  # below this many observations a rate's 95 % interval is wider than about ±15 points
IQR_FENCE = 1.5  # Tukey's fences


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (low, high) of a proportion `successes / n`, both in 0-1.

    `successes` may be fractional (a rate times its denominator, rounded by the engine)."""
    if n <= 0:
        raise ValueError(f"a proportion needs n > 0, got n={n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be within 0..n, got {successes} of {n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def is_small_sample(n: float, min_sample: int = 1) -> bool:
    """Whether a value rests on too few observations to be read alone (n < 30 or < min_sample)."""
    return not math.isnan(n) and n < max(SMALL_SAMPLE, min_sample)


def _oriented(column: pd.Series, direction: str) -> pd.Series:
    """Values turned so that higher is better (lower-is-better KPIs are negated)."""
    return -column if direction == "lower" else column


def outlier_mask(wide: pd.DataFrame, directions: dict[str, str]) -> pd.DataFrame:
    """True where a value lies beyond Tukey's fence (1.5 IQR past the quartile) on the bad side of
    its KPI (either side for a neutral KPI), compared with every row of `wide` (entity x KPI)."""
    mask = pd.DataFrame(False, index=wide.index, columns=wide.columns)
    for kpi in wide.columns:
        column = wide[kpi].astype(float)
        if column.count() < 4:  # quartiles of fewer than 4 values say nothing
            continue
        q1, q3 = column.quantile([0.25, 0.75])
        low, high = q1 - IQR_FENCE * (q3 - q1), q3 + IQR_FENCE * (q3 - q1)
        direction = directions.get(kpi, "neutral")
        if direction == "higher":
            mask[kpi] = column < low
        elif direction == "lower":
            mask[kpi] = column > high
        else:
            mask[kpi] = (column < low) | (column > high)
    return mask


def quartiles(wide: pd.DataFrame, directions: dict[str, str]) -> pd.Series:
    """Each entity's quartile (1 = best 25 %, 4 = worst) over the KPIs that have a direction: the
    mean of its percentile ranks, itself ranked among all entities. <NA> for an entity with no value."""
    ranks = [
        _oriented(wide[kpi].astype(float), directions[kpi]).rank(pct=True)
        for kpi in wide.columns if directions.get(kpi) in ("higher", "lower")
    ]
    if not ranks:
        return pd.Series(pd.NA, index=wide.index, dtype="Int64")
    mean_rank = pd.concat(ranks, axis=1).mean(axis=1, skipna=True)
    position = mean_rank.rank(pct=True, ascending=False)  # best entity: smallest position
    return pd.Series(np.ceil(position * 4), index=wide.index).astype("Int64")
