"""Service credits: each credit's arithmetic, the cap, earn-backs and chronic-failure counters.

Credits are money the vendor pays back, so the slide shows the computation line by line
(allocation × at-risk amount = credit) and the cap, not only the total: a forum that can check the
arithmetic on screen does not argue about it afterwards.
"""

from __future__ import annotations

import pandas as pd

from ... import numbers
from ...contract.model import Contract, ServiceCredits
from ...credits import TOTAL, line_label
from ...errors import Problem, RenderError
from ..format import MISSING, fmt_date
from .charts import column_chart
from .context import DeckContext
from .summary import chronic_misses
from .tables import Cell, Column, Line, draw_table, lines_fit, table_height, write_lines
from .text import fmt_share


def _period_rows(ctx: DeckContext) -> pd.DataFrame:
    credits = ctx.evaluation.credits
    return credits[credits["period"] == ctx.period] if len(credits) else credits


def _span_rows(ctx: DeckContext) -> pd.DataFrame:
    """A quarter's or a year's credits: the monthly rows of its months (credits are settled monthly)."""
    credits = ctx.evaluation.credits
    return credits[credits["period"].isin(ctx.period_months)] if len(credits) else credits


def _terms(ctx: DeckContext) -> ServiceCredits:
    """The contract's credit clauses: the slide is drawn only when there are some (credits_missing)."""
    sc = ctx.contract.service_credits
    if sc is None:
        raise RenderError(Problem("the service credits slide needs service_credits in the contract",
                                  field="governance.deck.sections"))
    return sc


def credits_missing(ctx: DeckContext) -> str | None:
    if ctx.contract.service_credits is None:
        return ctx.w("no_credits")
    if not len(_span_rows(ctx)):
        return ctx.w("no_credits_rows")
    return None


def build_span_credits(ctx: DeckContext) -> None:
    """A quarterly or yearly review: what was paid after the cap, per credit line (a per-channel
    allocation is its own line) and month, the span's total and, when anything was returned in the
    span, what was earned back, so the summary's figures are on a slide; each month's arithmetic is
    in the notes."""
    rows = _span_rows(ctx)
    months = [m for m in ctx.period_months if m in set(rows["period"])]
    paid: dict[tuple[str, str], dict[str, float]] = {}
    back: dict[tuple[str, str], float] = {}
    for r in rows.itertuples():
        key = (str(r.kpi), "" if pd.isna(r.channel) else str(r.channel))
        paid.setdefault(key, {})[str(r.period)] = r.paid
        back[key] = back.get(key, 0) + r.earned_back
    order = {k: i for i, k in enumerate([*ctx.contract.kpis, TOTAL])}
    keys = sorted((k for k in paid if k[0] in order), key=lambda k: order[k[0]])  # stable: channels in row order
    earned = any(back[k] for k in keys if k[0] != TOTAL)
    columns = ([Column(ctx.w("kpi"), 3.0)] + [Column(ctx.month(m), 1.2, "r") for m in months]
               + [Column(ctx.w("total_capped"), 1.6, "r")]
               + ([Column(ctx.w("earned_back"), 1.4, "r")] if earned else []))

    def line(key: tuple[str, str]) -> list[Cell]:
        bold = key[0] == TOTAL
        label = ctx.w("total_capped") if bold else line_label(ctx.contract, *key, ctx.lang)
        values = [paid[key].get(m) or 0 for m in months]
        returned = [Cell(ctx.money(back[key]) if back[key] else MISSING, align="r", bold=bold)] if earned else []
        return ([Cell(label, bold=bold)] + [Cell(ctx.money(v) if v else MISSING, align="r", bold=bold) for v in values]
                + [Cell(ctx.money(sum(values)), align="r", bold=True)] + returned)

    table = [line(k) for k in keys]
    notes = "\n".join(str(e) for e in rows["explanation"] if e)
    title = f"{ctx.w('service_credits')} - {ctx.month(ctx.period)}"
    slot = ctx.canvas.add("table", title, notes)[0]
    top, rest = slot.caption(table_height(slot.box.width, columns, table) + ctx.canvas.gap)
    rules = _rules(ctx)
    if lines_fit(rest, rules):
        draw_table(top, columns, table)
        write_lines(rest, rules)
        return
    # a year of lines leaves no room under the table: the contract's rules get a slide of their own
    draw_table(slot, columns, table)
    write_lines(ctx.canvas.add("table", f"{title} ({ctx.w('credit_rules')})", notes)[0], rules)


def _arithmetic(ctx: DeckContext, row) -> str:
    """'40% × €57,600 = €23,040' for a missed KPI ('× 1.5' when escalated; ', waived' or
    ', −50% = €11,520' in a transition), a dash otherwise."""
    if not row.missed:
        return MISSING
    at_risk = ctx.contract.at_risk_amount
    factor = f" × {numbers.short(row.escalation, ctx.lang)}" if row.escalation != 1 else ""
    text = f"{fmt_share(row.allocation, ctx.lang)} × {ctx.money(at_risk)}{factor} = {ctx.money(row.would_have_been)}"
    if row.credit == row.would_have_been:
        return text
    transition = _terms(ctx).transition
    reduction = transition.reduction if transition is not None else 0.0
    return text + (", " + ctx.w("waived_cell") if row.credit == 0 else
                   f", −{fmt_share(reduction, ctx.lang)} = {ctx.money(row.credit)}")


def _rows(ctx: DeckContext, rows: pd.DataFrame) -> list[list[Cell]]:
    sc = _terms(ctx)
    out = []
    for r in rows[rows["kpi"] != "TOTAL"].itertuples():
        misses = chronic_misses(ctx, r.kpi)
        out.append([Cell(line_label(ctx.contract, r.kpi, r.channel, ctx.lang)),
                    Cell(ctx.value(r.value, ctx.unit(r.kpi)), status="red" if r.missed else "green", align="r"),
                    Cell(ctx.target(r.minimum, r.kpi), align="r"),
                    Cell(fmt_share(r.allocation, ctx.lang), align="r"),
                    Cell(_arithmetic(ctx, r), align="r"),
                    Cell(ctx.money(r.paid) if r.missed else MISSING, align="r"),
                    Cell(ctx.money(r.earned_back) if r.earned_back else MISSING, align="r"),
                    Cell(f"{misses}/{sc.chronic_misses}" if sc.chronic_misses else MISSING, align="r",
                         status="red" if r.chronic_failure else None)])
    total = rows[rows["kpi"] == "TOTAL"]
    if len(total):
        t = total.iloc[0]
        gross = rows[rows["kpi"] != "TOTAL"]["credit"].sum()
        capped = f"min({ctx.money(gross)}, {ctx.money(ctx.contract.at_risk_amount)}) = {ctx.money(t['credit'])}"
        earned = rows[rows["kpi"] != "TOTAL"]["earned_back"].sum()
        out.append([Cell(ctx.w("total_capped"), bold=True), Cell(""), Cell(""), Cell(""),
                    Cell(capped, bold=True, align="r"), Cell(ctx.money(t["paid"]), bold=True, align="r"),
                    Cell(ctx.money(earned) if earned else MISSING, bold=True, align="r"), Cell("")])
    return out


def _rules(ctx: DeckContext) -> list[Line]:
    sc, c = _terms(ctx), ctx.contract
    rows = _span_rows(ctx)  # an amended contract: the version each month was priced with
    versions = list(rows.groupby("contract_version", sort=False)["period"]) if "contract_version" in rows else []
    contracts = {use.label: use.contract for use in ctx.evaluation.versions}
    caps = [contracts[v] if v in contracts else c for v, _ in versions]
    terms = [(v.service_credits.at_risk if v.service_credits else 0, v.monthly_fee) for v in caps]
    several = len(set(terms)) > 1
    lines = []
    for i, (v, ms) in enumerate(versions):
        lines.append(Line(ctx.w("version_line", version=v, months=", ".join(map(ctx.month, ms.unique())))))
        if several and (i + 1 == len(terms) or terms[i] != terms[i + 1]):  # the at-risk amount of the versions above
            lines.append(_cap_line(ctx, caps[i]))
    if not several and c.monthly_fee is not None:
        lines.append(_cap_line(ctx, c))
    if sc.transition is not None and sc.transition.reduction:
        how = ctx.w("waived_word") if sc.transition.reduction >= 1 else \
            ctx.w("reduced_word", share=fmt_share(sc.transition.reduction, ctx.lang))
        lines.append(Line(ctx.w("transition_line", until=fmt_date(sc.transition.until, ctx.lang), how=how),
                          status="amber" if sc.transition.covers(ctx.period_months[-1]) else None))
    if sc.escalation:
        factors = " / ".join(f"× {numbers.short(x, ctx.lang)}" for x in sc.escalation)
        lines.append(Line(ctx.w("escalation_line", factors=factors)))
    if sc.earn_back_months:
        lines.append(Line(ctx.w("earn_back_line", n=sc.earn_back_months)))
    if sc.chronic_misses and sc.chronic_within_months:
        lines.append(Line(ctx.w("chronic_line", n=sc.chronic_misses, m=sc.chronic_within_months)))
        rows = _period_rows(ctx)
        for kpi in rows[rows["kpi"] != "TOTAL"]["kpi"]:
            misses = chronic_misses(ctx, kpi)
            if misses:
                lines.append(Line(ctx.w("misses_line", kpi=ctx.label(kpi), count=misses), level=1,
                                  status="red" if misses >= sc.chronic_misses else "amber"))
    return lines


def _cap_line(ctx: DeckContext, contract: Contract) -> Line:
    """'At risk: 12% of the monthly fee €480,000 = €57,600' of one contract version."""
    sc = contract.service_credits
    return Line(ctx.w("cap_line", pct=fmt_share(sc.at_risk if sc else 0, ctx.lang), fee=ctx.money(contract.monthly_fee),
                      cap=ctx.money(contract.at_risk_amount)), bold=True)


def build_credits(ctx: DeckContext) -> None:
    """The arithmetic table across the top; the contract's rules and the monthly credits under it."""
    if ctx.period_months != [ctx.period]:
        build_span_credits(ctx)
        return
    rows = _period_rows(ctx)
    notes = "\n".join(str(e) for e in rows["explanation"] if e)
    slot = ctx.canvas.add("table", f"{ctx.w('service_credits')} - {ctx.month(ctx.period)}", notes)[0]
    table_rows = _rows(ctx, rows)
    columns = [Column(ctx.w("kpi"), 2.3), Column(ctx.w("value"), 1.0, "r"), Column(ctx.w("minimum"), 1.0, "r"),
               Column(ctx.w("allocation"), 1.0, "r"), Column(ctx.w("credit"), 2.9, "r"),
               Column(ctx.w("paid"), 1.2, "r"), Column(ctx.w("earned_back"), 1.1, "r"),
               Column(ctx.w("chronic_col"), 0.9, "r")]
    top, rest = slot.caption(table_height(slot.box.width, columns, table_rows) + ctx.canvas.gap)
    draw_table(top, columns, table_rows)
    text, chart_slot = rest.split(2, ctx.canvas.gap)
    write_lines(text, _rules(ctx))
    credits = ctx.evaluation.credits
    totals = credits[credits["kpi"] == "TOTAL"].set_index("period")["credit"]
    chart = column_chart(chart_slot, [ctx.month(m) for m in ctx.months],
                         {ctx.w("credit"): [totals.get(m) for m in ctx.months]}, number_format="#,##0", lang=ctx.lang)
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{ctx.w('credits_by_month')} ({ctx.contract.currency})"
