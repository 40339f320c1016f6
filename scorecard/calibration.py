"""Stage 5: QA calibration variance ("écart / calibrage de la qualité"), audit variance and QA error
rates, from the clean qa_evaluations (and optional qa_items) tables.

In a calibration session several evaluators score the same interaction and one score is the
reference (master / expert). How far each evaluator lands from it (bias, spread, share within
tolerance) and how much they agree overall (Krippendorff's alpha) tells the forum whether QA scores
can be trusted before they drive agent scorecards and credits. Conventions: spec KPIS.md 2 and 12.
Every function is pure; `period_of` maps evaluated_at to period labels in the contract's time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import DataError
from .krippendorff import alpha_from_units, krippendorff_alpha_interval

__all__ = ["ALL", "audit_pairs", "audit_variance", "error_rates", "evaluated_items", "calibration_deviations",
           "calibration_table", "item_agreement", "item_evaluations", "krippendorff_alpha_interval",
           "qa_errors_by_category", "tendency"]

PeriodOf = Callable[[pd.Series], pd.Series]
ALL = "ALL"
REFERENCE_MODES = ("reference", "consensus")
DEVIATION_COLUMNS = ["calibration_session", "evaluator_id", "evaluated_at", "score", "reference_score",
                     "deviation", "abs_deviation", "within"]
CALIBRATION_COLUMNS = ["period", "evaluator_id", "sessions", "scores", "within_tolerance", "mean_abs_deviation",
                       "bias", "spread", "tendency", "krippendorff_alpha"]
AUDIT_COLUMNS = ["period", "evaluator_id", "interactions", "mean_abs_difference", "mean_difference"]


def _sessions(qa: pd.DataFrame) -> pd.DataFrame:
    """Calibration-session entries with `reference` as a plain bool (is_reference absent or <NA>:
    not the reference). A table without calibration_session has no calibration entries."""
    if "calibration_session" not in qa.columns:
        return qa.iloc[0:0].assign(calibration_session=pd.Series(dtype="string"), reference=False)
    rows = qa[qa["calibration_session"].notna()]
    flag = rows["is_reference"] if "is_reference" in rows.columns else pd.Series(False, index=rows.index)
    return rows.assign(reference=flag.fillna(False).astype(bool))


def _outside_sessions(qa: pd.DataFrame) -> pd.DataFrame:
    """Ordinary evaluations: calibration entries re-score one interaction many times and would
    otherwise weigh it several times in error rates and audits."""
    if "calibration_session" not in qa.columns:
        return qa
    return qa[qa["calibration_session"].isna()]


def calibration_deviations(qa: pd.DataFrame, *, reference: str = "reference",
                           tolerance: float = 5) -> pd.DataFrame:
    """One row per non-reference calibration score with its deviation from the session's reference.

    The reference score is the mean of the session's is_reference scores, looked up across the
    whole session whatever the period; with none, `reference="consensus"` uses the median of the
    session's scores (at least two: a lone score would be its own reference) and
    `reference="reference"` leaves the session's scores out (not pairable).
    `within` is inclusive: |deviation| <= tolerance, float noise forgiven as in Target.met.
    Rows keep the qa_evaluations index, so a caller can join any other column (agent_id, team_id).
    """
    if reference not in REFERENCE_MODES:
        raise ValueError(f"reference must be one of {REFERENCE_MODES}, got {reference!r}")
    cal = _sessions(qa)
    entries = cal[~cal["reference"]]
    ref = entries["calibration_session"].map(cal[cal["reference"]].groupby("calibration_session")["score"].mean())
    if reference == "consensus":
        scores = cal.groupby("calibration_session")["score"]
        ref = ref.fillna(entries["calibration_session"].map(scores.median()[scores.count() >= 2]))
    out = entries.assign(reference_score=ref.astype("float64"))
    out = out[out["reference_score"].notna() & out["score"].notna()]
    out = out.assign(deviation=out["score"] - out["reference_score"])
    out = out.assign(abs_deviation=out["deviation"].abs(),
                     within=out["deviation"].abs() <= tolerance + 1e-9 * max(1.0, abs(tolerance)))
    return out[DEVIATION_COLUMNS]


def tendency(bias: float, tolerance: float) -> str:
    """lenient / harsh when the evaluator's mean deviation uses more than half the tolerance band in
    one direction (a systematic drift, not noise), else aligned; "" with no score."""
    if np.isnan(bias):
        return ""
    if bias > tolerance / 2:
        return "lenient"
    if bias < -tolerance / 2:
        return "harsh"
    return "aligned"


def calibration_table(qa: pd.DataFrame, period_of: PeriodOf, *, reference: str = "reference",
                      tolerance: float = 5) -> pd.DataFrame:
    """calibration.csv: per period, one row per evaluator then one evaluator_id=ALL row.

    A score belongs to the period of its own evaluated_at. The ALL row aggregates every evaluator's
    deviations and carries Krippendorff's interval alpha over every score of the period's sessions
    (reference scores included; units = sessions). Periods with calibration entries but no pairable
    score still get their ALL row (scores 0, alpha where computable).
    """
    devs = calibration_deviations(qa, reference=reference, tolerance=tolerance)
    devs = devs.assign(period=_labels(period_of, devs["evaluated_at"]))
    cal = _sessions(qa)
    cal = cal.assign(period=_labels(period_of, cal["evaluated_at"]))
    alphas = {p: alpha_from_units(g["score"].dropna().to_numpy() for _, g in rows.groupby("calibration_session"))
              for p, rows in cal.groupby("period")}

    def summary(rows: pd.DataFrame) -> dict[str, Any]:
        bias = rows["deviation"].mean() if len(rows) else np.nan
        return {"sessions": rows["calibration_session"].nunique(), "scores": len(rows),
                "within_tolerance": rows["within"].mean() if len(rows) else np.nan,
                "mean_abs_deviation": rows["abs_deviation"].mean() if len(rows) else np.nan,
                "bias": bias, "spread": rows["deviation"].std(), "tendency": tendency(bias, tolerance),
                "krippendorff_alpha": np.nan}

    table = _per_evaluator(devs, sorted(alphas), summary, CALIBRATION_COLUMNS)
    is_all = table["evaluator_id"] == ALL
    table.loc[is_all, "krippendorff_alpha"] = table.loc[is_all, "period"].map(alphas).astype("float64")
    return table


def _labels(period_of: PeriodOf, timestamps: pd.Series) -> pd.Series:
    """Period labels as plain strings (period_of may return string dtype with <NA>)."""
    return period_of(timestamps).astype("str") if len(timestamps) else pd.Series(dtype="str")


def _per_evaluator(rows: pd.DataFrame, periods: list[str], summary: Callable[[pd.DataFrame], dict[str, Any]],
                   columns: list[str]) -> pd.DataFrame:
    """Per period: a summary row per evaluator (sorted), then the ALL row over every evaluator."""
    out: list[dict[str, Any]] = []
    for period in periods:
        mine = rows[rows["period"] == period]
        for evaluator, group in mine.groupby("evaluator_id", sort=True):
            out.append({"period": period, "evaluator_id": str(evaluator), **summary(group)})
        out.append({"period": period, "evaluator_id": ALL, **summary(mine)})
    return pd.DataFrame(out, columns=columns)


def item_agreement(qa_items: pd.DataFrame, qa: pd.DataFrame, period_of: PeriodOf) -> pd.DataFrame:
    """Per period, category and item: share of non-reference calibration entries whose `failed`
    matches the reference's verdict on that item (failed when at least half of the session's
    reference entries failed it). Sessions without a reference, and items the reference did not
    rate, are left out: there is nothing to agree with."""
    cal = _sessions(qa)[["evaluation_id", "calibration_session", "evaluated_at", "reference"]]
    items = qa_items[qa_items["failed"].notna()].merge(cal, on="evaluation_id")
    items = items.assign(failed=items["failed"].astype(bool))
    verdict = items[items["reference"]].groupby(["calibration_session", "item"])["failed"].mean() >= 0.5
    entries = items[~items["reference"]]
    keys = pd.MultiIndex.from_frame(entries[["calibration_session", "item"]])
    entries = entries.assign(ref_failed=verdict.reindex(keys).to_numpy())
    entries = entries[entries["ref_failed"].notna()]
    entries = entries.assign(agreed=entries["failed"] == entries["ref_failed"].astype(bool),
                             period=_labels(period_of, entries["evaluated_at"]))
    out = entries.groupby(["period", "category", "item"], sort=True)["agreed"].agg(entries="size", agreed="sum")
    out = out.reset_index().astype({"entries": "int64", "agreed": "int64"})
    return out.assign(agreement=out["agreed"] / out["entries"])


def audit_pairs(qa: pd.DataFrame) -> pd.DataFrame:
    """Vendor evaluations (outside calibration) of interactions the client also scored, each with
    `difference` = vendor score - the client's mean score of that interaction; qa's index is kept.
    The qa_audit_variance KPI and the audit table both read these rows."""
    if "evaluator_side" not in qa.columns:
        return qa.iloc[0:0].assign(difference=pd.Series(dtype="float64"))
    rows = _outside_sessions(qa)
    side = rows["evaluator_side"].astype("string").str.strip().str.lower()
    client = rows[(side == "client").fillna(False)].groupby("interaction_id")["score"].mean()
    vendor = rows[(side == "vendor").fillna(False)]
    pairs = vendor.assign(difference=vendor["score"] - vendor["interaction_id"].map(client).astype("float64"))
    return pairs[pairs["difference"].notna()]


def evaluated_items(qa_items: pd.DataFrame, qa: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """QA items with a verdict (`failed` not empty), joined to their evaluation's `columns`;
    calibration entries are left out (they re-score interactions already counted)."""
    rows = _outside_sessions(qa)[["evaluation_id", *[c for c in columns if c != "evaluation_id"]]]
    items = qa_items[qa_items["failed"].notna()].merge(rows, on="evaluation_id")
    return items.assign(failed=items["failed"].astype(bool))


def item_evaluations(qa_items: pd.DataFrame, qa: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The (qa_items row, qa row) positions of the pairs `evaluated_items` joins, in its order, for
    a caller that counts on codes: at 1.6 M items its joined frame (every column of both) and the
    merge of text ids cost about 300 MB and most of the QA errors' time. An empty id matches an
    empty id, as in pandas' merge."""
    rated = np.flatnonzero(qa_items["failed"].notna().to_numpy())
    ordinary = (np.flatnonzero(qa["calibration_session"].isna().to_numpy()) if "calibration_session" in qa.columns
                else np.arange(len(qa)))
    evaluation, item = _id_codes(qa["evaluation_id"], qa_items["evaluation_id"])
    evaluation, item = evaluation[ordinary], item[rated]
    count = np.bincount(evaluation, minlength=int(max(evaluation.max(initial=-1), item.max(initial=-1))) + 1)
    matches = count[item]  # evaluations per item: each is one row of the join, in the evaluations' order
    by_id = ordinary[np.argsort(evaluation, kind="stable")]  # the evaluations sorted by id
    # an item's k-th pair is by_id[where its id starts there + k]: one arange over the pairs, shifted by
    # item (in place, each item-sized array dropped once read: 8 bytes an item each at 1.6 M items)
    shift = (np.cumsum(count) - count)[item]
    del item, evaluation
    shift -= np.cumsum(matches)
    shift += matches
    at = np.repeat(shift, matches)
    del shift
    at += np.arange(len(at))
    return np.repeat(rated, matches), by_id[at]


def _id_codes(qa_ids: pd.Series, item_ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the evaluations' and the items' ids, equal where the ids are equal (an empty id
    matches an empty id, as in pandas' merge), ordered as the ids first appear among the
    evaluations. Text ids (every loaded table's: the loader types ids as text) are looked up by
    Arrow's hash of the evaluations' ids, each code the position of the first evaluation with that
    id (len(qa_ids): none has it): int32 codes, no concatenated copy of both columns to factorize
    (15.8 M item ids, the 50 M bench's: transient 445 -> 221 MB). Other dtypes are factorized
    together, which compares them as pandas' merge does."""
    if not (isinstance(qa_ids.dtype, pd.StringDtype) and isinstance(item_ids.dtype, pd.StringDtype)):
        codes = pd.factorize(pd.concat([qa_ids, item_ids], ignore_index=True), use_na_sentinel=False)[0]
        return codes[:len(qa_ids)], codes[len(qa_ids):]
    ids = pa.array(qa_ids.array, type=pa.large_string())
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids

    def positions(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        found = pc.index_in(values, value_set=ids, skip_nulls=False)
        return pc.fill_null(found, len(ids)).to_numpy()
    return positions(ids), positions(pa.array(item_ids.array, type=pa.large_string()))


def audit_variance(qa: pd.DataFrame, period_of: PeriodOf) -> pd.DataFrame:
    """Vendor-vs-client QA audit, per period and vendor evaluator, then an ALL row per period.

    Outside calibration sessions, each vendor evaluation of an interaction the client also scored
    is compared with the client's score (their mean if the client scored it several times), in the
    period of the vendor's evaluation: `interactions` counted, mean |vendor - client| and the signed
    mean (vendor - client > 0: the vendor scores itself more generously than the client does).
    """
    pairs = audit_pairs(qa)
    if pairs.empty:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    pairs = pairs.assign(period=_labels(period_of, pairs["evaluated_at"]))

    def summary(group: pd.DataFrame) -> dict[str, Any]:
        return {"interactions": group["interaction_id"].nunique(),
                "mean_abs_difference": group["difference"].abs().mean() if len(group) else np.nan,
                "mean_difference": group["difference"].mean() if len(group) else np.nan}

    return _per_evaluator(pairs, sorted(pairs["period"].unique()), summary, AUDIT_COLUMNS)


def qa_errors_by_category(qa_items: pd.DataFrame, qa: pd.DataFrame, period_of: PeriodOf,
                          grain: str | None = None) -> pd.DataFrame:
    """Trainer view: per period [and grain], category and item, how many evaluated items failed.

    Calibration entries are left out (they re-score interactions already counted); items with an
    empty `failed` are not evaluated. `grain` must be a qa_evaluations column (agent_id, team_id,
    evaluator_id ...); entities with an empty grain value are left out.
    """
    if grain is not None and grain not in qa.columns:
        raise DataError(f"qa_evaluations has no column {grain!r} to break QA errors down by")
    by = [grain] if grain else []
    items = evaluated_items(qa_items, qa, ["evaluated_at", *by])
    return error_rates(items.assign(period=_labels(period_of, items["evaluated_at"])), by)


def error_rates(items: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Evaluated and failed items, and their ratio, per period [and `by`], category and item, from
    `evaluated_items` rows carrying a `period` column (so one join serves several groupings)."""
    out = items.groupby(["period", *by, "category", "item"], sort=True)["failed"].agg(evaluated="size",
                                                                                       failed="sum")
    out = out.reset_index().astype({"evaluated": "int64", "failed": "int64"})
    return out.assign(error_rate=out["failed"] / out["evaluated"])
