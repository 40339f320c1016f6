"""`review --suggest`: a target and a minimum per KPI from the history, as YAML a user can paste.

The target is the level reached in two months out of three (8 of 12): reachable, yet not met every
month. The minimum is the one that keeps the false-miss risk (fairness.py) under 5 % at the typical
monthly sample size, for a vendor performing exactly at that target.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from ..contract.model import Contract, KpiSpec
from ..evaluate import Evaluation
from ..scoring import INFORMATIONAL, INSUFFICIENT, NOT_MEASURABLE
from ..units import Target
from .history import MIN_MONTHS, risk_of, vendor_months
from .observations import Observations
from .written import written

REACHED_SHARE = 2 / 3


@dataclass(frozen=True)
class Suggestion:
    kpi: str
    target: str
    minimum: str | None  # None: no minimum can be backed by the data (note says why)
    reached: int  # months the suggested target was reached
    months: int  # months measured
    n: int
    note: str = ""
    below_minimum: int = 0  # months of the history that would have missed the suggested minimum


def _target(kpi: KpiSpec, values: list[float]) -> float:
    """The level reached in REACHED_SHARE of the months (the best for the vendor's side of it)."""
    higher = kpi.target is None or kpi.target.higher_is_better
    ordered = sorted(values, reverse=higher)
    return ordered[math.ceil(REACHED_SHARE * len(ordered)) - 1]


def suggest_kpi(kpi: KpiSpec, evaluation: Evaluation, observations: Observations | None = None
                ) -> Suggestion | None:
    if kpi.target is None:
        return None
    rows = vendor_months(evaluation, kpi.id)
    rows = rows[~rows["status"].isin([NOT_MEASURABLE, INSUFFICIENT, INFORMATIONAL]) & rows["value"].notna()]
    if len(rows) < MIN_MONTHS:
        return None
    values = [float(v) for v in rows["value"]]
    kind, op = kpi.target.kind, kpi.target.op
    text = f"{op} {written(_target(kpi, values), kind)}"
    level = Target(op, _target(kpi, values), kind, text)
    reached = int(level.met_all(rows["value"].to_numpy(dtype="float64")).sum())
    risk = risk_of(dataclasses.replace(kpi, target=level, minimum=level), evaluation, observations)
    n = risk.n if risk else int(rows["n"].median())
    if risk is None or risk.safe_minimum is None:
        return Suggestion(kpi.id, text, None, reached, len(rows), n,
                          risk.reason if risk else "no month to size the minimum on")
    minimum = Target(op, risk.safe_minimum, kind, f"{op} {written(risk.safe_minimum, kind)}")
    missed = int((~minimum.met_all(rows["value"].to_numpy(dtype="float64"))).sum())
    return Suggestion(kpi.id, text, minimum.text, reached, len(rows), n, below_minimum=missed)


def suggestions(contract: Contract, evaluation: Evaluation, observations: Observations | None = None
                ) -> list[Suggestion]:
    return [s for kpi in contract.kpis.values() if (s := suggest_kpi(kpi, evaluation, observations)) is not None]


def yaml_fragment(found: list[Suggestion]) -> str:
    """The suggestions as a `kpis:` block to paste over the contract's (comments say where from)."""
    lines = ["kpis:"]
    for s in found:
        lines += [f"  {s.kpi}:",
                  f"    target: \"{s.target}\"    # reached in {s.reached} of {s.months} months"]
        if s.minimum:
            lines.append(f"    minimum: \"{s.minimum}\"    # false-miss risk under 5 % at {s.n:,} a month; "
                         f"missed in {s.below_minimum} of {s.months} months")
        else:
            lines.append(f"    # no minimum suggested: {s.note}")
    return "\n".join(lines) + "\n"
