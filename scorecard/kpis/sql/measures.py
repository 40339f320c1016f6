"""Interaction metrics declared once as column expressions (the SQL twin of kpis/interactions.py):
each returns the base, numerator, denominator or observations of KPIS.md's formula over the
derived view (`Rows`), or NotMeasurable naming the missing column. The compiler does the grouping.
"""

from __future__ import annotations

from typing import Callable

from ...contract.model import KpiSpec
from ..interactions import ELAPSED, count_value
from ..measure import NotMeasurable, statistic_q
from .compile import MeasureSQL, flag, sql
from .intervals import per_interval
from .relation import Rows

DAY = 86400.0
Builder = Callable[[KpiSpec, Rows, str], "MeasureSQL | NotMeasurable"]


def _missing(col: str) -> NotMeasurable:
    return NotMeasurable(f"interactions has no column {col}")


def _literal(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"


def ratio(rows: Rows, base: str, num: str, den: str, provisional: str | None = None) -> MeasureSQL:
    """num / den, both conditions counted over the rows in `base`."""
    return MeasureSQL(rows.relation(), sql(base), num=flag(sql(num)), den=flag(sql(den)),
                      provisional=sql(provisional) if provisional else None)


def duration(rows: Rows, base: str, values: str, statistic: str, *, signed_zeros: bool) -> MeasureSQL:
    """A statistic of a per-row duration (NULL = no observation) over the rows in `base`;
    `signed_zeros`: the values may be -0.0 (a column as read, not a difference of two times)."""
    q = statistic_q(statistic)
    if q is None:
        return MeasureSQL(rows.relation(), sql(base), num=sql(f"COALESCE({values}, 0.0)"),
                          den=flag(sql(f"{values} IS NOT NULL")))
    return MeasureSQL(rows.relation(), sql(base), obs=sql(values), q=q, signed_zeros=signed_zeros)


def _short_abandon(rows: Rows, within: float | None) -> str:
    if not within or rows.facts.abandoned is None:
        return "FALSE"
    wait = rows.duration("created_at", "abandoned_at", None)
    return "FALSE" if wait is None else f"(v._abandoned AND {wait} < {float(within)!r})"


def service_level(kpi: KpiSpec, rows: Rows, base: str):
    if rows.facts.answered is None or rows.ts("answered_at") is None:
        return _missing("answered_at")
    threshold = float(kpi.params["threshold"])
    wait = rows.duration("created_at", "answered_at", kpi.clock)
    offered = f"({base} AND v._live)"
    answered = f"({offered} AND v._answered)"
    within = f"({answered} AND {wait} <= {threshold!r})"
    formula = kpi.params.get("formula", "offered")
    if formula == "answered":
        return ratio(rows, base, within, answered)
    if formula in ("abandoned_in_threshold_met", "abandoned_after_threshold"):
        ab_wait = rows.duration("created_at", "abandoned_at", kpi.clock)
        if ab_wait is None:
            return _missing("abandoned_at")
        abandoned = f"({offered} AND v._abandoned)"
        if formula == "abandoned_in_threshold_met":
            return ratio(rows, base, f"({within} OR ({abandoned} AND {ab_wait} <= {threshold!r}))", offered)
        return ratio(rows, base, within, f"({answered} OR ({abandoned} AND {ab_wait} > {threshold!r}))")
    short = _short_abandon(rows, kpi.params.get("exclude_abandoned_within"))
    return ratio(rows, base, within, f"({offered} AND NOT COALESCE({short}, FALSE))")


def average_speed_of_answer(kpi, rows, base):
    if rows.facts.answered is None or rows.ts("answered_at") is None:
        return _missing("answered_at")
    wait = rows.duration("created_at", "answered_at", kpi.clock)
    return duration(rows, f"({base} AND v._answered)", wait, kpi.statistic, signed_zeros=False)


def abandonment_rate(kpi, rows, base):
    if rows.facts.abandoned is None:
        return _missing("answered_at or abandoned")
    short = _short_abandon(rows, kpi.params.get("exclude_within"))
    offered = f"({base} AND v._live AND NOT COALESCE({short}, FALSE))"
    return ratio(rows, base, f"({offered} AND v._abandoned)", offered)


def answer_rate(kpi, rows, base):
    if rows.facts.answered is None:
        return _missing("answered_at or abandoned")
    offered = f"({base} AND v._live)"
    return ratio(rows, base, f"({offered} AND v._answered)", offered)


def _elapsed(start: str, end: str, missing: str) -> Builder:
    def build(kpi, rows, base):
        values = rows.duration(start, end, kpi.clock)
        return _missing(missing) if values is None else duration(rows, base, values, kpi.statistic,
                                                                 signed_zeros=False)
    return build


def average_handle_time(kpi, rows, base):
    if not rows.has("handle_time_s"):
        return _missing("handle_time_s")
    if rows.facts.handled is None:
        return _missing("answered_at or first_response_at")
    return duration(rows, f"({base} AND v._handled)", "CAST(v.handle_time_s AS DOUBLE)", kpi.statistic,
                    signed_zeros=True)


def same_day_response(kpi, rows, base):
    if rows.ts("first_response_at") is None:
        return _missing("first_response_at")
    calendar = kpi.clock or ("business" if "business" in rows.clock_k else None)
    if calendar is None:
        hit = f"({rows.duration('created_at', 'first_response_at', None)} <= {DAY!r})"
    else:
        hit = f"({rows.local_day(calendar, 'first_response_at')} <= {rows.business_day_of_created(calendar)})"
    return ratio(rows, base, f"({base} AND {hit})", base)


def first_contact_resolution(kpi, rows, base, *, repeat: bool = False):
    if not repeat and rows.has("resolved_first_contact"):
        den = f"({base} AND v.resolved_first_contact IS NOT NULL)"
        return ratio(rows, base, f"({den} AND v.resolved_first_contact)", den)
    if not rows.has("customer_id"):
        return _missing("customer_id (or resolved_first_contact)")
    if rows.facts.handled is None:
        return _missing("answered_at or first_response_at")
    repeated, window_open = rows.repeats(float(kpi.params["repeat_window"]))
    den = f"({base} AND v._handled AND v.customer_id IS NOT NULL)"
    good = f"({den} AND {'' if repeat else 'NOT '}{repeated})"
    return ratio(rows, base, good, den, provisional=f"({den} AND {window_open})")


def repeat_contact_rate(kpi, rows, base):
    return first_contact_resolution(kpi, rows, base, repeat=True)


def _share_of_handled(col: str) -> Builder:
    def build(kpi, rows, base):
        if not rows.has(col):
            return _missing(col)
        if rows.facts.handled is None:
            return _missing("answered_at or first_response_at")
        den = f"({base} AND v._handled)"
        return ratio(rows, base, f"({den} AND COALESCE(v.{col}, FALSE))", den)
    return build


def resolution_rate(kpi, rows, base):
    if kpi.params.get("of") != "offered":
        return _share_of_handled("resolved")(kpi, rows, base)
    if not rows.has("resolved"):
        return _missing("resolved")
    return ratio(rows, base, f"({base} AND COALESCE(v.resolved, FALSE))", base)


def volume(kpi, rows, base):
    m = ratio(rows, base, base, base)
    return MeasureSQL(m.relation, m.base, num=m.num, den=m.den, combine=count_value)


def digital_rate(kpi, rows, base):
    channels = _literal(sorted({c.lower() for c in kpi.params["digital_channels"]}))
    return ratio(rows, base, f"({base} AND LOWER(COALESCE(v.channel, '')) IN ({channels}))", base)


def _survey_share(col: str, param: str) -> Builder:
    def build(kpi, rows, base):
        if not rows.has(col):
            return _missing(col)
        answer = f"CAST(v.{col} AS DOUBLE)"
        has = f"({base} AND {answer} IS NOT NULL AND NOT ISNAN({answer}))"
        if kpi.params.get("method") == "mean":
            return MeasureSQL(rows.relation(), sql(base), num=sql(f"CASE WHEN {has} THEN {answer} ELSE 0.0 END"),
                              den=flag(sql(has)))
        values = ", ".join(repr(float(v)) for v in kpi.params[param]) or "NULL"
        return ratio(rows, base, f"({has} AND {answer} IN ({values}))", has)
    return build


def nps(kpi, rows, base):
    if not rows.has("nps"):
        return _missing("nps")
    answer = "CAST(v.nps AS DOUBLE)"
    has = f"({base} AND {answer} IS NOT NULL AND NOT ISNAN({answer}))"
    points = f"(CASE WHEN {answer} >= 9 THEN 100.0 WHEN {answer} <= 6 THEN -100.0 ELSE 0.0 END)"
    return MeasureSQL(rows.relation(), sql(base), num=sql(f"CASE WHEN {has} THEN {points} ELSE 0.0 END"),
                      den=flag(sql(has)))


def _mean_of(columns_of: Callable[[KpiSpec, Rows], list[str]], missing: str) -> Builder:
    """Mean of several answer columns: every non-missing answer is one observation."""
    def build(kpi, rows, base):
        cols = columns_of(kpi, rows)
        if not cols:
            return _missing(missing)
        answers = [f"CAST(v.{c} AS DOUBLE)" for c in cols]
        num = " + ".join(f"COALESCE({a}, 0.0)" for a in answers)
        den = " + ".join(f"(CASE WHEN {a} IS NULL THEN 0.0 ELSE 1.0 END)" for a in answers)
        return MeasureSQL(rows.relation(), sql(base), num=sql(f"({num})"), den=sql(f"({den})"))
    return build


def _servqual_columns(kpi: KpiSpec, rows: Rows) -> list[str]:
    dim = kpi.params.get("dimension")
    wanted = [f"servqual_{dim}"] if dim else sorted(c for c in rows.facts.columns if c.startswith("servqual_"))
    return [c for c in wanted if rows.has(c)]


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
    "volume": volume,
    "digital_rate": digital_rate,
    "csat": _survey_share("csat", "satisfied"),
    "dsat": _survey_share("csat", "dissatisfied"),
    "nps": nps,
    "customer_effort_score": _mean_of(lambda k, r: ["ces"] if r.has("ces") else [], "ces"),
    "servqual": _mean_of(_servqual_columns, "servqual_*"),
}
