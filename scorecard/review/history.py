"""Review rules that read the data: targets never or always met, KPIs the data cannot feed, and the
false-miss risk of each minimum (fairness.py) at the months' typical sample size, also of each
channel a KPI is credited per channel on (its own minimum, on that channel's rows).

Everything comes from one `evaluate` over the asked months (the draft's term ignored), at grain
vendor and agent_id: the same numbers a run would show; medians and percentiles also read the
month's per-contact observations (observations.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..catalog import catalog
from ..contract.model import Contract, KpiSpec
from ..evaluate import Evaluation
from ..kpis.measure import statistic_q
from ..scoring import INFORMATIONAL, INSUFFICIENT, NOT_MEASURABLE
from ..units import RATE
from . import fairness
from .findings import ADVICE, ERROR, WARNING, Finding, Locator
from .observations import Observations
from .rules import _scored
from .written import written

MIN_MONTHS = 3  # "every month" of one or two months says nothing about a target
MIN_AGENTS = 5  # fewer agents than this cannot be resampled into a spread
MIN_OBSERVATIONS = 20  # fewer contacts than this say little about a percentile's spread
CONTACT_TABLES = ("interactions", "qa_evaluations", "qa_items")  # rates that count contacts or scores
MEAN_UNITS = ("duration", "points")  # means over contacts or surveys (a QA score, a CSAT mean, NPS)


@dataclass(frozen=True)
class Risk:
    """The false-miss risk of one minimum: how it was computed and at which monthly sample size."""

    kpi: str
    n: int
    probability: float | None  # None: not estimated (reason says why)
    method: str  # "binomial", "bootstrap" or ""
    safe_minimum: float | None = None
    sample_size: int | None = None
    reason: str = ""
    channel: str = ""  # a per-channel credit line's channel; "" for the KPI as a whole

    @property
    def name(self) -> str:
        return f"{self.kpi} ({self.channel})" if self.channel else self.kpi


def vendor_months(evaluation: Evaluation, kpi: str, channel: str = "") -> pd.DataFrame:
    """The KPI's monthly rows for the vendor as a whole, or for one channel of it."""
    r = evaluation.results
    at = (r["grain"] == "channel") & (r["entity"] == channel) if channel else r["grain"] == "vendor"
    return r[at & (r["kpi"] == kpi)].sort_values("period")


def target_history(contract: Contract, evaluation: Evaluation, at: Locator) -> list[Finding]:
    """never_met, always_met and not_measurable, per KPI over the asked months."""
    found = []
    for kpi in contract.kpis.values():
        rows = vendor_months(evaluation, kpi.id)
        if len(rows) and (rows["status"] == NOT_MEASURABLE).all():
            note = next((n for n in rows["note"] if n), "no value in any month")
            found.append(at.finding(
                "not_measurable", ERROR if _scored(contract, kpi.id) else WARNING, ("kpis", kpi.id), kpi=kpi.id,
                message=f"{kpi.id} cannot be measured from this data in any month: {note}",
                why="a clause the data cannot feed is never green and never earns a credit: it is not enforced",
                suggestion="add the missing table or column to the export, or drop the clause"))
            continue
        measured = rows[~rows["status"].isin([NOT_MEASURABLE, INSUFFICIENT, INFORMATIONAL])]
        if kpi.target is None or len(measured) < MIN_MONTHS:
            continue
        met = kpi.target.met_all(measured["value"].to_numpy(dtype="float64"))
        span = f"{measured['period'].iloc[0]} to {measured['period'].iloc[-1]}"
        if not met.any():
            found.append(at.finding(
                "never_met", WARNING, ("kpis", kpi.id, "target"), kpi=kpi.id,
                message=f"{kpi.id} missed its target ({kpi.target.text}) in all {len(measured)} months from {span}",
                why="a target never reached is not a goal the vendor can steer to; it is read as a fixed penalty",
                suggestion="set the target from the history (scorecard review --suggest), with a plan to raise it"))
        elif met.all():
            found.append(at.finding(
                "always_met", ADVICE, ("kpis", kpi.id, "target"), kpi=kpi.id,
                message=f"{kpi.id} met its target ({kpi.target.text}) in all {len(measured)} months from {span}",
                why="a target met every month does not stretch the vendor: it rewards the status quo",
                suggestion="raise the target towards the level reached in most months (scorecard review --suggest)"))
    return found


def _typical_month(rows: pd.DataFrame) -> pd.Series | None:
    """The measured month of median sample size."""
    measured = rows[rows["value"].notna() & (rows["n"] > 0)].sort_values(["n", "period"])
    return None if measured.empty else measured.iloc[(len(measured) - 1) // 2]


def _quantile_risk(kpi: KpiSpec, month: pd.Series, observations: Observations | None) -> Risk:
    """A median or percentile: bootstrap of the month's per-contact observations (observations.py)."""
    n, period = int(month["n"]), str(month["period"])
    obs = observations.of(kpi, period) if observations is not None else None
    if obs is None or len(obs) < MIN_OBSERVATIONS:
        got = "no per-contact observations" if obs is None else f"{len(obs)} per-contact observation(s)"
        return Risk(kpi.id, n, None, "", reason=f"the {kpi.statistic} of {period}: {got}, too few to resample")
    q = statistic_q(kpi.statistic)
    if kpi.target is None or kpi.minimum is None or q is None:  # risk_of asks only for quantiles with both
        return Risk(kpi.id, n, None, "", reason="not a quantile with a target and a minimum")
    target, minimum = kpi.target.value, kpi.minimum
    risk = fairness.quantile_miss(obs, q, target, minimum, n)
    return Risk(kpi.id, n, risk.probability, "bootstrap", risk.safe_minimum,
                fairness.mean_sample_size(n, risk, target, minimum))


def risk_of(kpi: KpiSpec, evaluation: Evaluation, observations: Observations | None = None,
            channel: str = "") -> Risk | None:
    """The false-miss risk of a KPI's minimum, or None for a KPI without minimum, target or data;
    `observations` (per-contact values) are needed for a median or percentile. With `channel`, on
    that channel's monthly rows (a rate only: means are resampled from agents over all channels)."""
    if kpi.minimum is None or kpi.target is None:
        return None
    month = _typical_month(vendor_months(evaluation, kpi.id, channel))
    if month is None:
        return None
    n, target, minimum = int(month["n"]), kpi.target.value, kpi.minimum
    metric = catalog()[kpi.metric]
    if metric.target_kind(kpi.params) == RATE:
        if metric.table not in CONTACT_TABLES:
            return Risk(kpi.id, n, None, "", reason=f"{kpi.metric} is a ratio of hours, not a count of contacts")
        return Risk(kpi.id, n, fairness.rate_miss_probability(n, target, minimum), "binomial",
                    fairness.rate_minimum(n, target, minimum), fairness.rate_sample_size(n, target, minimum))
    if metric.unit_for(kpi.params) not in MEAN_UNITS or metric.table not in CONTACT_TABLES:
        return Risk(kpi.id, n, None, "", reason=f"{kpi.metric} is a {metric.unit_for(kpi.params)} per month, "
                                                "not a mean over contacts")
    if channel:
        return Risk(kpi.id, n, None, "", reason=f"a mean or percentile is not resampled per channel ({channel})")
    if metric.statistic and kpi.statistic != "mean":
        return _quantile_risk(kpi, month, observations)
    r = evaluation.results
    cells = r[(r["grain"] == "agent_id") & (r["kpi"] == kpi.id) & (r["period"] == month["period"])
              & r["value"].notna() & (r["n"] > 0)]
    if len(cells) < MIN_AGENTS:
        return Risk(kpi.id, n, None, "", reason=f"{len(cells)} agent(s) measured in {month['period']}: "
                                                f"too few to estimate the month-to-month spread")
    risk = fairness.mean_miss(cells["value"].to_numpy(), cells["n"].to_numpy(), target, minimum)
    return Risk(kpi.id, n, risk.probability, "bootstrap", risk.safe_minimum,
                fairness.mean_sample_size(n, risk, target, minimum))


def risks(contract: Contract, evaluation: Evaluation, observations: Observations | None = None) -> list[Risk]:
    """Each KPI's minimum, then each credited channel's (service_credits.allocations per channel)."""
    found = [r for kpi in contract.kpis.values() if (r := risk_of(kpi, evaluation, observations)) is not None]
    credits = contract.service_credits
    for kpi_id, channels in (credits.channel_allocations if credits else {}).items():
        for channel in channels if kpi_id in contract.kpis else ():
            risk = risk_of(_minimum_of(contract.kpis[kpi_id], channel)[0], evaluation, observations, channel)
            if risk is not None:
                found.append(replace(risk, channel=channel))
    return found


def _minimum_of(kpi: KpiSpec, channel: str) -> tuple[KpiSpec, tuple[str, ...]]:
    """The KPI with the channel's own target and minimum, and where that minimum is written."""
    if not channel:
        return kpi, ("kpis", kpi.id, "minimum")
    spec = replace(kpi, target=kpi.per_channel_targets.get(channel, kpi.target),
                   minimum=kpi.per_channel_minimums.get(channel, kpi.minimum))
    own = channel in kpi.per_channel_minimums
    return spec, ("kpis", kpi.id, "per_channel_minimums", channel) if own else ("kpis", kpi.id, "minimum")


def risk_findings(contract: Contract, found: list[Risk], at: Locator) -> list[Finding]:
    out = []
    for risk in found:
        if risk.probability is None or risk.probability <= fairness.RISK_LIMIT:
            continue
        kpi, path = _minimum_of(contract.kpis[risk.kpi], risk.channel)
        if kpi.minimum is None or kpi.target is None or risk.safe_minimum is None:
            continue  # a risk is computed only for a KPI with both, with its safe minimum
        kind = kpi.minimum.kind
        which = f"the {risk.channel} minimum" if risk.channel else "the minimum"
        fixes = [f"set {which} to \"{kpi.minimum.op} {written(risk.safe_minimum, kind)}\""]
        if risk.sample_size:
            fixes.append(f"measure it on at least {risk.sample_size:,} observations a month (e.g. quarterly)")
        out.append(at.finding(
            "false_miss_risk", WARNING, path, kpi=risk.kpi,
            probability=round(risk.probability, 4), n=risk.n,
            message=f"a vendor performing exactly at target{' on ' + risk.channel if risk.channel else ''} "
                    f"({kpi.target.text}) would miss {which} ({kpi.minimum.text}) in {risk.probability:.0%} of "
                    f"months by chance, at the typical {risk.n:,} observations a month ({risk.method})",
            why="a minimum closer to the target than the month's sampling noise punishes chance, not "
                "performance (credits should follow a real miss, as in statistical process control)",
            suggestion=" or ".join(fixes) + f" to bring the risk under {fairness.RISK_LIMIT:.0%}"))
    return out


def data_findings(contract: Contract, evaluation: Evaluation, at: Locator,
                  observations: Observations | None = None) -> tuple[list[Finding], list[Risk]]:
    found = risks(contract, evaluation, observations)
    return target_history(contract, evaluation, at) + risk_findings(contract, found, at), found



