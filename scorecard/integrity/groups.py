"""Counts and means of the integrity facts per (month, entity) on integer codes, without a per-row
block of facts and bit for bit as pandas' groupby mean.

pandas sums a group's values with Kahan compensation, in row order; np.bincount sums them plainly.
Both give the exact sum, whatever the order, when every value is a whole number and no running sum
reaches 2**53 (each addition is then exact and Kahan's correction stays 0), as with 0/1 flags,
CSAT points and durations in whole seconds. Such sums are taken once per row into fine bins
(month x team x agent) and added up per grain from the bins; other values are averaged by pandas'
groupby itself, row by row, on the grain's integer keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .chunks import spans

#: a bound on the sum of |values| well inside 2**53, whatever the rounding of the check's own sum
EXACT_BOUND = 2.0 ** 50
#: most fine bins held as a direct product of the codes (else the products are factorized)
MAX_BINS = 1 << 24


def _whole(values: np.ndarray) -> bool:
    """Whole numbers, and no -0.0 (a group of only -0.0 sums to -0.0 by pandas' reduceat, to 0.0
    from bincount's 0.0)."""
    return bool((values == np.rint(values)).all()) and not np.signbit(values[values == 0]).any()


def exact(values: np.ndarray) -> bool:
    """Whether any order of summing `values` (no NaN) gives the exact sum: whole numbers, small total,
    and no -0.0."""
    return bool(np.abs(values).sum() <= EXACT_BOUND) and _whole(values)


def exact_sums(parts: Iterable[tuple[np.ndarray, np.ndarray]], size: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(count, sum) per key (0 <= key < size) of the values of (keys, values) parts (no NaN; flags
    or floats), or None when their sums are not exact (see `exact`: then no order of summing is
    safe). Part by part, which adds the same exact numbers: whole parts whose sums of |values|
    add up to at most EXACT_BOUND are exact, as one `exact` of all the values would find."""
    counts, sums, total = np.zeros(size, dtype="int64"), np.zeros(size), 0.0
    for key, values in parts:
        if values.dtype == bool:
            sums += np.bincount(key[values], minlength=size)
        else:
            total += float(np.abs(values).sum())
            if total > EXACT_BOUND or not _whole(values):
                return None
            sums += np.bincount(key, weights=values, minlength=size)
        counts += np.bincount(key, minlength=size)
    return counts.astype("float64"), sums


def pandas_means(key: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """pandas' groupby mean of `values` by `key` (0 <= key < size; -1: no group), NaN for a key
    without values. The rows are handed over as the facts first grouped them, rows without a group
    and NaN values in place: pandas sums sorted, NaN-free groups with np.add.reduceat (pairwise)
    and others with Kahan's loop, so leaving them out could change the last bit of a mean."""
    means = pd.Series(values).groupby(pd.arrays.IntegerArray(key, key < 0)).mean()
    out = np.full(size, np.nan)
    out[means.index.to_numpy(dtype="int64")] = means.to_numpy()
    return out


def ratio(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """total / count, NaN where the count is 0 (pandas' mean of no value)."""
    return np.divide(total, count, out=np.full(len(count), np.nan), where=count > 0)


def group_means(key: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The mean of each key's `values` (NaN skipped; key -1: no group), as pandas' groupby mean gives it."""
    known = (key >= 0) & ~np.isnan(values)
    found = exact_sums([(key[known], values[known])], size)
    return pandas_means(key, values, size) if found is None else ratio(found[1], found[0])


@dataclass(frozen=True)
class Grain:
    """A grain's entity of every fine bin (-1 when the bin has none) and its sorted labels."""

    entity: np.ndarray
    labels: pd.Index

    @property
    def width(self) -> int:
        return max(len(self.labels), 1)


class Fine:
    """Each row's bin of (month, then the codes of each grain column): one int32 per row, 0 for rows
    without a month. Sums of exact values are taken once per bin (one bincount a fact) and added up
    per grain from the bins, the few hundred thousand bins instead of the millions of rows. The
    products are made a chunk of rows at a time (int64 there, not for the whole table)."""

    def __init__(self, month: np.ndarray, n_months: int, columns: dict[str, tuple[np.ndarray, pd.Index]]) -> None:
        dims = [len(labels) + 1 for _, labels in columns.values()]

        def products(rows: slice) -> np.ndarray:
            key = month[rows].astype("int64")
            for (codes, _), dim in zip(columns.values(), dims, strict=True):
                key = key * dim + (codes[rows] + 1)
            return np.where(month[rows] >= 0, key + 1, 0)

        product = n_months * int(np.prod(dims)) + 1
        self.key = np.empty(len(month), dtype=np.int32)
        if product <= MAX_BINS:
            bins = np.arange(product, dtype="int64")
            for rows in spans(len(month)):
                self.key[rows] = products(rows)
        else:  # many teams x agents: only the products the rows have, sorted (pd.factorize(sort=True))
            bins = np.unique(np.concatenate([np.unique(products(rows)) for rows in spans(len(month))]
                                            or [np.zeros(0, dtype="int64")]))
            for rows in spans(len(month)):
                self.key[rows] = np.searchsorted(bins, products(rows))
        self.size = len(bins)
        place = np.maximum(bins - 1, 0)
        entity = {}
        for name, dim in zip(reversed(list(columns)), reversed(dims), strict=True):
            entity[name] = place % dim - 1
            place //= dim
        self.month = np.where(bins > 0, place, -1)
        #: each grain column's entity of every bin
        self.grains = {name: Grain(entity[name], columns[name][1]) for name in columns}

    def bins(self, key: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Per bin, the rows of bins `key` (some rows' `self.key`) counted, or their `weights` summed."""
        return np.bincount(key, weights=weights, minlength=self.size).astype("float64")

    def count(self, rows: np.ndarray) -> np.ndarray:
        """Per bin, how many of the `rows` (a mask of the table's rows) it holds."""
        counts = np.zeros(self.size, dtype="int64")
        for at in spans(len(rows)):
            counts += np.bincount(self.key[at][rows[at]], minlength=self.size)
        return counts.astype("float64")

    def keys(self, grain: Grain | None, by_month: bool = True) -> np.ndarray:
        """Each bin's key at a grain (None: one entity for every row), month x entity or the entity
        alone (`by_month` False), -1 for a bin without a month or without an entity."""
        entity = np.zeros(self.size, dtype="int64") if grain is None else grain.entity
        width = 1 if grain is None else grain.width
        month = self.month if by_month else np.minimum(self.month, 0)
        return np.where((self.month >= 0) & (entity >= 0), month * width + entity, -1)

    def per_grain(self, bin_sums: np.ndarray, keys: np.ndarray, size: int) -> np.ndarray:
        """Bin sums added up into a grain's (month x entity) keys (exact: whole numbers)."""
        inside = keys >= 0
        return np.bincount(keys[inside], weights=bin_sums[inside], minlength=size)
