"""One raw table + its mapping rules -> the typed canonical frame, and the cells that did not parse.

Every canonical column goes through the converter of its kind (schema.py), whether it came by name,
renamed, combined from a date and a time, mapped from an export's vocabulary or set as a constant,
so a CSV, a Parquet file and a workbook with the same content give the same frame.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from ..errors import DataError, Problem
from . import parse
from .mapping import DERIVABLE, ColumnRule, TableMapping
from .quality import issue
from .readers import SOURCE_ROW
from .schema import BOOL, LABEL, NUMBER, PERIOD, SECONDS, TIMESTAMP, TableSpec

MAPPING_HINT = "use --mapping to rename your export's columns; see `scorecard presets`"
_WHAT = {
    TIMESTAMP: "a readable timestamp (ISO 8601 like 2026-03-01 14:05, or the mapping's format)",
    NUMBER: "a number", SECONDS: "a duration in seconds", PERIOD: "a month written YYYY-MM",
    BOOL: "a yes/no value (true/false, yes/no, y/n, 1/0, t/f)",
}
_DERIVE_NEEDS = ("created_at", "wait_s", "abandoned")
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_FIRST_S, _LAST_S = (pd.Timestamp(f"{y}-01-01", tz="UTC").timestamp() for y in (1678, 2262))


def convert_table(raw: pd.DataFrame, spec: TableSpec, mapping: TableMapping | None, *, timezone: str,
                  file: str) -> tuple[pd.DataFrame, list[pd.DataFrame], dict[str, pd.Series]]:
    """Typed canonical frame (extras and source_row kept), the unparseable-cell issues, and per column
    the mask of unparseable cells (so an empty-required check does not report them twice)."""
    rules = dict(mapping.columns) if mapping else {}
    _check_sources(raw, rules, spec, file)
    consumed = {c for rule in rules.values() for c in rule.sources()}
    for name in raw.columns:
        if name not in rules and spec.kind(name) is not None:
            rules[name] = ColumnRule(name, source=name)
    out: dict[str, pd.Series] = {}
    issues: list[pd.DataFrame] = []
    bad_cells: dict[str, pd.Series] = {}
    for target in sorted(rules, key=_order(spec)):
        rule = rules[target]
        if rule.derive:
            continue
        kind = spec.kind(target) or LABEL
        values, bad, shown = _convert(raw, rule, kind, timezone)
        out[target] = values.str.lower() if target == "channel" else values
        if bool(bad.any()):
            bad_cells[target] = bad
            issues.append(issue(raw, bad, target, f"{_label(rule)} '" + shown[bad] + f"' is not {_WHAT[kind]}"))
    for target in DERIVABLE:
        if target in rules and rules[target].derive:
            out[target], bad = _derive(out, target, file)
            if bool(bad.any()):
                bad_cells[target] = bad
                issues.append(issue(raw, bad, target, f"{target} = created_at + wait_s is not a readable "
                                    "timestamp (wait_s " + out["wait_s"][bad].map(lambda v: f"{v:g}") + ")"))
    missing = [c for c in spec.required if c not in out]
    if missing:
        raise DataError([Problem(f"required column {c} is missing from {spec.name}", file=file, field=c,
                                 hint=MAPPING_HINT) for c in missing])
    extras = [c for c in raw.columns if c not in out and c not in consumed and c != SOURCE_ROW]
    frame = pd.DataFrame(out, index=raw.index)
    for name in extras:
        frame[name] = raw[name]
    frame[SOURCE_ROW] = raw[SOURCE_ROW].astype("int64")
    return frame, issues, bad_cells


def _order(spec: TableSpec) -> Callable[[str], tuple[int, str]]:
    """Canonical columns in the order DATA.md lists them, servqual_* after."""
    names = list(spec.columns)
    return lambda c: (names.index(c), c) if c in names else (len(names), c)


def _check_sources(raw: pd.DataFrame, rules: dict[str, ColumnRule], spec: TableSpec, file: str) -> None:
    """Every export column a mapping names must exist in the file (all reported together)."""
    problems = [
        Problem(f"the mapping reads column {src!r} (for {rule.target}), which is not in the file", file=file,
                field=rule.target, hint=f"columns in the file: {', '.join(c for c in raw.columns if c != SOURCE_ROW)}")
        for rule in rules.values() for src in rule.sources() if src not in raw.columns
    ]
    if problems:
        raise DataError(problems)


def _label(rule: ColumnRule) -> str:
    """How a report names the column: canonical name, plus the export's column when renamed."""
    sources = rule.sources()
    if not sources or sources == (rule.target,):
        return rule.target
    return f"{rule.target} (from {' + '.join(sources)})"


def _convert(raw: pd.DataFrame, rule: ColumnRule, kind: str, timezone: str
             ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(typed values, unparseable mask, the raw text to show for unparseable cells)."""
    if rule.date is not None and rule.time is not None:
        values, bad = parse.combine_date_time(raw[rule.date], raw[rule.time], timezone, rule.fmt)
        shown = parse.to_label(raw[rule.date]).fillna("") + " " + parse.to_label(raw[rule.time]).fillna("")
        return values, bad, shown
    if rule.constant is not None:
        source = pd.Series(rule.constant, index=raw.index, dtype=parse.STRING)
    else:
        source = raw[rule.source]
    if rule.values:
        source = _map_values(source, rule.values)
    no_bad = pd.Series(False, index=raw.index)
    if kind == LABEL:
        return parse.to_label(source), no_bad, source
    if kind == TIMESTAMP:
        values, bad = parse.to_timestamp(source, timezone, rule.fmt)
    elif kind == SECONDS and rule.fmt is not None:
        values, bad = parse.clock_seconds(source, two_parts="ms")
    elif kind in (NUMBER, SECONDS):
        values, bad = parse.to_number(source)
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


def _derive(out: dict[str, pd.Series], target: str, file: str) -> tuple[pd.Series, pd.Series]:
    """answered_at (rows not abandoned) or abandoned_at (abandoned rows) = created_at + wait_s, and the
    mask of rows where that sum leaves the timestamp range (a wait of 1e20 s would overflow)."""
    missing = [c for c in _DERIVE_NEEDS if c not in out]
    if missing:
        raise DataError(Problem(f"deriving {target} needs column(s) {', '.join(missing)}", file=file,
                                field=target, hint="map created_at, wait_s and abandoned too"))
    when = out["abandoned"].eq(target == "abandoned_at").fillna(False).astype(bool)
    created, wait = out["created_at"], out["wait_s"]
    end = (created - _EPOCH).dt.total_seconds() + wait
    fits = ((end > _FIRST_S) & (end < _LAST_S)).fillna(False).astype(bool)
    bad = when & created.notna() & wait.notna() & ~fits
    moment = created + pd.to_timedelta(wait.where(fits), unit="s")
    return moment.where(when & fits).astype(parse.UTC_NS), bad
