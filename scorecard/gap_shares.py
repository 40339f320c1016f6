"""Which teams, sites or channels a KPI's miss comes from: each entity's share of the gap to target.

A vendor-level value is a weighted mean of its entities' values (weights: the KPI's denominator, or
its observation count), so the vendor's distance to target splits exactly into the entities'
weighted distances. Entity i of a grain explains

    share_i = n_i x (v_i - target) / sum_j n_j x (v_j - target)

of the gap: the shares of a grain sum to 1, an entity beating the target has a negative share (it
offsets the others), and a large team a little off target can outweigh a small one far off. The deck's
"why" lines and the program view read the same numbers from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# The grains a "why" line looks at, in the order a forum reads them; agents are a team lead's matter.
WHY_GRAINS = ("channel", "site", "team_id", "reason")


@dataclass(frozen=True)
class GapShare:
    """One entity's part of a KPI's gap to target at one grain."""

    grain: str
    entity: str
    value: float
    n: int
    share: float


def gap_shares(rows: pd.DataFrame, target: float) -> list[GapShare]:
    """The entities of one grain (rows with grain, entity, value, n), largest share first; empty when
    the weighted gap is zero or no entity has a value (nothing to explain)."""
    rows = rows[rows["value"].notna() & (rows["n"] > 0)]
    weighted = rows["n"].to_numpy(dtype="float64") * (rows["value"].to_numpy(dtype="float64") - target)
    total = weighted.sum()
    if not len(rows) or not np.isfinite(total) or abs(total) < 1e-12:
        return []
    shares = weighted / total
    found = [GapShare(str(g), str(e), float(v), int(n), float(s))
             for g, e, v, n, s in zip(rows["grain"], rows["entity"], rows["value"], rows["n"], shares)]
    return sorted(found, key=lambda x: -x.share)


def main_contributors(results: pd.DataFrame, kpi: str, period: str, target: float, *,
                      grains: tuple[str, ...] = WHY_GRAINS, top: int = 2,
                      least: float = 0.25) -> list[GapShare]:
    """For a missed KPI: per grain with at least two entities, the `top` entities explaining at
    least `least` of the gap each, grains in WHY_GRAINS order (one entity is no breakdown)."""
    mine = results[(results["kpi"] == kpi) & (results["period"] == period)]
    found: list[GapShare] = []
    for grain in grains:
        rows = mine[mine["grain"] == grain]
        if rows["entity"].nunique() < 2:
            continue
        found += [s for s in gap_shares(rows, target)[:top] if s.share >= least]
    return found
