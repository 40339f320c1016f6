"""`scorecard backtest`: what a draft contract would have scored and cost month by month on past
data, beside the current contract, with the difference and totals over the span.

Each contract is evaluated alone with `evaluate(..., within_term=False)` over the same months, so
its figures are exactly those a run of that contract would give had it been in force then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

import pandas as pd

from .. import money
from ..contract.model import Contract
from ..credits import TOTAL
from ..data import Dataset
from ..evaluate import Evaluation, evaluate
from ..periods import Period

BACKTEST_COLUMNS = ["period", "contract", "kpi", "status", "credit", "earned_back", "bonus", "score"]
DIFFERENCE = "difference"


@dataclass(frozen=True)
class Side:
    """One contract's evaluation and the name its rows carry."""

    name: str
    evaluation: Evaluation

    def chronic(self, month: str) -> list[str]:
        c = self.evaluation.credits
        return sorted(c[(c["period"] == month) & (c["kpi"] != TOTAL) & c["chronic_failure"]]["kpi"])


@dataclass(frozen=True)
class Backtest:
    sides: tuple[Side, ...]
    months: tuple[str, ...]
    rows: pd.DataFrame  # BACKTEST_COLUMNS


def _names(contracts: Sequence[Contract]) -> list[str]:
    """Contract ids, or file names when a draft kept the current contract's id."""
    ids = [c.id for c in contracts]
    return ids if len(set(ids)) == len(ids) else [c.path for c in contracts]


def _kpi_rows(side: Side, month: str) -> list[dict[str, Any]]:
    ev = side.evaluation
    r = ev.results
    vendor = r[(r["period"] == month) & (r["grain"] == "vendor")]
    credits = ev.credits[ev.credits["period"] == month].set_index("kpi")
    rows = []
    for kpi, status in zip(vendor["kpi"], vendor["status"], strict=True):
        priced = kpi in credits.index
        rows.append({"period": month, "contract": side.name, "kpi": kpi, "status": status,
                     "credit": credits.at[kpi, "paid"] if priced else None,
                     "earned_back": credits.at[kpi, "earned_back"] if priced else None,
                     "bonus": None, "score": math.nan})
    return rows


def _total(side: Side, month: str, zero: Decimal) -> dict[str, Any]:
    ev = side.evaluation
    credits = ev.credits[(ev.credits["period"] == month) & (ev.credits["kpi"] == TOTAL)]
    overall = ev.overall[ev.overall["period"] == month]
    bonus = overall["bonus"].iloc[0] if len(overall) else None
    return {"period": month, "contract": side.name, "kpi": TOTAL, "status": "",
            "credit": credits["credit"].iloc[0] if len(credits) else zero,
            "earned_back": credits["earned_back"].iloc[0] if len(credits) else zero,
            "bonus": bonus if isinstance(bonus, Decimal) else zero,
            "score": float(overall["score"].iloc[0]) if len(overall) else math.nan}


def _span_total(name: str, totals: list[dict[str, Any]], zero: Decimal) -> dict[str, Any]:
    scores = [t["score"] for t in totals if not math.isnan(t["score"])]
    return {"period": TOTAL, "contract": name, "kpi": TOTAL, "status": "",
            **{k: sum((t[k] for t in totals), zero) for k in ("credit", "earned_back", "bonus")},
            "score": sum(scores) / len(scores) if scores else math.nan}


def _difference(draft: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    return {"period": draft["period"], "contract": DIFFERENCE, "kpi": TOTAL, "status": "",
            **{k: draft[k] - current[k] for k in ("credit", "earned_back", "bonus", "score")}}


def backtest(pairs: Sequence[tuple[Contract, Dataset]], periods: Sequence[Period]) -> Backtest:
    """Month-by-month rows for the draft (and the current contract), TOTAL rows per month and over
    the span, and, with a current contract, the difference draft - current of every TOTAL row.
    `pairs` is (draft, its data) then optionally (current, its data): the data are read with each
    contract's time zone and survey scales."""
    contracts = [c for c, _ in pairs]
    sides = tuple(Side(name, evaluate(c, d, periods, within_term=False))
                  for name, (c, d) in zip(_names(contracts), pairs, strict=True))
    draft = contracts[0]
    months = tuple(dict.fromkeys(m for p in periods for m in p.months()))
    zero = money.rounded(money.ZERO, draft.currency)
    rows: list[dict[str, Any]] = []
    totals: dict[str, list[dict[str, Any]]] = {}
    for side in sides:
        totals[side.name] = []
        for month in months:
            rows += _kpi_rows(side, month)
            totals[side.name].append(_total(side, month, zero))
            rows.append(totals[side.name][-1])
        totals[side.name].append(_span_total(side.name, totals[side.name], zero))
        rows.append(totals[side.name][-1])
    if len(sides) == 2:
        first, second = (totals[s.name] for s in sides)
        rows += [_difference(a, b) for a, b in zip(first, second, strict=True)]
    return Backtest(sides, months, pd.DataFrame(rows, columns=BACKTEST_COLUMNS))
