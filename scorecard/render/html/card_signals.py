"""Card sections that put the KPIs in context without scoring them: integrity signals (a KPI that
may be gamed, integrity/) and industry benchmarks (benchmarks.py).

Both are questions for the reader, never verdicts: nothing here changes a status, a credit or a
score. The operations manager sees the vendor's and the teams' signals; a team lead sees the
team's and its agents'.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ...benchmarks import Benchmark
from ...contract.model import Role
from ...integrity.compute import thresholds
from ...periods import parse_period
from .. import format as f
from .cards import Context
from .section_view import Cell, Line, Links, Lookup, Table, num, sort_key

#: the unit of a signal's value and baseline (integrity/rules.py: the fact that moved)
SIGNAL_UNITS = {"speed_vs_quality": "duration", "cherry_picking": "duration", "short_contacts": "rate",
                "transfer_spike": "rate", "survey_coverage_drop": "rate", "qa_leniency": "points"}


def _signal_line(ctx: Context, row: dict[str, Any], href: str | None, month: bool) -> Line:
    """One signal: who, level, signal, (month), value and baseline in the fact's unit, what moved."""
    signal = str(row["signal"])
    unit = SIGNAL_UNITS.get(signal, "ratio")
    # integrity.csv's evidence is written in English; another language gets the rule in its words
    evidence = str(row.get("evidence") or "") if ctx.lang == "en" else f.word("signal_help", signal, ctx.lang)
    cells = [Cell(f.word("grains", str(row["grain"]), ctx.lang), ""),
             Cell(f.word("signals", signal, ctx.lang), signal),
             *([Cell(f.fmt_period(str(row["period"]), ctx.lang, short=True), str(row["period"]))] if month else []),
             Cell(f.fmt_value(row["value"], unit, ctx.lang), sort_key(row["value"])),
             Cell(f.fmt_value(row["baseline"], unit, ctx.lang), sort_key(row["baseline"])),
             Cell(evidence, "")]
    return Line(str(row["entity"]), cells, href, flagged=True)


def integrity(ctx: Context, role: Role, links: Links) -> Lookup:
    """The integrity signals of the card's period: the vendor's and every team's on a vendor-level
    card, the team's and its agents' on a team card (agents by breakdowns.agent_teams)."""
    frame = ctx.evaluation.integrity
    months = parse_period(ctx.period).months()
    rows = frame[frame["period"].isin(months)] if len(frame) and "period" in frame else pd.DataFrame()
    by_month = len(months) > 1  # a quarter's or a year's card says which month each signal fired in
    headings = [ctx.ui("who"), ctx.ui("level"), ctx.ui("signal"), *([ctx.ui("month")] if by_month else []),
                ctx.ui("value"), ctx.ui("baseline"), ctx.ui("evidence")]
    title = ctx.ui("integrity")
    teams = ctx.evaluation.sections.get("agent_teams")
    team_of = (dict(zip(teams["agent_id"].astype(str), teams["team_id"].astype(str)))
               if teams is not None and len(teams) else {})
    records = rows.to_dict("records") if len(rows) else []

    def mine(row: dict[str, Any], entity: str) -> bool:
        grain, who = str(row["grain"]), str(row["entity"])
        if role.grain == "vendor":
            return grain in ("vendor", "team_id")
        if role.grain == "team_id":
            return (grain == "team_id" and who == entity) or (grain == "agent_id" and team_of.get(who) == entity)
        return grain == role.grain and who == entity

    def lookup(entity: str) -> Table:
        found = sorted((r for r in records if mine(r, entity)),
                       key=lambda r: (r["grain"] != "vendor", r["grain"], str(r["entity"]), r["period"]))
        lines = [_signal_line(ctx, r, None if r["grain"] == "vendor" else links(str(r["grain"]), str(r["entity"])),
                              by_month) for r in found]
        caption = ctx.ui("integrity_caption", period=ctx.period_label)
        return Table(title, caption, headings, lines, "" if lines else ctx.ui("no_integrity", period=ctx.period_label),
                     ctx.ui("integrity_help", n=thresholds(ctx.contract).baseline_months))
    return lookup


def _benchmark_text(ctx: Context, bench: Benchmark, unit: str) -> str:
    """The benchmark's figure or range in the card's language and the KPI's unit."""
    low = f.fmt_value(bench.low, unit, ctx.lang, currency=ctx.contract.currency)
    if bench.high == bench.low:
        return low
    return f"{low} – {f.fmt_value(bench.high, unit, ctx.lang, currency=ctx.contract.currency)}"


def _compared(ctx: Context, value: float, bench: Benchmark, direction: str) -> str:
    """better / within / worse than the benchmark, in the KPI's good direction."""
    if math.isnan(value) or direction not in ("higher", "lower"):
        return f.MISSING
    sign = 1 if direction == "higher" else -1
    if sign * (value - (bench.high if sign == 1 else bench.low)) > 0:
        return ctx.ui("bench_better")
    if sign * (value - (bench.low if sign == 1 else bench.high)) < 0:
        return ctx.ui("bench_worse")
    return ctx.ui("bench_within")


def benchmarks(ctx: Context, role: Role, links: Links) -> Lookup:
    """Each KPI of the role against its industry benchmark (the channel's, else the metric's), the
    source named. A KPI measured otherwise than the benchmark (another unit, a percentile) is listed
    with the benchmark but not compared."""
    results = ctx.evaluation.results
    rows = results[(results["period"] == ctx.period) & (results["grain"] == role.grain)]
    values = {(str(e), k): v for e, k, v in zip(rows["entity"], rows["kpi"], rows["value"])}
    found = [(kpi, *ctx.words.benchmark(kpi)) for kpi in role.kpis]
    headings = [ctx.ui("kpi"), ctx.ui("value"), ctx.ui("benchmark"), ctx.ui("compared"), ctx.ui("source")]

    def lookup(entity: str) -> Table:
        lines = []
        for kpi, bench, alike in found:
            if bench is None:
                continue
            unit, direction, label = ctx.kpi_facts(kpi)
            value = num(values.get((entity, kpi)))
            compared = _compared(ctx, value, bench, direction) if alike else ctx.ui("bench_not_alike")
            source = bench.source + (f", {bench.year}" if bench.year else "")
            lines.append(Line(label, [Cell(ctx.value(value, kpi), sort_key(value)),
                                      Cell(_benchmark_text(ctx, bench, unit), ""), Cell(compared, ""),
                                      Cell(source, "")]))
        return Table(ctx.ui("benchmarks"), ctx.ui("benchmarks_caption", period=ctx.period_label), headings,
                     lines, "" if lines else ctx.ui("no_benchmarks"), ctx.ui("benchmarks_help"))
    return lookup
