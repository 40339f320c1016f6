"""Data-quality checks: every rule is one vectorised mask; each offending cell is one report row.

A row with any quarantining problem leaves the clean table (nothing is dropped silently: the report
names the row, the column, the offending value and the action). Warnings that do not make a row
wrong (a cost in another currency) keep the row.
"""

from __future__ import annotations

import pandas as pd

from .readers import SOURCE_ROW
from .schema import ABSURD_HANDLE_TIME_S, ORDERED_PAIRS, SERVQUAL_PREFIX, TableSpec

COLUMNS = ["table", "row", "column", "problem", "action"]
QUARANTINED, KEPT = "quarantined", "kept"
SERVQUAL_RANGE = (1, 10)


def issue(frame: pd.DataFrame, mask: pd.Series, column: str, problem: str | pd.Series,
          *, quarantine: bool = True) -> pd.DataFrame:
    """Report rows for the cells of `column` selected by `mask`. `problem` is one text, or texts indexed
    like the frame (computed on the offending rows only, so a clean 5M-row table costs no strings)."""
    mask = mask.astype(bool)
    if not bool(mask.any()):
        return pd.DataFrame()
    index = frame.index[mask.to_numpy()]
    rows = frame.loc[index, SOURCE_ROW].to_numpy()
    text = problem.loc[index].astype(str).to_numpy() if isinstance(problem, pd.Series) else problem
    return pd.DataFrame({"row": rows, "column": column, "problem": text, "quarantine": quarantine})


def empty_report() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object) for c in COLUMNS})


def check_table(frame: pd.DataFrame, spec: TableSpec, *, channels: frozenset[str], currency: str,
                timezone: str, unparsed: dict[str, pd.Series]) -> list[pd.DataFrame]:
    """Every rule of the brief for one canonical table (columns absent from the frame are skipped)."""
    found = [_missing(frame, spec, unparsed), _duplicates(frame, spec.id_column)]
    if "channel" in frame:
        unknown = frame["channel"].notna() & ~frame["channel"].isin(list(channels)).fillna(False).astype(bool)
        found.append(issue(frame, unknown, "channel", "unknown channel '" + frame["channel"][unknown] + "' (allowed: "
                           + ", ".join(sorted(channels)) + "; declare others in the contract's channels)"))
    if spec.name == "interactions":
        found += _orders(frame, timezone)
    found += _bounds(frame, spec)
    if "currency" in frame:
        other = frame["currency"].notna() & (frame["currency"].str.upper() != currency.upper()).fillna(False)
        other = other.astype(bool)
        found.append(issue(frame, other, "currency", "currency " + frame["currency"][other]
                           + f" differs from the contract currency {currency}; amount kept unconverted",
                           quarantine=False))
    return [f for f in found if len(f)]


def _missing(frame: pd.DataFrame, spec: TableSpec, unparsed: dict[str, pd.Series]) -> pd.DataFrame:
    parts = []
    for col in spec.required:
        empty = frame[col].isna()
        if col in unparsed:
            empty &= ~unparsed[col]
        parts.append(issue(frame, empty, col, f"{col} is empty (required)"))
    return pd.concat(parts, ignore_index=True)


def _duplicates(frame: pd.DataFrame, id_column: str | None) -> pd.DataFrame:
    """Later occurrences of an id are quarantined; the report names the row of the first one."""
    if id_column is None or id_column not in frame:
        return pd.DataFrame()
    ids = frame[id_column]
    dup = (ids.duplicated(keep="first") & ids.notna()).astype(bool)
    if not bool(dup.any()):
        return pd.DataFrame()
    firsts = ~dup & ids.isin(ids[dup].unique()).fillna(False).astype(bool)
    first_row = pd.Series(frame.loc[firsts, SOURCE_ROW].to_numpy(), index=ids[firsts].to_numpy())
    seen = ids[dup].map(first_row).astype("int64").astype(str)
    text = f"duplicate {id_column} '" + ids[dup] + "' (first seen on row " + seen + ")"
    return issue(frame, dup, id_column, text)


def _when(ts: pd.Series, timezone: str) -> pd.Series:
    """Timestamps as the contract's local wall-clock, as a user reads them in the file."""
    return ts.dt.tz_convert(timezone).dt.strftime("%Y-%m-%d %H:%M:%S").astype("string")


def _orders(frame: pd.DataFrame, timezone: str) -> list[pd.DataFrame]:
    out = []
    flagged: dict[str, pd.Series] = {}  # one order problem per cell: the nearest predecessor is named
    for earlier, later in ORDERED_PAIRS:
        if earlier in frame and later in frame:
            bad = (frame[later] < frame[earlier]).fillna(False).astype(bool)
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
    return out


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


def _bounds(frame: pd.DataFrame, spec: TableSpec) -> list[pd.DataFrame]:
    """Negative amounts and durations, absurd handle times, scores outside their scale."""
    out = [_outside(frame, c, 0, float("inf"), "negative") for c in spec.non_negative if c in frame]
    if "handle_time_s" in frame:
        out.append(_outside(frame, "handle_time_s", float("-inf"), ABSURD_HANDLE_TIME_S, "more than 24 h"))
    ranges = dict(spec.ranges)
    if spec.name == "interactions":
        ranges.update({c: SERVQUAL_RANGE for c in frame.columns if str(c).startswith(SERVQUAL_PREFIX)})
    for col, (low, high) in ranges.items():
        if col in frame:
            out.append(_outside(frame, col, low, high, f"outside {low}-{high}"))
    if spec.name == "qa_items" and "points" in frame:
        top = frame["max_points"] if "max_points" in frame else float("inf")
        bad = ((frame["points"] < 0) | (frame["points"] > top)).fillna(False).astype(bool)
        if bool(bad.any()):
            limit = frame["max_points"][bad].map(lambda v: f"{v:g}") if "max_points" in frame else "any"
            text = ("points " + _number(frame["points"][bad]) + " is outside 0.." + limit + " (max_points)")
            out.append(issue(frame, bad, "points", text))
    return out


def quarantine(frame: pd.DataFrame, table: str, issues: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clean rows, report rows). A row with any quarantining problem is removed and all its report
    rows say `quarantined`; warnings alone say `kept`."""
    issues = [i for i in issues if len(i)]
    if not issues:
        return frame, empty_report()
    found = pd.concat(issues, ignore_index=True)
    removed = pd.Index(found.loc[found["quarantine"], "row"].unique())
    found["action"] = found["row"].isin(removed).map({True: QUARANTINED, False: KEPT})
    found["table"] = table
    report = found.sort_values("row", kind="stable")[COLUMNS].reset_index(drop=True)
    report["row"] = report["row"].astype("int64")
    clean = frame[~frame[SOURCE_ROW].isin(removed)] if len(removed) else frame
    return clean.reset_index(drop=True), report
