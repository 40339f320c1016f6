"""Plausibility: values each acceptable on its own, wrong together (minutes read as seconds, dates
without times, a survey on another scale), and how much of a table the checks took away.

A formula is exact only when the input says what the tool assumes; these warnings (data_quality
action `warning`, report row 0 = the whole column) are how a wrong assumption shows before its
number reaches a credit note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import Problem
from .quality import CLEARED, QUARANTINED, WARNING, WHOLE_COLUMN, Checks, ranges, scale_text
from .schema import SECONDS, TableSpec

if TYPE_CHECKING:
    from .dataset import Dataset

MINUTES_MEDIAN_S = 30.0  # a voice call's median handle time under 30 s: the export likely gives minutes
CAUTION_SHARE = 0.10  # more than this share of a table quarantined or cleared: say so beside the KPIs
MIDNIGHT_SAMPLE = 1000  # rows looked at first: a table with a time of day is told apart without a full pass
MIDNIGHT_SLICE_MAX = 1 << 20  # the slices after it double up to this many rows
COMMON_TOPS = (5, 7, 10, 100)  # highest answers of the usual survey scales, for the suggested fix
UNIT_HINT = "if so, give the column its unit in the mapping ({column}: {{from: ..., unit: {unit}}})"


def plausibility(frame: pd.DataFrame, spec: TableSpec, checks: Checks) -> list[pd.DataFrame]:
    """Whole-column warnings for one table (on the typed frame, before any cell is cleared)."""
    found = [_durations(frame, spec, column) for column in spec.columns
             if spec.kind(column) == SECONDS and column in frame]
    found += [_midnight(frame, column, kpis, checks.timezone)
              for (table, column), kpis in checks.timed.items() if table == spec.name and column in frame]
    found += [_off_scale(frame, column, low, high)
              for column, (low, high) in ranges(frame, spec, checks.scales).items()]
    found += [_under_scale(frame, column, low, high) for column, (low, high) in checks.scales.items()
              if column == "csat" and column in frame and spec.name == "interactions"]
    if spec.name == "qa_evaluations":
        found.append(_fractions(frame["score"]))
    return [f for f in found if f is not None]


BLOCKS = "blocks"  # column of a warning frame: True when the KPIs measuring the column are not scored
BLOCKED = "; the KPIs measuring it are not measurable until then"


def _warning(column: str, text: str, *, blocks: bool = False) -> pd.DataFrame:
    """A whole-column warning. `blocks`: the column as a whole cannot be what the tool assumes (minutes
    read as seconds, a survey on another scale): a number from it would be exact and wrong, so the KPIs
    measuring it are not measurable (dataset.py turns these into Dataset.constants)."""
    return pd.DataFrame({"row": [WHOLE_COLUMN], "column": [column], "problem": [text + (BLOCKED if blocks else "")],
                         "action": [WARNING], BLOCKS: [blocks]})


def _durations(frame: pd.DataFrame, spec: TableSpec, column: str) -> pd.DataFrame | None:
    """Durations that look like day fractions (every value below 1 s) or minutes (median voice handle
    time under 30 s, over answered calls)."""
    values = frame[column]
    given = (values > 0).fillna(False).astype(bool)  # masks, not copies of the column (5 M rows)
    if not bool(given.any()):
        return None
    if bool(((values < 1) | values.isna()).all()):
        return _warning(column, f"every {column} is below 1 second (largest {values[given].max():g}): durations that "
                                "look like fractions of a day (Excel time cells); "
                                + UNIT_HINT.format(column=column, unit="days"), blocks=True)
    if column != "handle_time_s" or "channel" not in frame:
        return None
    calls = (frame["channel"] == "voice").fillna(False).astype(bool) & (values > 0)
    if "abandoned" in frame:
        calls &= ~frame["abandoned"].fillna(False).astype(bool)
    if not bool(calls.any()):
        return None
    median = float(values[calls].median())
    if median >= MINUTES_MEDIAN_S:
        return None
    return _warning(column, f"the median voice handle time is {median:g} s over {int(calls.sum()):,} calls: "
                            "durations that look like minutes, not seconds; "
                            + UNIT_HINT.format(column=column, unit="minutes"), blocks=True)


def _fractions(score: pd.Series) -> pd.DataFrame | None:
    """QA scores all between 0 and 1: a share (0.92) where the contract reads points (92)."""
    values = score.dropna()
    if not bool((values > 0).any()) or not bool((values <= 1).all()):
        return None
    return _warning("score", f"every QA score is between 0 and 1 (largest {values.max():g}): scores look like "
                             "shares, but targets read points out of 100; export the score as points (92, not 0.92)",
                    blocks=True)


def _midnight(frame: pd.DataFrame, column: str, kpis: tuple[str, ...], timezone: str) -> pd.DataFrame | None:
    """Every timestamp at local midnight while a KPI measures time of day: the export holds dates."""
    if not _all_at_midnight(frame[column], timezone):
        return None
    return _warning(column, f"every {column} is at midnight (00:00): the export seems to hold dates without "
                            f"a time of day, yet {', '.join(kpis)} measure time between timestamps; map a "
                            "column with the time, or combine a date and a time column in the mapping")


def _all_at_midnight(values: pd.Series, timezone: str) -> bool:
    """Whether the column holds a timestamp and every one is at local midnight, read in slices growing
    from MIDNIGHT_SAMPLE rows: the first time of day settles it. (A sample of the first rows and then a
    whole pass cost 3 s and 1.4 GB at 50 M rows when those rows were empty: answered_at of emails.)"""
    seen, start, size = False, 0, MIDNIGHT_SAMPLE
    while start < len(values):
        part = values.iloc[start:start + size].dropna()
        if len(part):
            if not _at_midnight(part, timezone):
                return False
            seen = True
        start, size = start + size, min(size * 2, MIDNIGHT_SLICE_MAX)
    return seen


def _at_midnight(values: pd.Series, timezone: str) -> bool:
    """Whether every timestamp is at local midnight."""
    local = values.dt.tz_convert(timezone)
    return bool((local == local.dt.normalize()).all())


def _off_scale(frame: pd.DataFrame, column: str, low: float, high: float) -> pd.DataFrame | None:
    """A survey column off its scale in most rows: the survey was asked on another scale."""
    values = frame[column]  # NaN is neither below nor above: counted on the column, not a copy without them
    off = int(((values < low) | (values > high)).sum())
    if off * 2 <= values.count():
        return None
    values = values.dropna()
    lowest, highest = float(values.min()), float(values.max())
    guess = f"{0 if lowest < 1 else 1}-{next((s for s in COMMON_TOPS if s >= highest), highest):g}"
    return _warning(column, f"{off:,} of {len(values):,} {column} values ({off / len(values):.0%}) are outside "
                            f"the scale {scale_text(low, high)} (they range from {lowest:g} to {highest:g}) and "
                            f"were cleared: if the survey uses another scale, write it on the KPI (scale: {guess})",
                    blocks=True)


UNDER_SCALE_MIN = 20  # answers needed before a survey's unused top is telling


def _under_scale(frame: pd.DataFrame, column: str, low: float, high: float) -> pd.DataFrame | None:
    """A satisfaction survey declared on a wide scale (1-10) whose answers never pass 5: it was most
    likely asked on 1-5, and `satisfied: [9, 10]` would then count nobody."""
    values = frame[column]
    answers = int(values.count())
    if high < 7 or answers < UNDER_SCALE_MIN or float(values.max()) > 5:
        return None
    return _warning(column, f"the contract reads {column} on the scale {scale_text(low, high)}, yet none of its "
                            f"{answers:,} answers is above {values.max():g}: if the survey is on 1-5, "
                            "remove `scale:` (or write scale: 1-5) and its satisfied answers", blocks=True)


@dataclass(frozen=True)
class Caution:
    """A table the checks took much of: the deck summary and the operations card show `text`."""

    table: str
    share: float  # rows quarantined or with a cleared cell / rows read
    text: str
    affected: int = 0  # rows quarantined or with a cleared cell
    read: int = 0  # data rows read


def cautions(dataset: Dataset) -> list[Caution]:
    """Tables with more than 10 % of their rows quarantined or cleared, in table order."""
    out = []
    for table, frame in dataset.tables.items():
        mine = dataset.quality[(dataset.quality["table"] == table) & (dataset.quality["row"] != WHOLE_COLUMN)]
        quarantined = mine.loc[mine["action"] == QUARANTINED, "row"].nunique()
        cleared = mine.loc[mine["action"] == CLEARED, "row"].nunique()
        read = dataset.rows_read.get(table, len(frame) + quarantined)
        if not read or (quarantined + cleared) / read <= CAUTION_SHARE:
            continue
        share = (quarantined + cleared) / read
        what = " or ".join(w for n, w in ((quarantined, f"were quarantined ({quarantined:,})"),
                                          (cleared, f"had a value cleared ({cleared:,})")) if n)
        out.append(Caution(table, share, f"{share:.0%} of the {table} rows ({quarantined + cleared:,} of {read:,}) "
                                         f"{what}: the KPIs rest on less data than the export holds; "
                                         "see data_quality.csv", quarantined + cleared, read))
    return out


def warning_lines(dataset: Dataset) -> list[str]:
    """What the CLI prints on stderr: each whole-column warning, the row warnings counted per column
    (with the first one), then the cautions."""
    quality = dataset.quality
    lines = []
    for (table, column), rows in quality[quality["action"] == WARNING].groupby(["table", "column"], sort=False):
        first = rows.iloc[0]
        if first["row"] == WHOLE_COLUMN:
            lines += [f"{table}.{column}: {text}" for text in rows["problem"]]
        else:
            lines.append(f"{table}.{column}: {len(rows):,} row(s), first row {first['row']}: {first['problem']}")
    return lines + [c.text for c in cautions(dataset)]


def nothing_left(report: pd.DataFrame, table: str, file: str, rows: int) -> Problem:
    """Why every row of a table was quarantined: the three commonest causes, each with an example."""
    mine = report[(report["table"] == table) & (report["action"] == QUARANTINED)]
    causes = mine.groupby("column", sort=False)["row"].nunique().sort_values(ascending=False, kind="stable")
    lines = []
    for column, count in causes.head(3).items():
        example = mine[mine["column"] == column].iloc[0]
        lines.append(f"{column or 'whole line'}: {count:,} row(s), e.g. row {example['row']}: {example['problem']}")
    return Problem(f"no {table} row is left: all {rows:,} were quarantined. Top reasons: " + "; ".join(lines),
                   file=file, hint="check that the mapping reads the right columns and formats "
                                   "(`scorecard presets`, docs/mappings.md), then run again")

