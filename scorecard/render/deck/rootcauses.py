"""The root-cause slide, after the decisions: for each red vendor KPI, the three teams, sites,
channels or reasons explaining most of its gap to target, each with its own value, its share of
the volume and its share of the gap - the same rows as results.json `root_causes` (rootcause.py),
so what the forum sees is what the files say.
"""

from __future__ import annotations

import pandas as pd

from ...rootcause import root_causes
from .context import DeckContext
from .decisions import contributor, own_target_met
from .levels import paged_table
from .tables import Cell, Column
from .text import fmt_share


def cause_rows(ctx: DeckContext) -> pd.DataFrame:
    return root_causes(ctx.evaluation, ctx.period)


def root_causes_missing(ctx: DeckContext) -> str | None:
    return None if len(cause_rows(ctx)) else ctx.w("no_root_causes")


def build_root_causes(ctx: DeckContext) -> None:
    rows = cause_rows(ctx)
    columns = [Column(ctx.w("kpi"), 3.0), Column("#", 0.4, "r"), Column(ctx.w("contributor"), 3.0),
               Column(ctx.w("its_value"), 1.4, "r"), Column(ctx.w("volume_share"), 1.4, "r"),
               Column(ctx.w("gap_share"), 1.4, "r")]
    cells, notes, kpis = [], [], []
    for r in rows.itertuples():
        first = r.kpi not in kpis
        kpis.append(r.kpi)
        grain, entity = contributor(ctx, r.grain, r.entity)
        value, volume, gap = ctx.value(r.value, ctx.unit(r.kpi)), fmt_share(r.volume_share, ctx.lang), \
            fmt_share(r.gap_share, ctx.lang)
        cells.append([Cell(ctx.label(r.kpi) if first else "", status="red" if first else None),
                      Cell(str(r.rank), align="r"), Cell(f"{grain} {entity}"), Cell(value, align="r"),
                      Cell(volume, align="r"), Cell(gap, align="r", bold=r.rank == 1)])
        head = ctx.pair(ctx.label(r.kpi), "").rstrip() + "\n" if first else ""
        note = ctx.w("root_cause_note", rank=r.rank, grain=grain, entity=entity, value=value, volume=volume, gap=gap)
        own = own_target_met(ctx, r.kpi, r.grain, r.entity)
        if own is not None:  # a per-channel target it meets: said, not hidden
            note += ctx.w("meets_own_target", target=own)
        notes.append(head + note)
    intro = ctx.w("root_causes_intro")
    paged_table(ctx, f"{ctx.w('root_causes')} - {ctx.month(ctx.period)}", columns, cells,
                lambda shown: "\n".join([intro] + [notes[i] for i in shown]))
