"""Quality (QA score, agents meeting quality) and QA calibration (evaluator agreement and bias).

Calibration comes right after quality because a QA score is only as good as the evaluators'
agreement: a lenient evaluator inflates the score the vendor is paid on.
"""

from __future__ import annotations

import pandas as pd
from pptx.util import Pt

from ...breakdowns import calibration_params
from .images import bias_chart
from .context import DeckContext
from .levels import kpi_cells, kpi_columns, kpi_table
from .tables import Cell, Column, Line, draw_table, table_height, table_pages, write_lines
from .text import fmt_share
from .trends import charted_kpis, kpi_trend
from ..format import word

QUALITY_METRICS = ("quality_score", "agents_meeting_quality", "qa_error_rate", "calibration_within_tolerance",
                   "calibration_variance", "qa_audit_variance")
MAX_CHARTS = 3  # side by side under the table; the trends slides have them all


def _quality_rows(ctx: DeckContext) -> pd.DataFrame:
    rows = ctx.vendor_results()
    return rows[rows["metric"].isin(QUALITY_METRICS)]


def quality_missing(ctx: DeckContext) -> str | None:
    return None if _quality_rows(ctx)["value"].notna().any() else ctx.w("no_quality")


def build_quality(ctx: DeckContext) -> None:
    """The quality KPIs' table across the top; under it each quality KPI's trend (one unit per
    chart: a QA score and a calibration variance never share an axis)."""
    rows = _quality_rows(ctx)
    slot = ctx.canvas.add("table", f"{ctx.w('quality')} - {ctx.month(ctx.period)}",
                          ctx.w("notes_rag") + "\n" + ctx.definitions(list(rows["kpi"])))[0]
    top, rest = slot.caption(table_height(slot.box.width, kpi_columns(ctx), kpi_cells(ctx, rows)) + ctx.canvas.gap)
    kpi_table(ctx, top, rows)
    charted = [k for k in rows["kpi"] if k in charted_kpis(ctx)][:MAX_CHARTS]
    for part, kpi in zip(rest.split(len(charted), ctx.canvas.gap) if charted else [], charted):
        kpi_trend(ctx, part, kpi)


def _calibration_rows(ctx: DeckContext) -> pd.DataFrame:
    cal = ctx.evaluation.calibration
    return cal[cal["period"] == ctx.period] if len(cal) else cal


def calibration_missing(ctx: DeckContext) -> str | None:
    rows = _calibration_rows(ctx)
    return None if len(rows[rows["evaluator_id"] != "ALL"]) else ctx.w("no_calibration")


def _tolerance(ctx: DeckContext) -> tuple[float, str | None]:
    """The calibration tolerance (points) calibration.csv used, and the KPI declaring it, if any."""
    kpi = next((k for k, s in ctx.contract.kpis.items() if s.metric == "calibration_within_tolerance"), None)
    return float(calibration_params(ctx.contract)["tolerance"]), kpi


def build_calibration(ctx: DeckContext) -> None:
    """Per-evaluator agreement (table, largest bias first) and the bias chart; alpha on top."""
    rows = _calibration_rows(ctx)
    overall = rows[rows["evaluator_id"] == "ALL"]
    evaluators = rows[rows["evaluator_id"] != "ALL"]
    evaluators = evaluators.loc[evaluators["bias"].abs().sort_values(ascending=False).index]
    tolerance, kpi = _tolerance(ctx)
    notes = [ctx.definition(kpi)] if kpi else []
    metric_kpis = [k for k, s in ctx.contract.kpis.items() if s.metric == "calibration_variance"]
    notes += [ctx.definition(k) for k in metric_kpis]
    left, right = ctx.canvas.add("two", f"{ctx.w('calibration')} - {ctx.month(ctx.period)}", "\n".join(notes))
    if len(overall) and pd.notna(overall["krippendorff_alpha"].iloc[0]):
        head, left = left.caption(int(Pt(30)))
        write_lines(head, [Line(ctx.w("alpha", alpha=ctx.value(overall["krippendorff_alpha"].iloc[0], "ratio")),
                                bold=True)])
    columns = [Column(ctx.w("evaluator"), 1.7), Column(ctx.w("sessions"), 1.4, "r"),
               Column(ctx.w("in_tolerance"), 1.9, "r"), Column(ctx.w("bias"), 1.5, "r"),
               Column(ctx.w("tendency"), 1.4)]
    cells = [
        [Cell(str(r.evaluator_id)), Cell(f"{int(r.sessions)}", align="r"),
         Cell(fmt_share(r.within_tolerance, ctx.lang), align="r",
              status=None if r.within_tolerance >= _target_share(ctx, kpi) else "amber"),
         Cell(ctx.change(r.bias, "points"), align="r", status="red" if abs(r.bias) > tolerance else None),
         Cell(word("tendency", str(r.tendency), ctx.lang))]
        for r in evaluators.itertuples()]
    box = left.box  # the largest biases that fit; the chart shows every evaluator
    draw_table(left, columns, table_pages(box.width, box.height, columns, cells)[0])
    image = bias_chart(list(evaluators["evaluator_id"]), list(evaluators["bias"]),
                       list(evaluators["spread"].fillna(0)), tolerance, xlabel=ctx.w("bias_chart"),
                       band_label=ctx.w("tolerance_band", tolerance=f"{tolerance:g}"),
                       width_in=right.box.width / 914400, height_in=right.box.height / 914400)
    right.picture(image, right.box.width / right.box.height)


def _target_share(ctx: DeckContext, kpi: str | None) -> float:
    """The within-tolerance share the contract expects (0 when it sets none: nothing is flagged)."""
    target = ctx.contract.kpis[kpi].target if kpi else None
    return target.value if target is not None else 0.0
