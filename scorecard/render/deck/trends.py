"""KPI trends that tell the truth: one KPI per chart, its target and minimum drawn as lines.

Each chart has one unit (a QA score and a calibration variance never share an axis), the unit the
table shows (a first response read as 1.8 h in the table is plotted in hours), and a value axis
from zero for counts, rates, scores and durations, so 114 -> 115 -> 114 s is drawn as the flat
line it is. The target and minimum are series of the chart, so the axis always keeps them in view.
Charts are small multiples: six per slide, in contract order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from pptx.util import Pt

from .charts import line_chart
from .context import DeckContext
from .layout import Slot
from ... import numbers

PER_SLIDE = (3, 2)  # columns, rows of charts on a trends slide
# Table display unit of a duration (format.fmt_duration): seconds under a minute, minutes under an
# hour, hours under a day (less the rounding to 24.0 h), days beyond.
DURATION_STEPS = ((60, "second", 1.0), (3600, "minute", 60.0), (86400 - 180, "hour", 3600.0))
FROM_ZERO = {"count", "rate", "points", "duration", "money"}


@dataclass(frozen=True)
class Axis:
    """How one KPI is plotted: the unit word of its title, number format and divisor."""

    unit: str
    number_format: str
    divisor: float = 1.0


def duration_axis(seconds: float, lang: str) -> Axis:
    """The unit the table writes `seconds` in (fmt_duration), as a chart axis."""
    name, size = next(((n, s) for limit, n, s in DURATION_STEPS if abs(seconds) < limit), ("day", 86400.0))
    return Axis(numbers.unit_name(name, lang), "0" if size == 1.0 else "0.0", size)


def axis_for(ctx: DeckContext, unit: str, current: float | None) -> Axis:
    if unit == "duration":
        return duration_axis(current or 0.0, ctx.lang)
    if unit == "money":
        return Axis(ctx.contract.currency, "#,##0.00")
    if unit == "rate":
        return Axis("%", "0%")
    return Axis("", {"count": "#,##0", "ratio": "0.00"}.get(unit, "0.0"))


def kpi_trend(ctx: DeckContext, slot: Slot, kpi: str):
    """One KPI's monthly line with its target (grey dashes) and minimum (red dots) as the table
    states them for the period."""
    view, current = ctx.trend(kpi), ctx.row(kpi).value
    unit, name = view.unit, view.label
    axis = axis_for(ctx, unit, None if math.isnan(current) else current)
    series = {name: [None if math.isnan(v) else v for v in view.values]}
    count = len(ctx.months)
    target_name, minimum_name = view.target_name or None, view.minimum_name or None
    if target_name:
        series[target_name] = [view.target] * count
    if minimum_name:
        series[minimum_name] = [view.minimum] * count
    scaled: dict[str, Sequence[float | None]] = {
        k: [None if v is None else v / axis.divisor for v in vals] for k, vals in series.items()}
    chart = line_chart(slot, [ctx.month(m) for m in ctx.months], scaled, number_format=axis.number_format,
                       dashed=[target_name] if target_name else [], minimum=minimum_name, legend=True,
                       lang=ctx.lang)
    known = [v for vals in scaled.values() for v in vals if v is not None]
    if unit in FROM_ZERO and known and min(known) >= 0:
        chart.value_axis.minimum_scale = 0
        if unit == "rate" and max(known) <= 1:
            chart.value_axis.maximum_scale = 1  # a share never reads above 100 %
    chart.legend.font.size = Pt(8)
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{name} ({axis.unit})" if axis.unit else name
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = chart.font.size
    return chart


def charted_kpis(ctx: DeckContext) -> list[str]:
    """The KPIs with at least two months of values in the window, in contract order."""
    return [k for k in ctx.vendor_results()["kpi"] if ctx.trend(k).known() >= 2]


def trends_missing(ctx: DeckContext) -> str | None:
    return None if charted_kpis(ctx) else ctx.w("no_trends")


def build_trends(ctx: DeckContext) -> None:
    """Six charts per slide (three by two), one per KPI; pages numbered when there are several."""
    kpis = charted_kpis(ctx)
    cols, rows = PER_SLIDE
    per = cols * rows
    title = f"{ctx.w('trends')} - " + ctx.w("trend_range", first=ctx.month(ctx.months[0]),
                                            last=ctx.month(ctx.months[-1]))
    total = -(-len(kpis) // per)
    for page in range(total):
        chunk = kpis[page * per:(page + 1) * per]
        heading = title + (f" ({ctx.w('page', n=page + 1, total=total)})" if total > 1 else "")
        slot = ctx.canvas.add("chart", heading, ctx.definitions(chunk))[0]
        for part, kpi in zip(slot.grid(cols, rows, ctx.canvas.gap), chunk):
            kpi_trend(ctx, part, kpi)
