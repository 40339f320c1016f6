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


@dataclass(frozen=True)
class InputFacts:
    """The data stage's findings the engine applies (empty: nothing limits any KPI)."""

    cleared: dict[str, pd.DataFrame] = field(default_factory=dict)
    constants: tuple["ConstantInput", ...] = ()

    def constant_note(self, kpi: KpiSpec) -> str:
        """Why the KPI is constant by construction ('' when it is not)."""
        m = catalog_metric(kpi.metric)
        measured = set(m.measures)
        reasons = [c.reason for c in self.constants if c.table == m.table and c.columns <= measured]
        return "; ".join(dict.fromkeys(reasons))

    def usable(self, table: str, frame: pd.DataFrame, kpi: KpiSpec) -> np.ndarray:
        """Rows of `frame` (a clean canonical table, or a frame aligned with it) with no cleared cell
        in a column the KPI measures."""
        rows = np.ones(len(frame), dtype=bool)
        cleared = self.cleared.get(table)
        if cleared is None or len(cleared) != len(frame):
            return rows
        for column in catalog_metric(kpi.metric).measures:
            if column in cleared:
                rows &= ~cleared[column].to_numpy(dtype=bool, na_value=False)
        return rows
