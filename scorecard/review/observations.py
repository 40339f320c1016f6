"""Per-contact observations of a duration KPI in one period, for the percentile bootstrap.

`evaluate` keeps aggregates only, so the observations are rebuilt here with the KPI engine's own
pieces (read, not changed): its interaction source and row filter (`Engine.rows_for`: the KPI
filter and the data checks' usable rows) and the metric's builder from interactions.py (the
business clock, "answered" and "handled" conventions). The observations are therefore exactly the
ones the engine takes the quantile of.
"""

from __future__ import annotations

import numpy as np

from ..contract.model import Contract, KpiSpec
from ..data import Dataset
from ..kpis.engine import Engine
from ..kpis.inputs import InputFacts
from ..kpis.interactions import BUILDERS
from ..kpis.measure import Measure, NotMeasurable
from ..periods import month_to_period, parse_period


class Observations:
    """Builds per-row duration observations of a contract's KPIs from one dataset (rows derived once)."""

    def __init__(self, contract: Contract, dataset: Dataset):
        facts = InputFacts.of(dataset.tables, dataset.cleared, dataset.constants)
        self.engine = Engine(contract, dataset.tables, [], ["vendor"], facts)

    def of(self, kpi: KpiSpec, period: str) -> np.ndarray | None:
        """The observations (seconds) of `kpi` in the period labelled `period`; None when the KPI
        is not a quantile of per-row observations or the data cannot feed it."""
        if kpi.metric not in BUILDERS or "interactions" not in self.engine.tables:
            return None
        src, rows = self.engine.interaction_source(), self.engine.interactions
        if isinstance(src, NotMeasurable) or rows is None:
            return None
        base, note = self.engine.rows_for(src, kpi)
        if note:
            return None
        measure = BUILDERS[kpi.metric](kpi, rows, src, base)
        if not isinstance(measure, Measure) or measure.obs is None:
            return None
        kind = parse_period(period).kind
        in_period = (month_to_period(src.month, kind) == period).fillna(False).to_numpy(dtype=bool)
        obs = measure.obs[in_period]
        return obs[~np.isnan(obs)]
