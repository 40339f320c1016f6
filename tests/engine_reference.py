"""The pandas KPI engine's code at c6c9f28 where it was rewritten for speed, kept as the reference
the rewrites are tested against (tests/test_engine_codes.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard.kpis.aggregate import Codes
from scorecard.periods import period_end_utc


def fine_index(size: int, keys: list[Codes]) -> tuple[np.ndarray, int, np.ndarray]:
    """(codes, size, first_row) of FineIndex: re-factorised after each key, first rows by minimum.at."""
    combined = np.zeros(size, dtype=np.int64)
    for key in keys:
        radix = len(key.values) + 1
        combined, _ = pd.factorize(combined * radix + (key.codes + 1))
        combined = np.asarray(combined, dtype=np.int64)
    groups = int(combined.max()) + 1 if size else 0
    first = np.full(groups, size, dtype=np.int64)
    np.minimum.at(first, combined, np.arange(size)) if size else None
    return combined, groups, first


def backlog(engine, kpi, grains: list[str]) -> pd.DataFrame:
    """Engine._backlog: each period's rows found by np.isin over every async row's month label."""
    src = engine.interaction_source()
    base, _ = engine.rows_for(src, kpi)
    rows = np.flatnonzero(base & ~engine.interaction_rows().live)
    created = src.frame["created_at"].to_numpy(dtype="datetime64[ns]")[rows]
    resolved = src.frame["resolved_at"].to_numpy(dtype="datetime64[ns]")[rows]
    month = Codes.of(src.month)
    month_codes = month.codes[rows]
    fine = engine.fine_index(src)
    codes = fine.codes[rows]
    parts = []
    for period in engine.periods:
        end = period_end_utc(period, engine.contract.timezone).tz_localize(None).to_datetime64()
        open_at_end = fine.sum(((created < end) & ~(resolved < end)).astype("float64"), codes)
        in_period = fine.sum(np.isin(month_codes, np.flatnonzero(np.isin(month.values, period.months())))
                             .astype("float64"), codes)
        for grain in engine.kpi_grains(kpi, grains):
            idx = engine.group_index(src, "*", grain)
            if idx is None:
                continue
            count = idx.sum(open_at_end)
            present = (count > 0) | (idx.sum(in_period) > 0)
            frame = idx.keys.assign(period=period.label, grain=grain, value=count, n=count, provisional=False)
            parts.append(frame[present])
    return engine._emit(kpi, pd.concat(parts, ignore_index=True) if parts else pd.DataFrame())


def filter_mask(df: pd.DataFrame, filters: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, str]:
    """derive.filter_mask: every cell as text, lower-cased, for each filter."""
    mask = np.ones(len(df), dtype=bool)
    for col, values in filters.items():
        if col not in df:
            return mask & False, f"filter column {col} is not in the data"
        wanted = {str(v).lower() for v in values}
        mask &= df[col].astype("string").str.lower().isin(wanted).fillna(False).to_numpy(dtype=bool)
    return mask, ""


def lower_labels(column: pd.Series) -> np.ndarray:
    """derive._lower_labels: every cell lower-cased, then factorised ("" for missing)."""
    codes, uniques = pd.factorize(column.astype("string").str.lower().fillna(""))
    return np.asarray(uniques, dtype=object)[codes]
