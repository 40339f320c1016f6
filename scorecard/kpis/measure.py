"""What a metric reduces to before aggregation.

A `Measure` is per-row columns over one row source: a ratio of sums (rates and means), or
observations for an exact quantile. Keeping metrics in this shape is what lets every grain and
period be computed with sums only (see aggregate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd


@dataclass
class RowSource:
    """Rows a metric is computed over: a frame holding the grain columns, and each row's month."""

    name: str
    frame: pd.DataFrame
    month: pd.Series  # 'YYYY-MM' per row (<NA> when the row has no period)


@dataclass
class Measure:
    """Per-row columns of one KPI over one row source.

    value = num / den (times `scale`), or the quantile `q` of `obs`; n = den (or the count of obs).
    `combine(keys, num, den)` replaces the division where the value needs per-period data from
    another table (costs, volumes). `transform` maps the ratio (forecast accuracy = 1 - WAPE).
    """

    source: RowSource
    base: np.ndarray  # rows inside the KPI's filter: an entity exists where it has one
    num: np.ndarray | None = None
    den: np.ndarray | None = None
    obs: np.ndarray | None = None
    q: float | None = None
    n: np.ndarray | None = None  # count behind the value when it is not `den` (convention 14)
    provisional: np.ndarray | None = None
    transform: Callable[[np.ndarray], np.ndarray] | None = None
    combine: Callable[[pd.DataFrame, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None


@dataclass(frozen=True)
class NotMeasurable:
    """The KPI cannot be computed from this data: `note` names the missing table or column."""

    note: str


def ratio_value(keys: pd.DataFrame, num: np.ndarray, den: np.ndarray, combine: Callable | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(value, n, provisional) of aggregated sums: `combine` where the measure has one (provisional
    then comes from it), else num / den where den > 0 with n = den (provisional None: the caller's)."""
    if combine is not None:
        return combine(keys, num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return value, den, None


def indicator(mask: np.ndarray) -> np.ndarray:
    return np.asarray(mask, dtype="float64")


def statistic_q(statistic: str) -> float | None:
    """'mean' -> None (ratio of sums); 'median' -> 0.5; 'p90' -> 0.9."""
    if statistic == "mean":
        return None
    if statistic == "median":
        return 0.5
    return float(statistic[1:]) / 100.0


def duration_measure(source: RowSource, base: np.ndarray, values: np.ndarray, statistic: str) -> Measure:
    """A statistic of a per-row duration (NaN = no observation) over the rows in `base`."""
    obs = np.where(base, values, np.nan)
    has = ~np.isnan(obs)
    q = statistic_q(statistic)
    if q is None:
        return Measure(source, base, num=np.where(has, obs, 0.0), den=indicator(has))
    return Measure(source, base, obs=obs, q=q)
