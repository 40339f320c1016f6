"""The integrity signals: each is one documented rule over an entity's monthly facts (facts.py).

Every rule compares a month with its baseline, the mean of the entity's `baseline_months` previous
months, and calls a move a signal only when it is larger than both the entity's usual month-to-month
variation (`sensitivity` x the standard deviation of its changes over the baseline months) and a
floor in plain units (the thresholds below, overridable under `governance.integrity`). Months with
fewer than `min_contacts` handled contacts, as a month or in the baseline, are not judged: small
teams and agents move a lot by chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from .words import Moved, evidence

SIGNALS = ("speed_vs_quality", "short_contacts", "cherry_picking", "transfer_spike",
           "survey_coverage_drop", "qa_leniency")
SIGNAL_COLUMNS = ["period", "grain", "entity", "signal", "value", "baseline", "evidence"]


@dataclass(frozen=True)
class Thresholds:
    """Defaults of `governance.integrity` (fractions are shares, durations seconds, QA points)."""

    baseline_months: int = 3
    sensitivity: float = 2.0
    min_contacts: int = 50
    short_contact: float = 10.0      # a voice contact handled in less than this is "short"
    speed_gain: float = 0.10         # AHT or first response down by at least 10 % of the baseline
    fcr_drop: float = 0.03           # FCR (or the resolution rate) down by 3 points
    csat_drop: float = 0.10          # mean CSAT (1-5) down by 0.1
    qa_drop: float = 2.0             # QA score down by 2 points
    short_share_rise: float = 0.05   # short contacts up by 5 points of the handled contacts
    easy_share_rise: float = 0.10    # easy reasons up by 10 points of the mix
    transfer_rise: float = 0.05      # transfers up by 5 points
    coverage_drop: float = 0.30      # surveyed share down by 30 % of the baseline
    qa_gap_rise: float = 3.0         # vendor minus client QA up by 3 points
    min_pairs: int = 5               # audit pairs needed to judge qa_leniency
    backlog_age_rise: float = 0.50   # mean age of the open backlog up by half its baseline
    min_backlog: int = 20            # open items at each month end needed to judge the backlog's age


#: how each threshold is written in a contract (`governance.integrity`), as a catalog param type
THRESHOLD_KINDS = {"baseline_months": "integer", "sensitivity": "number", "min_contacts": "integer",
                   "short_contact": "duration", "speed_gain": "percent", "fcr_drop": "percent",
                   "csat_drop": "number", "qa_drop": "number", "short_share_rise": "percent",
                   "easy_share_rise": "percent", "transfer_rise": "percent", "coverage_drop": "percent",
                   "qa_gap_rise": "number", "min_pairs": "integer",
                   "backlog_age_rise": "percent", "min_backlog": "integer"}


@dataclass(frozen=True)
class Moves:
    """One fact at every row of the facts (in `Facts` order): the month's value, its baseline (the mean
    of the entity's `baseline_months` previous months) and the change, signed so that positive =
    worse or suspect; NaN where the month or a baseline month lacks the fact, or there is no full
    baseline. The change must exceed `bar`: max(k x sigma of the baseline's month-to-month changes, floor)."""

    value: np.ndarray
    baseline: np.ndarray
    change: np.ndarray
    bar: np.ndarray

    @property
    def beyond(self) -> np.ndarray:
        return np.isfinite(self.change) & (self.change > self.bar)

    def at(self, fact: str, row: int) -> Moved:
        return fact, float(self.value[row]), float(self.baseline[row])


class Facts:
    """The facts entity by entity, each entity's rows in month order (entities in order of first
    appearance, rows without an entity left out), and each row's place among its entity's months:
    every rule then reads whole columns, and a baseline is the `baseline_months` rows before."""

    def __init__(self, facts: pd.DataFrame, t: Thresholds) -> None:
        group = facts.groupby(["grain", "entity"], sort=False).ngroup().to_numpy()
        order = np.lexsort((facts["month"].to_numpy(dtype=str), group))
        order = order[group[order] >= 0]
        group = group[order]
        firsts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
        self.place = np.arange(len(group)) - np.repeat(firsts, np.diff(np.r_[firsts, len(group)]))
        self.t = t
        self.months = facts["month"].to_numpy(dtype=object)[order]
        self.grains = facts["grain"].to_numpy(dtype=object)[order]
        self.entities = facts["entity"].to_numpy(dtype=object)[order]
        self.numeric = {c: facts[c].astype("float64").to_numpy(na_value=math.nan)[order]
                        for c in facts.columns if c not in ("month", "grain", "entity")}
        # rows with a full baseline
        self.judged = np.flatnonzero(self.place >= t.baseline_months)

    def moves(self, fact: str, sign: float, floor: float, *, relative: bool = False) -> Moves:
        """`sign` +1 when a rise is suspect, -1 when a fall is; a relative floor is a share of the baseline."""
        n, b = len(self.place), self.t.baseline_months
        value, baseline, change, bar = (np.full(n, math.nan) for _ in range(4))
        column, rows = self.numeric.get(fact), self.judged
        if column is None or b == 0 or not len(rows):
            return Moves(value, baseline, change, bar)
        hist = sliding_window_view(column, b)[rows - b]  # a copy: each row's baseline months
        full = np.isfinite(column[rows]) & np.isfinite(hist).all(axis=1)
        rows, hist = rows[full], hist[full]
        base = hist.mean(axis=1)
        sigma = np.diff(hist, axis=1).std(axis=1) if b >= 3 else np.zeros(len(rows))
        value[rows], baseline[rows] = column[rows], base
        change[rows] = sign * (column[rows] - base)
        bar[rows] = np.maximum(self.t.sensitivity * sigma, floor * np.abs(base) if relative else floor)
        return Moves(value, baseline, change, bar)

    def at_least(self, fact: str, least: float) -> np.ndarray:
        """Whether a count (missing = 0) reaches `least` in a row and every month of its baseline."""
        column, b = self.numeric.get(fact), self.t.baseline_months
        if column is None:
            return np.full(len(self.place), 0.0 >= least)
        ok = np.zeros(len(self.place), dtype=bool)
        if len(self.judged):
            counts = np.nan_to_num(column, nan=0.0)
            ok[self.judged] = sliding_window_view(counts, b + 1)[self.judged - b].min(axis=1) >= least
        return ok


# --- the rules ----------------------------------------------------------------------------------

SPEED, QUALITY = ("aht", "frt"), ("fcr", "resolved", "csat", "qa")

#: a found signal: (row, signal, moves): the fact that moved first, then the others that make it a signal
Found = tuple[int, str, tuple[Moved, ...]]


def _found(flags: np.ndarray, signal: str, said: Callable[[int], tuple[Moved, ...]]) -> list[Found]:
    return [(int(row), signal, said(int(row))) for row in np.flatnonzero(flags)]


def judge(f: Facts) -> list[Found]:
    """Every signal of every judged row (a full baseline of months with `min_contacts` handled contacts)."""
    t = f.t
    judged = np.zeros(len(f.place), dtype=bool)
    judged[f.judged] = True
    if "handled" in f.numeric:
        judged &= f.at_least("handled", t.min_contacts)
    floors = {"fcr": t.fcr_drop, "resolved": t.fcr_drop, "csat": t.csat_drop, "qa": t.qa_drop}
    speed = {s: f.moves(s, -1, t.speed_gain, relative=True) for s in SPEED}
    worse = {q: f.moves(q, -1, floors[q]) for q in QUALITY}
    faster = speed["aht"].beyond | speed["frt"].beyond
    fastest = np.where(speed["aht"].beyond, "aht", "frt")  # the first of SPEED that moved

    def first(row: int) -> Moved:
        fact = str(fastest[row])
        return speed[fact].at(fact, row)

    any_worse = np.logical_or.reduce([x.beyond for x in worse.values()])
    found = _found(judged & faster & any_worse, "speed_vs_quality", lambda r: (first(r), *(
        x.at(q, r) for q, x in worse.items() if x.beyond[r])))
    easier = f.moves("easy_share", 1, t.easy_share_rise)
    on_mix = faster & easier.beyond
    found += _found(judged & on_mix, "cherry_picking", lambda r: (first(r), easier.at("easy_share", r)))
    if "backlog" in f.numeric:
        # the backlog half: its mean age rises beyond its usual variation and `backlog_age_rise` of
        # its baseline, on `min_backlog` items or more in the month and its baseline, while first
        # response is no slower than its baseline (new contacts answered, old ones left to age)
        older = f.moves("backlog_age", 1, t.backlog_age_rise, relative=True)
        aged = older.beyond & (speed["frt"].change >= 0) & f.at_least("backlog", t.min_backlog)
        found += _found(judged & ~on_mix & aged, "cherry_picking",
                        lambda r: (older.at("backlog_age", r), speed["frt"].at("frt", r)))
    gate = {"qa_leniency": f.at_least("pairs", t.min_pairs)}  # enough audit pairs in the month and its baseline
    for signal, fact, sign, floor, relative in (
            ("short_contacts", "short_share", 1, t.short_share_rise, False),
            ("transfer_spike", "transfer_rate", 1, t.transfer_rise, False),
            ("survey_coverage_drop", "survey_coverage", -1, t.coverage_drop, True),
            ("qa_leniency", "qa_gap", 1, t.qa_gap_rise, False)):
        x = f.moves(fact, sign, floor, relative=relative)
        rows = np.flatnonzero(judged & x.beyond & gate.get(signal, True))
        found += [(int(r), signal, (x.at(fact, int(r)),)) for r in rows]
    rank = {s: i for i, s in enumerate(SIGNALS)}
    return sorted(found, key=lambda x: (x[0], rank[x[1]]))


def signals(facts: pd.DataFrame, t: Thresholds) -> pd.DataFrame:
    """integrity.csv rows (SIGNAL_COLUMNS) for every month that has a full baseline."""
    if facts.empty:
        return pd.DataFrame(columns=SIGNAL_COLUMNS + ["moves"])
    f = Facts(facts, t)
    out = [{"period": f.months[row], "grain": f.grains[row], "entity": f.entities[row], "signal": signal,
            "value": moves[0][1], "baseline": moves[0][2], "moves": moves,
            "evidence": evidence(moves, "en", months=t.baseline_months, short=t.short_contact)}
           for row, signal, moves in judge(f)]
    return pd.DataFrame(out, columns=SIGNAL_COLUMNS + ["moves"])
