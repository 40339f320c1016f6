"""The aggregation interface of the KPI engine: two-stage decomposable sums.

Every KPI is reduced to per-row columns (numerators, denominators, observations). Stage 1 sums each
column once over the rows into the finest key (month x every grain column), `FineIndex`; stage 2
sums those partial sums into each grain and period, `GroupIndex`. Sums and counts compose, so the
result is exact, and the millions of rows are read once per column instead of once per grain.
Exact quantiles are the one non-decomposable path: they map rows to groups through both stages.
Another engine (SQL, Polars, Spark) only has to implement these two classes.
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable

import numpy as np
import pandas as pd


def small_codes(codes: np.ndarray, distinct: int) -> np.ndarray:
    """Codes (-1 = missing) in the narrowest signed integer holding code + 1: a month or a channel
    in one byte a row, an agent in two, instead of the eight a factorisation gives (kept per source
    and per grain: 20 MB of a row source's month codes at 5 M rows as int32)."""
    for dtype in (np.int8, np.int16, np.int32):
        if distinct < np.iinfo(dtype).max:
            return codes.astype(dtype, copy=False)
    return codes.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Codes:
    """A column factorised once: integer codes per row (-1 = missing) and the distinct values.
    The codes are the narrowest signed integers that hold them (`small_codes`), kept per grain."""

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, column: pd.Series | np.ndarray) -> "Codes":
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        return cls(small_codes(np.asarray(codes), len(uniques)), np.asarray(uniques, dtype=object).astype(str))

    @classmethod
    def constant(cls, size: int, value: str) -> "Codes":
        return cls(np.zeros(size, dtype=np.int8), np.array([value], dtype=object))

    def take(self, positions: np.ndarray) -> "Codes":
        """The codes of some rows (e.g. of each fine group's first row), same distinct values."""
        return Codes(self.codes[positions], self.values)

    def labels(self, positions: np.ndarray | None = None) -> pd.Series:
        """The value of each row (or of the rows at `positions`) as text, <NA> where missing."""
        codes = self.codes if positions is None else self.codes[positions]
        text = np.empty(len(self.values) + 1, dtype=object)  # the last slot, code -1, stays None
        text[:-1] = self.values
        return pd.Series(text[codes], dtype="string")


_COMBINED_LIMIT = 1 << 62
POSITIONS_AT_ONCE = 1 << 20  # positions added to sort keys a slice at a time (add_positions)
RADIX_GROUPS = 1 << 16  # fewer slots (groups + 1) than this: a quantile groups by radix sort (GroupIndex._grouped)
COUNTS_KEPT = 8  # counts of 0/1 columns a FineIndex keeps for the KPIs after (5 MB each at 5 M rows)
# rows counted at a time: the codes of a column's rows, int32, and their cast to int64 for bincount
# were 12 bytes a row at once (240 MB at 20 M rows); the counts of a slice are integers, summed exactly
COUNT_ROWS = 1 << 22


def add_positions(key: np.ndarray) -> None:
    """key[i] += i in place, POSITIONS_AT_ONCE at a time: the sort keys group x rows + position of
    the quantiles and of repeat contacts, with no whole-size range of positions beside them."""
    for start in range(0, len(key), POSITIONS_AT_ONCE):
        stop = min(start + POSITIONS_AT_ONCE, len(key))
        key[start:stop] += np.arange(start, stop)


def _factorized(combined: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of `combined` in order of first appearance, and how many there are."""
    codes, uniques = pd.factorize(combined)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _narrow_counts(counts: np.ndarray) -> np.ndarray:
    """Counts (non-negative integers) in the narrowest unsigned integer holding the largest."""
    top = int(counts.max(initial=0))
    dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if top <= np.iinfo(t).max)
    return counts.astype(dtype)


class FineIndex:
    """Stage 1: rows -> the finest combination of their key columns (missing values included)."""

    def __init__(self, size: int, keys: Iterable[Codes]):
        """`keys` may be a generator: each key's codes are factorised when needed and dropped after
        (seven int64 columns at once were 56 bytes a row at the peak). The keys are combined as one
        mixed-radix number, factorised once at the end (re-factorised only when the next radix could
        overflow int64): the same groups in the same first-appearance order as factorising at each
        step, with one hash pass instead of one per key."""
        combined = np.zeros(size, dtype=np.int64)
        span = 1  # `combined` is below `span`
        for key in keys:
            radix = len(key.values) + 1  # +1: a slot for "missing", which other grains still count
            if span * radix >= _COMBINED_LIMIT:
                combined, span = _factorized(combined)
            combined = combined * radix + (key.codes + 1)
            span *= radix
        codes, self.size = _factorized(combined)
        del combined
        # kept to the end of the sections: int32, not int64 (4 bytes a row fewer; a count's gather of
        # a column's rows is as fast, a weighted sum casts them back, 20 ms at 5 M rows)
        self.codes = small_codes(codes, self.size)
        del codes
        # one representative row per fine group (its keys are the group's): its first row. Codes come
        # in order of first appearance, so a first row is one whose code exceeds every code before it
        first = np.ones(size, dtype=bool)
        first[1:] = self.codes[1:] > np.maximum.accumulate(self.codes[:-1])
        self.first_row = np.flatnonzero(first)
        self._counts: OrderedDict[bytes, np.ndarray] = OrderedDict()

    def sum(self, values: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
        """Partial sums per fine group (of a 0/1 column over every row: a kept count, unsigned
        integers, see `_count`); `codes`: over a subset of rows, their fine codes (`self.codes[rows]`,
        taken once by a caller summing that subset many times)."""
        values = np.asarray(values)
        if values.dtype == bool and codes is None:
            return self._count(values)
        codes = self.codes if codes is None else codes
        if values.dtype == bool:  # an indicator: a count of its rows (the same float64 sums, exactly)
            return np.bincount(codes[values], minlength=self.size).astype("float64")
        return np.bincount(codes, weights=np.asarray(values, dtype="float64"), minlength=self.size)

    def _count(self, mask: np.ndarray) -> np.ndarray:
        """The rows of a 0/1 column per fine group, counted once per distinct column: the same column
        recurs across a contract's KPIs (every unfiltered KPI's rows, the handled contacts, a channel's
        offered contacts: 63 columns, 26 distinct, in the bench contract), known again by a digest of
        its bits (1-2 ms at 5 M rows, a count 11-15 ms). The last COUNTS_KEPT are kept, read-only, in
        the narrowest unsigned integers that hold them (a fine group holds a few rows: mostly one byte
        a group, not the eight of a float64, 44 MB at 5 M rows): GroupIndex.sum then knows them too,
        and sums them as the same float64 (integers, exact)."""
        key = hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()
        counts = self._counts.get(key)
        if counts is None:
            counts = np.zeros(self.size, dtype=np.int64)
            for start in range(0, len(mask), COUNT_ROWS):  # the codes of a slice of rows at a time
                part = slice(start, start + COUNT_ROWS)
                counts += np.bincount(self.codes[part][mask[part]], minlength=self.size)
            counts = _narrow_counts(counts)
            counts.flags.writeable = False
            self._counts[key] = counts
            if len(self._counts) > COUNTS_KEPT:
                self._counts.popitem(last=False)
        self._counts.move_to_end(key)
        return counts


class GroupIndex:
    """Stage 2: fine groups -> (period, entity) groups; a missing period or entity belongs nowhere."""

    def __init__(self, period: Codes, entity: Codes):
        valid = (period.codes >= 0) & (entity.codes >= 0)
        n_e = max(len(entity.values), 1)
        combined = np.where(valid, period.codes.astype(np.int64) * n_e + entity.codes, -1)
        codes, uniq = pd.factorize(combined[valid])
        # each fine group's group, the fine groups inside none in one more slot past the last, which
        # `sum` drops: one array read as is (no selection of the groups inside before each of the
        # thousands of sums, nor their positions kept beside the codes: 8 bytes a fine group fewer),
        # kept in the narrowest integers (int16 or int32, not int64: a bincount casts them as fast)
        self._spill = not bool(valid.all())
        groups = np.full(len(combined), len(uniq))
        groups[valid] = codes
        self._codes = small_codes(groups, len(uniq) + 1)
        self.period, self.entity = period.values[uniq // n_e], entity.values[uniq % n_e]
        self.size = len(uniq)
        # group sums of the counts a FineIndex keeps (read-only arrays), by the id of a live count
        self._shared: dict[int, tuple[weakref.ref, np.ndarray]] = {}

    @cached_property
    def keys(self) -> pd.DataFrame:
        """period and entity of each group: built for the measures that combine with another table
        (costs, volumes), not kept by every index (Arrow text, about 3 bytes a row at 5 M rows)."""
        return pd.DataFrame({"period": self.period, "entity": self.entity})

    @property
    def fine_to_group(self) -> np.ndarray:
        """Each fine group's group (-1: none), int64: made when read (by a quantile not given its
        counts, and the tests) rather than kept, 4 bytes a fine group for each of about a hundred
        indexes."""
        groups = self._codes.astype(np.int64)
        groups[groups == self.size] = -1
        return groups

    def _grouped(self, fine_codes: np.ndarray) -> tuple[np.ndarray, int]:
        """The observations in fine groups `fine_codes` put group by group, each group's in their
        order (a stable sort by group), those outside every group first: (the grouped entries,
        scale), where an entry minus its group's number x scale is the observation's position.
        Under RADIX_GROUPS slots (slot 0 outside, then one per group) the slots are 16-bit integers,
        whose stable sort numpy does as a radix sort (6x faster than a general sort at 4 M
        observations, the 5 M bench's); the entries are then the positions themselves (scale 0).
        Above, one int64 key per observation, group x rows + position, sorted: groups apart,
        positions ascending."""
        rows = len(fine_codes)
        if self.size + 1 < RADIX_GROUPS:
            slots = self._codes.astype(np.uint16) + np.uint16(1)
            slots[slots == self.size + 1] = 0
            return np.argsort(slots[fine_codes], kind="stable"), 0  # 2 bytes an observation, then 8
        key = np.empty(rows, dtype=np.int64)  # each observation's group, -1 outside: below every
        for start in range(0, rows, POSITIONS_AT_ONCE):  # key of a group, so sorted first; taken
            part = slice(start, start + POSITIONS_AT_ONCE)  # a slice at a time from the narrow codes
            key[part] = self._codes[fine_codes[part]]  # (no int64 copy of every fine group's group)
        key[key == self.size] = -1
        key *= rows
        add_positions(key)
        key.sort()
        return key, rows

    def sum(self, fine_sums: np.ndarray) -> np.ndarray:
        """Group sums from stage-1 partial sums; of a count the FineIndex keeps (FineIndex._count:
        read-only), computed once and handed back read-only to every KPI that sums it."""
        shared = not fine_sums.flags.writeable
        if shared:
            known = self._shared.get(id(fine_sums))
            if known is not None and known[0]() is fine_sums:
                return known[1]
        out = np.bincount(self._codes, weights=fine_sums, minlength=self.size + self._spill)[:self.size]
        if shared:
            out.flags.writeable = False
            self._shared[id(fine_sums)] = (weakref.ref(fine_sums, self._forget(id(fine_sums))), out)
        return out

    def _forget(self, key: int) -> Callable[[weakref.ref], None]:
        """A weakref callback dropping the group sums of a count once the FineIndex lets it go."""
        def forget(_: weakref.ref) -> None:
            self._shared.pop(key, None)
        return forget

    def quantile(self, fine_codes: np.ndarray, values: np.ndarray, q: float,
                 counts: np.ndarray | None = None) -> np.ndarray:
        """Exact quantile per group of observations `values` (no NaN, sorted ascending: the caller
        sorts them once for all grains) in fine groups `fine_codes`, linear interpolation computed as
        pandas' groupby quantile does, to the bit: at h = q (n - 1), v[⌊h⌋] + (v[⌊h⌋+1] - v[⌊h⌋]) frac(h).
        The observations are put group by group (`_grouped`); only the two values each group's
        quantile reads are then looked up. `counts`: the observations of each group, when the caller
        has them (the engine sums its observations per fine group: `sum`), else counted here (a
        bincount of every observation's group, 8 bytes an observation beside the sort's)."""
        rows = len(fine_codes)
        out = np.full(self.size, np.nan)
        if not rows:
            return out
        if counts is None:
            counts = np.bincount(self.fine_to_group[fine_codes] + 1, minlength=self.size + 1)[1:]
        counts = np.asarray(counts).astype(np.int64)  # exact: sums of whole counts
        outside = rows - int(counts.sum())
        grouped, scale = self._grouped(fine_codes)
        has = counts > 0
        n = counts[has]
        start = outside + (np.cumsum(counts) - counts)[has]
        offset = np.flatnonzero(has) * scale  # an entry minus its group's offset is the position
        h = q * (n - 1).astype("float64")
        low = np.floor(h).astype(np.int64)
        frac = h % 1
        v = np.asarray(values)  # float64, or float32 holding whole numbers exactly: read as float64
        below = v[grouped[start + low] - offset].astype(np.float64)
        above = v[grouped[start + np.minimum(low + 1, n - 1)] - offset].astype(np.float64)
        out[has] = np.where(frac == 0, below, below + (above - below) * frac)
        return out


class RawRows:
    """Raw result rows (period, entity, grain, value, n, provisional) gathered as arrays, group by
    group, into one frame at the end: a small frame per period kind and grain (then one concat)
    cost more than the sums behind it, about 1 ms each, hundreds per evaluation."""

    COLUMNS = ("period", "entity", "grain", "value", "n", "provisional")

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, idx: GroupIndex, keep: np.ndarray, grain: str, value: np.ndarray, n: np.ndarray,
            provisional: np.ndarray | bool, period: str | None = None) -> None:
        """The groups of `idx` where `keep` holds; `period` replaces the groups' own label."""
        count = int(np.count_nonzero(keep))
        labels = idx.period[keep] if period is None else np.full(count, period)
        flags = np.broadcast_to(np.asarray(provisional, dtype=bool), (idx.size,))[keep]
        self.parts.append((labels, idx.entity[keep], np.full(count, grain), value[keep], n[keep], flags))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame()
        columns = {c: np.concatenate(col) for c, col in zip(self.COLUMNS, zip(*self.parts), strict=True)}
        for c in ("period", "entity", "grain"):  # text even with no row (an empty object array stays object)
            columns[c] = columns[c].astype(str)
        return pd.DataFrame(columns)
