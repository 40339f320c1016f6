"""Per-row codes of the integrity facts made CHUNK rows at a time.

The integrity signals run last, on top of everything the evaluation still holds, so their per-row
work sets its peak memory: a whole-table factorize, month lookup or bincount makes int64 and float64
columns of the table at once (40 MB each at 5 M rows), where a chunk of them is enough. The codes kept
are the smallest integers that hold them (int16 months, int32 entities).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..periods import Months

CHUNK = 1 << 18  # rows computed at once


def spans(n: int) -> Iterator[slice]:
    """The slices of CHUNK rows that cover n rows, in order."""
    for lo in range(0, n, CHUNK):
        yield slice(lo, min(lo + CHUNK, n))


def where(mask: np.ndarray) -> np.ndarray:
    """np.flatnonzero(mask) as int32 (4 bytes a row found, not 8), a chunk at a time."""
    found = [np.flatnonzero(mask[s]).astype(np.int32) + np.int32(s.start) for s in spans(len(mask))]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int32)


def codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of each row's value (-1 where missing) into the sorted distinct values as text: text or
    Categorical labels alike (a Categorical is factorized on its codes, its categories sorted as text).
    Each chunk is factorized on its own; the chunks' distinct values, in order, list the column's in
    order of first appearance, as one factorize of the column would (ties of text sort as there)."""
    out = np.empty(len(column), dtype=np.int32)
    found = []
    for s in spans(len(column)):
        local, uniques = pd.factorize(column.iloc[s])
        out[s] = local
        found.append(pd.Index(uniques))
    if not found:
        return out, pd.Index([], dtype="string")
    distinct = found[0].append(found[1:]).unique() if len(found) > 1 else found[0]
    text = distinct.astype("string")
    order = np.argsort(text.to_numpy(dtype=object), kind="stable")
    rank = np.full(len(order) + 1, -1, dtype=np.int32)  # the last reads code -1
    rank[order] = np.arange(len(order))
    for s, uniques in zip(spans(len(column)), found, strict=True):
        out[s] = np.append(rank[distinct.get_indexer(uniques)], np.int32(-1))[out[s]]
    return out, pd.Index(text[order], dtype="string")


def month_codes(ts: pd.Series, timezone: str) -> tuple[np.ndarray, list[str]]:
    """periods.Months of `ts` (each row's local month as a code into the labels, -1 for NaT), a chunk
    at a time: a chunk's months are a run of the column's, from its earliest instant's month."""
    labels = Months(pd.Series([ts.min(), ts.max()]), timezone).labels
    out = np.empty(len(ts), dtype=np.int16 if len(labels) < 1 << 15 else np.int32)
    for s in spans(len(ts)):
        part = Months(ts.iloc[s], timezone)
        first = labels.index(part.labels[0]) if part.labels else 0
        out[s] = np.where(part.codes >= 0, part.codes + first, -1)
    return out, labels
