"""Role-specific parts of a card beyond the KPI table, built once per role from the Evaluation.

Each builder runs once for a role and returns a lookup `entity -> section view`, so a team lead's
agent table or the calibration table costs one pass over its frame, not one per card. Sections are
chosen per role by `sections_for` (the role's name gives defaults; the contract may name more).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import pandas as pd
from markupsafe import Markup

from ...breakdowns import calibration_params
from ...contract.model import Role
from .. import format as f
from . import card_signals
from ..view import caution_text, is_true
from .cards import Context
from .section_view import Cell, Line, Links, Lookup, Table, num, period_rows, sort_key, status_cell
from .sparkline import bias_bar_svg
from ..stats import outlier_mask, quartiles


def team_agents(ctx: Context, role: Role, links: Links) -> Lookup:
    """Each team's agents on the agent KPIs, flagged against every agent of the vendor (outliers
    beyond 1.5 IQR on the bad side, quartile over all KPIs), so a lead sees who needs help."""
    agent_kpis = [k for r in ctx.contract.roles.values() if r.grain == "agent_id" for k in r.kpis]
    kpis = list(dict.fromkeys(agent_kpis or role.kpis))
    results = ctx.evaluation.results
    rows = results[(results["period"] == ctx.period) & (results["grain"] == "agent_id")
                   & results["kpi"].isin(kpis)]
    mapping = ctx.evaluation.sections.get("agent_teams")
    headings = [ctx.ui("agent"), *(ctx.kpi_facts(k)[2] for k in kpis), ctx.ui("quartile")]
    title = ctx.ui("team_agents")
    if mapping is None or not {"agent_id", "team_id"} <= set(mapping.columns):
        return lambda team: Table(title, "", headings, [], ctx.ui("no_agent_teams"))
    values = rows.pivot_table(index="entity", columns="kpi", values="value", aggfunc="first",
                              dropna=False).reindex(columns=kpis)
    statuses = rows.pivot_table(index="entity", columns="kpi", values="status", aggfunc="first")
    statuses = statuses.reindex(index=values.index, columns=kpis)
    counts = rows.pivot_table(index="entity", columns="kpi", values="n", aggfunc="first")
    counts = counts.reindex(index=values.index, columns=kpis)
    directions = {k: ctx.kpi_facts(k)[1] for k in kpis}
    flags, quartile = outlier_mask(values, directions), quartiles(values, directions)

    def cell(agent: str, kpi: str) -> Cell:
        """The agent's value; a sample too small to judge keeps its value, greyed, with its interval."""
        value, status = values.at[agent, kpi], statuses.at[agent, kpi]
        status = str(status) if pd.notna(status) else "not_measurable"
        detail = (caution_text(ctx.words, kpi, "agent_id", num(value), num(counts.at[agent, kpi]), status)
                  if status == "insufficient_sample" else "")
        return status_cell(ctx, ctx.value(value, kpi), value, status, bool(flags.at[agent, kpi]), detail)

    lines: dict[str, Line] = {}
    for agent in values.index:
        cells = [cell(agent, k) for k in kpis]
        q = quartile.get(agent)
        cells.append(Cell(f.MISSING, "") if pd.isna(q) else Cell(f"Q{int(q)}", str(int(q))))
        lines[str(agent)] = Line(str(agent), cells, links("agent_id", str(agent)),
                                 flagged=bool(flags.loc[agent].any()))
    teams: dict[str, list[Line]] = {}
    for agent, team in mapping[["agent_id", "team_id"]].drop_duplicates("agent_id").itertuples(index=False):
        if str(agent) in lines:
            teams.setdefault(str(team), []).append(lines[str(agent)])

    def lookup(team: str) -> Table:
        members = sorted(teams.get(team, []), key=lambda line: line.label)
        caption = ctx.ui("team_agents_caption", team=team, period=ctx.period_label, n=len(lines))
        return Table(title, caption, headings, members, "" if members else ctx.ui("no_agents"),
                     ctx.ui("outlier_help") + " " + ctx.ui("quartile_help"))
    return lookup


def qa_errors(ctx: Context, role: Role, links: Links) -> Lookup:
    """QA error rates of the card's entity (a team, an agent...) by category, then by item within
    it, worst first: the training need."""
    whole = ctx.evaluation.sections.get("qa_errors_by_category")
    frame = period_rows(whole, ctx.period)
    if len(frame):
        frame = frame[frame["grain"] == role.grain]
    # why a card has no table: no QA item data at all, or none for this entity in the period
    empty = "no_qa_items" if whole is None or not len(whole) else "no_qa_errors"
    title = ctx.ui("qa_errors")
    headings = [ctx.ui("category"), ctx.ui("item"), ctx.ui("evaluated"), ctx.ui("failed"), ctx.ui("error_rate")]
    tables: dict[str, list[Line]] = {}
    for team, rows in (frame.groupby("entity", sort=False) if len(frame) else ()):
        scale = max(rows["error_rate"].max(), 1e-9)
        totals = rows.groupby("category")[["evaluated", "failed"]].sum()
        totals["error_rate"] = totals["failed"] / totals["evaluated"].where(totals["evaluated"] > 0)
        lines = []
        for category, total in totals.sort_values("error_rate", ascending=False).iterrows():
            lines.append(_error_line(ctx, str(category), ctx.ui("all_items"), total, scale, emphasis=True))
            items = rows[rows["category"] == category].sort_values("error_rate", ascending=False)
            lines += [_error_line(ctx, "", str(item.item), item._asdict(), scale)
                      for item in items.itertuples(index=False)]
        tables[str(team)] = lines

    def lookup(team: str) -> Table:
        lines = tables.get(team, [])
        caption = ctx.ui("qa_errors_caption", team=team, period=ctx.period_label)
        return Table(title, caption, headings, lines, "" if lines else ctx.ui(empty, period=ctx.period_label),
                     chart=True)
    return lookup


def _error_line(ctx: Context, category: str, item: str, row: Any, scale: float, emphasis: bool = False) -> Line:
    rate = num(row["error_rate"])
    cells = [Cell(item, item), Cell(f.fmt_value(row["evaluated"], "count", ctx.lang), sort_key(row["evaluated"])),
             Cell(f.fmt_value(row["failed"], "count", ctx.lang), sort_key(row["failed"])),
             Cell(f.fmt_value(rate, "rate", ctx.lang), sort_key(rate))]
    width = 0.0 if math.isnan(rate) else 100 * rate / scale
    return Line(category, cells, emphasis=emphasis, bar=Markup(f'<span class="bar" style="width:{width:.0f}%"></span>'))


def _reason_rows(ctx: Context) -> list[dict[str, Any]]:
    """DSAT per contact reason in the period, worst first: the results rows at grain reason when
    the evaluation computed that grain (they carry target and status), else the dsat_reasons
    section (period, reason, dsat, dsat_n, dsat_status), judged by the contract's DSAT clause, or
    shown unjudged (no target, no status) when the contract has no DSAT KPI."""
    results = ctx.evaluation.results
    rows = results[(results["period"] == ctx.period) & (results["metric"] == "dsat")
                   & (results["grain"] == "reason")]
    if len(rows):
        return rows.sort_values("value", ascending=False).to_dict("records")
    section = period_rows(ctx.evaluation.sections.get("dsat_reasons"), ctx.period)
    if not len(section) or "dsat" not in section:
        return []
    section = section[section["dsat_n"].fillna(0) > 0]
    kpi = _dsat_kpi(ctx)
    target = ctx.contract.kpis[kpi].target if kpi else None
    return [{"kpi": kpi, "entity": row["reason"], "value": row["dsat"], "n": row["dsat_n"],
             "target": target.text if target else "", "status": row.get("dsat_status", "") if kpi else ""}
            for row in section.sort_values("dsat", ascending=False).to_dict("records")]


def _dsat_kpi(ctx: Context) -> str | None:
    return next((k for k, spec in ctx.contract.kpis.items() if spec.metric == "dsat"), None)


def _no_reasons_why(ctx: Context) -> str:
    """Why the trainer sees no dissatisfaction by reason: no reason in the data, or no survey
    answer with a reason this period."""
    section = ctx.evaluation.sections.get("dsat_reasons")
    if section is None or not len(section):
        return ctx.ui("no_dsat_reasons_data")
    return ctx.ui("no_dsat_reasons", period=ctx.period_label)


def dsat_reasons(ctx: Context, role: Role, links: Links) -> Lookup:
    """Dissatisfaction by contact reason (vendor-wide: reasons are not split by team), worst first."""
    rows = _reason_rows(ctx)
    headings = [ctx.ui("reason"), ctx.ui("value"), ctx.ui("sample"), ctx.ui("target"), ctx.ui("status"),
                ctx.ui("caution")]
    scale = max([num(row["value"]) for row in rows if not math.isnan(num(row["value"]))] + [1e-9])
    lines = []
    for row in rows:
        value, n, status = num(row["value"]), num(row["n"]), str(row["status"] or "")
        kpi = row["kpi"]
        cells = [Cell(f.fmt_value(value, "rate", ctx.lang), sort_key(value)),
                 Cell(f.fmt_value(n, "count", ctx.lang), sort_key(n)),
                 Cell(f.fmt_target(row.get("target"), "rate", ctx.lang), ""),
                 status_cell(ctx, f.status_label(status, ctx.lang), "", status) if status else Cell(f.MISSING, ""),
                 Cell(caution_text(ctx.words, kpi, "reason", value, n, status) if kpi else "", "")]
        width = 0.0 if math.isnan(value) else 100 * value / scale
        lines.append(Line(str(row["entity"]), cells,
                          bar=Markup(f'<span class="bar" style="width:{width:.0f}%"></span>')))
    footnote = "" if _dsat_kpi(ctx) or not lines else ctx.ui("no_dsat_kpi")
    table = Table(ctx.ui("dsat_reasons"), ctx.ui("dsat_reasons_caption", period=ctx.period_label),
                  headings, lines, "" if lines else _no_reasons_why(ctx), footnote, chart=True)
    return lambda entity: table


def calibration_tolerance(ctx: Context) -> float:
    """The tolerance in points calibration.csv was computed with (the catalog's default when no
    calibration KPI sets one), so the card never says "tolerance +/- --"."""
    return num(calibration_params(ctx.contract)["tolerance"])


def calibration(ctx: Context, role: Role, links: Links) -> Lookup:
    """Every evaluator's deviation and bias against the reference, this card's evaluator marked,
    so an evaluator sees where they stand among peers and against the tolerance."""
    frame = period_rows(ctx.evaluation.calibration, ctx.period)
    tolerance = calibration_tolerance(ctx)
    people = frame[frame["evaluator_id"].astype(str) != "ALL"] if len(frame) else frame
    overall = frame[frame["evaluator_id"].astype(str) == "ALL"] if len(frame) else frame
    scale = max([abs(num(b)) for b in people.get("bias", [])] + [0.0]) if len(people) else 0.0
    points = "points"
    headings = [ctx.ui("evaluator"), ctx.ui("sessions"), ctx.ui("scores"), ctx.ui("within_tolerance"),
                ctx.ui("mean_abs_deviation"), ctx.ui("bias"), ctx.ui("spread"), ctx.ui("tendency")]
    base: list[tuple[str, list[Cell], bool, Markup]] = []
    for row in people.sort_values("evaluator_id").to_dict("records"):
        bias, mad = num(row.get("bias")), num(row.get("mean_abs_deviation"))
        beyond = abs(bias) > tolerance or mad > tolerance
        tendency = row.get("tendency")
        cells = [Cell(f.fmt_value(row.get("sessions"), "count", ctx.lang), sort_key(row.get("sessions"))),
                 Cell(f.fmt_value(row.get("scores"), "count", ctx.lang), sort_key(row.get("scores"))),
                 Cell(f.fmt_value(row.get("within_tolerance"), "rate", ctx.lang),
                      sort_key(row.get("within_tolerance"))),
                 Cell(f.fmt_value(mad, points, ctx.lang), sort_key(mad)),
                 Cell(f.fmt_change(bias, points, ctx.lang), sort_key(bias)),
                 Cell(f.fmt_value(row.get("spread"), points, ctx.lang), sort_key(row.get("spread"))),
                 Cell(f.word("tendency", str(tendency), ctx.lang) if isinstance(tendency, str) else f.MISSING, "")]
        label = f"{ctx.ui('bias')}{ctx.ui('colon')}{f.fmt_change(bias, points, ctx.lang)}"
        bar = bias_bar_svg(bias, tolerance, label=label, scale=scale,
                           tendency=tendency if isinstance(tendency, str) else "")
        base.append((str(row["evaluator_id"]), cells, beyond, bar))
    alpha = num(overall["krippendorff_alpha"].iloc[0]) if len(overall) and "krippendorff_alpha" in overall else math.nan
    tol_text = f.fmt_number(tolerance, 0 if tolerance == int(tolerance) else 1, ctx.lang)
    caption = ctx.ui("calibration_caption", period=ctx.period_label, tolerance=tol_text)
    footnote = (ctx.ui("alpha", alpha=f.fmt_value(alpha, "ratio", ctx.lang)) + ". "
                + ctx.ui("bias_legend", tolerance=tol_text))

    def lookup(evaluator: str) -> Table:
        lines = [Line(name, cells, links("evaluator_id", name) if name != evaluator else None,
                      emphasis=name == evaluator, flagged=beyond, bar=bar,
                      note=ctx.ui("beyond_tolerance") if beyond else "")
                 for name, cells, beyond, bar in base]
        return Table(ctx.ui("calibration"), caption, headings, lines,
                     "" if lines else ctx.ui("no_calibration"), footnote, chart=True)
    return lookup


def credits(ctx: Context, role: Role, links: Links) -> Lookup:
    """Service credits of the period, KPI by KPI with the contract's explanation, then the TOTAL."""
    frame = period_rows(ctx.evaluation.credits, ctx.period)
    amount = ctx.contract.at_risk_amount
    headings = [ctx.ui("kpi"), ctx.ui("value"), ctx.ui("minimum"), ctx.ui("missed"), ctx.ui("allocation"),
                ctx.ui("credit"), ctx.ui("earned_back"), ctx.ui("chronic_failure"), ctx.ui("explanation")]
    yes, no = ctx.ui("word_yes"), ctx.ui("word_no")
    lines = []
    for row in frame.to_dict("records"):
        kpi, total = str(row["kpi"]), str(row["kpi"]) == "TOTAL"
        unit = ctx.kpi_facts(kpi)[0]
        cells = [Cell("" if total else ctx.value(row.get("value"), kpi), sort_key(row.get("value"))),
                 Cell("" if total else f.fmt_target(row.get("minimum"), unit, ctx.lang), ""),
                 Cell("" if total else (yes if is_true(row.get("missed")) else no), ""),
                 Cell("" if total else f.fmt_value(row.get("allocation"), "rate", ctx.lang),
                      sort_key(row.get("allocation"))),
                 Cell(ctx.money(row.get("credit")), sort_key(row.get("credit"))),
                 Cell(ctx.money(row.get("earned_back")), sort_key(row.get("earned_back"))),
                 Cell("" if total else (yes if is_true(row.get("chronic_failure")) else no), ""),
                 Cell(str(row.get("explanation") or ""), "")]
        label = ctx.ui("total") if total else ctx.kpi_facts(kpi)[2]
        lines.append(Line(label, cells, emphasis=total,
                          flagged=not total and (is_true(row.get("missed")) or is_true(row.get("chronic_failure")))))
    caption = ctx.ui("credits_caption", period=ctx.period_label, amount=ctx.money(amount))
    table = Table(ctx.ui("credits"), caption, headings, lines, "" if lines else ctx.ui("no_credits"))
    return lambda entity: table


def overall(ctx: Context, role: Role, links: Links) -> Lookup:
    """The weighted overall score and the bonus it earns, with the scoring's own explanation."""
    frame = period_rows(ctx.evaluation.overall, ctx.period)
    # the KPIs left out of the score are named in the explanation, in words (results.csv has their ids)
    headings = [ctx.ui("score"), ctx.ui("bonus_share"), ctx.ui("bonus"), ctx.ui("weights_used"),
                ctx.ui("explanation")]
    lines = []
    for row in frame.to_dict("records"):
        weights = row.get("weights_used")
        weights_text = (f.fmt_number(num(weights), 0, ctx.lang) if isinstance(weights, (int, float))
                        else str(weights or ""))
        cells = [Cell(f.fmt_value(row.get("score"), "points", ctx.lang) + " / 100", sort_key(row.get("score"))),
                 Cell(f.fmt_value(row.get("bonus_share"), "rate", ctx.lang), ""),
                 Cell(ctx.money(row.get("bonus")), ""), Cell(weights_text, ""),
                 Cell(str(row.get("explanation") or ""), "")]
        lines.append(Line(ctx.period_label, cells))
    table = Table(ctx.ui("overall"), ctx.ui("overall") + ", " + ctx.period_label, [ctx.ui("period"), *headings],
                  lines, "" if lines else ctx.ui("no_overall"))
    return lambda entity: table


BUILDERS: dict[str, Callable[[Context, Role, Links], Lookup]] = {
    "team_agents": team_agents, "qa_errors_by_category": qa_errors, "dsat_reasons": dsat_reasons,
    "calibration": calibration, "credits": credits, "overall": overall,
    "integrity": card_signals.integrity, "benchmarks": card_signals.benchmarks,
}
ROLE_SECTIONS = {
    "team_lead": ("team_agents", "integrity"), "trainer": ("qa_errors_by_category", "dsat_reasons"),
    "qa_team": ("calibration",), "operations_manager": ("overall", "credits", "integrity", "benchmarks"),
}


def sections_for(role: Role) -> tuple[str, ...]:
    """The sections a role's cards show: the defaults of its name plus those the contract names
    that this renderer draws (others, e.g. deck-only sections, are the deck's business)."""
    names = (*ROLE_SECTIONS.get(role.name, ()), *role.sections)
    return tuple(name for name in dict.fromkeys(names) if name in BUILDERS)
