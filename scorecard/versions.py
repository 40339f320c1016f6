"""Each month under the contract version in force in it, and KPIs judged on the quarter's rows.

An amended contract (contract/amendments.py) is evaluated month by month with the version in force,
as a vendor manager splicing two contracts by hand would, but without the splice going wrong:
history months too, so trends, earn-back and chronic failure read each month under its own terms.
A quarter or a year is computed with the version in force in its last month (its status is the
one the forum discusses at its end). A KPI computed the same way in several versions (only its
target or minimum changed) is computed once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .contract.model import Contract, KpiSpec
from .credits import TOTAL, Settled, compute_credits
from .explain import sentence
from .kpis.engine import Engine
from .periods import MONTH, QUARTERLY, Period, parse_period, quarter_end, quarter_of
from .render.format import month_name
from .scoring import NOT_MEASURABLE
from .term import LeftOut

TRANSITION_SUFFIX = ", transition"
AMENDED = "amended "


def version_name(label: str, lang: str) -> str:
    """A version's stable id (contract/amendments.py: "base", "amended 2026-06-01", either with
    ", transition") as people read it in `lang`: "initiale", "avenant du 1er juin 2026, transition"."""
    if label.endswith(TRANSITION_SUFFIX):
        return sentence("version.transition", lang, version=version_name(label[:-len(TRANSITION_SUFFIX)], lang))
    if label.startswith(AMENDED):
        day = date.fromisoformat(label[len(AMENDED):])
        return sentence("version.amended", lang, date=_long_date(day, lang))
    return sentence("version.base", lang) if label == "base" else label


def _long_date(day: date, lang: str) -> str:
    """The amendment's date as written in a contract: ISO in English (the id people already see in
    results.json), "1er juin 2026" in French (the first of the month is "1er")."""
    if lang != "fr":
        return day.isoformat()
    return f"{'1er' if day.day == 1 else day.day} {month_name(day.month, lang)} {day.year}"


@dataclass(frozen=True)
class VersionUse:
    """A contract version and the computed periods it applies to."""

    label: str
    effective: date | None
    note: str
    contract: Contract
    periods: tuple[Period, ...]

    @property
    def months(self) -> list[str]:
        return [p.label for p in self.periods if p.kind == MONTH]

    def summary(self, months: Sequence[str]) -> dict[str, Any]:
        """results.json's entry: which asked months this version applied to."""
        return {"version": self.label, "effective": self.effective.isoformat() if self.effective else None,
                "note": self.note, "months": [m for m in self.months if m in months]}


def version_uses(contract: Contract, periods: Sequence[Period]) -> list[VersionUse]:
    """The versions in force over `periods`, in order of first use, each with its periods."""
    groups: dict[str, list[Period]] = {}
    meta: dict[str, tuple[date | None, str, Contract]] = {}
    for period in periods:
        version = contract.version_of(period.last_month)
        label = version.label if version else "base"
        groups.setdefault(label, []).append(period)
        meta[label] = ((version.effective, version.note, version.contract) if version
                       else (contract.effective, "", contract))
    return [VersionUse(label, *meta[label], tuple(ps)) for label, ps in groups.items()]


def _computation(spec: KpiSpec) -> str:
    """What the engine's numbers depend on: two versions equal here share one computation."""
    return repr((spec.id, spec.metric, sorted(spec.params.items()), sorted(spec.filter.items()), spec.statistic,
                 spec.clock, bool(spec.per_channel_targets or spec.per_channel_minimums)))


def raw_by_version(engine: Engine, uses: Sequence[VersionUse],
                   quarter_engine: Callable[[list[Period]], Engine]) -> list[pd.DataFrame]:
    """Raw results of each version's KPIs for its periods. `engine` covers every period;
    `quarter_engine(quarters)` makes one over quarters, for the KPIs measured quarterly."""
    batches: list[dict[str, KpiSpec]] = []  # each batch holds one computation per KPI id
    where: dict[str, int] = {}
    for use in uses:
        for spec in use.contract.kpis.values():
            key = _computation(spec)
            if key not in where:
                slot = next((i for i, b in enumerate(batches) if spec.id not in b), None)
                if slot is None:
                    batches.append({})
                    slot = len(batches) - 1
                batches[slot][spec.id] = spec
                where[key] = slot
    raws = [engine.run(list(batch.values())) for batch in batches]
    # each KPI's rows of a batch, found once: a mask over every raw row per KPI and version cost 17 s
    # at 50 M interaction rows (millions of agent rows, 26 KPIs)
    by_kpi = [raw.groupby("kpi", sort=False).indices for raw in raws]
    quarterly = _quarterly_raw(uses, quarter_engine)
    out = []
    for use in uses:
        labels = [p.label for p in use.periods]
        asked: dict[int, np.ndarray] = {}  # batch -> its rows of the version's periods
        parts = []
        for spec in use.contract.kpis.values():
            slot = where[_computation(spec)]
            raw = raws[slot]
            if slot not in asked:
                asked[slot] = raw["period"].isin(labels).to_numpy()
            rows_of_kpi = by_kpi[slot].get(spec.id, np.zeros(0, dtype=np.intp))
            rows = raw.take(rows_of_kpi[asked[slot][rows_of_kpi]])
            if spec.measured == QUARTERLY:
                rows = _judged_quarterly(rows, quarterly.get(_computation(spec)), use.months)
            parts.append(rows)
        out.append(pd.concat(parts, ignore_index=True) if parts else raws[0].iloc[:0])
    return out


def _quarterly_raw(uses: Sequence[VersionUse],
                   quarter_engine: Callable[[list[Period]], Engine]) -> dict[str, pd.DataFrame]:
    """computation -> raw rows of each quarter whose last month is under a version measuring the KPI quarterly."""
    specs: dict[str, KpiSpec] = {}
    quarters: set[str] = set()
    for use in uses:
        for spec in use.contract.kpis.values():
            if spec.measured == QUARTERLY:
                specs[_computation(spec)] = spec
                quarters |= {quarter_of(m) for m in use.months if quarter_end(m)}
    if not specs or not quarters:
        return {}
    engine = quarter_engine([parse_period(q) for q in sorted(quarters)])
    return {key: engine.run([spec]) for key, spec in specs.items()}


def _judged_quarterly(rows: pd.DataFrame, quarter: pd.DataFrame | None, months: Sequence[str]) -> pd.DataFrame:
    """A quarterly KPI's month rows: in the quarter's last month, the quarter's rows (judged once,
    credited there); the other months keep their own value, marked for `mark_quarterly`."""
    ends = [m for m in months if quarter_end(m)]
    kept = rows[~rows["period"].isin(ends)]
    if quarter is None or not ends:
        return kept
    judged = quarter[quarter["period"].isin([quarter_of(m) for m in ends])].copy()
    judged["note"] = np.where(judged["note"].fillna("") == "", "judged on " + judged["period"] + "'s rows",
                              judged["note"])
    judged["period"] = judged["period"].map({quarter_of(m): m for m in ends})
    return pd.concat([kept, judged], ignore_index=True)


def mark_quarterly(scored: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """A quarterly KPI in the first two months of a quarter is not judged: its value is the month's
    own, its status not_measurable with the month it will be judged in, so no credit falls twice."""
    quarterly = [k for k, spec in contract.kpis.items() if spec.measured == QUARTERLY]
    month = scored["period"].str.fullmatch(r"\d{4}-\d{2}")
    hit = (scored["kpi"].isin(quarterly) & month).to_numpy(copy=True)
    hit[hit] = ~scored.loc[hit, "period"].map(quarter_end).to_numpy(dtype=bool)
    if not hit.any():
        return scored
    out = scored.copy()
    out.loc[hit, ["attainment", "points"]] = np.nan
    out.loc[hit, "status"] = NOT_MEASURABLE
    end = out.loc[hit, "period"].map(lambda p: parse_period(quarter_of(p)).last_month)
    out.loc[hit, "note"] = "measured quarterly: judged in " + end + " on " + out.loc[hit, "period"].map(quarter_of) \
        + "'s rows"
    return out


def version_credits(scored: pd.DataFrame, contract: Contract, uses: Sequence[VersionUse],
                    months: Sequence[str], left: Mapping[str, LeftOut]) -> pd.DataFrame:
    """credits.csv rows, each month priced by the version in force in it, and, for an amended
    contract, a contract_version column. Versions are priced in date order over their history
    months too, so a later version's earn-back returns the credit an earlier one actually charged
    (two contracts spliced by hand would re-price it with the later terms)."""
    if not contract.versions:
        return compute_credits(scored, contract, months, left)
    last = max(months) if months else ""
    settled = Settled()
    parts = []
    for use in sorted(uses, key=lambda u: min(u.months, default="9999")):
        own = [m for m in use.months if m <= last]
        if not own:
            continue
        frame = compute_credits(scored, use.contract, own, left, settled)
        lines = frame[frame["kpi"] != TOTAL]
        settled.months.update(own)
        settled.lines.update({(p, k, "" if pd.isna(c) else str(c)): (credit, paid) for p, k, c, credit, paid in zip(
            lines["period"], lines["kpi"], lines["channel"], lines["credit"], lines["paid"], strict=True)})
        parts.append(frame[frame["period"].isin(months)].assign(contract_version=use.label))
    frame = pd.concat(parts, ignore_index=True) if parts else compute_credits(scored, contract, [], left)
    order = {m: i for i, m in enumerate(months)}
    return frame.sort_values("period", key=lambda p: p.map(order), kind="stable").reset_index(drop=True)


def outputs_contract(contract: Contract, uses: Sequence[VersionUse], last_month: str) -> Contract:
    """The contract the outputs read: the version in force in the last asked month, still knowing
    the KPIs an amendment removed (their earlier months have rows to label)."""
    current = contract.in_force(last_month)
    removed = {k: spec for use in uses for k, spec in use.contract.kpis.items() if k not in current.kpis}
    return dataclasses.replace(current, kpis={**current.kpis, **removed}) if removed else current


def span_notes(periods: Sequence[Period], uses: Sequence[VersionUse]) -> list[str]:
    """What the CLI says of an asked quarter or year whose months fall under several versions."""
    label_of = {m: use.label for use in uses for m in use.months}
    lines = []
    for period in periods:
        labels = list(dict.fromkeys(label_of[m] for m in period.months() if m in label_of))
        if period.kind != MONTH and len(labels) > 1:
            lines.append(f"{period.label} spans contract versions {', '.join(labels)}: its KPI rows are judged "
                         f"with its last month's version ({label_of.get(period.last_month, labels[-1])}); "
                         f"its credits are priced month by month, each with its own version.")
    return lines


def month_contracts(uses: Sequence[VersionUse], months: Sequence[str], default: Contract) -> list[Contract]:
    """The contract version each month was priced with (`default` for a month no version covers:
    a contract never amended), so a span's cap and fees add up month by month as its credits do.
    Read from the uses, not Contract.in_force: a renderer holds the outputs' contract, a version's
    own, which has no versions to look a month up in (in_force would return it for every month)."""
    by_month = {m: use.contract for use in uses for m in use.months}
    return [by_month.get(m, default) for m in months]

