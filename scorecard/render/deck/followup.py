"""The action log slide(s): what the forum agreed last time and whether it was done.

Overdue actions (due before the period end, not done or closed) come first and are marked in red
with a word, because chasing them is the first thing a forum does with its action log.
"""

from __future__ import annotations

from .actions import FINISHED, Action
from .context import DeckContext
from .levels import paged_table
from .tables import Cell, Column
from ..format import MISSING, fmt_date


def actions_missing(ctx: DeckContext) -> str | None:
    return None if ctx.actions else ctx.w("no_actions")


def _order(ctx: DeckContext, action: Action) -> tuple:
    """Overdue first, then open actions by due date, then finished ones."""
    return (not action.overdue(ctx.period_end), action.status in FINISHED, action.due)


def _row(ctx: DeckContext, a: Action) -> list[Cell]:
    late = a.overdue(ctx.period_end)
    status = ctx.w(f"action_{a.status}")
    return [Cell(a.id, bold=late), Cell(a.title), Cell(a.owner),
            Cell(fmt_date(a.due, ctx.lang), status="red" if late else None),
            Cell(f"{ctx.w('overdue')} ({status})" if late else status,
                 status="red" if late else ("green" if a.status in FINISHED else None)),
            Cell(ctx.label(a.kpi) if a.kpi else MISSING)]


def build_actions(ctx: DeckContext) -> None:
    actions = sorted(ctx.actions or (), key=lambda a: _order(ctx, a))
    overdue = sum(a.overdue(ctx.period_end) for a in actions)
    still_open = sum(a.status not in FINISHED for a in actions)
    title = f"{ctx.w('actions')} - {ctx.w('overdue_count', n=overdue, total=still_open)}"
    columns = [Column(ctx.w("id"), 0.8), Column(ctx.w("title"), 5.0), Column(ctx.w("owner"), 2.2),
               Column(ctx.w("due"), 1.4), Column(ctx.w("status"), 2.4), Column(ctx.w("kpi"), 2.2)]
    notes = [f"{a.id}: {a.title} ({a.owner}, {fmt_date(a.due, ctx.lang)}, {ctx.w('action_' + a.status)})"
             for a in actions]
    paged_table(ctx, title, columns, [_row(ctx, a) for a in actions],
                lambda rows: "\n".join(notes[i] for i in rows))
