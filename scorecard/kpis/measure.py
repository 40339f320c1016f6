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

from ..periods import Months
from .aggregate import Codes, small_codes


@dataclass
class RowSource:
    """Rows a metric is computed over: a frame holding the grain columns, and each row's month."""

    name: str
    frame: pd.DataFrame
    months: Codes  # each row's month: a code into 'YYYY-MM' labels (-1 when the row has no period)

    @property
    def month(self) -> pd.Series:
        """'YYYY-MM' per row (<NA> when the row has no period), built when asked: the engine reads
        the codes (a label per row is 16 bytes of Arrow text, 80 MB at 5 M rows)."""
        return self.months.labels().set_axis(self.frame.index)


def local_month_codes(ts: pd.Series, timezone: str) -> Codes:
    """The months periods.local_months gives UTC timestamps (NaT: -1), by periods.Months' binary
    search among month starts instead of a label per row (0.06 s instead of 0.68 s at 5 M rows);
    one byte a row for up to 126 months (kept with the source through the sections)."""
    months = Months(ts, timezone)
    return Codes(small_codes(months.codes, len(months.labels)), np.array(months.labels, dtype=object).astype(str))


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


def ratio_value(keys: pd.DataFrame | None, num: np.ndarray, den: np.ndarray, combine: Callable | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(value, n, provisional) of aggregated sums: `combine` where the measure has one (provisional
    then comes from it), else num / den where den > 0 with n = den (provisional None: the caller's)."""
    if combine is not None:
        return combine(keys, num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return value, den, None


def indicator(mask: np.ndarray) -> np.ndarray:
    """A per-row 0/1 column, kept as bool: FineIndex.sum counts it (exactly its float sums), and a
    bool is an eighth of a float64 (40 MB at 5 M rows for each numerator or denominator)."""
    return np.asarray(mask, dtype=bool)


def statistic_q(statistic: str) -> float | None:
    """'mean' -> None (ratio of sums); 'median' -> 0.5; 'p90' -> 0.9."""
    if statistic == "mean":
        return None
    if statistic == "median":
        return 0.5
    return float(statistic[1:]) / 100.0


def duration_measure(source: RowSource, base: np.ndarray, values: np.ndarray, statistic: str, *,
                     fresh: bool = False) -> Measure:
    """A statistic of a per-row duration (NaN = no observation) over the rows in `base`. `fresh`:
    `values` is the caller's own array (a duration just computed, not a column of the data), masked
    in place: no second float column beside it (8 bytes a row, 400 MB at 50 M rows)."""
    if fresh:
        np.copyto(values, np.nan, where=~base)
        obs = values
    else:
        obs = np.where(base, values, np.nan)
    has = ~np.isnan(obs)
    q = statistic_q(statistic)
    if q is None:
        return Measure(source, base, num=np.where(has, obs, 0.0), den=indicator(has))
    return Measure(source, base, obs=obs, q=q)
