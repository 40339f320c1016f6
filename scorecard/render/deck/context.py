"""What every slide builder reads: the evaluation narrowed to the forum's period, words and formats.

One object so that each section module reads the same period, months, language and KPI labels,
and the frames are filtered the same way everywhere (grain vendor, the asked period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal

import pandas as pd

from ...catalog import catalog
from ...contract.model import Contract
from ...evaluate import Evaluation
from ...periods import parse_period, shift_month, window
from .actions import Action
from .layout import DeckCanvas
from .text import word
from ..format import MISSING, NBSP, fmt_change, fmt_money, fmt_period, fmt_target, fmt_value
from ..view import KpiRowView, KpiWords, ResultIndex, TrendIndex, TrendView, kpi_row, trend_view


@dataclass
class DeckContext:
    """The forum's evaluation, period and language, and the canvas the slides are drawn on."""

    evaluation: Evaluation
    canvas: DeckCanvas
    lang: str
    actions: list[Action] | None
    skipped: dict[str, str] = field(default_factory=dict)  # section -> why it has no slide
    present: list[str] = field(default_factory=list)  # the sections that get slides, in order

    @property
    def contract(self) -> Contract:
        return self.evaluation.contract

    @property
    def period(self) -> str:
        return self.evaluation.periods[-1]

    @property
    def last_month(self) -> str:
        return parse_period(self.period).last_month

    @property
    def period_months(self) -> list[str]:
        """The months of the period: itself for a month, three for a quarterly business review."""
        return parse_period(self.period).months()

    @property
    def period_end(self) -> date:
        """The first day after the period: actions due before it and still open are overdue."""
        return date.fromisoformat(shift_month(self.last_month, 1) + "-01")

    @cached_property
    def months(self) -> list[str]:
        """The trend window: contract.governance.trend_months months ending with the period (the
        whole span of a quarter or a year at least), less the months before the data starts (a
        contract's first forums have a shorter history)."""
        count = max(1, self.contract.governance.trend_months, len(self.period_months))  # a year: 12 at least
        shown = window(self.last_month, count)
        known = set(self.evaluation.history["period"])
        return [m for m in shown if m in known] or shown

    def w(self, key: str, **values: object) -> str:
        return word(key, self.lang, **values)

    def pair(self, label: str, value: object) -> str:
        """'Label: value', with French typography's no-break space before the colon."""
        return f"{label}{NBSP if self.lang == 'fr' else ''}: {value}"

    def label(self, kpi: str) -> str:
        return self.words.facts(kpi)[2]

    def value(self, value: float | None, unit: str) -> str:
        return fmt_value(value, unit, self.lang, currency=self.contract.currency)

    def change(self, value: float | None, unit: str) -> str:
        return fmt_change(value, unit, self.lang, currency=self.contract.currency)

    def money(self, value: float | Decimal | None) -> str:
        """Money in whole currency units (credits and fees are discussed in euros, not cents)."""
        if value is None or pd.isna(value):
            return MISSING
        return fmt_money(float(value), self.lang, self.contract.currency, decimals=0)

    def target(self, text: str | None, kpi: str) -> str:
        return fmt_target(text, self.unit(kpi), self.lang, currency=self.contract.currency)

    def month(self, period: str) -> str:
        return fmt_period(period, self.lang, short=True)

    def vendor_results(self) -> pd.DataFrame:
        """The period's KPI rows at grain vendor, in contract order."""
        res = self.evaluation.results
        rows = res[(res["grain"] == "vendor") & (res["period"] == self.period)]
        order = {kpi: i for i, kpi in enumerate(self.contract.kpis)}
        return rows.assign(_o=rows["kpi"].map(order)).sort_values("_o").drop(columns="_o")

    @cached_property
    def words(self) -> KpiWords:
        return KpiWords(self.contract, self.lang)

    @cached_property
    def _indexes(self) -> tuple[ResultIndex, ResultIndex, TrendIndex]:
        results = self.evaluation.results
        return (ResultIndex(results, self.period, "vendor"), ResultIndex(results, self.period, "channel"),
                TrendIndex(self.evaluation.history, "vendor", self.months))

    def row(self, kpi: str, entity: str | None = None) -> KpiRowView:
        """A KPI's row at grain vendor (the view model the cards read too), with its channels;
        `entity` defaults to the vendor the results name."""
        vendor, channels, _ = self._indexes
        return kpi_row(self.words, vendor, entity or next(iter(vendor.rows), ""), kpi, channels)

    def trend(self, kpi: str) -> TrendView:
        """A KPI's trend at grain vendor over the trend window, its levels the period's row's."""
        row = self.row(kpi)
        vendor = next(iter(self._indexes[0].rows), "")
        values = self._indexes[2].values.get((vendor, kpi), (float("nan"),) * len(self.months))
        return trend_view(self.words, row, self.months, values)

    def section(self, name: str) -> pd.DataFrame | None:
        """A deck table the evaluation computed (contact_reasons, workforce...), or None."""
        frame = self.evaluation.sections.get(name)
        return frame if frame is not None and len(frame) else None

    def definition(self, kpi: str) -> str:
        """Speaker-note lines: a KPI's catalog description and formula, with its target."""
        spec = self.contract.kpis.get(kpi)
        metric = catalog().get(spec.metric) if spec else None
        if spec is None or metric is None:
            return f"{kpi}"
        target = f" {self.pair(self.w('target'), spec.target)}." if spec.target else ""
        minimum = f" {self.pair(self.w('minimum'), spec.minimum)}." if spec.minimum else ""
        description, formula = metric.describe(spec.params, self.lang)
        return f"{self.label(kpi)} - {description} {self.pair(self.w('formula'), formula)}.{target}{minimum}"

    def definitions(self, kpis: list[str]) -> str:
        return "\n".join(self.definition(k) for k in kpis)

    def unit(self, kpi: str) -> str:
        """A KPI's value unit from the catalog (credits rows do not carry one)."""
        spec = self.contract.kpis.get(kpi)
        metric = catalog().get(spec.metric) if spec else None
        return metric.unit_for(spec.params) if metric and spec else "points"
