"""results.parquet (OUTPUTS.md "Further result files"): the rows of results.csv with typed columns."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from scorecard.cli import main
from scorecard.results import RESULT_COLUMNS, write_parquet

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"


def test_evaluate_writes_results_parquet_with_the_rows_of_results_csv(small_demo, tmp_path, capsys):
    assert main(["evaluate", str(CONTRACT), "--data", str(small_demo), "--period", "2026-03",
                 "--out", str(tmp_path)]) == 0
    table = pq.read_table(tmp_path / "results.parquet")
    assert table.column_names == RESULT_COLUMNS
    types = {f.name: str(f.type) for f in table.schema}
    assert types["value"] == "double" and types["n"] == "int64" and types["provisional"] == "bool"
    assert {types[c] for c in RESULT_COLUMNS if c not in ("value", "n", "provisional")} == {"string"}
    typed = table.to_pandas()
    text = pd.read_csv(tmp_path / "results.csv", dtype=str, keep_default_na=False)
    assert len(typed) == len(text) > 100
    for col in ("period", "kpi", "metric", "grain", "entity", "target", "minimum", "status"):
        assert typed[col].fillna("").tolist() == text[col].tolist(), col
    assert typed["n"].tolist() == [int(v) for v in text["n"]]
    assert typed["provisional"].tolist() == [v == "true" for v in text["provisional"]]
    csv_values = [float(v) if v else math.nan for v in text["value"]]
    assert np.array_equal(typed["value"].to_numpy(), np.array(csv_values), equal_nan=True)  # exact
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "results.parquet" in {Path(f["path"]).name for f in manifest["files"]}


def test_missing_is_null_and_text_is_kept_as_written(tmp_path):
    frame = pd.DataFrame({"period": ["2026-03", "2026-03"], "kpi": ["aht", "aht"], "metric": ["aht", "aht"],
                          "grain": ["agent_id", "agent_id"], "entity": ["=1+1", "-3"], "value": [412.5, np.nan],
                          "n": [12, 0], "target": ["<= 7m", None], "minimum": [None, None],
                          "status": ["green", "not_measurable"], "provisional": [True, False]})
    back = pq.read_table(write_parquet(frame, tmp_path / "results.parquet")).to_pylist()
    assert back[0] == {"period": "2026-03", "kpi": "aht", "metric": "aht", "grain": "agent_id", "entity": "=1+1",
                       "value": 412.5, "n": 12, "target": "<= 7m", "minimum": None, "status": "green",
                       "provisional": True}
    assert back[1]["value"] is None and back[1]["target"] is None and back[1]["entity"] == "-3"
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left
