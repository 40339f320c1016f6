"""The integrity slide: the period's signals that a KPI may be gamed, vendor first, then teams and
agents, each with what moved in words (integrity/words.py, in the deck's language).

Shown when the contract's deck sections list `integrity`, or with no list, by default; either way
only when a signal fired (a slide saying "nothing to see" is not worth the forum's minute: the
summary says it instead). A signal is a question for the forum, never a verdict.
"""

from __future__ import annotations

import pandas as pd

from ...integrity.compute import thresholds
from ...integrity.words import evidence
from .context import DeckContext
from .levels import paged_table
from .tables import Cell, Column
from ..format import strings, typeset, word

GRAIN_ORDER = ("vendor", "site", "team_id", "agent_id")


def signal_rows(ctx: DeckContext) -> pd.DataFrame:
    """The signals of the period's months, vendor first, then by grain, entity, month and signal."""
    frame = ctx.evaluation.integrity
    if not len(frame):
        return frame
    rows = frame[frame["period"].isin(ctx.period_months)]
    order = {g: i for i, g in enumerate(GRAIN_ORDER)}
    return rows.assign(_o=rows["grain"].map(order).fillna(len(order))) \
        .sort_values(["_o", "entity", "period", "signal"], kind="stable").drop(columns="_o")


def integrity_missing(ctx: DeckContext) -> str | None:
    return None if len(signal_rows(ctx)) else ctx.w("no_signals")


def signal_name(signal: str, lang: str) -> str:
    """The signal's name in words (i18n.yaml `signals`), else its id made readable."""
    entry = strings().get("signals", {}).get(signal)
    return typeset(entry[lang], lang) if entry else signal.replace("_", " ")


def said(ctx: DeckContext, row) -> str:
    """What moved, in the deck's language (integrity.csv's English text when the numbers are gone)."""
    moves = getattr(row, "moves", None)
    if not isinstance(moves, tuple) or not moves:
        return str(row.evidence)
    t = thresholds(ctx.contract)
    return evidence(moves, ctx.lang, months=t.baseline_months, short=t.short_contact)


def counts_line(ctx: DeckContext) -> str | None:
    """'Integrity signals: 1 for the vendor, 0 for teams, 5 for agents' for the summary, or None."""
    rows = signal_rows(ctx)
    if not len(rows):
        return None
    n = rows["grain"].value_counts()
    return ctx.w("integrity_line", vendor=n.get("vendor", 0), teams=n.get("team_id", 0), agents=n.get("agent_id", 0))


def build_integrity(ctx: DeckContext) -> None:
    rows = signal_rows(ctx)
    span = len(ctx.period_months) > 1
    columns = ([Column(ctx.w("level"), 1.0), Column(ctx.w("who"), 1.6)]
               + ([Column(ctx.w("month"), 1.0)] if span else [])
               + [Column(ctx.w("signal"), 2.2), Column(ctx.w("evidence"), 7.0)])
    cells, notes = [], []
    for r in rows.itertuples():
        level = word("grains", str(r.grain), ctx.lang)
        text = said(ctx, r)
        cells.append([Cell(level, bold=r.grain == "vendor"), Cell(str(r.entity), bold=r.grain == "vendor")]
                     + ([Cell(ctx.month(str(r.period)))] if span else [])
                     + [Cell(signal_name(str(r.signal), ctx.lang), status="amber"), Cell(text)])
        notes.append(ctx.pair(f"{level} {r.entity}, {ctx.month(str(r.period))}",
                              f"{signal_name(str(r.signal), ctx.lang)} - {text}"))
    intro = ctx.w("integrity_notes", n=thresholds(ctx.contract).baseline_months)
    paged_table(ctx, f"{ctx.w('integrity')} - {ctx.month(ctx.period)}", columns, cells,
                lambda shown: "\n".join([intro] + [notes[i] for i in shown]))
