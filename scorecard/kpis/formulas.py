"""The interaction KPIs' formulas (KPIS.md), declared once for every engine.

Each formula reads its terms (`Terms`: the KPI's base rows, the derived facts, columns, durations)
and combines them with `&`, `|`, `~` and comparisons; it returns the measure through the terms
(`ratio`, `statistic`) or `NotMeasurable` naming the missing column. The pandas engine's terms are
numpy arrays over the derived rows (interactions.py), the SQL engines' are column expressions over
the derived view (sql/measures.py): the same text of the formula is evaluated in both, so no engine
holds a copy of it. The terms follow two-valued logic in both: a comparison with a missing value
is false (numpy's NaN comparisons; the SQL terms wrap each comparison in COALESCE(..., FALSE)).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence

import numpy as np

from ..contract.model import KpiSpec
from .measure import NotMeasurable

DAY = 86400.0


class Terms(Protocol):
    """What a formula reads over the interactions of one KPI. A condition or a value is an engine's
    own object (a numpy array, an SQL expression); `None` where the data cannot tell it."""

    @property
    def base(self) -> Any: ...  # the rows in the KPI's filter
    @property
    def live(self) -> Any: ...  # a live channel (convention 2)
    @property
    def answered(self) -> Any: ...
    @property
    def abandoned(self) -> Any: ...
    @property
    def handled(self) -> Any: ...  # convention 4; None when neither answered_at nor first_response_at is known
    @property
    def calendars(self) -> Sequence[str]: ...  # the contract's calendar names
    @property
    def columns(self) -> Sequence[str]: ...  # the interactions' columns, in the data's order

    def has(self, column: str) -> bool: ...
    def duration(self, start: str, end: str, clock: str | None) -> Any: ...
    def flag(self, column: str) -> Any: ...  # a boolean column, missing read as false
    def present(self, column: str) -> Any: ...  # the cell is not empty
    def answer(self, column: str) -> Any: ...  # a number column, missing as missing
    def known(self, value: Any) -> Any: ...  # the value is not missing
    def is_in(self, value: Any, values: Sequence[float]) -> Any: ...
    def where(self, condition: Any, value: Any) -> Any: ...  # value where the condition holds, else 0
    def scores(self, condition: Any, choices: Sequence[tuple[Any, float]]) -> Any: ...
    def answer_totals(self, columns: Sequence[str]) -> tuple[Any, Any]: ...
    def channel_in(self, channels: Sequence[str]) -> Any: ...
    def repeats(self, window_s: float) -> tuple[Any, Any]: ...
    def by_business_day(self, calendar: str) -> Any: ...  # first response by the business day of creation
    def ratio(self, num: Any, den: Any, provisional: Any = None, combine: Callable | None = None) -> Any: ...
    def statistic(self, condition: Any, values: Any, statistic: str, *, difference: bool) -> Any: ...


Formula = Callable[[KpiSpec, Terms], Any]


def _missing(col: str) -> NotMeasurable:
    return NotMeasurable(f"interactions has no column {col}")


def _short_abandon(t: Terms, within: float | None) -> Any:
    """Abandons that waited strictly less than `within` seconds (a 5.0 s abandon is not short);
    None when none can be."""
    if not within or t.abandoned is None:
        return None
    wait = t.duration("created_at", "abandoned_at", None)
    return None if wait is None else t.abandoned & (wait < float(within))


def _but(rows: Any, excluded: Any) -> Any:
    return rows if excluded is None else rows & ~excluded


def _answer_wait(kpi: KpiSpec, t: Terms) -> Any:
    """Each contact's wait until answered (on the KPI's clock), or NotMeasurable."""
    wait = None if t.answered is None else t.duration("created_at", "answered_at", kpi.clock)
    return _missing("answered_at") if wait is None else wait


def service_level(kpi: KpiSpec, t: Terms):
    wait = _answer_wait(kpi, t)
    if isinstance(wait, NotMeasurable):
        return wait
    threshold = float(kpi.params["threshold"])
    offered = t.base & t.live
    answered = offered & t.answered
    within = answered & (wait <= threshold)
    formula = kpi.params.get("formula", "offered")
    if formula == "answered":
        return t.ratio(within, answered)
    if formula in ("abandoned_in_threshold_met", "abandoned_after_threshold"):
        ab_wait = t.duration("created_at", "abandoned_at", kpi.clock)
        if ab_wait is None or t.abandoned is None:  # known whenever answered_at is (derive.py)
            return _missing("abandoned_at")
        abandoned = offered & t.abandoned
        if formula == "abandoned_in_threshold_met":
            return t.ratio(within | (abandoned & (ab_wait <= threshold)), offered)
        return t.ratio(within, answered | (abandoned & (ab_wait > threshold)))
    return t.ratio(within, _but(offered, _short_abandon(t, kpi.params.get("exclude_abandoned_within"))))


def average_speed_of_answer(kpi: KpiSpec, t: Terms):
    wait = _answer_wait(kpi, t)
    if isinstance(wait, NotMeasurable):
        return wait
    return t.statistic(t.base & t.answered, wait, kpi.statistic, difference=True)


def abandonment_rate(kpi: KpiSpec, t: Terms):
    if t.abandoned is None:
        return _missing("answered_at or abandoned")
    offered = _but(t.base & t.live, _short_abandon(t, kpi.params.get("exclude_within")))
    return t.ratio(offered & t.abandoned, offered)


def answer_rate(kpi: KpiSpec, t: Terms):
    if t.answered is None:
        return _missing("answered_at or abandoned")
    offered = t.base & t.live
    return t.ratio(offered & t.answered, offered)


def _elapsed(start: str, end: str, missing: str) -> Formula:
    def formula(kpi: KpiSpec, t: Terms):
        values = t.duration(start, end, kpi.clock)
        if values is None:
            return _missing(missing)
        return t.statistic(t.base, values, kpi.statistic, difference=True)
    return formula


def average_handle_time(kpi: KpiSpec, t: Terms):
    if not t.has("handle_time_s"):
        return _missing("handle_time_s")
    if t.handled is None:
        return _missing("answered_at or first_response_at")
    return t.statistic(t.base & t.handled, t.answer("handle_time_s"), kpi.statistic, difference=False)


def same_day_response(kpi: KpiSpec, t: Terms):
    """Convention 9: the first response on the contact's business day (or within 24 h without one)."""
    calendar = kpi.clock or ("business" if "business" in t.calendars else None)
    if calendar is None:
        wait = t.duration("created_at", "first_response_at", None)
        if wait is None:
            return _missing("first_response_at")
        hit = wait <= DAY
    else:
        hit = t.by_business_day(calendar)
        if hit is None:
            return _missing("first_response_at")
    return t.ratio(t.base & hit, t.base)


def first_contact_resolution(kpi: KpiSpec, t: Terms, *, repeat: bool = False):
    if not repeat and t.has("resolved_first_contact"):
        # Survey answer present: true / answered surveys, as csat reads its survey column.
        den = t.base & t.present("resolved_first_contact")
        return t.ratio(den & t.flag("resolved_first_contact"), den)
    if not t.has("customer_id"):
        return _missing("customer_id (or resolved_first_contact)")
    if t.handled is None:
        return _missing("answered_at or first_response_at")
    repeated, window_open = t.repeats(float(kpi.params["repeat_window"]))
    den = t.base & t.handled & t.present("customer_id")
    return t.ratio(den & (repeated if repeat else ~repeated), den, provisional=den & window_open)


def repeat_contact_rate(kpi: KpiSpec, t: Terms):
    return first_contact_resolution(kpi, t, repeat=True)


def _share_of_handled(col: str) -> Formula:
    def formula(kpi: KpiSpec, t: Terms):
        if not t.has(col):
            return _missing(col)
        if t.handled is None:
            return _missing("answered_at or first_response_at")
        den = t.base & t.handled
        return t.ratio(den & t.flag(col), den)
    return formula


def resolution_rate(kpi: KpiSpec, t: Terms):
    if kpi.params.get("of") != "offered":
        return _share_of_handled("resolved")(kpi, t)
    if not t.has("resolved"):
        return _missing("resolved")
    return t.ratio(t.base & t.flag("resolved"), t.base)


def cost_unit(kpi: KpiSpec, t: Terms):
    """The contacts cost_per_unit divides the period's costs by: resolved ones (the `resolved` flag
    where the data has it, else a closing time: conventions 3 and 7), or handled ones."""
    if kpi.params.get("unit") == "resolved_contacts":
        if t.has("resolved"):
            return t.base & t.flag("resolved")
        if t.has("resolved_at"):
            return t.base & t.present("resolved_at")
        return _missing("resolved (or resolved_at)")
    if t.handled is None:
        return _missing("answered_at or first_response_at")
    return t.base & t.handled


def count_value(keys, num, den):
    """A volume's value is its count (convention 14: n is the same count), never provisional."""
    return num, den, np.zeros(len(num), dtype=bool)


def volume(kpi: KpiSpec, t: Terms):
    return t.ratio(t.base, t.base, combine=count_value)


def digital_rate(kpi: KpiSpec, t: Terms):
    return t.ratio(t.base & t.channel_in([c.lower() for c in kpi.params["digital_channels"]]), t.base)


def _mean(t: Terms, answer: Any):
    """The mean of a column's answers over the rows in the base that have one."""
    has = t.base & t.known(answer)
    return t.ratio(t.where(has, answer), has)


def _survey_share(col: str, param: str) -> Formula:
    def formula(kpi: KpiSpec, t: Terms):
        if not t.has(col):
            return _missing(col)
        answer = t.answer(col)
        if kpi.params.get("method") == "mean":
            return _mean(t, answer)
        has = t.base & t.known(answer)
        return t.ratio(has & t.is_in(answer, [float(v) for v in kpi.params[param]]), has)
    return formula


def nps(kpi: KpiSpec, t: Terms):
    """Promoters (9-10) count +100, detractors (0-6) -100, passives 0, over the answers."""
    if not t.has("nps"):
        return _missing("nps")
    answer = t.answer("nps")
    has = t.base & t.known(answer)
    return t.ratio(t.scores(has, [(answer >= 9.0, 100.0), (answer <= 6.0, -100.0)]), has)


def _mean_of(columns_of: Callable[[KpiSpec, Terms], list[str]], missing: str) -> Formula:
    """Mean of one or several answer columns: every answer given is one observation."""
    def formula(kpi: KpiSpec, t: Terms):
        cols = columns_of(kpi, t)
        if not cols:
            return _missing(missing)
        if len(cols) == 1:
            return _mean(t, t.answer(cols[0]))
        total, count = t.answer_totals(cols)
        return t.ratio(total, count)
    return formula


def _servqual_columns(kpi: KpiSpec, t: Terms) -> list[str]:
    """The SERVQUAL answer columns a KPI reads: its dimension's, or every servqual_* column, in the
    data's order (the order each row's answers are added in, the same in every engine)."""
    dim = kpi.params.get("dimension")
    wanted = [f"servqual_{dim}"] if dim else [c for c in t.columns if str(c).startswith("servqual_")]
    return [c for c in wanted if t.has(c)]


def target_edge(target: float) -> float:
    """The lowest interval service level that meets `target`: Target.met's float-noise allowance,
    so 4 answered of 5 meets 80 %."""
    return target - 1e-9 * max(1.0, abs(target))


def interval_flags(kpi: KpiSpec, offered: Any, den: Any, level: Any, open_: Any) -> tuple[Any, Any]:
    """(met, counted) of intervals (interval_service_level) from their offered contacts, their
    service level's denominator and value, and whether they start in opening hours: counted with at
    least `min_offered` contacts and a service level defined; met when counted and meeting the target."""
    counted = (offered >= int(kpi.params["min_offered"])) & (den > 0) & open_
    return counted & (level >= target_edge(float(kpi.params["interval_target"]))), counted


# Elapsed-time metrics: (start column, end column, what a note names when one is missing).
ELAPSED = {
    "first_response_time": ("created_at", "first_response_at", "first_response_at"),
    "turnaround_time": ("assigned_at", "first_response_at", "assigned_at and first_response_at"),
    "time_to_first_solution": ("created_at", "first_solution_at", "first_solution_at"),
    "total_resolution_time": ("created_at", "resolved_at", "resolved_at"),
}


FORMULAS: dict[str, Formula] = {
    "service_level": service_level,
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
    "volume": volume,
    "digital_rate": digital_rate,
    "csat": _survey_share("csat", "satisfied"),
    "dsat": _survey_share("csat", "dissatisfied"),
    "nps": nps,
    "customer_effort_score": _mean_of(lambda k, t: ["ces"] if t.has("ces") else [], "ces"),
    "servqual": _mean_of(_servqual_columns, "servqual_*"),
}
