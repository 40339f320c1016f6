"""The opening slides: cover, agenda and the executive summary.

The summary is the slide the forum actually discusses, so it answers the forum's questions in
order: how did the vendor do overall (score, trend, bonus), how many KPIs failed, what does it cost
(credits), what moved, what threatens the contract (chronic failure), and what is not in the deck.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...periods import shift_month
from ...scoring import previous_period
from ...versions import month_contracts
from .charts import line_chart
from .compare import build_comparison, compared_line
from .context import DeckContext
from .decisions import build_decisions, missed_line, open_actions, overdue_actions, red_rows
from .integrity import counts_line
from .tables import Line, write_lines
from .text import fmt_share
from ..format import caution_texts

MOVERS = 3


def build_cover(ctx: DeckContext) -> None:
    c = ctx.contract
    ctx.canvas.cover(f"{ctx.w('forum')} - {c.client} / {c.vendor}",
                     [ctx.month(ctx.period), ctx.pair(ctx.w("client"), c.client),
                      ctx.pair(ctx.w("vendor"), c.vendor)])


def build_agenda(ctx: DeckContext, sections: list[str]) -> None:
    """Sections present, numbered, and the forum's who/when (the attendees come from the contract)."""
    c = ctx.contract
    left, right = ctx.canvas.add("two", ctx.w("agenda"))
    write_lines(left, [Line(ctx.w(name)) for name in sections])
    facts = [Line(ctx.pair(ctx.w("period"), ctx.month(ctx.period)), bold=True),
             Line(ctx.pair(ctx.w("client"), c.client)), Line(ctx.pair(ctx.w("vendor"), c.vendor))]
    if c.governance.attendees:
        facts.append(Line(ctx.pair(ctx.w("attendees"), "").rstrip()))
        facts += [Line(name, level=1) for name in c.governance.attendees]
    write_lines(right, facts)


def _score_lines(ctx: DeckContext) -> list[Line]:
    overall = ctx.evaluation.overall.set_index("period")
    if ctx.period not in overall.index:
        return []
    row = overall.loc[ctx.period]
    text = ctx.pair(ctx.w("overall_score"), ctx.value(row["score"], "points"))
    before = previous_period(ctx.period)  # the month, quarter or year before
    if before in overall.index and pd.notna(row["score"]) and pd.notna(overall.loc[before, "score"]):
        delta = ctx.change(row["score"] - overall.loc[before, "score"], "points")
        text += f" ({delta} {ctx.w('vs_previous', period=ctx.month(before))})"
    lines = [Line(text, bold=True)]
    if ctx.contract.incentives is not None and pd.notna(row["bonus"]):
        lines.append(Line(ctx.w("bonus_line", bonus=ctx.money(row["bonus"]),
                                share=fmt_share(row["bonus_share"], ctx.lang))))
    return lines


def _rag_line(ctx: DeckContext) -> Line:
    counts = ctx.vendor_results()["status"].value_counts()
    text = ctx.w("rag_counts", green=counts.get("green", 0), amber=counts.get("amber", 0),
                 red=counts.get("red", 0))
    others = int(counts.get("insufficient_sample", 0) + counts.get("not_measurable", 0))
    if others:
        text += ctx.w("rag_other", n=others)
    return Line(text, status="red" if counts.get("red", 0) else None)


def _credit_lines(ctx: DeckContext) -> list[Line]:
    credits = ctx.evaluation.credits
    rows = credits[credits["period"].isin(ctx.period_months)]  # a quarter sums its months' credits
    if not len(rows):
        return []
    total = rows[rows["kpi"] == "TOTAL"]["credit"].sum()
    earned = rows[rows["kpi"] != "TOTAL"]["earned_back"].sum()
    months = month_contracts(ctx.evaluation.versions, ctx.period_months, ctx.contract)  # each month's version
    caps = [cap for cap in (c.at_risk_amount for c in months) if cap is not None]
    cap = float(sum(caps)) if caps else None
    lines = [Line(ctx.w("credits_line", credit=ctx.money(total), cap=ctx.money(cap),
                        earned=ctx.money(earned)), status="red" if total > 0 else None)]
    for kpi in rows[(rows["kpi"] != "TOTAL") & rows["chronic_failure"].astype(bool)]["kpi"]:
        lines.append(Line(ctx.w("chronic", kpi=ctx.label(kpi), count=chronic_misses(ctx, kpi)),
                          bold=True, status="red"))
    return lines


def chronic_misses(ctx: DeckContext, kpi: str) -> int:
    """Minimum misses of a KPI within the contract's chronic-failure window ending with the period."""
    sc = ctx.contract.service_credits
    window = sc.chronic_within_months if sc and sc.chronic_within_months else 1
    first = shift_month(ctx.last_month, 1 - window)
    credits = ctx.evaluation.credits
    rows = credits[(credits["kpi"] == kpi) & (credits["period"] >= first) & (credits["period"] <= ctx.last_month)]
    return int(rows["missed"].astype(bool).sum())


def movers(ctx: DeckContext, count: int = MOVERS) -> pd.DataFrame:
    """The KPIs that moved most since the previous period against their contract: by the change in
    points (0-100 between minimum and target, see scoring), then by change relative to the previous
    value. A drop from target to below the minimum outranks a large relative swing on a small base."""
    rows = ctx.vendor_results()
    rows = rows[rows["change"].notna() & rows["previous"].notna()]
    history = ctx.evaluation.history
    earlier = history[history["grain"] == "vendor"].drop_duplicates(["period", "kpi"]).set_index(["period", "kpi"])
    keys = list(zip(rows["period"].map(previous_period), rows["kpi"]))
    before = earlier["points"].reindex(keys).to_numpy(dtype="float64")
    moved = np.nan_to_num(np.abs(rows["points"].to_numpy(dtype="float64") - before))
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(rows["change"].to_numpy(dtype="float64") / rows["previous"].to_numpy(dtype="float64"))
    relative = np.where(np.isfinite(relative), relative, 0.0)
    order = np.lexsort((-relative, -moved))
    return rows.iloc[order[:count]]


def build_summary(ctx: DeckContext) -> None:
    lines = _score_lines(ctx) + [_rag_line(ctx)]
    compared = compared_line(ctx)
    if compared:
        lines.append(Line(compared, level=1))
    lines += [Line(missed_line(ctx, r), level=1, status="red") for r in red_rows(ctx).itertuples()]
    lines += _credit_lines(ctx)
    if ctx.actions:
        lines.append(Line(ctx.w("actions_line", n=len(overdue_actions(ctx)), total=open_actions(ctx)),
                          status="red" if overdue_actions(ctx) else None))
    signals = counts_line(ctx) if "integrity" in ctx.present else None
    if signals:
        lines.append(Line(signals, status="amber"))
    top = movers(ctx)
    if len(top):
        lines.append(Line(ctx.pair(ctx.w("movers"), "").rstrip()))
        lines += [Line(ctx.pair(ctx.label(r.kpi), f"{ctx.value(r.value, r.unit)} ({ctx.change(r.change, r.unit)})"),
                       level=1, status=r.status) for r in top.itertuples()]
    lines += [Line(ctx.w("skipped", section=ctx.w(name), why=why)) for name, why in ctx.skipped.items()]
    lines += [Line(text, status="amber") for text in caution_texts(ctx.evaluation.cautions, ctx.lang)]
    overall = ctx.evaluation.overall
    notes = "\n".join(str(e) for e in overall[overall["period"] == ctx.period]["explanation"])
    notes += "\n" + "\n".join(ctx.definition(k) for k in top["kpi"])
    left, right = ctx.canvas.add("two", f"{ctx.w('summary')} - {ctx.month(ctx.period)}", notes)
    write_lines(left, lines)
    scores = overall.set_index("period")["score"]
    months = [m for m in ctx.months if m in scores.index]
    series = {ctx.w("overall_score"): [scores[m] for m in months]}
    bands = ctx.contract.incentives.bands if ctx.contract.incentives else ()
    for at_least, share in bands:
        series[ctx.w("band", share=fmt_share(share, ctx.lang), score=f"{at_least:g}")] = [at_least] * len(months)
    chart = line_chart(right, [ctx.month(m) for m in months], series, number_format="0", lang=ctx.lang,
                       axis_title=ctx.w("score_axis"), dashed=list(series)[1:])
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0, 100
    build_decisions(ctx)
    build_comparison(ctx)
