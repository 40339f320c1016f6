"""Which months are charged: those inside the contract term (effective..expires) and the data's span.

A month before the contract took effect, after it expired, or after the last dated row of the data
must not be scored, nor earn a credit or a bonus: 20 e-mails left open when the export was taken
would otherwise read as a backlog, and a credit, every month after it. A month partly inside the
term (the term starts or ends in it) is charged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .contract.model import Contract
from .explain import sentence
from .periods import Period, parse_period, shift_month
from .scoring import NOT_MEASURABLE


@dataclass(frozen=True)
class LeftOut:
    """Why a month is not charged: `reason` names a `left_out` sentence of explanations.yaml and
    `bound` is the date or month that excludes it."""

    reason: str  # before_term, after_term, before_data, after_data or no_data
    bound: str = ""

    def text(self, lang: str = "en") -> str:
        return sentence(f"left_out.{self.reason}", lang, bound=self.bound)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def left_out_months(months: Sequence[str], contract: Contract, data_span: tuple[str | None, str | None], *,
                    within_term: bool = True) -> dict[str, LeftOut]:
    """The months of `months` that are not charged, with the first reason that excludes each.

    `data_span` is (first, last) month holding a dated row (evaluate.data_months). With
    `within_term=False` the contract's dates are ignored (a backtest prices a draft over any months);
    the data's span always applies.
    """
    first, last = data_span
    bounds: list[tuple[LeftOut, Callable[[str], bool]]] = []
    if within_term and contract.effective is not None:
        start = _month(contract.effective)
        bounds.append((LeftOut("before_term", contract.effective.isoformat()), lambda m: m < start))
    if within_term and contract.expires is not None:
        end = _month(contract.expires)
        bounds.append((LeftOut("after_term", contract.expires.isoformat()), lambda m: m > end))
    if first is None or last is None:
        bounds.append((LeftOut("no_data"), lambda m: True))
    else:
        bounds.append((LeftOut("before_data", first), lambda m: m < first))
        bounds.append((LeftOut("after_data", last), lambda m: m > last))
    out: dict[str, LeftOut] = {}
    for month in months:
        reason = next((why for why, excludes in bounds if excludes(month)), None)
        if reason is not None:
            out[month] = reason
    return out


def left_out_periods(periods: Sequence[Period], months: Mapping[str, LeftOut]) -> dict[str, LeftOut]:
    """The periods all of whose months are left out, each with the reason of its first month."""
    return {p.label: months[p.first_month] for p in periods if all(m in months for m in p.months())}


def unscore(scored: pd.DataFrame, periods: Mapping[str, LeftOut]) -> pd.DataFrame:
    """Scored results with the left-out periods unscored: their vendor rows are kept (so every asked
    period has its rows) with no value, status not_measurable and the reason as note; their rows at
    other grains are dropped (no agent or team figure from outside the term)."""
    if not periods:
        return scored
    out = scored[~scored["period"].isin(list(periods)) | (scored["grain"] == "vendor")].copy()
    hit = out["period"].isin(list(periods)).to_numpy()
    out.loc[hit, ["value", "attainment", "points"]] = math.nan
    out.loc[hit, "n"] = 0
    out.loc[hit, "provisional"] = False
    out.loc[hit, "status"] = NOT_MEASURABLE
    out.loc[hit, "note"] = out.loc[hit, "period"].map({p: why.text() for p, why in periods.items()})
    return out.reset_index(drop=True)


def notes(periods: Sequence[Period], months: Mapping[str, LeftOut]) -> list[str]:
    """What the CLI says about the left-out months of the asked periods, in English, consecutive ones
    with the same reason on one line: '2025-10 to 2025-12 left out: before the contract term (...)'."""
    runs: list[list] = []  # [first label, last label, last month, reason, period it lies in or ""]
    for p in periods:
        whole = all(m in months for m in p.months())
        pieces = [(p, months[p.first_month], "")] if whole else \
            [(parse_period(m), months[m], p.label) for m in p.months() if m in months]
        for piece, why, within in pieces:
            last = runs[-1] if runs else None
            if last and last[3:] == [why, within] and shift_month(last[2], 1) == piece.first_month:
                last[1:3] = [piece.label, piece.last_month]
            else:
                runs.append([piece.label, piece.label, piece.last_month, why, within])
    lines = []
    for first, last, _, why, within in runs:
        span = first if first == last else f"{first} to {last}"
        if within:
            lines.append(f"{span} (in {within}) carries no credit or bonus: {why.text()}.")
        else:
            lines.append(f"{span} left out: {why.text()}. No KPI is scored and no credit or bonus "
                         f"is computed for {'it' if first == last else 'them'}.")
    return list(dict.fromkeys(lines))
