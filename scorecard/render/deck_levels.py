"""Service levels (every KPI at grain vendor, paginated) and their trends over the forum window.

The table is the contract's scorecard as the forum reads it: value, target, minimum, a status in
colour and in words, and the change since last month. The trends group KPIs whose values share a
scale (rates together, durations in the same display unit...) so a line is never flattened by a
neighbour a thousand times larger.
"""

from __future__ import annotations

import math
from typing import Iterator

import pandas as pd

from .deck_charts import line_chart
from .deck_context import DeckContext
from .deck_layout import Slot
from .deck_tables import Cell, Column, draw_table, pages, rows_per_page
from .deck_text import duration_unit, fmt_target, status_label

SERIES_PER_CHART = 5


def levels_missing(ctx: DeckContext) -> str | None:
    return None if len(ctx.vendor_results()) else ctx.w("no_kpis")


def _row(ctx: DeckContext, r) -> list[Cell]:
    return [Cell(ctx.label(r.kpi)),
            Cell(ctx.value(r.value, r.unit), status=r.status, align="r"),
            Cell(fmt_target(r.target), align="r"),
            Cell(fmt_target(r.minimum), align="r"),
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


def _scale(unit: str, values: list[float]) -> tuple[str, float]:
    """(display unit key, divisor): durations in the unit their median reads in, others by order of
    magnitude (a CES of 3 and an NPS of 30 are both points but do not share an axis)."""
    median = float(pd.Series(values).median())
    if unit == "duration":
        suffix, size = duration_unit(median)
        return suffix, size
    if unit == "rate":
        return "rate", 1.0
    return f"{unit}:{math.floor(math.log10(max(abs(median), 1e-9)))}", 1.0


def _groups(ctx: DeckContext) -> Iterator[tuple[str, str, list[tuple[str, list[float | None]]]]]:
    """(chart title, number format, [(kpi, values)]) per scale, at most SERIES_PER_CHART lines each."""
    grouped: dict[tuple[str, str], list[tuple[str, list[float | None]]]] = {}
    units = ctx.vendor_results().set_index("kpi")["unit"]
    for kpi, unit in units.items():
        values = ctx.series(kpi)
        known = [v for v in values if v is not None]
        if len(known) < 2:
            continue
        key, size = _scale(unit, known)
        grouped.setdefault((unit, key), []).append((kpi, [None if v is None else v / size for v in values]))
    for (unit, key), members in grouped.items():
        if unit == "duration":
            name, fmt = ctx.w("group_duration", unit=key), "0.0"
        elif unit == "money":
            name, fmt = ctx.w("group_money", currency=ctx.contract.currency), "#,##0.00"
        else:
            name = ctx.w(f"group_{unit}")
            fmt = {"rate": "0%", "count": "#,##0", "ratio": "0.00"}.get(unit, "0.0")
        chunks = [members[i:i + SERIES_PER_CHART] for i in range(0, len(members), SERIES_PER_CHART)]
        for j, chunk in enumerate(chunks):
            suffix = f" ({j + 1}/{len(chunks)})" if len(chunks) > 1 else ""
            yield name + suffix, fmt, chunk


def trends_missing(ctx: DeckContext) -> str | None:
    months = ctx.vendor_history()["period"].nunique()
    return None if months >= 2 else ctx.w("no_trends")


def build_trends(ctx: DeckContext) -> None:
    """Two charts per slide, one per group of KPIs sharing a scale."""
    groups = list(_groups(ctx))
    title = f"{ctx.w('trends')} - " + ctx.w("trend_range", first=ctx.month(ctx.months[0]),
                                            last=ctx.month(ctx.months[-1]))
    categories = [ctx.month(m) for m in ctx.months]
    for i in range(0, len(groups), 2):
        pair = groups[i:i + 2]
        kpis = [kpi for _, _, members in pair for kpi, _ in members]
        slots = ctx.canvas.add("two", title, ctx.definitions(kpis))
        for slot, (name, fmt, members) in zip(slots, pair):
            chart = line_chart(slot, categories, {ctx.label(k): v for k, v in members}, number_format=fmt,
                               legend=True)
            chart.has_title = True
            chart.chart_title.text_frame.text = name
