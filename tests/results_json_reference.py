"""results.json as results.py wrote it at c6c9f28: the whole text made in memory (each table by
pandas' encoder, rows taken by a boolean scan per period). Kept as the reference the streamed
writer is compared with (tests/test_results_json_stream.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd

from scorecard import __version__
from scorecard.evaluate import Evaluation
from scorecard.periods import parse_period
from scorecard.json_rows import MONEY_COLUMNS
from scorecard.results import QUALITY_COLUMNS, SECTIONS_IN_JSON
from scorecard.rootcause import root_causes


def _rows(frame: pd.DataFrame) -> str:
    money = {c: frame[c].map(lambda v: float(v) if isinstance(v, Decimal) else v)
             for c in MONEY_COLUMNS if c in frame.columns}
    return frame.assign(**money).to_json(orient="records", double_precision=15, date_format="iso", force_ascii=False)


def _of_period(frame: pd.DataFrame | None, label: str) -> pd.DataFrame:
    if frame is None or "period" not in frame:
        return pd.DataFrame()
    return frame[frame["period"] == label].drop(columns=["period"])


def results_json(ev: Evaluation) -> str:
    c = ev.contract
    head = {
        "generator": f"scorecard {__version__}",
        "contract": {"id": c.id, "client": c.client, "vendor": c.vendor, "currency": c.currency,
                     "timezone": c.timezone, "path": c.path, "version_hash": c.version_hash},
        "inputs": [{"file": f, "sha256": h} for f, h in sorted(ev.inputs.items())],
    }
    if ev.versions:
        asked = [m for label in ev.periods for m in parse_period(label).months()]
        head["contract_versions"] = [use.summary(asked) for use in ev.versions if use.summary(asked)["months"]]
    periods = []
    for label in ev.periods:
        kpis = ev.results[ev.results["period"] == label].drop(columns=["period"], errors="ignore")
        periods.append("{%s}" % ",".join([
            f'"period":{json.dumps(label)}',
            f'"overall":{_rows(ev.overall[ev.overall["period"] == label])}',
            f'"kpis":{_rows(kpis)}',
            f'"credits":{_rows(ev.credits[ev.credits["period"].isin(parse_period(label).months())])}',
            f'"calibration":{_rows(ev.calibration[ev.calibration["period"] == label])}',
            *[f'"{name}":{_rows(_of_period(ev.sections.get(name), label))}' for name in SECTIONS_IN_JSON],
            f'"root_causes":{_rows(root_causes(ev, label).drop(columns=["period"]))}',
        ]))
    quarantined = int((ev.quality["action"] == "quarantined").sum()) if len(ev.quality) else 0
    quality = (f'{{"problems":{len(ev.quality)},"quarantined_rows":{quarantined},'
               f'"rows":{_rows(ev.quality.reindex(columns=QUALITY_COLUMNS))}}}')
    return (json.dumps(head, ensure_ascii=False)[:-1] + f',"periods":[{",".join(periods)}],'
            f'"data_quality":{quality}}}\n')
