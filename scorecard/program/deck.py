"""program.pptx: the program's comparison for the governance forum, on the shared deck template
(render/deck/layout.py and tables.py): vendors' overall scores and credits, each comparable KPI across
vendors against each vendor's own target (status-coloured) with its benchmark, and the integrity
signals at vendor grain."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..evaluate import Evaluation
from ..periods import parse_period
from ..render.deck.layout import DeckCanvas
from ..render.deck.tables import Cell, Column, Row, draw_table, table_pages
from ..render.format import fmt_money, fmt_value
from .compare import Comparable


def _paged(canvas: DeckCanvas, title: str, columns: Sequence[Column], rows: Sequence[Row], notes: str) -> None:
    """A table on as many slides as its measured rows need."""
    first = canvas.add("table", title, notes)
    chunks = table_pages(first[0].box.width, first[0].box.height, columns, rows)
    for i, chunk in enumerate(chunks):
        slots = first if i == 0 else canvas.add("table", f"{title} ({i + 1}/{len(chunks)})", notes)
        draw_table(slots[0], columns, chunk)


def _vendor_rows(evaluations: dict[str, Evaluation], period: str, lang: str) -> list[Row]:
    rows = []
    for vendor, ev in evaluations.items():
        overall = ev.overall.loc[ev.overall["period"] == period, "score"]
        status = ev.results.loc[(ev.results["grain"] == "vendor") & (ev.results["period"] == period), "status"]
        credits = ev.credits[ev.credits["period"].isin(parse_period(period).months())] if len(ev.credits) else ev.credits
        paid = sum((p for p in credits.get("paid", []) if pd.notna(p)), start=Decimal(0))
        rows.append([Cell(vendor, bold=True),
                     Cell("—" if overall.empty or pd.isna(overall.iloc[0]) else f"{overall.iloc[0]:.1f}", align="r"),
                     *[Cell(str(int((status == s).sum())), status=s, align="r") for s in ("green", "amber", "red")],
                     Cell(fmt_money(float(paid), lang, ev.contract.currency), align="r")])
    return rows


def _kpi_rows(groups: Sequence[Comparable], rows: pd.DataFrame, vendors: list[str], units: dict[str, str],
              lang: str) -> list[Row]:
    out = []
    for g in groups:
        mine = rows[rows["kpi"] == g.key].set_index("vendor")
        cells = [Cell(g.key, bold=True)]
        for v in vendors:
            if v in mine.index:
                r = mine.loc[v]
                cells.append(Cell(f"{fmt_value(r['value'], units[g.key], lang)} ({r['target']})", status=r["status"],
                                  align="r"))
            else:
                cells.append(Cell("—", align="r"))
        bench = mine["benchmark"].iloc[0] if len(mine) else ""
        out.append(cells + [Cell(bench or "")])
    return out


def write_program_deck(out: Path, name: str, period: str, evaluations: dict[str, Evaluation],
                       groups: Sequence[Comparable], rows: pd.DataFrame, units: dict[str, str],
                       integrity: pd.DataFrame, lang: str = "en") -> Path:
    """Write program.pptx and return its path."""
    canvas = DeckCanvas(None)
    vendors = list(evaluations)
    canvas.cover(name, [f"Program review - {period}", ", ".join(vendors)])
    _paged(canvas, f"Vendors - {period}",
           [Column("vendor", 3), Column("overall score", 1, "r"), Column("green", 1, "r"), Column("amber", 1, "r"),
            Column("red", 1, "r"), Column("credits paid", 2, "r")],
           _vendor_rows(evaluations, period, lang), "Each vendor is scored on its own contract.")
    now = rows[rows["period"] == period]
    _paged(canvas, f"KPIs across vendors - {period}",
           [Column("KPI", 2)] + [Column(v, 2, "r") for v in vendors] + [Column("benchmark", 2)],
           _kpi_rows(groups, now, vendors, units, lang),
           "Each value against the vendor's own target, coloured by its status. Benchmarks are context, "
           "not terms of the contracts.")
    flagged = integrity[integrity["grain"] == "vendor"] if len(integrity) else integrity
    signal_rows = [[Cell(r.vendor, bold=True), Cell(r.period), Cell(r.signal.replace("_", " ")), Cell(r.evidence)]
                   for r in flagged.itertuples()] or [[Cell("no signal at vendor level"), Cell(""), Cell(""), Cell("")]]
    _paged(canvas, "Integrity signals (vendor level)",
           [Column("vendor", 2), Column("month", 1), Column("signal", 2), Column("evidence", 7)], signal_rows,
           "A signal is a question for the forum, not a verdict: see integrity.csv for teams and agents.")
    canvas.save(out)
    return out
