"""The interaction KPIs on the pandas engine: formulas.py's formulas over numpy arrays.

`ArrayTerms` gives a formula its terms as arrays over the derived rows (a condition is a bool
array, a value a float64 array with NaN for missing) and turns what it returns into a `Measure`;
the engine does the grouping. The formulas themselves are not here: the SQL engines evaluate the
same ones (sql/measures.py).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..contract.model import KpiSpec
from .derive import InteractionRows
from .business_time import local_day_numbers
from .formulas import FORMULAS, Formula
from .intervals import per_interval
from .measure import Measure, NotMeasurable, RowSource, duration_measure, indicator

Builder = Callable[[KpiSpec, InteractionRows, RowSource, np.ndarray], "Measure | NotMeasurable"]


class ArrayTerms:
    """formulas.Terms over the derived rows of one KPI: `base` its filter's rows."""

    def __init__(self, rows: InteractionRows, src: RowSource, base: np.ndarray):
        self.rows, self.src, self.base = rows, src, base
        self.live, self.answered, self.abandoned = rows.live, rows.answered, rows.abandoned
        self.calendars: Sequence[str] = list(rows.contract.calendars)
        self.columns: Sequence[str] = [str(c) for c in rows.df.columns]

    @property
    def handled(self) -> np.ndarray | None:
        return self.rows.handled

    def has(self, column: str) -> bool:
        return column in self.rows.df

    def duration(self, start: str, end: str, clock: str | None) -> np.ndarray | None:
        """A fresh array (the formula's own): a business clock reads the base rows only."""
        return self.rows.duration(start, end, clock, self.base)

    def flag(self, column: str) -> np.ndarray:
        return self.rows.df[column].astype("boolean").fillna(False).to_numpy(dtype=bool)

    def present(self, column: str) -> np.ndarray:
        return self.rows.df[column].notna().to_numpy()

    def answer(self, column: str) -> np.ndarray:
        return self.rows.df[column].to_numpy(dtype="float64")

    def known(self, value: np.ndarray) -> np.ndarray:
        return ~np.isnan(value)

    def is_in(self, value: np.ndarray, values: Sequence[float]) -> np.ndarray:
        return np.isin(value, np.asarray(values, dtype="float64"))

    def where(self, condition: np.ndarray, value: np.ndarray) -> np.ndarray:
        return np.where(condition, value, 0.0)

    def scores(self, condition: np.ndarray, choices: Sequence[tuple[np.ndarray, float]]) -> np.ndarray:
        """One float column written in place, the first choice winning (nested np.where temporaries
        were 24 bytes a row at once)."""
        points = np.zeros(self.rows.n)
        for hit, score in reversed(choices):
            points[hit] = score
        points[~condition] = 0.0
        return points

    def answer_totals(self, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        values = self.rows.df[list(columns)].to_numpy(dtype="float64")
        has = self.base[:, None] & ~np.isnan(values)
        return np.where(has, values, 0.0).sum(axis=1), has.sum(axis=1).astype("float64")

    def channel_in(self, channels: Sequence[str]) -> np.ndarray:
        return self.rows.channel_in(list(channels))

    def repeats(self, window_s: float) -> tuple[np.ndarray, np.ndarray]:
        return self.rows.repeats(window_s)

    def by_business_day(self, calendar: str) -> np.ndarray | None:
        """On the base rows only: two local-day lookups of each."""
        first = self.rows.first_response_at
        if first is None:
            return None
        clock = self.rows.clock(calendar)
        at = np.flatnonzero(self.base)
        hit = np.zeros(self.rows.n, dtype=bool)
        day = clock.business_day_of(self.rows.created.iloc[at])
        hit[at] = local_day_numbers(first.iloc[at], clock.calendar.timezone) <= day
        return hit

    def ratio(self, num: np.ndarray, den: np.ndarray, provisional: np.ndarray | None = None,
              combine: Callable | None = None) -> Measure:
        return Measure(self.src, self.base, num=_summed(num), den=_summed(den), provisional=provisional,
                       combine=combine)

    def statistic(self, condition: np.ndarray, values: np.ndarray, statistic: str, *, difference: bool) -> Measure:
        # a difference is the formula's own array, masked in place; a column as read is copied
        return duration_measure(self.src, condition, values, statistic, fresh=difference)


def _summed(column: np.ndarray) -> np.ndarray:
    """A condition as a 0/1 column kept as bool (measure.indicator), a value as it is."""
    return indicator(column) if column.dtype == bool else column


def _on_arrays(formula: Formula) -> Builder:
    def build(kpi: KpiSpec, rows: InteractionRows, src: RowSource, base: np.ndarray) -> Any:
        return formula(kpi, ArrayTerms(rows, src, base))
    build.__name__ = getattr(formula, "__name__", "formula")
    return build


def backlog(kpi, rows, src, base):
    """Handled by the engine at each period end; here only the rows that can be in it."""
    if "resolved_at" not in rows.df:
        return NotMeasurable("interactions has no column resolved_at")
    return Measure(src, base & ~rows.live, num=indicator(base & ~rows.live), den=None)


BUILDERS: dict[str, Builder] = {name: _on_arrays(formula) for name, formula in FORMULAS.items()}
BUILDERS["interval_service_level"] = per_interval(BUILDERS["service_level"])
BUILDERS["backlog"] = backlog
