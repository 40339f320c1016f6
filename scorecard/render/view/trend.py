"""KPI trends: one KPI's monthly values over a window of months, with its target and minimum levels.

The cards draw it as a sparkline, the deck as a native line chart with the target and minimum as
series; both read the same values, levels and words from here. Each renderer chooses its window
(a card: the contract's trend months from the data's first month; the deck: at least the forum's
period), so the months are an argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import pandas as pd

from ...units import UnitError, parse_target
from .. import format as f
from .rows import KpiRowView, KpiWords


@lru_cache(maxsize=512)
def _level(text: str) -> float | None:
    try:
        return parse_target(text).value
    except UnitError:
        return None


def level(text: object) -> float | None:
    """The numeric level of a comparison string (">= 80%" -> 0.8) for a chart's line, or None."""
    return _level(text) if isinstance(text, str) and text else None


class TrendIndex:
    """Monthly values of one grain over `months`, by (entity, KPI id): a month without a value is NaN."""

    def __init__(self, history: pd.DataFrame, grain: str, months: Sequence[str]):
        self.months = tuple(months)
        rows = history[(history["grain"] == grain) & history["period"].isin(self.months)]
        self.values: dict[tuple[str, str], tuple[float, ...]] = {}
        if len(rows):
            wide = rows.pivot_table(index=["entity", "kpi"], columns="period", values="value",
                                    aggfunc="first", dropna=False).reindex(columns=list(self.months))
            for key, values in zip(wide.index, wide.to_numpy(dtype=float)):
                self.values[(str(key[0]), key[1])] = tuple(values)


@dataclass(frozen=True, slots=True)
class TrendView:
    """What a KPI's trend draws: `values` per month of `months` (NaN: no value), the `target` and
    `minimum` levels of the period's row (None when the contract sets none), and the words:
    `label` (the KPI), `description` (every month and value, for a screen reader),
    `target_name` / `minimum_name` ("Target ≥ 80 %", the legend of each line, "" when none)."""

    kpi: str
    label: str
    unit: str
    months: tuple[str, ...]
    values: tuple[float, ...]
    target: float | None
    minimum: float | None
    target_name: str
    minimum_name: str
    description: str

    def known(self) -> int:
        """How many months have a value (a line needs two)."""
        return sum(not math.isnan(v) for v in self.values)


def trend_view(words: KpiWords, row: KpiRowView, months: Sequence[str], values: Sequence[float]) -> TrendView:
    """The trend of `row`'s KPI over `months` with `values`, its levels those of the row."""
    lang = words.lang
    target, minimum = level(row.target), level(row.minimum)
    label = row.label if row.channel is None else words.facts(row.kpi)[2]
    description = label + f.t("colon", lang) + ", ".join(
        f"{f.fmt_period(month, lang, short=True)} {words.value(v, row.kpi)}" for month, v in zip(months, values))
    return TrendView(
        kpi=row.kpi, label=label, unit=row.unit, months=tuple(months), values=tuple(values),
        target=target, minimum=minimum,
        target_name=f"{f.t('target', lang)} {row.target_text}" if target is not None else "",
        minimum_name=f"{f.t('minimum', lang)} {row.minimum_text}" if minimum is not None else "",
        description=description)

