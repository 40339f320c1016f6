"""Service levels (every KPI at grain vendor, paginated) and their trends over the forum window.

The table is the contract's scorecard as the forum reads it: value, target, minimum, a status in
colour and in words, and the change since last month. The trends group KPIs whose values share a
scale (rates together, durations in the same display unit...) so a line is never flattened by a
neighbour a thousand times larger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

import pandas as pd

from .charts import line_chart
from .context import DeckContext
from .layout import Slot
from .tables import Cell, Column, draw_table, pages, rows_per_page
from .text import duration_unit
from ..format import status_label

SERIES_PER_CHART = 5
SCALE_RATIO = 4.0


def levels_missing(ctx: DeckContext) -> str | None:
    return None if len(ctx.vendor_results()) else ctx.w("no_kpis")


def _row(ctx: DeckContext, r) -> list[Cell]:
    return [Cell(ctx.label(r.kpi)),
            Cell(ctx.value(r.value, r.unit), status=r.status, align="r"),
            Cell(ctx.target(r.target, r.kpi), align="r"),
            Cell(ctx.target(r.minimum, r.kpi), align="r"),
            Cell(status_label(r.status, ctx.lang), status=r.status),
            Cell(ctx.change(r.change, r.unit), align="r")]


def kpi_columns(ctx: DeckContext) -> list[Column]:
    return [Column(ctx.w("kpi"), 4.2), Column(ctx.w("value"), 1.4, "r"), Column(ctx.w("target"), 1.3, "r"),
            Column(ctx.w("minimum"), 1.3, "r"), Column(ctx.w("status"), 1.9), Column(ctx.w("change"), 1.4, "r")]


def kpi_table(ctx: DeckContext, slot: Slot, rows: pd.DataFrame) -> None:
    """KPI rows (scored results) as the scorecard table; shared by the service-level and quality slides."""
    draw_table(slot, kpi_columns(ctx), [_row(ctx, r) for r in rows.itertuples()])


def build_service_levels(ctx: DeckContext) -> None:
    """One table, cut into as many slides as the rows need (titles say 1/2, 2/2)."""
    results = ctx.vendor_results()
    title = f"{ctx.w('service_levels')} - {ctx.month(ctx.period)}"
    first = ctx.canvas.add("table", title)
    chunks = pages(results, rows_per_page(first[0].box.height))
    for i, chunk in enumerate(chunks):
        slots = first if i == 0 else ctx.canvas.add("table", title)
        slide = slots[0].slide
        if len(chunks) > 1:
            slide.shapes.title.text = f"{title} ({ctx.w('page', n=i + 1, total=len(chunks))})"
        notes = ctx.w("notes_rag") + "\n" + ctx.definitions(list(chunk["kpi"]))
        slide.notes_slide.notes_text_frame.text = notes
        kpi_table(ctx, slots[0], chunk)


@dataclass(frozen=True)
class Axis:
    """How a group of KPIs is plotted: its scale key, chart title, number format and divisor."""

    key: str
    title: str
    number_format: str
    divisor: float = 1.0


def axis_for(ctx: DeckContext, unit: str, values: list[float]) -> Axis:
    """The axis of a unit: durations in the unit their median reads in (450 s as 7.5 min)."""
    median = float(pd.Series(values).abs().median()) if values else 0.0
    if unit == "duration":
        name, size = duration_unit(median, ctx.lang)
        return Axis(f"duration:{name}", ctx.w("group_duration", unit=name), "0.0", size)
    if unit == "money":
        return Axis(unit, ctx.w("group_money", currency=ctx.contract.currency), "#,##0.00")
    fmt = {"rate": "0%", "count": "#,##0", "ratio": "0.00"}.get(unit, "0.0")
    return Axis(unit, ctx.w(f"group_{unit}"), fmt)


def kpi_trend(ctx: DeckContext, slot: Slot, kpis: list[str], axis: Axis | None = None, *,
              with_target: bool = False):
    """Monthly lines of KPIs sharing an axis; one KPI may bring its target as a dashed line."""
    series = {ctx.label(k): ctx.series(k) for k in kpis}
    if axis is None:
        axis = axis_for(ctx, ctx.unit(kpis[0]), [v for vals in series.values() for v in vals if v is not None])
    target = ctx.contract.kpis[kpis[0]].target if with_target and len(kpis) == 1 else None
    if target is not None:
        series[f"{ctx.w('target')} {ctx.target(target.text, kpis[0])}"] = [target.value] * len(ctx.months)
    scaled = {name: [None if v is None else v / axis.divisor for v in vals] for name, vals in series.items()}
    chart = line_chart(slot, [ctx.month(m) for m in ctx.months], scaled, number_format=axis.number_format,
                       dashed=list(scaled)[len(kpis):], legend=True)
    chart.has_title = True
    chart.chart_title.text_frame.text = axis.title
    return chart


def _scale_groups(medians: dict[str, float]) -> list[list[str]]:
    """KPIs of one axis cut where the next median is over SCALE_RATIO times the previous one: an
    abandonment rate of 3% and a service level of 85% (or a CES of 3 and an NPS of 30) would share
    an axis only by flattening one of them."""
    ordered = sorted(medians, key=lambda k: max(abs(medians[k]), 1e-9))
    groups: list[list[str]] = []
    for kpi in ordered:
        if groups and max(abs(medians[kpi]), 1e-9) <= SCALE_RATIO * max(abs(medians[groups[-1][-1]]), 1e-9):
            groups[-1].append(kpi)
        else:
            groups.append([kpi])
    return groups


def _groups(ctx: DeckContext) -> Iterator[tuple[Axis, list[str]]]:
    """(axis, kpis) per axis and scale, at most SERIES_PER_CHART KPIs each, KPIs in contract order."""
    axes: dict[str, tuple[Axis, dict[str, float]]] = {}
    order = list(ctx.contract.kpis)
    for kpi, unit in ctx.vendor_results().set_index("kpi")["unit"].items():
        known = [v for v in ctx.series(kpi) if v is not None]
        if len(known) >= 2:
            axis = axis_for(ctx, unit, known)
            axes.setdefault(axis.key, (axis, {}))[1][kpi] = float(pd.Series(known).median())
    for axis, medians in axes.values():
        groups = [sorted(g, key=order.index) for g in _scale_groups(medians)]
        chunks = [g[i:i + SERIES_PER_CHART] for g in groups for i in range(0, len(g), SERIES_PER_CHART)]
        for j, chunk in enumerate(chunks):
            title = axis.title + (f" ({j + 1}/{len(chunks)})" if len(chunks) > 1 else "")
            yield replace(axis, title=title), chunk


def trends_missing(ctx: DeckContext) -> str | None:
    months = ctx.vendor_history()["period"].nunique()
    return None if months >= 2 else ctx.w("no_trends")


def build_trends(ctx: DeckContext) -> None:
    """Two charts per slide, one per group of KPIs sharing a scale."""
    groups = list(_groups(ctx))
    title = f"{ctx.w('trends')} - " + ctx.w("trend_range", first=ctx.month(ctx.months[0]),
                                            last=ctx.month(ctx.months[-1]))
    for i in range(0, len(groups), 2):
        pair = groups[i:i + 2]
        kind = "two" if len(pair) == 2 else "chart"
        slots = ctx.canvas.add(kind, title, ctx.definitions([k for _, kpis in pair for k in kpis]))
        for slot, (axis, kpis) in zip(slots, pair):
            kpi_trend(ctx, slot, kpis, axis)
