"""Interaction metrics (KPIS.md: efficiency, and the survey-based quality metrics).

Each function turns the derived rows into a `Measure` exactly as the spec's formula reads; the
engine does the grouping. A missing input gives `NotMeasurable` naming the column.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..contract.model import KpiSpec
from .derive import InteractionRows
from .intervals import per_interval
from .measure import Measure, NotMeasurable, RowSource, duration_measure, indicator

DAY = 86400.0
Builder = Callable[[KpiSpec, InteractionRows, RowSource, np.ndarray], "Measure | NotMeasurable"]


def _missing(col: str) -> NotMeasurable:
    return NotMeasurable(f"interactions has no column {col}")


def _short_abandon(rows: InteractionRows, within: float | None) -> np.ndarray:
    """Abandons that waited strictly less than `within` seconds (a 5.0 s abandon is not short)."""
    if not within or rows.abandoned is None:
        return np.zeros(rows.n, dtype=bool)
    wait = rows.duration("created_at", "abandoned_at", None)
    if wait is None:
        return np.zeros(rows.n, dtype=bool)
    return rows.abandoned & (wait < within)


def service_level(kpi: KpiSpec, rows: InteractionRows, src: RowSource, base: np.ndarray):
    if rows.answered is None or rows.answered_at is None:
        return _missing("answered_at")
    threshold = kpi.params["threshold"]
    wait = rows.duration("created_at", "answered_at", kpi.clock, base)
    offered = base & rows.live
    answered = offered & rows.answered
    within = answered & (wait <= threshold)
    formula = kpi.params.get("formula", "offered")
    if formula == "answered":
        num, den = within, answered
    elif formula in ("abandoned_in_threshold_met", "abandoned_after_threshold"):
        ab_wait = rows.duration("created_at", "abandoned_at", kpi.clock, base)
        if ab_wait is None or rows.abandoned is None:  # known whenever answered_at is (derive.py)
            return _missing("abandoned_at")
        abandoned = offered & rows.abandoned
        if formula == "abandoned_in_threshold_met":
            num, den = within | (abandoned & (ab_wait <= threshold)), offered
        else:
            num, den = within, answered | (abandoned & (ab_wait > threshold))
    else:
        short = _short_abandon(rows, kpi.params.get("exclude_abandoned_within"))
        num, den = within, offered & ~short
    return Measure(src, base, num=indicator(num), den=indicator(den))


def average_speed_of_answer(kpi, rows, src, base):
    if rows.answered is None or rows.answered_at is None:
        return _missing("answered_at")
    wait = rows.duration("created_at", "answered_at", kpi.clock, base)
    return duration_measure(src, base & rows.answered, wait, kpi.statistic, fresh=True)


def abandonment_rate(kpi, rows, src, base):
    if rows.abandoned is None:
        return _missing("answered_at or abandoned")
    offered = base & rows.live & ~_short_abandon(rows, kpi.params.get("exclude_within"))
    return Measure(src, base, num=indicator(offered & rows.abandoned), den=indicator(offered))


def answer_rate(kpi, rows, src, base):
    if rows.answered is None:
        return _missing("answered_at or abandoned")
    offered = base & rows.live
    return Measure(src, base, num=indicator(offered & rows.answered), den=indicator(offered))


def _elapsed(start: str, end: str, missing: str):
    def build(kpi, rows, src, base):
        values = rows.duration(start, end, kpi.clock, base)
        if values is None:
            return _missing(missing)
        return duration_measure(src, base, values, kpi.statistic, fresh=True)
    return build


def average_handle_time(kpi, rows, src, base):
    if "handle_time_s" not in rows.df:
        return _missing("handle_time_s")
    if rows.handled is None:
        return _missing("answered_at or first_response_at")
    values = rows.df["handle_time_s"].to_numpy(dtype="float64")
    return duration_measure(src, base & rows.handled, values, kpi.statistic)


def same_day_response(kpi, rows, src, base):
    first = rows.first_response_at
    if first is None:
        return _missing("first_response_at")
    calendar = kpi.clock or ("business" if "business" in rows.contract.calendars else None)
    if calendar is None:
        hit = rows.duration("created_at", "first_response_at", None) <= DAY
    else:
        from .business_time import local_day_numbers
        clock = rows.clock(calendar)  # on the KPI's rows only: two local-day lookups of each
        at = np.flatnonzero(base)
        hit = np.zeros(rows.n, dtype=bool)
        day = clock.business_day_of(rows.created.iloc[at])
        hit[at] = local_day_numbers(first.iloc[at], clock.calendar.timezone) <= day
    return Measure(src, base, num=indicator(base & hit), den=indicator(base))


def _handled_or_missing(rows: InteractionRows):
    return rows.handled if rows.handled is not None else None


def first_contact_resolution(kpi, rows, src, base, *, repeat: bool = False):
    if not repeat and "resolved_first_contact" in rows.df:
        # Survey answer present: true / answered surveys, as csat reads its survey column.
        answer = rows.df["resolved_first_contact"].astype("boolean")
        den = base & answer.notna().to_numpy()
        true = answer.fillna(False).to_numpy(dtype=bool)
        return Measure(src, base, num=indicator(den & true), den=indicator(den))
    if "customer_id" not in rows.df:
        return _missing("customer_id (or resolved_first_contact)")
    handled = _handled_or_missing(rows)
    if handled is None:
        return _missing("answered_at or first_response_at")
    repeated, window_open = rows.repeats(kpi.params["repeat_window"])
    den = base & handled & rows.df["customer_id"].notna().to_numpy()
    good = den & (repeated if repeat else ~repeated)
    return Measure(src, base, num=indicator(good), den=indicator(den), provisional=den & window_open)


def repeat_contact_rate(kpi, rows, src, base):
    return first_contact_resolution(kpi, rows, src, base, repeat=True)


def _share_of_handled(col: str):
    def build(kpi, rows, src, base):
        if col not in rows.df:
            return _missing(col)
        handled = _handled_or_missing(rows)
        if handled is None:
            return _missing("answered_at or first_response_at")
        flag = rows.df[col].astype("boolean").fillna(False).to_numpy(dtype=bool)
        den = base & handled
        return Measure(src, base, num=indicator(den & flag), den=indicator(den))
    return build


def resolution_rate(kpi, rows, src, base):
    if kpi.params.get("of") != "offered":
        return _share_of_handled("resolved")(kpi, rows, src, base)
    if "resolved" not in rows.df:
        return _missing("resolved")
    flag = rows.df["resolved"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return Measure(src, base, num=indicator(base & flag), den=indicator(base))


def backlog(kpi, rows, src, base):
    """Handled by the engine at each period end; here only the rows that can be in it."""
    if "resolved_at" not in rows.df:
        return _missing("resolved_at")
    return Measure(src, base & ~rows.live, num=indicator(base & ~rows.live), den=None)


def volume(kpi, rows, src, base):
    return Measure(src, base, num=indicator(base), den=indicator(base), combine=count_value)


def count_value(keys, num, den):
    return num, den, np.zeros(len(num), dtype=bool)


def digital_rate(kpi, rows, src, base):
    digital = rows.channel_in([c.lower() for c in kpi.params["digital_channels"]])
    return Measure(src, base, num=indicator(base & digital), den=indicator(base))


def _survey_share(col: str, param: str):
    def build(kpi, rows, src, base):
        if col not in rows.df:
            return _missing(col)
        answers = rows.df[col].to_numpy(dtype="float64")
        if kpi.params.get("method") == "mean":
            return _mean_measure(src, base, answers)
        has = base & ~np.isnan(answers)
        hit = has & np.isin(answers, np.asarray(kpi.params[param], dtype="float64"))
        return Measure(src, base, num=indicator(hit), den=indicator(has))
    return build


def nps(kpi, rows, src, base):
    if "nps" not in rows.df:
        return _missing("nps")
    answers = rows.df["nps"].to_numpy(dtype="float64")
    has = base & ~np.isnan(answers)
    # promoters +100, detractors -100, the others and the rows without an answer 0: one float column
    # written in place (three nested np.where temporaries were 24 bytes a row at once)
    points = np.zeros(len(answers))
    points[answers >= 9] = 100.0
    points[answers <= 6] = -100.0
    del answers
    points[~has] = 0.0
    return Measure(src, base, num=points, den=indicator(has))


def _mean_measure(src: RowSource, base: np.ndarray, answers: np.ndarray) -> Measure:
    """The mean of a column's answers (NaN: none) over the rows in `base`."""
    has = base & ~np.isnan(answers)
    return Measure(src, base, num=np.where(has, answers, 0.0), den=indicator(has))


def _mean_of(cols_of: Callable[[KpiSpec, InteractionRows], list[str]], missing: str):
    def build(kpi, rows, src, base):
        cols = cols_of(kpi, rows)
        if not cols:
            return _missing(missing)
        if len(cols) == 1:  # the column itself, not a one-column matrix (32 -> 17 bytes a row at once)
            return _mean_measure(src, base, rows.df[cols[0]].to_numpy(dtype="float64"))
        values = rows.df[cols].to_numpy(dtype="float64")
        has = base[:, None] & ~np.isnan(values)
        return Measure(src, base, num=np.where(has, values, 0.0).sum(axis=1),
                       den=has.sum(axis=1).astype("float64"))
    return build


def _servqual_columns(kpi: KpiSpec, rows: InteractionRows) -> list[str]:
    dim = kpi.params.get("dimension")
    wanted = [f"servqual_{dim}"] if dim else [c for c in rows.df.columns if str(c).startswith("servqual_")]
    return [c for c in wanted if c in rows.df]


# Elapsed-time metrics: (start column, end column, what a note names when one is missing).
ELAPSED = {
    "first_response_time": ("created_at", "first_response_at", "first_response_at"),
    "turnaround_time": ("assigned_at", "first_response_at", "assigned_at and first_response_at"),
    "time_to_first_solution": ("created_at", "first_solution_at", "first_solution_at"),
    "total_resolution_time": ("created_at", "resolved_at", "resolved_at"),
}

BUILDERS: dict[str, Builder] = {
    "service_level": service_level,
    "interval_service_level": per_interval(service_level),
    "average_speed_of_answer": average_speed_of_answer,
    "abandonment_rate": abandonment_rate,
    "answer_rate": answer_rate,
    **{name: _elapsed(*columns) for name, columns in ELAPSED.items()},
    "average_handle_time": average_handle_time,
    "same_day_response": same_day_response,
    "first_contact_resolution": first_contact_resolution,
    "repeat_contact_rate": repeat_contact_rate,
    "resolution_rate": resolution_rate,
    "transfer_rate": _share_of_handled("transferred"),
    "backlog": backlog,
    "volume": volume,
    "digital_rate": digital_rate,
    "csat": _survey_share("csat", "satisfied"),
    "dsat": _survey_share("csat", "dissatisfied"),
    "nps": nps,
    "customer_effort_score": _mean_of(lambda k, r: ["ces"] if "ces" in r.df else [], "ces"),
    "servqual": _mean_of(_servqual_columns, "servqual_*"),
}
