"""The scorecard view model: what one card shows, already formatted, built from the Evaluation.

Templates only lay out what this module decides (no KPI logic, no formatting in Jinja), so the
same numbers could be drawn by another renderer. Frames are indexed once per grain, then each card
is a dictionary lookup: 2,000 agent cards must not mean 2,000 scans of the results frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...catalog import catalog
from ...contract.model import Contract, Role
from ...evaluate import Evaluation
from ...periods import parse_period, window
from ...scoring import min_sample, thresholds, trend
from ...units import UnitError, parse_target
from .. import format as f
from .sparkline import sparkline_svg, strip_svg
from ..stats import is_small_sample, wilson_interval

# How the operations manager's KPIs are grouped (seed 003: efficiency, quality, cost and demand).
KPI_GROUPS: dict[str, tuple[str, ...]] = {
    "quality": ("csat", "dsat", "nps", "customer_effort_score", "servqual", "quality_score",
                "agents_meeting_quality", "qa_error_rate", "calibration_within_tolerance",
                "calibration_variance", "qa_audit_variance"),
    "cost_demand": ("cost_per_unit", "utilization", "staffing_to_forecast", "forecast_accuracy",
                    "transfer_rate", "backlog", "volume", "contacts_per_booking",
                    "contacts_per_customer", "digital_rate"),
}
DEFAULT_GROUP = "efficiency"


@lru_cache(maxsize=512)
def target_value(text: str) -> float | None:
    """The numeric level of a comparison string (for the sparkline's target line), or None."""
    try:
        return parse_target(text).value
    except UnitError:
        return None


class Context:
    """What every card of one run shares: the evaluation, the period, the language, the trend
    months, and per-KPI facts (unit, direction, label) looked up once."""

    def __init__(self, evaluation: Evaluation, lang: str):
        self.evaluation = evaluation
        self.contract: Contract = evaluation.contract
        self.lang = lang
        self.period = evaluation.periods[-1]
        last_month = parse_period(self.period).last_month
        span = max(self.contract.governance.trend_months, 2)
        # the window starts at the data's first month: no empty months drawn before the data began
        first = min((p for p in evaluation.history.get("period", ()) if len(str(p)) == 7), default=last_month)
        self.months = tuple(m for m in window(last_month, span) if m >= first) or (last_month,)
        self.period_label = f.fmt_period(self.period, lang)
        self.trend_heading = f.t("trend_label", lang, first=f.fmt_period(self.months[0], lang, short=True),
                                 last=f.fmt_period(self.months[-1], lang, short=True))
        self._kpi: dict[str, tuple[str, str, str]] = {}

    def kpi_facts(self, kpi: str) -> tuple[str, str, str]:
        """(unit, direction, label) of a contract KPI id; an unknown id reads as a count."""
        if kpi not in self._kpi:
            spec = self.contract.kpis.get(kpi)
            metric = catalog().get(spec.metric) if spec else None
            unit = metric.unit_for(spec.params) if metric else "count"
            direction = metric.direction if metric else "neutral"
            self._kpi[kpi] = (unit, direction, f.kpi_label(self.contract, kpi, self.lang))
        return self._kpi[kpi]

    def value(self, value: Any, kpi: str) -> str:
        return f.fmt_value(value, self.kpi_facts(kpi)[0], self.lang, currency=self.contract.currency)

    def money(self, value: Any) -> str:
        return f.fmt_value(value, "money", self.lang, currency=self.contract.currency)

    def ui(self, key: str, **values: Any) -> str:
        return f.t(key, self.lang, **values)


class GrainIndex:
    """The results of one grain in the card period and its monthly history, indexed by entity."""

    def __init__(self, ctx: Context, grain: str):
        self.grain = grain
        results = ctx.evaluation.results
        rows = results[(results["period"] == ctx.period) & (results["grain"] == grain)]
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}
        for record in rows.to_dict("records"):
            self.rows.setdefault(str(record["entity"]), {})[record["kpi"]] = record
        history = ctx.evaluation.history
        months = list(ctx.months)
        recent = trend(history[history["grain"] == grain], ctx.period, len(months))
        self.trends: dict[tuple[str, str], tuple[float, ...]] = {}
        if len(recent):
            wide = recent.pivot_table(index=["entity", "kpi"], columns="period", values="value",
                                      aggfunc="first", dropna=False).reindex(columns=months)
            for key, values in zip(wide.index, wide.to_numpy(dtype=float)):
                self.trends[(str(key[0]), key[1])] = tuple(values)

    def entities(self) -> list[str]:
        return sorted(self.rows)


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One line of a card's KPI table, every cell already text in the card's language."""

    kpi: str
    label: str
    value: str
    target: str
    minimum: str
    status: str
    status_label: str
    status_icon: str
    previous: str
    change: str
    tone: str  # better, worse or ""
    tone_label: str
    n: str
    caution: str
    provisional: bool
    note: str
    trend: Markup
    standing: Markup = Markup("")  # agent cards: the agent among the team's agents


def is_true(value: Any) -> bool:
    """A frame's boolean cell as a Python bool (numpy and pandas booleans, <NA> is False)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and value is not pd.NA and bool(value)


def _number(record: dict[str, Any], column: str) -> float:
    value = record.get(column)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def caution_text(ctx: Context, kpi: str, grain: str, value: float, n: float, status: str) -> str:
    """Why a value should be read with care: a small sample (against the sample size that applies at
    the grain), with its 95 % Wilson interval for a rate."""
    if math.isnan(value) or not (status == "insufficient_sample"
                                 or is_small_sample(n, min_sample(ctx.contract, kpi, grain))):
        return ""
    text = ctx.ui("small_sample", n=f.fmt_number(n, 0, ctx.lang))
    if ctx.kpi_facts(kpi)[0] == "rate" and n > 0:
        # a rate is successes / n, so value * n is a whole number up to float noise
        low, high = wilson_interval(min(max(round(value * n), 0), int(n)), int(n))
        text += "; " + ctx.ui("interval", low=ctx.value(low, kpi), high=ctx.value(high, kpi))
    return f.typeset(text, ctx.lang)


def guardrail_note(ctx: Context, record: dict[str, Any]) -> str:
    """Why a met KPI is amber: the guardrails (results' `guardrail` column) that missed, by label."""
    missed = [k.strip() for k in str(record.get("guardrail") or "").split(",") if k.strip()]
    if not missed:
        return ""
    return ctx.ui("guardrail_missed", kpis=", ".join(ctx.kpi_facts(k)[2] for k in missed))


def trend_svg(ctx: Context, index: GrainIndex, entity: str, kpi: str, target: Any) -> Markup:
    """The sparkline of an entity's KPI over the trend months, labelled with every value."""
    values = index.trends.get((entity, kpi))
    if values is None:
        return Markup("")
    label = ctx.kpi_facts(kpi)[2] + ctx.ui("colon") + ", ".join(
        f"{f.fmt_period(month, ctx.lang, short=True)} {ctx.value(v, kpi)}"
        for month, v in zip(ctx.months, values))
    level = target_value(target) if isinstance(target, str) and target else None
    return sparkline_svg(values, label=label, target=level)


def kpi_row(ctx: Context, index: GrainIndex, entity: str, kpi: str) -> KpiRow:
    """The table line of one KPI for one entity; a KPI with no result says so instead of a zero."""
    unit, direction, label = ctx.kpi_facts(kpi)
    record = index.rows.get(entity, {}).get(kpi)
    if record is None:
        return KpiRow(kpi, label, f.MISSING, f.MISSING, f.MISSING, "not_measurable",
                      f.status_label("not_measurable", ctx.lang), f.status_icon("not_measurable"),
                      f.MISSING, f.MISSING, "", "", f.MISSING, "", False, ctx.ui("no_result"), Markup(""))
    value, n = _number(record, "value"), _number(record, "n")
    status = str(record.get("status") or "not_measurable")
    change = _number(record, "change")
    currency = ctx.contract.currency
    change_text = f.fmt_change(change, unit, ctx.lang, currency=currency)
    # a change that reads as zero ("0.0 pts") is neither better nor worse
    tone = f.change_tone(change, direction) if change_text.startswith(("+", f.MINUS)) else ""
    return KpiRow(
        kpi=kpi, label=label, value=ctx.value(value, kpi),
        target=f.fmt_target(record.get("target"), unit, ctx.lang, currency=currency),
        minimum=f.fmt_target(record.get("minimum"), unit, ctx.lang, currency=currency),
        status=status, status_label=f.status_label(status, ctx.lang), status_icon=f.status_icon(status),
        previous=ctx.value(_number(record, "previous"), kpi),
        change=change_text,
        tone=tone, tone_label=ctx.ui(tone) if tone else "",
        n=f.MISSING if math.isnan(n) else f.fmt_number(n, 0, ctx.lang),
        caution=caution_text(ctx, kpi, index.grain, value, n, status),
        provisional=is_true(record.get("provisional")),
        note=str(record.get("note") or "") or guardrail_note(ctx, record),
        trend=trend_svg(ctx, index, entity, kpi, record.get("target")),
    )


@dataclass(frozen=True)
class KpiGroup:
    title: str
    rows: list[KpiRow]


CHANNEL_INDENT = "\u2003"  # an em space: a channel's line sits under its KPI, as on the deck


def with_channels(ctx: Context, rows: list[KpiRow]) -> list[KpiRow]:
    """Vendor-level rows with, under each KPI that has per-channel targets or minimums, one row per
    channel scored against that channel's own target and minimum."""
    index: GrainIndex | None = None
    out: list[KpiRow] = []
    for row in rows:
        out.append(row)
        spec = ctx.contract.kpis.get(row.kpi)
        if spec is None or not (spec.per_channel_targets or spec.per_channel_minimums):
            continue
        index = index or GrainIndex(ctx, "channel")
        named = list(dict.fromkeys([*spec.per_channel_targets, *spec.per_channel_minimums]))
        present = [c for c in index.entities() if row.kpi in index.rows[c]]
        for channel in [c for c in named if c in present] + [c for c in present if c not in named]:
            name = f.word("channels", channel, ctx.lang, default=channel)
            out.append(replace(kpi_row(ctx, index, channel, row.kpi), label=f"{CHANNEL_INDENT}{name}"))
    return out


def with_standing(ctx: Context, index: GrainIndex, agent: str, rows: list[KpiRow]) -> list[KpiRow]:
    """Agent rows with a strip of the agent's team on each KPI (teams from breakdowns.agent_teams)."""
    teams = ctx.evaluation.sections.get("agent_teams")
    if teams is None or not len(teams):
        return rows
    team_of = dict(zip(teams["agent_id"].astype(str), teams["team_id"].astype(str)))
    mates = [a for a, t in team_of.items() if t == team_of.get(agent) and a in index.rows]
    out = []
    for row in rows:
        values = [_number(index.rows[a][row.kpi], "value") for a in mates if row.kpi in index.rows[a]]
        mine = _number(index.rows.get(agent, {}).get(row.kpi, {}), "value")
        label = ctx.ui("standing", team=team_of.get(agent, ""), n=len(values))
        out.append(replace(row, standing=strip_svg(values, mine, label=label)))
    return out


def kpi_groups(ctx: Context, role: Role, index: GrainIndex, entity: str) -> list[KpiGroup]:
    """The card's KPI tables: one for most roles; grouped by efficiency / quality / cost and demand
    for a vendor-wide role, whose list of every KPI would otherwise be hard to scan."""
    rows = [kpi_row(ctx, index, entity, kpi) for kpi in role.kpis]
    if role.grain == "agent_id":
        rows = with_standing(ctx, index, entity, rows)
    if role.grain != "vendor":
        return [KpiGroup(ctx.ui("kpis"), rows)]
    rows = with_channels(ctx, rows)
    groups: dict[str, list[KpiRow]] = {name: [] for name in (DEFAULT_GROUP, *KPI_GROUPS)}
    for row in rows:
        spec = ctx.contract.kpis.get(row.kpi)
        name = next((g for g, metrics in KPI_GROUPS.items() if spec and spec.metric in metrics),
                    DEFAULT_GROUP)
        groups[name].append(row)
    return [KpiGroup(f.word("kpi_groups", name, ctx.lang), rows) for name, rows in groups.items() if rows]


@dataclass(frozen=True)
class GlossaryEntry:
    label: str
    abbr: str
    description: str
    formula: str
    target: str


def glossary(ctx: Context, role: Role) -> list[GlossaryEntry]:
    """What each KPI of a role means, from the catalog, with the target that applies to the role
    (a role-specific target where the contract sets one), as the KPI table shows it."""
    entries = []
    for kpi in role.kpis:
        spec = ctx.contract.kpis.get(kpi)
        metric = catalog().get(spec.metric) if spec else None
        if metric is None:
            continue
        unit, _, label = ctx.kpi_facts(kpi)
        rule, _ = thresholds(ctx.contract, kpi, role.grain, "")
        target = f.fmt_target(rule.text if rule else None, unit, ctx.lang, currency=ctx.contract.currency)
        description, formula = metric.describe(spec.params, ctx.lang)
        entries.append(GlossaryEntry(label, metric.abbr, description, formula, target))
    return entries


@dataclass
class Card:
    """One entity's page: header facts, KPI tables and the role's extra sections."""

    role: str
    entity: str
    filename: str
    title: str
    groups: list[KpiGroup]
    sections: dict[str, Any] = field(default_factory=dict)

    def status_counts(self) -> dict[str, int]:
        counts = {status: 0 for status in f.STATUSES}
        for group in self.groups:
            for row in group.rows:
                if not row.label.startswith(CHANNEL_INDENT):  # a channel's line is part of its KPI
                    counts[row.status] = counts.get(row.status, 0) + 1
        return counts


def known_entities(frame: pd.DataFrame, column: str, period: str) -> set[str]:
    """Entity ids a section frame names in the period (e.g. evaluators with calibration rows only)."""
    if column not in frame or "period" not in frame:
        return set()
    return {str(v) for v in frame.loc[frame["period"] == period, column].dropna() if str(v) != "ALL"}
