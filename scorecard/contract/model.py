"""The typed contract model every later stage reads.

Values are already in base units (fractions, seconds, months) and targets already parsed, so no
stage after the loader interprets contract strings again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .. import money
from ..units import Target

LANGUAGES = ("en", "fr")  # the languages a contract, its labels and its outputs may be written in
GRAINS = ("vendor", "site", "team_id", "agent_id", "evaluator_id", "channel", "reason")
DEFAULT_LIVE_CHANNELS = ("voice", "chat", "messaging")
STANDARD_CHANNELS = ("voice", "chat", "email", "social", "messaging", "self_service")
VENDOR_ROLE = "operations_manager"  # the card a contract without roles gets
STATISTICS_HELP = "mean, median or pNN (p50, p90, p95 ...)"
#: the sections a deck can show (governance.deck.sections), in their default order; render/deck/ draws them
DECK_SECTIONS = ("summary", "service_levels", "trends", "quality", "calibration", "root_causes", "integrity",
                 "service_credits", "contact_reasons", "workforce", "actions")
#: the extra tables a role's scorecards can show (roles.NAME.sections); render/html/card_sections.py draws them
CARD_SECTIONS = ("team_agents", "qa_errors_by_category", "dsat_reasons", "calibration", "credits", "overall",
                 "integrity", "benchmarks")


@dataclass(frozen=True)
class Calendar:
    """Business hours: weekday (0 = Monday) -> ((open_s, close_s), ...) seconds from local midnight."""

    name: str
    timezone: str
    hours: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class KpiSpec:
    """One KPI clause of the contract. `params` are typed (durations in seconds, shares as fractions)
    and include the catalog defaults."""

    id: str
    metric: str
    params: dict[str, Any] = field(default_factory=dict)
    filter: dict[str, tuple[str, ...]] = field(default_factory=dict)
    statistic: str = "mean"
    clock: str | None = None  # None: elapsed (absolute) time; else the name of a calendar
    target: Target | None = None
    minimum: Target | None = None
    min_sample: int = 1
    per_channel_targets: dict[str, Target] = field(default_factory=dict)
    per_channel_minimums: dict[str, Target] = field(default_factory=dict)
    label: str | None = None  # in the contract's language (resolved at load time)
    labels: dict[str, str] = field(default_factory=dict)  # language -> label, when given per language
    # quality KPIs that must hold when this one is met: met while one of them is red -> amber
    guardrails: tuple[str, ...] = ()
    measured: str = "monthly"  # quarterly: judged on the quarter's rows, in the quarter's last month

    @property
    def informational(self) -> bool:
        """No target and no minimum: the value is shown, never scored, weighted or credited."""
        return self.target is None and self.minimum is None


@dataclass(frozen=True)
class Transition:
    """A ramp-up period: credits waived or reduced, and softer targets (contract/amendments.py),
    in every month whose first day is before `until`."""

    until: date
    credits: str = "charged"  # waived | reduced | charged
    reduction: float = 0.0  # share taken off the credit: 1.0 when waived, 0.5 for "reduced 50%"

    def covers(self, month: str) -> bool:
        """Whether the month YYYY-MM is in transition."""
        return date(int(month[:4]), int(month[5:7]), 1) < self.until


@dataclass(frozen=True)
class ServiceCredits:
    at_risk: float  # fraction of the monthly fee
    pool: float  # fraction: the allocations may add up to this
    allocations: dict[str, float]  # kpi id -> fraction of the at-risk amount
    earn_back_months: int | None = None
    chronic_misses: int | None = None
    chronic_within_months: int | None = None
    transition: Transition | None = None
    # multiplier of a credit for the 1st, 2nd, 3rd+ consecutive month a KPI misses (before the cap)
    escalation: tuple[float, ...] = ()
    # kpi id -> channel -> fraction of the at-risk amount, earned by that channel's own row (grain channel)
    channel_allocations: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Incentives:
    bonus_pool: float  # fraction of the monthly fee
    bands: tuple[tuple[float, float], ...]  # (at_least score 0-100, bonus share), highest first


@dataclass(frozen=True)
class Scoring:
    weights: dict[str, float] = field(default_factory=dict)
    rag: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Role:
    name: str
    grain: str
    kpis: tuple[str, ...]  # `all` already expanded to every KPI id
    targets: dict[str, Target] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    min_sample: dict[str, int] = field(default_factory=dict)  # kpi id -> min_sample at this role's grain


@dataclass(frozen=True)
class Governance:
    forum: str = "monthly"
    attendees: tuple[str, ...] = ()
    trend_months: int = 6
    sections: tuple[str, ...] = ()
    actions: str | None = None  # path of the actions file, relative to the contract
    integrity: dict[str, float] = field(default_factory=dict)  # threshold overrides (integrity/rules.py)
    benchmarks: str | None = None  # the client's own benchmarks file, relative to the contract


@dataclass(frozen=True)
class Version:
    """The contract as it stands in some months (contract/amendments.py): the base with its first
    `amendments` amendments applied, in date order, and the transition's softer targets when
    `transition`. `starts` is the first month the last of those amendments applies in."""

    label: str  # base, amended 2026-07-01, "base, transition", ...
    amendments: int
    transition: bool
    starts: str | None
    effective: date | None
    note: str
    contract: "Contract"


@dataclass(frozen=True)
class Contract:
    id: str
    client: str
    vendor: str
    currency: str
    timezone: str
    effective: date | None
    expires: date | None
    monthly_fee: float | None
    kpis: dict[str, KpiSpec]
    calendars: dict[str, Calendar] = field(default_factory=dict)
    service_credits: ServiceCredits | None = None
    incentives: Incentives | None = None
    scoring: Scoring = field(default_factory=Scoring)
    roles: dict[str, Role] = field(default_factory=dict)
    governance: Governance = field(default_factory=Governance)
    live_channels: tuple[str, ...] = DEFAULT_LIVE_CHANNELS
    channels: tuple[str, ...] = STANDARD_CHANNELS
    language: str = "en"
    path: str = ""
    version_hash: str = ""  # sha256 of the contract file's bytes
    # every version the amendments and the transition make (empty: the base applies every month)
    versions: tuple[Version, ...] = ()

    def version_of(self, month: str) -> Version | None:
        """The version in force in month YYYY-MM: amendments effective on or before its first day
        (`starts` <= month), softer targets while in transition; None when there are no versions."""
        if not self.versions:
            return None
        count = len({v.starts for v in self.versions if v.starts is not None and v.starts <= month})
        transition = self.service_credits.transition if self.service_credits else None
        softer = transition is not None and transition.covers(month) and any(v.transition for v in self.versions)
        return next(v for v in self.versions if (v.amendments, v.transition) == (count, softer))

    def in_force(self, month: str) -> "Contract":
        """The contract that applies in month YYYY-MM (itself when nothing was ever amended)."""
        version = self.version_of(month)
        return self if version is None else version.contract

    @property
    def at_risk_amount(self) -> Decimal | None:
        """The monthly cap, at_risk x monthly fee rounded to the minor unit: the one figure the credits'
        arithmetic, the deck and the cards all show (a float product could read a cent away)."""
        if self.service_credits is None or self.monthly_fee is None:
            return None
        return money.amount(self.currency, self.monthly_fee, self.service_credits.at_risk)

    def card_roles(self) -> dict[str, Role]:
        """The roles that get scorecards: the contract's, or, when it names none, one vendor-level
        operations-manager card with every KPI (a contract without roles still gets its outputs)."""
        if self.roles:
            return self.roles
        return {VENDOR_ROLE: Role(name=VENDOR_ROLE, grain="vendor", kpis=tuple(self.kpis))}

    def grains(self) -> tuple[str, ...]:
        """vendor, then every grain a role names, in role order."""
        out = ["vendor"]
        for role in self.roles.values():
            if role.grain not in out:
                out.append(role.grain)
        return tuple(out)
