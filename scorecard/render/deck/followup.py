"""The action log slide(s): what the forum agreed last time and whether it was done.

Overdue actions (due before the period end, not done or closed) come first and are marked in red
with a word, because chasing them is the first thing a forum does with its action log.
"""

from __future__ import annotations

from .actions import FINISHED, Action
from .context import DeckContext
from .tables import Cell, Column, draw_table, pages, row_lines, rows_per_page
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
    actions = sorted(ctx.actions, key=lambda a: _order(ctx, a))
    overdue = sum(a.overdue(ctx.period_end) for a in actions)
    still_open = sum(a.status not in FINISHED for a in actions)
    title = f"{ctx.w('actions')} - {ctx.w('overdue_count', n=overdue, total=still_open)}"
    columns = [Column(ctx.w("id"), 0.8), Column(ctx.w("title"), 5.0, lines=2), Column(ctx.w("owner"), 2.2, lines=2),
               Column(ctx.w("due"), 1.4), Column(ctx.w("status"), 2.4), Column(ctx.w("kpi"), 2.2, lines=2)]
    notes = "\n".join(f"{a.id}: {a.title} ({a.owner}, {fmt_date(a.due, ctx.lang)}, {ctx.w('action_' + a.status)})"
                      for a in actions)
    first = ctx.canvas.add("table", title, notes)
    chunks = pages(actions, rows_per_page(first[0].box.height, row_lines(columns)))
    for i, chunk in enumerate(chunks):
        slots = first if i == 0 else ctx.canvas.add("table", title, notes)
        if len(chunks) > 1:
            slots[0].slide.shapes.title.text = f"{title} ({ctx.w('page', n=i + 1, total=len(chunks))})"
        draw_table(slots[0], columns, [_row(ctx, a) for a in chunk])
