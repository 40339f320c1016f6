"""Machine-readable results: results.csv / .json, credits.csv, calibration.csv, data_quality.csv
(docs/spec/OUTPUTS.md). Column names and order are the product's interface."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .atomic import atomic_path, write_text
from .evaluate import Evaluation
from .integrity.rules import SIGNAL_COLUMNS
from .credits import EXTRA_COLUMNS as CREDIT_EXTRA_COLUMNS
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


# `--csv-dialect`: "default" is spec/OUTPUTS.md's (comma, dot decimal, no BOM); "excel-fr" is what a
# French Excel opens by double-click (semicolon, decimal comma, UTF-8 BOM so accents are read right).
CSV_DIALECTS = ("default", "excel-fr")


def _french_cell(value: object) -> object:
    """An excel-fr text cell: money (Decimal) with a decimal comma, as pandas' `decimal=` only
    changes floats; other values as `_cell`."""
    return str(value).replace(".", ",") if isinstance(value, Decimal) else _cell(value)


def csv_text(frame: pd.DataFrame, columns: list[str], extra: Sequence[str] = (), dialect: str = "default") -> str:
    """CSV text with the interface columns first; booleans as true/false, missing as empty, and
    text cells neutralised (`neutralise`). Every CSV the product writes goes through here."""
    cols = columns + [c for c in extra if c in frame.columns and c not in columns]
    out = frame.reindex(columns=cols).copy()
    french = dialect == "excel-fr"
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"}).astype(object)
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = _mapped(out[col], _french_cell if french else _cell)
    if french:
        return "\ufeff" + out.to_csv(index=False, lineterminator="\n", sep=";", decimal=",")
    return out.to_csv(index=False, lineterminator="\n")


MONEY_COLUMNS = ("credit", "earned_back", "paid", "bonus", "would_have_been")
JSON_CHUNK = 65_536  # rows encoded at once: a few tens of MB of text, whatever the table's size


def _write_rows(out: IO[str], frame: pd.DataFrame) -> None:
    """A frame's rows as a JSON array (NaN -> null) from pandas' C encoder, written into `out`
    chunk by chunk: results and data problems can be 10^6 rows, so their text is never whole in
    memory (each record is encoded on its own: the chunks join into the text of the whole frame).
    Money (Decimal, already rounded to the minor unit) is written as a JSON number: 15 significant
    digits print every amount below 10^13 with its exact cents, and readers of results.json get
    numbers, as for every value."""
    money = {c: frame[c].map(lambda v: float(v) if isinstance(v, Decimal) else v)
             for c in MONEY_COLUMNS if c in frame.columns}
    frame = frame.assign(**money) if money else frame
    out.write("[")
    first = True
    for start in range(0, len(frame), JSON_CHUNK):
        text = frame.iloc[start:start + JSON_CHUNK].to_json(orient="records", double_precision=15,
                                                            date_format="iso", force_ascii=False)
        if len(text) > 2:  # "[]": rows without columns are no records
            out.write(text[1:-1] if first else "," + text[1:-1])
            first = False
    out.write("]")


# Tables beyond the KPI rows that results.json carries per period (see sections.py).
SECTIONS_IN_JSON = ("calibration_items", "qa_audit", "contact_reasons", "qa_errors_by_category",
                    "volume_profile")
# the columns of the KPI rows that rootcause.py reads
ROOT_CAUSE_READS = ["period", "kpi", "grain", "entity", "value", "n", "status"]


class _ByPeriod:
    """A frame's rows by period: its period column factorized once, so that each period takes its
    rows by integer codes (a text comparison of 10^5+ rows per period was most of the time)."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame
        if frame is not None and "period" in frame:
            self.codes, uniques = pd.factorize(frame["period"])
            self.index = {label: i for i, label in enumerate(uniques.tolist())}

    def rows(self, periods: Sequence[str], drop: bool = False) -> pd.DataFrame:
        """The rows of `periods` in the frame's order (without the period column when `drop`); no
        rows nor columns for a missing table or one without periods, as results.json writes it."""
        if self.frame is None or "period" not in self.frame:
            return pd.DataFrame()
        wanted = [self.index[p] for p in periods if p in self.index]
        found = self.frame.iloc[np.flatnonzero(np.isin(self.codes, wanted))]
        return found.drop(columns=["period"]) if drop else found


def results_json(ev: Evaluation, out: IO[str]) -> None:
    """results.json written into `out`: the same content as the CSVs, nested by period, with
    provenance; piece by piece, so that its text (189 MB at 5 M interactions) is never whole."""
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
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',"periods":[')
    results, overall = _ByPeriod(ev.results), _ByPeriod(ev.overall)
    credits, calibration = _ByPeriod(ev.credits), _ByPeriod(ev.calibration)
    sections = {name: _ByPeriod(ev.sections.get(name)) for name in SECTIONS_IN_JSON}
    # root causes read this period's KPI rows only: the whole table rescanned per period cost more
    for_causes = _ByPeriod(ev.results[ROOT_CAUSE_READS])
    for i, label in enumerate(ev.periods):
        tables = [("overall", overall.rows([label])), ("kpis", results.rows([label], drop=True)),
                  ("credits", credits.rows(parse_period(label).months())),
                  ("calibration", calibration.rows([label])),
                  *[(name, sections[name].rows([label], drop=True)) for name in SECTIONS_IN_JSON],
                  ("root_causes", root_causes(replace(ev, results=for_causes.rows([label])), label)
                   .drop(columns=["period"]))]
        out.write(("," if i else "") + '{"period":' + json.dumps(label))
        for name, frame in tables:
            out.write(f',"{name}":')
            _write_rows(out, frame)
        out.write("}")
    quarantined = int((ev.quality["action"] == "quarantined").sum()) if len(ev.quality) else 0
    out.write(f'],"data_quality":{{"problems":{len(ev.quality)},"quarantined_rows":{quarantined},"rows":')
    _write_rows(out, ev.quality.reindex(columns=QUALITY_COLUMNS))
    out.write("}}\n")


def write_json(ev: Evaluation, path: Path) -> Path:
    """results.json (atomically), streamed into its file (`results_json`)."""
    with atomic_path(path) as tmp:
        with tmp.open("w", encoding="utf-8") as out:
            results_json(ev, out)
    return Path(path)


def write_results(ev: Evaluation, out_dir: Path, *, csv_dialect: str = "default",
                  lang: str | None = None) -> list[Path]:
    """Write every result file into out_dir (each one atomically, each CSV's text dropped once
    written), results.xlsx in `lang` (default: the contract's language); return the paths written."""
    from .xlsx import write_xlsx  # xlsx.py reads this module's column lists

    out_dir = Path(out_dir)
    csvs = {
        "results.csv": lambda: csv_text(ev.results, RESULT_COLUMNS, dialect=csv_dialect),
        "credits.csv": lambda: csv_text(ev.credits, CREDIT_COLUMNS, [*CREDIT_EXTRA_COLUMNS, "contract_version"],
                                        dialect=csv_dialect),
        "calibration.csv": lambda: csv_text(ev.calibration, CALIBRATION_COLUMNS, ["spread", "tendency"],
                                            csv_dialect),
        "data_quality.csv": lambda: csv_text(ev.quality, QUALITY_COLUMNS, dialect=csv_dialect),
        "integrity.csv": lambda: csv_text(ev.integrity, SIGNAL_COLUMNS, dialect=csv_dialect),
    }
    written = [write_text(out_dir / name, text()) for name, text in csvs.items()]
    return written + [write_json(ev, out_dir / "results.json"), write_parquet(ev.results, out_dir / "results.parquet"),
                      write_xlsx(ev, out_dir / "results.xlsx", lang)]


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
