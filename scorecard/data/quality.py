"""Data-quality checks: every rule is one vectorised mask; each offending cell is one report row.

Nothing is dropped silently, and nothing more is dropped than the bad value: a bad required value
(id, creation time, channel...) quarantines the row, a bad optional value clears only that cell, so
the contact still counts for every KPI that does not need it. Warnings (a negative cost line, a cost
in another currency, durations that look like minutes) keep the row as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import catalog
from ..contract.model import Contract
from ..contract.scales import survey_scales
from .parse import NAT
from .readers import SOURCE_ROW
from .schema import (ORDERED_PAIRS, SERVQUAL_PREFIX, SURVEY_COLUMNS, TABLES, TIMESTAMP, WAIT_ENDS, TableSpec,
                     allowed_channels)

COLUMNS = ["table", "row", "column", "problem", "action"]
QUARANTINED, CLEARED, WARNING, KEPT = "quarantined", "cleared", "warning", "kept"
BY_COLUMN = ""  # the action follows the column: quarantined if it is required, else cleared
SERVQUAL_RANGE = (1, 10)
WHOLE_COLUMN = 0  # the report row of a warning about a whole column (spreadsheet rows start at 1)


@dataclass(frozen=True)
class Checks:
    """What the checks take from the contract: allowed channels, currency, time zone, survey scales, and
    the timestamp columns whose time of day a KPI uses ((table, column) -> the KPI ids)."""

    channels: frozenset[str]
    currency: str
    timezone: str
    scales: dict[str, tuple[float, float]]
    timed: dict[tuple[str, str], tuple[str, ...]]


def checks_for(contract: Contract) -> Checks:
    """The contract's side of the checks. A KPI needs the time of day when it runs on a business clock
    or measures the gap between two timestamps (a count such as the backlog only needs the dates)."""
    timed: dict[tuple[str, str], list[str]] = {}
    for kpi in contract.kpis.values():
        m = catalog()[kpi.metric]
        stamps = [c for c in m.inputs if TABLES[m.table].kind(c) == TIMESTAMP]
        if kpi.clock is not None or (len(stamps) >= 2 and m.unit != "count"):
            for column in stamps:
                timed.setdefault((m.table, column), []).append(kpi.id)
    return Checks(channels=allowed_channels(contract.channels), currency=contract.currency,
                  timezone=contract.timezone, scales=survey_scales(contract),
                  timed={k: tuple(v) for k, v in timed.items()})


def issue(frame: pd.DataFrame, mask: pd.Series, column: str, problem: str | pd.Series,
          *, action: str = BY_COLUMN) -> pd.DataFrame:
    """Report rows for the cells of `column` selected by `mask`. `problem` is one text, or texts indexed
    like the frame (computed on the offending rows only, so a clean 5M-row table costs no strings)."""
    mask = mask.astype(bool)
    if not bool(mask.any()):
        return pd.DataFrame()
    index = frame.index[mask.to_numpy()]
    rows = frame.loc[index, SOURCE_ROW].to_numpy()
    text = problem.loc[index].astype(str).to_numpy() if isinstance(problem, pd.Series) else problem
    return pd.DataFrame({"row": rows, "column": column, "problem": text, "action": action})


def empty_report() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object) for c in COLUMNS})


def check_table(frame: pd.DataFrame, spec: TableSpec, checks: Checks, unparsed: dict[str, pd.Series],
                ids: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> list[pd.DataFrame]:
    """Every row rule for one canonical table (columns absent from the frame are skipped). `ids`: the
    id column's `id_checks`, made before the column was dropped from `frame` (convert_table), reported
    where the checks of the column would be."""
    key = spec.id_column
    if ids is None and key is not None and key in frame:
        ids = id_checks(frame, spec)
    found = [_missing(frame, spec, unparsed, ids[0] if ids else None)]
    if ids:
        found.append(ids[1])
    if "channel" in frame:
        unknown = frame["channel"].notna() & ~frame["channel"].isin(list(checks.channels)).fillna(False).astype(bool)
        found.append(issue(frame, unknown, "channel", "unknown channel '" + frame["channel"][unknown].astype(str)
                           + "' (allowed: " + ", ".join(sorted(checks.channels))
                           + "; declare others in the contract's channels)"))
    if spec.name == "interactions":
        found += _orders(frame, checks.timezone)
    found += _bounds(frame, spec, checks.scales)
    if spec.name == "costs":
        found += _costs(frame, checks.currency)
    if spec.name == "volumes":
        found.append(_repeats(frame, ["period"], "period", lambda d, first: "second volumes row for period "
                              + d["period"].astype(str) + " (the first is row " + first
                              + "): not summed; keep one row per month"))
    return [f for f in found if len(f)]


def id_checks(frame: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report rows of the id column (in `frame` with `source_row`): empty ids and repeated ones. An
    id is text, never unparseable."""
    key = spec.id_column
    assert key is not None
    empty = issue(frame, frame[key].isna(), key, f"{key} is empty (required)")
    return empty, _repeats(frame, [key], key, lambda d, first: f"duplicate {key} '" + d[key].astype(str)
                           + "' (first seen on row " + first + ")")


def _missing(frame: pd.DataFrame, spec: TableSpec, unparsed: dict[str, pd.Series],
             empty_ids: pd.DataFrame | None) -> pd.DataFrame:
    parts = []
    for col in spec.required:
        if col == spec.id_column and empty_ids is not None:
            parts.append(empty_ids)
            continue
        empty = frame[col].isna()
        if col in unparsed:
            empty &= ~unparsed[col]
        parts.append(issue(frame, empty, col, f"{col} is empty (required)"))
    return pd.concat(parts, ignore_index=True)


def _repeats(frame: pd.DataFrame, keys: list[str], column: str,
             what: Callable[[pd.DataFrame, pd.Series], pd.Series]) -> pd.DataFrame:
    """Later rows equal to an earlier one on `keys` (empty ids aside) are quarantined; the report says
    what(those rows, the row number of each one's first occurrence as text)."""
    one = frame[keys[0]].array if len(keys) == 1 else None
    dup, first = _earlier_text(frame, one) if isinstance(one, pd.arrays.ArrowStringArray) else _earlier(frame, keys)
    if not bool(dup.any()):
        return pd.DataFrame()
    return issue(frame, dup, column, what(frame[dup], first.astype(str)), action=QUARANTINED)


def _earlier(frame: pd.DataFrame, keys: list[str]) -> tuple[pd.Series, pd.Series]:
    """The rows equal on `keys` to an earlier row (all keys empty aside), and for each of them the
    earliest row's `source_row` (indexed like those rows)."""
    values = frame[keys]
    dup = values.duplicated(keep="first") & values.notna().any(axis=1)
    if not bool(dup.any()):
        return dup, pd.Series(dtype="int64")
    involved = values.duplicated(keep=False)  # only the rows that repeat are grouped
    group = values[involved].groupby(keys, dropna=False, sort=False).ngroup()
    return dup, frame.loc[involved, SOURCE_ROW].groupby(group).transform("first")[dup[involved]]


def _earlier_text(frame: pd.DataFrame, text: pd.arrays.ArrowStringArray) -> tuple[pd.Series, pd.Series]:
    """_earlier on one text key (the ids of a 5 M-row table), by one stable Arrow sort and a comparison
    of neighbours: pandas' duplicated hashes Python objects of every row (860 MB and 1.8 s CPU at 5 M
    ids; this: 230 MB and 0.4 s). Ids all set and distinct, the usual case, are told by their dense rank
    alone (no sorted copy of the ids: 5 M ids 0.7 -> 0.2 s CPU), or, in an export sorted by id, by each
    id being above the one before it (one pass: 5 M ids 0.49 -> 0.02 s CPU)."""
    values = pa.array(text)
    if not values.null_count and (len(values) < 2 or pc.all(pc.less(values[:-1], values[1:])).as_py()
                                  or pc.max(pc.rank(values, tiebreaker="dense")).as_py() == len(values)):
        return pd.Series(np.zeros(len(values), dtype=bool), index=frame.index), pd.Series(dtype="int64")
    order = pc.array_sort_indices(values).to_numpy()  # stable: equal ids keep the file's order; nulls last
    ranked = values.take(order)
    repeat = np.zeros(len(values), dtype=bool)  # equal to the id sorted before it
    repeat[1:] = pc.equal(ranked[1:], ranked[:-1]).fill_null(False).to_numpy(zero_copy_only=False)
    dup = np.zeros(len(values), dtype=bool)
    dup[order[repeat]] = True
    if not repeat.any():
        return pd.Series(dup, index=frame.index), pd.Series(dtype="int64")
    run_start = np.flatnonzero(~repeat)[np.cumsum(~repeat) - 1]  # sorted position starting each one's run
    later, earliest = order[repeat], order[run_start[repeat]]
    in_file_order = np.argsort(later, kind="stable")
    first = frame[SOURCE_ROW].to_numpy()[earliest[in_file_order]]
    return pd.Series(dup, index=frame.index), pd.Series(first, index=frame.index[later[in_file_order]])


def _costs(frame: pd.DataFrame, currency: str) -> list[pd.DataFrame]:
    """Credit notes are part of the cost (a warning); a line repeated in every column is a duplicate."""
    out = []
    negative = (frame["amount"] < 0).fillna(False).astype(bool)
    if bool(negative.any()):
        out.append(issue(frame, negative, "amount", "negative cost line " + _number(frame["amount"][negative])
                         + " (a credit note or discount?): counted in the period's cost", action=WARNING))
    other = (frame["currency"].notna() & (frame["currency"].str.upper() != currency.upper()).fillna(False)).astype(bool)
    # An amount in another currency cannot be added to the period's cost, and leaving it out would
    # understate it: the cell is cleared and the period's cost per unit is not measurable.
    out.append(issue(frame, other, "amount", "currency " + frame["currency"][other]
                     + f" differs from the contract currency {currency}: this amount cannot be added to the "
                     f"period's {currency} cost, so its cost per unit is not measurable; convert it to {currency} "
                     "in the export", action=CLEARED))
    columns = [c for c in frame.columns if c != SOURCE_ROW]
    out.append(_repeats(frame, columns, "amount", lambda d, first: "cost line identical in every column to row "
                        + first + ": counted once (a genuine second line carries its own category or description)"))
    return out


def _when(ts: pd.Series, timezone: str) -> pd.Series:
    """Timestamps as the contract's local wall-clock, as a user reads them in the file."""
    return ts.dt.tz_convert(timezone).dt.strftime("%Y-%m-%d %H:%M:%S").astype("string")


def _orders(frame: pd.DataFrame, timezone: str) -> list[pd.DataFrame]:
    """Impossible orders: the later timestamp of the pair is reported (and cleared: optional)."""
    out = []
    flagged: dict[str, pd.Series] = {}  # one order problem per cell: the nearest predecessor is named
    for earlier, later in ORDERED_PAIRS:
        if earlier in frame and later in frame:
            bad = _beyond(frame[earlier], frame[later], pd.Timedelta(0))  # later < earlier, both set
            if later in flagged:
                bad &= ~flagged[later]
            if bool(bad.any()):
                flagged[later] = flagged.get(later, False) | bad
                sub = frame[bad]
                text = (f"{later} " + _when(sub[later], timezone) + f" is before {earlier} "
                        + _when(sub[earlier], timezone))
                out.append(issue(frame, bad, later, text))
    if "answered_at" in frame and "abandoned" in frame:
        bad = (frame["answered_at"].notna() & frame["abandoned"].fillna(False)).astype(bool)
        out.append(issue(frame, bad, "answered_at", "answered_at is set on a row with abandoned=true"))
    bound, words = TABLES["interactions"].ceilings["wait_s"]
    for end in (c for c in WAIT_ENDS if c in frame):
        late = _beyond(frame[end], frame["created_at"], pd.Timedelta(seconds=bound))
        if bool(late.any()):
            sub = frame[late]
            out.append(issue(frame, late, end, f"{end} " + _when(sub[end], timezone) + f" is {words} after "
                             "created_at " + _when(sub["created_at"], timezone)))
    return out


def _beyond(later: pd.Series, earlier: pd.Series, limit: pd.Timedelta) -> pd.Series:
    """later - earlier > limit where both are set (limit 0: `earlier < later`, NaT never). Canonical
    (nanosecond) timestamps compared on their int64 views: pandas subtracts with an overflow check of
    every cell (0.15 s a column at 5 M rows; its `<` 0.03 s against 0.012 s here), and
    earlier + limit cannot overflow, the timestamps ending in 2261 (parse._YEARS) and the limit days long."""
    if later.dt.unit != "ns" or earlier.dt.unit != "ns":
        return ((later - earlier) > limit).fillna(False).astype(bool)
    end, start = later.array.asi8, earlier.array.asi8
    return pd.Series((end != NAT) & (start != NAT) & (end > start + limit.value), index=later.index)


def _number(values: pd.Series) -> pd.Series:
    """Numbers as a person writes them (3 not 3.0), for messages; called on offending cells only."""
    return values.map(lambda v: f"{v:g}")


def _outside(frame: pd.DataFrame, col: str, low: float, high: float | pd.Series, what: str) -> pd.DataFrame:
    values = frame[col]
    bad = ((values < low) | (values > high)).fillna(False).astype(bool)
    if not bool(bad.any()):
        return pd.DataFrame()
    text = f"{col} " + _number(values[bad]) + f" is {what}"
    return issue(frame, bad, col, text)


def scale_text(low: float, high: float) -> str:
    return f"{low:g}-{high:g}"


def ranges(frame: pd.DataFrame, spec: TableSpec, scales: dict[str, tuple[float, float]]
           ) -> dict[str, tuple[float, float]]:
    """Column -> inclusive (low, high) of the scored columns present: QA score, surveys, SERVQUAL."""
    out = dict(spec.ranges)
    if spec.name == "interactions":
        out.update({c: scales[c] for c in SURVEY_COLUMNS if scales.get(c)})
        out.update({c: SERVQUAL_RANGE for c in frame.columns if str(c).startswith(SERVQUAL_PREFIX)})
    return {c: r for c, r in out.items() if c in frame}


def _bounds(frame: pd.DataFrame, spec: TableSpec, scales: dict[str, tuple[float, float]]) -> list[pd.DataFrame]:
    """Negative figures, implausibly long durations, scores off their scale, QA points over the maximum."""
    out = [_outside(frame, c, 0, np.inf, "negative") for c in spec.non_negative if c in frame]
    out += [_outside(frame, c, -np.inf, bound, words) for c, (bound, words) in spec.ceilings.items() if c in frame]
    out += [_outside(frame, c, low, high, f"outside {scale_text(low, high)}")
            for c, (low, high) in ranges(frame, spec, scales).items()]
    if spec.name == "qa_items" and "points" in frame:
        top = frame["max_points"] if "max_points" in frame else np.inf
        bad = ((frame["points"] < 0) | (frame["points"] > top)).fillna(False).astype(bool)
        if bool(bad.any()):
            limit = _number(frame["max_points"][bad]) if "max_points" in frame else "any"
            text = ("points " + _number(frame["points"][bad]) + " is outside 0.." + limit + " (max_points)")
            out.append(issue(frame, bad, "points", text))
    return out


def quarantine(frame: pd.DataFrame, spec: TableSpec, issues: list[pd.DataFrame]
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(clean rows, report rows, cleared cells). A row with a quarantining problem is removed and all
    its report rows say `quarantined`; on the other rows each `cleared` cell is set to missing and
    marked True in the cleared frame (aligned with the clean rows; None when no cell was cleared).
    When rows are removed, `frame` is emptied column by column (`_without`): do not read it after."""
    issues = [i for i in issues if len(i)]
    if not issues:
        return frame.reset_index(drop=True), empty_report(), None
    found = pd.concat(issues, ignore_index=True)
    by_column = found["action"] == BY_COLUMN
    found.loc[by_column, "action"] = np.where(found.loc[by_column, "column"].isin(spec.required),
                                              QUARANTINED, CLEARED)
    removed = pd.Index(found.loc[found["action"] == QUARANTINED, "row"].unique())
    found.loc[found["row"].isin(removed), "action"] = QUARANTINED
    found["table"] = spec.name
    report = found.sort_values("row", kind="stable")[COLUMNS].reset_index(drop=True)
    report["row"] = report["row"].astype("int64")
    clean = (_without(frame, frame[SOURCE_ROW].isin(removed).to_numpy()) if len(removed) else frame
             ).reset_index(drop=True)
    return clean, report, _clear(clean, found[found["action"] == CLEARED])


def _without(frame: pd.DataFrame, removed: np.ndarray) -> pd.DataFrame:
    """The rows not `removed`, copied one column at a time, each column of `frame` released once copied:
    a table with one bad row is not held twice at the peak (1 M rows: +180 MB; 5 M: +0.9 GB)."""
    if not frame.columns.is_unique:  # not a canonical frame: the whole-table copy
        return frame[~removed]
    kept = np.flatnonzero(~removed)
    columns = {}
    for name in list(frame.columns):
        columns[name] = frame[name].take(kept).reset_index(drop=True)
        del frame[name]
    return pd.DataFrame(columns, copy=False)


def _clear(clean: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame | None:
    """Empty the reported cells of the clean frame in place (NaN / NaT / <NA>, dtypes kept)."""
    if not len(cells):
        return None
    positions = pd.Index(clean[SOURCE_ROW]).get_indexer(cells["row"])
    marks: dict[str, np.ndarray] = {}
    for column, where in pd.Series(positions).groupby(cells["column"].to_numpy()):
        mark = np.zeros(len(clean), dtype=bool)
        mark[where.to_numpy()] = True
        clean[column] = clean[column].mask(mark)
        marks[str(column)] = mark
    return pd.DataFrame(marks, index=clean.index)
