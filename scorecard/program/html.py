"""program.html: a league table per comparable KPI (the last asked period), each vendor against its
own target and the industry benchmark, then overall scores and credits per vendor, and the KPIs
that could not be compared, with why."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape
from typing import Sequence

import pandas as pd

from ..evaluate import Evaluation
from ..periods import parse_period
from ..render.format import fmt_money, fmt_value
from .compare import Comparable, NotComparable

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2733;max-width:70rem}
table{border-collapse:collapse;margin:.4rem 0 1.6rem}td,th{padding:.3rem .8rem;border-bottom:1px solid #d8dee6;
text-align:left}th{background:#f2f5f8}.green{color:#177245}.amber{color:#a86400}.red{color:#b3261e}
.num{text-align:right}.muted{color:#5f6b7a;font-size:.9em}"""
_RANK = {"green": 0, "amber": 1, "red": 2}


def _league(g: Comparable, rows: pd.DataFrame, units: dict[str, str], lang: str) -> str:
    """Vendors best first: by points, then by value in the KPI's good direction."""
    sign = -1.0 if g.direction == "lower" else 1.0
    rows = rows.assign(_p=rows["points"].fillna(-1), _v=sign * rows["value"].astype("float64").fillna(-math.inf))
    rows = rows.sort_values(["_p", "_v"], ascending=False, kind="stable")
    unit = units.get(g.key, "ratio")
    body = "".join(
        f"<tr><td class=num>{i}</td><td>{escape(r.vendor)}</td><td class=num>{fmt_value(r.value, unit, lang)}</td>"
        f"<td class=num>{int(r.n)}</td><td>{escape(str(r.target))}</td><td class={escape(r.status)}>"
        f"{escape(r.status.replace('_', ' '))}</td></tr>"
        for i, r in enumerate(rows.itertuples(), 1))
    bench = rows["benchmark"].iloc[0] if len(rows) else ""
    note = f'<p class=muted>Industry benchmark: {escape(bench)}</p>' if bench else ""
    return (f"<h3>{escape(g.key)} <span class=muted>({escape(g.metric)})</span></h3>{note}<table><tr><th>#</th>"
            f"<th>vendor</th><th>value</th><th>n</th><th>own target</th><th>status</th></tr>{body}</table>")


def _vendors(evaluations: dict[str, Evaluation], period: str, lang: str) -> str:
    rows = []
    for vendor, ev in evaluations.items():
        overall = ev.overall[ev.overall["period"] == period]
        score = overall["score"].iloc[0] if len(overall) else math.nan
        mine = ev.credits[ev.credits["period"].isin(parse_period(period).months())] if len(ev.credits) else ev.credits
        paid = sum((p for p in mine.get("paid", []) if pd.notna(p)), start=Decimal(0))
        status = ev.results.loc[(ev.results["grain"] == "vendor") & (ev.results["period"] == period), "status"]
        counts = " / ".join(str(int((status == s).sum())) for s in ("green", "amber", "red"))
        rows.append(f"<tr><td>{escape(vendor)}</td><td class=num>{'—' if pd.isna(score) else f'{score:.1f}'}</td>"
                    f"<td class=num>{counts}</td>"
                    f"<td class=num>{fmt_money(float(paid), lang, ev.contract.currency)}</td></tr>")
    return ("<h2>Vendors</h2><table><tr><th>vendor</th><th>overall score</th><th>KPIs green / amber / red</th>"
            f"<th>service credits paid</th></tr>{''.join(rows)}</table>")


def program_html(name: str, period: str, evaluations: dict[str, Evaluation], groups: Sequence[Comparable],
                 left: Sequence[NotComparable], rows: pd.DataFrame, units: dict[str, str], lang: str = "en") -> str:
    """The whole page as text."""
    now = rows[rows["period"] == period]
    leagues = "".join(_league(g, now[now["kpi"] == g.key], units, lang) for g in groups)
    out = "".join(f"<li><b>{escape(x.kpi)}</b> ({escape(', '.join(x.vendors))}): {escape(x.reason)}</li>"
                  for x in left)
    return (f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{escape(name)} {period}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(name)}</h1><p class=muted>Period {period}: "
            f"{len(evaluations)} vendors, each against its own contract.</p>"
            f"{_vendors(evaluations, period, lang)}<h2>KPIs side by side</h2>{leagues}"
            + (f"<h2>Not comparable</h2><ul>{out}</ul>" if out else "") + "</body></html>\n")
