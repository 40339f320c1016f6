"""Operations: why customers contact (Pareto of reasons) and whether the vendor staffed for it.

Contact reasons answer "where would fixing one thing remove most contacts" (the Pareto) and
"where do unhappy or repeat customers cluster"; workforce answers whether misses come from demand
the forecast did not see or from staffing that did not follow the forecast.
"""

from __future__ import annotations

import pandas as pd

from .charts import column_chart, pareto_chart
from .context import DeckContext
from .levels import kpi_cells, kpi_columns, kpi_table
from .tables import ROW_HEIGHT, Cell, Column, Line, draw_table, table_height, table_pages, write_lines
from .text import fmt_share
from .trends import charted_kpis, kpi_trend

PARETO_BARS = 10
WORKFORCE_METRICS = ("forecast_accuracy", "staffing_to_forecast", "utilization")
REASON_COLUMNS = ["reason", "contacts", "share", "dsat", "repeat_rate"]


def _reasons_from_results(ctx: DeckContext) -> pd.DataFrame:
    """Reasons from KPI rows at grain reason: volume for contacts, dsat and repeat rate when computed."""
    res = ctx.evaluation.results
    rows = res[(res["grain"] == "reason") & (res["period"] == ctx.period)]

    def by_metric(metric: str) -> pd.Series:
        return rows[rows["metric"] == metric].drop_duplicates("entity").set_index("entity")["value"]

    contacts = by_metric("volume")
    if not len(contacts):
        return pd.DataFrame(columns=REASON_COLUMNS)
    frame = pd.DataFrame({"reason": contacts.index, "contacts": contacts.values})
    frame["share"] = frame["contacts"] / frame["contacts"].sum()
    frame["dsat"] = frame["reason"].map(by_metric("dsat"))
    frame["repeat_rate"] = frame["reason"].map(by_metric("repeat_contact_rate"))
    return frame


def reasons(ctx: DeckContext) -> pd.DataFrame:
    """The period's reasons, most contacts first: the evaluation's contact_reasons table, else the
    KPI rows at grain reason."""
    section = ctx.section("contact_reasons")
    frame = (section[section["period"] == ctx.period][REASON_COLUMNS] if section is not None
             else _reasons_from_results(ctx))
    return frame.sort_values("contacts", ascending=False).reset_index(drop=True)


def reasons_missing(ctx: DeckContext) -> str | None:
    return None if len(reasons(ctx)) else ctx.w("no_reasons")


def _pareto_bars(frame: pd.DataFrame, other: str) -> pd.DataFrame:
    """At most PARETO_BARS bars: the long tail is summed into one last bar."""
    if len(frame) <= PARETO_BARS:
        return frame
    head = frame.iloc[:PARETO_BARS - 1]
    tail = pd.DataFrame({"reason": [other], "contacts": [frame["contacts"].iloc[PARETO_BARS - 1:].sum()]})
    return pd.concat([head, tail], ignore_index=True)


def _flag(value: float, average: float) -> str | None:
    """Amber where a reason's DSAT or repeat rate is above the contact-weighted average."""
    return "amber" if pd.notna(value) and pd.notna(average) and value > average else None


def build_contact_reasons(ctx: DeckContext) -> None:
    frame = reasons(ctx)
    weights = frame["contacts"] / frame["contacts"].sum()
    avg_dsat, avg_repeat = (frame["dsat"] * weights).sum(min_count=1), (frame["repeat_rate"] * weights).sum(min_count=1)
    notes = [ctx.w("cluster_note")] + [ctx.definition(k) for k, s in ctx.contract.kpis.items()
                                       if s.metric in ("dsat", "repeat_contact_rate", "first_contact_resolution")]
    left, right = ctx.canvas.add("two", f"{ctx.w('contact_reasons')} - {ctx.month(ctx.period)}", "\n".join(notes))
    bars = _pareto_bars(frame, "…")
    cumulative = (bars["contacts"].cumsum() / frame["contacts"].sum()).tolist()
    pareto_chart(left, list(bars["reason"]), list(bars["contacts"]), cumulative,
                 volume_name=ctx.w("contacts"), cumulative_name=ctx.w("cumulative"), lang=ctx.lang)
    head, table_slot = right.caption(int(ROW_HEIGHT * 1.6))
    write_lines(head, [Line(ctx.w("cluster_note"))])
    columns = [Column(ctx.w("reason"), 2.4), Column(ctx.w("contacts"), 1.2, "r"), Column(ctx.w("share"), 0.9, "r"),
               Column(ctx.w("dsat"), 1.1, "r"), Column(ctx.w("repeat_rate"), 1.6, "r")]
    cells = [
        [Cell(str(r.reason)), Cell(ctx.value(r.contacts, "count"), align="r"),
         Cell(fmt_share(r.share, ctx.lang), align="r"),
         Cell(ctx.value(r.dsat, "rate"), align="r", status=_flag(r.dsat, avg_dsat)),
         Cell(ctx.value(r.repeat_rate, "rate"), align="r", status=_flag(r.repeat_rate, avg_repeat))]
        for r in frame.itertuples()]
    box = table_slot.box  # the largest reasons that fit; the rest are in the Pareto's last bar
    draw_table(table_slot, columns, table_pages(box.width, box.height, columns, cells)[0])


def _workforce_kpis(ctx: DeckContext) -> pd.DataFrame:
    rows = ctx.vendor_results()
    return rows[rows["metric"].isin(WORKFORCE_METRICS)]


def _workforce_months(ctx: DeckContext) -> pd.DataFrame | None:
    section = ctx.section("workforce")
    if section is None:
        return None
    rows = section[section["period"].isin(ctx.months)]
    return rows.set_index("period") if len(rows) else None


def workforce_missing(ctx: DeckContext) -> str | None:
    if _workforce_months(ctx) is not None or _workforce_kpis(ctx)["value"].notna().any():
        return None
    return ctx.w("no_workforce")


def build_workforce(ctx: DeckContext) -> None:
    """The workforce KPIs' table across the top; under it forecast vs actual contacts by month and
    the workforce rates' trend."""
    kpis = _workforce_kpis(ctx)
    months = _workforce_months(ctx)
    slot = ctx.canvas.add("table", f"{ctx.w('workforce')} - {ctx.month(ctx.period)}",
                          ctx.definitions(list(kpis["kpi"])))[0]
    if len(kpis):
        top, slot = slot.caption(table_height(slot.box.width, kpi_columns(ctx), kpi_cells(ctx, kpis)) + ctx.canvas.gap)
        kpi_table(ctx, top, kpis)
    charted = [k for k in kpis["kpi"] if k in charted_kpis(ctx)]
    parts = slot.split(max(1, (months is not None) + len(charted)), ctx.canvas.gap)
    if months is not None:
        chart = column_chart(parts.pop(0), [ctx.month(m) for m in ctx.months], {
            ctx.w("forecast"): [months["forecast_contacts"].get(m) for m in ctx.months],
            ctx.w("actual"): [months["actual_contacts"].get(m) for m in ctx.months]},
            number_format="#,##0", lang=ctx.lang)
        chart.value_axis.minimum_scale = 0
    for part, kpi in zip(parts[-len(charted):] if charted else [], charted):
        kpi_trend(ctx, part, kpi)
