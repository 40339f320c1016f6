"""A quarterly or yearly review against the quarter or year before: each KPI's value and status
then and now, and the change, right after the summary (a QBR is judged on its direction as much as
on its level). Monthly forums compare month to month in the summary and trends instead.
"""

from __future__ import annotations

import pandas as pd

from ...scoring import previous_period
from .context import DeckContext
from .levels import paged_table
from .tables import Cell, Column
from ..format import MISSING, status_label


def is_span(ctx: DeckContext) -> bool:
    return len(ctx.period_months) > 1


def before_rows(ctx: DeckContext) -> pd.DataFrame:
    """The previous quarter's or year's vendor rows, by KPI (empty when it was not computed)."""
    frame = ctx.evaluation.before
    if not len(frame):
        return frame
    rows = frame[(frame["grain"] == "vendor") & (frame["period"] == previous_period(ctx.period))]
    return rows.drop_duplicates("kpi").set_index("kpi")


def has_before(ctx: DeckContext) -> bool:
    then = before_rows(ctx)
    return is_span(ctx) and bool(len(then)) and not then["value"].isna().all()


def compared_line(ctx: DeckContext) -> str | None:
    """'Compared with Q1 2026: 20 on target (18 then), ...' for the summary of a quarter or a year
    (or why there is no comparison); None for a month."""
    if not is_span(ctx):
        return None
    if not has_before(ctx):
        return ctx.w("no_compared", period=ctx.month(previous_period(ctx.period)))
    then = before_rows(ctx)
    now = ctx.vendor_results()["status"].value_counts()
    was = then["status"].value_counts()
    return ctx.w("compared_line", period=ctx.month(previous_period(ctx.period)),
                 green=now.get("green", 0), green_then=was.get("green", 0), amber=now.get("amber", 0),
                 amber_then=was.get("amber", 0), red=now.get("red", 0), red_then=was.get("red", 0))


def build_comparison(ctx: DeckContext) -> None:
    """The table: KPI, value and status then, value and status now, change (only for spans with
    a previous period computed from data)."""
    if not has_before(ctx):
        return
    then, before = before_rows(ctx), previous_period(ctx.period)
    columns = [Column(ctx.w("kpi"), 4.0), Column(ctx.month(before), 1.4, "r"), Column(ctx.w("status"), 1.9),
               Column(ctx.month(ctx.period), 1.4, "r"), Column(ctx.w("status"), 1.9),
               Column(ctx.w("change"), 1.4, "r")]
    cells, kpis = [], []
    for r in ctx.vendor_results().itertuples():
        old = then.loc[r.kpi] if r.kpi in then.index else None
        old_value = None if old is None else old["value"]
        old_status = None if old is None else str(old["status"])
        change = r.value - old_value if old_value is not None and pd.notna(old_value) else None
        cells.append([Cell(ctx.label(r.kpi)),
                      Cell(ctx.value(old_value, r.unit), status=old_status, align="r"),
                      Cell(status_label(old_status, ctx.lang) if old_status else MISSING, status=old_status),
                      Cell(ctx.value(r.value, r.unit), status=r.status, align="r"),
                      Cell(status_label(r.status, ctx.lang), status=r.status),
                      Cell(ctx.change(change, r.unit), align="r")])
        kpis.append(r.kpi)
    title = ctx.w("compared_title", period=ctx.month(ctx.period), before=ctx.month(before))
    paged_table(ctx, title, columns, cells,
                lambda shown: ctx.w("compared_notes", before=ctx.month(before)) + "\n"
                + ctx.definitions([kpis[i] for i in shown]))
