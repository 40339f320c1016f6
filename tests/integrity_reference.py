"""The integrity rules as first written (commit 5565eea): each entity's months judged one by one
with a Move per fact. Kept as the tests' reference reading of the rules, which
scorecard/integrity/rules.py computes for every entity and month at once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from scorecard.integrity.rules import SIGNAL_COLUMNS, Thresholds
from scorecard.integrity.words import evidence

@dataclass(frozen=True)
class Move:
    """A fact's month against its baseline: `change` is signed so that positive = worse/suspect."""

    value: float
    baseline: float
    change: float
    bar: float  # the change must exceed this to count

    @property
    def beyond(self) -> bool:
        return math.isfinite(self.change) and self.change > self.bar


def move(history: np.ndarray, value: float, sign: float, floor: float, k: float) -> Move:
    """`sign` +1 when a rise is suspect, -1 when a fall is; the bar is max(k x sigma of the
    baseline's month-to-month changes, floor)."""
    base = float(np.nanmean(history)) if np.isfinite(history).any() else math.nan
    diffs = np.diff(history[np.isfinite(history)])
    sigma = float(np.std(diffs)) if len(diffs) >= 2 else 0.0
    return Move(value, base, sign * (value - base), max(k * sigma, floor))


# --- the rules ----------------------------------------------------------------------------------

SPEED, QUALITY = ("aht", "frt"), ("fcr", "resolved", "csat", "qa")

#: one entity's facts, month by month: each numeric fact as a float64 array (NaN where missing)
Columns = dict[str, np.ndarray]
Found = tuple[str, str, Move, list[tuple[str, Move]]]


def judge(cols: Columns, i: int, t: Thresholds) -> Iterator[Found]:
    """The signals of month `i` of one entity's facts (arrays in month order): (signal, the fact
    that moved, its move, the other moves that make it a signal)."""
    start, k = i - t.baseline_months, t.sensitivity

    def m(fact: str, sign: float, floor: float, *, relative: bool = False) -> Move | None:
        column = cols.get(fact)
        if column is None or not math.isfinite(value := float(column[i])):
            return None
        hist = column[start:i]
        if not np.isfinite(hist).all():
            return None
        base = float(np.mean(hist))
        return move(hist, value, sign, floor * abs(base) if relative else floor, k)

    floors = {"fcr": t.fcr_drop, "resolved": t.fcr_drop, "csat": t.csat_drop, "qa": t.qa_drop}
    faster = [(f, x) for f in SPEED if (x := m(f, -1, t.speed_gain, relative=True)) and x.beyond]
    worse = [(f, x) for f in QUALITY if (x := m(f, -1, floors[f])) and x.beyond]
    if faster and worse:
        yield "speed_vs_quality", faster[0][0], faster[0][1], worse
    if (x := m("short_share", 1, t.short_share_rise)) and x.beyond:
        yield "short_contacts", "short_share", x, []
    easier = m("easy_share", 1, t.easy_share_rise)
    if faster and easier and easier.beyond:
        yield "cherry_picking", faster[0][0], faster[0][1], [("easy_share", easier)]
    elif (older := _backlog_older(cols, i, t, m)) is not None:
        yield "cherry_picking", "backlog_age", older[0], [("frt", older[1])]
    if (x := m("transfer_rate", 1, t.transfer_rise)) and x.beyond:
        yield "transfer_spike", "transfer_rate", x, []
    if (x := m("survey_coverage", -1, t.coverage_drop, relative=True)) and x.beyond:
        yield "survey_coverage_drop", "survey_coverage", x, []
    if _at_least(cols.get("pairs"), start, i, t.min_pairs):
        if (x := m("qa_gap", 1, t.qa_gap_rise)) and x.beyond:
            yield "qa_leniency", "qa_gap", x, []


def _at_least(column: np.ndarray | None, start: int, i: int, least: float) -> bool:
    """Whether a count (missing = 0) reaches `least` in every month of the baseline and month `i`."""
    window = np.zeros(i + 1 - start) if column is None else np.nan_to_num(column[start:i + 1], nan=0.0)
    return bool((window >= least).all())


def _backlog_older(cols: Columns, i: int, t: Thresholds, m: Callable) -> tuple[Move, Move] | None:
    """The backlog half of cherry_picking: the open backlog's mean age rises beyond its usual
    variation and `backlog_age_rise` of its baseline, on a backlog of `min_backlog` items or more
    in the month and its baseline, while first response is no slower than its baseline (the new
    contacts are answered, the old ones are left to age)."""
    if "backlog" not in cols or not _at_least(cols["backlog"], i - t.baseline_months, i, t.min_backlog):
        return None
    older, frt = m("backlog_age", 1, t.backlog_age_rise, relative=True), m("frt", -1, 0.0)
    return (older, frt) if older and older.beyond and frt and frt.change >= 0 else None


def _by_entity(facts: pd.DataFrame) -> Iterator[tuple[str, str, np.ndarray, Columns]]:
    """Each (grain, entity) in order of first appearance, with its months and its numeric facts as
    arrays in month order: built once for all entities, so judging reads plain arrays, not rows."""
    group = facts.groupby(["grain", "entity"], sort=False).ngroup().to_numpy()
    order = np.lexsort((facts["month"].to_numpy(dtype=str), group))
    order = order[group[order] >= 0]
    group = group[order]
    months = facts["month"].to_numpy(dtype=object)[order]
    grains, entities = facts["grain"].to_numpy(dtype=object)[order], facts["entity"].to_numpy(dtype=object)[order]
    numeric = {c: facts[c].astype("float64").to_numpy(na_value=math.nan)[order]
               for c in facts.columns if c not in ("month", "grain", "entity")}
    bounds = np.flatnonzero(np.diff(group)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(group)]):
        yield grains[lo], entities[lo], months[lo:hi], {c: a[lo:hi] for c, a in numeric.items()}


def signals(facts: pd.DataFrame, t: Thresholds) -> pd.DataFrame:
    """integrity.csv rows (SIGNAL_COLUMNS) for every month that has a full baseline."""
    out = []
    if facts.empty:
        return pd.DataFrame(columns=SIGNAL_COLUMNS + ["moves"])
    for grain, entity, months, cols in _by_entity(facts):
        handled = cols.get("handled")
        for i in range(t.baseline_months, len(months)):
            if handled is not None and not _at_least(handled, i - t.baseline_months, i, t.min_contacts):
                continue
            for signal, fact, x, also in judge(cols, i, t):
                moves = ((fact, x.value, x.baseline), *((f, y.value, y.baseline) for f, y in also))
                out.append({"period": months[i], "grain": grain, "entity": entity, "signal": signal,
                            "value": x.value, "baseline": x.baseline, "moves": moves,
                            "evidence": evidence(moves, "en", months=t.baseline_months, short=t.short_contact)})
    return pd.DataFrame(out, columns=SIGNAL_COLUMNS + ["moves"])
