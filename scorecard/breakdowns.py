"""Tables beyond the KPI rows that roles and the deck show: contact reasons, DSAT by reason, QA
errors by category, the agent -> team map, monthly workforce totals, calibration per evaluator.

Reason-level figures go through the KPI engine with a small derived contract, so a contact reason's
DSAT or repeat rate is computed by exactly the same code as the contract's KPIs.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .catalog import metric
from .contract.model import Contract, KpiSpec
from .data import Dataset
from .kpis.engine import Engine
from .periods import MONTH, Months, Period, local_months, month_to_period
from .units import parse_duration

WORKFORCE_SUMS = ["forecast_contacts", "actual_contacts", "required_hours", "scheduled_hours",
                  "paid_hours", "handling_hours"]


# Rows handled at a time where a section runs over every interaction: the per-row temporaries of
# one chunk (local times, codes, keys: about 100 bytes a row) stay near 25 MB at any data size.
CHUNK_ROWS = 1 << 18


def _chunks(n: int) -> list[slice]:
    """Slices of CHUNK_ROWS rows over n rows; one empty slice for none (a table's empty result)."""
    return [slice(start, min(start + CHUNK_ROWS, n)) for start in range(0, max(n, 1), CHUNK_ROWS)]


def _first_kpi(contract: Contract, *metrics: str) -> KpiSpec | None:
    return next((k for k in contract.kpis.values() if k.metric in metrics), None)


def _reason_kpis(contract: Contract) -> dict[str, KpiSpec]:
    """Volume, DSAT and repeat rate with the contract's own parameters where it declares them."""
    dsat = _first_kpi(contract, "dsat")
    fcr = _first_kpi(contract, "first_contact_resolution", "repeat_contact_rate")
    window = fcr.params.get("repeat_window") if fcr else None
    return {
        "contacts": KpiSpec("contacts", "volume"),
        "dsat": KpiSpec("dsat", "dsat", params=dict(dsat.params) if dsat else
                        {"dissatisfied": tuple(metric("dsat").defaults["dissatisfied"])}),
        "repeat_rate": KpiSpec("repeat_rate", "repeat_contact_rate", params={
            "repeat_window": window or parse_duration(metric("repeat_contact_rate").defaults["repeat_window"])}),
    }


def contact_reasons(contract: Contract, dataset: Dataset, engine: Engine) -> pd.DataFrame:
    """period, reason, contacts, share, dsat, dsat_n, repeat_rate: the Pareto of contact reasons."""
    columns = ["period", "reason", "contacts", "share", "dsat", "dsat_n", "dsat_status", "repeat_rate"]
    frame = dataset.tables.get("interactions")
    if frame is None or "reason" not in frame:
        return pd.DataFrame(columns=columns)
    raw = engine.run(list(_reason_kpis(contract).values()), ["reason"])
    raw = raw[raw["grain"] == "reason"]
    wide = raw.pivot_table(index=["period", "entity"], columns="kpi", values="value", aggfunc="first")
    n = raw[raw["kpi"] == "dsat"].set_index(["period", "entity"])["n"]
    out = wide.reindex(columns=["contacts", "dsat", "repeat_rate"]).join(n.rename("dsat_n")).reset_index()
    out = out.rename(columns={"entity": "reason"})
    out["share"] = out["contacts"] / out.groupby("period")["contacts"].transform("sum")
    out["dsat_status"] = _dsat_status(contract, out)
    out = out.sort_values(["period", "contacts"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def _dsat_status(contract: Contract, reasons: pd.DataFrame) -> np.ndarray:
    """Each reason's DSAT judged by the contract's own DSAT clause (target, minimum, min_sample),
    with the same rules as every KPI row; "" when the contract has no DSAT KPI."""
    kpi = _first_kpi(contract, "dsat")
    if kpi is None:
        return np.full(len(reasons), "", dtype=object)
    from .scoring import statuses
    return statuses(reasons["dsat"].to_numpy(dtype="float64"), reasons["dsat_n"].to_numpy(dtype="float64"),
                    np.full(len(reasons), "", dtype=object), kpi.min_sample, kpi.target, kpi.minimum)


def agent_teams(dataset: Dataset) -> pd.DataFrame:
    """agent_id -> team_id (the team an agent handled most rows for), from interactions and QA."""
    tables = [t for t in (dataset.tables.get("interactions"), dataset.tables.get("qa_evaluations"))
              if t is not None and {"agent_id", "team_id"} <= set(t.columns)]
    if not tables:
        return pd.DataFrame(columns=["agent_id", "team_id"])
    # Count pairs per table on integer codes (missing keys left out) rather than grouping millions of
    # strings, a chunk of rows at a time (the codes of a whole table's two columns: 170 MB at 5 M rows).
    counts = pd.concat([_pair_counts(t["agent_id"].iloc[part], t["team_id"].iloc[part])
                        for t in tables for part in _chunks(len(t))])
    counts = counts.groupby(level=[0, 1]).sum().rename("rows").reset_index()
    best = counts.sort_values(["agent_id", "rows"], ascending=[True, False], kind="stable")
    return best.drop_duplicates("agent_id")[["agent_id", "team_id"]].reset_index(drop=True)


def _pair_counts(left: pd.Series, right: pd.Series) -> pd.Series:
    """Rows per (left, right) pair of values, both present, indexed by the pairs in sorted order."""
    (a, a_values), (b, b_values) = pd.factorize(left, sort=True), pd.factorize(right, sort=True)
    count, _, (x, y) = _coded_counts([a, b], [len(a_values), len(b_values)])
    return pd.Series(count, index=pd.MultiIndex.from_arrays([a_values[x], b_values[y]], names=[left.name, right.name]))


def workforce_totals(contract: Contract, dataset: Dataset) -> pd.DataFrame:
    """Monthly sums of the workforce table's volume and hours columns."""
    frame = dataset.tables.get("workforce")
    if frame is None:
        return pd.DataFrame(columns=["period", *WORKFORCE_SUMS])
    cols = [c for c in WORKFORCE_SUMS if c in frame]
    month = local_months(frame["interval_start"], contract.timezone)
    return frame[cols].groupby(month.rename("period")).sum(min_count=1).reset_index()


def _period_of(contract: Contract, kind: str):
    return lambda ts: month_to_period(local_months(ts, contract.timezone), kind)


QA_ERROR_COLUMNS = ["period", "grain", "entity", "category", "item", "evaluated", "failed", "error_rate"]
QA_GRAINS = ("vendor", "team_id", "agent_id", "evaluator_id")


def qa_errors(contract: Contract, dataset: Dataset, periods: Sequence[Period]) -> pd.DataFrame:
    """QA error rates by category and item at every QA grain (a trainer's team, an agent, an
    evaluator, the vendor): period, grain, entity, category, item, evaluated, failed, error_rate.
    The items' evaluations are found as positions (no joined frame); months, entities and
    category x item are integer codes of the QA tables' own rows (all sorted by label: the order of
    a sorted groupby, rows with a missing key left out), taken at those positions, and each period
    kind x grain is one bincount, not a groupby of millions of strings each time."""
    items, qa = dataset.tables.get("qa_items"), dataset.tables.get("qa_evaluations")
    if items is None or qa is None:
        return pd.DataFrame(columns=QA_ERROR_COLUMNS)
    from .calibration import item_evaluations
    item_at, qa_at = item_evaluations(items, qa)
    category, categories = _sorted_codes(items["category"])
    item, item_names = _sorted_codes(items["item"])
    pair, pairs = _pair_codes(category, item, len(categories), len(item_names))
    known = int(len(pairs) and pairs[0] < 0)  # pairs[0] is -1 when some item lacks either: code -1 below
    del category, item
    # per (item, evaluation) pair, in int32: at 1.6 M pairs each code costs 6 MB, not 13
    pair, pairs = (pair - known).astype("int32")[item_at], pairs[known:]
    failed = items["failed"].to_numpy(dtype=bool, na_value=False)[item_at]  # 1 byte a pair: summed as 0.0 and 1.0
    del item_at
    month = Months(qa["evaluated_at"], contract.timezone)
    qa_at = qa_at.astype("int32")
    month_at = month.codes.astype("int32")[qa_at]
    asked = {p.label for p in periods}
    coded = {g: (np.zeros(len(qa), dtype="int32"), pd.Index([contract.vendor])) if g == "vendor"
             else pd.factorize(qa[g], sort=True) for g in QA_GRAINS if g == "vendor" or g in qa}
    parts = []
    for kind in dict.fromkeys(p.kind for p in periods):
        of_month, labels = pd.factorize(month_to_period(pd.Series(month.labels, dtype="string"), kind), sort=True)
        period = np.append(np.where(np.isin(labels, list(asked)), np.arange(len(labels)), -1), -1).astype("int32")[
            np.append(of_month, -1)[month_at]]  # month code -1 (no date) reads the -1 appended
        for grain, (entity, entities) in coded.items():
            count, (fails,), (p, e, k) = _coded_counts([period, entity.astype("int32")[qa_at], pair],
                                                       [len(labels), len(entities), len(pairs)], failed)
            k = pairs[k]
            parts.append(pd.DataFrame({
                "period": pd.Series(labels[p], dtype=object).astype(str), "grain": grain,
                "entity": pd.Series(entities[e], dtype=object).astype(str),
                "category": categories.take(k // len(item_names)), "item": item_names.take(k % len(item_names)),
                "evaluated": count, "failed": fails.astype("int64"), "error_rate": fails / count}))
    return pd.concat(parts, ignore_index=True).reindex(columns=QA_ERROR_COLUMNS)


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """pd.factorize(sort=True) with int32 codes (an item's category or name: 6 MB at 1.6 M items, not 13)."""
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype("int32"), uniques


def _pair_codes(first: np.ndarray, second: np.ndarray, n_first: int, n_second: int) -> tuple[np.ndarray, np.ndarray]:
    """What pd.factorize(first * n_second + second, sort=True) gives (-1 where either code is -1, a
    value like any other): the keys present in ascending order, and each row's rank among them, in
    int32. The few possible keys (categories x items) are ranked by a lookup over them, not a hash of
    every row (the int64 keys, their codes and the hash table were 59 MB at 1.6 M items)."""
    size = n_first * n_second
    if size >= np.iinfo(np.int32).max or size > len(first):  # many possible pairs: hashed
        codes, keys = pd.factorize(np.where((first >= 0) & (second >= 0), first.astype(np.int64) * n_second + second,
                                            -1), sort=True)
        return codes.astype("int32"), keys
    key = np.where((first >= 0) & (second >= 0), first * np.int32(n_second) + second, np.int32(-1))
    key += 1  # -1 (missing) at slot 0
    present = np.zeros(size + 1, dtype=bool)
    present[key] = True
    rank = (np.cumsum(present) - 1).astype("int32")
    return rank[key], np.flatnonzero(present) - 1


def _coded_counts(codes: list[np.ndarray], sizes: list[int], *weights: np.ndarray
                  ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Rows and sums of each of `weights` per combination of codes (rows with a code -1 left out),
    for the combinations present, in the order of their codes; and each combination's codes."""
    keep = np.logical_and.reduce([c >= 0 for c in codes])
    key = np.zeros(int(keep.sum()), dtype="int64")
    for c, size in zip(codes, sizes, strict=True):  # in place: one 8-byte array of the rows, not three
        key *= size
        key += c[keep]
    size = int(np.prod(sizes, dtype="int64"))
    if size <= 4 * len(key) + 1_000_000:  # dense enough for a bincount
        count = np.bincount(key, minlength=size)
        (used,) = np.nonzero(count)
        count, sums = count[used], [np.bincount(key, weights=w[keep], minlength=size)[used] for w in weights]
    else:
        used, inverse, count = _sorted_unique(key)
        sums = [np.bincount(inverse, weights=w[keep], minlength=len(used)) for w in weights]
    out = []
    for size in reversed(sizes):
        used, code = np.divmod(used, size)
        out.append(code)
    return count.astype("int64"), sums, out[::-1]


def _sorted_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(key, return_inverse=True, return_counts=True), from one sorted copy of the keys and a
    binary search of each in the distinct ones: np.unique's argsort, sorted gather and inverse
    permutation held about four 8-byte arrays of the keys at once (500 MB at the 50 M bench's 15.8 M
    QA item pairs); this holds two."""
    ordered = np.sort(key)
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(ordered) else \
        np.zeros(0, dtype=np.intp)
    used = ordered[starts]
    count = np.diff(np.append(starts, len(ordered)))
    del ordered
    return used, np.searchsorted(used, key), count


def volume_profile(contract: Contract, engine: Engine) -> pd.DataFrame:
    """Offered and handled contacts by month, channel, weekday (0 = Monday) and hour, local time:
    the catalog's `volume` broken down the way staffing is planned. Only the asked months are
    counted, a chunk of rows at a time, into one array per channel of (month, weekday, hour) counts:
    it runs over every contact, and whole-table temporaries cost about 100 bytes a row."""
    columns = ["period", "channel", "weekday", "hour", "offered", "handled"]
    rows = engine.interactions
    if rows is None:
        return pd.DataFrame(columns=columns)
    months = sorted({p.label for p in engine.periods if p.kind == MONTH})
    numbers = np.array([(int(m[:4]) - 1970) * 12 + int(m[5:]) - 1 for m in months], dtype="int64")
    first = int(numbers.min()) if len(numbers) else 0
    month_code = np.full(int(numbers.max(initial=first)) - first + 1, -1)
    month_code[numbers - first] = np.arange(len(months))
    width = len(months) * 7 * 24
    # each row's code into the distinct lower-cased channels (1 byte a row; their labels per row, an
    # object array, were 40 MB at 5 M rows): a channel with no contact has no cell below
    codes, labels = rows.channel_codes
    totals = np.zeros((2, len(labels) * width), dtype="int64")  # (offered, handled) x channel x (month, weekday, hour)
    for part in _chunks(rows.n):
        local = rows.created.iloc[part].dt.tz_convert(contract.timezone).dt.tz_localize(None)
        seconds = local.to_numpy(dtype="datetime64[s]")
        number = seconds.astype("datetime64[M]").astype("int64")  # months since 1970-01 (NaT: the lowest int)
        inside = (number >= first) & (number < first + len(month_code))
        code = np.where(inside, month_code[np.where(inside, number - first, 0)], -1)
        keep = code >= 0
        days, second_of_day = np.divmod(seconds[keep].astype("int64"), 86400)
        channel = codes[part][keep].astype("int64")
        # weekday: 1970-01-01 was a Thursday
        key = ((channel * len(months) + code[keep]) * 7 + (days + 3) % 7) * 24 + second_of_day // 3600
        served = rows.handled[part][keep] if rows.handled is not None else np.zeros(len(key), dtype=bool)
        totals[0] += np.bincount(key, minlength=totals.shape[1])
        totals[1] += np.bincount(key, weights=served, minlength=totals.shape[1]).astype("int64")
    order = np.argsort(labels, kind="stable")
    # month x channel (sorted) x weekday x hour: the cells with contacts, in the order of those columns
    offered, handled = (t.reshape(len(labels), len(months), 7, 24)[order].transpose(1, 0, 2, 3) for t in totals)
    month_at, channel_at, weekdays, hours = np.nonzero(offered)
    return pd.DataFrame({"period": pd.Series(np.asarray(months, dtype=object)[month_at], dtype="str"),
                         "channel": pd.Series(labels[order][channel_at], dtype="str"),
                         "weekday": weekdays, "hour": hours, "offered": offered[month_at, channel_at, weekdays, hours],
                         "handled": handled[month_at, channel_at, weekdays, hours]})


def calibration_items(contract: Contract, dataset: Dataset, periods: Sequence[Period]) -> pd.DataFrame:
    """Item-level calibration agreement: period, category, item, entries, agreed, agreement."""
    items, qa = dataset.tables.get("qa_items"), dataset.tables.get("qa_evaluations")
    if items is None or qa is None or "calibration_session" not in qa:
        return pd.DataFrame(columns=["period", "category", "item", "entries", "agreed", "agreement"])
    from .calibration import item_agreement
    # Only the items of calibration entries can join them: picked once (one pass over the ids), not
    # joined in full for each period kind.
    items = items[items["evaluation_id"].isin(qa.loc[qa["calibration_session"].notna(), "evaluation_id"])]
    return _per_kind(periods, lambda kind: item_agreement(items, qa, _period_of(contract, kind)))


def qa_audit(contract: Contract, dataset: Dataset, periods: Sequence[Period]) -> pd.DataFrame:
    """Vendor-vs-client QA audit per vendor evaluator: period, evaluator_id, interactions,
    mean_abs_difference, mean_difference (vendor - client), then an ALL row per period."""
    from .calibration import AUDIT_COLUMNS, audit_variance
    qa = dataset.tables.get("qa_evaluations")
    if qa is None:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    return _per_kind(periods, lambda kind: audit_variance(qa, _period_of(contract, kind)))


def _per_kind(periods: Sequence[Period], compute) -> pd.DataFrame:
    """Run a per-period computation once per period kind and keep the asked labels."""
    labels = {p.label for p in periods}
    parts = [compute(kind) for kind in dict.fromkeys(p.kind for p in periods)]
    out = pd.concat(parts, ignore_index=True)
    return out[out["period"].isin(labels)].reset_index(drop=True)


def calibration_params(contract: Contract) -> dict:
    """The tolerance (points) and reference mode calibration.csv is computed with: the contract's
    calibration KPI's, else the catalog's defaults; cards and deck read the same numbers from here."""
    kpi = _first_kpi(contract, "calibration_within_tolerance", "calibration_variance")
    return dict(metric("calibration_within_tolerance").defaults) | (dict(kpi.params) if kpi else {})


def calibration_results(contract: Contract, dataset: Dataset, periods: Sequence[Period]) -> pd.DataFrame:
    """calibration.csv rows for the asked periods, with the contract's tolerance and reference mode."""
    from .calibration import CALIBRATION_COLUMNS, calibration_table
    qa = dataset.tables.get("qa_evaluations")
    if qa is None:
        return pd.DataFrame(columns=CALIBRATION_COLUMNS)
    params = calibration_params(contract)
    return _per_kind(periods, lambda kind: calibration_table(
        qa, _period_of(contract, kind), reference=params["reference"], tolerance=float(params["tolerance"])))


# the extra tables, in the order the outputs list them
SECTIONS = ("contact_reasons", "dsat_reasons", "agent_teams", "qa_errors_by_category", "workforce",
            "calibration_items", "qa_audit", "volume_profile")


def engine_sections(contract: Contract, dataset: Dataset, engine: Engine) -> dict[str, pd.DataFrame]:
    """The extra tables read through the evaluation's engine (its KPI runs for the contact reasons,
    its derived rows for the volume profile): made before the engine is let go."""
    reasons = contact_reasons(contract, dataset, engine)
    return {
        "contact_reasons": reasons,
        "dsat_reasons": reasons[["period", "reason", "dsat", "dsat_n", "dsat_status", "contacts"]],
        "volume_profile": volume_profile(contract, engine),
    }


def table_sections(contract: Contract, dataset: Dataset, periods: Sequence[Period]) -> dict[str, pd.DataFrame]:
    """The extra tables made from the data set's tables alone: after the engine is let go, so that
    its indexes and caches (1.7 GB at 50 M rows) are not held through the QA errors' peak."""
    return {
        "agent_teams": agent_teams(dataset),
        "qa_errors_by_category": qa_errors(contract, dataset, periods),
        "workforce": workforce_totals(contract, dataset),
        "calibration_items": calibration_items(contract, dataset, periods),
        "qa_audit": qa_audit(contract, dataset, periods),
    }


def build_sections(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every extra table, in the outputs' order (SECTIONS), from the parts made apart."""
    made = {name: table for part in parts for name, table in part.items()}
    return {name: made[name] for name in SECTIONS}
