"""csv_text as results.py wrote it at c6c9f28: each text cell transformed once per distinct text,
then pandas' to_csv. Kept as the reference the column-by-column writer (scorecard/csv_rows.py) is
compared with (tests/test_results_csv_columns.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scorecard.results import _cell, _french_cell, _mapped


def csv_text(frame: pd.DataFrame, columns: list[str], extra: Sequence[str] = (), dialect: str = "default") -> str:
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
