"""One raw table + its mapping rules -> the typed canonical frame, and the cells that did not parse.

Every canonical column goes through the converter of its kind (schema.py), whether it came by name,
renamed, combined from a date and a time, mapped from an export's vocabulary or set as a constant,
so a CSV, a Parquet file and a workbook with the same content give the same frame.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import pandas as pd

from ..errors import DataError, Problem
from . import parse
from .mapping import GATED, ColumnRule, TableMapping
from .quality import id_checks, issue
from .parquet import ParquetColumns
from .raw import SOURCE_ROW
from .schema import BOOL, CATEGORIES, LABEL, NUMBER, PERIOD, SECONDS, TIMESTAMP, TableSpec

MAPPING_HINT = "use --mapping to rename your export's columns; see `scorecard presets`"
MISSING_HINTS = {"interaction_id": MAPPING_HINT + "; an export without an id can build one in the mapping: "
                 "interaction_id: {row_number: true} or {join: [Date, Agent, Call Id]}"}
_WHAT = {
    TIMESTAMP: "a readable timestamp (ISO 8601 like 2026-03-01 14:05, or the mapping's format)",
    NUMBER: "a number", SECONDS: "a duration in seconds", PERIOD: "a month written YYYY-MM",
    BOOL: "a yes/no value (true/false, yes/no, y/n, 1/0, t/f)",
}
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_FIRST_S, _LAST_S = (pd.Timestamp(f"{y}-01-01", tz="UTC").timestamp() for y in (1678, 2262))


def convert_table(raw: pd.DataFrame, spec: TableSpec, mapping: TableMapping | None, *, timezone: str,
                  file: str, unread: ParquetColumns | None = None, skip: Callable[[str], bool] | None = None,
                  ids: list[pd.DataFrame] | None = None
                  ) -> tuple[pd.DataFrame, list[pd.DataFrame], dict[str, pd.Series]]:
    """Typed canonical frame (extras and source_row kept), the unparseable-cell issues, and per column
    the mask of unparseable cells (so an empty-required check does not report them twice).
    `raw` is emptied of each export column once the last rule reading it is converted, so a large
    table is not held twice (raw and typed) at the peak: the caller must not read it afterwards.
    `unread`: export columns not in `raw` yet, each added to it just before the first rule reading it.
    `skip`: canonical or extra columns not wanted (no check and no stage reads them), neither read nor
    typed; the mapping's rules for them are still checked against the file.
    `ids`: the id column is checked as soon as it is typed (quality.id_checks, appended to `ids` for
    check_table) and not kept: the interaction id, which nothing reads after the checks, is then never
    held beside the other columns (20 M rows: 365 MB off the load's peak)."""
    columns = [*(unread.names if unread else []), *raw.columns]
    rules = dict(mapping.columns) if mapping else {}
    _check_sources(columns, rules, file)
    consumed = {c for rule in rules.values() for c in rule.sources()}
    for name in columns:
        # An export column the mapping reads for another canonical column is that column's source,
        # not also a canonical column of its own name (`resolved_at: resolved`, where the export's
        # "resolved" holds timestamps); a required column is still read by its name.
        taken = name in consumed and name not in spec.required
        if name not in rules and spec.kind(name) is not None and not taken:
            rules[name] = ColumnRule(name, source=name)
    if skip is not None:
        rules = {target: rule for target, rule in rules.items() if target in spec.required or not skip(target)}
    out: dict[str, pd.Series] = {}
    issues: list[pd.DataFrame] = []
    bad_cells: dict[str, pd.Series] = {}
    ordered = sorted(rules, key=_order(spec))
    order = [t for t in ordered if not rules[t].derive] + [t for t in ordered if rules[t].derive]
    readers = Counter(c for t in order for c in rules[t].sources() if c != SOURCE_ROW)
    if unread is not None:  # each column decoded while the one before it is converted
        unread.plan(list(dict.fromkeys(c for t in order for c in rules[t].sources() if c not in raw)))
    for target in order:
        rule = rules[target]
        for name in rule.sources():
            if name not in raw and unread is not None:
                raw[name] = unread.read(name, coded=True)  # converters clean a Categorical by value
        if rule.derive:  # after every column it may add up (the mapping forbids deriving from a derive)
            values, bad, problem = _derive(raw, out, rule, file)
        else:
            kind = spec.kind(target) or LABEL
            values, bad, shown = _convert(raw, rule, kind, timezone)
            problem = f"{_label(rule)} '" + shown[bad] + f"' is not {_what(kind, rule)}" if bool(bad.any()) else ""
        if ids is not None and target == spec.id_column:
            ids += id_checks(pd.DataFrame({target: values, SOURCE_ROW: raw[SOURCE_ROW]}, copy=False), spec)
        else:
            out[target] = values
        if bool(bad.any()):
            bad_cells[target] = bad
            issues.append(issue(raw, bad, target, problem))
        readers.subtract(c for c in rule.sources() if c != SOURCE_ROW)
        for done in [c for c in rule.sources() if c in raw and readers[c] == 0]:
            del raw[done]
    missing = [c for c in spec.required if c not in rules]
    if missing:
        raise DataError([Problem(f"required column {c} is missing from {spec.name}", file=file, field=c,
                                 hint=MISSING_HINTS.get(c, MAPPING_HINT)) for c in missing])
    extras = [c for c in columns if c not in rules and c not in consumed and c != SOURCE_ROW
              and (skip is None or not skip(c))]
    frame = pd.DataFrame(out, index=raw.index, copy=False)
    for name in extras:
        frame[name] = raw[name] if name in raw or unread is None else unread.read(name)
    frame[SOURCE_ROW] = raw[SOURCE_ROW].astype("int64")
    return frame, issues, bad_cells


def _order(spec: TableSpec) -> Callable[[str], tuple[int, str]]:
    """Canonical columns in the order DATA.md lists them, servqual_* after."""
    names = list(spec.columns)
    return lambda c: (names.index(c), c) if c in names else (len(names), c)


def _check_sources(columns: list[str], rules: dict[str, ColumnRule], file: str) -> None:
    """Every export column a mapping names must exist in the file (all reported together)."""
    problems = [
        Problem(f"the mapping reads column {src!r} (for {rule.target}), which is not in the file", file=file,
                field=rule.target, hint=f"columns in the file: {', '.join(c for c in columns if c != SOURCE_ROW)}")
        for rule in rules.values() for src in rule.sources() if src not in columns
    ]
    if problems:
        raise DataError(problems)


def _label(rule: ColumnRule) -> str:
    """How a report names the column: canonical name, plus the export's column when renamed."""
    sources = rule.sources()
    if not sources or sources == (rule.target,):
        return rule.target
    return f"{rule.target} (from {' + '.join(sources)})"


def _what(kind: str, rule: ColumnRule) -> str:
    """What a cell of this column should hold, for the report."""
    return f"a number of {rule.unit}" if kind == SECONDS and rule.unit else _WHAT[kind]


def _convert(raw: pd.DataFrame, rule: ColumnRule, kind: str, timezone: str
             ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(typed values, unparseable mask, the raw text to show for unparseable cells)."""
    if rule.date is not None and rule.time is not None:
        date, time = _cells(raw[rule.date], rule), _cells(raw[rule.time], rule)
        values, bad = parse.combine_date_time(date, time, timezone, rule.fmt)
        shown = parse.to_label(date).fillna("") + " " + parse.to_label(time).fillna("")
        return values, bad, shown
    if rule.constant is not None:
        source = pd.Series(rule.constant, index=raw.index, dtype=parse.STRING)
    elif rule.row_number:
        source = raw[SOURCE_ROW].astype(parse.STRING)
    elif rule.join:
        source = _joined(raw, rule)
    else:
        source = _cells(raw[rule.source], rule)
    if rule.values:
        source = _map_values(source, rule.values)
    no_bad = pd.Series(False, index=raw.index)
    if kind == LABEL:  # channel values lower-case (ARCHITECTURE.md, stage 2 -> 3)
        values = parse.to_label(source, lower=rule.target == "channel", categorical=rule.target in CATEGORIES)
        return values, no_bad, source
    if kind == TIMESTAMP:
        values, bad = parse.to_timestamp(source, timezone, rule.fmt)
    elif kind == SECONDS and rule.fmt is not None:
        values, bad = parse.clock_seconds(source, two_parts="ms")
    elif kind in (NUMBER, SECONDS):
        values, bad = parse.to_number(source)
        values = values * rule.factor if kind == SECONDS else values
    elif kind == PERIOD:
        values, bad = parse.to_period(source)
    else:
        values, bad = parse.to_bool(source)
        values = ~values if rule.invert else values
    return values, bad, parse.to_label(source).fillna("") if bool(bad.any()) else source


def _map_values(source: pd.Series, table: dict[str, str | None]) -> pd.Series:
    """Replace an export's values by ours (keys matched trimmed and case-insensitively; others kept)."""
    text = parse.to_label(source)
    norm = text.str.lower()
    hit = norm.isin(list(table)).fillna(False).astype(bool)
    mapped = norm.map(table).astype(parse.STRING)
    return mapped.where(hit, text)


def _cells(column: pd.Series, rule: ColumnRule) -> pd.Series:
    """The column with the mapping's missing markers ("0:00:00", "-") emptied, before any reading."""
    if not rule.missing:
        return column
    marker = parse.to_label(column).str.lower().isin(list(rule.missing)).fillna(False).astype(bool)
    return column.mask(marker) if bool(marker.any()) else column


def _joined(raw: pd.DataFrame, rule: ColumnRule) -> pd.Series:
    """Ids built from several columns: their texts joined by `sep` (a missing part is empty; all missing: <NA>)."""
    parts = [parse.to_label(_cells(raw[c], rule)) for c in rule.join]
    text = parts[0].fillna("")
    for part in parts[1:]:
        text = text + rule.sep + part.fillna("")
    present = pd.concat([part.notna() for part in parts], axis=1).any(axis=1)
    return text.where(present).astype(parse.STRING)


def _derive(raw: pd.DataFrame, out: dict[str, pd.Series], rule: ColumnRule, file: str
            ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """target = timestamp + duration (answered_at only on rows not abandoned, abandoned_at only on
    abandoned rows), the mask of rows where the duration is unreadable or the sum leaves the timestamp
    range (a wait of 1e20 s would overflow), and the report text of those rows."""
    assert rule.derive is not None
    base, duration = rule.derive
    needs = [base, *([] if rule.plus else [duration]), *(["abandoned"] if rule.target in GATED else [])]
    missing = [c for c in needs if c not in out]
    if missing:
        raise DataError(Problem(f"deriving {rule.target} needs column(s) {', '.join(missing)}", file=file,
                                field=rule.target, hint=f"map {', '.join(missing)} too"))
    if rule.plus is not None:
        seconds, unreadable = parse.to_number(_cells(raw[rule.plus], rule))
        seconds = seconds * rule.factor
    else:
        seconds, unreadable = out[duration], pd.Series(False, index=raw.index)
    when = (out["abandoned"].eq(rule.target == "abandoned_at").fillna(False).astype(bool)
            if rule.target in GATED else pd.Series(True, index=raw.index))
    start = out[base]
    end = (start - _EPOCH).dt.total_seconds() + seconds
    fits = ((end > _FIRST_S) & (end < _LAST_S)).fillna(False).astype(bool)
    overflow = when & start.notna() & seconds.notna() & ~fits
    moment = start + pd.to_timedelta(seconds.where(fits), unit="s")
    problem = pd.Series("", index=raw.index, dtype=object)
    if bool(overflow.any()):
        written = seconds[overflow] / (rule.factor if rule.plus else 1.0)  # as the export writes it
        problem[overflow] = (f"{rule.target} = {base} + {duration} is not a readable timestamp ({duration} "
                             + written.map(lambda v: f"{v:g}") + ")")
    if bool(unreadable.any()):
        shown = parse.to_label(raw[rule.plus])[unreadable].fillna("")
        problem[unreadable] = f"{_label(rule)} '" + shown + f"' is not a number of {rule.unit or 'seconds'}"
    return moment.where(when & fits).astype(parse.UTC_NS), overflow | unreadable, problem
