"""What one card shows, already formatted: the shared view model (render/view) laid out as cards.

Templates only lay out what this module decides (no KPI logic, no formatting in Jinja). The KPI
rows and trends are render/view's, read the same way by the deck; this module adds what only a card
has (sparklines, the agent's standing in the team, KPI groups). Frames are indexed once per grain,
then each card is a dictionary lookup: 2,000 agent cards must not mean 2,000 scans of the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...catalog import catalog
from ...contract.model import Contract, Role
from ...evaluate import Evaluation
from ...periods import parse_period, window
from ...scoring import thresholds
from .. import format as f
from ..view import CHANNEL_INDENT, KpiRowView, KpiWords, ResultIndex, TrendIndex, kpi_row as view_row, \
    lines, trend_view
from ..view.rows import number
from .sparkline import sparkline_svg, strip_svg

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
        self.words = KpiWords(self.contract, lang)

    def kpi_facts(self, kpi: str) -> tuple[str, str, str]:
        """(unit, direction, label) of a contract KPI id; an unknown id reads as a count."""
        return self.words.facts(kpi)

    def value(self, value: Any, kpi: str) -> str:
        return self.words.value(value, kpi)

    def money(self, value: Any) -> str:
        return f.fmt_value(value, "money", self.lang, currency=self.contract.currency)

    def ui(self, key: str, **values: Any) -> str:
        return f.t(key, self.lang, **values)


class GrainIndex(ResultIndex):
    """The results of one grain in the card period and its monthly values over the card's trend
    months, indexed by entity."""

    def __init__(self, ctx: Context, grain: str):
        super().__init__(ctx.evaluation.results, ctx.period, grain)
        self.trends = TrendIndex(ctx.evaluation.history, grain, ctx.months).values


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


def trend_svg(ctx: Context, index: GrainIndex, entity: str, row: KpiRowView) -> Markup:
    """The sparkline of an entity's KPI over the trend months, labelled with every value."""
    values = index.trends.get((entity, row.kpi))
    if values is None or not row.found:
        return Markup("")
    view = trend_view(ctx.words, row, ctx.months, values)
    return sparkline_svg(view.values, label=view.description, target=view.target)


def card_row(ctx: Context, row: KpiRowView, trend: Markup) -> KpiRow:
    """The card's line of a view row (a KPI with no result keeps its dashes and its note)."""
    return KpiRow(
        kpi=row.kpi, label=row.label, value=row.value_text, target=row.target_text,
        minimum=row.minimum_text, status=row.status, status_label=row.status_word,
        status_icon=row.status_icon, previous=row.previous_text, change=row.change_text,
        tone=row.tone, tone_label=ctx.ui(row.tone) if row.tone else "", n=row.n_text,
        caution=row.caution, provisional=row.provisional, note=row.note, trend=trend)


def card_rows(ctx: Context, index: GrainIndex, entity: str, kpis: list[str],
              channels: GrainIndex | None = None) -> list[KpiRow]:
    """The table lines of `kpis` for one entity; with `channels`, each per-channel KPI's channels
    under it (a KPI with no result says so instead of a zero)."""
    out = []
    for row in lines(view_row(ctx.words, index, entity, kpi, channels) for kpi in kpis):
        source, who = (channels, row.channel) if channels is not None and row.channel else (index, entity)
        out.append(card_row(ctx, row, trend_svg(ctx, source, who, row)))
    return out


@dataclass(frozen=True)
class KpiGroup:
    title: str
    rows: list[KpiRow]


def with_standing(ctx: Context, index: GrainIndex, agent: str, rows: list[KpiRow]) -> list[KpiRow]:
    """Agent rows with a strip of the agent's team on each KPI (teams from breakdowns.agent_teams)."""
    teams = ctx.evaluation.sections.get("agent_teams")
    if teams is None or not len(teams):
        return rows
    team_of = dict(zip(teams["agent_id"].astype(str), teams["team_id"].astype(str)))
    mates = [a for a, t in team_of.items() if t == team_of.get(agent) and a in index.rows]
    out = []
    for row in rows:
        values = [number(index.rows[a][row.kpi], "value") for a in mates if row.kpi in index.rows[a]]
        mine = number(index.rows.get(agent, {}).get(row.kpi, {}), "value")
        label = ctx.ui("standing", team=team_of.get(agent, ""), n=len(values))
        out.append(replace(row, standing=strip_svg(values, mine, label=label)))
    return out


def kpi_groups(ctx: Context, role: Role, index: GrainIndex, entity: str) -> list[KpiGroup]:
    """The card's KPI tables: one for most roles; grouped by efficiency / quality / cost and demand
    for a vendor-wide role, whose list of every KPI would otherwise be hard to scan."""
    channels = GrainIndex(ctx, "channel") if role.grain == "vendor" else None
    rows = card_rows(ctx, index, entity, list(role.kpis), channels)
    if role.grain == "agent_id":
        rows = with_standing(ctx, index, entity, rows)
    if role.grain != "vendor":
        return [KpiGroup(ctx.ui("kpis"), rows)]
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
        if spec is None or metric is None:
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
