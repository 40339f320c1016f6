"""The one aggregation interface of the KPI engine.

Every KPI is reduced to per-row columns (numerators, denominators, observations) and then to
decomposable aggregates per group: sums and counts. Exact quantiles are the one non-decomposable
path and stay separate. Another engine (SQL, Polars, Spark) only has to implement `GroupIndex`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class GroupIndex:
    """Maps rows to groups (period x entity); rows with a missing key belong to no group."""

    def __init__(self, period: pd.Series, entity: pd.Series):
        pcodes, puniq = pd.factorize(period.to_numpy(), use_na_sentinel=True)
        ecodes, euniq = pd.factorize(entity.to_numpy(), use_na_sentinel=True)
        valid = (pcodes >= 0) & (ecodes >= 0)
        combined = np.where(valid, pcodes.astype(np.int64) * max(len(euniq), 1) + ecodes, -1)
        codes, uniq = pd.factorize(combined[valid])
        self.codes = np.full(len(combined), -1, dtype=np.int64)
        self.codes[valid] = codes
        n_e = max(len(euniq), 1)
        self.keys = pd.DataFrame({
            "period": np.asarray(puniq, dtype=object)[uniq // n_e].astype(str),
            "entity": np.asarray(euniq, dtype=object)[uniq % n_e].astype(str),
        })
        self._valid = valid
        self.size = len(self.keys)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of `values` per group (NaN counts as 0)."""
        v = np.nan_to_num(np.asarray(values, dtype="float64")[self._valid])
        return np.bincount(self.codes[self._valid], weights=v, minlength=self.size)

    def any(self, mask: np.ndarray) -> np.ndarray:
        return self.sum(np.asarray(mask, dtype="float64")) > 0

    def quantile(self, values: np.ndarray, q: float) -> np.ndarray:
        """Exact quantile of the non-NaN values per group, linear interpolation (numpy default)."""
        v = np.asarray(values, dtype="float64")
        keep = self._valid & ~np.isnan(v)
        out = np.full(self.size, np.nan)
        if keep.any():
            s = pd.Series(v[keep]).groupby(self.codes[keep]).quantile(q)
            out[s.index.to_numpy()] = s.to_numpy()
        return out
