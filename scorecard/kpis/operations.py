"""QA, workforce, cost and volume metrics (KPIS.md: quality, cost and demand).

Row sources other than interactions: QA evaluations outside calibration, calibration scores paired
with their session's reference, vendor-vs-client audit pairs, QA items joined to their evaluation,
and workforce rows. Costs and volumes are per-period divisors applied after aggregation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract.model import KpiSpec
from .measure import Measure, NotMeasurable, RowSource, indicator


def qa_scored(qa: pd.DataFrame, kpi: KpiSpec, cleared: pd.DataFrame | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Evaluations that count for quality (not calibration entries, optional side), with the score
    each one counts for (0 for a fatal error where the contract says so). `cleared`: the data checks'
    cleared cells of `qa` (inputs.InputFacts.cleared_of). Where fatal errors zero the score, an
    evaluation whose fatal_error the checks cleared (a value that is not a yes or no) has no score it
    can be counted for (NaN: left out of the mean), where an empty cell means no fatal error."""
    keep = qa["calibration_session"].isna() if "calibration_session" in qa else pd.Series(True, index=qa.index)
    side = kpi.params.get("side")
    if side and "evaluator_side" in qa:
        keep &= qa["evaluator_side"].astype("string").str.lower().eq(side).fillna(False)
    kept = keep.to_numpy(dtype=bool)
    rows = qa[kept]
    score = rows["score"].to_numpy(dtype="float64")
    if kpi.params.get("fatal_error_zeroes") and "fatal_error" in rows:
        fatal = rows["fatal_error"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        score = np.where(fatal, 0.0, score)
        if cleared is not None and "fatal_error" in cleared:
            score[cleared["fatal_error"].to_numpy(dtype=bool, na_value=False)[kept]] = np.nan
    return rows, score


def quality_score(kpi: KpiSpec, src: RowSource, base: np.ndarray, score: np.ndarray) -> Measure:
    has = base & ~np.isnan(score)
    return Measure(src, base, num=np.where(has, score, 0.0), den=indicator(has))


def calibration_measure(kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure:
    """Rows of `src` are non-reference calibration scores with `abs_deviation` and `within`."""
    within = src.frame["within"].to_numpy(dtype=bool)
    if kpi.metric == "calibration_within_tolerance":
        return Measure(src, base, num=indicator(base & within), den=indicator(base))
    dev = src.frame["abs_deviation"].to_numpy(dtype="float64")
    return Measure(src, base, num=np.where(base, dev, 0.0), den=indicator(base))


def audit_measure(kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure:
    diff = np.abs(src.frame["difference"].to_numpy(dtype="float64"))
    return Measure(src, base, num=np.where(base, diff, 0.0), den=indicator(base))


def qa_error_rate(kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure:
    frame = src.frame
    category = kpi.params.get("category")
    if category:
        in_category = frame["category"].astype("string").str.lower().eq(str(category).lower())
        base = base & in_category.fillna(False).to_numpy(dtype=bool)
    failed = frame["failed"].to_numpy(dtype=bool)
    return Measure(src, base, num=indicator(base & failed), den=indicator(base))


WORKFORCE_RATIOS = {
    "utilization": ("handling_hours", "paid_hours"),
    "staffing_to_forecast": ("scheduled_hours", "required_hours"),
    "forecast_accuracy": ("actual_contacts", "forecast_contacts"),
}


def workforce_measure(kpi: KpiSpec, src: RowSource, base: np.ndarray) -> Measure | NotMeasurable:
    """Ratios of sums over workforce rows; n = the rows with both inputs (convention 14)."""
    a_col, b_col = WORKFORCE_RATIOS[kpi.metric]
    for col in (a_col, b_col):
        if col not in src.frame:
            return NotMeasurable(f"workforce has no column {col}")
    a = src.frame[a_col].to_numpy(dtype="float64")
    b = src.frame[b_col].to_numpy(dtype="float64")
    rows = base & ~np.isnan(a) & ~np.isnan(b)
    if kpi.metric == "forecast_accuracy":  # 1 - sum|actual - forecast| / sum actual (1 - WAPE)
        return Measure(src, base, num=np.where(rows, np.abs(a - b), 0.0), den=np.where(rows, a, 0.0),
                       n=indicator(rows), transform=lambda x: 1.0 - x)
    return Measure(src, base, num=np.where(rows, a, 0.0), den=np.where(rows, b, 0.0), n=indicator(rows))


def per_period_totals(table: pd.DataFrame, column: str, labels: dict[str, list[str]]) -> dict[str, float]:
    """Sum of a per-period table's column (periods 'YYYY-MM') for each asked period label.
    A label with no row at all maps to NaN (unknown), not 0; so does a label holding a row without a
    value: in a clean costs table that is a cleared amount (another currency), and a total without
    one of its lines would be understated, not measured."""
    month = table["period"].astype("string").str.slice(0, 7)
    values = table[column].to_numpy(dtype="float64")
    out = {}
    for label, months in labels.items():
        inside = month.isin(months).fillna(False).to_numpy(dtype=bool)
        unknown = bool(np.isnan(values[inside]).any())
        out[label] = float(values[inside].sum()) if inside.any() and not unknown else np.nan
    return out


def divided_by_period_total(totals: dict[str, float], *, total_is_numerator: bool):
    """`combine` for cost per unit (period cost / unit count) and contacts per booking
    (contacts / period bookings)."""
    def combine(keys: pd.DataFrame, num: np.ndarray, den: np.ndarray):
        total = keys["period"].map(totals).to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            value = total / num if total_is_numerator else num / total
        value[~np.isfinite(value)] = np.nan
        return value, num, np.zeros(len(num), dtype=bool)
    return combine


WORKFORCE_KEYS = ("team_id", "site", "channel")


def with_actual_contacts(workforce: pd.DataFrame, interactions: pd.DataFrame | None, timezone: str) -> pd.DataFrame:
    """Workforce rows with `actual_contacts` counted from interactions where the table lacks it
    (DATA.md: "offered volume, else counted from interactions").

    A row's interval runs from its interval_start for the table's interval length (the smallest gap
    between two starts: 15 min, 30 min, 1 h or a day), in local time so daily rows follow local
    midnights; a contact counts for the row whose interval holds its created_at and whose team,
    site and channel (those the row carries) match.
    """
    if "actual_contacts" in workforce or interactions is None or workforce.empty:
        return workforce
    starts = workforce["interval_start"].dt.tz_convert(timezone).dt.tz_localize(None)
    distinct = np.unique(starts.dropna().to_numpy())
    gaps = np.diff(distinct)
    length = pd.Timedelta(gaps[gaps > np.timedelta64(0)].min()) if len(distinct) > 1 else pd.Timedelta(days=1)
    keys = [k for k in WORKFORCE_KEYS if k in workforce and k in interactions]
    created = interactions["created_at"].dt.tz_convert(timezone).dt.tz_localize(None)
    origin = distinct[0] if len(distinct) else created.min()
    slot = np.floor((created - origin) / length)
    contacts = pd.DataFrame({"slot": slot, **{k: interactions[k].astype("string").str.lower() for k in keys}})
    counts = contacts.groupby(["slot", *keys], observed=True, dropna=False).size().rename("actual_contacts")
    rows = pd.DataFrame({"slot": np.floor((starts - origin) / length),
                         **{k: workforce[k].astype("string").str.lower() for k in keys}})
    found = counts.reindex(pd.MultiIndex.from_frame(rows[["slot", *keys]])).to_numpy(dtype="float64")
    # A row whose interval had no contact counted zero; a row with no start counts nothing.
    actual = np.where(rows["slot"].notna(), np.nan_to_num(found), np.nan)
    return workforce.assign(actual_contacts=actual)
