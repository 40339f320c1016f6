"""Machine-readable results: results.csv / .json, credits.csv, calibration.csv, data_quality.csv
(../shared/spec/OUTPUTS.md). Column names and order are the product's interface."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .atomic import write_text
from .evaluate import Evaluation

RESULT_COLUMNS = ["period", "kpi", "metric", "grain", "entity", "value", "n", "target", "minimum",
                  "status", "provisional"]
CREDIT_COLUMNS = ["period", "kpi", "value", "minimum", "missed", "allocation", "credit", "earned_back",
                  "chronic_failure"]
CALIBRATION_COLUMNS = ["period", "evaluator_id", "sessions", "scores", "within_tolerance",
                       "mean_abs_deviation", "bias", "krippendorff_alpha"]
QUALITY_COLUMNS = ["table", "row", "column", "problem", "action"]


def _csv(frame: pd.DataFrame, columns: list[str], extra: list[str] = ()) -> str:
    """CSV text with the interface columns first; booleans as true/false, missing as empty."""
    cols = columns + [c for c in extra if c in frame.columns and c not in columns]
    out = frame.reindex(columns=cols).copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"}).astype(object)
    return out.to_csv(index=False, lineterminator="\n")


def _json_value(v: Any) -> Any:
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if v is pd.NA or v is pd.NaT or v is None:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def results_document(ev: Evaluation) -> dict[str, Any]:
    """results.json: the same content as the CSVs, nested by period, with provenance."""
    c = ev.contract
    periods = []
    for label in ev.periods:
        rows = ev.results[ev.results["period"] == label]
        periods.append({
            "period": label,
            "overall": _records(ev.overall[ev.overall["period"] == label]),
            "kpis": _records(rows.drop(columns=["period"], errors="ignore")),
            "credits": _records(ev.credits[ev.credits["period"].isin(_months_of(label, ev))]),
            "calibration": _records(ev.calibration[ev.calibration["period"] == label]),
        })
    return {
        "generator": f"scorecard {__version__}",
        "contract": {"id": c.id, "client": c.client, "vendor": c.vendor, "currency": c.currency,
                     "timezone": c.timezone, "path": c.path, "version_hash": c.version_hash},
        "inputs": [{"file": f, "sha256": h} for f, h in sorted(ev.inputs.items())],
        "periods": periods,
        "data_quality": {
            "problems": int(len(ev.quality)),
            "quarantined_rows": int((ev.quality["action"] == "quarantined").sum()) if len(ev.quality) else 0,
            "rows": _records(ev.quality.reindex(columns=QUALITY_COLUMNS)),
        },
    }


def _months_of(label: str, ev: Evaluation) -> list[str]:
    from .periods import parse_period
    return parse_period(label).months()


def write_results(ev: Evaluation, out_dir: Path) -> list[Path]:
    """Write every result file into out_dir (each one atomically); return the paths written."""
    out_dir = Path(out_dir)
    files = {
        "results.csv": _csv(ev.results, RESULT_COLUMNS),
        "credits.csv": _csv(ev.credits, CREDIT_COLUMNS),
        "calibration.csv": _csv(ev.calibration, CALIBRATION_COLUMNS, ["spread", "tendency"]),
        "data_quality.csv": _csv(ev.quality, QUALITY_COLUMNS),
        "results.json": json.dumps(results_document(ev), indent=2, ensure_ascii=False) + "\n",
    }
    return [write_text(out_dir / name, text) for name, text in files.items()]
