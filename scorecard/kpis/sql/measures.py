"""The interaction KPIs on the SQL engines: formulas.py's formulas over column expressions.

`SqlTerms` gives a formula its terms as SQL over the derived view (`Rows`, read as `v`): a
condition is a `Cond` (never NULL: each comparison is wrapped in COALESCE(..., FALSE), as numpy's
comparisons with NaN are false), a value a `Value` (NULL for missing); what the formula returns
becomes a `MeasureSQL`, and the compiler does the grouping. The formulas themselves are not here:
the pandas engine evaluates the same ones (interactions.py).
"""

from __future__ import annotations

from typing import Callable, Sequence

from ...contract.model import KpiSpec
from ..formulas import FORMULAS, Formula
from ..measure import NotMeasurable, statistic_q
from .compile import MeasureSQL, flag, sql
from .expressions import Cond, Value
from .intervals import per_interval
from .prepare import text_in
from .relation import Rows

Builder = Callable[[KpiSpec, Rows, str], "MeasureSQL | NotMeasurable"]


def ratio(rows: Rows, base: str, num: str, den: str, provisional: str | None = None) -> MeasureSQL:
    """num / den, both conditions counted over the rows in `base`."""
    return MeasureSQL(rows.relation(), sql(base), num=flag(sql(num)), den=flag(sql(den)),
                      provisional=sql(provisional) if provisional else None)


def duration(rows: Rows, base: str, values: str, statistic: str) -> MeasureSQL:
    """A statistic of a per-row duration (NULL = no observation) over the rows in `base`."""
    q = statistic_q(statistic)
    if q is None:
        return MeasureSQL(rows.relation(), sql(base), num=sql(f"COALESCE({values}, 0.0)"),
                          den=flag(sql(f"{values} IS NOT NULL")))
    return MeasureSQL(rows.relation(), sql(base), obs=sql(values), q=q)


def _fact(text: str | None) -> Cond | None:
    return None if text is None else Cond(text)


class SqlTerms:
    """formulas.Terms over the derived view of one compile: `base` the KPI's filter (SQL text)."""

    def __init__(self, rows: Rows, base: str):
        self.rows, self.base = rows, Cond(base)  # plan.base_filter: never NULL
        facts = rows.facts
        self.live = Cond("v._live")
        self.answered = _fact(None if facts.answered is None else "v._answered")
        self.abandoned = _fact(None if facts.abandoned is None else "v._abandoned")
        self.handled = _fact(None if facts.handled is None else "v._handled")
        self.calendars: Sequence[str] = list(rows.clock_k)
        self.columns: Sequence[str] = list(facts.columns)

    def has(self, column: str) -> bool:
        return self.rows.has(column)

    def duration(self, start: str, end: str, clock: str | None) -> Value | None:
        seconds = self.rows.duration(start, end, clock)
        return None if seconds is None else Value(seconds)

    def flag(self, column: str) -> Cond:
        return Cond(f"COALESCE(v.{column}, FALSE)")

    def present(self, column: str) -> Cond:
        return Cond(f"(v.{column} IS NOT NULL)")

    def answer(self, column: str) -> Value:
        return Value(f"CAST(v.{column} AS DOUBLE)")

    def known(self, value: Value) -> Cond:
        return Cond(f"({value.text} IS NOT NULL AND NOT ISNAN({value.text}))")

    def is_in(self, value: Value, values: Sequence[float]) -> Cond:
        listed = ", ".join(repr(float(v)) for v in values) or "NULL"
        return Cond(f"COALESCE({value.text} IN ({listed}), FALSE)")

    def where(self, condition: Cond, value: Value) -> Value:
        return Value(f"(CASE WHEN {condition.text} THEN {value.text} ELSE 0.0 END)")

    def scores(self, condition: Cond, choices: Sequence[tuple[Cond, float]]) -> Value:
        cases = " ".join(f"WHEN {hit.text} THEN {float(score)!r}" for hit, score in choices)
        return Value(f"(CASE WHEN {condition.text} THEN (CASE {cases} ELSE 0.0 END) ELSE 0.0 END)")

    def answer_totals(self, columns: Sequence[str]) -> tuple[Value, Value]:
        answers = [self.answer(c) for c in columns]
        total = " + ".join(self.where(self.known(a), a).text for a in answers)
        count = " + ".join(f"(CASE WHEN {self.known(a).text} THEN 1.0 ELSE 0.0 END)" for a in answers)
        return Value(f"({total})"), Value(f"({count})")

    def channel_in(self, channels: Sequence[str]) -> Cond:
        return text_in("channel", channels, self.columns, self.rows.codebooks, "v")

    def repeats(self, window_s: float) -> tuple[Cond, Cond]:
        repeated, window_open = self.rows.repeats(window_s)
        return Cond(repeated), Cond(window_open)

    def by_business_day(self, calendar: str) -> Cond | None:
        if self.rows.ts("first_response_at") is None:
            return None
        rows = self.rows
        return Cond(f"COALESCE({rows.local_day(calendar, 'first_response_at')} <= "
                    f"{rows.business_day_of_created(calendar)}, FALSE)")

    def ratio(self, num: Cond | Value, den: Cond | Value, provisional: Cond | None = None,
              combine: Callable | None = None) -> MeasureSQL:
        return MeasureSQL(self.rows.relation(), sql(self.base.text), num=_summed(num), den=_summed(den),
                          provisional=None if provisional is None else sql(provisional.text), combine=combine)

    def statistic(self, condition: Cond, values: Value, statistic: str, *, difference: bool) -> MeasureSQL:
        # (`difference`: whether the pandas engine may overwrite the values; a query never does)
        return duration(self.rows, condition.text, values.text, statistic)


def _summed(part: Cond | Value):
    """A condition summed as 1.0 / 0.0, a value as it is."""
    return flag(sql(part.text)) if isinstance(part, Cond) else sql(part.text)


def _on_sql(formula: Formula) -> Builder:
    def build(kpi: KpiSpec, rows: Rows, base: str):
        return formula(kpi, SqlTerms(rows, base))
    build.__name__ = getattr(formula, "__name__", "formula")
    return build


BUILDERS: dict[str, Builder] = {name: _on_sql(formula) for name, formula in FORMULAS.items()}
BUILDERS["interval_service_level"] = per_interval(BUILDERS["service_level"])
