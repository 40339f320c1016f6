"""Which rows and inputs a KPI may stand behind, from what the data stage found.

Two facts of the data stage (scorecard/data, `Dataset.constants` and `Dataset.cleared`) limit a KPI:
- an input fixed by construction (the mapping sets `abandoned` to false, or reads created_at and
  first_response_at from one column) makes the KPI constant: not measurable, never green;
- a cell cleared because its value was bad is unknown, not absent: the row leaves the KPIs that
  measure that column (a cleared resolved_at must not make a closed ticket look open in the backlog)
  and stays in every other one.
The measured columns of a metric are the catalog's `measures` (catalog.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..catalog import metric as catalog_metric
from ..contract.model import KpiSpec

if TYPE_CHECKING:
    from ..data.dataset import ConstantInput


DERIVED_FROM_WAIT = {"answered_at": False, "abandoned_at": True}  # moment -> the abandoned flag it goes with


@dataclass(frozen=True)
class InputFacts:
    """The data stage's findings the engine applies (empty: nothing limits any KPI)."""

    cleared: dict[str, pd.DataFrame] = field(default_factory=dict)
    constants: tuple["ConstantInput", ...] = ()

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame], cleared: dict[str, pd.DataFrame],
           constants: tuple["ConstantInput", ...]) -> "InputFacts":
        """The data stage's findings, with a cleared wait carried to the moment made from it: an empty
        answered_at beside a cleared wait_s is unknown, not "never answered" (the mapping, or the
        engine for ACD exports, derives it as created_at + wait_s); likewise abandoned_at. The
        abandoned flag, where there is one, says which of the two the wait ended."""
        out = dict(cleared)
        frame, marks = tables.get("interactions"), cleared.get("interactions")
        if frame is not None and marks is not None and "wait_s" in marks and len(marks) == len(frame):
            marks = marks.copy()
            wait = marks["wait_s"].to_numpy(dtype=bool, na_value=False)
            flag = frame["abandoned"].astype("boolean") if "abandoned" in frame else None
            for moment, ended_by in DERIVED_FROM_WAIT.items():
                empty = frame[moment].isna().to_numpy() if moment in frame else np.ones(len(frame), bool)
                ends = np.ones(len(frame), bool) if flag is None else flag.fillna(ended_by).eq(ended_by).to_numpy(bool)
                known = marks[moment].to_numpy(dtype=bool, na_value=False) if moment in marks else False
                marks[moment] = known | (wait & empty & ends)
            out["interactions"] = marks
        return cls(cleared=out, constants=constants)

    def constant_note(self, kpi: KpiSpec) -> str:
        """Why the KPI is constant by construction ('' when it is not)."""
        m = catalog_metric(kpi.metric)
        measured = set(m.measures)
        reasons = [c.reason for c in self.constants if c.table == m.table and c.columns <= measured]
        return "; ".join(dict.fromkeys(reasons))

    def cleared_of(self, table: str, frame: pd.DataFrame) -> pd.DataFrame | None:
        """The cleared cells of `frame` when it is the clean canonical `table` (or a frame aligned
        with it), None otherwise."""
        cleared = self.cleared.get(table)
        return cleared if cleared is not None and len(cleared) == len(frame) else None
