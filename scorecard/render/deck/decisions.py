"""The slide after the summary: what the forum must decide, and why each red KPI is red.

Left, every KPI below its minimum by name with its value against the bound it missed, and under it
the teams, sites, channels or reasons that explain most of the gap (gap_shares.py). Right, the
decisions: a credit to confirm, a chronic-failure notice, overdue actions with their owners. The
speaker notes repeat the why lines with the rule that computes them.
"""

from __future__ import annotations

import pandas as pd

from ...gap_shares import GapShare, main_contributors
from .actions import FINISHED
from .context import DeckContext
from .tables import Line, write_lines
from .text import fmt_share
from ..format import fmt_date, strings, word
from ..view import level


def contributor(ctx: DeckContext, grain: str, entity: str) -> tuple[str, str]:
    """('team', 'LIS-2'), ('channel', 'voice'): a grain and one of its entities in the deck's words."""
    name = strings()["grains"].get(grain, {}).get(ctx.lang, grain).lower()
    return name, word("channels", entity, ctx.lang, default=entity) if grain == "channel" else entity


def own_target_met(ctx: DeckContext, kpi: str, grain: str, entity: str) -> str | None:
    """The entity's own target (a per-channel one) when it meets it: its part of the vendor's gap then
    comes from the mix of contacts, not from a miss, and the forum must not read it as one."""
    res = ctx.evaluation.results
    row = res[(res["period"] == ctx.period) & (res["kpi"] == kpi) & (res["grain"] == grain) & (res["entity"] == entity)]
    return ctx.target(row["target"].iloc[0], kpi) if len(row) and row["status"].iloc[0] == "green" else None


def _part(ctx: DeckContext, kpi: str, share: GapShare, unit_share: str) -> str:
    grain, entity = contributor(ctx, share.grain, share.entity)
    own = own_target_met(ctx, kpi, share.grain, share.entity)
    if own is not None:
        return ctx.w("why_part_own", grain=grain, entity=entity, share=unit_share, target=own)
    return ctx.w("why_part", grain=grain, entity=entity, share=unit_share)


def why_line(ctx: DeckContext, row) -> str | None:
    """'mostly channel voice (64 % of the gap), team LIS-2 (31 % of the gap)', or None when no
    breakdown of the KPI explains a quarter of its gap."""
    target = level(row.target)
    if target is None:
        return None
    found = main_contributors(ctx.evaluation.results, row.kpi, ctx.period, target)
    if not found:
        return None
    return ctx.w("why", parts=", ".join(_part(ctx, row.kpi, s, fmt_share(s.share, ctx.lang)) for s in found))


def red_rows(ctx: DeckContext) -> pd.DataFrame:
    rows = ctx.vendor_results()
    return rows[rows["status"] == "red"]


def missed_line(ctx: DeckContext, row) -> str:
    """'Digital rate: 12.7 % vs target ≥ 40 %' (the minimum when the contract sets one)."""
    has_min = isinstance(row.minimum, str) and bool(row.minimum)
    name, bound = ("minimum", row.minimum) if has_min else ("target", row.target)
    return ctx.w("missed_kpi", kpi=ctx.label(row.kpi), value=ctx.value(row.value, row.unit),
                 bound=f"{ctx.w(name).lower()} {ctx.target(bound, row.kpi)}")


def overdue_actions(ctx: DeckContext) -> list:
    return sorted((a for a in ctx.actions or [] if a.overdue(ctx.period_end)), key=lambda a: a.due)


def open_actions(ctx: DeckContext) -> int:
    return sum(a.status not in FINISHED for a in ctx.actions or [])


def _decisions(ctx: DeckContext) -> list[Line]:
    lines: list[Line] = []
    credits = ctx.evaluation.credits
    rows = credits[credits["period"].isin(ctx.period_months)] if len(credits) else credits
    total = rows[rows["kpi"] == "TOTAL"]["credit"].sum() if len(rows) else 0
    if total > 0:
        lines.append(Line(ctx.w("decide_credit", credit=ctx.money(total), period=ctx.month(ctx.period)),
                          bold=True))
    if len(rows):
        for kpi in rows[(rows["kpi"] != "TOTAL") & rows["chronic_failure"].astype(bool)]["kpi"].unique():
            lines.append(Line(ctx.w("decide_chronic", kpi=ctx.label(kpi)), bold=True, status="red"))
    late = overdue_actions(ctx)
    if late:
        lines.append(Line(ctx.w("decide_actions", n=len(late)), bold=True))
        lines += [Line(ctx.w("overdue_action", id=a.id, title=a.title, owner=a.owner,
                             due=fmt_date(a.due, ctx.lang)), level=1, status="red") for a in late]
    return lines or [Line(ctx.w("nothing_to_decide"))]


def build_decisions(ctx: DeckContext) -> None:
    missed, notes = [], []
    for row in red_rows(ctx).itertuples():
        text = missed_line(ctx, row)
        missed.append(Line(text, bold=True, status="red"))
        why = why_line(ctx, row)
        if why:
            missed.append(Line(why, level=1))
            notes.append(ctx.pair(text, f"{why}. ") + ctx.w("why_notes", target=ctx.target(row.target, row.kpi)))
    left, right = ctx.canvas.add("two", f"{ctx.w('decisions')} - {ctx.month(ctx.period)}", "\n".join(notes))
    write_lines(left, [Line(ctx.w("missed_kpis"), bold=True)] + (missed or [Line(ctx.w("no_missed"))]))
    write_lines(right, [Line(ctx.w("decisions"), bold=True)] + _decisions(ctx))
