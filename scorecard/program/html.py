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
from ..render.format import fmt_money, fmt_number, fmt_period, fmt_target, fmt_value, kpi_label, status_label
from .compare import Comparable, NotComparable
from .text import word

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2733;max-width:70rem}
table{border-collapse:collapse;margin:.4rem 0 1.6rem}td,th{padding:.3rem .8rem;border-bottom:1px solid #d8dee6;
text-align:left}th{background:#f2f5f8}.green{color:#177245}.amber{color:#a86400}.red{color:#b3261e}
.num{text-align:right}.muted{color:#5f6b7a;font-size:.9em}"""
_RANK = {"green": 0, "amber": 1, "red": 2}


def kpi_name(g: Comparable, evaluations: dict[str, Evaluation], lang: str) -> str:
    """The comparable KPI's label in the first vendor's contract that has it, in `lang`."""
    vendor, kpi = next(iter(g.ids.items()))
    return kpi_label(evaluations[vendor].contract, kpi, lang)


def _league(g: Comparable, name: str, rows: pd.DataFrame, units: dict[str, str], lang: str) -> str:
    """Vendors best first: by points, then by value in the KPI's good direction."""
    sign = -1.0 if g.direction == "lower" else 1.0
    rows = rows.assign(_p=rows["points"].fillna(-1), _v=sign * rows["value"].astype("float64").fillna(-math.inf))
    rows = rows.sort_values(["_p", "_v"], ascending=False, kind="stable")
    unit = units.get(g.key, "ratio")
    body = "".join(
        f"<tr><td class=num>{i}</td><td>{escape(r.vendor)}</td><td class=num>{fmt_value(r.value, unit, lang)}</td>"
        f"<td class=num>{fmt_number(r.n, 0, lang)}</td><td>{escape(fmt_target(r.target, unit, lang))}</td>"
        f"<td class={escape(r.status)}>{escape(status_label(r.status, lang))}</td></tr>"
        for i, r in enumerate(rows.itertuples(), 1))
    bench = rows["benchmark"].iloc[0] if len(rows) else ""
    note = f'<p class=muted>{escape(word("industry_benchmark", lang, bench=bench))}</p>' if bench else ""
    columns = ["#", word("vendor", lang), word("value", lang), "n", word("own_target", lang), word("status", lang)]
    head = "".join(f"<th>{escape(h)}</th>" for h in columns)
    return (f"<h3>{escape(name)} <span class=muted>({escape(g.metric)})</span></h3>{note}<table><tr>{head}</tr>"
            f"{body}</table>")


def _vendors(evaluations: dict[str, Evaluation], period: str, lang: str) -> str:
    rows = []
    for vendor, ev in evaluations.items():
        overall = ev.overall[ev.overall["period"] == period]
        score = overall["score"].iloc[0] if len(overall) else math.nan
        mine = ev.credits[ev.credits["period"].isin(parse_period(period).months())] if len(ev.credits) else ev.credits
        paid = sum((p for p in mine.get("paid", []) if pd.notna(p)), start=Decimal(0))
        status = ev.results.loc[(ev.results["grain"] == "vendor") & (ev.results["period"] == period), "status"]
        counts = " / ".join(str(int((status == s).sum())) for s in ("green", "amber", "red"))
        rows.append(f"<tr><td>{escape(vendor)}</td><td class=num>{fmt_value(score, 'points', lang)}</td>"
                    f"<td class=num>{counts}</td>"
                    f"<td class=num>{fmt_money(float(paid), lang, ev.contract.currency)}</td></tr>")
    head = "".join(f"<th>{escape(word(k, lang))}</th>" for k in ("vendor", "overall_score", "status_counts",
                                                                  "credits_paid"))
    return f"<h2>{escape(word('vendors', lang))}</h2><table><tr>{head}</tr>{''.join(rows)}</table>"


def program_html(name: str, period: str, evaluations: dict[str, Evaluation], groups: Sequence[Comparable],
                 left: Sequence[NotComparable], rows: pd.DataFrame, units: dict[str, str], lang: str = "en") -> str:
    """The whole page as text, in the program's language."""
    now = rows[rows["period"] == period]
    shown = fmt_period(period, lang)
    leagues = "".join(_league(g, kpi_name(g, evaluations, lang), now[now["kpi"] == g.key], units, lang)
                      for g in groups)
    out = "".join(f"<li><b>{escape(x.kpi)}</b> ({escape(', '.join(x.vendors))}): {escape(x.reason(lang))}</li>"
                  for x in left)
    intro = word("intro", lang, period=shown, n=len(evaluations))
    return (f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{escape(name)} {shown}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(name)}</h1><p class=muted>{escape(intro)}</p>"
            f"{_vendors(evaluations, period, lang)}<h2>{escape(word('side_by_side', lang))}</h2>{leagues}"
            + (f"<h2>{escape(word('not_comparable', lang))}</h2><ul>{out}</ul>" if out else "") + "</body></html>\n")
