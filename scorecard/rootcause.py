"""Root cause of a red KPI: which teams, sites, channels or reasons explain most of the vendor's gap
to target (each entity's volume share and its own value), top three, for results.json.

The gap share is gap_shares.py's n_i (v_i - target) / sum_j n_j (v_j - target), shared with the deck's
"why" lines, so the forum and the files can only name the same contributors."""

from __future__ import annotations

import pandas as pd

from .evaluate import Evaluation
from .gap_shares import WHY_GRAINS, gap_shares

ROOT_CAUSE_COLUMNS = ["period", "kpi", "rank", "grain", "entity", "value", "n", "volume_share", "gap_share"]
TOP = 3


def root_causes(ev: Evaluation, period: str) -> pd.DataFrame:
    """For each red vendor-level KPI of `period`: its top three contributors across the grains that
    were computed (a grain with one entity explains nothing)."""
    res = ev.results[ev.results["period"] == period]
    red = res[(res["grain"] == "vendor") & (res["status"] == "red")]
    out = []
    for kpi in red["kpi"]:
        spec = ev.contract.kpis[kpi]
        bound = spec.target or spec.minimum
        if bound is None:
            continue
        mine = res[(res["kpi"] == kpi) & res["grain"].isin(WHY_GRAINS)]
        found = []
        for _, rows in mine.groupby("grain", sort=False):
            if rows["entity"].nunique() >= 2:
                total = rows.loc[rows["value"].notna(), "n"].sum()
                # an entity at or beyond the target explains none of the gap, however large it is
                found += [(s, s.n / total if total else float("nan")) for s in gap_shares(rows, bound.value)
                          if s.share > 0]
        found.sort(key=lambda x: -x[0].share)
        out += [{"period": period, "kpi": kpi, "rank": i, "grain": s.grain, "entity": s.entity, "value": s.value,
                 "n": s.n, "volume_share": vol, "gap_share": s.share}
                for i, (s, vol) in enumerate(found[:TOP], 1)]
    return pd.DataFrame(out, columns=ROOT_CAUSE_COLUMNS)
