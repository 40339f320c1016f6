"""Machine-readable results: results.csv / .json, credits.csv, calibration.csv, data_quality.csv
(docs/spec/OUTPUTS.md). Column names and order are the product's interface."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .atomic import atomic_path, write_chunks, write_text
from .evaluate import Evaluation
from .integrity.rules import SIGNAL_COLUMNS
from .credits import EXTRA_COLUMNS as CREDIT_EXTRA_COLUMNS
from .gap_shares import WHY_GRAINS
from .rootcause import root_causes
from .periods import parse_period

RESULT_COLUMNS = ["period", "kpi", "metric", "grain", "entity", "value", "n", "target", "minimum",
                  "status", "provisional"]
CREDIT_COLUMNS = ["period", "kpi", "value", "minimum", "missed", "allocation", "credit", "earned_back",
                  "chronic_failure", "paid"]
CALIBRATION_COLUMNS = ["period", "evaluator_id", "sessions", "scores", "within_tolerance",
                       "mean_abs_deviation", "bias", "krippendorff_alpha"]
QUALITY_COLUMNS = ["table", "row", "column", "problem", "action"]


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with `'` so it reads as text
    (`=HYPERLINK(...)` -> `'=HYPERLINK(...)`). Numbers are left alone (-3.5 stays a number), but text
    is text: an id "-3" becomes "'-3", as Excel would otherwise compute it."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def distinct(values: pd.Series) -> tuple[np.ndarray, list[str]] | None:
    """Each row's code into the column's distinct texts (-1: missing) and those texts, so that text
    is transformed once per distinct value (the same few periods, KPIs and statuses repeat); None
    for a column of other Python objects (1 and True, 0.0 and -0.0, Decimal 1.0 and 1.00 are equal
    keys, but not the same cell)."""
    codes, uniques = pd.factorize(values)
    texts = uniques.tolist()
    if isinstance(values.dtype, pd.StringDtype) or all(isinstance(u, str) for u in texts):
        return codes, texts
    return None


def distinct_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each number's code into the column's distinct numbers (-1: NaN) and those numbers, so that
    each is formatted once (counts repeat, so do rates); floats keyed by their bits: 0.0 and -0.0
    are equal numbers but not the same text."""
    floats = values.dtype.kind == "f"
    codes, uniques = pd.factorize(values.view(f"i{values.itemsize}") if floats else values)
    if floats:
        uniques = uniques.view(values.dtype)
        codes[np.isnan(values)] = -1
    return codes, uniques


def _mapped(values: pd.Series, transform: Callable[[object], object]) -> pd.Series:
    """`values.astype(object).map(transform)`, transforming each distinct text once."""
    found = distinct(values)
    if found is None:
        return values.astype(object).map(transform)
    codes, texts = found
    done = np.array([transform(u) for u in texts] + [np.nan], dtype=object)
    return pd.Series(done[codes], index=values.index, dtype=object)


def _cell(value: object) -> object:
    """A text cell neutralised, its carriage returns as line feeds: the CSV writer quotes a cell
    holding a line feed, but not one holding a lone CR, which would split the row in a spreadsheet."""
    value = neutralise(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _french_cell(value: object) -> object:
    """An excel-fr text cell: money (Decimal) with a decimal comma, as pandas' `decimal=` only
    changes floats; other values as `_cell`."""
    return str(value).replace(".", ",") if isinstance(value, Decimal) else _cell(value)


def csv_text(frame: pd.DataFrame, columns: list[str], extra: Sequence[str] = (), dialect: str = "default") -> str:
    """CSV text with the interface columns first; booleans as true/false, missing as empty, and
    text cells neutralised (`neutralise`). Every CSV the product writes is this text."""
    made = _csv(frame, columns, extra, dialect)
    return made if isinstance(made, str) else b"".join(made).decode("utf-8")


def write_csv(path: Path, frame: pd.DataFrame, columns: list[str], extra: Sequence[str] = (),
              dialect: str = "default") -> Path:
    """`csv_text` written to `path` (atomically) as its bytes are made: results.csv (43 MB at 5 M
    interactions) is never one text, nor copied to be encoded."""
    made = _csv(frame, columns, extra, dialect)
    return write_text(path, made) if isinstance(made, str) else write_chunks(path, made)


def _csv(frame: pd.DataFrame, columns: list[str], extra: Sequence[str], dialect: str) -> str | list[bytes | memoryview]:
    """`csv_text`'s text, or its UTF-8 bytes in pieces when made column by column (csv_rows)."""
    cols = columns + [c for c in extra if c in frame.columns and c not in columns]
    french = dialect == "excel-fr"
    if not french:  # made column by column, when its columns are of the usual types
        from .csv_rows import csv_columns  # csv_rows reads this module's `distinct`

        parts = csv_columns(frame.reindex(columns=cols), _cell)
        if parts is not None:
            return parts
    out = frame.reindex(columns=cols).copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"}).astype(object)
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = _mapped(out[col], _french_cell if french else _cell)
    if french:
        return "\ufeff" + out.to_csv(index=False, lineterminator="\n", sep=";", decimal=",")
    return out.to_csv(index=False, lineterminator="\n")


# Tables beyond the KPI rows that results.json carries per period (see sections.py).
SECTIONS_IN_JSON = ("calibration_items", "qa_audit", "contact_reasons", "qa_errors_by_category",
                    "volume_profile")
# the columns of the KPI rows that rootcause.py reads
ROOT_CAUSE_READS = ["period", "kpi", "grain", "entity", "value", "n", "status"]


class _ByPeriod:
    """A table's rows by period: its period column factorized once, so that each period takes its
    rows by integer codes (a text comparison of 10^5+ rows per period was much of the time)."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame if frame is not None and "period" in frame else None
        if self.frame is not None:
            self.codes, uniques = pd.factorize(self.frame["period"])
            self.index = {label: i for i, label in enumerate(uniques.tolist())}

    def rows(self, periods: Sequence[str]) -> np.ndarray:
        """The positions of the rows of `periods`, in the table's order."""
        wanted = [self.index[p] for p in periods if p in self.index]
        return np.flatnonzero(np.isin(self.codes, wanted))


class _Table(_ByPeriod):
    """A table of results.json, its records encoded once (json_rows), written period by period;
    without its period column when `drop`. A missing table, or one without periods, has no rows
    nor columns."""

    def __init__(self, frame: pd.DataFrame | None, drop: bool = False) -> None:
        from .json_rows import Records  # json_rows reads this module's `distinct`

        super().__init__(frame)
        shown = pd.DataFrame() if self.frame is None else self.frame.drop(columns=["period"]) if drop else self.frame
        self.records = Records(shown)

    def write(self, out: IO[bytes], periods: Sequence[str]) -> None:
        self.records.write(out, None if self.frame is None else self.rows(periods))


def results_json(ev: Evaluation, out: IO[bytes]) -> None:
    """results.json written into `out`: the same content as the CSVs, nested by period, with
    provenance; piece by piece, so that its text (189 MB at 5 M interactions) is never whole."""
    from .json_rows import Records

    c = ev.contract
    head = {
        "generator": f"scorecard {__version__}",
        "contract": {"id": c.id, "client": c.client, "vendor": c.vendor, "currency": c.currency,
                     "timezone": c.timezone, "path": c.path, "version_hash": c.version_hash},
        "inputs": [{"file": f, "sha256": h} for f, h in sorted(ev.inputs.items())],
    }
    if ev.versions:  # an amended contract: which version applied to each asked month
        asked = [m for label in ev.periods for m in parse_period(label).months()]
        head["contract_versions"] = [use.summary(asked) for use in ev.versions if use.summary(asked)["months"]]
    out.write((json.dumps(head, ensure_ascii=False)[:-1] + ',"periods":[').encode("utf-8"))
    tables = {"overall": _Table(ev.overall), "kpis": _Table(ev.results, drop=True),
              "credits": _Table(ev.credits), "calibration": _Table(ev.calibration),
              **{name: _Table(ev.sections.get(name), drop=True) for name in SECTIONS_IN_JSON}}
    # root causes read this period's rows of the vendor and the grains that explain it only: the
    # whole table rescanned per period cost more (agents are most of its rows)
    for_causes = ev.results.loc[ev.results["grain"].isin(("vendor", *WHY_GRAINS)), ROOT_CAUSE_READS]
    by_period = _ByPeriod(for_causes)
    for i, label in enumerate(ev.periods):
        out.write((("," if i else "") + '{"period":' + json.dumps(label)).encode("utf-8"))
        for name, table in tables.items():
            out.write(f',"{name}":'.encode("utf-8"))
            table.write(out, parse_period(label).months() if name == "credits" else [label])
        causes = root_causes(replace(ev, results=for_causes.iloc[by_period.rows([label])]), label)
        out.write(b',"root_causes":')
        Records(causes.drop(columns=["period"])).write(out)
        out.write(b"}")
    quarantined = int((ev.quality["action"] == "quarantined").sum()) if len(ev.quality) else 0
    out.write(f'],"data_quality":{{"problems":{len(ev.quality)},"quarantined_rows":{quarantined},"rows":'
              .encode("utf-8"))
    Records(ev.quality.reindex(columns=QUALITY_COLUMNS)).write(out)
    out.write(b"}}\n")


def write_json(ev: Evaluation, path: Path) -> Path:
    """results.json (atomically), streamed into its file (`results_json`)."""
    with atomic_path(path) as tmp:
        with tmp.open("wb") as out:
            results_json(ev, out)
    return Path(path)


def write_results(ev: Evaluation, out_dir: Path, *, csv_dialect: str = "default",
                  lang: str | None = None) -> list[Path]:
    """Write every result file into out_dir (each one atomically, each CSV's text dropped once
    written), results.xlsx in `lang` (default: the contract's language); return the paths written."""
    from .xlsx import write_xlsx  # xlsx.py reads this module's column lists

    out_dir = Path(out_dir)
    csvs: dict[str, tuple[pd.DataFrame, list[str], Sequence[str]]] = {
        "results.csv": (ev.results, RESULT_COLUMNS, ()),
        "credits.csv": (ev.credits, CREDIT_COLUMNS, [*CREDIT_EXTRA_COLUMNS, "contract_version"]),
        "calibration.csv": (ev.calibration, CALIBRATION_COLUMNS, ["spread", "tendency"]),
        "data_quality.csv": (ev.quality, QUALITY_COLUMNS, ()),
        "integrity.csv": (ev.integrity, SIGNAL_COLUMNS, ()),
    }
    files: dict[str, Callable[[], Path]] = {
        **{name: partial(write_csv, out_dir / name, *table, dialect=csv_dialect) for name, table in csvs.items()},
        "results.json": lambda: write_json(ev, out_dir / "results.json"),
        "results.parquet": lambda: write_parquet(ev.results, out_dir / "results.parquet"),
        "results.xlsx": lambda: write_xlsx(ev, out_dir / "results.xlsx", lang)}
    # the longest first: the others fill the second thread meanwhile
    return run_writers(files, first=["results.xlsx", "results.json", "results.csv"])


# Result files written at once: each writer spends most of its time where Python lets the other
# thread run (zlib, Arrow's kernels, hashing, writes and fsync). Two threads: the files are few,
# and each thread's transient buffers add to the peak.
WRITERS = 2


def run_writers(jobs: dict[str, Callable[[], Path]], first: Sequence[str] = (), workers: int = WRITERS) -> list[Path]:
    """Run the file writers `jobs` on `workers` threads, `first` started first; return their paths
    in the jobs' order. On an error the writers not started are cancelled and the running ones
    finish (none is left writing into a staging folder about to be removed), then the first error
    in the jobs' order is raised as its writer raised it."""
    pool = ThreadPoolExecutor(workers, thread_name_prefix="result-files")
    try:
        started = {name: pool.submit(jobs[name]) for name in dict.fromkeys([*first, *jobs])}
        wait(started.values(), return_when=FIRST_EXCEPTION)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    futures = [started[name] for name in jobs]
    for future in futures:
        error = None if future.cancelled() else future.exception()
        if error is not None:
            raise error
    return [future.result() for future in futures]


# results.parquet: the columns of results.csv, these typed, the others text as the CSV writes them
PARQUET_TYPES = {"value": pa.float64(), "n": pa.int64(), "provisional": pa.bool_()}


def write_parquet(results: pd.DataFrame, path: Path) -> Path:
    """results.parquet (atomically): the rows of results.csv with typed columns, so a tool reading
    hundreds of thousands of rows gets numbers and booleans without parsing text. Missing (NaN
    included) is null; text is not neutralised: no spreadsheet runs a Parquet cell as a formula."""
    frame = results.reindex(columns=RESULT_COLUMNS)
    table = pa.table({col: pa.array(frame[col] if col in PARQUET_TYPES else frame[col].astype("string"),
                                    type=PARQUET_TYPES.get(col, pa.string()), from_pandas=True)
                      for col in RESULT_COLUMNS})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)
