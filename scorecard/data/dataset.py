"""`load_dataset`: a data folder (or one export file) -> clean canonical tables + the quality report.

Files are found by table name (interactions.csv, qa_evaluations.parquet, ...) or by the mapping's
`file:` pattern; every table is optional, other files are listed in `Dataset.ignored`. All problems
that stop reading (unreadable file, missing required column, mapping naming absent columns) are
collected over every table and raised together in one DataError.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..contract.model import Contract
from ..errors import DataError, Problem
from .idcodes import id_codes
from .convert import convert_table
from .mapping import Mapping, constant_inputs, resolve_mapping
from .plausibility import BLOCKS, nothing_left, plausibility
from .quality import check_table, checks_for, empty_report, quarantine
from .readers import EXTENSIONS, SOURCE_ROW, read_table
from .schema import TABLES, TableSpec
from .sources import DatabaseTable, is_source, source_tables

NARROW_ROWS = 1 << 20  # rows of a float column compared with their float32 at a time (dataset.read_later)


@dataclass(frozen=True)
class ConstantInput:
    """Columns of a table that are not a measurement the tool can stand behind: a KPI whose measured
    inputs include all of `columns` is not measurable. Fixed by construction: the mapping sets one
    column to a constant (`abandoned: {value: false}`), or reads two from the same export column, so
    their difference is 0 in every row (tickets: created_at = first_response_at). Implausible as a
    whole: a blocking plausibility warning (handle times in minutes read as seconds, a survey on
    another scale than the contract's)."""

    table: str
    columns: frozenset[str]
    reason: str  # plain words naming the mapping line or the warning, shown as the KPI's note


@dataclass
class Dataset:
    """Clean canonical tables and what was wrong with the input (docs/ARCHITECTURE.md, stage 2 -> 3)."""

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    files: dict[str, str]
    hashes: dict[str, str]
    ignored: list[str]
    # data rows read per table (blank lines not counted): the denominator of the quarantine shares
    rows_read: dict[str, int] = field(default_factory=dict)
    # table -> boolean frame aligned with tables[table] (same index), one column per canonical column
    # that had cells cleared by the data checks: True where the cell was emptied because its value was
    # bad. A KPI measuring that column leaves such rows out (the value is unknown, not absent).
    cleared: dict[str, pd.DataFrame] = field(default_factory=dict)
    constants: tuple[ConstantInput, ...] = ()


def load_dataset(path: Path, *, contract: Contract, mapping: str | Path | None = None,
                 all_columns: bool = False) -> Dataset:
    """Read, map, type and check every table found at `path` (a folder, or one interactions export).
    The tables hold the columns the stages after the checks read (`read_later`), unless `all_columns`."""
    rules = resolve_mapping(mapping)
    path = Path(path)
    files: dict[str, Path | DatabaseTable]
    ignored: list[str]
    if is_source(path):
        files, ignored = dict(source_tables(path)), []
    elif path.is_dir():
        found, ignored = _discover(path, rules)
        files = dict(found)
    elif path.is_file():
        files, ignored = {"interactions": path}, []
    else:
        raise DataError(Problem("no such file or folder", file=str(path),
                                hint="--data takes a folder of canonical tables or one export file"))
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    reports: list[pd.DataFrame] = []
    rows_read: dict[str, int] = {}
    cleared: dict[str, pd.DataFrame] = {}
    unusable: list[ConstantInput] = []
    checks = checks_for(contract)
    for name, file in files.items():
        table_rules = rules.tables.get(name) if rules else None
        # an id nothing reads after the checks is checked as it is typed, never held (peak memory)
        ids: list[pd.DataFrame] | None
        ids = [] if not all_columns and TABLES[name].id_column in TABLES[name].unread else None
        try:
            raw = read_table(file, sheet=table_rules.sheet if table_rules else None, on_demand=True)
            rows_read[name] = raw.rows_read
            reports.append(raw.quality(name))  # blank lines (skipped) and malformed lines (quarantined)
            frame, issues, unparsed = convert_table(raw.frame, TABLES[name], table_rules, unread=raw.unread,
                                                    timezone=contract.timezone, file=str(file),
                                                    skip=None if all_columns else unchecked(TABLES[name]), ids=ids)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        del raw  # the raw copy of a large table is not needed past conversion (peak memory)
        warnings = plausibility(frame, TABLES[name], checks)
        unusable += unusable_inputs(name, warnings)
        issues += (check_table(frame, TABLES[name], checks, unparsed, (ids[0], ids[1]) if ids else None)
                   + [w.drop(columns=BLOCKS) for w in warnings])
        clean, report, cells = quarantine(frame, TABLES[name], issues)
        # `clean` shares the columns of `frame`: what read_later drops (source_row, the extras) is freed
        # only once `frame` is, not when the next table rebinds it (peak memory)
        del frame, issues, unparsed, ids
        tables[name] = observed_categories(clean if all_columns else read_later(clean, TABLES[name]))
        if cells is not None:
            cleared[name] = cells
        reports.append(report)
    if problems:
        raise DataError(problems)
    reports = [r for r in reports if len(r)]
    quality = pd.concat(reports, ignore_index=True) if reports else empty_report()
    if rows_read.get("interactions") and tables["interactions"].empty:
        raise DataError(nothing_left(quality, "interactions", str(files["interactions"]), rows_read["interactions"]))
    return Dataset(tables=tables, quality=quality, files={t: str(f) for t, f in files.items()},
                   hashes={str(f): _sha256(f) for f in files.values()}, ignored=ignored, cleared=cleared,
                   rows_read=rows_read, constants=(*(constant_inputs(rules) if rules else ()), *unusable))


def unchecked(spec: TableSpec) -> Callable[[str], bool]:
    """Columns of `spec`'s table that are not even read: the `unread` ones no data check reads (every
    one but the id) and the export's extra columns where no check reads them (a ticket export's
    descriptions, 85 % of its bytes, are then never typed; a cost line's are: TableSpec.checks_extras).
    A KPI filter names canonical label columns only (read_kpis.FILTER_COLUMNS)."""
    def skipped(column: str) -> bool:
        extra = spec.kind(column) is None
        return column != spec.id_column and (column in spec.unread or (extra and not spec.checks_extras))
    return skipped


def read_later(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """`frame` without what only the data checks read: `source_row` (data_quality.csv's row numbers),
    the table's `unread` columns (the interaction id: 5 M rows of text are 95 MB) and the extra columns
    a check read; its `compared` columns as codes (`as_codes`), its `narrowed` ones as float32 where
    every value is one (a survey answer, a handle time in whole seconds: 4 bytes a row each, not 8;
    every reader takes them as float64, exactly the values read). In place: the frame is the caller's own."""
    for column in list(frame.columns):
        if column == SOURCE_ROW or column in spec.unread or spec.kind(column) is None:
            del frame[column]
        elif column in spec.compared:
            frame[column] = as_codes(frame[column])
        elif column in spec.narrowed and frame[column].dtype == np.float64 and _exact_in_float32(frame[column]):
            frame[column] = frame[column].astype(np.float32)
    return frame


def _exact_in_float32(column: pd.Series) -> bool:
    """Whether every value of a float64 column is a float32 too (NaN included), read a slice at a
    time: the column is then held in half the bytes and read back as the very same float64s."""
    values = column.to_numpy()
    for start in range(0, len(values), NARROW_ROWS):
        part = values[start:start + NARROW_ROWS]
        with np.errstate(over="ignore"):  # 1e300 becomes inf, which differs: the column stays float64
            narrow = part.astype(np.float32)
        if not ((narrow == part) | np.isnan(part)).all():
            return False
    return True


def as_codes(column: pd.Series) -> pd.Series:
    """An id column as nullable Int32 codes: equal ids equal codes, distinct ids distinct ones, <NA>
    where the id is missing (idcodes.py: no hash table for ids of one width). 5 M customer ids:
    5 bytes a row against 18 as Arrow text."""
    codes = id_codes(column)
    return pd.Series(pd.arrays.IntegerArray(codes, codes < 0), index=column.index, name=column.name)


def observed_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Each Categorical column's categories cut to the values its rows hold, so that a quarantined row's
    value (an unknown channel) or a cleared cell's is not listed by a consumer reading the categories
    (value_counts, a groupby with observed=False). Counted on the codes: no sort of millions of rows."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy()
            used = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)) > 0
            if not used.all():
                frame[column] = values.cat.remove_categories(values.cat.categories[~used])
    return frame


def unusable_inputs(table: str, warnings: list[pd.DataFrame]) -> list[ConstantInput]:
    """The columns a blocking plausibility warning says the tool cannot stand behind, as constants:
    the engine makes every KPI measuring them not measurable, with the warning as its note."""
    return [ConstantInput(table, frozenset({column}), f"{table}.{column}: {problem}")
            for w in warnings for column, problem, blocks in w[["column", "problem", BLOCKS]].itertuples(index=False)
            if blocks]


def _discover(folder: Path, rules: Mapping | None) -> tuple[dict[str, Path], list[str]]:
    """Table name -> file, and the names of the other entries of the folder (hidden ones aside)."""
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for table in TABLES:
        pattern = rules.tables[table].file if rules and table in rules.tables else None
        if pattern is not None:
            hits = [p for p in entries if p.is_file() and fnmatch.fnmatch(p.name, pattern)]
        else:
            hits = [p for p in entries if p.is_file() and p.stem.lower() == table
                    and p.suffix.lower() in EXTENSIONS]
        if len(hits) > 1:
            problems.append(Problem(f"several files hold table {table}: {', '.join(p.name for p in hits)}",
                                    file=str(folder), field=table, hint="keep one file per table"))
        elif hits:
            found[table] = hits[0]
        elif pattern is not None:
            problems.append(Problem(f"the mapping reads table {table} from {pattern!r}, and no file matches",
                                    file=str(folder), field=table, hint="fix `file:` in the mapping"))
    if not found and not problems:
        problems.append(Problem("no canonical table in this folder", file=str(folder),
                                hint=f"name files after the tables ({', '.join(TABLES)}) with .csv, .parquet "
                                     "or .xlsx, or pass one export file with --data FILE"))
    if problems:
        raise DataError(problems)
    used = set(found.values())
    return found, [p.name + ("/" if p.is_dir() else "") for p in entries if p not in used]


def _sha256(path: Path | DatabaseTable) -> str:
    if not isinstance(path, Path):  # a database table: a fingerprint of the rows read
        return path.sha256()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
